"""Every public page, feed, sitemap and the newsdesk's list at 1,000 and at 1,000,000 articles.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_scale make bench-scale
    (or: .venv/bin/python bench/scale.py --sizes 1000 1000000 --runs 5 --rounds 3)

For each size a database `<name>_<size>` (newsroom_scale_1k, newsroom_scale_1m) is migrated and
filled by `bench/scale_data.py` with COPY, unless it holds that size already from the same
generator (kept between runs: --rebuild makes it again). Then one process measures each page
through Django's test client in-process (routing, middleware, view, templates; DEBUG off,
fragment caching off, so every request does its full work), the two databases taking turns
request by request (--runs requests of each page at each size, after one to warm up, over
--rounds rounds), so that the load of a shared machine weighs on both alike; a streamed
response is read to its end. The table gives the median times, their ratio, the queries of one
request and how many items the page lists (cards, rows, entries: a rare topic shows fewer at
1,000); for a sitemap page, whose number of entries grows with the archive, also the time per
1,000 entries.
A page should stay within 1.5x of its time at 1,000 articles.

Last, the import figures: `bench/import_wordpress.py --posts N` (--import-posts, 0 skips it).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 1.5


def label(size):
    for unit, name in ((1_000_000, "m"), (1_000, "k")):
        if size % unit == 0:
            return f"{size // unit}{name}"
    return str(size)


def with_database(url, name):
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


# In the child process: one size --------------------------------------------------------------


def setup_django(url):
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-insecure-key")
    os.environ["DEBUG"] = "0"
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    os.environ["FRAGMENT_SECONDS"] = "0"
    for name in ("DATABASE_REPLICA_URLS", "REDIS_URL", "CELERY_BROKER_URL"):
        os.environ.pop(name, None)
    os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="newsroom-scale-media-")
    import django

    django.setup()
    from django.test import override_settings

    # Static files named plainly, so no collectstatic is needed (as bench/harness.py does).
    override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ).enable()


def ensure_database(url, rebuild):
    import psycopg
    from psycopg import sql

    name = urlsplit(url).path.lstrip("/")
    server = with_database(url, "postgres")
    with psycopg.connect(server, autocommit=True) as connection:
        if rebuild:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        if not connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone():
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def built_size(cursor):
    cursor.execute("CREATE TABLE IF NOT EXISTS bench_scale (size integer, version integer)")
    cursor.execute("SELECT size, version FROM bench_scale")
    return cursor.fetchone()


def fill(url, size, log):
    """Migrate, and write the archive unless this database holds it already."""
    import scale_data
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    with connection.cursor() as cursor:
        if built_size(cursor) == (size, scale_data.VERSION):
            log(
                f"{label(size)}: kept from an earlier run (migrated in "
                f"{time.perf_counter() - started:.0f} s)"
            )
            return None
    connection.close()
    ensure_database(url, rebuild=True)
    call_command("migrate", verbosity=0, interactive=False)
    from articles.body import render_body_html, rendering_key
    from articles.models import Topic
    from articles.text import name_key
    from authors.models import Author

    sections, topics, authors = scale_data.people_and_places()

    def topic(fields):
        topic = Topic(**fields)
        topic.slug = topic.slugify(topic.name)
        topic.name_key = name_key(topic.name)
        return topic

    section_rows = Topic.objects.bulk_create(topic(fields) for fields in sections)
    # The sections are the default brand's menu, as the demo's and an upgraded site's are.
    Topic.menu_brands.through.objects.bulk_create(
        Topic.menu_brands.through(topic=row, site_id=scale_data.DEFAULT_BRAND)
        for row in section_rows
    )
    topic_rows = Topic.objects.bulk_create(topic(fields) for fields in topics)
    author_rows = Author.objects.bulk_create(Author(**fields) for fields in authors)
    ids = {
        "sections": [row.pk for row in section_rows],
        "topics": [row.pk for row in topic_rows],
        "authors": [row.pk for row in author_rows],
    }
    connection.close()
    timings = scale_data.build(
        url, size, ids, lambda body: (str(render_body_html(body)), rendering_key(body)), log=log
    )
    with connection.cursor() as cursor:
        built_size(cursor)
        cursor.execute("DELETE FROM bench_scale")
        cursor.execute("INSERT INTO bench_scale VALUES (%s, %s)", [size, scale_data.VERSION])
    timings["total"] = time.perf_counter() - started
    log(
        f"{label(size)}: built in {timings['total']:.0f} s ("
        + ", ".join(
            f"{step} {seconds:.0f} s" for step, seconds in timings.items() if step != "total"
        )
        + ")"
    )
    return timings


def pages(client):
    """(name, url) of every page measured, chosen by the same rule at every size."""
    import scale_data
    from lxml import etree

    from articles.models import Article, Topic
    from authors.models import Author
    from newsroom.pages import Cursor

    sections, topics, authors = scale_data.people_and_places()
    section = Topic.objects.get(name=sections[0]["name"])
    popular = Topic.objects.get(name=topics[0]["name"])
    rare = Topic.objects.get(name=topics[80]["name"])
    prolific = Author.objects.get(slug=authors[0]["slug"])
    occasional = Author.objects.get(slug=authors[300]["slug"])
    public = Article.objects.published().order_by("-published_at", "-id")
    middle = public.count() // 2
    article = public.select_related("section")[middle]
    # The deep page of the latest: the one starting at the middle of the archive.
    deep = public[middle - 1]
    index = etree.fromstring(client.get("/sitemap.xml").content)
    namespace = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    article_maps = [
        urlsplit(location)
        for location in index.xpath("//sm:loc/text()", namespaces=namespace)
        if "sitemap-articles" in location
    ]
    sitemap_page = article_maps[len(article_maps) // 2]
    admin = "/admin/articles/article/"
    return [
        ("article page", article.get_absolute_url()),
        ("home", "/"),
        ("section (News)", section.get_absolute_url()),
        ("topic, popular", popular.get_absolute_url()),
        ("topic, rare", rare.get_absolute_url()),
        ("author, prolific", prolific.get_absolute_url()),
        ("author, occasional", occasional.get_absolute_url()),
        ("latest, page 1", "/latest/"),
        (
            "latest, middle (keyset)",
            f"/latest/?before={Cursor.of(deep)}",
        ),
        ("latest, ?page=10 (old link)", "/latest/?page=10"),
        ("feed (site RSS)", "/feeds/rss/"),
        ("feed (topic Atom)", f"/feeds/topics/{popular.slug}/atom/"),
        ("sitemap index", "/sitemap.xml"),
        ("sitemap page (articles)", f"{sitemap_page.path}?{sitemap_page.query}".rstrip("?")),
        ("robots.txt", "/robots.txt"),
        ("search", "/search/?q=festival+harbour"),
        ("admin list", admin),
        ("admin list, search", f"{admin}?q=lighthouse"),
        ("admin list, filter", f"{admin}?status__exact=published"),
        ("admin list, by headline", f"{admin}?o=1"),
        ("admin list, section filter", f"{admin}?section__id__exact={section.pk}"),
        ("admin change form", f"{admin}{article.pk}/change/"),
        (
            "admin autocomplete, topic",
            "/admin/autocomplete/?app_label=articles&model_name=article&field_name=section&term=ne",
        ),
        (
            "admin autocomplete, author",
            "/admin/autocomplete/?app_label=articles"
            "&model_name=articleauthor&field_name=author&term=ra",
        ),
    ]


def body_of(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def warm(client, url):
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    body_of(response)


def timed(client, url):
    """One request of `url`, read to its end, in ms."""
    start = time.perf_counter()
    body_of(client.get(url))
    return (time.perf_counter() - start) * 1000


def counted(client, url):
    """The queries of one request of `url`, and its body's size and number of <url> entries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        body = body_of(client.get(url))
    # Read now: the captured list is a slice of the connection's log, which the next
    # request empties.
    # What the page lists: article cards, rows of the newsdesk's list, feed entries, sitemap
    # entries, autocomplete results.
    items = sum(
        body.count(mark)
        for mark in (
            b'class="card__headline"',
            b'<th class="field-headline',
            b"<item>",
            b"<entry>",
            b"<url>",
            b'"id": "',
        )
    )
    return {
        "queries": len(queries),
        "bytes": len(body),
        "urls": body.count(b"<url>"),
        "items": items,
    }


def run_build(options):
    def log(line):
        print(line, file=sys.stderr, flush=True)

    setup_django(options.database_url)
    ensure_database(options.database_url, rebuild=options.rebuild)
    timings = fill(options.database_url, options.build, log)
    Path(options.out).write_text(json.dumps({"build": timings}))


def run_measure(options):
    """Every page at each size, the sizes taking turns request by request, so that what else
    the machine does weighs on both alike."""
    import statistics

    names = [urlsplit(url).path.lstrip("/") for url in options.measure]
    setup_django(options.measure[0])

    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType
    from django.contrib.sites import models as sites_models
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from articles.models import Article

    setup_test_environment()

    # Each database keeps its own cached content types and site (their ids differ between
    # builds); the header and footer, the same in both, stay in the shared cache.
    kept = [({}, {}) for _ in names]

    def use(index):
        if connection.settings_dict["NAME"] != names[index]:
            connection.close()
            connection.settings_dict["NAME"] = names[index]
            connection.ensure_connection()
            ContentType.objects._cache, sites_models.SITE_CACHE = kept[index]

    clients, listed, results = [], [], []
    for index in range(len(names)):
        use(index)
        client = Client()
        user, _ = get_user_model().objects.get_or_create(
            username="scale-bench", defaults={"is_staff": True, "is_superuser": True}
        )
        client.force_login(user)
        clients.append(client)
        listed.append(pages(client))
        results.append({"public": Article.objects.published().count(), "pages": {}})
    timings = [{name: [] for name, _ in listed[0]} for _ in names]
    turns = list(range(len(names)))
    for round in range(options.rounds):
        for place, (name, _) in enumerate(listed[0]):
            for index in turns:
                use(index)
                url = listed[index][place][1]
                warm(clients[index], url)
                if round == 0:
                    results[index]["pages"][name] = {"url": url, **counted(clients[index], url)}
            for _ in range(options.runs):
                turns.reverse()  # neither size always goes first
                for index in turns:
                    use(index)
                    url = listed[index][place][1]
                    timings[index][name].append(timed(clients[index], url))
        print(f"  round {round + 1} of {options.rounds} done", file=sys.stderr, flush=True)
    for index in range(len(names)):
        for name, page in results[index]["pages"].items():
            page["ms"] = statistics.median(timings[index][name])
    Path(options.out).write_text(json.dumps(results))


# In the parent process -----------------------------------------------------------------------


def run_import_bench(url, posts):
    if not posts:
        print("\nImport: skipped (--import-posts 0).")
        return
    command = [sys.executable, str(ROOT / "bench" / "import_wordpress.py"), "--posts", str(posts)]
    print(f"\nImport: {' '.join(command[1:])}", flush=True)
    env = {**os.environ, "DATABASE_URL": with_database(url, "postgres"), "PYTHONPATH": str(ROOT)}
    try:
        finished = subprocess.run(
            command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=1800
        )
    except subprocess.TimeoutExpired:
        print("Import: the import bench did not finish in 30 minutes; no figures.")
        return
    print(finished.stdout.rstrip())
    if finished.returncode:
        tail = "\n".join(finished.stderr.strip().splitlines()[-5:])
        print(f"Import: the import bench failed (exit {finished.returncode}); no figures.\n{tail}")


def print_table(small, large):
    a, b = label(small["size"]), label(large["size"])
    print(
        f"\nPostgreSQL; median of the runs; public articles {small['public']:,} and "
        f"{large['public']:,}"
    )
    print(f"| Page | {a} | {b} | Ratio | Queries {a} | Queries {b} | Items {a} | Items {b} |")
    print("|---|---|---|---|---|---|---|---|")
    for name, first in small["pages"].items():
        second = large["pages"][name]
        ratio = second["ms"] / first["ms"]
        flag = "" if ratio <= LIMIT else " (over 1.5x)"
        print(
            f"| {name} | {first['ms']:.2f} ms | {second['ms']:.2f} ms | {ratio:.2f}x{flag} "
            f"| {first['queries']} | {second['queries']} "
            f"| {first['items']:,} | {second['items']:,} |"
        )
        if first["urls"] > 1 and second["urls"] > first["urls"]:
            # A sitemap page holds more entries in a larger archive: compare the cost of each.
            a_each = first["ms"] / first["urls"] * 1000
            b_each = second["ms"] / second["urls"] * 1000
            ratio = b_each / a_each
            flag = "" if ratio <= LIMIT else " (over 1.5x)"
            print(
                f"| {name}, per 1,000 entries ({first['urls']:,} and {second['urls']:,}) "
                f"| {a_each:.2f} ms | {b_each:.2f} ms | {ratio:.2f}x{flag} | | | | |"
            )
    for result in (small, large):
        if result["build"]:
            steps = ", ".join(
                f"{step} {seconds:.0f} s" for step, seconds in result["build"].items()
            )
            print(f"\nBuilt {label(result['size'])}: {steps}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs=2, default=[1000, 1_000_000])
    parser.add_argument("--runs", type=int, default=5, help="timed requests per page and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rebuild", action="store_true", help="make the databases again")
    parser.add_argument("--import-posts", type=int, default=2000)
    parser.add_argument("--build", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--measure", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.build:
        return run_build(options)
    if options.measure:
        return run_measure(options)

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        parser.error(
            "set DATABASE_URL to a PostgreSQL database, e.g. "
            "postgres://postgres@127.0.0.1:5432/newsroom_scale"
        )
    base = urlsplit(url).path.lstrip("/") or "newsroom_scale"
    sizes = sorted(options.sizes)
    databases = [with_database(url, f"{base}_{label(size)}") for size in sizes]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    builds = []
    for size, database in zip(sizes, databases, strict=True):
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            command = [
                sys.executable,
                __file__,
                "--build",
                str(size),
                "--database-url",
                database,
                "--out",
                out.name,
            ]
            if options.rebuild:
                command.append("--rebuild")
            subprocess.run(command, check=True, cwd=ROOT, env=env)
            builds.append(json.loads(Path(out.name).read_text())["build"])
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        command = [
            sys.executable,
            __file__,
            "--measure",
            *databases,
            "--runs",
            str(options.runs),
            "--rounds",
            str(options.rounds),
            "--out",
            out.name,
        ]
        subprocess.run(command, check=True, cwd=ROOT, env=env)
        results = json.loads(Path(out.name).read_text())
    for size, build, result in zip(sizes, builds, results, strict=True):
        result.update(size=size, build=build)
    print_table(*results)
    run_import_bench(url, options.import_posts)


if __name__ == "__main__":
    main()
