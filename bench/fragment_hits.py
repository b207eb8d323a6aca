"""The origin's fragment hit ratio in a busy newsroom: readers spread over 2,000 articles while
one article is saved every second; per-key fragment versions against the global version that
every save moved on (what Newsroom did before issue 14).

    make bench-fragments
    python bench/fragment_hits.py --articles 2000 --seconds 60 --reads-per-second 100
    REDIS_URL=redis://127.0.0.1:6379/13 make bench-fragments   # the cache is Redis (emptied!)

Time is simulated: each "second" is one headline edit (an ordinary save, which purges its keys
through newsroom.purging) followed by --reads-per-second article page requests through Django's
test client, each for an article drawn uniformly at random (the least cache-friendly spread).
Every article page is read once before the measure, so the figure is the steady state, not
the cold start. A hit is a fragment served from the cache (the page has three: the head, the
article and its rail); a miss is one rebuilt.

"global" emulates the retired scheme in the same run: every fragment also names one key that
every save retires, as the one content version did.

Without REDIS_URL the cache is the process's memory, made large enough to hold every fragment
(Django's default of 300 entries would evict most of 2,000 articles' pages whatever the scheme).

Fragments also expire after FRAGMENT_SECONDS (60) of real time, whatever the scheme; time is
simulated here, so that limit is lifted and the figure is what saves retire. What the limit
adds depends on traffic: a page read r times a minute is rebuilt about once a minute, a miss
ratio of about 1/r (2,000 articles read 1,000 times a second: r = 30, about 3%).
"""

import argparse
import logging
import os
import random
import sys
from datetime import timedelta

from harness import throwaway_site


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--seconds", type=int, default=60, help="simulated seconds (saves)")
    parser.add_argument("--reads-per-second", type=int, default=100)
    parser.add_argument("--seed", type=int, default=14)
    options = parser.parse_args()
    # No edge app here: the outbox would log that it has no edge.purge task, once per save.
    logging.getLogger("jobs.outbox").setLevel(logging.CRITICAL)

    # Time is simulated, so the fragments' time limit (a minute of real time) is lifted: the
    # figure is what saves retire. See the module for what the time limit adds.
    overrides = {"NEWSROOM_FRAGMENT_SECONDS": 24 * 3600}
    if not os.environ.get("REDIS_URL"):
        big = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
               "OPTIONS": {"MAX_ENTRIES": 1_000_000}}
        overrides["CACHES"] = {"default": big}
    with throwaway_site(**overrides):
        from django.core.cache import cache
        from django.test import Client
        from django.utils import timezone

        from articles.models import Article, Topic
        from newsroom import fragments, surrogate

        now = timezone.now()
        news = Topic.objects.create(name="News", slug="news", in_navigation=True)
        Article.objects.bulk_create(
            Article(
                headline=f"Story {n}",
                slug=f"story-{n}",
                standfirst="A sentence that tells the story in brief.",
                body="<p>First paragraph.</p>" * 8,
                section=news,
                status=Article.Status.PUBLISHED,
                published_at=now - timedelta(minutes=n + 1),
                source_system="bench",
                source_id=str(n),
            )
            for n in range(options.articles)
        )
        for article in Article.objects.all():
            article.refresh_rendered_body()
            article.save(update_fields=["body_rendered", "body_rendered_key"])
        articles = list(Article.objects.select_related("section"))
        client = Client()
        counts = {"hits": 0, "misses": 0}
        real_cached, real_retire = fragments.cached, fragments.retire
        mode = {"global": False}

        def counting_cached(name, build, *parts):
            def counted_build():
                counts["misses"] += 1
                if mode["global"]:
                    surrogate.note("everything")
                return build()

            value = real_cached(name, counted_build, *parts)
            return value

        def retiring(keys):
            real_retire({*keys, "everything"} if mode["global"] else keys)

        fragments.cached, fragments.retire = counting_cached, retiring
        results = {}
        for name in ("global", "per-key"):
            mode["global"] = name == "global"
            cache.clear()
            rng = random.Random(options.seed)
            for article in articles:  # warm: every page read once
                assert client.get(article.get_absolute_url()).status_code == 200
            counts.update(hits=0, misses=0)
            total = 0
            for second in range(options.seconds):
                edited = rng.choice(articles)
                edited.headline = f"Story {edited.pk}, edit {second}"
                edited.save()
                for _ in range(options.reads_per_second):
                    url = rng.choice(articles).get_absolute_url()
                    assert client.get(url).status_code == 200
                    total += 3  # fragments per article page
            counts["hits"] = total - counts["misses"]
            results[name] = counts["hits"] / total
            print(
                f"{name:>8}: {counts['hits']:>6} hits, {counts['misses']:>6} misses of {total} "
                f"fragments: hit ratio {results[name]:.1%}",
                flush=True,
            )
        print(
            f"{options.articles} articles, {options.seconds} saves, "
            f"{options.reads_per_second} reads between saves; "
            f"fragment hit ratio {results['global']:.1%} (global version) -> "
            f"{results['per-key']:.1%} (per-key versions)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
