"""Which addresses a link an editor or an importer gives may point at.

`validate_link_address` is the one definition: the `RelatedLink.url` field runs it (so the
admin's forms, `full_clean` and the importer all do), and `is_safe_link_address` lets pages
refuse to render a stored value that escaped it. Only two kinds of address pass:

- an absolute http or https address with a host, as Django's `URLValidator` understands one;
- a path on this site, starting with a single "/".

Everything else is refused: other schemes (`javascript:`, `data:`, `vbscript:` …),
protocol-relative `//host` addresses, and anything holding whitespace, control characters or
backslashes, which browsers strip or bend into a scheme or a host ("java\tscript:", "/\\host").
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

MESSAGE = (
    "Give an http(s) address (https://…) or a path on this site starting with a single /; "
    "other kinds of address are not allowed in links."
)

_absolute = URLValidator(schemes=["http", "https"])


def _has_hidden_characters(value):
    return "\\" in value or any(
        char.isspace() or unicodedata.category(char).startswith("C") for char in value
    )


def validate_link_address(value):
    """Raise ValidationError (code "unsafe_link") unless `value` is a safe link address."""
    if not is_safe_link_address(value):
        raise ValidationError(MESSAGE, code="unsafe_link")


def is_safe_link_address(value):
    """Whether `value` is an http(s) address with a host or a site path (see the module)."""
    if not isinstance(value, str) or not value or _has_hidden_characters(value):
        return False
    if value.startswith("/"):
        return not value.startswith("//")
    try:
        _absolute(value)
    except ValidationError:
        return False
    return True
