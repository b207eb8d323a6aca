"""Lighthouse scores for the demo's article, home, topic and author pages, served as in production.

    npm ci --ignore-scripts                      # once: Lighthouse 12 and vnu (package.json)
    .venv/bin/python bench/lighthouse.py         # all four pages, about a minute
    .venv/bin/python bench/lighthouse.py --pages article home --top 12 --save var/lighthouse

A throwaway folder gets a SQLite database holding the demo (migrate, freshly drawn pictures,
import_articles, demo_site) and the collected static files. gunicorn serves the site on a free
port of 127.0.0.1 with DEBUG off: WhiteNoise serves the static files, as it does in production,
and the uploads too, standing in for the web server or CDN that serves /media/ there. Lighthouse
then audits each page once in headless Chromium (CHROME_PATH, default /usr/bin/chromium) with
its default mobile preset and simulated throttling, and the script prints the four category
scores per page and each page's failing audits, worst first. --save keeps each page's full
report (open the .html in a browser). Scores move a few points between runs; compare runs on
the same machine. Not run by CI.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.servers import free_port, stop_process, wait_until_serving  # noqa: E402  (needs ROOT)

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
# The closed network makes Chromium's background services fail or stall; these turn them off.
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync"
)
TOPIC_QUERY = (
    "from articles.models import Article, Topic; print(Topic.objects.filter(in_navigation=False,"
    " items__content_object__in=Article.objects.published()).order_by('name').first().slug)"
)


def application():
    """The WSGI app gunicorn serves (`lighthouse:application()`): the site, plus its uploads."""
    from django.conf import settings
    from whitenoise import WhiteNoise

    from newsroom.wsgi import application as site

    # WhiteNoise's default 60-second max-age for these files is this stand-in's, not the site's:
    # Lighthouse's cache-lifetime audit on /media/ judges the deployment, not the templates.
    served = WhiteNoise(site)
    served.add_files(str(settings.MEDIA_ROOT), prefix=settings.MEDIA_URL)
    return served


def manage(env, *args, capture=False):
    """Run manage.py in the bench's environment; its output is shown only if it fails."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout.strip() if capture else None


def load_demo(folder, env):
    shutil.copy(ROOT / "demo" / "articles.jsonl", folder / "articles.jsonl")
    manage(env, "migrate", "--noinput")
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "demo" / "draw_images.py"),
            str(folder / "images"),
            "--articles",
            str(folder / "articles.jsonl"),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    manage(env, "import_articles", str(folder / "articles.jsonl"))
    manage(env, "demo_site")
    manage(env, "collectstatic", "--noinput")


def wait_until_up(url, server, seconds=30):
    def answers():
        with urllib.request.urlopen(url, timeout=2):
            return True

    try:
        wait_until_serving(
            answers,
            server,
            name=f"gunicorn at {url}",
            timeout=seconds,
            not_yet=(urllib.error.URLError, ConnectionError),
        )
    except RuntimeError as error:
        sys.exit(str(error))


def run_lighthouse(url, report_base, attempts=3):
    """Audit `url`; return Lighthouse's result (LHR), leaving JSON and HTML at report_base.

    Lighthouse 12.2 sometimes fails to read the trace of a newer Chromium (NO_NAVSTART) and
    asks to be run again; so it is, up to `attempts` times.
    """
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    command = [
        str(LIGHTHOUSE),
        url,
        f"--only-categories={','.join(CATEGORIES)}",
        "--output=json",
        "--output=html",
        f"--output-path={report_base}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--quiet",
    ]
    report = Path(f"{report_base}.report.json")
    for attempt in range(1, attempts + 1):
        report.unlink(missing_ok=True)
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
        if result.returncode == 0 and report.is_file():
            return json.loads(report.read_text())
        error = result.stderr.strip().splitlines()[-1:] or [f"exit {result.returncode}"]
        print(f"  attempt {attempt} failed: {error[0]}", file=sys.stderr)
    sys.exit(f"lighthouse failed on {url} {attempts} times:\n{result.stderr}")


def scores(lhr):
    """Each category's score out of 100 (None when Lighthouse could not score it)."""
    raw = {name: lhr["categories"][name]["score"] for name in CATEGORIES}
    return {name: None if score is None else round(score * 100) for name, score in raw.items()}


def failing_audits(lhr):
    """(score, category, audit) for each scored audit below 0.9, worst and heaviest first."""
    weights = {}
    for name in CATEGORIES:
        for ref in lhr["categories"][name]["auditRefs"]:
            weights.setdefault(ref["id"], (name, ref.get("weight", 0)))
    failing = []
    for audit_id, (category, weight) in weights.items():
        audit = lhr["audits"][audit_id]
        if audit["score"] is None or audit["scoreDisplayMode"] in {"informative", "manual"}:
            continue
        if audit["score"] < 0.9:
            failing.append((audit["score"], -weight, category, audit))
    failing.sort(key=lambda row: row[:2])
    return [(score, category, audit) for score, _, category, audit in failing]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--pages",
        nargs="+",
        choices=["article", "home", "topic", "author"],
        default=["article", "home", "topic", "author"],
    )
    parser.add_argument("--top", type=int, default=8, help="failing audits shown per page")
    parser.add_argument("--save", type=Path, help="folder to keep each page's JSON and HTML report")
    options = parser.parse_args()
    if not LIGHTHOUSE.exists():
        sys.exit("node_modules/.bin/lighthouse is missing: run `npm ci --ignore-scripts`.")

    with tempfile.TemporaryDirectory(prefix="newsroom-lighthouse-") as tmp:
        folder = Path(tmp)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {
            **os.environ,
            "DEBUG": "0",
            "SECRET_KEY": "bench-only-insecure-key",
            "ENV_FILE": "",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": base,
            "DATABASE_URL": f"sqlite:///{folder / 'newsroom.sqlite3'}",
            "MEDIA_ROOT": str(folder / "media"),
            "STATIC_ROOT": str(folder / "static"),
            "LOG_LEVEL": "WARNING",
            # Served over plain http on loopback: no redirect to https, no Secure-only cookies.
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_HSTS_SECONDS": "0",
        }
        print("Loading the demo into a throwaway database …", file=sys.stderr)
        load_demo(folder, env)
        topic = manage(env, "shell", "--no-imports", "-c", TOPIC_QUERY, capture=True)
        paths = {
            "article": "/news/tide-powered-tram-first-passenger-run/",
            "home": "/",
            "topic": f"/topics/{topic}/",
            "author": "/authors/priya-natarajan/",
        }
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "lighthouse:application()",
                f"--bind=127.0.0.1:{port}",
                "--workers=2",
                f"--pythonpath={ROOT},{ROOT / 'bench'}",
                "--log-level=warning",
            ],
            cwd=ROOT,
            env=env,
        )
        try:
            wait_until_up(base + "/", server)
            reports = options.save or folder / "reports"
            reports.mkdir(parents=True, exist_ok=True)
            results = {}
            for name in options.pages:
                print(f"Lighthouse: {name} {paths[name]} …", file=sys.stderr)
                results[name] = run_lighthouse(base + paths[name], reports / name)
        finally:
            stop_process(server, timeout=10)

    print(f"\n{'page':<8} {'path':<46} {'perf':>5} {'a11y':>5} {'b-p':>5} {'seo':>5}")
    for name, lhr in results.items():
        row = " ".join(f"{'-' if s is None else s:>5}" for s in scores(lhr).values())
        print(f"{name:<8} {paths[name]:<46} {row}")
    for name, lhr in results.items():
        metrics = lhr["audits"]
        print(
            f"\n{name} {paths[name]}: LCP {metrics['largest-contentful-paint']['displayValue']}, "
            f"FCP {metrics['first-contentful-paint']['displayValue']}, "
            f"TBT {metrics['total-blocking-time']['displayValue']}, "
            f"CLS {metrics['cumulative-layout-shift']['displayValue']}"
        )
        failing = failing_audits(lhr)
        for score, category, audit in failing[: options.top]:
            value = f" ({audit['displayValue']})" if audit.get("displayValue") else ""
            print(f"  {score:>4.2f} {category:<14} {audit['id']}: {audit['title']}{value}")
        if not failing:
            print("  every scored audit at 0.9 or above")
        broken = [
            key for key, audit in lhr["audits"].items() if audit["scoreDisplayMode"] == "error"
        ]
        if broken:
            print(f"  could not run (left out of the scores): {', '.join(sorted(broken))}")


if __name__ == "__main__":
    main()
