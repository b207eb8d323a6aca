"""The edge cache in one run: the site behind a real varnishd with the shipped VCL
(deploy/varnish/default.vcl), its purges sent to that Varnish (EDGE_PURGE_URLS).

    make bench-edge
    python bench/edge.py --articles 2000 --seconds 30 --readers 4 --saves 50 --load-seconds 10

1. A busy newsroom: reader threads spread over the article pages (Zipf-like popularity: the
   article of rank r is read in proportion to 1/r; one request in ten is the home page or a
   section page) while an editor saves one article's headline every second through the admin's
   change form (Django's test client in this process, on the same database: the purge goes out
   as in production with no broker, in-process after the commit). Reported: the edge hit ratio
   (Varnish's X-Cache: HIT or STALE, a copy served without the origin) and the origin's fragment
   hit ratio (fragments served from the cache against those rebuilt, counted in the origin,
   which runs in this process). Every page is read once before the measure: the figures are the
   steady state, not the cold start. "global" is the same run with the scheme before issue 14
   emulated: each save also purges `chrome` at the edge (every page names it, so every page
   goes) and moves on one version that every fragment's cache key holds. The same newsroom is
   then read straight from the origin (no edge: a site without one, or readers the edge does
   not serve), where the origin's fragment hit ratio is the share of its own work it skips.
2. Requests/s for one article page through Varnish (hits) against nginx serving the same bytes
   (the gzipped page Varnish sends) from a file, with the same client: wrk if installed, else ab.
3. The time from an admin save of a headline to the corrected article page at the edge, over
   --saves saves: counted from the moment the admin form is posted, until a request through
   Varnish returns the new headline (polled without pause).

The origin is Django's live server (threads in this process) on PostgreSQL (DATABASE_URL,
default postgres://postgres@127.0.0.1:5432/edgebench: the bench creates and drops
`test_edgebench`) with the cache in Redis (REDIS_URL, default redis://127.0.0.1:6379/12:
emptied by the bench). Needs varnishd with the xkey vmod, nginx and wrk (or ab):
`apt-get install varnish varnish-modules nginx-light wrk`. The readers are Python threads in the
origin's process: the origin shares two CPUs and one GIL with them, so the figures are ratios,
not capacity.
"""

import argparse
import contextlib
import http.client
import itertools
import logging
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

from harness import ROOT, throwaway_site

sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/edgebench")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/12")

HOST = "localhost"  # the host name the VCL's probe sends


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--seconds", type=int, default=30, help="busy newsroom, per scheme")
    parser.add_argument("--readers", type=int, default=4, help="concurrent reader threads")
    parser.add_argument("--saves", type=int, default=50, help="saves timed to the edge")
    parser.add_argument("--load-seconds", type=int, default=10, help="per server, Varnish/nginx")
    parser.add_argument("--rounds", type=int, default=2, help="Varnish/nginx runs, alternated")
    parser.add_argument("--seed", type=int, default=14)
    options = parser.parse_args()
    # Each save's purge is logged at info; thousands of lines would hide the figures.
    for name in ("jobs", "edge", "celery", "django.server"):
        logging.getLogger(name).setLevel(logging.WARNING)

    import redis

    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()
    with throwaway_site(ALLOWED_HOSTS=[HOST, "testserver", "127.0.0.1"]):
        from django.test import override_settings

        from tests.varnish import newsroom_origin, varnish

        site = build_site(options.articles)
        with (
            newsroom_origin() as origin,
            varnish(origin.port) as edge,
            override_settings(EDGE_PURGE_URLS=[f"http://127.0.0.1:{edge.port}"]),
        ):
            rows = busy_newsroom(edge, site, options)
            direct = busy_newsroom(edge, site, options, origin=origin)
            load = varnish_against_nginx(edge, site, options)
            latencies = save_to_edge(edge, site, options)
        report(options, rows, direct, load, latencies)
    return 0


# The site


class Site:
    def __init__(self, articles, sections, editor):
        self.articles = articles  # [(pk, url)]
        self.sections = sections  # [url]
        self.editor = editor  # a test Client logged in as a superuser
        self.edits = itertools.count()


def build_site(count):
    """`count` published articles, each with a section, a topic and an author, and an editor."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone

    from articles.models import Article, ArticleAuthor, Topic, TopicItem
    from authors.models import Author

    started = time.monotonic()
    # Few rows, made one by one: save() fills in what bulk_create would not (Topic.name_key).
    sections = [
        Topic.objects.create(name=name, slug=name.lower(), in_navigation=True)
        for name in ("News", "Sport", "Business", "Culture", "Travel")
    ]
    topics = [Topic.objects.create(name=f"Topic {n}", slug=f"topic-{n}") for n in range(40)]
    authors = [
        Author.objects.create(name=f"Writer {n}", slug=f"writer-{n}", role="Reporter")
        for n in range(60)
    ]
    now = timezone.now()
    articles = [
        Article(
            headline=f"Story {n}",
            slug=f"story-{n}",
            standfirst="A sentence that tells the story in brief.",
            body="<p>A paragraph of the story, long enough to read like one.</p>" * 10,
            section=sections[n % len(sections)],
            status=Article.Status.PUBLISHED,
            published_at=now - timedelta(minutes=n + 1),
            source_system="bench",
            source_id=str(n),
        )
        for n in range(count)
    ]
    for article in articles:
        article.refresh_rendered_body()
    articles = Article.objects.bulk_create(articles, batch_size=500)
    ArticleAuthor.objects.bulk_create(
        (ArticleAuthor(article=a, author=authors[n % len(authors)], position=0)
         for n, a in enumerate(articles)),
        batch_size=1000,
    )  # fmt: skip
    TopicItem.objects.bulk_create(
        (TopicItem(content_object=a, tag=topics[n % len(topics)], position=0)
         for n, a in enumerate(articles)),
        batch_size=1000,
    )  # fmt: skip
    user = get_user_model().objects.create_superuser("desk", "desk@example.com", "x")
    editor = Client()
    editor.force_login(user)
    print(f"{count} articles made in {time.monotonic() - started:.1f} s", flush=True)
    return Site(
        [(a.pk, a.get_absolute_url()) for a in Article.objects.select_related("section")],
        [s.get_absolute_url() for s in sections],
        editor,
    )


def save_headline(site, pk):
    """Change article `pk`'s headline in the admin as an editor would; (new headline, the
    moment the form was posted)."""
    from tests.admin_forms import form_fields

    url = f"/admin/articles/article/{pk}/change/"
    page = site.editor.get(url)
    assert page.status_code == 200, page.status_code
    data = form_fields(page, "article_form")
    headline = f"Story {pk}, correction {next(site.edits)}"
    # The article is public, so the form asks what kind of change this is: a minor fix (no
    # "Updated" time, no correction note), so that each save changes only the headline.
    data.update(headline=headline, change_kind="minor")
    posted = time.monotonic()
    response = site.editor.post(url, data)
    assert response.status_code == 302, re.findall(
        r'class="errorlist[^>]*>(.*?)</ul>', response.content.decode(), flags=re.S
    )
    return headline, posted


# 1. The busy newsroom


class Counter:
    def __init__(self):
        self.lock = threading.Lock()
        self.values = {}

    def add(self, name, n=1):
        with self.lock:
            self.values[name] = self.values.get(name, 0) + n

    def reset(self):
        with self.lock:
            self.values = {}


@contextlib.contextmanager
def instrumented(fragment_counts, scheme):
    """Count the origin's fragments (served from the cache, or rebuilt) and, for "global",
    emulate the old scheme: each save purges every page at the edge (`chrome`) and moves on one
    version that every fragment key holds."""
    from newsroom import fragments, purging

    real_key, real_stamp, real_send = fragments.fragment_key, fragments._stamp, purging._send
    version = {"n": 0}

    def fragment_key(name, *parts):
        fragment_counts.add("fragments")  # once per fragments.cached call
        key = real_key(name, *parts)
        return f"{key}:global-{version['n']}" if scheme == "global" else key

    def stamp(keys, started):
        fragment_counts.add("rebuilt")  # only when a fragment was built
        return real_stamp(keys, started)

    def send(keys, message=None):
        if scheme == "global":
            version["n"] += 1
            keys = {*keys, "chrome"}
        return real_send(keys, message)

    fragments.fragment_key, fragments._stamp, purging._send = fragment_key, stamp, send
    try:
        yield
    finally:
        fragments.fragment_key, fragments._stamp, purging._send = real_key, real_stamp, real_send


def connection(server):
    return http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)


def fetch(conn, path, headers=None):
    conn.request("GET", path, headers={"Host": HOST, "Accept-Encoding": "gzip", **(headers or {})})
    response = conn.getresponse()
    body = response.read()
    return response.status, response.getheader("X-Cache", "?"), body


def busy_newsroom(edge, site, options, origin=None):
    """The busy newsroom read through `edge`, or, given `origin`, straight from the origin:
    the origin's own work for every read (a site with no edge, editors and previews that bypass
    it), where its fragments decide what a page costs."""
    server = origin or edge
    urls = [url for _, url in site.articles]
    rng = random.Random(options.seed)
    popular = urls[:]
    rng.shuffle(popular)  # popularity rank is not recency
    weights = list(itertools.accumulate(1 / rank for rank in range(1, len(popular) + 1)))
    others = ["/", *site.sections]
    rows = {}
    for scheme in ("global", "per-key"):
        from django.core.cache import cache

        cache.clear()
        edge.purge("chrome")  # every page; the next scheme starts as cold as the first
        fragment_counts, edge_counts = Counter(), Counter()
        with instrumented(fragment_counts, scheme):
            warm(server, [*others, *urls], options.readers)
            fragment_counts.reset()
            stop = threading.Event()

            def read(seed, stop=stop, edge_counts=edge_counts):
                chooser = random.Random(seed)
                conn = connection(server)
                while not stop.is_set():
                    if chooser.random() < 0.1:
                        path = chooser.choice(others)
                    else:
                        path = chooser.choices(popular, cum_weights=weights)[0]
                    status, state, _ = fetch(conn, path)
                    assert status == 200, (path, status)
                    edge_counts.add(state)
                conn.close()

            readers = [threading.Thread(target=read, args=(options.seed + n,))
                       for n in range(options.readers)]  # fmt: skip
            for reader in readers:
                reader.start()
            saves, started = 0, time.monotonic()
            while time.monotonic() - started < options.seconds:
                pk = rng.choice(site.articles)[0]
                save_headline(site, pk)
                saves += 1
                time.sleep(max(0, started + saves - time.monotonic()))
            stop.set()
            for reader in readers:
                reader.join()
            elapsed = time.monotonic() - started
        served = edge_counts.values
        requests = sum(served.values())
        cached = served.get("HIT", 0) + served.get("STALE", 0)
        fragments = fragment_counts.values
        built = fragments.get("rebuilt", 0)
        total = fragments.get("fragments", 0)
        rows[scheme] = {
            "requests": requests,
            "rps": requests / elapsed,
            "saves": saves,
            "served": dict(sorted(served.items())),
            "edge": cached / requests,
            "fragments": total,
            "rebuilt": built,
            "origin": (total - built) / total if total else float("nan"),
        }
        where = "origin" if origin else "edge"
        print(f"{where:>6} {scheme:>8}: {requests} requests ({requests / elapsed:.0f}/s), "
              f"{saves} saves, "
              f"X-Cache {rows[scheme]['served']}; edge hit ratio {rows[scheme]['edge']:.2%}; "
              f"fragments {total - built} from the cache, {built} rebuilt: "
              f"{rows[scheme]['origin']:.1%}", flush=True)  # fmt: skip
    return rows


def warm(edge, paths, threads):
    """Read every path once through Varnish, from `threads` threads."""
    started = time.monotonic()
    chunks = [paths[n::threads] for n in range(threads)]

    def read(chunk):
        conn = connection(edge)
        for path in chunk:
            assert fetch(conn, path)[0] == 200, path
        conn.close()

    workers = [threading.Thread(target=read, args=(chunk,)) for chunk in chunks]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    print(f"  {len(paths)} pages warmed in {time.monotonic() - started:.1f} s", flush=True)


# 2. Varnish against nginx


def load_tool():
    for name in ("wrk", "ab"):
        path = shutil.which(name)
        if path:
            return name, path
    raise SystemExit("Neither wrk nor ab is installed: apt-get install wrk (or apache2-utils).")


def requests_per_second(port, path, seconds, host):
    name, tool = load_tool()
    url = f"http://127.0.0.1:{port}{path}"
    headers = ["-H", f"Host: {host}", "-H", "Accept-Encoding: gzip"]
    if name == "wrk":
        command = [tool, "-t", "2", "-c", "32", "-d", f"{seconds}s", *headers, url]
        pattern = r"Requests/sec:\s+([\d.]+)"
    else:
        command = [tool, "-k", "-q", "-c", "32", "-t", str(seconds), "-n", "10000000",
                   *headers, url]  # fmt: skip
        pattern = r"Requests per second:\s+([\d.]+)"
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    found = re.search(pattern, done.stdout)
    assert found, done.stdout + done.stderr
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", done.stdout)
    assert not non_2xx, done.stdout
    return float(found.group(1)), name


NGINX_CONF = """
daemon off;
worker_processes auto;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {folder}/www;
        location / {{
            default_type "text/html; charset=utf-8";
            add_header Content-Encoding gzip;
            add_header Vary Accept-Encoding;
        }}
    }}
}}
"""


@contextlib.contextmanager
def nginx_serving(path, body):
    """nginx on a free port, serving `body` (gzipped bytes) at `path` from a file."""
    from tests.servers import free_port, stop_process, wait_until_serving

    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        raise SystemExit("nginx is not installed: apt-get install nginx-light.")
    with tempfile.TemporaryDirectory(prefix="newsroom-nginx-") as folder:
        os.chmod(folder, 0o755)  # nginx's workers run as an unprivileged user when root starts it
        port = free_port()
        page = Path(folder) / "www" / path.strip("/") / "index.html"
        page.parent.mkdir(parents=True)
        page.write_bytes(body)
        conf = Path(folder) / "nginx.conf"
        conf.write_text(NGINX_CONF.format(folder=folder, port=port))
        process = subprocess.Popen(
            [nginx, "-p", folder, "-c", str(conf)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )

        def answers():
            with contextlib.suppress(OSError):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                status, _, served = fetch(conn, path)
                conn.close()
                return status == 200 and served == body
            return False

        try:
            wait_until_serving(
                answers, process, name="nginx", log=Path(folder) / "error.log", timeout=20
            )
            yield port
        finally:
            stop_process(process)


def varnish_against_nginx(edge, site, options):
    path = site.articles[len(site.articles) // 2][1]
    conn = connection(edge)
    fetch(conn, path)
    status, state, body = fetch(conn, path)
    conn.close()
    assert status == 200 and state == "HIT", (status, state)
    # The machine is shared: the two servers take turns, and each keeps its best round.
    varnish_runs, nginx_runs = [], []
    with nginx_serving(path, body) as port:
        for _ in range(options.rounds):
            rps, tool = requests_per_second(edge.port, path, options.load_seconds, HOST)
            varnish_runs.append(rps)
            nginx_runs.append(requests_per_second(port, path, options.load_seconds, HOST)[0])
    varnish_rps, nginx_rps = max(varnish_runs), max(nginx_runs)
    print(
        f"{tool}, {len(body)} bytes: Varnish "
        + ", ".join(f"{rps:.0f}" for rps in varnish_runs)
        + " req/s; nginx "
        + ", ".join(f"{rps:.0f}" for rps in nginx_runs)
        + " req/s",
        flush=True,
    )
    return {"varnish": varnish_rps, "nginx": nginx_rps, "tool": tool, "bytes": len(body),
            "path": path}  # fmt: skip


# 3. From the save to the edge


def save_to_edge(edge, site, options):
    rng = random.Random(options.seed + 1)
    conn = connection(edge)
    latencies = []
    for pk, url in rng.sample(site.articles, options.saves):
        fetch(conn, url)
        assert fetch(conn, url)[1] == "HIT"  # cached before the save
        headline, posted = save_headline(site, pk)
        while True:
            status, _, body = fetch(conn, url, {"Accept-Encoding": "identity"})
            if headline in body.decode():
                latencies.append(time.monotonic() - posted)
                break
            if time.monotonic() - posted > 30:
                raise AssertionError(f"{url} still without {headline!r} after 30 s")
    conn.close()
    print(f"save to edge over {len(latencies)} saves: median "
          f"{statistics.median(latencies) * 1000:.0f} ms, p95 {p95(latencies) * 1000:.0f} ms",
          flush=True)  # fmt: skip
    return latencies


def p95(values):
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def report(options, rows, direct, load, latencies):
    g, k = rows["global"], rows["per-key"]
    dg, dk = direct["global"], direct["per-key"]
    lines = [
        ("Through the edge:", "", ""),
        ("Edge hit ratio (goal >= 98%)", f"{g['edge']:.2%}", f"{k['edge']:.2%}"),
        ("Origin fragment hit ratio, of what reaches it", f"{g['origin']:.1%}",
         f"{k['origin']:.1%}"),
        ("Fragments rebuilt at the origin", f"{g['rebuilt']}", f"{k['rebuilt']}"),
        ("Reader requests/s (saves)", f"{g['rps']:.0f} ({g['saves']})",
         f"{k['rps']:.0f} ({k['saves']})"),
        ("Straight at the origin:", "", ""),
        ("Origin fragment hit ratio (goal >= 90%)", f"{dg['origin']:.1%}",
         f"{dk['origin']:.1%}"),
        ("Fragments rebuilt at the origin", f"{dg['rebuilt']}", f"{dk['rebuilt']}"),
        ("Reader requests/s (saves)", f"{dg['rps']:.0f} ({dg['saves']})",
         f"{dk['rps']:.0f} ({dk['saves']})"),
    ]  # fmt: skip
    print()
    print(f"Edge cache: {options.articles} articles, {options.readers} readers, "
          f"{options.seconds} s with a headline saved every second")  # fmt: skip
    print(f"| {'Figure':<46} | {'global purge (before)':>22} | {'per-key purge (now)':>20} |")
    print(f"|{'-' * 48}|{'-' * 24}|{'-' * 22}|")
    for name, before, now in lines:
        print(f"| {name:<46} | {before:>22} | {now:>20} |")
    print()
    ratio = load["varnish"] / load["nginx"]
    print(f"| {'Figure':<60} | {'value':>22} |")
    print(f"|{'-' * 62}|{'-' * 24}|")
    for name, value in [
        (f"Article page, Varnish hits, req/s ({load['tool']}, best round)",
         f"{load['varnish']:.0f}"),
        (f"Same {load['bytes']} bytes, nginx from disk, req/s (best round)",
         f"{load['nginx']:.0f}"),
        ("Varnish / nginx (goal >= 50%)", f"{ratio:.0%}"),
        (f"Save to corrected page at the edge, median ({len(latencies)} saves)",
         f"{statistics.median(latencies) * 1000:.0f} ms"),
        ("Save to corrected page at the edge, p95 (goal < 1 s)",
         f"{p95(latencies) * 1000:.0f} ms"),
    ]:  # fmt: skip
        print(f"| {name:<60} | {value:>22} |")


if __name__ == "__main__":
    sys.exit(main())
