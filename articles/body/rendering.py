"""Rendering: how stored, sanitised HTML becomes the blocks the article page shows.

The body is split into top-level blocks, a paragraph holding nothing but an allowed provider's
address becomes an embed (the WordPress convention), figures show their credit, and advert slots
are placed. This changes with the page's layout, not with what may be stored.

`render_body_html` is the body as the article page prints it, one string. The article stores it
(`Article.body_rendered`), so a body is rendered once per change rather than per request; the
stored copy is good while its `rendering_key` matches: the body, the advert policy
(`settings.NEWSROOM_ADVERTS`) and `RENDERING_VERSION` it was made from.
"""

import hashlib
import json
import re
from functools import lru_cache
from html import unescape

from django.conf import settings
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from articles.body.adverts import Block, place_adverts
from articles.body.embeds import embed_for_url
from newsroom.sanitising import sanitise_body
from newsroom.templatetags.newsroom import advert_slot

_VOID_TAGS = frozenset({"br", "hr", "img"})

# A tag as the sanitiser writes it out (html5ever's serialiser, through nh3): a lower-case name,
# then attributes each written `name="value"`, where a value never holds a double quote (it is
# written &quot;; a ">" in a value would be read rightly too). Text never holds "<" (it is
# written &lt;), and comments are dropped, so every "<" of sanitised HTML starts one of these.
_SANITISED_TAG = re.compile(r'<(/?)([a-z][a-z0-9]*)(?:\s+[^\s=>]+(?:="[^"]*")?)*\s*/?>')


def split_blocks(html):
    """Yield (tag, html) for each top-level element of sanitised HTML, in order, and
    ("#text", text) for text standing between them (whitespace alone is left out).

    One pass of a regular expression over the tags: the body of every article page and every
    import goes through here, and a general HTML parser took most of the rendering's time.
    """
    depth = 0
    start = 0  # where the top-level element being read began
    after = 0  # where the last top-level element (or text) ended
    for match in _SANITISED_TAG.finditer(html):
        closing, tag = match.group(1), match.group(2)
        if depth == 0:
            text = html[after : match.start()]
            if text.strip():
                yield "#text", text
            start = match.start()
        if tag in _VOID_TAGS:
            if depth == 0:
                yield tag, match.group()
                after = match.end()
            continue
        depth += -1 if closing else 1
        if depth == 0:
            yield tag, html[start : match.end()]
            after = match.end()
    if depth == 0 and html[after:].strip():
        yield "#text", html[after:]


_TAG = re.compile(r"<[^>]+>")


def _embed_in_paragraph(paragraph_html):
    text = unescape(_TAG.sub("", paragraph_html[paragraph_html.index(">") + 1 : -len("</p>")]))
    text = text.strip()
    if not text or len(text.split(None, 1)) > 1:  # a word with no space in it, or nothing
        return None
    return embed_for_url(text)


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


# Bump when what the renderer prints changes (embeds, figures, advert slots, the body template):
# every stored rendering then stops matching and is made afresh (see `rendering_key`).
RENDERING_VERSION = 1


def rendering_key(html, policy=None):
    """A digest of everything a stored rendering of `html` depends on (see the module doc)."""
    policy = policy or settings.NEWSROOM_ADVERTS
    state = json.dumps([RENDERING_VERSION, policy, html or ""], sort_keys=True)
    return hashlib.sha256(state.encode()).hexdigest()


# What follows each block as the page prints it: the line break and indent of the article
# page's markup (the last block too).
_AFTER_BLOCK = "\n    "
# An inline advert slot's markup, the same for every slot (`newsroom.templatetags`).
_INLINE_SLOT = str(advert_slot("inline"))


def render_body_html(html, policy=None):
    """The body as the article page prints it: blocks and advert slots, as safe HTML.

    Joined here rather than by a template: every saved and imported article is rendered,
    and the template engine took twice as long as finding the blocks.
    """
    return mark_safe(  # each block's html is safe (`_content_blocks`), escaped otherwise
        "".join(
            (_INLINE_SLOT if block.kind == "advert" else conditional_escape(block.html))
            + _AFTER_BLOCK
            for block in render_body(html, policy)
        )
    )
