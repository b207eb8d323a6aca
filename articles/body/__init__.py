"""Article bodies: what HTML may be stored, and how stored HTML becomes the page.

Storage keeps sanitised HTML only (`sanitise_body`, run on every save and import). Rendering
(`render_body`) splits that HTML into top-level blocks, turns a paragraph holding nothing but an
allowed provider's address into an embed (the WordPress convention), and places advert slots
between paragraphs by one policy (`settings.NEWSROOM_ADVERTS`).

Each of those changes on its own, so each has a module: `embeds`, `adverts` and `rendering`
here, and sanitising in `newsroom.sanitising` (the shell's flat pages hold the same HTML, so the
rule lives below both). The names callers use are re-exported here, where they have always been.
"""

from articles.body.adverts import ADVERT, Block, place_adverts
from articles.body.embeds import EMBED_PROVIDERS, embed_for_url
from articles.body.rendering import (
    _content_blocks,
    render_body,
    render_body_html,
    rendering_key,
    split_blocks,
)
from newsroom.sanitising import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    RESPONSIVE_ATTRIBUTES,
    URL_SCHEMES,
    safe_srcset,
    sanitise_body,
    set_image_attributes,
)

__all__ = [
    "ADVERT",
    "ALLOWED_ATTRIBUTES",
    "ALLOWED_TAGS",
    "EMBED_PROVIDERS",
    "RESPONSIVE_ATTRIBUTES",
    "URL_SCHEMES",
    "Block",
    "_content_blocks",
    "embed_for_url",
    "place_adverts",
    "render_body",
    "render_body_html",
    "rendering_key",
    "safe_srcset",
    "sanitise_body",
    "set_image_attributes",
    "split_blocks",
]
