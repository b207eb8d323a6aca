"""The one definition of how names and slugs are made from what editors and imports type.

- `clean_text`: characters no database or reader can use are removed (NUL breaks PostgreSQL,
  lone surrogates cannot be encoded at all, other control characters are invisible noise).
- `name_key`: the form in which two topic names are "the same topic", in Python and in the
  database's unique column alike (Unicode case folding, not ASCII lower-casing).
- `ascii_slug`: the address form of a name, other scripts transliterated, never empty for a
  name that has any character at all.
"""

import hashlib
import re
import unicodedata

from django.utils.text import slugify
from unidecode import unidecode

# Unicode's control characters (category Cc: C0, DEL, C1) and surrogate code points (Cs) are
# fixed ranges, so one character class finds them. Tab, line feed and carriage return are text
# in a multi-line field; any other control character is not.
_UNUSABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_UNUSABLE_IN_LINES = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def clean_text(value, *, multiline=False):
    """`value` without control characters and lone surrogates.

    A single-line value (a headline, a name) also has its runs of whitespace, line breaks
    included, collapsed to one space and is stripped.
    """
    if multiline:
        return _UNUSABLE_IN_LINES.sub("", value).strip()
    return " ".join(_UNUSABLE.sub("", value).split())


def clean_tree(value):
    """A decoded JSON value with every string (keys too) passed through `clean_text`, multiline.

    Applied to an import line before anything reads it, so no field can carry a NUL or a lone
    surrogate to the database.
    """
    if isinstance(value, str):
        return clean_text(value, multiline=True) if _UNUSABLE_IN_LINES.search(value) else value
    if isinstance(value, list):
        return [clean_tree(item) for item in value]
    if isinstance(value, dict):
        return {clean_tree(key): clean_tree(item) for key, item in value.items()}
    return value


def name_key(name):
    """The comparison form of a topic name: NFKC, whitespace collapsed, case-folded.

    "Économie", "ÉCONOMIE" and " économie " share one key, so they are one topic.
    """
    return " ".join(unicodedata.normalize("NFKC", name).split()).casefold()


def ascii_slug(value, *, prefix="x"):
    """A slug for an address, other scripts transliterated ("Ελλάδα" → "ellada", "Москва" →
    "moskva").

    A value of which nothing transliterates (emoji, symbols) gets a stable slug made from its
    digest ("x-1a2b3c4d5e", `prefix` first), so that it still has an address; an empty value
    gives "".
    """
    value = value or ""
    slug = slugify(unidecode(value))
    if slug or not value.strip():
        return slug
    return f"{prefix}-" + hashlib.sha256(value.strip().encode("utf-8", "replace")).hexdigest()[:10]
