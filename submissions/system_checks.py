"""A deployment check: submitted files must not be stored where the web server serves files."""

from newsroom.checks import private_folder_check

submissions_root_is_private = private_folder_check(
    "SUBMISSIONS_ROOT", check_id="submissions.E001", holds="readers' files"
)
