"""Importing one part of a job, batch by batch, from where it last stopped.

A part writes its items `BATCH_ITEMS` at a time through the commands' own writers. Each batch
is one transaction holding the items, the part's tally, its report lines and how far it got
(`checkpoint`), so a worker killed mid-batch leaves nothing of that batch, and the task, run
again, resumes after the last batch that committed: nothing is doubled, in the database or in
the report. Cancelling is looked at between batches: a cancelled job stops after the batch it
is in; what was imported stays.

Part 0 of a WordPress export writes what every post shares (authors, topics, pictures) before
the other parts are queued (`importers.job_plan`); the others are runs of its items.
"""

from contextlib import suppress

from django.db import transaction

from articles.models import Topic
from articles.text import clean_text
from authors.models import Author
from importers.brands import reach_of
from importers.feeds import read_feed
from importers.interchange.lines import LineImporter
from importers.interchange.reading import LineError
from importers.interchange.writing import link_pending_related
from importers.job_models import ImportJob, ImportPart, ImportReportLine
from importers.job_report import JobRun, job_label
from importers.job_state import cancel_requested, finish_if_done, stop_part
from importers.media import MediaImporter
from importers.names import TOPIC_MAX
from importers.pages import PageWriter
from importers.prepare import MAX_TOPICS
from importers.records import Entry, Media, Person, Skipped, Term
from importers.storage import local_file
from importers.wordpress import open_wxr
from importers.wp_dispatch import write_content
from importers.wp_fields import _byline, _section_and_topics
from importers.write import ArticleWriter

# Items written per committed batch, and pictures per batch of part 0 (each may be a download).
BATCH_ITEMS = 500
PICTURE_BATCH = 50


def wordpress_writers(run, job):
    """The writers `import_wordpress` uses, with the job's options."""
    media = MediaImporter(run, source_system=job.source_system, fetch_media=job.fetch_media)
    articles = ArticleWriter(
        run,
        source_system=job.source_system,
        source_label=f"WordPress export {job.source_name}",
        media=media,
        section=job.section,
        brand=job.brand,
    )
    return media, articles, PageWriter(run, site=job.brand)


# Part 0: what a WordPress export's posts share ----------------------------------------------


def import_shared(job, part, export, items):
    """Authors, topics and pictures, before any post, as `import_wordpress` does first; then
    the sections, topics and authors the posts name (`items`: the export's checked
    `ItemMap`), which the parts running at once would otherwise each try to create, so that
    they find them instead."""
    run = JobRun(job, part.tally)
    media, articles, _ = wordpress_writers(run, job)
    persons, terms, pictures, skipped = [], [], [], []
    for record in export.records("library"):
        if isinstance(record, Person):
            persons.append(record)
        elif isinstance(record, Term):
            terms.append(record)
        elif isinstance(record, Media):
            pictures.append(record)
        elif isinstance(record, Skipped):
            skipped.append(record)
    ImportPart.objects.filter(pk=part.pk).update(
        last_item=len(pictures), status=ImportPart.Status.RUNNING
    )
    part.last_item, part.status = len(pictures), ImportPart.Status.RUNNING

    def names():
        articles.people.ensure(persons)
        unique = list(dict.fromkeys(" ".join(term.name.split()) for term in terms))
        articles.topics.ensure(
            [name for name in unique if name],
            descriptions={term.name: term.description for term in terms},
        )
        people, topics, sections = posts_names(items.items, persons, articles)
        articles.people.ensure(people)
        articles.topics.ensure(topics, sections=sections)

    # Pictures first, as the command meets them; the names with the last batch, which ends
    # the part (done_through counts pictures).
    done = part.done_through
    while True:
        if cancel_requested(job):
            stop_part(job, part)
            return
        batch = pictures[done : done + PICTURE_BATCH]
        finished = done + len(batch) >= len(pictures)
        with transaction.atomic():
            if done == 0:
                for record in skipped:
                    run.skip(record.kind, record.where, record.reason, record.count)
            for picture in batch:
                media.add(picture)
            if finished:
                names()
            done += len(batch)
            checkpoint(part, run, done, items_done=0, finished=finished)
        if finished:
            return


def posts_names(posts, persons, articles):
    """The authors, topic names and section names the posts will ask for, by the reader's
    own rules (`wp_fields`) and the writer's (`prepare`): (people, names, sections)."""
    authors = {person.login: person for person in persons}
    people, names, sections = [], [], []

    def usable(name):
        name = clean_text(name)
        return name if name and len(name) <= TOPIC_MAX else ""

    for facts in posts:
        if (facts.text("wp:post_type") or "post") != "post" or facts.text("wp:status") == "trash":
            continue
        section, topics = _section_and_topics(facts.categories)
        chosen = usable(articles.section or section or articles.default_section)
        extra = [section] if articles.section and section else []
        named = [usable(name) for name in [*extra, *topics][:MAX_TOPICS]]
        sections.append(chosen)
        names += [chosen, *named]
        people += _byline(facts, authors)
    return people, [name for name in dict.fromkeys(names) if name], [s for s in sections if s]


# Importing a part ----------------------------------------------------------------------------


def import_part(part_id):
    part = ImportPart.objects.select_related("job__brand").filter(pk=part_id).first()
    if part is None or part.status in (ImportPart.Status.DONE, ImportPart.Status.CANCELLED):
        return
    job = part.job
    if job.finished:
        return
    ImportPart.objects.filter(pk=part.pk).update(status=ImportPart.Status.RUNNING)
    part.status = ImportPart.Status.RUNNING
    with local_file(part.file_name or job.file_name, job_label(job)) as path:
        run = JobRun(job, part.tally)
        if job.kind == ImportJob.Kind.WORDPRESS:
            batches = wordpress_batches(job, part, run, path)
        elif job.kind == ImportJob.Kind.INTERCHANGE:
            batches = line_batches(job, part, run, path)
        else:
            batches = feed_batches(job, part, run, path)
        write_batches(job, part, run, batches)
    finish_if_done(job.pk)


def write_batches(job, part, run, batches):
    """Write each batch in a transaction with the part's checkpoint; stop when cancelled.

    `batches` yields (the last item number it covers, a function writing it)."""
    for through, write in batches:
        if cancel_requested(job):
            stop_part(job, part)
            return
        finished = through >= part.last_item
        with transaction.atomic():
            write()
            checkpoint(
                part, run, through, items_done=through - part.first_item + 1, finished=finished
            )
        if finished:
            return


def checkpoint(part, run, through, *, items_done, finished):
    """Save how far the part got, its tally and its new report lines (inside the batch's
    transaction: they commit, or roll back, with the items)."""
    lines = run.take_lines()
    ImportReportLine.objects.bulk_create(
        ImportReportLine(part=part, number=part.lines_written + offset, text=text)
        for offset, text in enumerate(lines, 1)
    )
    part.lines_written += len(lines)
    part.done_through = through
    part.items_done = max(items_done, 0)
    part.tally = run.saved_tally()
    if finished:
        part.status = ImportPart.Status.DONE
    part.save(
        update_fields=["lines_written", "done_through", "items_done", "tally", "status"]
    )


def wordpress_batches(job, part, run, path):
    export = open_wxr(path, first_item=part.first_item)
    export.check()  # the part's items mapped: those known unchanged are not read again
    media, articles, pages = wordpress_writers(run, job)
    # What part 0 wrote, known without counting it again in this part's tally.
    media.remember_existing()
    articles.people.by_slug.update(Author.objects.in_bulk(field_name="slug"))
    articles.topics.by_name.update(Topic.objects.in_bulk(field_name="name_key"))

    def writing(records):
        def write():
            articles.topics.make_sections(
                [articles.section or record.section or articles.default_section
                 for record in records if isinstance(record, Entry) and record.kind != "page"]
            )
            write_content(records, run=run, articles=articles, pages=pages)

        return write

    start = max(part.done_through + 1, part.first_item)
    records = export.records("content", after=start - 1, known=articles.known_unchanged)
    end, batch = start + BATCH_ITEMS - 1, []
    for record in records:
        # Read ahead of the batch's transaction; a batch ends at an item's boundary.
        while export.item_number > end:
            yield end, writing(batch)
            end, batch = end + BATCH_ITEMS, []
        batch.append(record)
    yield part.last_item, writing(batch)


def line_batches(job, part, run, path):
    importer = LineImporter(
        run, path.parent, label=job_label(job), source_system=job.source_system,
        brand=job.brand, allowed_brands=reach_of(job),
    )

    def writing(lines, last):
        def write():
            importer.write_lines(lines)
            if last:
                link_pending_related()
                importer.images.keep()

        return write

    batch = []
    with path.open("rb") as source:
        for number, line in enumerate(source, 1):
            if number <= part.done_through:
                # Written before this run: only the source it names, which a later line must
                # not repeat (`LineImporter.parse` remembers it).
                if line.strip():
                    with suppress(LineError):
                        importer.parse(number, line)
                continue
            batch.append((number, line))
            if len(batch) == BATCH_ITEMS and number < part.last_item:
                yield number, writing(batch, last=False)
                batch = []
    yield part.last_item, writing(batch, last=True)


def feed_batches(job, part, run, path):
    feed = read_feed(path.read_bytes(), url=job.feed_url)
    media = MediaImporter(run, source_system=job.source_system, fetch_media=job.fetch_media)
    articles = ArticleWriter(
        run,
        source_system=job.source_system,
        source_label=f"{feed.kind} feed {job_label(job)}",
        media=media,
        section=job.section or "News",
        # A feed's links are the publisher's own addresses, not this site's old ones.
        redirects=False,
        brand=job.brand,
    )

    def writing(entries, first):
        def write():
            if first:
                for skipped in feed.skipped:
                    run.skip(skipped.kind, skipped.where, skipped.reason, skipped.count)
            for entry in entries:
                articles.add(entry)
            articles.flush()

        return write

    done = part.done_through
    while True:
        batch = feed.entries[done : done + BATCH_ITEMS]
        through = done + len(batch)
        yield through if batch else part.last_item, writing(batch, first=done == 0)
        done = through
        if done >= len(feed.entries):
            return

