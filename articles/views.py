from django.conf import settings
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import DetailView, ListView, RedirectView

from articles.body import render_body
from articles.fragments import content_version
from articles.models import Article, Topic, TopicItem, public_condition
from authors.models import Author


def card_queryset():
    """Public articles shaped for a listing card: section joined, newest first."""
    return (
        Article.objects.published()
        .select_related("section")
        .only(
            "headline",
            "slug",
            "standfirst",
            "published_at",
            "featured_image",
            "featured_image_alt",
            "featured_image_width",
            "featured_image_height",
            "section__name",
            "section__slug",
        )
        .newest_first()
    )


def public_article_count():
    """How many public articles a topic has, as its section or as a topic, each counted once."""
    articles = (
        Article.objects.published()
        .filter(Q(section=OuterRef("pk")) | Q(topic_items__tag=OuterRef("pk")))
        .order_by()
        .values("status")  # a single group: every row here is published
        .annotate(total=Count("pk", distinct=True))
        .values("total")
    )
    return Coalesce(Subquery(articles), 0)


class ArticleDetailView(DetailView):
    """The public article page at /<section>/<slug>/.

    One query for the article. The rendered article and the rail are cached fragments (see
    `articles.fragments`); the querysets behind them are handed to the template unevaluated and
    run only when a fragment is rebuilt: one query each for the byline, topics, related links
    and rail, whatever their length.
    """

    template_name = "articles/article_detail.html"

    def get_queryset(self):
        return Article.objects.published().select_related("section")

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.section is None:
            raise Http404("A public article needs a section.")
        if self.object.section.slug != kwargs["section"]:
            return redirect(self.object, permanent=True)
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        article = self.object
        context = super().get_context_data(**kwargs)
        context.update(
            current_section=article.section.slug,
            content_version=content_version(),
            fragment_seconds=settings.NEWSROOM_FRAGMENT_SECONDS,
            body=render_body(article.body),
            byline=Author.objects.filter(article_links__article=article).order_by(
                "article_links__position", "article_links__id"
            ),
            topics=Topic.objects.filter(items__content_object=article).order_by(
                "items__position", "items__id"
            ),
            related_links=article.related_links.filter(
                Q(target__isnull=True) | public_condition("target__")
            ).select_related("target__section"),
            rail=card_queryset().exclude(pk=article.pk)[: settings.NEWSROOM_RAIL_SIZE],
        )
        return context


class ArticleBySlugView(RedirectView):
    """/articles/<slug>/ sends readers to the article's canonical address."""

    permanent = False

    def get_redirect_url(self, *args, **kwargs):
        article = get_object_or_404(
            Article.objects.published().select_related("section").exclude(section=None),
            slug=kwargs["slug"],
        )
        return article.get_absolute_url()


class HomeView(ListView):
    template_name = "articles/home.html"
    context_object_name = "articles"

    def get_queryset(self):
        return card_queryset()[:13]


class LatestView(ListView):
    template_name = "articles/latest.html"
    context_object_name = "articles"
    paginate_by = 20

    def get_queryset(self):
        return card_queryset()


def topic_articles(topic):
    """Public cards of a topic: its section articles and the articles tagged with it.

    A subquery rather than a join, so no DISTINCT is needed and the listing index serves the
    ordering.
    """
    tagged = TopicItem.objects.filter(tag=topic).values("content_object_id")
    return card_queryset().filter(Q(section=topic) | Q(pk__in=tagged))


class TopicDetailView(ListView):
    """A topic's page at /topics/<slug>/: its public articles, newest first.

    A section's address is /<slug>/; its /topics/ address redirects there, and the reverse.
    """

    template_name = "articles/topic_detail.html"
    context_object_name = "articles"
    paginate_by = 20
    in_navigation = False

    def get(self, request, *args, **kwargs):
        self.topic = get_object_or_404(Topic, slug=kwargs["slug"])
        if self.topic.in_navigation != self.in_navigation:
            return redirect(self.topic, permanent=True)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return topic_articles(self.topic)

    def get_context_data(self, **kwargs):
        return super().get_context_data(topic=self.topic, **kwargs)


class SectionDetailView(TopicDetailView):
    """A section's page at /<slug>/ (a topic in the navigation)."""

    in_navigation = True


class TopicIndexView(ListView):
    """Topics A-Z: every topic with public articles, with how many."""

    template_name = "articles/topic_list.html"
    context_object_name = "topics"

    def get_queryset(self):
        return (
            Topic.objects.annotate(article_total=public_article_count())
            .filter(article_total__gt=0)
            .order_by("name")
        )
