"""The article body editor: django-prose-editor set up to write only what `articles.body` keeps.

The editor's schema is the storage allowlist seen from the other side: every node and mark it
can produce is a tag and attribute `sanitise_body` keeps, written in the order the sanitiser
writes it, so a body the editor saves comes back from the sanitiser unchanged. Our own pieces
(links, ordered lists, figures from the media library, embeds by address) live in one ES module,
`static/admin/articles/body-editor.js`, which the widget hands to the editor as an extra module.
"""

import re

from django import forms
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django_prose_editor.config import DEFAULT_MENU_GROUPS
from django_prose_editor.fields import ProseEditorFormField
from django_prose_editor.widgets import AdminProseEditorWidget

# EMBED_PROVIDERS: the hosts `embed_for_url` turns into embeds; the editor refuses other
# addresses before they are inserted.
from articles.body import EMBED_PROVIDERS, URL_SCHEMES, sanitise_body
from newsroom.sanitising import SanitisedHTML

# The media library's staff-only search (library.views.image_search): GET ?q=&page= answers
# {"results": [{"id", "thumbnail", "alt", "caption", "credit", "width", "height", "html"}],
# "has_next"}, where `html` is the <figure data-credit=…> the editor inserts.
LIBRARY_SEARCH_URL_NAME = "library:image-search"
LIBRARY_UPLOAD_URL_NAME = "admin:library_image_add"

EXTENSIONS_MODULE = "admin/articles/body-editor.js"
EDITOR_STYLESHEET = "admin/articles/body-editor.css"

# The package's toolbar, with our "insert" group (image and embed) after the link buttons.
MENU_GROUPS = [
    *DEFAULT_MENU_GROUPS[: DEFAULT_MENU_GROUPS.index({"group": "link"}) + 1],
    {"group": "insert"},
    *DEFAULT_MENU_GROUPS[DEFAULT_MENU_GROUPS.index({"group": "link"}) + 1 :],
]

_EMPTY_DOCUMENT = re.compile(r"<p></p>")
# Empty paragraphs at the end: the editor leaves one after an inserted embed or picture for the
# caret; the page has no use for them.
_TRAILING_EMPTY_PARAGRAPHS = re.compile(r"(?:<p></p>)+$")


def _reverse_or_none(name):
    """The address named `name`, or None while the app that owns it is not mounted."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def body_extensions():
    """The editor's extensions: exactly the structure `articles.body.ALLOWED_TAGS` keeps.

    Built per form, because the library's addresses are reversed from the URLconf.
    """
    return {
        "Heading": {"levels": [2, 3, 4]},
        "Bold": True,
        "Italic": True,
        "Strike": True,
        "Subscript": True,
        "Superscript": True,
        "BulletList": True,
        "ListItem": True,
        "Blockquote": True,
        "HorizontalRule": True,
        "HardBreak": True,
        # Ours (body-editor.js): markup the sanitiser keeps byte for byte.
        "ArticleOrderedList": True,
        "ArticleLink": {"schemes": sorted(URL_SCHEMES)},
        "ArticleImage": True,
        "ArticleCaption": True,
        "ArticleFigure": {
            "searchUrl": _reverse_or_none(LIBRARY_SEARCH_URL_NAME),
            "uploadUrl": _reverse_or_none(LIBRARY_UPLOAD_URL_NAME),
        },
        "ArticleEmbed": {"providers": EMBED_PROVIDERS},
        # Editing the HTML source is safe: whatever is typed is parsed through the schema above.
        "HTML": True,
        "ArticleParagraphButton": True,
        "Menu": {"groups": MENU_GROUPS},
    }


def clean_body(html):
    """What the form keeps of the editor's HTML: sanitised, without empty paragraphs at the end,
    and empty when nothing was written."""
    if not html or _EMPTY_DOCUMENT.fullmatch(html):
        return ""
    # Still the sanitiser's output without its last empty paragraphs: kept marked as such, so
    # the article's save does not sanitise it again.
    return SanitisedHTML(_TRAILING_EMPTY_PARAGRAPHS.sub("", sanitise_body(html)))


class ArticleBodyWidget(AdminProseEditorWidget):
    """The prose editor, with our extensions module and stylesheet."""

    def get_config(self):
        config = super().get_config()
        return config | {"js_modules": [*config.get("js_modules", []), static(EXTENSIONS_MODULE)]}

    @property
    def media(self):
        # Listed after the package's stylesheets so that ours wins over them.
        return super().media + forms.Media(
            css={
                "all": [
                    "django_prose_editor/editor.css",
                    "django_prose_editor/overrides.css",
                    EDITOR_STYLESHEET,
                ]
            }
        )


class ArticleBodyField(ProseEditorFormField):
    """The body as the editor writes it, sanitised as `Article.save()` will store it."""

    def __init__(self, **kwargs):
        kwargs["widget"] = ArticleBodyWidget
        kwargs.setdefault("config", {"extensions": body_extensions()})
        kwargs.setdefault("sanitize", clean_body)
        kwargs.setdefault("preset", "configurable")
        super().__init__(**kwargs)
