# Newsroom: `make run` serves the demo site, `make test` runs the suite. Both set themselves up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup demo lint bench bench-listings clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $@
	@# A secret key of this checkout's own, so manage.py runs without one in the environment.
	test -f .env || $(BIN)/python -c "import secrets; print('SECRET_KEY=' + secrets.token_urlsafe(50))" > .env

setup: $(STAMP)

demo: export DEBUG = 1
demo: $(STAMP)
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python demo/draw_images.py
	$(BIN)/python manage.py import_articles demo/articles.jsonl
	$(BIN)/python manage.py demo_site

run: export DEBUG = 1
run: demo
	@echo "Serving Newsroom on http://$(HOST):$(PORT)/ (admin: http://$(HOST):$(PORT)/admin/)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Tests run with DEBUG off, as production does; the key below is for the test run only.
test: export SECRET_KEY ?= test-only-insecure-key
test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run

bench: export SECRET_KEY ?= bench-only-insecure-key
bench: $(STAMP)
	$(BIN)/python bench/article_page.py

# Listing pages, search and feeds at 1,000 and 100,000 articles; meant for PostgreSQL.
bench-listings: export SECRET_KEY ?= bench-only-insecure-key
bench-listings: $(STAMP)
	$(BIN)/python bench/listing_pages.py

clean:
	rm -rf $(VENV) var demo/images .pytest_cache
