"""schema.org descriptions of pages, as plain dicts for JSON-LD.

Each function takes what the page already has; none of them queries the database except
through the objects it is given (say so where an argument is a lazy queryset).
"""

from django.templatetags.static import static
from django.utils import timezone


def _iso(moment):
    return timezone.localtime(moment).isoformat() if moment else None


def organization(chrome, absolute):
    """The brand (`chrome`, its header's data) as an Organization: its own name, address and
    logo, and the group it belongs to, if any, as its parent organisation."""
    logo = chrome.get("logo")
    data = {
        "@type": "Organization",
        "name": chrome["brand_name"],
        "url": absolute("/"),
        "logo": {
            "@type": "ImageObject",
            "url": absolute(logo["url"] if logo else static("img/logo.png")),
            "width": logo["width"] if logo else 600,
            "height": logo["height"] if logo else 60,
        },
    }
    if chrome.get("network_name"):
        data["parentOrganization"] = {"@type": "Organization", "name": chrome["network_name"]}
        if chrome.get("network_url"):
            data["parentOrganization"]["url"] = chrome["network_url"]
    return data


def person(author, absolute):
    data = {"@type": "Person", "name": author.name, "url": absolute(author.get_absolute_url())}
    if author.role:
        data["jobTitle"] = author.role
    if author.photo:
        data["image"] = absolute(author.photo.url)
    if author.bio:
        data["description"] = author.bio
    links = [url for _, url in author.social_links]
    if links:
        data["sameAs"] = links
    return data


def breadcrumbs(trail, absolute):
    """`trail` is a list of (name, path) pairs from Home down."""
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": absolute(path)}
            for n, (name, path) in enumerate(trail, start=1)
        ],
    }


def news_article(article, authors, chrome, absolute):
    """NewsArticle for an article; `authors` is evaluated here (one query if lazy)."""
    url = absolute(article.get_absolute_url())
    data = {
        "@type": "NewsArticle",
        "headline": article.headline[:110],
        "description": article.standfirst,
        "datePublished": _iso(article.published_at),
        "dateModified": _iso(article.updated_at or article.published_at),
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "articleSection": article.section.name if article.section else None,
        "author": [person(author, absolute) for author in authors],
        "publisher": organization(chrome, absolute),
    }
    if article.featured_image:
        data["image"] = {
            "@type": "ImageObject",
            "url": absolute(article.featured_image.url),
            "width": article.featured_image_width,
            "height": article.featured_image_height,
        }
    return {key: value for key, value in data.items() if value not in (None, "", [])}


def collection_page(name, description, path, articles, absolute):
    return {
        "@type": "CollectionPage",
        "name": name,
        "description": description or None,
        "url": absolute(path),
        "mainEntity": {
            "@type": "ItemList",
            "itemListElement": [
                {"@type": "ListItem", "position": n, "url": absolute(a.get_absolute_url())}
                for n, a in enumerate(articles, start=1)
            ],
        },
    }


def graph(*items):
    """One JSON-LD document holding several items."""
    return {"@context": "https://schema.org", "@graph": [item for item in items if item]}
