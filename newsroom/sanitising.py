"""Sanitising: the one definition of what stored HTML may hold, in article bodies and flat pages.

`sanitise_body` runs on every save and import of an article body (`articles.body` re-exports it)
and of a flat page (`newsroom.signals`), and again as a flat page is shown; `set_image_attributes`
edits `<img>` tags and sanitises again. The allowed tags, attributes and URL schemes live here,
and the admin's body editor reads them, so this module changes only when the stored structure
does. It lives in the shell, below every content app, because the shell's own flat pages need it.
"""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3
from django.utils.html import escape

ALLOWED_TAGS = {
    "p",
    "br",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "ul",
    "ol",
    "li",
    "strong",
    "b",
    "em",
    "i",
    "a",
    "figure",
    "figcaption",
    "img",
    "cite",
    "q",
    "hr",
    "sub",
    "sup",
    "s",
    "code",
    "pre",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height", "title", "srcset", "sizes"},
    "figure": {"data-credit"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# The attributes that point an `<img>` at smaller copies of its picture (see library.images).
RESPONSIVE_ATTRIBUTES = frozenset({"srcset", "sizes"})

_SRCSET_DESCRIPTOR = re.compile(r"(?:[1-9]\d*w|\d+(?:\.\d+)?x)?")
# Media conditions and lengths: `(min-width: 60em) 720px, calc(100vw - 2rem)`.
_SIZES = re.compile(r"[\w\s().,:%+*/-]{1,500}")
_SRCSET_SEPARATORS = re.compile(r"[\s,]*")
_SRCSET_URL = re.compile(r"\S+")


def _srcset_candidates(value):
    """Split a `srcset` value into (url, descriptor) pairs, as browsers do.

    A URL runs to the next whitespace and may itself hold commas; a comma right after it, or
    after its descriptor, ends the candidate.
    """
    candidates, position = [], 0
    while True:
        position = _SRCSET_SEPARATORS.match(value, position).end()
        if position >= len(value):
            return candidates
        url = _SRCSET_URL.match(value, position)
        position = url.end()
        if url.group().endswith(","):
            candidates.append((url.group().rstrip(","), ""))
            continue
        end = value.find(",", position)
        end = len(value) if end == -1 else end
        candidates.append((url.group(), value[position:end].strip()))
        position = end + 1


def _is_safe_image_url(url):
    """A path on this site (`/…`, not `//host`) or an http(s) address."""
    if "\\" in url:  # browsers read a backslash as a slash: `/\host` is another site
        return False
    if url.startswith("/"):
        return not url.startswith("//")
    parts = urlsplit(url)
    return parts.scheme in {"http", "https"} and bool(parts.netloc)


def safe_srcset(value):
    """`value` if every candidate is a safe URL with a w or x descriptor, else None."""
    candidates = _srcset_candidates(value)
    if not candidates or not all(
        _is_safe_image_url(url) and _SRCSET_DESCRIPTOR.fullmatch(descriptor)
        for url, descriptor in candidates
    ):
        return None
    return value


class SanitisedHTML(str):
    """HTML as `sanitise_body` returned it. Sanitising it again would change nothing, so
    `sanitise_body` hands it back as it is: a body the admin's form sanitised is not sanitised
    a second time by `Article.save()`. Anything made from it (joined, replaced) is a plain
    `str` again, and sanitised again."""

    __slots__ = ()


def sanitise_body(html, *, rewrite_src=None, responsive=True):
    """Return `html` with everything outside the allowed structure removed.

    Scripts and styles go with their content; unknown tags are unwrapped (their text stays);
    event handlers, inline styles and non-http(s)/mailto URLs are dropped, and so is a `srcset`
    naming anything else. `rewrite_src`, if given, maps each `<img src>` to a new value
    (importers use it to point at copied files). `responsive=False` drops `srcset` and `sizes`.
    The result is a `SanitisedHTML`, which this returns unchanged when given it again.
    """
    if isinstance(html, SanitisedHTML) and rewrite_src is None and responsive:
        return html
    if not html:
        return SanitisedHTML("")

    # nh3 calls this from Rust and ignores exceptions it raises: return None to drop a value.
    def filter_attribute(tag, attribute, value):
        if tag != "img":
            return value
        if attribute in RESPONSIVE_ATTRIBUTES and not responsive:
            return None
        if attribute == "src" and rewrite_src is not None:
            return rewrite_src(value)
        if attribute == "srcset":
            return safe_srcset(value)
        if attribute == "sizes":
            return value if _SIZES.fullmatch(value) else None
        return value

    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
        attribute_filter=filter_attribute,
    )
    # A carriage return written as `&#13;` comes out raw, and parsing HTML turns a raw one into
    # a line feed: done here, the result is what sanitising it again would give.
    return SanitisedHTML(clean.replace("\r\n", "\n").replace("\r", "\n"))


class _ImageFinder(HTMLParser):
    """Finds the source span and attributes of each `<img>` tag."""

    def __init__(self, source):
        super().__init__(convert_charrefs=True)
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self.images = []  # (start, end, attrs)

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            line, column = self.getpos()
            start = self.line_starts[line - 1] + column
            self.images.append((start, start + len(self.get_starttag_text()), attrs))

    handle_startendtag = handle_starttag


def set_image_attributes(html, attributes_for):
    """Give each `<img>` the attributes `attributes_for(src)` returns (a dict, or None for none).

    The given attributes replace any of the same name (a None value removes it); the others keep
    their order. The result is sanitised again, so callers cannot add what bodies may not hold.
    """
    finder = _ImageFinder(html)
    finder.feed(html)
    finder.close()
    pieces, position = [], 0
    for start, end, attrs in finder.images:
        added = attributes_for(dict(attrs).get("src") or "")
        if not added:
            continue
        kept = [(name, value) for name, value in attrs if name not in added]
        rebuilt = "".join(
            f' {name}="{escape(value)}"' if value is not None else f" {name}"
            for name, value in kept
            + [(name, str(value)) for name, value in added.items() if value is not None]
        )
        pieces += [html[position:start], f"<img{rebuilt}>"]
        position = end
    pieces.append(html[position:])
    return sanitise_body("".join(pieces))
