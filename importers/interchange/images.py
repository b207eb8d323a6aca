"""Image files a JSONL line names: checked against the file's folder, cleaned, stored once.

An `ImageStore` lives for one import run, so a picture several lines share is cleaned,
stored and given renditions once. The checks are the media library's own
(`library.uploads.clean_image`, which calls `library.validation.check_image_upload`): a file an
editor could not upload cannot be imported either.

A dry run stores nothing: names are worked out as a real run would, no file is written. Files a
run stores are held back as pending until the line (or, under `--strict`, the whole run) that
stored them is written: `keep` lets them stay, `discard` deletes them with their renditions,
so a line that fails leaves no file behind.
"""

import hashlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import NamedTuple
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.utils.text import slugify

from importers.interchange.reading import LineError
from library.images import make_renditions, rendition_name
from library.uploads import EXTENSIONS, clean_image


class CheckedFile(NamedTuple):
    """An image file named by a line, cleaned and ready to store (see `ImageStore.check`)."""

    path: Path
    digest: str  # of the source file's bytes: what the line's fingerprint covers
    width: int  # of the cleaned picture
    height: int
    suffix: str  # of the cleaned picture's format: ".jpg", ".png" …
    cleaned_digest: str  # of the cleaned bytes: what stored names are made from
    data: bytes  # the cleaned bytes; empty once stored


@dataclass
class StoredImage:
    name: str  # name in media storage
    width: int
    height: int


class ImageStore:
    """Cleans image files named by an import line and stores them, once per cleaned content.

    Nothing is copied as sent: every picture passes `library.uploads.clean_image`, as an
    upload does.

    Renditions (library.images) are made at most once per stored name and import, however
    many articles share the picture.
    """

    def __init__(self, base_dir, *, dry_run=False):
        self.base_dir = Path(base_dir).resolve()
        self.dry_run = dry_run
        self.cleaned = {}  # resolved path -> CheckedFile
        self.stored = {}
        self.rendition_widths = {}
        self.pending = []  # names this run stored that no written line holds yet

    def local_path(self, src, where):
        if not isinstance(src, str) or not src.strip():
            raise LineError(f"{where}: `src` must be a non-empty string.")
        scheme = urlsplit(src).scheme
        if scheme in {"http", "https"}:
            raise LineError(
                f"{where}: remote images ({src}) are not downloaded by import_articles; "
                "put the file beside the JSONL file and give its relative path."
            )
        if scheme or PurePosixPath(src).is_absolute():
            raise LineError(f"{where}: `src` must be a path relative to the JSONL file's folder.")
        path = (self.base_dir / src).resolve()
        if not path.is_relative_to(self.base_dir):
            raise LineError(f"{where}: `src` {src!r} points outside the JSONL file's folder.")
        if not path.is_file():
            raise LineError(f"{where}: image file {src!r} does not exist.")
        return path

    def check(self, src, where):
        """Clean an image file (`library.uploads.clean_image`) and return a `CheckedFile`.

        Writes nothing. A file the web upload would refuse is refused with its words. Each
        file is cleaned once per import, however many lines name it.
        """
        path = self.local_path(src, where)
        if path not in self.cleaned:
            try:
                self.cleaned[path] = self._clean(path)
            except OSError as error:
                raise LineError(f"{where}: {src!r} could not be read ({error.strerror}).") from None
            except ValidationError as error:
                raise LineError(f"{where}: {src!r}: {' '.join(error.messages)}") from None
        return self.cleaned[path]

    def _clean(self, path):
        with path.open("rb") as handle:
            # Its size is checked before anything is read (`check_image_upload`).
            cleaned = clean_image(File(handle, name=path.name))
            handle.seek(0)
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
        data = cleaned.file.read()
        return CheckedFile(
            path=path,
            digest=digest,
            width=cleaned.width,
            height=cleaned.height,
            suffix=EXTENSIONS[cleaned.format],
            cleaned_digest=hashlib.sha256(data).hexdigest(),
            data=data,
        )

    @staticmethod
    def name_for(checked, folder):
        """The name a cleaned image is stored under in `folder`, made from its cleaned bytes."""
        short = checked.cleaned_digest[:16]
        # Exports name files by their stored names, which already start with a digest: that of
        # the stored bytes, which are the source bytes when the export is imported again.
        stem = checked.path.stem.rsplit(f"{checked.digest[:16]}-", 1)[-1]
        stem = stem.rsplit(f"{short}-", 1)[-1]
        return f"{folder}/{short}-{slugify(stem) or 'image'}{checked.suffix}"

    def store(self, checked, folder):
        """Store a cleaned image under `name_for` its bytes; reuse it if present."""
        name = self.name_for(checked, folder)
        if name not in self.stored:
            if not self.dry_run and not default_storage.exists(name):
                data = checked.data or self._clean(checked.path).data
                saved = default_storage.save(name, ContentFile(data))
                if saved != name:  # a storage that renames on collision: keep its name
                    name = saved
                self.pending.append(name)
            self.stored[name] = StoredImage(name, checked.width, checked.height)
            # Stored: the import need not hold the cleaned bytes any longer.
            self.cleaned[checked.path] = checked._replace(data=b"")
        return self.stored[name]

    def renditions_of(self, stored):
        """The widths of the stored image's WebP renditions, made now if missing (none in a
        dry run)."""
        if stored.name not in self.rendition_widths:
            self.rendition_widths[stored.name] = (
                [] if self.dry_run else make_renditions(stored.name)
            )
        return self.rendition_widths[stored.name]

    def keep(self):
        """The files stored so far belong to written lines: they stay."""
        self.pending = []

    def settle(self, used):
        """After a batch: keep the files stored since the last `keep` that `used` (the names
        its written lines show) holds; discard the others, which only failed lines stored."""
        self.pending = [name for name in self.pending if name not in used]
        self.discard()

    def discard(self):
        """Delete the files stored since the last `keep`, with their renditions: what they
        were stored for was rolled back."""
        for name in self.pending:
            widths = self.rendition_widths.pop(name, [])
            for rendition in [rendition_name(name, width) for width in widths] + [name]:
                default_storage.delete(rendition)
            self.stored.pop(name, None)
        self.pending = []
