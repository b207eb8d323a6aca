"""The demo `make run` loads: it imports cleanly, and its lead article shows every element."""

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.core.management import call_command
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from newsroom.templatetags.newsroom import dateline
from tests.conftest import load_demo, parse, text_of

LEAD = "/news/tide-powered-tram-first-passenger-run/"


@pytest.fixture
def demo_site(db, demo_folder):
    return load_demo(demo_folder)


def test_the_demo_imports_every_line(demo_site):
    assert "article: 30 created, 0 updated, 0 unchanged, 0 skipped, 0 failed" in demo_site
    assert Article.objects.published().count() == 27
    sections = set(Article.objects.values_list("section__name", flat=True))
    assert {
        "News",
        "Film and TV",
        "Music",
        "Tech",
        "Features",
        "Celebrity",
        "Politics",
        "Weird",
        "Community",
    } <= sections


def test_the_lead_article_shows_every_element_of_the_reference_page(client, demo_site):
    response = client.get(LEAD)
    assert response.status_code == 200
    page = parse(response)
    header = page.select_one("header.site-header")
    assert text_of(header.select_one(".brand")) == "Newsroom"
    assert len(header.select("nav.sections a")) == 9
    assert len(header.select(".network li a")) >= 3
    assert len(header.select(".social a")) == 6
    assert header.find("a", string="Submit Your Content") is not None
    assert [text_of(a) for a in page.select(".breadcrumbs a")] == ["Home", "News"]
    assert "Tide-Powered Tram" in text_of(page.select_one("h1"))
    assert text_of(page.select_one(".article__standfirst"))
    assert len(page.select(".byline a[href^='/authors/']")) == 2
    # The demo's times of day, on the days demo_site moved them to (see test_the_demo_reads_as_recent).
    lead = Article.objects.get(slug=LEAD.split("/")[2])
    assert text_of(page.select_one(".article__published time")) == dateline(lead.published_at)
    assert lead.published_at.astimezone(UTC).strftime("%H:%M") == "12:08"
    assert text_of(page.select_one(".article__updated time")) == dateline(lead.updated_at)
    assert lead.updated_at - lead.published_at == timedelta(hours=3, minutes=32)
    assert page.select_one("figure.featured-image img")["alt"]
    assert text_of(page.select_one(".featured-credit")).startswith("Featured Image Credit: ")
    body = page.select_one(".article__body")
    assert len(body.select(":scope > p")) >= 10
    assert body.select_one("blockquote") is not None
    assert text_of(body.select_one("figure[data-credit] .figure__credit")) == "Newsroom Archive"
    assert body.select_one(".embed--video iframe[src^='https://www.youtube-nocookie.com/embed/']")
    assert body.select_one(".embed--x a[href^='https://x.com/']")
    assert len(body.select(".advert")) >= 2
    assert len(page.select(".topics a")) == 5
    boxes = page.select(".author-box")
    assert len(boxes) == 2 and all(
        box.select_one("img") and box.select_one(".author-box__bio") for box in boxes
    )
    assert text_of(page.select_one(".rail h2")) == "Choose your content:"
    assert len(page.select(".rail__item")) == 4
    assert all(
        text_of(t) == dateline(datetime.fromisoformat(t["datetime"]))
        for t in page.select(".rail__time time")
    )
    assert len(page.select(".related a")) == 4
    footer = [text_of(a) for a in page.select(".footer-links a")]
    assert footer == [
        "Advertise",
        "Terms",
        "Privacy & Cookies",
        "License Our Content",
        "About Us & Contact",
        "Jobs",
        "Latest",
        "Topics A-Z",
        "Authors",
    ]


def test_every_internal_link_of_the_lead_article_resolves(client, demo_site, settings):
    page = parse(client.get(LEAD))
    hrefs = {a["href"] for a in page.select("a[href^='/']")} - {"/submit/"}
    sources = {tag["src"] for tag in page.select("img[src^='/']")}
    assert len(hrefs) >= 25
    for href in sorted(hrefs):
        assert client.get(href).status_code == 200, href
    assert len(sources) >= 4
    for src in sources:
        assert (Path(settings.MEDIA_ROOT) / src.removeprefix("/media/")).is_file(), src


def test_demo_drafts_and_scheduled_articles_stay_hidden(client, demo_site):
    hidden = Article.objects.exclude(pk__in=Article.objects.published())
    assert hidden.count() == 3
    for article in hidden:
        assert client.get(f"/articles/{article.slug}/").status_code == 404
    latest = text_of(parse(client.get("/latest/")))
    assert all(article.headline not in latest for article in hidden)


def test_the_demo_has_one_account_per_role(demo_site, client):
    from django.contrib.auth import get_user_model

    users = {u.username: u for u in get_user_model().objects.prefetch_related("groups")}
    roles = {
        name: [g.name for g in users[name].groups.all()]
        for name in ("admin", "editor", "contributor")
    }
    assert roles == {
        "admin": ["Administrator"],
        "editor": ["Editor"],
        "contributor": ["Contributor"],
    }
    assert users["admin"].is_superuser and not users["editor"].is_superuser
    # django-axes checks every sign-in against its lockouts, which needs a request.
    assert client.login(request=HttpRequest(), username="contributor", password="newsroom-demo")
    assert client.get("/admin/articles/article/add/").status_code == 200


def written_dates(folder):
    """published_at of each line of the demo file, by source id, as written."""
    import json

    lines = (folder / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    return {
        r["source"]["id"]: r["published_at"] and datetime.fromisoformat(r["published_at"])
        for r in records
    }


def test_the_demo_reads_as_recent_so_the_news_sitemap_is_not_empty(client, demo_site, demo_folder):
    now = timezone.now()
    newest = Article.objects.published().newest_first().first()
    assert now - timedelta(days=1) < newest.published_at <= now

    urlset = ElementTree.fromstring(client.get(reverse("newsroom:sitemap-news")).content)
    news = urlset.findall("{http://www.sitemaps.org/schemas/sitemap/0.9}url")
    assert len(news) >= 2
    assert any(url.findtext("{*}loc").endswith(LEAD) for url in news)

    # Moved together by whole days: order, spacing and times of day are as written.
    written = written_dates(demo_folder)
    published = Article.objects.published()
    shifts = {a.published_at - written[a.source_id] for a in published}
    assert len(shifts) == 1
    (shift,) = shifts
    assert shift.days >= 0 and shift.seconds == 0 and shift.microseconds == 0
    # Drafts and the scheduled article keep their dates.
    for article in Article.objects.exclude(pk__in=published):
        assert article.published_at == written[article.source_id]


def test_loading_the_demo_again_keeps_it_recent_and_imports_nothing(demo_site, demo_folder):
    before = dict(Article.objects.values_list("source_id", "published_at"))
    report = load_demo(demo_folder)
    assert "article: 0 created, 0 updated, 30 unchanged, 0 skipped, 0 failed" in report
    assert dict(Article.objects.values_list("source_id", "published_at")) == before


def test_an_aged_demo_is_moved_forward_again(demo_site):
    from django.db.models import F

    Article.objects.filter(status=Article.Status.PUBLISHED).update(
        published_at=F("published_at") - timedelta(days=10)
    )
    out = io.StringIO()
    call_command("demo_site", stdout=out)
    assert "moved 10 days forward" in out.getvalue()
    newest = Article.objects.published().newest_first().first()
    assert timezone.now() - timedelta(days=1) < newest.published_at
