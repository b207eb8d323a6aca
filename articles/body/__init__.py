"""Article bodies: what HTML may be stored, and how stored HTML becomes the page.

Storage keeps sanitised HTML only (`sanitise_body`, run on every save and import). Rendering
(`render_body`) splits that HTML into top-level blocks, turns a paragraph holding nothing but an
allowed provider's address into an embed (the WordPress convention), and places advert slots
between paragraphs by one policy (`settings.NEWSROOM_ADVERTS`).
"""

import re
from dataclasses import dataclass
from functools import lru_cache
from html import unescape
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import nh3
from django.conf import settings
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

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
# The attributes that point an `<img>` at smaller copies of its picture (see articles.images).
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


def sanitise_body(html, *, rewrite_src=None, responsive=True):
    """Return `html` with everything outside the allowed structure removed.

    Scripts and styles go with their content; unknown tags are unwrapped (their text stays);
    event handlers, inline styles and non-http(s)/mailto URLs are dropped, and so is a `srcset`
    naming anything else. `rewrite_src`, if given, maps each `<img src>` to a new value
    (importers use it to point at copied files). `responsive=False` drops `srcset` and `sizes`.
    """
    if not html:
        return ""

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

    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
        attribute_filter=filter_attribute,
    )


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


@dataclass(frozen=True)
class Block:
    kind: str  # "paragraph", "embed", "advert" or "html"
    html: SafeString = mark_safe("")


ADVERT = Block("advert")

_VOID_TAGS = {"br", "hr", "img"}


class _TopLevelSplitter(HTMLParser):
    """Finds the source span of each top-level element of already-sanitised HTML."""

    def __init__(self, source):
        super().__init__(convert_charrefs=True)
        self.source = source
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self.depth = 0
        self.start = None
        self.spans = []

    def position(self):
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag, attrs):
        if self.depth == 0:
            self.start = self.position()
        if tag in _VOID_TAGS:
            if self.depth == 0:
                self.spans.append(
                    (tag, self.start, self.position() + len(self.get_starttag_text()))
                )
            return
        self.depth += 1

    def handle_endtag(self, tag):
        if tag in _VOID_TAGS:
            return
        self.depth -= 1
        if self.depth == 0:
            end = self.source.index(">", self.position()) + 1
            self.spans.append((tag, self.start, end))

    def handle_data(self, data):
        if self.depth == 0 and data.strip():
            start = self.position()
            # `data` has its character references decoded ("&gt;" is ">"), so its length is
            # not the source's: the text runs to the next tag, as sanitised text holds no "<".
            end = self.source.find("<", start)
            self.spans.append(("#text", start, len(self.source) if end == -1 else end))


def split_blocks(html):
    """Yield (tag, html) for each top-level element of sanitised HTML, in order."""
    splitter = _TopLevelSplitter(html)
    splitter.feed(html)
    splitter.close()
    for tag, start, end in splitter.spans:
        yield tag, html[start:end]


# Embeds: each provider turns a URL into privacy-friendly markup. Players load from the
# providers' no-tracking hosts only when the reader scrolls near; posts on social networks are
# shown as a link card, so no third-party script or cookie reaches a reader who did not ask.
_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{6,20}$")
# The providers whose addresses become embeds, and their hosts. The admin's body editor reads
# this too, to refuse other addresses before they are saved.
EMBED_PROVIDERS = {
    "YouTube": ["youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be"],
    "Vimeo": ["vimeo.com", "www.vimeo.com"],
    "X": ["x.com", "www.x.com", "twitter.com", "www.twitter.com"],
    "Instagram": ["instagram.com", "www.instagram.com"],
    "TikTok": ["tiktok.com", "www.tiktok.com", "m.tiktok.com"],
    "Facebook": ["facebook.com", "www.facebook.com", "m.facebook.com"],
}
# Posts on social networks: (CSS key, provider, address path of a post).
_SOCIAL_PATTERNS = [
    ("x", "X", re.compile(r"^/(\w{1,30})/status/(\d+)")),
    ("instagram", "Instagram", re.compile(r"^/(?:[\w.]+/)?(?:p|reel|tv)/([\w-]+)")),
    ("tiktok", "TikTok", re.compile(r"^/@([\w.]+)/video/(\d+)")),
    ("facebook", "Facebook", re.compile(r"^/[\w.]+/(?:posts|videos)/[\w.]+|^/watch/?$")),
]


def _youtube_id(parts):
    host = parts.hostname or ""
    if host == "youtu.be":
        candidate = parts.path.strip("/").split("/")[0]
    elif host in EMBED_PROVIDERS["YouTube"]:
        if parts.path == "/watch":
            candidate = parse_qs(parts.query).get("v", [""])[0]
        elif parts.path.startswith(("/shorts/", "/embed/", "/live/")):
            candidate = parts.path.split("/")[2]
        else:
            return None
    else:
        return None
    return candidate if _YOUTUBE_ID.match(candidate) else None


def embed_for_url(url):
    """Return embed markup for an allowed provider's URL, or None for anything else."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return None
    video_id = _youtube_id(parts)
    if video_id:
        return format_html(
            '<figure class="embed embed--video"><iframe src="https://www.youtube-nocookie.com/embed/{}"'
            ' title="YouTube video" loading="lazy" allowfullscreen'
            ' allow="encrypted-media; picture-in-picture; fullscreen"'
            ' referrerpolicy="strict-origin-when-cross-origin"></iframe>'
            '<figcaption><a href="{}">Watch on YouTube</a></figcaption></figure>',
            video_id,
            url,
        )
    if parts.hostname in EMBED_PROVIDERS["Vimeo"] and re.fullmatch(r"/\d+/?", parts.path):
        return format_html(
            '<figure class="embed embed--video"><iframe src="https://player.vimeo.com/video/{}?dnt=1"'
            ' title="Vimeo video" loading="lazy" allowfullscreen'
            ' allow="fullscreen; picture-in-picture"'
            ' referrerpolicy="strict-origin-when-cross-origin"></iframe>'
            '<figcaption><a href="{}">Watch on Vimeo</a></figcaption></figure>',
            parts.path.strip("/"),
            url,
        )
    for key, label, path_pattern in _SOCIAL_PATTERNS:
        if parts.hostname in EMBED_PROVIDERS[label] and path_pattern.match(parts.path):
            return format_html(
                '<figure class="embed embed--social embed--{}"><a class="embed__link" href="{}">'
                '<span class="embed__provider">{}</span> '
                '<span class="embed__action">View this post on {}</span></a></figure>',
                key,
                url,
                label,
                label,
            )
    return None


_TAG = re.compile(r"<[^>]+>")


def _embed_in_paragraph(paragraph_html):
    text = unescape(_TAG.sub("", paragraph_html[paragraph_html.index(">") + 1 : -len("</p>")]))
    text = text.strip()
    if not text or any(ch.isspace() for ch in text):
        return None
    return embed_for_url(text)


def place_adverts(blocks, policy):
    """Insert advert slots after paragraph N, then every M paragraphs, at most K of them.

    A slot never ends the body: one due after the last paragraph is left out.
    """
    first, every, most = policy["first_after"], policy["every"], policy["max"]
    if most <= 0 or first <= 0:
        return list(blocks)
    placed, paragraphs, result = 0, 0, []
    for index, block in enumerate(blocks):
        result.append(block)
        if block.kind != "paragraph":
            continue
        paragraphs += 1
        due = paragraphs == first or (
            every > 0 and paragraphs > first and (paragraphs - first) % every == 0
        )
        if due and placed < most and index < len(blocks) - 1:
            result.append(ADVERT)
            placed += 1
    return result


_FIGURE_CREDIT = re.compile(r'^<figure data-credit="([^"]*)">')


def _decorate_figure(figure_html):
    """Show a figure's `data-credit` as text in its caption, and let its images load lazily."""
    html = figure_html.replace("<img ", '<img loading="lazy" decoding="async" ')
    match = _FIGURE_CREDIT.match(html)
    if not match or not match.group(1).strip():
        return html
    # The serialiser leaves < and > unescaped inside attribute values: unescape, then escape
    # the credit properly before it becomes text.
    credit = format_html('<span class="figure__credit">{}</span>', unescape(match.group(1)))
    if "</figcaption>" in html:
        return html.replace("</figcaption>", f" {credit}</figcaption>", 1)
    return html.replace("</figure>", f"<figcaption>{credit}</figcaption></figure>", 1)


@lru_cache(maxsize=512)
def _content_blocks(html):
    clean = sanitise_body(html)
    blocks = []
    for tag, fragment in split_blocks(clean):
        if tag == "p":
            embed = _embed_in_paragraph(fragment)
            if embed is not None:
                blocks.append(Block("embed", embed))
                continue
            blocks.append(Block("paragraph", mark_safe(fragment)))  # sanitised just above
        elif tag == "#text":
            blocks.append(Block("paragraph", mark_safe(f"<p>{fragment}</p>")))  # sanitised text
        elif tag == "figure":
            blocks.append(Block("html", mark_safe(_decorate_figure(fragment))))  # sanitised above
        else:
            blocks.append(Block("html", mark_safe(fragment)))  # sanitised just above
    return tuple(blocks)


def render_body(html, policy=None):
    """The body as a list of Blocks ready for the template, adverts placed."""
    return place_adverts(_content_blocks(html or ""), policy or settings.NEWSROOM_ADVERTS)
