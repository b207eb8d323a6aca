"""The scale bench's archive: a newsroom of N articles written into PostgreSQL with COPY.

What it holds, at any size: nine sections and 300 topics, 3,000 authors, and N articles spread
over fifteen years (ids in publication order, give or take a few days, as a newsroom's own
archive is): 94% public, 1% scheduled for the coming month, 3% drafts, 1% in review and 1%
unpublished. Each article is in one section (News takes a third), has one to four topics and
one or two authors drawn with Zipf-like popularity (a few topics and staff writers carry much of
the archive, most appear rarely), and three in ten have one to three related links to older
articles. Words are drawn the same way from a vocabulary of everyday and made-up words, so a
search for two common words matches a small share of the archive, as on a real site.

The bodies come from a pool of 4,000 (each rendered once, as `Article.save()` would store it);
headlines and standfirsts are every article's own. The search vector is filled by the model's
own trigger as the rows are copied in. The indexes and unique and foreign-key constraints of
the four big tables are dropped while copying and made again afterwards (faster than keeping
them up to date row by row), then the tables are vacuumed and analysed.

Only the topics, the sections and the authors are the same at every size (same seed), so a
topic's or an author's page is the same page at 1,000 and at 1,000,000 articles.
"""

import random
import string
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta
from itertools import accumulate

import psycopg

SEED = 15
# Bumped when what is generated changes: a kept database from another version is rebuilt.
VERSION = 3
SECTIONS = [
    ("News", 33),
    ("Film and TV", 12),
    ("Music", 10),
    ("Tech", 9),
    ("Features", 9),
    ("Celebrity", 8),
    ("Sport", 8),
    ("Weird", 6),
    ("Community", 5),
]
TOPICS = 300
AUTHORS = 3000
BODY_POOL = 4000
YEARS = 15
BIG_TABLES = [
    "articles_relatedlink",
    "articles_topicitem",
    "articles_articleauthor",
    "articles_article",
]

COMMON_WORDS = [
    "harbour",
    "council",
    "ferry",
    "market",
    "festival",
    "river",
    "school",
    "garden",
    "library",
    "station",
    "bridge",
    "museum",
    "theatre",
    "storm",
    "lighthouse",
    "orchard",
    "bakery",
    "choir",
    "stadium",
    "village",
    "island",
    "airport",
    "hospital",
    "minister",
    "summer",
    "winter",
    "concert",
    "reporter",
    "evening",
    "night",
    "weather",
    "trial",
    "police",
    "mayor",
    "budget",
    "housing",
    "railway",
    "farmer",
    "teacher",
    "student",
    "nurse",
    "doctor",
    "artist",
    "singer",
    "actor",
    "director",
    "season",
    "final",
    "league",
    "match",
    "record",
    "album",
    "film",
    "series",
    "episode",
    "premiere",
    "trailer",
    "studio",
    "gallery",
    "exhibition",
    "market",
    "shop",
    "street",
    "park",
    "beach",
    "coast",
    "mountain",
    "forest",
    "valley",
    "city",
    "town",
    "county",
    "region",
    "country",
    "election",
    "vote",
    "campaign",
    "protest",
    "strike",
    "union",
    "factory",
    "company",
    "bank",
    "price",
    "energy",
    "water",
    "road",
    "traffic",
    "tram",
    "bus",
    "cycle",
]

WORD_FREQUENCY_EXPONENT = 1.0
TOPIC_EXPONENT = 0.9
AUTHOR_EXPONENT = 1.1


def zipf_weights(count, exponent):
    return list(accumulate(1 / (rank + 1) ** exponent for rank in range(count)))


def made_up_words(rng, count):
    """Pronounceable words that are in no dictionary, as many as asked, each once."""
    onsets = [
        "b",
        "br",
        "c",
        "ch",
        "d",
        "dr",
        "f",
        "g",
        "gr",
        "h",
        "k",
        "l",
        "m",
        "n",
        "p",
        "pr",
        "r",
        "s",
        "sh",
        "st",
        "t",
        "tr",
        "v",
        "w",
        "z",
    ]
    vowels = ["a", "e", "i", "o", "u", "ai", "ea", "oo", "ou"]
    codas = ["", "n", "r", "s", "t", "ck", "nd", "ll", "m", "x"]
    words = set()
    while len(words) < count:
        syllables = rng.randint(2, 3)
        words.add(
            "".join(rng.choice(onsets) + rng.choice(vowels) for _ in range(syllables))
            + rng.choice(codas)
        )
    return sorted(words)


class Vocabulary:
    """Words with Zipf-like frequencies: everyday words first, then made-up ones."""

    def __init__(self, rng):
        self.words = list(dict.fromkeys(COMMON_WORDS)) + made_up_words(rng, 3000)
        self.weights = zipf_weights(len(self.words), WORD_FREQUENCY_EXPONENT)

    def draw(self, rng, count):
        return rng.choices(self.words, cum_weights=self.weights, k=count)

    def sentence(self, rng, low, high):
        words = self.draw(rng, rng.randint(low, high))
        return " ".join(words).capitalize() + "."


def topic_names(rng, vocabulary):
    names = []
    seen = {name.lower() for name, _ in SECTIONS}
    while len(names) < TOPICS:
        name = " ".join(word.capitalize() for word in rng.sample(vocabulary.words[:400], 2))
        if name.lower() not in seen:
            seen.add(name.lower())
            names.append(name)
    return names


def author_names(rng):
    first = made_up_words(rng, 400)
    last = made_up_words(rng, 900)
    names = []
    seen = set()
    while len(names) < AUTHORS:
        name = f"{rng.choice(first).capitalize()} {rng.choice(last).capitalize()}"
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def people_and_places():
    """The sections, topics and authors: the same at every size. Returns dicts for the ORM."""
    rng = random.Random(SEED)
    vocabulary = Vocabulary(rng)
    sections = [
        {"name": name, "in_navigation": True, "navigation_order": order}
        for order, (name, _) in enumerate(SECTIONS)
    ]
    topics = [{"name": name} for name in topic_names(rng, vocabulary)]
    authors = [
        {"name": name, "slug": slug_of(name), "role": "Journalist"} for name in author_names(rng)
    ]
    return sections, topics, authors


def slug_of(text):
    keep = string.ascii_lowercase + string.digits
    return "-".join("".join(c for c in word.lower() if c in keep) for word in text.split())


def body_pool(render):
    """BODY_POOL bodies of three to five paragraphs, each with its stored rendering:
    (body, rendered, rendering key). `render(body)` gives the last two."""
    rng = random.Random(SEED + 1)
    vocabulary = Vocabulary(random.Random(SEED))
    pool = []
    for _ in range(BODY_POOL):
        paragraphs = [
            " ".join(vocabulary.sentence(rng, 6, 14) for _ in range(2))
            for _ in range(rng.randint(3, 5))
        ]
        body = "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
        pool.append((body, *render(body)))
    return pool


# Every article is the default brand's (Site 1): one brand, as the bench measured before brands.
DEFAULT_BRAND = 1

ARTICLE_COLUMNS = (
    "id",
    "headline",
    "slug",
    "standfirst",
    "body",
    "body_rendered",
    "body_rendered_key",
    "section_id",
    "featured_image",
    "featured_image_alt",
    "featured_image_caption",
    "featured_image_credit",
    "featured_image_renditions",
    "status",
    "published_at",
    "updated_at",
    "created",
    "modified",
    "source_system",
    "source_id",
    "source_fingerprint",
    "version",
    "brand_id",
)


def status_and_time(rng, position, total, now):
    """(status, published_at) of the article at `position` (0 = oldest) of `total`."""
    start = now - timedelta(days=365 * YEARS)
    span = (now - timedelta(hours=1) - start).total_seconds()
    placed = start + timedelta(seconds=span * position / total + rng.uniform(-3, 3) * 86400)
    placed = min(placed, now - timedelta(minutes=5))
    draw = rng.random()
    if draw < 0.94:
        return "published", placed
    if draw < 0.95:
        return "published", now + timedelta(seconds=rng.uniform(3600, 30 * 86400))
    if draw < 0.98:
        return "draft", None
    if draw < 0.99:
        return "in_review", None
    return "unpublished", placed


class Chunk:
    """Everything a COPY worker writes for articles first..last (ids)."""

    def __init__(self, first, last, total, context):
        self.first, self.last, self.total = first, last, total
        self.context = context

    def write(self, dsn):
        context = self.context
        rng = random.Random(SEED * 1_000_003 + self.first)
        vocabulary = Vocabulary(random.Random(SEED))
        section_weights = list(accumulate(weight for _, weight in SECTIONS))
        topic_weights = zipf_weights(len(context["topics"]), TOPIC_EXPONENT)
        author_weights = zipf_weights(len(context["authors"]), AUTHOR_EXPONENT)
        now, pool = context["now"], context["pool"]
        topic_rows, author_rows, link_rows = [], [], []
        with psycopg.connect(dsn) as connection, connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit = off")
            columns = ", ".join(ARTICLE_COLUMNS)
            with cursor.copy(f"COPY articles_article ({columns}) FROM STDIN") as copy:
                for pk in range(self.first, self.last + 1):
                    status, published_at = status_and_time(rng, pk - 1, self.total, now)
                    words = vocabulary.draw(rng, rng.randint(5, 9))
                    headline = " ".join(words).capitalize()
                    body, rendered, key = pool[rng.randrange(len(pool))]
                    section = rng.choices(context["sections"], cum_weights=section_weights)[0]
                    created = (published_at or now) - timedelta(hours=rng.uniform(1, 48))
                    created = min(created, now - timedelta(minutes=10))
                    modified = max(created, min(published_at or created, now))
                    updated = None
                    # One public article in ten was updated after it came out.
                    if status == "published" and published_at < now and rng.random() < 0.1:
                        updated = min(published_at + timedelta(hours=rng.uniform(1, 72)), now)
                        modified = max(modified, updated)
                    copy.write_row(
                        (
                            pk,
                            headline,
                            f"{slug_of(' '.join(words[:6]))}-{pk}",
                            vocabulary.sentence(rng, 12, 22),
                            body,
                            rendered,
                            key,
                            section,
                            "",
                            "",
                            "",
                            "",
                            "[]",
                            status,
                            published_at,
                            updated,
                            created,
                            modified,
                            "scale",
                            str(pk),
                            "",
                            1,
                            DEFAULT_BRAND,
                        )
                    )
                    for position, topic in enumerate(
                        dict.fromkeys(
                            rng.choices(
                                context["topics"], cum_weights=topic_weights, k=rng.randint(1, 4)
                            )
                        )
                    ):
                        topic_rows.append((pk, topic, position))
                    byline = 1 if rng.random() < 0.85 else 2
                    for position, author in enumerate(
                        dict.fromkeys(
                            rng.choices(context["authors"], cum_weights=author_weights, k=byline)
                        )
                    ):
                        author_rows.append((pk, author, position))
                    if pk > 10 and rng.random() < 0.3:
                        for position in range(rng.randint(1, 3)):
                            link_rows.append((pk, rng.randint(1, pk - 1), position))
            copies = [
                ("articles_topicitem (content_object_id, tag_id, position)", topic_rows),
                ("articles_articleauthor (article_id, author_id, position)", author_rows),
                (
                    "articles_relatedlink (article_id, target_id, position, title, url)",
                    [(*row, "", "") for row in link_rows],
                ),
            ]
            for target, rows in copies:
                with cursor.copy(f"COPY {target} FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
        return self.last - self.first + 1


def write_chunk(chunk, dsn):
    return chunk.write(dsn)


def constraints_and_indexes(cursor, table):
    """The statements that make again the unique and foreign-key constraints and the indexes
    (other than the primary key) of `table`, and those that drop them."""
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('u', 'f')",
        [table],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
        "WHERE indrelid = %s::regclass AND NOT indisprimary AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint WHERE conindid = indexrelid)",
        [table],
    )
    indexes = cursor.fetchall()
    drop = [f'ALTER TABLE {table} DROP CONSTRAINT "{name}"' for name, _ in constraints]
    drop += [f"DROP INDEX {name}" for name, _ in indexes]
    make = [definition for _, definition in indexes]
    # Unique ones first: a foreign key may need the unique index it points at.
    constraints.sort(key=lambda item: "FOREIGN KEY" in item[1])
    make += [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
        for name, definition in constraints
    ]
    return drop, make


def build(dsn, total, ids, render, workers=2, log=print):
    """Write `total` articles and their links with COPY into the database at `dsn`, whose
    sections, topics and authors exist already (`ids`: their ids, in the order of
    `people_and_places`). Returns the seconds each step took."""
    timings = {}
    started = time.perf_counter()
    pool = body_pool(render)
    timings["body pool"] = time.perf_counter() - started
    context = {**ids, "pool": pool, "now": datetime.now(UTC)}
    with psycopg.connect(dsn, autocommit=True) as connection, connection.cursor() as cursor:
        remake = []
        for table in BIG_TABLES:
            drop, make = constraints_and_indexes(cursor, table)
            for statement in drop:
                cursor.execute(statement)
            remake = make + remake
        step = time.perf_counter()
        size = -(-total // (workers * 4))
        chunks = [
            Chunk(first, min(first + size - 1, total), total, context)
            for first in range(1, total + 1, size)
        ]
        written = 0
        with ProcessPoolExecutor(max_workers=workers) as executor:
            for count in executor.map(write_chunk, chunks, [dsn] * len(chunks)):
                written += count
                log(
                    f"  copied {written:,} of {total:,} articles "
                    f"({time.perf_counter() - step:.0f} s)"
                )
        timings["copy"] = time.perf_counter() - step
        step = time.perf_counter()
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for statement in remake:
            cursor.execute(statement)
        for table in BIG_TABLES:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"coalesce((SELECT max(id) FROM {table}), 1))"
            )
        timings["indexes and constraints"] = time.perf_counter() - step
        step = time.perf_counter()
        cursor.execute(f"VACUUM ANALYZE {', '.join(BIG_TABLES)}, articles_topic, authors_author")
        timings["vacuum and analyse"] = time.perf_counter() - step
    return timings
