"""A deployment check: files uploaded for an import must not be stored where the web server
serves files (they may hold drafts and authors' addresses)."""

from newsroom.checks import private_folder_check

imports_root_is_private = private_folder_check(
    "IMPORTS_ROOT", check_id="importers.E001", holds="uploaded exports, drafts and all,"
)
