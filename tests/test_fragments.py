"""Cached fragments are retired per surrogate key: saving one article retires only what shows
it, and a hit costs one cache read (newsroom.fragments)."""

from unittest import mock

import pytest
from django.core.cache import cache

from newsroom import fragments, surrogate
from tests.brand_keys import on_brand
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two():
    news = SectionFactory(name="News")
    return ArticleFactory(headline="Near", section=news), ArticleFactory(
        headline="Far", section=news
    )


def cache_reads(client, url):
    """The cache reads (get and get_many calls) of a request; a get_many's own gets (the
    in-memory cache reads each key alone) are not counted again."""
    calls, depth = [], [0]

    def counted(name, real):
        def read(*args, **kwargs):
            if not depth[0]:
                calls.append(name)
            depth[0] += 1
            try:
                return real(*args, **kwargs)
            finally:
                depth[0] -= 1

        return read

    with (
        mock.patch.object(cache, "get", counted("get", cache.get)),
        mock.patch.object(cache, "get_many", counted("get_many", cache.get_many)),
    ):
        assert client.get(url).status_code == 200
    return calls


def test_a_fragment_hit_is_one_cache_read(reader, two):
    near, _ = two
    url = near.get_absolute_url()
    reader.get(url)
    # The brands' version (newsroom.brands: has another process changed a brand?), the header
    # and footer, then one get_many for each of the page's three fragments.
    assert cache_reads(reader, url) == ["get", "get", "get_many", "get_many", "get_many"]


def test_saving_an_article_shows_on_its_page_and_leaves_the_others_cached(
    reader, two, django_capture_on_commit_callbacks
):
    near, far = two
    reader.get(near.get_absolute_url())
    reader.get(far.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        near.standfirst = "A new standfirst."
        near.save()
    assert "A new standfirst." in reader.get(near.get_absolute_url()).content.decode()
    far_page = fragments.fragment_key(
        "fragment:article-page", far.pk, far.modified.timestamp(), ""  # no advert account
    )
    _, stamp = cache.get(far_page)
    assert fragments.versions(stamp) == stamp  # still valid: Far's page does not show Near's text


def test_a_fragment_names_its_keys_on_a_hit(reader, two):
    near, far = two
    reader.get(near.get_absolute_url())
    keys = set(reader.get(near.get_absolute_url())["Surrogate-Key"].split())
    assert {f"article-{near.pk}", f"article-{far.pk}", on_brand("latest")} <= keys  # Far is in the rail


def test_a_fragment_built_while_its_key_was_retired_is_not_kept(two):
    near, _ = two

    def build():
        # A change commits while the fragment is being built from the older rows.
        surrogate.note(f"article-{near.pk}")
        fragments.retire({f"article-{near.pk}"})
        return "old rows"

    assert fragments.cached("test", build) == "old rows"
    assert cache.get(fragments.fragment_key("test")) is None
