"""The public pages of articles and topics: home, latest, article, topic and section, topics A-Z.

Views only choose a listing (the named methods of `ArticleQuerySet`, which apply the one
publication rule) and hand it to a template; none builds a query of its own shape.
"""

from collections import Counter

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import DetailView, ListView, RedirectView, TemplateView

from articles.models import Article, Topic, TopicItem, public_condition
from newsroom import surrogate
from newsroom.chrome import get_chrome
from newsroom.fragments import cached
from newsroom.pages import PublicListMixin, PublicPageMixin


def topic_counts(site):
    """{topic id: number of public articles of brand `site`} for every topic that has any.

    An article counts once for a topic, whether it is tagged with it, has it as its section, or
    both. Two grouped queries over the archive (about 250 ms at 100,000 articles on PostgreSQL),
    so the result is a cached fragment naming the brand's `latest` (see newsroom.fragments),
    retired by whatever changes the set of the brand's public articles or their lists.
    """
    # The fragment's key names the brand in hand (newsroom.fragments), which is `site`.
    return cached("topic-counts", lambda: _count_topics(site))


def _count_topics(site):
    surrogate.note(surrogate.lists(surrogate.LATEST, site=site))
    counts = Counter()
    tagged = (
        TopicItem.objects.filter(public_condition("content_object__", site=site))
        .values_list("tag")
        .annotate(total=Count("id"))
    )
    counts.update(dict(tagged))
    tagged_with_own_section = TopicItem.objects.filter(
        tag=OuterRef("section"), content_object=OuterRef("pk")
    )
    in_section = (
        Article.objects.published(site)
        .exclude(section=None)
        .filter(~Exists(tagged_with_own_section))
        .values_list("section")
        .annotate(total=Count("id"))
        .order_by()
    )
    counts.update(dict(in_section))
    return dict(counts)


class ArticleDetailView(PublicPageMixin, DetailView):
    """The public article page at /<section>/<slug>/.

    One query for the article, whose body is stored rendered (`Article.reader_body`). The
    article and the rail are cached fragments (see `newsroom.fragments`); the querysets behind
    them are handed to the template unevaluated and run only when a fragment is rebuilt: one
    query each for the byline, topics, related links, corrections and rail, whatever their
    length.
    """

    template_name = "articles/article_detail.html"

    def get_queryset(self):
        return (
            Article.objects.published(self.request.site)
            .select_related("section", "brand")
            .defer("search_vector")
        )

    def get_last_modified(self, context):
        return self.object.modified

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.section is None:
            raise Http404("A public article needs a section.")
        if self.object.section.slug != kwargs["section"]:
            return redirect(self.object, permanent=True)
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        article = self.object
        surrogate.note(article, article.section)
        context = super().get_context_data(**kwargs)
        # Authors read through the article's relation: articles sits below authors.
        authors = Article._meta.get_field("authors").related_model.objects
        context.update(
            current_section=article.section.slug if article.section else None,
            fragment_seconds=settings.NEWSROOM_FRAGMENT_SECONDS,
            byline=authors.filter(article_links__article=article).order_by(
                "article_links__position", "article_links__id"
            ),
            topics=Topic.objects.filter(items__content_object=article).order_by(
                "items__position", "items__id"
            ),
            related_links=article.related_links.filter(
                Q(target__isnull=True) | public_condition("target__", site=self.request.site)
            ).select_related("target__section"),
            rail=Article.objects.latest(self.request.site).exclude(pk=article.pk)[
                : settings.NEWSROOM_RAIL_SIZE
            ],
        )
        if article.brand_id != self.request.site.pk:
            # A syndicated copy: search engines are sent to the first brand's page.
            context["canonical_url"] = (
                f"{self.request.scheme}://{article.brand.domain}{article.get_absolute_url()}"
            )
        return context


class ArticleBySlugView(RedirectView):
    """/articles/<slug>/ sends readers to the article's canonical address."""

    permanent = False

    def get_redirect_url(self, *args, **kwargs):
        article = get_object_or_404(
            Article.objects.published(self.request.site)
            .select_related("section")
            .exclude(section=None),
            slug=kwargs["slug"],
        )
        return article.get_absolute_url()


class HomeView(PublicPageMixin, TemplateView):
    """The front page: the lead story, a block per section, then the latest.

    Three queries: the latest cards, and two for the section blocks (see
    `ArticleQuerySet.section_fronts`).
    """

    template_name = "articles/home.html"
    latest_count = 11
    per_section = 4

    def get_context_data(self, **kwargs):
        latest = list(Article.objects.latest(self.request.site)[: self.latest_count])
        sections = get_chrome()["sections"]
        lead = latest[0] if latest else None
        fronts = Article.objects.section_fronts(
            [section["id"] for section in sections],
            self.per_section,
            exclude=lead and lead.pk,
            site=self.request.site,
        )
        blocks = [
            {"section": section, "articles": fronts[section["id"]]}
            for section in sections
            if fronts[section["id"]]
        ]
        # The cards name their articles and sections (includes/article_card.html); a block is
        # its section's list on this brand, headed by the section's name.
        surrogate.note(surrogate.lists(surrogate.HOME, surrogate.LATEST))
        sections = [surrogate.key("topic", block["section"]["id"]) for block in blocks]
        surrogate.note(sections, surrogate.lists(sections))
        return super().get_context_data(lead=lead, latest=latest[1:], blocks=blocks, **kwargs)

    def get_last_modified(self, context):
        cards = [context["lead"], *context["latest"]] if context["lead"] else []
        cards += [card for block in context["blocks"] for card in block["articles"]]
        return max((card.modified for card in cards), default=None)


class LatestView(PublicListMixin, ListView):
    template_name = "articles/latest.html"
    context_object_name = "articles"
    paginate_by = 20

    def get_queryset(self):
        surrogate.note(surrogate.lists(surrogate.LATEST))
        return Article.objects.latest(self.request.site)


class TopicDetailView(PublicListMixin, ListView):
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
        # The topic's own key (its name, description) and its list on this brand.
        surrogate.note(self.topic, surrogate.lists(self.topic))
        return Article.objects.latest(self.request.site).for_topic(self.topic)

    def get_context_data(self, **kwargs):
        return super().get_context_data(topic=self.topic, **kwargs)


class SectionDetailView(TopicDetailView):
    """A section's page at /<slug>/ (a topic in the navigation)."""

    in_navigation = True

    def get_context_data(self, **kwargs):
        # The header marks this section's link as the page shown (aria-current="page").
        return super().get_context_data(
            current_section=self.topic.slug, current_section_is_page=True, **kwargs
        )


class TopicIndexView(PublicPageMixin, ListView):
    """Topics A-Z: every topic with public articles, with how many."""

    template_name = "articles/topic_list.html"
    context_object_name = "topics"

    def get_queryset(self):
        counts = topic_counts(self.request.site)
        topics = list(Topic.objects.filter(pk__in=counts).order_by("name"))
        surrogate.note(surrogate.lists(surrogate.LATEST), topics)
        for topic in topics:
            topic.article_total = counts[topic.pk]
        return topics
