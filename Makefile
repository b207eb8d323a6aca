# Newsroom: `make run` serves the demo site, `make test` runs the suite. Both set themselves up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
# Where `make run` serves: `make run HOST=0.0.0.0 PORT=8080`. The Site row (feeds, sitemaps,
# robots.txt) follows SITE_URL, which defaults to this address.
HOST ?= 127.0.0.1
PORT ?= 8000
SITE_URL ?= http://$(HOST):$(PORT)

.PHONY: run worker stack test test-fast setup demo lint bench bench-listings bench-upload bench-background \
	bench-fragments bench-edge bench-import bench-import-jsonl bench-scale bench-brand-listing lighthouse browser-tools edge-tools pg-tools clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $@
	@# A secret key of this checkout's own, so manage.py runs without one in the environment.
	test -f .env || $(BIN)/python -c "import secrets; print('SECRET_KEY=' + secrets.token_urlsafe(50))" > .env

setup: $(STAMP)

# Page-check tools: the Nu HTML Checker (vnu.jar) and Lighthouse, from npm. --ignore-scripts:
# vnu-jar's own install script would try to download a Java runtime.
NODE_STAMP := node_modules/.package-lock.json
$(NODE_STAMP): package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

# Debian's Chromium (browser tests) and a Java runtime (vnu.jar); never a browser download.
browser-tools:
	@missing=""; \
	test -x "$${CHROME_PATH:-/usr/bin/chromium}" || missing="$$missing chromium"; \
	command -v java >/dev/null || missing="$$missing openjdk-17-jre-headless"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "Install with apt:$$missing (the page checks need them)"; exit 1; fi; \
	fi

# Debian's Varnish with the xkey vmod (varnish-modules), for the tests that run the shipped VCL
# (tests/varnish.py). Tests marked `services` fail, saying so, without them.
edge-tools:
	@missing=""; \
	command -v varnishd >/dev/null || test -x /usr/sbin/varnishd || missing="$$missing varnish"; \
	ls /usr/lib/*/varnish/vmods/libvmod_xkey.so >/dev/null 2>&1 || missing="$$missing varnish-modules"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "Install with apt:$$missing (the edge cache tests need them)"; exit 1; fi; \
	fi

# Debian's PgBouncer, for the test that serves the site through it in transaction mode
# (tests/test_pgbouncer.py). The replica tests need only PostgreSQL's own server programs
# (initdb, pg_basebackup, pg_ctl: `pg_config --bindir`), installed with the server.
pg-tools:
	@missing=""; \
	command -v pgbouncer >/dev/null || test -x /usr/sbin/pgbouncer || missing="$$missing pgbouncer"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "Install with apt:$$missing (the PgBouncer test needs it)"; exit 1; fi; \
	fi

demo: export DEBUG = 1
demo: export SITE_URL := $(SITE_URL)
demo: $(STAMP)
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python demo/draw_images.py
	$(BIN)/python manage.py import_articles demo/articles.jsonl
	$(BIN)/python manage.py demo_site

run: export DEBUG = 1
run: export SITE_URL := $(SITE_URL)
run: demo
	@echo "Serving Newsroom on $(HOST):$(PORT) as $(SITE_URL)/ (admin: $(SITE_URL)/$${ADMIN_URL:-admin/})"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# A Celery worker with the scheduler embedded (docs/tasks.md); it takes CELERY_BROKER_URL (Redis
# or RabbitMQ) from the environment or .env. Without a broker there is nothing to start: queued
# work runs in the web process.
worker: $(STAMP)
	mkdir -p var
	$(BIN)/celery -A newsroom worker -B --scheduler django_celery_beat.schedulers:DatabaseScheduler -l info

# Web, worker and scheduler together (the Procfile, run by honcho), on this machine's PostgreSQL
# and Redis, after migrating: `make stack`, then http://$(HOST):$(PORT)/. DATABASE_URL, REDIS_URL
# and CELERY_BROKER_URL are taken from the environment or .env; each one set in neither is the
# local service below (the database is created if it does not exist). DEBUG is on, as for
# `make run`; docs/deploy.md says how production runs the same processes. Ctrl-C stops all three.
# honcho is given no env file: it would put .env above the environment, and the settings read
# .env themselves, the environment first.
STACK_DEFAULTS := DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom \
	REDIS_URL=redis://127.0.0.1:6379/0 CELERY_BROKER_URL=redis://127.0.0.1:6379/1
stack: export DEBUG = 1
stack: export SITE_URL := $(SITE_URL)
stack: export HOST := $(HOST)
stack: $(STAMP)
	mkdir -p var
	@set -e; for pair in $(STACK_DEFAULTS); do name=$${pair%%=*}; \
	  if [ -z "$$(printenv $$name)" ] && ! grep -qs "^$$name=" .env; then \
	    echo "make stack: $$pair"; export "$$pair"; fi; \
	done; \
	$(BIN)/python -c "$$STACK_CREATEDB"; \
	$(BIN)/python manage.py migrate --noinput; \
	PATH="$(CURDIR)/$(BIN):$$PATH" exec $(BIN)/honcho start --env /dev/null --port $(PORT)

# make stack's database, created on its PostgreSQL server when missing (nothing for SQLite).
define STACK_CREATEDB
import os, dj_database_url, psycopg
from psycopg import sql
from dotenv import load_dotenv
env_file = os.environ.get("ENV_FILE", ".env")
if env_file:
    load_dotenv(env_file)
db = dj_database_url.parse(os.environ["DATABASE_URL"])
if db["ENGINE"].endswith("postgresql"):
    server = {"host": db["HOST"] or None, "port": db["PORT"] or None, "user": db["USER"] or None,
              "password": db["PASSWORD"] or None, "dbname": "postgres", "autocommit": True}
    with psycopg.connect(**server) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]).fetchone():
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
            print("make stack: created the database", db["NAME"])
endef
export STACK_CREATEDB

# The quick run while working: everything but the tests marked browser, postgres or services
# (pyproject.toml), on SQLite, spread over every CPU. `make test` still runs them all.
test-fast: export SECRET_KEY ?= test-only-insecure-key
test-fast: export DATABASE_URL =
test-fast: $(STAMP) $(NODE_STAMP)
	$(BIN)/python -m pytest -n auto -m "not browser and not postgres and not services" $(PYTEST_ARGS)

# Tests run with DEBUG off, as production does; the key below is for the test run only.
# Two processes (TEST_WORKERS), each taking the next test in pytest-django's order (tests in a
# transaction first, then those that empty the database), so no test finds the roles gone.
TEST_WORKERS ?= 2
test: export SECRET_KEY ?= test-only-insecure-key
test: $(STAMP) $(NODE_STAMP) browser-tools edge-tools pg-tools
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

# ruff, the migrations check, and which app may import which (docs/architecture.md).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/lint-imports

bench: export SECRET_KEY ?= bench-only-insecure-key
bench: $(STAMP)
	$(BIN)/python bench/article_page.py

# Listing pages, search and feeds at 1,000 and 100,000 articles; meant for PostgreSQL.
bench-listings: export SECRET_KEY ?= bench-only-insecure-key
bench-listings: $(STAMP)
	$(BIN)/python bench/listing_pages.py

# Every page, feed, sitemap and the admin's list at 1,000 and 1,000,000 articles, on PostgreSQL:
# the databases <name>_1k and <name>_1m are built with COPY (a few minutes) and kept between runs
# (SCALE_BENCH_ARGS=--rebuild makes them again); then the import bench's figures.
bench-scale: export SECRET_KEY ?= bench-only-insecure-key
bench-scale: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/newsroom_scale
bench-scale: $(STAMP)
	$(BIN)/python bench/scale.py $(SCALE_BENCH_ARGS)

# A brand's latest page when it takes syndicated articles (docs/brands.md), on PostgreSQL.
bench-brand-listing: export SECRET_KEY ?= bench-only-insecure-key
bench-brand-listing: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/newsroom
bench-brand-listing: $(STAMP)
	$(BIN)/python bench/brand_listing.py

# A 24-megapixel upload: the response with renditions in the request and queued, and when a
# worker has made them; meant for PostgreSQL and Redis (CELERY_BROKER_URL, else Redis db 14).
bench-upload: export SECRET_KEY ?= bench-only-insecure-key
bench-upload: $(STAMP)
	$(BIN)/python bench/upload_picture.py
# The scheduler's every-minute query and /metrics' background-work figures at 100,000 articles.
bench-background: export SECRET_KEY ?= bench-only-insecure-key
bench-background: $(STAMP)
	$(BIN)/python bench/background_work.py
# The origin's fragment hit ratio, 2,000 articles and a save every second: per-key versions
# against the global version (set REDIS_URL to an expendable Redis db: the bench empties it).
bench-fragments: export SECRET_KEY ?= bench-only-insecure-key
bench-fragments: $(STAMP)
	$(BIN)/python bench/fragment_hits.py
# The site behind a real Varnish (shipped VCL): edge and fragment hit ratios in a busy newsroom
# against the old global purge, Varnish against nginx (wrk), save-to-edge latency. Needs
# PostgreSQL and Redis (db 12 by default: emptied); EDGE_BENCH_ARGS, e.g. --seconds 60.
bench-edge: export SECRET_KEY ?= bench-only-insecure-key
bench-edge: $(STAMP)
	$(BIN)/python bench/edge.py $(EDGE_BENCH_ARGS)

# A 50,000-post WordPress export into PostgreSQL (DATABASE_URL: the bench makes its databases
# beside it): one process, the re-run and peak memory, then one and two Celery workers (Redis
# db 14), all measured again on BENCH_IMPORT_BASELINE (a git revision: the importer before
# issue 15) in the same run. BENCH_IMPORT_ARGS, e.g. --posts 10000.
BENCH_IMPORT_BASELINE ?= 09373d1
bench-import: export SECRET_KEY ?= bench-only-insecure-key
bench-import: $(STAMP)
	$(BIN)/python bench/import_wordpress.py --workers --baseline $(BENCH_IMPORT_BASELINE) $(BENCH_IMPORT_ARGS)

# A 50,000-line interchange (JSON Lines) file with pictures into PostgreSQL, the same way:
# first run, re-run and peak memory, beside BENCH_JSONL_BASELINE (import_articles writing line
# by line) in the same run. BENCH_JSONL_ARGS, e.g. --lines 10000.
BENCH_JSONL_BASELINE ?= 107f6da
bench-import-jsonl: export SECRET_KEY ?= bench-only-insecure-key
bench-import-jsonl: $(STAMP)
	$(BIN)/python bench/import_jsonl.py --baseline $(BENCH_JSONL_BASELINE) $(BENCH_JSONL_ARGS)

# The article and front pages' bytes and time, uncompressed, gzip, brotli and zstd.
.PHONY: bench-compression
bench-compression: export SECRET_KEY ?= bench-only-insecure-key
bench-compression: $(STAMP)
	$(BIN)/python bench/compression.py

lighthouse: export SECRET_KEY ?= bench-only-insecure-key
lighthouse: $(STAMP) $(NODE_STAMP) browser-tools
	$(BIN)/python bench/lighthouse.py

clean:
	rm -rf $(VENV) var demo/images .pytest_cache node_modules
