"""Where a WordPress export's content records go: the one dispatch `import_wordpress` and the
admin's import jobs (`importers.job_parts`) share."""

from .records import Entry, Skipped, Unchanged


def write_content(records, *, run, articles, pages):
    """Hand the content records to their writers: pages to `pages`, posts (and posts not
    read again, `Unchanged`) to `articles`, what has no home to the run's tally; then write
    what `articles` still holds."""
    for record in records:
        if isinstance(record, Entry) and record.kind == "page":
            pages.add(record)
        elif isinstance(record, (Entry, Unchanged)):
            articles.add(record)
        elif isinstance(record, Skipped):
            run.skip(record.kind, record.where, record.reason, record.count)
    articles.flush()
