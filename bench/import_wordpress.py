"""Benchmark: import a generated 50,000-post WordPress export into PostgreSQL (`make bench-import`).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_bench_import \
        .venv/bin/python bench/import_wordpress.py --workers --baseline 09373d1

Writes a WXR 1.2 file of about 270 MB (posts with several paragraphs, a captioned picture
and an embed in some, categories, tags, comments, and one attachment for every ten posts,
which the posts show: the pictures are referenced, not fetched, so the attachments are
reported as skipped, as an import without --uploads does). Then, on a throwaway database
beside the one DATABASE_URL names, migrated afresh: `manage.py import_wordpress` in a child
process, then again on the same file (everything unchanged), reporting for each run the wall
time, the posts per second and the child's peak resident memory (ru_maxrss, from wait4).
With --workers, the same file is also imported from the admin's import job by one and by two
real Celery workers (bench/import_workers.py). With --baseline REV, all of it is measured
again on the code of that git revision (a temporary worktree), in the same run, and printed
beside. Targets (docs/performance.md): 1,000 posts/s, peak under 300 MB, a re-run at least 10
times faster than the first.

Options: --posts N (default 50000), --keep-file PATH (write the export there and keep it),
--workers, --baseline REV, --part-items N (for --workers, default 2000).
"""

import argparse
import contextlib
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
WORDS = [
    *[
        "council",
        "harbour",
        "night",
        "bus",
        "trial",
        "reporter",
        "evening",
        "market",
        "weather",
        "storm",
        "festival",
    ],
    *[
        "museum",
        "river",
        "bridge",
        "school",
        "ferry",
        "station",
        "garden",
        "library",
        "concert",
        "stadium",
    ],
    *[
        "minister",
        "hospital",
        "airport",
        "island",
        "village",
        "summer",
        "winter",
        "record",
        "crowd",
        "police",
    ],
]
CATEGORIES = [f"Category {n}" for n in range(40)]
TAGS = [f"tag {n}" for n in range(300)]
AUTHORS = [f"writer{n}" for n in range(20)]


def sentence(rng, words=14):
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def paragraph(rng):
    return " ".join(sentence(rng) for _ in range(rng.randint(3, 6)))


def post_xml(rng, number, attachment_id):
    paragraphs = [paragraph(rng) for _ in range(rng.randint(6, 10))]
    if attachment_id:
        paragraphs.insert(
            2,
            f'[caption id="attachment_{attachment_id}" align="aligncenter" width="800"]'
            f'<img src="http://old.example/wp-content/uploads/2020/01/photo-{attachment_id}'
            f'-800x450.jpg" alt="A picture" width="800" height="450" /> A caption[/caption]',
        )
    if number % 7 == 0:
        paragraphs.insert(4, "https://www.youtube.com/watch?v=aqz-KE-bpKQ")
    body = "\n\n".join(paragraphs)
    categories = rng.sample(CATEGORIES, 2)
    tags = rng.sample(TAGS, 4)
    terms = "".join(
        f'<category domain="category" nicename="{c.replace(" ", "-").lower()}">'
        f"<![CDATA[{c}]]></category>"
        for c in categories
    ) + "".join(
        f'<category domain="post_tag" nicename="{t.replace(" ", "-")}"><![CDATA[{t}]]></category>'
        for t in tags
    )
    month = 1 + number % 12
    thumbnail = (
        "<wp:postmeta><wp:meta_key><![CDATA[_thumbnail_id]]></wp:meta_key>"
        f"<wp:meta_value><![CDATA[{attachment_id}]]></wp:meta_value></wp:postmeta>"
        if attachment_id
        else ""
    )
    comment = (
        "<wp:comment><wp:comment_id>1</wp:comment_id><wp:comment_author><![CDATA[A reader]]>"
        "</wp:comment_author><wp:comment_content><![CDATA[Nice one.]]></wp:comment_content>"
        "<wp:comment_approved>1</wp:comment_approved></wp:comment>"
        if number % 3 == 0
        else ""
    )
    return f"""
<item>
<title><![CDATA[{sentence(rng, 8)[:-1]} {number}]]></title>
<link>http://old.example/2020/{month:02d}/story-{number}/</link>
<pubDate>Wed, 01 Jan 2020 10:00:00 +0000</pubDate>
<dc:creator><![CDATA[{AUTHORS[number % len(AUTHORS)]}]]></dc:creator>
<guid isPermaLink="false">http://old.example/?p={number}</guid>
<description></description>
<content:encoded><![CDATA[{body}]]></content:encoded>
<excerpt:encoded><![CDATA[{sentence(rng)}]]></excerpt:encoded>
<wp:post_id>{number}</wp:post_id>
<wp:post_date><![CDATA[2020-{month:02d}-01 10:00:00]]></wp:post_date>
<wp:post_date_gmt><![CDATA[2020-{month:02d}-01 10:00:00]]></wp:post_date_gmt>
<wp:post_modified><![CDATA[2020-{month:02d}-01 10:00:00]]></wp:post_modified>
<wp:post_modified_gmt><![CDATA[2020-{month:02d}-01 10:00:00]]></wp:post_modified_gmt>
<wp:comment_status><![CDATA[open]]></wp:comment_status>
<wp:ping_status><![CDATA[open]]></wp:ping_status>
<wp:post_name><![CDATA[story-{number}]]></wp:post_name>
<wp:status><![CDATA[publish]]></wp:status>
<wp:post_parent>0</wp:post_parent>
<wp:menu_order>0</wp:menu_order>
<wp:post_type><![CDATA[post]]></wp:post_type>
<wp:post_password><![CDATA[]]></wp:post_password>
<wp:is_sticky>0</wp:is_sticky>
{terms}
{thumbnail}
{comment}
</item>"""


def attachment_xml(number, parent):
    return f"""
<item>
<title><![CDATA[photo-{number}]]></title>
<link>http://old.example/?attachment_id={number}</link>
<dc:creator><![CDATA[writer0]]></dc:creator>
<guid isPermaLink="false">http://old.example/wp-content/uploads/2020/01/photo-{number}.jpg</guid>
<content:encoded><![CDATA[]]></content:encoded>
<excerpt:encoded><![CDATA[A caption]]></excerpt:encoded>
<wp:post_id>{number}</wp:post_id>
<wp:post_date_gmt><![CDATA[2020-01-01 10:00:00]]></wp:post_date_gmt>
<wp:post_name><![CDATA[photo-{number}]]></wp:post_name>
<wp:status><![CDATA[inherit]]></wp:status>
<wp:post_parent>{parent}</wp:post_parent>
<wp:post_type><![CDATA[attachment]]></wp:post_type>
<wp:post_mime_type><![CDATA[image/jpeg]]></wp:post_mime_type>
<wp:attachment_url><![CDATA[http://old.example/wp-content/uploads/2020/01/photo-{number}.jpg]]></wp:attachment_url>
<wp:postmeta><wp:meta_key><![CDATA[_wp_attachment_image_alt]]></wp:meta_key>
<wp:meta_value><![CDATA[A picture]]></wp:meta_value></wp:postmeta>
</item>"""


def write_export(path, posts, seed=7):
    rng = random.Random(seed)
    authors = "".join(
        f"<wp:author><wp:author_id>{n + 1}</wp:author_id>"
        f"<wp:author_login><![CDATA[{login}]]></wp:author_login>"
        f"<wp:author_email><![CDATA[{login}@old.example]]></wp:author_email>"
        f"<wp:author_display_name><![CDATA[Writer Number {n}]]></wp:author_display_name>"
        "</wp:author>\n"
        for n, login in enumerate(AUTHORS)
    )
    with open(path, "w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8" ?>\n'
            '<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:wfw="http://wellformedweb.org/CommentAPI/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
            "<title>Old Example</title>\n<link>http://old.example</link>\n"
            "<description>An archive</description>\n<language>en-GB</language>\n"
            "<wp:wxr_version>1.2</wp:wxr_version>\n"
            "<wp:base_site_url>http://old.example</wp:base_site_url>\n"
            "<wp:base_blog_url>http://old.example</wp:base_blog_url>\n" + authors
        )
        for number in range(1, posts + 1):
            # One post in ten shows a picture, written after it as WordPress tends to.
            attachment_id = posts + number if number % 10 == 0 else 0
            out.write(post_xml(rng, number, attachment_id))
            if attachment_id:
                out.write(attachment_xml(attachment_id, number))
        out.write("\n</channel>\n</rss>\n")


def run_child(command, env, cwd=ROOT):
    """Run a command; return (seconds, peak RSS in MB, output)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) not in (0,):
        sys.exit(f"{' '.join(command)} failed:\n{output[-3000:]}")
    return seconds, usage.ru_maxrss / 1024, output


def server_url(base, name):
    return urlunsplit(urlsplit(base)._replace(path=f"/{name}"))


def command_runs(tree, export, posts, base, command="import_wordpress"):
    """The import `command`, twice, on a fresh database migrated by `tree`'s code."""
    import psycopg

    name = f"newsroom_bench_import_{os.getpid()}"
    admin = psycopg.connect(server_url(base, "postgres"), autocommit=True)
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.execute(f'CREATE DATABASE "{name}"')
    media = tempfile.TemporaryDirectory(prefix="newsroom-bench-media-")
    env = {
        **os.environ,
        "DATABASE_URL": server_url(base, name),
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-insecure-key"),
        "MEDIA_ROOT": media.name,
        "PYTHONPATH": str(tree),
        "ENV_FILE": "",
    }
    python = sys.executable
    results = {}
    try:
        run_child([python, "manage.py", "migrate", "--noinput", "-v", "0"], env, tree)
        command = [python, "manage.py", command, str(export)]
        for label in ("first", "rerun"):
            seconds, peak, output = run_child(command, env, tree)
            results[label] = {"seconds": seconds, "rate": posts / seconds, "peak": peak,
                              "summary": output.strip().splitlines()[-6:]}
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
        media.cleanup()
    return results


def worker_runs(tree, export, posts, base, part_items):
    """One worker, then two, through the admin's import job (bench/import_workers.py)."""
    import import_workers

    base_env = {
        **os.environ,
        "DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-insecure-key"),
        "ENV_FILE": "",
        "PYTHONPATH": str(tree),
    }
    results = {}
    for workers in (1, 2):
        result = import_workers.run(
            workers, export, base_env, server_url(base, "postgres"), part_items, root=tree
        )
        if not result["status_ok"]:
            sys.exit(f"{workers} worker(s): the job ended {result['status']}: {result['error']}")
        result["rate"] = posts / result["seconds"]
        results[workers] = result
    return results


@contextlib.contextmanager
def baseline_tree(revision):
    """A temporary worktree of `revision`, sharing this checkout's virtualenv."""
    folder = Path(tempfile.mkdtemp(prefix="newsroom-bench-baseline-"))
    subprocess.run(["git", "worktree", "add", "--detach", "--quiet", str(folder), revision],
                   cwd=ROOT, check=True)
    try:
        yield folder
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(folder)], cwd=ROOT,
                       check=False)


def show(label, now, before=None):
    line = f"{label:<36} {now:>26}"
    print(line + (f" {before:>26}" if before is not None else ""))


def report(posts, now, before, revision):
    print()
    show("", "now", f"before ({revision})" if before else None)
    for key, label in (("first", "first run, 1 process"), ("rerun", "re-run, 1 process")):
        cells = [f"{r[key]['rate']:,.0f} posts/s ({r[key]['seconds']:.1f} s)"
                 for r in (now, before) if r]
        show(label, *cells)
    show("re-run speed / first run's",
         *[f"{r['rerun']['rate'] / r['first']['rate']:.1f}x" for r in (now, before) if r])
    for key in ("first", "rerun"):
        show(f"peak RSS, {'first run' if key == 'first' else 're-run'}",
             *[f"{r[key]['peak']:.0f} MB" for r in (now, before) if r])
    for workers in (1, 2):
        if workers in now:
            cells = [f"{r[workers]['rate']:,.0f} posts/s ({r[workers]['seconds']:.1f} s)"
                     for r in (now, before) if r]
            show(f"first run, {workers} Celery worker{'s' if workers > 1 else ''}", *cells)
            show(f"  workers' CPU; both CPUs busy ({workers})",
                 *[f"{r[workers]['worker_cpu_seconds']:.0f} s; "
                   f"{r[workers]['machine_busy']:.0%}" for r in (now, before) if r])
            show("  of which the serial start (part 0, split)",
                 *[f"{r[workers]['shared_seconds']:.1f} s" for r in (now, before) if r])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=50_000)
    parser.add_argument("--keep-file")
    parser.add_argument("--workers", action="store_true")
    parser.add_argument("--part-items", type=int, default=2000)
    parser.add_argument("--baseline", metavar="REV")
    options = parser.parse_args()

    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database; the benchmark makes one beside it.")

    folder = tempfile.TemporaryDirectory(prefix="newsroom-bench-wxr-")
    path = Path(options.keep_file or Path(folder.name) / "export.xml")
    try:
        started = time.perf_counter()
        write_export(path, options.posts)
        size = path.stat().st_size / 1024 / 1024
        took = time.perf_counter() - started
        print(f"Wrote {options.posts:,} posts ({size:,.0f} MB) in {took:.1f} s")
        trees = [("now", ROOT)]
        with contextlib.ExitStack() as stack:
            if options.baseline:
                trees.append(("before", stack.enter_context(baseline_tree(options.baseline))))
            results = {}
            for label, tree in trees:
                results[label] = command_runs(tree, path, options.posts, base)
                for key in ("first", "rerun"):
                    r = results[label][key]
                    print(f"{label}, {key}: {r['seconds']:.1f} s, {r['rate']:,.0f} posts/s, "
                          f"peak RSS {r['peak']:.0f} MB")
                    print("   " + "\n   ".join(r["summary"]))
                if options.workers:
                    runs = worker_runs(tree, path, options.posts, base, options.part_items)
                    for workers, r in runs.items():
                        print(f"{label}, {workers} worker(s): {r['seconds']:.1f} s, "
                              f"{r['rate']:,.0f} posts/s")
                        print("   " + "\n   ".join(r["problems"] + r["summary"]))
                    results[label].update(runs)
        report(options.posts, results["now"], results.get("before"), options.baseline)
    finally:
        if not options.keep_file:
            folder.cleanup()


if __name__ == "__main__":
    main()
