"""The shell's part of the demo site: a network of invented brands of one invented group (each
with its colours, social links and footer pages) and one demo account per role. `manage.py
demo_site` (articles) calls it, and adds the sections of each brand's menu, what each sister
brand syndicates, and brings the demo articles' dates forward. Safe to run again.

The default brand lives at SITE_URL's host; its sisters on loopback names under `localhost`
with SITE_URL's port (sport.localhost:8000 …), which browsers send to this machine and DEBUG's
ALLOWED_HOSTS allows (`.localhost`).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site

from newsroom.models import FooterLink, SiteSettings, SocialLink

GROUP = ("Newsroom Group", "https://group.example.com/")
# The sister brands: host name under localhost, name, tagline, header and accent colours.
SISTERS = [
    ("screen", "Newsroom Screen", "Film, television, music and the famous.", "#2d1b4e", "#6b2fa3"),
    ("tech", "Newsroom Tech", "Gadgets, apps and the people who make them.", "#0b3d2e", "#0a6b4b"),
    ("odd", "Newsroom Odd", "The strange, the baffling and the local.", "#4a2600", "#a33a00"),
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


def dress_site(site):
    """Give `site` the demo brand, its network and social links, and the footer pages."""
    site_settings = SiteSettings.load(site)
    site_settings.brand_name = "Newsroom"
    site_settings.tagline = "News, culture and the wonderfully odd, from a newsroom that checks."
    site_settings.network_name, site_settings.network_url = GROUP
    site_settings.extra_hosts = loopback_host("news")
    site_settings.submit_url = "/submit/"
    site_settings.save()

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


def loopback_host(name):
    """`name`.localhost with SITE_URL's port, if it names one: "sport.localhost:8000"."""
    port = urlsplit(settings.SITE_URL).port
    return f"{name}.localhost:{port}" if port else f"{name}.localhost"


def dress_network(site):
    """The demo's sister brands of `site` (the default brand), each with its own look, social
    links and the footer pages of `site`. Returns {host name under localhost: Site}."""
    pages = list(FlatPage.objects.filter(sites=site, url__in=[url for url, _, _ in PAGES]))
    sisters = {}
    for name, brand_name, tagline, header, accent in SISTERS:
        sister, _ = Site.objects.update_or_create(
            domain=loopback_host(name), defaults={"name": brand_name}
        )
        brand, _ = SiteSettings.objects.update_or_create(
            site=sister,
            defaults={
                "brand_name": brand_name,
                "tagline": tagline,
                "network_name": GROUP[0],
                "network_url": GROUP[1],
                "header_colour": header,
                "accent_colour": accent,
                "submit_url": "/submit/",
            },
        )
        brand.full_clean()  # the demo's colours pass the contrast check editors' do
        SocialLink.objects.filter(site_settings=brand).delete()
        SocialLink.objects.bulk_create(
            SocialLink(
                site_settings=brand,
                network=network,
                url=url.replace("newsroomdemo", f"newsroom{name}"),
                position=position,
            )
            for position, (network, url) in enumerate(SOCIAL[:3])
        )
        FooterLink.objects.filter(site_settings=brand).delete()
        for position, page in enumerate(pages):
            page.sites.add(sister)
            FooterLink.objects.create(site_settings=brand, page=page, position=position)
        sisters[name] = sister
    return sisters


def make_demo_accounts(warn):
    """One staff account per role, each with `DEMO_PASSWORD`; `warn` is told of a missing role.

    Returns the accounts as "username (role)" text."""
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
            warn(f"The {role} role was missing; run migrate to give it rights.")
        user.groups.add(group)
    return ", ".join(f"{username} ({role})" for username, role in DEMO_ACCOUNTS)
