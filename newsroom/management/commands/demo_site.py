"""Dress a fresh database as the demo site: brand, sections, footer pages and an editor account.

Articles come separately, through `import_articles demo/articles.jsonl`. Safe to run again.

The demo's articles carry fixed dates, which age: run weeks later, the site would have no news
of the last two days (an empty Google News sitemap, a "latest" list from last month). So the
published demo articles are moved forward by whole days, together, until the newest is less
than a day old; their order, spacing and times of day stay as written. Drafts and scheduled
articles keep their dates. The importer leaves the moved rows alone on the next run (their
lines are unchanged), and the next `demo_site` moves them again only if they have aged.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.flatpages.models import FlatPage
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone

from articles.fragments import bump_content_version
from articles.models import Article, Topic
from articles.text import name_key
from newsroom.models import FooterLink, NetworkLink, SiteSettings, SocialLink
from newsroom.site_domain import set_site_domain

# The `source.system` of the lines of demo/articles.jsonl.
DEMO_SOURCE = "demo"

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
NETWORK = [
    ("Newsroom Sport", "https://sport.example.com/"),
    ("Newsroom Gaming", "https://gaming.example.com/"),
    ("Newsroom Food", "https://food.example.com/"),
    ("Newsroom Tech", "https://tech.example.com/"),
]
SOCIAL = [
    ("facebook", "https://www.facebook.com/newsroomdemo"),
    ("instagram", "https://www.instagram.com/newsroomdemo"),
    ("x", "https://x.com/newsroomdemo"),
    ("threads", "https://www.threads.net/@newsroomdemo"),
    ("tiktok", "https://www.tiktok.com/@newsroomdemo"),
    ("youtube", "https://www.youtube.com/@newsroomdemo"),
]
PAGES = [
    (
        "/advertise/",
        "Advertise",
        "<p>Reach readers who come to us every day for news, culture "
        "and the odd bit of the bizarre. Our partnerships team builds campaigns that respect the "
        "reader: clearly labelled, never disguised as journalism.</p><p>Write to "
        '<a href="mailto:partners@example.com">partners@example.com</a>.</p>',
    ),
    (
        "/terms/",
        "Terms",
        "<p>By using this site you agree to use it lawfully and not to copy "
        "our journalism wholesale. Quoting with a link back is always welcome.</p>",
    ),
    (
        "/privacy/",
        "Privacy & Cookies",
        "<p>We keep the data we collect to a minimum. The site "
        "works without tracking cookies; embedded players load from their providers' privacy "
        "modes only when you scroll to them.</p>",
    ),
    (
        "/license-our-content/",
        "License Our Content",
        "<p>Publishers and broadcasters can "
        "license our articles, pictures and reader-submitted videos. Tell us what you would like "
        "to use and where, and our licensing desk will reply within a working day.</p>",
    ),
    (
        "/about/",
        "About Us & Contact",
        "<p>Newsroom is an independent digital publisher with a "
        "small, curious team of reporters and editors. Tips, corrections and complaints go to "
        '<a href="mailto:desk@example.com">desk@example.com</a>.</p>',
    ),
    (
        "/jobs/",
        "Jobs",
        "<p>We hire reporters, editors, video producers and engineers. Open "
        "roles are listed here as they come up.</p>",
    ),
]
# Demo accounts, one per role (the roles are groups made by a migration). Local demo only.
DEMO_PASSWORD = "newsroom-demo"
DEMO_ACCOUNTS = [
    ("admin", "Administrator"),
    ("editor", "Editor"),
    ("contributor", "Contributor"),
]


def bring_demo_dates_forward(now=None):
    """Move the published demo articles forward by whole days so that the newest one is less
    than a day old; returns the number of days (0 when they are recent already)."""
    now = now or timezone.now()
    published = Article.objects.published(now=now).filter(source_system=DEMO_SOURCE)
    newest = published.aggregate(newest=Max("published_at"))["newest"]
    days = (now - newest).days if newest else 0
    if days > 0:
        shift = timedelta(days=days)
        published.update(
            published_at=F("published_at") + shift, updated_at=F("updated_at") + shift
        )
        bump_content_version()
    return days


class Command(BaseCommand):
    help = "Set up the demo site's brand, sections, footer pages and a demo editor account."

    @transaction.atomic
    def handle(self, *args, **options):
        site = set_site_domain(name="Newsroom")
        days = bring_demo_dates_forward()
        if days:
            self.stdout.write(f"Demo articles moved {days} days forward, to read as recent.")
        site_settings = SiteSettings.load()
        site_settings.brand_name = "Newsroom"
        site_settings.tagline = (
            "News, culture and the wonderfully odd, from a newsroom that checks."
        )
        site_settings.network_name = "Newsroom Group"
        site_settings.network_url = "https://group.example.com/"
        site_settings.submit_url = "/submit/"
        site_settings.save()

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

        NetworkLink.objects.filter(site_settings=site_settings).delete()
        NetworkLink.objects.bulk_create(
            NetworkLink(site_settings=site_settings, name=name, url=url, position=position)
            for position, (name, url) in enumerate(NETWORK)
        )
        SocialLink.objects.filter(site_settings=site_settings).delete()
        SocialLink.objects.bulk_create(
            SocialLink(site_settings=site_settings, network=network, url=url, position=position)
            for position, (network, url) in enumerate(SOCIAL)
        )
        FooterLink.objects.filter(site_settings=site_settings).delete()
        for position, (url, title, content) in enumerate(PAGES):
            page, _ = FlatPage.objects.update_or_create(
                url=url, defaults={"title": title, "content": content}
            )
            page.sites.add(site)
            FooterLink.objects.create(site_settings=site_settings, page=page, position=position)

        user_model = get_user_model()
        for username, role in DEMO_ACCOUNTS:
            user, created = user_model.objects.get_or_create(
                username=username, defaults={"email": f"{username}@example.com", "is_staff": True}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.is_superuser = role == "Administrator"
                user.save()
            # The roles come from a migration; a database emptied since (as a test server's
            # is) gets the group by name, without the migration's permissions.
            group, made = Group.objects.get_or_create(name=role)
            if made:
                self.stderr.write(f"The {role} role was missing; run migrate to give it rights.")
            user.groups.add(group)
        names = ", ".join(f"{username} ({role})" for username, role in DEMO_ACCOUNTS)
        self.stdout.write(
            f"Demo accounts at {reverse('admin:index')}: {names}; "
            f"each with the password {DEMO_PASSWORD!r}."
        )
        self.stdout.write("Demo site settings, sections and footer pages are in place.")
