"""WordPress's automatic paragraphs (wpautop), done once on the way in.

Classic posts are text with blank lines between paragraphs; WordPress adds `<p>` and
`<br />` only when it shows a page. `autop` does the same, leaving block-level HTML and the
placeholders of `importers.wp_body` (finished HTML) as they are.
"""

import re

# Where the text flows as paragraphs (wrapped in <p>), where it is phrasing content (line
# breaks only), and every other block tag (lists, tables), whose own text is left untouched.
# fmt: off
_FLOW_CONTAINERS = frozenset({
    "article", "aside", "blockquote", "center", "details", "dialog", "div", "fieldset", "footer",
    "form", "header", "main", "nav", "section"
})
_PHRASING_CONTAINERS = frozenset({
    "address", "caption", "dd", "dt", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6",
    "legend", "li", "p", "summary", "td", "th"
})
_OTHER_BLOCKS = frozenset({
    "col", "colgroup", "dl", "hgroup", "hr", "menu", "ol", "table", "tbody", "tfoot", "thead",
    "tr", "ul"
})
# fmt: on
_VOID_BLOCKS = frozenset({"hr", "col"})
_BLOCK_NAMES = "|".join(sorted(_FLOW_CONTAINERS | _PHRASING_CONTAINERS | _OTHER_BLOCKS))


# Every pattern here stops at the next `<` or `>`, so a hostile body full of unclosed tags
# costs linear time, not quadratic. Scans that look for a closing tag go through `_Closers`.
_ATTRIBUTES = r"""(?:"[^"<>]*"|'[^'<>]*'|[^'"<>])*"""


_TOKEN = re.compile(
    "(?P<placeholder>\x00\\d+\x00)"
    r"|(?P<tag></?(?P<name>" + _BLOCK_NAMES + r")\b" + _ATTRIBUTES + ">)",
    re.I,
)
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
_TRAILING_BR = re.compile(r"<br\s*/?>$", re.I)


def autop(text):
    """Give text with blank-line paragraphs its `<p>` and `<br />` tags, WordPress-style.

    Text at the top level or directly inside a flow container (div, blockquote, section…)
    becomes paragraphs: a blank line ends one, a single line break becomes `<br />`. Inside
    phrasing containers (li, td, h1–h6, p, figcaption…) line breaks become `<br />` but no
    `<p>` is added. Text between list or table tags is left alone, and so is anything the
    caller has replaced by a placeholder (`<pre>`, generated figures).

    This differs from WordPress in one deliberate way: text directly inside a `<div>` gets its
    `<p>` even without blank lines around it, because the sanitiser unwraps `<div>` and the
    text would otherwise end up bare between blocks.
    """
    output, stack, position = [], [], 0
    for match in _tokens(text):
        output.append(_paragraphs(text[position : match.start()], stack[-1] if stack else None))
        output.append(match.group())
        position = match.end()
        name = (match.group("name") or "").lower()
        if not name:
            continue
        tag = match.group("tag")
        if tag.startswith("</"):
            if name in stack:
                while stack.pop() != name:
                    pass
        elif name not in _VOID_BLOCKS and not tag.endswith("/>"):
            stack.append(name)
    output.append(_paragraphs(text[position:], stack[-1] if stack else None))
    return "".join(output)


def _tokens(text):
    """`_TOKEN.finditer(text)`, trying the pattern only where a token can start (a `<` or a
    NUL): the regular expression's own scan tried both of its branches at every character,
    which was most of a post's conversion."""
    find, position = text.find, 0
    placeholders = "\x00" in text
    while True:
        start = find("<", position)
        if placeholders:
            nul = find("\x00", position)
            if nul != -1 and (start == -1 or nul < start):
                start = nul
        if start == -1:
            return
        match = _TOKEN.match(text, start)
        if match is None:
            position = start + 1
            continue
        yield match
        position = match.end()


def _paragraphs(text, container):
    if container is None or container in _FLOW_CONTAINERS:
        paragraphs = []
        for paragraph in _PARAGRAPH_BREAK.split(text):
            paragraph = paragraph.strip()
            if not paragraph:
                continue
            if _only_comments(paragraph):
                paragraphs.append(paragraph)
            else:
                paragraphs.append(f"<p>{_break_lines(paragraph)}</p>")
        return "\n" + "\n".join(paragraphs) + "\n" if paragraphs else "\n"
    if container in _PHRASING_CONTAINERS:
        stripped = text.strip()
        if not stripped:
            return text
        lead = text[: len(text) - len(text.lstrip())]
        trail = text[len(text.rstrip()) :]
        # Keep edge whitespace as a space so words beside inline tags stay apart.
        converted = _break_lines(stripped)
        return (" " if lead else "") + converted + (" " if trail else "")
    return text


def _break_lines(text):
    """Each line break becomes `<br />`, once, however the line already ended."""
    lines = [line.strip() for line in text.split("\n")]
    lines = [_TRAILING_BR.sub("", line).rstrip() for line in lines[:-1]] + lines[-1:]
    return "<br />\n".join(line for line in lines if line)


def _only_comments(paragraph):
    position = 0
    while True:
        while position < len(paragraph) and paragraph[position].isspace():
            position += 1
        if position == len(paragraph):
            return True
        if not paragraph.startswith("<!--", position):
            return False
        end = paragraph.find("-->", position + 4)
        if end == -1:
            return False
        position = end + 3
