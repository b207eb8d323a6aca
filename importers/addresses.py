"""The addresses of a batch's articles: free slugs, old permalinks' redirects, the redirect map.

`ArticleWriter` (`importers.write`) holds one `Addresses` for its run. Each method costs a
fixed number of queries for a whole batch (none for the redirect map, which is the run's
report), so a batch's addresses never cost a query per article.
"""

from django.conf import settings
from django.contrib.redirects.models import Redirect
from django.db.models import Q
from django.urls import reverse

from articles.models import Article
from importers.brands import is_default
from importers.copying import inserting_rows
from importers.prepare import SLUG_MAX
from importers.slugs import old_path
from newsroom.chrome import brand_address

# Stands for the slug in an article's reversed path (a slug it cannot be: slugs are lower case).
SLUG_MARK = "SLUG"


class Addresses:
    """Where a run's articles live, and what leads to them from their old addresses.

    `site` is the brand (Site) whose redirects the old permalinks become, and whose address
    the redirect map names; `make_redirects` says whether they become redirects at all (a
    WordPress site moving here) or only go into the run's redirect map (a partner's feed).
    """

    def __init__(self, run, *, site, make_redirects):
        self.run = run
        self.site = site
        self.make_redirects = make_redirects
        self.paths = {}  # section slug -> an article's path in it, the slug left to fill in
        self.base = self.address_of(site)

    @staticmethod
    def address_of(site):
        """Where brand `site`'s paths are, for the redirect map: SITE_URL for the default
        brand (as before brands), else the brand's own host (`newsroom.chrome`)."""
        if is_default(site):
            return settings.SITE_URL
        return brand_address(site).rstrip("/")

    def free_slugs(self, articles):
        """Give each article a slug no other article has: `-2`, `-3` … appended if taken.

        One query for the batch's slugs, and one more when some are taken: every slug that
        starts as a taken one does (its numbered forms, cut to fit, included)."""
        own = {article.pk for article in articles if article.pk}
        others = Article.objects.exclude(pk__in=own)
        wanted = {article.slug for article in articles}
        taken = set(others.filter(slug__in=wanted).values_list("slug", flat=True))
        clashing = {article.slug for article in articles if article.slug in taken}
        if clashing:
            # A numbered form keeps at least SLUG_MAX - 11 characters of its base.
            starts = Q()
            for base in clashing:
                starts |= Q(slug__startswith=base[: SLUG_MAX - 11])
            taken.update(others.filter(starts).values_list("slug", flat=True))
        for article in articles:
            if article.slug in taken:
                base, number = article.slug, 2
                while True:
                    suffix = f"-{number}"
                    candidate = f"{base[: SLUG_MAX - len(suffix)]}{suffix}"
                    if candidate not in taken:
                        break
                    number += 1
                article.slug = candidate
            taken.add(article.slug)

    def redirects(self, items, articles):
        """Old permalinks (and an updated article's old address) lead to the new address."""
        moves = {}
        for item, article in zip(items, articles, strict=True):
            new_url = self.map_redirects(item, article)
            if new_url is None:
                continue
            if self.make_redirects:
                for path in item.old_paths:
                    if path != new_url:
                        moves[path] = new_url
        if not moves:
            return
        live = set(moves.values())
        # An old path that is now a live address must not redirect anywhere.
        Redirect.objects.filter(site=self.site, old_path__in=live).delete()
        moves = {old: new for old, new in moves.items() if old not in live}
        found = {
            redirect.old_path: redirect
            for redirect in Redirect.objects.filter(site=self.site, old_path__in=list(moves))
        }
        for redirect in found.values():
            redirect.new_path = moves[redirect.old_path]
        Redirect.objects.bulk_update(found.values(), ["new_path"])
        with inserting_rows(Redirect, ("site_id", "old_path", "new_path")) as add:
            for old, new in moves.items():
                if old not in found:
                    add((self.site.pk, old, new))

    def path_in(self, section_slug, slug):
        """An article's path in a section, as `Article.get_absolute_url` gives it, with
        reverse() once per section: a run maps tens of thousands of articles."""
        if section_slug not in self.paths:
            path = reverse(
                "articles:article-detail", kwargs={"section": section_slug, "slug": SLUG_MARK}
            )
            self.paths[section_slug] = path.rpartition(SLUG_MARK)[::2]  # the slug comes last
        before, after = self.paths[section_slug]
        return f"{before}{slug}{after}"

    def map_unchanged(self, old_urls, status, slug, section_slug):
        """Note an unchanged article's old addresses for the redirect map (no query)."""
        if status != Article.Status.PUBLISHED or not section_slug or not old_urls:
            return
        new_url = self.path_in(section_slug, slug)
        for url in old_urls:
            if old_path(url):
                self.run.redirect(url, f"{self.base}{new_url}")

    def map_redirects(self, item, article):
        """Note the entry's old addresses for the redirect map; returns the new path."""
        if article.status != Article.Status.PUBLISHED:
            return None
        if article.section_id is None:
            new_url = article.get_absolute_url()
        else:
            new_url = self.path_in(article.section.slug, article.slug)
        for url in item.entry.old_urls:
            if old_path(url):
                self.run.redirect(url, f"{self.base}{new_url}")
        return new_url

    def map_move(self, old, new, *, was, now):
        """An updated article's old address (on brand `was`), for the redirect map, when it
        has moved (to `new` on brand `now`)."""
        old = f"{self.address_of(was)}{old}" if old else ""
        new = f"{self.address_of(now)}{new}" if new else ""
        if old and new and old != new:
            self.run.redirect(old, new)
