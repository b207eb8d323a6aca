"""A cleared submission becomes a draft article, its pictures join the media library."""

import html
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils.text import Truncator

from articles.featured import use_library_picture
from articles.models import Article
from articles.text import ascii_slug
from library.uploads import add_image
from submissions.models import Submission, SubmissionFile

SOURCE_SYSTEM = "submission"
HEADLINE_LENGTH = 120


class NotCleared(Exception):
    """The submission is not (or no longer) cleared for use; nothing was written."""


def credit_for(submission):
    """The credit line of a submitter's pictures, e.g. "Jane Doe / Newsroom submission"."""
    return f"{submission.name} / Newsroom submission"


def _headline(submission):
    first_line = next((line.strip() for line in submission.story.splitlines() if line.strip()), "")
    if not first_line:
        return f"Reader submission {submission.reference}"
    return Truncator(first_line).chars(HEADLINE_LENGTH)


def _body(submission):
    """The story as paragraphs (a blank line ends one), then the link in a paragraph of its own,
    which the site shows as an embed (articles.body)."""
    paragraphs = [
        html.escape(part.strip()).replace("\n", "<br>")
        for part in re.split(r"\n\s*\n", submission.story)
        if part.strip()
    ]
    if submission.link:
        paragraphs.append(html.escape(submission.link))
    return "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)


def _library_image(stored, submission, by):
    with stored.file.open("rb") as handle:
        upload = SimpleUploadedFile(stored.original_name, handle.read(), stored.content_type)
    return add_image(
        file=upload,
        uploaded_by=by,
        credit=credit_for(submission),
        source_note=(
            f"Reader submission {submission.reference} from {submission.name} "
            f"<{submission.email}>. Consent version {submission.consent_version}, given "
            f"{submission.consented_at:%Y-%m-%d %H:%M %Z}: {submission.consent_wording}"
        ),
        source_system=SOURCE_SYSTEM,
        source_id=f"{submission.reference}/{stored.pk}",
    )


def draft_article_from(*, submission, by):
    """Make a draft article of a cleared submission and mark the submission used; return it.

    The draft's headline is the story's first line, its body the story and the link; each
    picture is added to the media library with the submitter's credit, and the first becomes
    the featured image. Videos stay private on the submission. Raises `NotCleared` for a
    submission in any other status. Reads the submission's files (one query).
    """
    with transaction.atomic():
        # Locked and read again, so that two editors' clicks make one article.
        submission = Submission.objects.select_for_update().get(pk=submission.pk)
        if submission.status != Submission.Status.CLEARED:
            raise NotCleared(submission.reference)
        headline = _headline(submission)
        article = Article(
            headline=headline,
            slug=f"{ascii_slug(headline)[:200].strip('-') or 'submission'}-"
            f"{submission.reference.lower()}",
            body=_body(submission),
            status=Article.Status.DRAFT,
            source_system=SOURCE_SYSTEM,
            source_id=submission.reference,
            created_by=by,
        )
        if submission.brand_id is not None:
            article.brand_id = submission.brand_id  # else the default brand, as before brands
        images = [
            _library_image(stored, submission, by)
            for stored in submission.files.filter(kind=SubmissionFile.Kind.IMAGE)
        ]
        if images:
            use_library_picture(article, images[0])
        article.save()
        submission.article = article
        submission.status = Submission.Status.USED
        submission.save(update_fields=["article", "status", "modified"])
    return article
