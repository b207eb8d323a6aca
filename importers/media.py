"""Pictures named by an import, into the media library: found locally, or fetched with care.

A WordPress attachment becomes a library `Image` keyed by its source identity (the export's
site and the attachment's post id), so importing the export again finds it instead of adding
a copy. Its file comes from a local copy of `wp-content/uploads` (`--uploads DIR`, matched by
the URL's path under `/wp-content/uploads/`), or, only when the operator asks for it with
`--fetch-media`, from the network through `importers.download`. Either way the bytes pass the
library's own checks (`library.uploads.add_image`: content sniffed, pixels capped, metadata
dropped) before anything is stored.

An attachment already imported is recognised by a fingerprint of its address and its words
(title, alt text, caption, credit): unchanged, nothing is read or fetched again; new words are
written to the existing picture; a new address brings a new file.
"""

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from articles.text import clean_text
from importers.download import DownloadError, fetch
from importers.run import ItemFailed
from library.images import make_renditions
from library.models import Image
from library.uploads import add_image, clean_image
from library.validation import MAX_FILE_BYTES

UPLOADS_MARKERS = ("/wp-content/uploads/", "/files/")  # the second: old WordPress multisite
# WordPress names smaller copies "photo-300x200.jpg" and big originals' copies "photo-scaled.jpg";
# a body naming either means the attachment itself.
_SIZE_SUFFIX = re.compile(r"-(?:\d+x\d+|scaled)(?=\.\w+$)")


@dataclass
class Picture:
    """What an article needs of a library image, without holding the model."""

    pk: int
    name: str  # the file's name in media storage
    url: str
    width: int | None
    height: int | None
    alt: str
    caption: str
    credit: str
    fingerprint: str


def _picture(image):
    return Picture(
        pk=image.pk,
        name=image.file.name,
        url=image.file.url,
        width=image.width,
        height=image.height,
        alt=image.alt_text,
        caption=image.caption,
        credit=image.credit,
        fingerprint=image.source_fingerprint,
    )


def path_key(url):
    """The part of a picture's address that identifies it whatever the host or size suffix."""
    try:
        path = unquote(urlsplit(url).path)
    except ValueError:
        return ""
    return _SIZE_SUFFIX.sub("", path).lower()


def _fingerprint(media):
    words = [media.url, media.title, media.alt, media.caption, media.credit, media.description]
    return hashlib.sha256(json.dumps(words).encode()).hexdigest()


class MediaImporter:
    """Imports pictures for one run and answers which library image an address or id means."""

    def __init__(self, run, *, source_system, uploads_dir=None, fetch_media=False):
        self.run = run
        self.source_system = source_system
        self.uploads_dir = Path(uploads_dir).resolve() if uploads_dir else None
        self.fetch_media = fetch_media
        self.by_id = {}  # source id -> Picture
        self.by_path = {}  # path_key of the source address -> Picture
        self.renditions = {}  # stored name -> rendition widths
        self.existing = None

    def _load_existing(self):
        """Every picture this source brought in before: one query, once."""
        if self.existing is None:
            self.existing = {
                image.source_id: image
                for image in Image.objects.filter(source_system=self.source_system)
            }
        return self.existing

    def remember_existing(self):
        """Know every picture this source brought in before, by id and by address, as a run's
        library pass would have met them (a part of a split export runs without that pass).
        The address is the one the picture was imported from (its source note's first line)."""
        for source_id, image in self._load_existing().items():
            url = image.source_note.partition("\n")[0].removeprefix("Imported from ")
            self.remember(source_id, url, _picture(image))

    def known_fingerprints(self):
        """{source id: fingerprint} of every picture this source has in the library, as this
        run has left them (`importers.digests.context_of`)."""
        known = {
            source_id: image.source_fingerprint
            for source_id, image in self._load_existing().items()
        }
        known.update((source_id, p.fingerprint) for source_id, p in self.by_id.items())
        return known

    def remember(self, source_id, url, picture):
        self.by_id[source_id] = picture
        if url:
            self.by_path[path_key(url)] = picture

    # Reading the bytes -------------------------------------------------------------------

    def _local_file(self, url, relative=""):
        """The bytes of the uploads folder's copy of `url` (at `relative`, when the source
        says where the file is kept: WordPress's `_wp_attached_file`)."""
        path = unquote(urlsplit(url).path)
        for marker in UPLOADS_MARKERS:
            if relative:
                break
            if marker in path:
                relative = path.split(marker, 1)[1]
        if not relative:
            raise ItemFailed(
                f"{url} is not under /wp-content/uploads/, so --uploads cannot find it."
            )
        if PurePosixPath(relative).is_absolute() or ".." in PurePosixPath(relative).parts:
            raise ItemFailed(f"{url} names a path outside the uploads folder.")
        candidate = (self.uploads_dir / relative).resolve()
        if not candidate.is_relative_to(self.uploads_dir):
            raise ItemFailed(f"{url} names a path outside the uploads folder.")
        if not candidate.is_file():
            raise ItemFailed(f"the file for {url} is not in the uploads folder ({relative}).")
        if candidate.stat().st_size > MAX_FILE_BYTES:
            raise ItemFailed(f"{relative} is larger than the library's limit.")
        return candidate.read_bytes()

    def _bytes(self, url, relative=""):
        if self.uploads_dir is not None:
            return self._local_file(url, relative)
        if self.fetch_media:
            try:
                download = fetch(
                    url,
                    max_bytes=MAX_FILE_BYTES,
                    accept=("image/",),
                    allow_private=settings.IMPORT_FETCH_ALLOW_PRIVATE,
                )
            except DownloadError as error:
                raise ItemFailed(str(error)) from None
            return download.data
        return None

    # Importing ---------------------------------------------------------------------------

    def add(self, media, *, kind="attachment"):
        """Import one picture in its own transaction; returns its Picture, or None."""
        if media.mime_type and not media.mime_type.startswith("image/"):
            self.run.skip(kind, media.where, f"{media.mime_type} is not a picture")
            return None
        if not media.url:
            self.run.skip(kind, media.where, "it names no file")
            return None
        fingerprint = _fingerprint(media)
        existing = self._load_existing().get(media.source_id)
        if existing is not None and existing.source_fingerprint == fingerprint:
            self.run.count(kind, "unchanged")
            picture = _picture(existing)
            self.remember(media.source_id, media.url, picture)
            return picture
        with self.run.item(kind, media.where):
            picture = self._write(media, fingerprint, existing, kind)
            if picture is not None:
                self.remember(media.source_id, media.url, picture)
            return picture
        return None

    def _write(self, media, fingerprint, existing, kind):
        words = {
            "alt_text": clean_text(media.alt or ""),
            "caption": clean_text(media.caption or ""),
            "credit": clean_text(media.credit or ""),
            "source_note": f"Imported from {media.url}"
            + (f"\n\n{clean_text(media.description, multiline=True)}" if media.description else ""),
        }
        for field, value in words.items():
            limit = Image._meta.get_field(field).max_length
            if limit and len(value) > limit:  # reported, never cut short
                name = field.replace("_", " ")
                raise ItemFailed(f"its {name} is longer than {limit} characters.")
        same_file = existing is not None and existing.source_note.startswith(
            f"Imported from {media.url}"
        )
        if same_file:
            for field, value in words.items():
                setattr(existing, field, value)
            existing.source_fingerprint = fingerprint
            existing.save(update_fields=[*words, "source_fingerprint", "modified"])
            self.run.count(kind, "updated")
            return _picture(existing)

        data = self._bytes(media.url, media.uploads_path)
        if data is None:
            self.run.skip(
                kind, media.where, "its file was not read (give --uploads or --fetch-media)"
            )
            return None
        upload = SimpleUploadedFile(PurePosixPath(urlsplit(media.url).path).name, data)
        if self.run.dry_run:
            # Check as the library would, store nothing.
            try:
                clean_image(upload)
            except ValidationError as error:
                raise ItemFailed(" ".join(error.messages)) from None
            self.run.count(kind, "updated" if existing else "created")
            return None
        if existing is not None:
            # Its address changed: the new file takes the identity; the old picture stays in
            # the library as a plain one, since articles may still show it.
            existing.source_id = ""
            existing.save(update_fields=["source_id"])
        image = add_image(file=upload, **words)
        image.source_system = self.source_system
        image.source_id = media.source_id
        image.source_fingerprint = fingerprint
        image.save(update_fields=["source_system", "source_id", "source_fingerprint"])
        self.run.count(kind, "updated" if existing else "created")
        return _picture(image)

    # Answering ---------------------------------------------------------------------------

    def for_id(self, source_id):
        """The picture an attachment id names (a post's featured image), or None."""
        if not source_id:
            return None
        if source_id not in self.by_id:
            existing = self._load_existing().get(source_id)
            if existing is None:
                return None
            self.remember(source_id, "", _picture(existing))
        return self.by_id[source_id]

    def for_address(self, src):
        """The picture a body image's address names, or None."""
        return self.by_path.get(path_key(src)) if self.by_path else None

    def renditions_of(self, picture):
        """The widths of the featured-image renditions of a picture, made once per run."""
        if picture.name not in self.renditions:
            self.renditions[picture.name] = (
                [] if self.run.dry_run else make_renditions(picture.name)
            )
        return self.renditions[picture.name]
