"""What a change to an article touches, as surrogate keys: the one rule (`keys_for_change`),
and the receivers that apply it to every save and delete of an article or of its rows (byline,
topics, related links, corrections).

A change compares how the article stood for readers before and after (`Listing`: None when
readers could not see it):

- readers never saw it and still do not (a draft, a scheduled article): nothing;
- otherwise its own key, `article-<pk>`: its page, and every page listing it, carries that;
- when it enters or leaves lists, or moves within them (published, unpublished, deleted, its
  section, topics, byline or publication time changed, a scheduled article coming due, moved
  to another brand, syndicated to a brand or taken back): the keys of every list that showed
  or shows it, on each brand that listed or lists it (its brand and the brands it is
  syndicated to, before and after: newsroom.surrogate.brand_key): `home-b<id>`,
  `latest-b<id>`, `feeds-b<id>`, `sitemaps-b<id>`, its section's and topics'
  `topic-<pk>-b<id>`, its authors' `author-<pk>-b<id>`, and `corrections-b<id>` when it has
  corrections;
- otherwise, when what the sitemaps show changed (address, headline, update time): its
  brands' `sitemaps-b<id>`; when its corrections changed: their `corrections-b<id>`.

Another brand's lists are never purged: its pages do not show the article (beyond its own key,
which a page showing it carries on every brand).

The keys go to `newsroom.purging.purge`, which queues one edge purge per transaction and
retires the origin's fragments after the commit. Writes that send no signal (`update()`,
`bulk_create()`) purge through `purge_change` or `purge_articles` themselves.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from articles.models import Article, ArticleAuthor, Correction, RelatedLink, Topic, TopicItem
from newsroom import brands, fragments, purging, surrogate


@dataclass(frozen=True)
class Listing:
    """How a public article stands for readers: where lists place it and what they show."""

    section_id: int | None
    topic_ids: frozenset
    author_ids: frozenset
    published_at: object
    slug: str
    headline: str
    updated_at: object
    correction_ids: frozenset
    brand_id: int | None = None
    syndicated_ids: frozenset = frozenset()

    @property
    def brand_ids(self):
        """The brands whose pages list the article: its own and those it is syndicated to."""
        return {self.brand_id, *self.syndicated_ids} - {None}

    @property
    def placing(self):
        """What decides which lists of a brand show the article, and where (which brands show
        it is `brand_ids`)."""
        return (self.section_id, self.topic_ids, self.author_ids, self.published_at)

    @property
    def list_names(self):
        """The lists that show the article, on any brand that shows it."""
        names = {surrogate.HOME, surrogate.LATEST, surrogate.FEEDS, surrogate.SITEMAPS}
        if self.correction_ids:
            names.add(surrogate.CORRECTIONS)
        topic_ids = {*self.topic_ids, self.section_id} - {None}
        names |= {surrogate.key("topic", pk) for pk in topic_ids}
        names |= {surrogate.key("author", pk) for pk in self.author_ids}
        return names

    @property
    def list_keys(self):
        """The keys of the lists that show the article, on each of its brands."""
        return surrogate.of_brands(self.list_names, self.brand_ids)


def listings(pks, *, now=None):
    """{pk: Listing} for the articles among `pks` that readers can see (at `now`): one query,
    and four more (topics, byline, corrections, syndication) when any is public."""
    rows = list(
        Article.objects.published(None, now=now)
        .filter(pk__in=pks)
        .values_list(
            "pk", "section_id", "published_at", "slug", "headline", "updated_at", "brand_id"
        )
    )
    if not rows:
        return {}
    public = [row[0] for row in rows]
    related = {
        name: defaultdict(set)
        for name in ("topics", "authors", "corrections", "syndication")
    }
    syndication = Article.syndicated_to.through.objects
    for name, pairs in (
        ("topics", TopicItem.objects.filter(content_object__in=public).values_list(
            "content_object_id", "tag_id")),
        ("authors", ArticleAuthor.objects.filter(article__in=public).values_list(
            "article_id", "author_id")),
        ("corrections", Correction.objects.filter(article__in=public).values_list(
            "article_id", "pk")),
        ("syndication", syndication.filter(article__in=public).values_list(
            "article_id", "site_id")),
    ):
        for article_id, other in pairs:
            related[name][article_id].add(other)
    return {
        pk: Listing(
            section_id=section_id,
            topic_ids=frozenset(related["topics"][pk]),
            author_ids=frozenset(related["authors"][pk]),
            published_at=_to_the_second(published_at),
            slug=slug,
            headline=headline,
            updated_at=_to_the_second(updated_at),
            correction_ids=frozenset(related["corrections"][pk]),
            brand_id=brand_id,
            syndicated_ids=frozenset(related["syndication"][pk]),
        )
        for pk, section_id, published_at, slug, headline, updated_at, brand_id in rows
    }


def _to_the_second(moment):
    # The admin's form shows times to the second: saving it drops the microseconds that
    # "publish now" gave, which moves the article in no list a reader sees.
    return moment.replace(microsecond=0) if moment else moment


def keys_for_change(pk, was, now):
    """The keys a change of article `pk` from `was` to `now` (Listings, or None where readers
    could not see it) touches: the one rule (see the module)."""
    if was is None and now is None:
        return set()
    keys = {surrogate.key("article", pk)}
    if was is None or now is None or was.placing != now.placing:
        return keys | (was.list_keys if was else set()) | (now.list_keys if now else set())
    # The same place in each brand's lists: the brands it left or joined (moved, syndicated
    # or taken back) have their lists changed, those it stayed on only what the lists show.
    keys |= surrogate.of_brands(was.list_names | now.list_names, was.brand_ids ^ now.brand_ids)
    stayed = was.brand_ids & now.brand_ids
    if (was.slug, was.headline, was.updated_at) != (now.slug, now.headline, now.updated_at):
        keys |= surrogate.of_brands(surrogate.SITEMAPS, stayed)
    if was.correction_ids != now.correction_ids:
        keys |= surrogate.of_brands(surrogate.CORRECTIONS, stayed)
    return keys


def purge_change(was, pks, *, now=None):
    """Purge what changing articles `pks` touched, `was` being `listings(pks)` read before
    the change (for writes that send no signal: an import's bulk writes; time passing)."""
    after = listings(pks, now=now)
    keys = set()
    for pk in pks:
        keys |= keys_for_change(pk, was.get(pk), after.get(pk))
    purging.purge(keys)


def purge_articles(pks):
    """Purge the pages of articles `pks` whose markup changed but not their place in any list
    (a picture's new renditions): `article-<pk>` for each."""
    purging.purge(surrogate.key("article", pk) for pk in pks)


# The receivers: each save or delete of an article or of one of its rows compares the article
# before and after it. Several in one transaction make one purge (newsroom.purging).

ARTICLE_ROWS = {
    Article: "pk",
    ArticleAuthor: "article_id",
    TopicItem: "content_object_id",
    RelatedLink: "article_id",
    Correction: "article_id",
}


def _article_pk(instance):
    return getattr(instance, ARTICLE_ROWS[type(instance)])


def _before(sender, instance, **kwargs):
    pk = _article_pk(instance)
    instance._listing_was = None if pk is None else listings([pk]).get(pk)


def _after(sender, instance, **kwargs):
    pk = _article_pk(instance)
    if pk is None:
        return
    was = getattr(instance, "_listing_was", None)
    now = listings([pk]).get(pk)
    purging.purge(keys_for_change(pk, was, now))


def _topic_before(sender, instance, **kwargs):
    instance._stored = Topic.objects.filter(pk=instance.pk).values("slug", "in_navigation").first()


def _topic_after(sender, instance, **kwargs):
    """A topic renamed, moved in or out of the navigation, or deleted: its pages and every page
    naming it; the header when it is (or was) a section; the sitemaps when its address moved.
    (Merging topics purges in `articles.admin.topics.merge_topics`.)"""
    stored = getattr(instance, "_stored", None) or {}
    keys = {surrogate.key_for(instance)}
    if instance.in_navigation or stored.get("in_navigation"):
        keys.add(surrogate.CHROME)
    if stored.get("slug") != instance.slug or kwargs.get("signal") is post_delete:
        keys.add(surrogate.SITEMAPS)
    purging.purge(keys)


def _syndicated_pks(instance, reverse, pk_set):
    """The articles a change of syndication rows touches: the article itself, or (from the
    brand's side) those named, or, when a brand's are all taken back, all it had."""
    if not reverse:
        return [instance.pk]
    if pk_set is None:
        through = Article.syndicated_to.through.objects
        return list(through.filter(site=instance).values_list("article_id", flat=True))
    return sorted(pk_set)


def _syndication_changed(action, instance, reverse, pk_set, **kwargs):
    """An article syndicated to a brand or taken back: it joins or leaves that brand's lists.
    The listings before the change (read at `pre_`) name the brands it left."""
    if action.startswith("pre_"):
        pks = _syndicated_pks(instance, reverse, pk_set)
        instance._syndication_was = (pks, listings(pks))
        return
    brands.forget_hosts()  # whether a brand takes syndicated articles is known with it
    pks, was = instance.__dict__.pop("_syndication_was", (None, {}))
    if pks is None:
        pks = _syndicated_pks(instance, reverse, pk_set)
    now = listings(pks)
    keys = set()
    for pk in pks:
        keys |= keys_for_change(pk, was.get(pk), now.get(pk))
    purging.purge(keys)


def brand_menu_changed(action, instance, reverse, pk_set, **kwargs):
    """A section added to or taken from a brand's menu: that brand's header (every page of
    it) changes, `chrome-b<id>`. When every brand is taken off a section at once (a clear from
    the section's side), all the headers: `chrome`."""
    if not action.startswith("post_"):
        return
    fragments.forget_chrome()
    if reverse:
        site_ids = [instance.pk]
    elif pk_set is not None:
        site_ids = pk_set
    else:
        purging.purge({surrogate.CHROME})
        return
    purging.purge(surrogate.of_brands(surrogate.CHROME, site_ids))


def connect():
    """Connect the receivers (from `ArticlesConfig.ready`)."""
    m2m_changed.connect(
        _syndication_changed,
        sender=Article.syndicated_to.through,
        dispatch_uid="purge-article-syndication",
    )
    pre_save.connect(_topic_before, sender=Topic, dispatch_uid="purge-before-save-topic")
    post_save.connect(_topic_after, sender=Topic, dispatch_uid="purge-after-save-topic")
    post_delete.connect(_topic_after, sender=Topic, dispatch_uid="purge-after-delete-topic")
    for model in ARTICLE_ROWS:
        label = model._meta.label
        pre_save.connect(_before, sender=model, dispatch_uid=f"purge-before-save-{label}")
        pre_delete.connect(_before, sender=model, dispatch_uid=f"purge-before-delete-{label}")
        post_save.connect(_after, sender=model, dispatch_uid=f"purge-after-save-{label}")
        post_delete.connect(_after, sender=model, dispatch_uid=f"purge-after-delete-{label}")
