"""Benchmark: import a generated 50,000-line interchange file into PostgreSQL (JSON Lines).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_bench_import \
        .venv/bin/python bench/import_jsonl.py --baseline 107f6da

Writes a JSON Lines file in the interchange format (docs/interchange-format.md) of 50,000
articles like those of `bench/import_wordpress.py` (6-10 paragraphs, a section, 4 topics, one
of 20 authors with a role and bio), with pictures referenced: one line in ten shows a
featured image and one in ten a picture in its body, taken from a folder of 100 JPEG files
beside the file (an agency's pictures, shown again and again: each is checked, stored and
given renditions once per run, as `import_articles` does), and one line in five links a
related article of an earlier line. Then, on a throwaway database migrated afresh:
`manage.py import_articles` in a child process, then again on the same file (everything
unchanged), with the wall time, lines per second and the child's peak resident memory
(ru_maxrss, from wait4). With --baseline REV, all of it is measured again on the code of that
git revision (a temporary worktree), in the same run, and printed beside.

The child processes, the database and the comparison are `bench/import_wordpress.py`'s.

Options: --lines N (default 50000), --keep-folder PATH (write the file and pictures there
and keep them), --baseline REV.
"""

import argparse
import contextlib
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from import_wordpress import (  # noqa: E402  (beside this file, not a package)
    AUTHORS,
    CATEGORIES,
    ROOT,
    TAGS,
    baseline_tree,
    command_runs,
    paragraph,
    sentence,
    show,
)

PICTURES = 100


def write_pictures(folder):
    from PIL import Image

    (folder / "images").mkdir(parents=True, exist_ok=True)
    for number in range(PICTURES):
        colour = (number * 37 % 256, number * 91 % 256, number * 53 % 256)
        Image.new("RGB", (800, 450), colour).save(folder / "images" / f"photo-{number}.jpg")


def line(rng, number):
    paragraphs = [f"<p>{paragraph(rng)}</p>" for _ in range(rng.randint(6, 10))]
    if number % 10 == 5:
        paragraphs.insert(
            2,
            f'<figure><img src="images/photo-{number % PICTURES}.jpg" alt="A picture">'
            "<figcaption>A caption</figcaption></figure>",
        )
    section = CATEGORIES[number % 8]
    author = AUTHORS[number % len(AUTHORS)]
    data = {
        "source": {"system": "bench", "id": str(number)},
        "headline": f"{sentence(rng, 8)[:-1]} {number}",
        "slug": f"story-{number}",
        "standfirst": sentence(rng),
        "body_html": "".join(paragraphs),
        "section": section,
        "topics": [*rng.sample(CATEGORIES[8:], 1), *rng.sample(TAGS, 3)],
        "authors": [
            {
                "name": f"Writer {author}",
                "slug": author,
                "role": "Reporter",
                "bio": f"{author} writes for us.",
            }
        ],
        "status": "published",
        "published_at": f"2020-{1 + number % 12:02d}-01T10:00:00+00:00",
    }
    if number % 10 == 0:
        data["featured_image"] = {
            "src": f"images/photo-{number % PICTURES}.jpg",
            "alt": "A picture",
            "caption": "A caption",
            "credit": "Agency",
        }
    if number % 5 == 0 and number > 1:
        earlier = number - 1 - rng.randrange(min(number - 1, 500))
        earlier_section = CATEGORIES[earlier % 8].lower().replace(" ", "-")
        data["related_links"] = [{"title": "", "url": f"/{earlier_section}/story-{earlier}/"}]
    return json.dumps(data)


def write_file(path, lines, seed=7):
    rng = random.Random(seed)
    write_pictures(path.parent)
    with path.open("w", encoding="utf-8") as out:
        for number in range(1, lines + 1):
            out.write(line(rng, number) + "\n")


def report(now, before, revision):
    print()
    show("", "now", f"before ({revision})" if before else None)
    for key, label in (("first", "first run, 1 process"), ("rerun", "re-run, 1 process")):
        show(
            label,
            *[
                f"{r[key]['rate']:,.0f} lines/s ({r[key]['seconds']:.1f} s)"
                for r in (now, before)
                if r
            ],
        )
    show(
        "re-run speed / first run's",
        *[f"{r['rerun']['rate'] / r['first']['rate']:.1f}x" for r in (now, before) if r],
    )
    for key in ("first", "rerun"):
        show(
            f"peak RSS, {'first run' if key == 'first' else 're-run'}",
            *[f"{r[key]['peak']:.0f} MB" for r in (now, before) if r],
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=50_000)
    parser.add_argument("--keep-folder")
    parser.add_argument("--baseline", metavar="REV")
    options = parser.parse_args()

    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database; the benchmark makes one beside it.")

    folder = tempfile.TemporaryDirectory(prefix="newsroom-bench-jsonl-")
    path = Path(options.keep_folder or folder.name) / "articles.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        started = time.perf_counter()
        write_file(path, options.lines)
        size = path.stat().st_size / 1024 / 1024
        took = time.perf_counter() - started
        print(
            f"Wrote {options.lines:,} lines ({size:,.0f} MB) and {PICTURES} pictures "
            f"in {took:.1f} s"
        )
        trees = [("now", ROOT)]
        with contextlib.ExitStack() as stack:
            if options.baseline:
                trees.append(("before", stack.enter_context(baseline_tree(options.baseline))))
            results = {}
            for label, tree in trees:
                results[label] = command_runs(
                    tree, path, options.lines, base, command="import_articles"
                )
                for key in ("first", "rerun"):
                    r = results[label][key]
                    print(
                        f"{label}, {key}: {r['seconds']:.1f} s, {r['rate']:,.0f} lines/s, "
                        f"peak RSS {r['peak']:.0f} MB",
                        flush=True,
                    )
                    print("   " + "\n   ".join(r["summary"]), flush=True)
        report(results["now"], results.get("before"), options.baseline)
    finally:
        if not options.keep_folder:
            folder.cleanup()


if __name__ == "__main__":
    main()
