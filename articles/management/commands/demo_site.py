"""Dress a fresh database as the demo site: brand, sections, footer pages and demo accounts.

Articles come separately, through `import_articles demo/articles.jsonl`. Safe to run again. The
shell's part (brand, links, footer pages, accounts) is `newsroom.demo`; this command adds what
the articles app owns: the sections, and the demo articles' dates.

The demo's articles carry fixed dates, which age: run weeks later, the site would have no news
of the last two days (an empty Google News sitemap, a "latest" list from last month). So the
published demo articles are moved forward by whole days, together, until the newest is less
than a day old; their order, spacing and times of day stay as written. Drafts and scheduled
articles keep their dates. The importer leaves the moved rows alone on the next run (their
lines are unchanged), and the next `demo_site` moves them again only if they have aged.
"""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone

from articles.changes import listings, purge_change
from articles.models import Article, Topic
from articles.text import name_key
from newsroom.demo import DEMO_PASSWORD, dress_network, dress_site, make_demo_accounts
from newsroom.site_domain import set_site_domain

# The `source.system` of the lines of demo/articles.jsonl.
DEMO_SOURCE = "demo"

# What each sister brand of the demo network (newsroom.demo.SISTERS) has in its menu: its
# sections' articles, the default brand's, are syndicated to it.
SISTER_SECTIONS = {
    "screen": ["Film and TV", "Music", "Celebrity"],
    "tech": ["Tech"],
    "odd": ["Weird", "Community"],
}

SECTIONS = [
    ("News", "What is happening in Britain and beyond, told straight and fast."),
    ("Film and TV", "Premieres, box sets and the stories behind the screen."),
    ("Music", "New releases, live reviews and the artists worth your time."),
    ("Tech", "Gadgets, apps and the people building what comes next."),
    ("Features", "Longer reads, interviews and stories that take their time."),
    ("Celebrity", "The famous, the newly famous and the briefly famous."),
    ("Politics", "Westminster, town halls and the decisions that shape daily life."),
    ("Weird", "The strange, the baffling and the wonderfully odd."),
    ("Community", "Readers, neighbours and local heroes making a difference."),
]


def bring_demo_dates_forward(now=None):
    """Move the published demo articles forward by whole days so that the newest one is less
    than a day old; returns the number of days (0 when they are recent already)."""
    now = now or timezone.now()
    published = Article.objects.published(None, now=now).filter(source_system=DEMO_SOURCE)
    newest = published.aggregate(newest=Max("published_at"))["newest"]
    days = (now - newest).days if newest else 0
    if days > 0:
        shift = timedelta(days=days)
        pks = list(published.values_list("pk", flat=True))
        was = listings(pks)
        published.update(published_at=F("published_at") + shift, updated_at=F("updated_at") + shift)
        purge_change(was, pks)
    return days


def syndicate_to_sisters(sisters):
    """Give each sister brand its sections (in its menu) and their demo articles."""
    for name, sister in sisters.items():
        sections = [Topic.objects.get(name=section) for section in SISTER_SECTIONS[name]]
        sister.menu_sections.set(sections)
        articles = Article.objects.filter(source_system=DEMO_SOURCE, section__in=sections)
        for article in articles:
            article.syndicated_to.add(sister)


def place_sections(site):
    """Put the demo's sections in brand `site`'s menu, in order, with their descriptions."""
    for order, (name, description) in enumerate(SECTIONS):
        topic = Topic.objects.by_key([name]).get(name_key(name)) or Topic(name=name)
        # The import left its sections out of the menu; the demo places them there.
        topic.description, topic.in_navigation, topic.in_menu, topic.navigation_order = (
            description,
            True,
            True,
            order,
        )
        topic.save()
        topic.menu_brands.add(site)


class Command(BaseCommand):
    help = "Set up the demo site's brand, sections, footer pages and a demo editor account."

    @transaction.atomic
    def handle(self, *args, **options):
        site = set_site_domain(name="Newsroom")
        days = bring_demo_dates_forward()
        if days:
            self.stdout.write(f"Demo articles moved {days} days forward, to read as recent.")
        dress_site(site)
        place_sections(site)
        sisters = dress_network(site)
        syndicate_to_sisters(sisters)
        names = make_demo_accounts(self.stderr.write)
        scheme = urlsplit(settings.SITE_URL).scheme
        self.stdout.write(
            "Brands of the demo network: "
            + ", ".join(
                f"{brand.brand_settings.brand_name} {scheme}://{brand.domain}/"
                for brand in [site, *sisters.values()]
            )
        )
        self.stdout.write(
            f"Demo accounts at {reverse('admin:index')}: {names}; "
            f"each with the password {DEMO_PASSWORD!r}."
        )
        self.stdout.write("Demo site settings, sections and footer pages are in place.")
