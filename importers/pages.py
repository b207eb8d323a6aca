"""WordPress pages into the site's own pages (django.contrib.flatpages)."""

from django.contrib.flatpages.models import FlatPage
from django.contrib.redirects.models import Redirect

from articles.body import sanitise_body
from importers.addresses import Addresses
from importers.slugs import ascii_slug, old_path
from newsroom.brands import current_site


class PageWriter:
    """WordPress pages become the site's own pages (/pages/<slug>/), matched by address.

    Only published pages come in: a site page has no draft state, so a draft would go live.
    `site` is the brand they are pages of (the brand in hand if None).
    """

    def __init__(self, run, *, redirects=True, site=None):
        self.run = run
        self.make_redirects = redirects
        self.site = site or current_site()

    def add(self, entry):
        self.run.advance()
        if entry.status != "published":
            self.run.skip("page", entry.where, "only published pages are imported")
            return
        slug = ascii_slug(entry.slug) or ascii_slug(entry.headline)
        if not slug:
            self.run.fail("page", entry.where, "it has neither a slug nor a title.")
            return
        url = f"/{slug[:90]}/"
        title = " ".join(entry.headline.split())[:200] or slug
        content = sanitise_body(entry.body_html)
        with self.run.item("page", entry.where):
            page = FlatPage.objects.filter(url=url).first()
            if page is not None and page.title == title and page.content == content:
                self.run.count("page", "unchanged")
            else:
                outcome = "created" if page is None else "updated"
                page = page or FlatPage(url=url)
                page.title, page.content = title, content
                page.full_clean(exclude=["sites"])
                page.save()
                page.sites.add(self.site)
                self.run.count("page", outcome)
            public = f"/pages{url}"
            for old in entry.old_urls:
                path = old_path(old)
                if path and path != public:
                    self.run.redirect(old, f"{Addresses.address_of(self.site)}{public}")
                    if self.make_redirects:
                        Redirect.objects.update_or_create(
                            site=self.site, old_path=path, defaults={"new_path": public}
                        )
