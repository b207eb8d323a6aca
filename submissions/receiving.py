"""Keeping what a reader sent, and telling them so."""

import logging

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from newsroom.brands import current_site
from newsroom.models import SiteSettings
from submissions import consent
from submissions.models import Submission, SubmissionFile

logger = logging.getLogger(__name__)

USER_AGENT_LENGTH = 300


def receive_submission(*, form, client_ip, user_agent):
    """Store a valid `SubmissionForm`'s submission, its consent and its files; return it.

    The consent stored is the wording the form showed and its version, at the time of sending.
    Files are stored privately under random names (submissions.storage).
    """
    data = form.cleaned_data
    with transaction.atomic():
        submission = Submission.objects.create(
            name=data["name"],
            email=data["email"],
            story=data["story"],
            link=data["link"],
            filmed_where=data["filmed_where"],
            filmed_on=data["filmed_on"],
            consent_wording=consent.wording(),
            consent_version=consent.CONSENT_VERSION,
            consented_at=timezone.now(),
            client_ip=client_ip or None,
            user_agent=(user_agent or "")[:USER_AGENT_LENGTH],
            brand=current_site(),  # the brand of the request, whose form it was
        )
        for prepared in form.prepared_files:
            stored = SubmissionFile(
                submission=submission,
                original_name=prepared.original_name[:255],
                kind=prepared.kind,
                content_type=prepared.content_type,
                size=prepared.content.size,
            )
            stored.file.save(f"upload{prepared.suffix}", prepared.content, save=False)
            stored.save()
    return submission


def send_receipt(submission):
    """Email the submitter what we received, its reference and the consent they gave.

    Reads the submission's files and the brand's settings (two queries): the receipt names the
    brand it was sent on, and a reply goes to the brand's submissions address, if it has one.
    A mail server that fails is logged, not raised: the submission is stored either way, and
    the desk can still reach the submitter.
    """
    brand = SiteSettings.load(current_site())
    body = render_to_string(
        "submissions/receipt_email.txt",
        {
            "submission": submission,
            "files": list(submission.files.all()),
            "brand_name": brand.brand_name,
        },
    )
    try:
        EmailMultiAlternatives(
            f"We received your submission ({submission.reference})",
            body,
            None,  # DEFAULT_FROM_EMAIL
            [submission.email],
            reply_to=[brand.submissions_email] if brand.submissions_email else None,
        ).send()
    except Exception:
        logger.exception("The receipt for submission %s was not sent.", submission.reference)
