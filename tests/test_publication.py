"""The one definition of what the public may see."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_published_means_published_status_and_a_time_that_has_come():
    now = timezone.now()
    public = ArticleFactory(published_at=now - timedelta(seconds=1))
    ArticleFactory(published_at=now + timedelta(minutes=1))
    ArticleFactory(status=Article.Status.DRAFT, published_at=now - timedelta(days=1))
    ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    assert list(Article.objects.published()) == [public]
    assert [a.is_public for a in Article.objects.order_by("id")] == [True, False, False, False]


def test_publishing_without_a_section_or_time_is_refused_with_a_message():
    from django.core.exceptions import ValidationError

    article = ArticleFactory.build(section=None, published_at=None)
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert set(error.value.message_dict) >= {"section", "published_at"}


def test_a_topic_never_takes_a_reserved_address():
    from articles.models import Topic

    assert Topic.objects.create(name="Authors").slug == "authors-topic"
    assert Topic.objects.create(name="Latest").slug == "latest-topic"
