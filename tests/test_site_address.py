"""The site's public address: SITE_URL decides the host that robots.txt, sitemaps and feeds
name, through Django's Site row, on a new database (migrate) and an existing one
(`set_site_domain`, `demo_site`)."""

import io
from xml.etree import ElementTree

import pytest
from django.contrib.sites.models import Site
from django.core.management import CommandError, call_command
from django.urls import reverse

from newsroom.site_domain import fill_placeholder_domain
from tests.conftest import load_demo
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM = "{http://www.w3.org/2005/Atom}"


def hosts_readers_are_sent_to(reader):
    """The host of every address in robots.txt, the sitemap index and the site's feeds."""
    robots = reader.get("/robots.txt").content.decode()
    addresses = [line.split(": ", 1)[1] for line in robots.splitlines() if line.startswith("Sitemap:")]
    index = ElementTree.fromstring(reader.get(reverse("newsroom:sitemap-index")).content)
    addresses += [loc.text for loc in index.iter(f"{SITEMAP}loc")]
    rss = ElementTree.fromstring(reader.get(reverse("articles:site-rss")).content)
    addresses += [rss.findtext("channel/link")] + [i.findtext("link") for i in rss.iter("item")]
    atom = ElementTree.fromstring(reader.get(reverse("articles:site-atom")).content)
    addresses += [link.get("href") for link in atom.iter(f"{ATOM}link")]
    assert len(addresses) >= 8
    return {address.split("/")[2] for address in addresses}


def test_set_site_domain_points_robots_sitemaps_and_feeds_at_site_url(reader, settings):
    ArticleFactory(section=SectionFactory(name="News"), slug="harbour-reopens")
    # A database made while the site ran on the local address, as `make run` leaves it.
    Site.objects.filter(pk=1).update(domain="127.0.0.1:8000", name="127.0.0.1:8000")
    Site.objects.clear_cache()
    settings.SITE_URL = "https://news.example.org"

    out = io.StringIO()
    call_command("set_site_domain", stdout=out)

    assert "news.example.org" in out.getvalue()
    site = Site.objects.get(pk=1)
    assert (site.domain, site.name) == ("news.example.org", "news.example.org")
    assert hosts_readers_are_sent_to(reader) == {"news.example.org"}


def test_set_site_domain_keeps_a_name_of_the_sites_own(settings):
    Site.objects.filter(pk=1).update(domain="127.0.0.1:8000", name="The Wexcombe Tide")
    settings.SITE_URL = "http://news.example.org:8080/"
    call_command("set_site_domain", stdout=io.StringIO())
    site = Site.objects.get(pk=1)
    assert (site.domain, site.name) == ("news.example.org:8080", "The Wexcombe Tide")


def test_set_site_domain_refuses_an_address_without_a_host(settings):
    settings.SITE_URL = "news.example.org"
    with pytest.raises(CommandError, match="SITE_URL must be an address"):
        call_command("set_site_domain", stdout=io.StringIO())
    assert Site.objects.get(pk=1).domain == "127.0.0.1:8000"


def test_migrate_fills_in_only_djangos_placeholder(settings):
    assert Site.objects.get(pk=1).domain == "127.0.0.1:8000"  # SITE_URL's default, at migrate
    Site.objects.filter(pk=1).update(domain="example.com", name="example.com")
    settings.SITE_URL = "https://news.example.org"
    fill_placeholder_domain()
    assert Site.objects.get(pk=1).domain == "news.example.org"
    Site.objects.filter(pk=1).update(domain="edited.example.net")
    fill_placeholder_domain()
    assert Site.objects.get(pk=1).domain == "edited.example.net"


def test_the_demo_names_the_host_of_site_url_not_the_local_address(
    reader, settings, demo_folder
):
    settings.SITE_URL = "https://news.example.org"
    load_demo(demo_folder)
    site = Site.objects.get(pk=1)
    assert (site.domain, site.name) == ("news.example.org", "Newsroom")
    assert hosts_readers_are_sent_to(reader) == {"news.example.org"}
