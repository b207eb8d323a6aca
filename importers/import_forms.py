"""The admin's import form: a WordPress export or a JSON Lines file, or a feed's address.

Everything the import would refuse whole is refused here, before a job exists: a file too
large, a file that is neither a WXR export nor JSON Lines (its first bytes say which, whatever
its name), an export that is not well-formed or declares XML entities (the whole file is read,
as `import_wordpress` does before writing), a feed address that is private or internal, a
feed that cannot be fetched or is not a feed. The same checks as the commands', from the same
code: `open_wxr(…).check()`, `interchange.lines.decode`, `feed_import.fetch_feed` and
`feeds.read_feed`.
"""

import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename

from articles.workflow import brands_to_choose
from importers.download import DownloadError
from importers.feed_import import fetch_feed
from importers.feeds import read_feed
from importers.interchange.lines import decode
from importers.interchange.reading import DEFAULT_SOURCE_SYSTEM, LineError
from importers.job_models import ImportJob
from importers.records import SourceRefused
from importers.storage import import_storage
from importers.wordpress import open_wxr

BOM = b"\xef\xbb\xbf"


def _name(filename, fallback):
    return get_valid_filename(Path(filename).name)[-150:] or fallback


@contextmanager
def _local(upload, name):
    """The upload as a local file called `name` (so messages name the file the editor sent)."""
    with tempfile.TemporaryDirectory(prefix="newsroom-upload-") as folder:
        local = Path(folder) / name
        if hasattr(upload, "temporary_file_path"):
            local.symlink_to(upload.temporary_file_path())
        else:
            upload.seek(0)
            local.write_bytes(upload.read())
        yield local


def _brand_label(site):
    """"Newsroom Sport (sport.example.org)": a brand by its name and its host."""
    settings_row = getattr(site, "brand_settings", None)
    return f"{settings_row.brand_name} ({site.domain})" if settings_row else site.domain


class ImportJobForm(forms.ModelForm):
    upload = forms.FileField(
        required=False,
        label="File",
        help_text="A WordPress export (Tools → Export in WordPress: an .xml file) or a JSON "
        "Lines file in Newsroom's interchange format. Leave empty to import a feed instead.",
    )
    feed_url = forms.URLField(
        required=False,
        max_length=2000,
        assume_scheme="https",
        label="Feed address",
        help_text="The address of an RSS, Atom or JSON Feed, fetched now (public addresses "
        "only). Leave empty when you upload a file.",
    )

    class Meta:
        model = ImportJob
        fields = [
            "upload", "feed_url", "brand", "section", "fetch_media", "dry_run", "strict",
            "detailed",
        ]
        labels = {
            "fetch_media": "Download pictures",
            "dry_run": "Dry run",
            "strict": "All or nothing",
            "detailed": "Detailed report",
        }
        help_texts = {
            "brand": "The brand the imported articles belong to. A JSON Lines line that names "
            "its own brand (its “brand” key) goes to that brand instead.",
            "section": "Put every article in this section. WordPress: each post's first "
            "category then becomes one of its topics. Feeds: “News” when empty.",
            "fetch_media": "Download the pictures the export or feed points to, from public "
            "addresses, into the media library. Without it, posts keep no pictures.",
            "dry_run": "Read and check everything and report what would change, writing "
            "nothing.",
            "strict": "Stop at the first item that fails and write nothing at all. Runs as one "
            "task, so progress shows only when it ends.",
            "detailed": "Also list every skipped item and what each item lost on the way in "
            "(a removed shortcode, an untitled post).",
        }

    # The user the form is for (the admin sets it: `ImportJobAdmin.get_form`).
    user = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        brand = self.fields["brand"]
        brand.queryset = self.brand_choices(self.user)
        brand.required = True
        brand.empty_label = None
        brand.initial = settings.DEFAULT_SITE_ID
        brand.label_from_instance = _brand_label

    @staticmethod
    def brand_choices(user):
        """The brands `user` may import to: the one place the form's choices come from.

        The brands with settings (those the network shows) and the default brand, which may
        have none yet, of those `user` works on (`articles.workflow.brands_to_choose`)."""
        return (
            brands_to_choose(user)
            .filter(Q(brand_settings__isnull=False) | Q(pk=settings.DEFAULT_SITE_ID))
            .select_related("brand_settings")
            .order_by("domain")
        )

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        limit = settings.IMPORT_UPLOAD_MAX_BYTES
        if upload and upload.size > limit:
            raise forms.ValidationError(
                f"This file is {filesizeformat(upload.size)}; the largest accepted is "
                f"{filesizeformat(limit)}."
            )
        return upload

    def clean(self):
        cleaned = super().clean()
        upload, address = cleaned.get("upload"), cleaned.get("feed_url")
        if self.errors:
            return cleaned
        if upload and address:
            raise forms.ValidationError("Upload a file or give a feed address, not both.")
        if not upload and not address:
            raise forms.ValidationError("Upload a file or give a feed address.")
        if upload:
            self._check_file(upload)
        else:
            self._check_feed(address)
        return cleaned

    def _check_file(self, upload):
        self.source_name = _name(upload.name, "import")
        upload.seek(0)
        head = upload.read(4096).removeprefix(BOM).lstrip()
        upload.seek(0)
        if head.startswith(b"<"):
            with _local(upload, self.source_name) as path:
                try:
                    export = open_wxr(path)
                    export.check()  # the whole file, as the command does before writing
                except SourceRefused as refusal:
                    self.add_error("upload", str(refusal))
                    return
            self.kind = ImportJob.Kind.WORDPRESS
            host = urlsplit(export.site_url).hostname or "unknown"
            self.source_system = f"wordpress:{host}"[:50]
        elif head.startswith(b"{"):
            upload.seek(0)
            first = upload.readline()
            upload.seek(0)
            try:
                value = decode(first, 1)
            except LineError as error:
                self.add_error("upload", f"This is not a JSON Lines file: line 1 is {error}")
                return
            if not isinstance(value, dict):
                self.add_error("upload", "This is not a JSON Lines file of articles: line 1 "
                               "is not an object.")
                return
            self.kind = ImportJob.Kind.INTERCHANGE
            self.source_system = DEFAULT_SOURCE_SYSTEM
        else:
            self.add_error(
                "upload",
                "This file is neither a WordPress export (XML) nor a JSON Lines file (one "
                "JSON object a line).",
            )

    def _check_feed(self, address):
        try:
            data = fetch_feed(address).data
            feed = read_feed(data, url=address)
        except (DownloadError, SourceRefused) as refusal:
            self.add_error("feed_url", str(refusal))
            return
        self.kind = ImportJob.Kind.FEED
        self.feed_bytes = data
        self.source_name = address
        host = urlsplit(feed.link or address).hostname or "unknown"
        self.source_system = f"feed:{host}"[:50]

    def store_source(self):
        """Put the file (or the feed as fetched) in the private import storage; its name.

        A folder of its own per job, named at random: nothing about it can be guessed, and
        the parts of a split export go beside it."""
        folder = uuid.uuid4().hex
        if self.kind == ImportJob.Kind.FEED:
            name = _name(urlsplit(self.source_name).path, "feed.xml")
            return import_storage().save(f"{folder}/{name}", ContentFile(self.feed_bytes))
        upload = self.cleaned_data["upload"]
        upload.seek(0)
        return import_storage().save(f"{folder}/{self.source_name}", upload)

    def save(self, commit=True):
        job = super().save(commit=False)
        job.kind = self.kind
        job.source_name = self.source_name
        job.source_system = self.source_system
        if commit:
            job.save()
        return job
