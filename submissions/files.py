"""What a submission may carry: pictures and short videos, recognised by their content alone.

A picture passes the media library's checks (library.validation: pixel limits, decompression
bombs, truncation, SVG refused) and is re-encoded (library.uploads.clean_image), so the
stored copy holds the pixels and nothing else: no location data, no bytes appended after the
picture. A video is kept as sent, only if its first bytes say MP4, QuickTime (MOV) or WebM;
it is never played or processed on the server, only downloaded by staff.
"""

import math
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from PIL import Image

from library.uploads import CONTENT_TYPES as IMAGE_CONTENT_TYPES
from library.uploads import EXTENSIONS as IMAGE_EXTENSIONS
from library.uploads import clean_image
from library.validation import ACCEPT_ATTRIBUTE

# Content type → stored file suffix, for the videos accepted.
VIDEO_TYPES = {"video/mp4": ".mp4", "video/quicktime": ".mov", "video/webm": ".webm"}
# Major brands of the `ftyp` box that mean an MP4 video (filetype knows only mp41, mp42 and
# isom; phones also write these).
MP4_BRANDS = {"isom", "iso2", "iso4", "iso5", "iso6", "mp41", "mp42", "avc1", "M4V ", "dash"}
ACCEPT = ",".join([ACCEPT_ATTRIBUTE, *VIDEO_TYPES])
ADVICE = "Send pictures as JPEG, PNG, GIF or WebP, and videos as MP4, MOV or WebM."
MEGABYTE = 1024 * 1024


@dataclass(frozen=True)
class PreparedFile:
    """A file ready to store: its content (re-encoded for a picture), what it is, and its name."""

    content: File
    kind: str  # "image" or "video"
    content_type: str
    suffix: str
    original_name: str


def megabytes(size):
    # Rounded up, so that a file just over a limit never reads as equal to it.
    return f"{math.ceil(size / MEGABYTE * 10) / 10:g} MB"


def _video_type(head):
    """The content type of a video's first bytes, if it is one of those accepted, else None."""
    if head[4:8] == b"ftyp":
        brand = head[8:12].decode("latin-1")
        if brand == "qt  ":
            return "video/quicktime"
        if brand in MP4_BRANDS:
            return "video/mp4"
        return None
    # filetype reads the EBML header's DocType: "webm", as against other Matroska files.
    kind = filetype.guess(head)
    return "video/webm" if kind and kind.mime == "video/webm" else None


def _format_name(upload):
    """Pillow's name for a picture's format ("BMP", "TIFF" …)."""
    try:
        with Image.open(upload) as image:
            return image.format
    except Exception:
        return "other"
    finally:
        upload.seek(0)


def prepare_upload(upload):
    """Check one uploaded file and return a `PreparedFile`; raise `ValidationError` if refused.

    The message names the problem in words a reader can act on; the caller adds the file name.
    """
    if not upload.size:
        raise ValidationError("The file is empty. " + ADVICE, code="empty")
    if upload.size > settings.SUBMISSIONS_MAX_FILE_BYTES:
        raise ValidationError(
            f"The file is {megabytes(upload.size)}; the most we accept for one file is "
            f"{megabytes(settings.SUBMISSIONS_MAX_FILE_BYTES)}.",
            code="file_too_large",
        )
    upload.seek(0)
    head = upload.read(512)
    upload.seek(0)
    video_type = _video_type(head)
    if video_type:
        return PreparedFile(
            upload, "video", video_type, VIDEO_TYPES[video_type], upload.name or "video"
        )
    try:
        cleaned = clean_image(upload)
    except ValidationError as error:
        # The library's own words speak to editors; these two speak to a reader.
        if error.code == "not_an_image":
            raise ValidationError(
                "The file is neither a picture nor a video we accept, whatever its name says. "
                + ADVICE,
                code="unsupported",
            ) from None
        if error.code == "unsupported_format":
            raise ValidationError(
                f"This is a {_format_name(upload)} picture, which we do not accept. " + ADVICE,
                code="unsupported",
            ) from None
        raise
    return PreparedFile(
        cleaned.file,
        "image",
        IMAGE_CONTENT_TYPES[cleaned.format],
        IMAGE_EXTENSIONS[cleaned.format],
        upload.name or "picture",
    )
