"""The editorial workflow: who may do what to an article, and each step as one named function.

Who may (the permissions and brands of a person) is `articles.rights`, handed on here under the
same names, so callers ask `articles.workflow` alone.

    draft ⇄ in review → published (now, or scheduled: `published_at` in the future) → unpublished

A scheduled article needs no job to appear: the public queryset compares `published_at` with
now (see `Article.objects.published()`). The admin's forms and bulk actions and any script go
through these functions or `publish_problems`, so the rules live here once:

- Anyone who may change an article may move it between draft and in review. Contributors (no
  `edit_any_article`) may change only the articles they started, and only while those are
  drafts or in review.
- Publishing, scheduling, unpublishing and taking a published article back to draft need the
  `publish_article` permission.
- Publishing runs the full checks (`publish_problems`); a draft may be saved half-written.
- Every role holds for the brands its holder works on (`brands_for`, `can_work_on`: the rule
  is `newsroom.access`'s, handed on here): an article of another brand is out of their reach
  whatever their permissions, and moving an article between brands needs both brands
  (`Publication.check_brands`). Syndicating into a brand needs that brand too (the change
  form offers only the person's brands, `brands_to_choose`, and keeps the others as they are).

A refused step raises `WorkflowError` (the article is not fit for it) or `PermissionDenied`
(the person may not take it), both with a message for the editor.

Every save that may change an article's publication goes through `Publication`, whoever
makes it (the change form, the steps here, restores, the importers): it owns the publication
time, the `version` bump, the revision comment, revoking share links on a takedown and
redirecting a moved address. `come_due` is the scheduler's part (`articles.tasks.handle_due`).
Permissions are checked by the callers acting for a person; scripts and importers act as the
system.
"""

import html

import reversion
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.html import strip_tags

from articles import rights
from articles.changes import purge_change
from articles.models import Article, Correction
from articles.preview_links import revoke_if_taken_down
from articles.redirects import published_url, record_move
from articles.revisions import add_to_revision, keep_imported_state
from newsroom.chrome import brand_address

Status = Article.Status

# Who may: the rules of `articles.rights`, handed on under the workflow's names (one definition).
OPEN_STATUSES = rights.OPEN_STATUSES
brands_for = rights.brands_for
can_work_on = rights.can_work_on
brands_to_choose = rights.brands_to_choose
brand_list = rights.brand_list
in_reach = rights.in_reach
can_publish = rights.can_publish
can_edit_any = rights.can_edit_any
can_edit = rights.can_edit
require_publisher = rights.require_publisher
require_editor_of = rights.require_editor_of

# Sent once for each article whose publication time has come, with `article=`, at the start of
# that minute by the worker's scheduler (`articles.tasks.handle_due`; `manage.py publish_due` by
# hand). Deployments connect receivers for their side effects (purge a CDN, ping a search
# engine, post to social media). Once per article and publication time: a receiver runs inside
# the transaction that records it, so it should queue its work (`jobs.outbox.enqueue`), which is
# then queued exactly once, rather than call out; if it raises, the article is tried again at
# the next run.
publication_due = Signal()


class ChangeKind(models.TextChoices):
    """What saving an already public article means for its readers."""

    MINOR = "minor", "Minor fix: a typo or a link; readers see no change"
    UPDATE = "update", "Update: the story moved on; readers see “Updated” with the time"
    CORRECTION = "correction", "Correction: something was wrong; readers see your note"


class WorkflowError(Exception):
    """A step the article is not fit for; `reasons` are sentences for the editor."""

    def __init__(self, *reasons):
        super().__init__(" ".join(reasons))
        self.reasons = list(reasons)


def has_text(body):
    """Whether sanitised body HTML says anything once its tags are gone."""
    return bool(html.unescape(strip_tags(body or "")).strip())


def publish_problems(article, *, byline=True):
    """What stops `article` from being published, as {field name: message}; empty when fit.

    `byline=False` leaves the byline to the caller: the admin checks the byline inline's rows,
    which are not saved yet. Otherwise reads `article.article_authors` (one query unless
    prefetched; none for an unsaved article).
    """
    problems = {}
    if not article.headline.strip():
        problems["headline"] = "Write a headline before publishing."
    if article.section_id is None:
        problems["section"] = "Choose a section before publishing."
    if not has_text(article.body):
        problems["body"] = "Write the story before publishing: the body is empty."
    if article.featured_image:
        if not article.featured_image_alt.strip():
            problems["featured_image_alt"] = (
                "Describe the featured image for readers who cannot see it before publishing."
            )
        if not article.featured_image_credit.strip():
            problems["featured_image_credit"] = (
                "Credit the featured image (who owns it) before publishing."
            )
    if byline and (article.pk is None or not article.article_authors.all()):
        problems["byline"] = "Add at least one author to the byline before publishing."
    return problems


class Publication:
    """A change to an article's publication, from how it was stored to how it is saved now.

    The one path for every save that may publish, schedule, unpublish or take down an article,
    or move a published article's address: the change form, the bulk actions and steps above,
    restores and the importers. Read what was stored first, change the article, then:

        publication = Publication.read(article.pk)   # or Publication.of(loaded), or .new()
        ...                                          # set the article's fields
        publication.save(article, by=user)           # or prepare(); your own save; finish()

    `prepare` gives "Published" with no time the time of now and moves `version` on (so an
    editor's open copy is seen as stale); `finish` revokes the share links of an article
    taken down and redirects a published article's old address; `comment` names the move for
    its revision. Permissions are the caller's: see `check`.
    """

    def __init__(
        self, *, status=None, published_at=None, updated_at=None, url=None, version=0, brand_id=None
    ):
        self.status = status  # None for an article not saved before
        self.brand_id = brand_id  # the brand (Site) it belonged to, for an article saved before
        self.published_at = published_at
        self.updated_at = updated_at
        self.url = url  # its published address (see `redirects.published_url`), if any
        self.version = version

    @classmethod
    def new(cls):
        """For an article being created."""
        return cls()

    @classmethod
    def of(cls, article):
        """From `article` as it was loaded, before any change (touches `article.section`)."""
        if article.pk is None:
            return cls()
        return cls(
            status=article.status,
            published_at=article.published_at,
            updated_at=article.updated_at,
            url=published_url(article),
            version=article.version,
            brand_id=article.brand_id,
        )

    @classmethod
    def read(cls, pk):
        """As stored now, locking the article's row until the transaction ends (one query)."""
        stored = (
            Article.objects.select_for_update(of=("self",))
            .select_related("section")
            .only(*PUBLICATION_FIELDS, "version", "slug", "section__slug", "brand_id")
            .get(pk=pk)
        )
        return cls.of(stored)

    def moves(self, article):
        """Whether saving `article` would publish, schedule, unpublish or retime it, which
        needs `can_publish` (moving between draft and in review does not)."""
        stored = (self.status or Status.DRAFT, self.published_at, self.updated_at)
        status_moved = article.status != stored[0] and not (
            article.status in OPEN_STATUSES and stored[0] in OPEN_STATUSES
        )
        times = (article.published_at, article.updated_at)
        return status_moved or times != stored[1:]

    def check(self, article, *, by):
        """Refuse (PermissionDenied) a move `by` may not make, whatever a form posted: a
        publishing move without the right to publish, or a brand they do not work on."""
        self.check_brands(article, by=by)
        if self.moves(article):
            require_publisher(by)

    def check_brands(self, article, *, by):
        """Refuse (PermissionDenied) a save by `by` of an article stored under a brand they do
        not work on, or placed in one (moving an article needs both brands). The stored brand
        is read with the row locked (`read`), so a move by someone else in between counts."""
        if self.brand_id is not None and not can_work_on(by, self.brand_id):
            raise PermissionDenied("You may not change articles of a brand you do not work on.")
        if not can_work_on(by, article.brand_id):
            raise PermissionDenied("You may not place articles in a brand you do not work on.")

    def prepare(self, article):
        """Before the article's save: its publication time and its version."""
        article.published_at = publication_time(article.status, article.published_at)
        article.version = self.version + 1

    def comment(self, article):
        """The move in words, for the revision that keeps it ("" when the status stays)."""
        if article.status == self.status:
            return ""
        if article.status == Status.PUBLISHED:
            at = article.published_at
            return "Published." if at is None or at <= timezone.now() else (
                f"Scheduled for {at.isoformat()}."
            )
        return {
            Status.IN_REVIEW: "Submitted for review.",
            Status.DRAFT: "Sent back to draft.",
            Status.UNPUBLISHED: "Unpublished.",
        }[article.status]

    def finish(self, article, *, by=None):
        """After the article's save: stop the share links of an article taken down, and
        redirect a published article's old address to its new one. Returns sentences for
        the editor about what could not be done. `by` is None for the system (an import)."""
        left_out = []
        revoke_if_taken_down(article, was=self.status, by=by)
        new_url = published_url(article)
        site_id = self.brand_id or article.brand_id
        if self.url and new_url and site_id != article.brand_id:
            # Moved to another brand: its old address, on the old brand's host, leads to the
            # new brand's (one query, for the new brand's host).
            moved = True
            new_url = f"{brand_address(article.brand).rstrip('/')}{new_url}"
        else:
            moved = self.url and new_url and self.url != new_url
        if moved and record_move(old_url=self.url, new_url=new_url, site=site_id) is None:
            left_out.append(
                f"The old address {self.url} could not be redirected: it is too long to record."
            )
        return left_out

    def save(self, article, *, by=None, update_fields=None):
        """`prepare`, the article's one save (only `update_fields` and the bookkeeping, when
        given), then `finish`; returns what `finish` returns."""
        self.prepare(article)
        if update_fields is not None:
            update_fields = {*update_fields, "published_at", "version", "modified"}
        with transaction.atomic():
            article.save(update_fields=update_fields)
            return self.finish(article, by=by)


def publication_time(status, published_at):
    """The publication time an article saved with `status` gets: "Published" with no time
    means now; any other time, or status, keeps what it has."""
    if status == Status.PUBLISHED and published_at is None:
        return timezone.now()
    return published_at


# What `Publication` reads of the stored article, besides its address and version.
PUBLICATION_FIELDS = ("status", "published_at", "updated_at")


def _save(article, by, *fields):
    """Save a step's fields as a publication change, kept as a revision of its own. Locks the
    article's row first (one query); a save in between is never undone by this one."""
    with transaction.atomic():
        publication = Publication.read(article.pk)
        keep_imported_state(article.pk)
        with reversion.create_revision():
            reversion.set_user(by)
            reversion.set_comment(publication.comment(article))
            publication.save(article, by=by, update_fields=fields)
            add_to_revision(article)


def submit_for_review(*, article, by):
    """Draft → in review: the writer hands the article to the editors."""
    require_editor_of(by, article)
    if article.status != Status.DRAFT:
        status = article.get_status_display().lower()
        raise WorkflowError(f"Only drafts go to review; this one is {status}.")
    article.status = Status.IN_REVIEW
    _save(article, by, "status")


def send_back_to_draft(*, article, by):
    """In review, published or unpublished → draft. Taking down a published article needs
    the right to unpublish, and revokes its share links."""
    require_editor_of(by, article)
    if article.status == Status.DRAFT:
        raise WorkflowError("It is already a draft.")
    if article.status not in OPEN_STATUSES:
        require_publisher(by)
    article.status = Status.DRAFT
    _save(article, by, "status")


def publish_article(*, article, by, at=None):
    """Publish `article` at `at`: now when None, or a future time to schedule it.

    With no `at`, an article that was public before (since unpublished) keeps its original
    publication time; anything else, a scheduled one included, is published now. Raises
    `WorkflowError` listing every failed check (see `publish_problems`).
    """
    require_publisher(by)
    require_editor_of(by, article)
    if article.is_public:
        raise WorkflowError("It is already published.")
    problems = publish_problems(article)
    if problems:
        raise WorkflowError(*problems.values())
    now = timezone.now()
    if at is None:
        at = article.published_at if article.published_at and article.published_at <= now else now
    article.status = Status.PUBLISHED
    article.published_at = at
    _save(article, by, "status", "published_at")


def unpublish_article(*, article, by):
    """Published (or scheduled) → unpublished: hidden from readers again, and its share links
    revoked. `published_at` is kept, so publishing it again restores its place in the archive."""
    require_publisher(by)
    require_editor_of(by, article)
    if article.status != Status.PUBLISHED:
        raise WorkflowError("It is not published.")
    article.status = Status.UNPUBLISHED
    _save(article, by, "status")


def come_due(articles, *, now=None):
    """The side effects of scheduled `articles` becoming public, which changes no row:
    `publication_due` for each, and, since no save purges them, the lists that now show them
    purged (at the edge and in the cached fragments: the latest rail, the topic counts), as
    for any publication (articles.changes)."""
    for article in articles:
        publication_due.send(sender=Article, article=article)
    if articles:
        # Before, readers could not see them.
        purge_change({}, [article.pk for article in articles], now=now)


def note_change(*, article, kind, note="", by):
    """Note on `article`, before its save, what the save means for readers; returns the
    Correction, if any (saved already: the article exists).

    A minor fix notes nothing. An update moves `updated_at` on to now ("Updated …" on the page,
    dateModified in its metadata, the feeds and the sitemap). A correction does the same and
    keeps `note` as a Correction, shown on the article and on the corrections page.
    """
    kind = ChangeKind(kind)
    require_editor_of(by, article)
    if not article.is_public:
        raise WorkflowError("Only changes to a published article are recorded.")
    if kind == ChangeKind.MINOR:
        return None
    if kind == ChangeKind.CORRECTION and not note.strip():
        raise WorkflowError("Write the correction note readers will see.")
    if kind == ChangeKind.CORRECTION:
        correction = Correction.objects.create(article=article, note=note.strip(), created_by=by)
        article.updated_at = correction.created
        return correction
    article.updated_at = timezone.now()
    return None

