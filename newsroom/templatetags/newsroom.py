"""The site's own template tags and filters: dates and times as readers see them, advert slots,
stored files, structured data, flat pages, surrogate keys and cached fragments. Nothing here
knows a content app's models; tags about articles live in `articles_tags`."""

import functools
import json
import logging
from urllib.parse import urljoin

from django import template
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from newsroom import fragments, surrogate
from newsroom import structured_data as schema
from newsroom.chrome import chrome_of as get_chrome_of
from newsroom.sanitising import sanitise_body

register = template.Library()
logger = logging.getLogger(__name__)


@register.filter
def dateline(value):
    """Format a moment as readers see it in the site's time zone: "12:08 15 Mar 2022 GMT".

    Django's `T` format leaves the zone name out in the hour that repeats when the clocks go
    back, which is exactly when "BST" or "GMT" tells the two apart; `tzname()` does not.
    """
    if not value:
        return ""
    local = timezone.localtime(value)
    return f"{dateformat.format(local, 'H:i d M Y')} {local.tzname()}"


@register.simple_tag
def relative_time(value):
    """`<time>` with the moment in ISO form and as a dateline, which static/js/relative-time.js
    turns into words like "12 hours ago" as the page is read.

    The server writes no words: they would depend on when the page was made, so two processes
    (or one, a minute later) would send different pages for unchanged content, and the ETag,
    taken of the content, would never hold. A reader without script sees the dateline, which
    is right however long a cache keeps the page.
    """
    if not value:
        return ""
    return format_html(
        '<time class="relative-time" datetime="{}">{}</time>',
        timezone.localtime(value).isoformat(),
        dateline(value),
    )


@register.simple_tag
def advert_slot(variant="", account=""):
    """A labelled advert container; CSS reserves its height so nothing moves when an ad fills it.
    `account` is the brand's advert account (`chrome.advert_account`), written as
    `data-advert-account` for the advert network's script to read; a brand without one gets
    the slot without it, as pages had before brands had accounts.

    A tag rather than an include: the body places several, and includes cost a template lookup
    and a context push each.
    """
    modifier = f" advert--{variant}" if variant else ""
    named = format_html(' data-advert-account="{}"', account) if account else ""
    return format_html(
        '<div class="advert{}"{}><p class="advert__label">Advert</p></div>', modifier, named
    )


@register.filter
def with_advert_account(body, account):
    """An article's stored body (`Article.reader_body`) with brand `account`'s advert account
    written into its inline slots.

    The body is rendered once, on save, for every brand (a syndicated copy shows the same
    stored rendering), so its slots name no brand; the page writes its brand's account in as
    it is shown, inside the brand's own cached fragment. The slot's markup is `advert_slot`'s,
    made here the same way, so the two cannot drift apart.
    """
    if not account:
        return body
    plain, named = advert_slot("inline"), advert_slot("inline", account)
    # `body` is the renderer's safe HTML and `named` is built by format_html (the account
    # escaped): replacing one whole slot by another leaves it as safe as it was.
    return mark_safe(str(body).replace(plain, named))


@register.filter
def in_storage(file):
    """Whether a stored file (an image field's value) is really in storage: one lookup.

    The article page asks it of the featured image inside its cached fragment, so the lookup
    is made when the fragment is rebuilt, not on every request. Listings do not ask: a lookup
    per card costs a request each on remote storage, and a missing card picture shows its alt
    text in the space its stored width and height keep.
    """
    if not file:
        return False
    if file.storage.exists(file.name):
        return True
    logger.warning("%s is missing from storage; the page leaves it out.", file.name)
    return False


# Characters that could end a <script> element or open a comment inside it, written as JSON
# escapes (as Django's json_script does).
_LD_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    """The full address of a path on this site, for social cards and structured data."""
    return context["request"].build_absolute_uri(path)


@register.simple_tag(takes_context=True)
def structured_data(context, kind, *args):
    """A `<script type="application/ld+json">` describing the page (see structured_data)."""
    request, chrome = context["request"], context["chrome"]
    absolute = request.build_absolute_uri
    home = ("Home", reverse("articles:home"))
    if kind == "article":
        article, authors = args
        trail = [home, (article.section.name, article.section.get_absolute_url())]
        publisher, publisher_absolute = chrome, absolute
        site = getattr(request, "site", None)
        if site is not None and article.brand_id != site.pk:
            # A syndicated copy: as its canonical link does, it names the first brand's page,
            # and that brand as its publisher (see docs/brands.md). The breadcrumbs stay this
            # page's own.
            publisher = get_chrome_of(article.brand, menu=False)
            origin = f"{request.scheme}://{article.brand.domain}/"
            publisher_absolute = functools.partial(urljoin, origin)
        data = schema.graph(
            schema.news_article(article, authors, publisher, publisher_absolute),
            schema.breadcrumbs(trail, absolute),
        )
    elif kind == "collection":
        topic, articles = args
        path = topic.get_absolute_url()
        data = schema.graph(
            schema.collection_page(topic.name, topic.description, path, articles, absolute),
            schema.breadcrumbs([home, (topic.name, path)], absolute),
        )
    elif kind == "person":
        (author,) = args
        path = author.get_absolute_url()
        data = schema.graph(
            {**schema.person(author, absolute), "mainEntityOfPage": absolute(path)},
            schema.breadcrumbs(
                [home, ("Authors", reverse("authors:author-list")), (author.name, path)], absolute
            ),
        )
    elif kind == "website":
        data = schema.graph(
            {"@type": "WebSite", "name": chrome["brand_name"], "url": absolute("/")},
            schema.organization(chrome, absolute),
        )
    else:
        raise template.TemplateSyntaxError(f"Unknown structured data kind {kind!r}.")
    text = json.dumps(data, ensure_ascii=False, default=str).translate(_LD_JSON_ESCAPES)
    # json.dumps above and the escapes make the text inert inside <script>.
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


@register.filter
def page_html(html):
    """A flat page's HTML as readers may see it: cleaned again as it is shown, so a page stored
    before pages were cleaned on save (or written around the admin) cannot redirect, run script
    or link to javascript:."""
    return mark_safe(sanitise_body(html))


@register.simple_tag
def surrogate_keys(*items):
    """Name `items` (objects, lists of them, key strings) in the response's Surrogate-Key
    (newsroom.surrogate); prints nothing. Inside a `{% fragment %}`, the fragment keeps them."""
    surrogate.note(*items)
    return ""


@register.simple_tag
def surrogate_list_keys(*items):
    """Name the brand in hand's keys of the lists `items` (newsroom.surrogate.lists), e.g.
    {% surrogate_list_keys "latest" %} is `latest-b2` on brand 2; prints nothing."""
    surrogate.note(surrogate.lists(*items))
    return ""


@register.tag
def fragment(parser, token):
    """`{% fragment "name" part … %}…{% endfragment %}`: the block rendered once and kept in the
    cache (newsroom.fragments.cached) under its name and parts, with the surrogate keys noted
    while rendering it, until one of them is retired. A context with `fragment_seconds` 0 (a
    preview) renders it afresh every time."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% fragment %} needs a name.")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, [parser.compile_filter(bit) for bit in bits[1:]])


class FragmentNode(template.Node):
    def __init__(self, nodelist, expressions):
        self.nodelist = nodelist
        self.expressions = expressions

    def render(self, context):
        name, *parts = [expression.resolve(context) for expression in self.expressions]
        if context.get("fragment_seconds") == 0:
            return self.nodelist.render(context)
        return fragments.cached(f"fragment:{name}", lambda: self.nodelist.render(context), *parts)
