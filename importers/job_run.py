"""Running an import job on workers: planning it into parts, and importing a part in batches.

The engine is the commands' own (`importers.run`, `write`, `media`, `pages`, `interchange`);
what this module adds is where the work stops and starts again:

- `plan(job)` reads the source once. A WordPress export is mapped (`importers.wxr_parts`),
  part 0 writes what every post shares (authors, topics, pictures), then the items are split
  into parts of IMPORT_PART_ITEMS, each stored as a WXR file of its own and queued as its own
  task: several workers take them at once. A JSON Lines file or a feed is one part.
- `import_part(part)` writes its items `BATCH_ITEMS` at a time. Each batch is one transaction
  holding the items, the part's tally, its report lines and how far it got, so a worker killed
  mid-batch leaves nothing of that batch, and the task, run again, resumes after the last batch
  that committed: nothing is doubled, in the database or in the report.
- Cancelling is looked at between batches: a cancelled job stops after the batch it is in;
  what was imported stays.
- A dry run or a strict run is all or nothing, so it is one task and one transaction, run
  exactly as the command runs it (`ImportCommand.load`); its counts appear when it ends.
"""

import io
import shutil
import tempfile
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from articles.models import Topic
from articles.text import clean_text
from authors.models import Author
from importers.feeds import read_feed
from importers.interchange.lines import LineImporter
from importers.interchange.reading import LineError
from importers.interchange.writing import link_pending_related
from importers.job_models import ImportJob, ImportPart, ImportReportLine
from importers.management.commands import import_articles, import_feed, import_wordpress
from importers.media import MediaImporter
from importers.names import TOPIC_MAX
from importers.pages import PageWriter
from importers.prepare import MAX_TOPICS
from importers.records import Entry, Media, Person, Skipped, SourceRefused, Term
from importers.run import ImportRun, StrictStop
from importers.storage import import_storage
from importers.wordpress import open_wxr
from importers.wp_fields import _byline, _section_and_topics
from importers.write import ArticleWriter
from importers.wxr_parts import map_items, part_bytes, ranges
from jobs.outbox import enqueue

# Items written per committed batch, and pictures per batch of part 0 (each may be a download).
BATCH_ITEMS = 500
PICTURE_BATCH = 50


class JobRun(ImportRun):
    """An `ImportRun` whose lines are kept for the job's report, and which starts from a
    part's saved tally when the part resumes."""

    def __init__(self, job, tally=()):
        self.buffer = io.StringIO()
        super().__init__(
            label=job_label(job),
            stdout=self.buffer,
            stderr=self.buffer,  # one stream: the report keeps the order things happened in
            dry_run=job.dry_run,
            strict=job.strict,
            verbosity=2 if job.detailed else 1,
            progress=False,
        )
        for kind, outcomes in tally:
            self.tally[kind].update(outcomes)

    def advance(self, number=1):
        # The job's page shows progress; "12,000 items read" lines would only fill the report.
        self.items_seen += number

    def take_lines(self):
        """The report lines written since the last call."""
        text = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        return [line for line in text.splitlines() if line.strip()]

    def saved_tally(self):
        # Pairs, not an object: PostgreSQL's jsonb would reorder the kinds.
        return [[kind, dict(outcomes)] for kind, outcomes in self.tally.items()]


def job_label(job):
    """The name the report gives the source, as the command would: the file's, or the last
    part of the feed's address."""
    if job.kind == ImportJob.Kind.FEED:
        return Path(urlsplit(job.feed_url).path).name or job.feed_url
    return job.source_name


@contextmanager
def local_file(name, filename):
    """The stored file `name` as a local path named `filename` (a copy, for object storage)."""
    storage = import_storage()
    try:
        local = Path(storage.path(name))
    except NotImplementedError:  # object storage has no local path
        local = None
    if local is not None:
        yield local
        return
    with tempfile.TemporaryDirectory(prefix="newsroom-import-") as folder:
        local = Path(folder) / filename
        with storage.open(name, "rb") as source, local.open("wb") as copy:
            shutil.copyfileobj(source, copy, 1 << 20)
        yield local


# Planning ------------------------------------------------------------------------------------


def plan(job_id):
    """Start a job: read its source, write what is shared, split and queue its parts."""
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None or job.finished or job.planned:
        return  # gone, over, or planned by an earlier run of this task
    if job.cancel_requested_at is not None:
        end_cancelled(job)
        return
    ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, started_at=timezone.now()
    )
    job.refresh_from_db()
    if job.finished:  # cancelled while this task waited
        return
    if job.dry_run or job.strict:
        run_whole(job)
        return
    with local_file(job.file_name, job_label(job)) as path:
        if job.kind == ImportJob.Kind.WORDPRESS:
            plan_wordpress(job, path)
        elif job.kind == ImportJob.Kind.INTERCHANGE:
            with path.open("rb") as lines:
                count = sum(1 for _ in lines)
            queue_parts(job, [(1, count, "")], total=count)
        else:
            entries = len(read_feed(path.read_bytes(), url=job.feed_url).entries)
            queue_parts(job, [(1, entries, "")], total=entries)


def plan_wordpress(job, path):
    items = map_items(path)
    ImportJob.objects.filter(pk=job.pk).update(items_total=items.count)
    shared, _ = ImportPart.objects.get_or_create(job=job, number=0)
    if shared.status != ImportPart.Status.DONE:
        import_shared(job, shared, path, items)
        shared.refresh_from_db()
        if shared.status != ImportPart.Status.DONE:
            return  # cancelled
    storage = import_storage()
    folder = str(Path(job.file_name).parent)
    parts = []
    for number, (first, last) in enumerate(ranges(items.count, settings.IMPORT_PART_ITEMS), 1):
        name = f"{folder}/part-{number:04d}.xml"
        if storage.exists(name):  # written by an earlier run of this task, which died
            storage.delete(name)
        stored = storage.save(name, ContentFile(part_bytes(path, items, first, last)))
        parts.append((first, last, stored))
    queue_parts(job, parts, total=items.count)


def queue_parts(job, parts, *, total):
    """Record the parts and queue a task for each, with the job marked planned: one
    transaction, so a task killed before it ends queues them on its next run instead."""
    with transaction.atomic():
        created = [
            ImportPart.objects.update_or_create(
                job=job,
                number=number,
                defaults={"first_item": first, "last_item": last, "file_name": name},
            )[0]
            for number, (first, last, name) in enumerate(parts, 1)
        ]
        ImportJob.objects.filter(pk=job.pk).update(planned=True, items_total=total)
        for part in created:
            enqueue("importers.import_part", part.pk)
    if not created:
        finish_if_done(job.pk)


# What a WordPress export's posts share: part 0 ------------------------------------------------


def wordpress_writers(run, job):
    """The writers `import_wordpress` uses, with the job's options."""
    media = MediaImporter(run, source_system=job.source_system, fetch_media=job.fetch_media)
    articles = ArticleWriter(
        run,
        source_system=job.source_system,
        source_label=f"WordPress export {job.source_name}",
        media=media,
        section=job.section,
    )
    return media, articles, PageWriter(run)


def import_shared(job, part, path, items):
    """Authors, topics and pictures, before any post, as `import_wordpress` does first; then
    the sections, topics and authors the posts name (`items.posts`), which the parts running
    at once would otherwise each try to create, so that they find them instead."""
    run = JobRun(job, part.tally)
    media, articles, _ = wordpress_writers(run, job)
    persons, terms, pictures, skipped = [], [], [], []
    for record in open_wxr(path).records("library"):
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
        people, topics, sections = posts_names(items.posts, persons, articles)
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
    part = ImportPart.objects.select_related("job").filter(pk=part_id).first()
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
            for record in records:
                if isinstance(record, Entry) and record.kind == "page":
                    pages.add(record)
                elif isinstance(record, Entry):
                    articles.add(record)
                elif isinstance(record, Skipped):
                    run.skip(record.kind, record.where, record.reason, record.count)
            articles.flush()

        return write

    start = max(part.done_through + 1, part.first_item)
    records = export.records("content", after=start - 1)
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
        run, path.parent, label=job_label(job), source_system=job.source_system
    )

    def writing(lines, last):
        def write():
            for number, line in lines:
                if line.strip():
                    importer.line(number, line)
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


# Dry runs and strict runs: the command's own path ---------------------------------------------


def run_whole(job):
    """A dry run or a strict run: one transaction, exactly as the command runs it."""
    command = {
        ImportJob.Kind.WORDPRESS: import_wordpress,
        ImportJob.Kind.INTERCHANGE: import_articles,
        ImportJob.Kind.FEED: import_feed,
    }[job.kind].Command()
    options = {
        "source_system": job.source_system or None,
        "section": job.section or (None if job.kind == ImportJob.Kind.WORDPRESS else "News"),
        "fetch_media": job.fetch_media,
        "uploads": None,
        "timezone": "UTC",
    }
    part, _ = ImportPart.objects.get_or_create(job=job, number=1)
    run = JobRun(job)
    error = ""
    # One transaction for the run and its report: a strict run's writes commit with it.
    with local_file(job.file_name, job_label(job)) as path, transaction.atomic():
        try:
            _, write = command.load(str(path), options)
            with run.writing():
                write(run)
        except StrictStop as stop:
            error = f"Strict: stopped at the first failure ({stop}); nothing was written."
        except (SourceRefused, CommandError) as refusal:
            error = str(refusal)
        ImportPart.objects.filter(pk=part.pk).update(last_item=run.items_seen)
        part.first_item, part.last_item = 1, run.items_seen
        checkpoint(part, run, run.items_seen, items_done=run.items_seen, finished=True)
        ImportJob.objects.filter(pk=job.pk).update(planned=True, items_total=run.items_seen)
    if error:
        fail(job.pk, error)
    else:
        finish_if_done(job.pk)


# Ending ------------------------------------------------------------------------------------


def cancel_requested(job):
    return ImportJob.objects.filter(pk=job.pk, cancel_requested_at__isnull=False).exists()


def stop_part(job, part):
    ImportPart.objects.filter(pk=part.pk).update(status=ImportPart.Status.CANCELLED)
    if part.number == 0:
        end_cancelled(job)
    else:
        finish_if_done(job.pk)


def end_cancelled(job):
    ImportJob.objects.filter(pk=job.pk).exclude(status__in=ImportJob.FINISHED).update(
        status=ImportJob.Status.CANCELLED, finished_at=timezone.now()
    )
    ImportPart.objects.filter(job=job).exclude(status=ImportPart.Status.DONE).update(
        status=ImportPart.Status.CANCELLED
    )


def finish_if_done(job_id):
    """End the job once every part is done or cancelled. The job's row is locked, so of two
    parts ending at once exactly one ends the job."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.finished or not job.planned:
            return
        if job.parts.exclude(
            status__in=[ImportPart.Status.DONE, ImportPart.Status.CANCELLED]
        ).exists():
            return
        job.status = (
            ImportJob.Status.CANCELLED if job.cancel_requested_at else ImportJob.Status.DONE
        )
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "finished_at"])


def fail(job_id, error):
    """The job cannot go on: say why, for the job's page."""
    ImportJob.objects.filter(pk=job_id).exclude(status__in=ImportJob.FINISHED).update(
        status=ImportJob.Status.FAILED, error=error, finished_at=timezone.now()
    )


def cancel(job, by):
    """Ask a queued or running job to stop after the batch it is in. Returns False when it
    is already over or already asked."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if not job.cancellable:
            return False
        job.cancel_requested_at = timezone.now()
        job.cancelled_by = by
        fields = ["cancel_requested_at", "cancelled_by"]
        if job.status == ImportJob.Status.QUEUED:  # nothing started: nothing to wait for
            job.status, job.finished_at = ImportJob.Status.CANCELLED, job.cancel_requested_at
            fields += ["status", "finished_at"]
        job.save(update_fields=fields)
    return True
