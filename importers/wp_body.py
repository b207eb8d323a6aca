"""WordPress post content into Newsroom body HTML: paragraphs, captions, embeds, shortcodes.

WordPress stores "classic" posts as text with blank lines for paragraphs and `[shortcodes]`
for pictures, galleries and embeds, and turns them into HTML only when a page is shown. This
module does that conversion once, on the way in, so the writer receives HTML. It does not
sanitise (the writer does), but no step here may join text into markup that was not there:
whatever is cut out, a `<` left just before the cut is escaped.

Shortcode rule. Square brackets are ordinary prose ("[sic]", "[1]", "[Updated: …]"), so a
bracketed word is treated as a shortcode only when one of these holds:

- its name is one WordPress or a common plugin uses (`KNOWN_SHORTCODES`);
- its name contains an underscore (`[vc_row]`, `[et_pb_text]`), which prose never does;
- it carries `key=value` attributes (`[foo id="3"]`);
- a matching closing tag follows (`[foo]…[/foo]`).

A name must start with a letter, and a bracket inside an HTML tag is never a shortcode.
`[[foo]]` is WordPress's way of writing a literal `[foo]`, and becomes that.
"""

import re
from html import escape, unescape
from urllib.parse import urlsplit

from articles.body import embed_for_url
from importers.wp_autop import _ATTRIBUTES, autop

# Word lists read better packed than one word a line.
# fmt: off
KNOWN_SHORTCODES = frozenset({
    "caption", "wp_caption", "embed", "gallery", "audio", "video", "playlist", "youtube", "vimeo",
    "tweet", "twitter", "instagram", "tiktok", "facebook", "contact-form", "contact-form-7",
    "googlemaps", "slideshow", "soundcloud", "spotify", "wpforms", "gravityform", "ninja_form",
    "polldaddy", "recipe"
})
# fmt: on
# Page builders nest a few levels deep; a file nesting hundreds is hostile, not a layout.
MAX_NESTING = 20
_CAPTION_SHORTCODES = frozenset({"caption", "wp_caption"})
# Shortcodes whose job is to show one address as a player or post.
_EMBED_SHORTCODES = frozenset(
    {"embed", "video", "youtube", "vimeo", "tweet", "twitter", "instagram", "tiktok", "facebook"}
)

# Every pattern here stops at the next `<` or `>`, so a hostile body full of unclosed tags
# costs linear time, not quadratic. Scans that look for a closing tag go through `_Closers`.
# Anything that reads as an HTML tag, comment or declaration; a lone `<` in text does not.
_HTML_TAG = re.compile(r"<[A-Za-z/!?]" + _ATTRIBUTES + ">")
# Elements whose content must reach the writer exactly as written.
_PROTECTED = re.compile(r"<(pre|script|style|textarea)\b" + _ATTRIBUTES + ">", re.I)
_PLACEHOLDER = re.compile("\x00(\\d+)\x00")  # NUL cannot occur in XML text, so cannot clash

_IFRAME = re.compile(r"<iframe\b(?P<attrs>" + _ATTRIBUTES + r")>", re.I)
_IFRAME_END = re.compile(r"</iframe\s*>", re.I)
_SRC = re.compile(r"""\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_GUTENBERG_EMBED = re.compile(
    r"<figure\b[^>]*\bwp-block-embed\b[^>]*>\s*<div\b[^>]*\bwp-block-embed__wrapper\b[^>]*>"
    r"\s*(?P<url>https?://[^\s<>\"]+)\s*</div>\s*"
    # An optional caption, bounded so that a run of unclosed ones cannot cost quadratic time.
    r"(?:<figcaption\b[^<]{0,2000}(?:<[^<]{0,2000}){0,40}?</figcaption>\s*)?</figure>",
    re.I | re.S,
)
_URL_LINE = re.compile(r"^[ \t]*(https?://[^\s<>\"]+)[ \t]*$", re.M)
_WEB_SCHEME = re.compile(r"https?://")
_WORDPRESS_MARKERS = re.compile(r"<!--\s*(?:more|nextpage|noteaser)\b[^<>]*?-->", re.I)

_SHORTCODE = re.compile(
    r"\[(?P<close>/?)(?P<name>[A-Za-z][\w-]*)(?P<attrs>[^\[\]]*?)(?P<self>/?)\]"
)
_KEY_VALUE = re.compile(r"""(?<![\w-])[\w-]+\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"']+)""")
_ATTRIBUTE = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+))|"([^"]*)"|(\S+)""")
_CAPTION_PICTURE = re.compile(
    r"^\s*(?:<a\b" + _ATTRIBUTES + r">\s*)?(?P<img><img\b" + _ATTRIBUTES + r">)(?:\s*</a\s*>)?",
    re.I,
)
_YOUTUBE_PLAYER = re.compile(r"^/embed/([A-Za-z0-9_-]{6,20})")
_VIMEO_PLAYER = re.compile(r"^/video/(\d+)")


def convert_body(html):
    """Return (body_html, notes) for a post's `content:encoded`.

    `notes` names each thing left out ("removed shortcode [gallery]"), for the import report.
    """
    if not html or not html.strip():
        return "", []
    converter = _Converter()
    # NUL marks placeholders below; XML cannot carry one, but a caller's string might.
    text = html.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")
    text = _WORDPRESS_MARKERS.sub("", text)
    text = converter.protect(text)
    text = converter.iframes(text)
    text = converter.shortcodes(text)
    # Block-editor posts are HTML already; WordPress itself skips paragraphs for them.
    if "<!-- wp:" in text:
        text = _GUTENBERG_EMBED.sub(converter.gutenberg_embed, text)
    else:
        text = _url_lines(text, converter.url_line)
        text = autop(text)
    return converter.restore(text).strip(), converter.report()



def _url_lines(text, replace):
    """`_URL_LINE.sub(replace, text)`, trying the pattern only on lines where an address
    follows nothing but spaces: in multi-line mode the expression tried every character of
    the body as a line's start."""
    output, copied, position, find = [], 0, 0, _WEB_SCHEME.search
    while (address := find(text, position)) is not None:
        line = text.rfind("\n", 0, address.start()) + 1
        match = None
        if not text[line : address.start()].strip(" \t"):
            match = _URL_LINE.match(text, line)
        if match is None:
            position = address.end()
            continue
        output.append(text[copied : match.start()])
        output.append(replace(match))
        copied = position = match.end()
    if not output:
        return text
    output.append(text[copied:])
    return "".join(output)


class _Closers:
    """The next match of a closing pattern after a position, for scans that only move forward.

    Remembering the last answer (and that there is none left) keeps a body with thousands of
    unclosed openings linear instead of searching to its end once per opening.
    """

    def __init__(self, text, pattern):
        self.text = text
        self.pattern = pattern
        self.found = None  # the last match, or False once there are no more

    def after(self, position):
        if self.found is False:
            return None
        if self.found is None or self.found.start() < position:
            self.found = self.pattern.search(self.text, position) or False
        return self.found or None


def _tag_spans(text):
    """(start, end) of each HTML tag and comment, in order; an unclosed comment runs to the end."""
    spans, position = [], 0
    while (start := text.find("<", position)) != -1:
        if text.startswith("<!--", start):
            end = text.find("-->", start + 4)
            end = len(text) if end == -1 else end + 3
        else:
            match = _HTML_TAG.match(text, start)
            end = match.end() if match else start + 1
            if not match:
                position = end
                continue
        spans.append((start, end))
        position = end
    return spans



def _escape_open_bracket(before):
    """`before`, with a trailing `<` escaped, so cutting what follows cannot form a tag."""
    return before[:-1] + "&lt;" if before.endswith("<") else before


class _Converter:
    """One post's conversion: its placeholders and what it left out."""

    def __init__(self):
        self.blocks = []
        self.notes = []
        self.depth = 0  # shortcodes inside shortcodes being converted

    def block(self, html):
        """A placeholder for finished HTML that paragraphs must not touch."""
        self.blocks.append(html)
        return f"\x00{len(self.blocks) - 1}\x00"

    def embed(self, url):
        """A placeholder for the paragraph the site renders as an embed."""
        return self.block(f"<p>{escape(url, quote=False)}</p>")

    def protect(self, text):
        """Put each <pre>, <script>, <style> and <textarea> element behind a placeholder."""
        output, position, closers = [], 0, {}
        while match := _PROTECTED.search(text, position):
            name = match.group(1).lower()
            if name not in closers:
                closers[name] = _Closers(text, re.compile(rf"</{name}\s*>", re.I))
            end = closers[name].after(match.end())
            if not end:  # unclosed: the sanitiser will deal with it
                output.append(text[position : match.end()])
                position = match.end()
                continue
            output.append(text[position : match.start()])
            output.append(self.block(text[match.start() : end.end()]))
            position = end.end()
        output.append(text[position:])
        return "".join(output)

    def restore(self, text):
        # Later placeholders may hold earlier ones (a <pre> inside a kept shortcode's text).
        while "\x00" in text:
            text = _PLACEHOLDER.sub(lambda match: self.blocks[int(match.group(1))], text)
        return text

    def report(self):
        counts = {}
        for note in self.notes:
            counts[note] = counts.get(note, 0) + 1
        return [note if n == 1 else f"{note} ({n} times)" for note, n in counts.items()]

    def iframes(self, text):
        output, position, ends = [], 0, _Closers(text, _IFRAME_END)
        while match := _IFRAME.search(text, position):
            output.append(_escape_open_bracket(text[position : match.start()]))
            position = match.end()
            if not match.group("attrs").rstrip().endswith("/"):
                end = ends.after(position)
                position = end.end() if end else position
            src = _SRC.search(match.group("attrs"))
            src = unescape(next((part for part in src.groups() if part), "")) if src else ""
            url = _player_page(src)
            if url and embed_for_url(url):
                output.append(self.embed(url))
            else:
                host = urlsplit(src).hostname if src else None
                self.notes.append(f"removed iframe from {host}" if host else "removed iframe")
        output.append(text[position:])
        return "".join(output)

    def url_line(self, match):
        url = unescape(match.group(1))
        return self.embed(url) if embed_for_url(url) else match.group()

    def gutenberg_embed(self, match):
        url = unescape(match.group("url"))
        return self.embed(url) if embed_for_url(url) else match.group()

    def shortcodes(self, text):
        if "[" not in text:
            return text
        if self.depth >= MAX_NESTING:
            self.notes.append("shortcodes nested too deeply were left as they were")
            return text
        self.depth += 1
        try:
            return self._shortcodes(text)
        finally:
            self.depth -= 1

    def _shortcodes(self, text):
        tags = _tag_spans(text)
        output, position, tag_index, closers = [], 0, 0, {}
        while True:
            match = _SHORTCODE.search(text, position)
            if not match:
                break
            start, name = match.start(), match.group("name")
            while tag_index < len(tags) and tags[tag_index][1] <= start:
                tag_index += 1
            if tag_index < len(tags) and tags[tag_index][0] < start:  # inside an HTML tag
                output.append(text[position : start + 1])
                position = start + 1
                continue
            escaped = start > position and text[start - 1] == "["
            if escaped and text[match.end() : match.end() + 1] == "]":
                output.append(text[position : start - 1] + match.group())
                position = match.end() + 1
                continue
            if match.group("close"):  # a closing tag with no opening one
                keep = not _is_shortcode_name(name)
                output.append(text[position : match.end()] if keep else text[position:start])
                if not keep:
                    self.notes.append(f"removed shortcode [/{name}]")
                position = match.end()
                continue
            closer = -1
            if not match.group("self"):
                if name not in closers:
                    closers[name] = _Closers(text, re.compile(re.escape(f"[/{name}]")))
                found = closers[name].after(match.end())
                closer = found.start() if found else -1
            attrs = match.group("attrs")
            if closer == -1 and not _is_shortcode_name(name) and not _KEY_VALUE.search(attrs):
                output.append(text[position : start + 1])
                position = start + 1
                continue
            inner = None if closer == -1 else text[match.end() : closer]
            output.append(_escape_open_bracket(text[position:start]))
            output.append(self.shortcode(name.lower(), attrs, inner))
            position = match.end() if closer == -1 else closer + len(name) + 3
        output.append(text[position:])
        return "".join(output)

    def shortcode(self, name, attrs, inner):
        """What one shortcode becomes: a figure, an embed, its own text, or nothing."""
        attributes, positional = _parse_attributes(attrs)
        if name in _CAPTION_SHORTCODES and inner is not None:
            figure = self.caption(attributes, inner)
            if figure:
                return figure
        if name in _EMBED_SHORTCODES:
            for candidate in _embed_candidates(attributes, positional, inner):
                if embed_for_url(candidate):
                    return self.embed(candidate)
        self.notes.append(f"removed shortcode [{name}]")
        return "" if inner is None else self.shortcodes(inner)

    def caption(self, attributes, inner):
        picture = _CAPTION_PICTURE.match(inner)
        if not picture:
            return None
        caption = inner[picture.end() :].strip() or attributes.get("caption", "").strip()
        caption = self.shortcodes(" ".join(caption.split()))
        figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
        # The link WordPress puts round a captioned picture points at the old site's attachment
        # page or full-size file, neither of which comes along; the picture itself does.
        return self.block(f"<figure>{picture.group('img')}{figcaption}</figure>")


def _is_shortcode_name(name):
    return name.lower() in KNOWN_SHORTCODES or "_" in name


def _parse_attributes(text):
    """Split shortcode attributes into ({name: value}, [positional values])."""
    attributes, positional = {}, []
    for match in _ATTRIBUTE.finditer(text):
        key, double, single, bare, quoted, word = match.groups()
        if key:
            attributes[key.lower()] = next(
                (value for value in (double, single, bare) if value is not None), ""
            )
        else:
            positional.append(quoted if quoted is not None else word)
    return attributes, positional


def _embed_candidates(attributes, positional, inner):
    """Addresses an embed-like shortcode may name, most likely first."""
    candidates = [inner.strip()] if inner else []
    candidates += [attributes[key] for key in ("url", "src", "mp4") if key in attributes]
    # Jetpack writes `[youtube=https://…]`: the address is glued to the name.
    candidates += [value.removeprefix("=") for value in positional]
    return [unescape(candidate.strip()) for candidate in candidates if candidate.strip()]


def _player_page(src):
    """The public page of a YouTube or Vimeo player address, or "" for anything else."""
    if src.startswith("//"):
        src = "https:" + src
    try:
        parts = urlsplit(src)
    except ValueError:
        return ""
    host = (parts.hostname or "").removeprefix("www.")
    if host in {"youtube.com", "youtube-nocookie.com"}:
        video = _YOUTUBE_PLAYER.match(parts.path)
        return f"https://www.youtube.com/watch?v={video.group(1)}" if video else ""
    if host == "player.vimeo.com":
        video = _VIMEO_PLAYER.match(parts.path)
        return f"https://vimeo.com/{video.group(1)}" if video else ""
    return ""
