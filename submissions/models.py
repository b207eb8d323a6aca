import secrets
import uuid
from pathlib import Path

from django.db import models, transaction
from django.utils import timezone

from newsroom import access
from submissions.storage import private_storage

# Easy to read aloud and to type from an email: no 0/O, 1/I/L or 5/S.
REFERENCE_ALPHABET = "2346789ABCDEFGHJKMNPQRTUVWXYZ"


def new_reference():
    """A reference such as "NR-7KQ3X9TM": random, so that it tells nobody how many came before."""
    return "NR-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


def private_file_name(instance, filename):
    """A random name under the month received; the submitter's own name stays in the database."""
    suffix = Path(filename).suffix.lower()
    return f"{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class SubmissionQuerySet(models.QuerySet):
    def seen_by(self, user):
        """The submissions `user`'s desk sees: those sent on the brands they work on
        (`newsroom.access`), or every one for the whole network. The one rule the desk's list,
        its pages and its file downloads ask."""
        ids = access.brands_for(user)
        return self if ids is None else self.filter(brand__in=ids)

    def with_file_count(self):
        """Annotates `file_count`, for the desk's list (one query, not one per row)."""
        return self.annotate(file_count=models.Count("files"))


class Submission(models.Model):
    """Something a reader sent through "Submit Your Content", with their consent to use it."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        REVIEWING = "reviewing", "Reviewing"
        CLEARED = "cleared", "Cleared"
        REJECTED = "rejected", "Rejected"
        USED = "used", "Used"

    reference = models.CharField(
        max_length=12,
        unique=True,
        default=new_reference,
        editable=False,
        help_text="The number quoted in the submitter's emailed receipt.",
    )
    name = models.CharField(max_length=200, help_text="The submitter's name, as they gave it.")
    email = models.EmailField(help_text="Where the receipt was sent and where to reach them.")
    story = models.TextField(blank=True, help_text="What the submitter told us, in their words.")
    link = models.URLField(
        max_length=500,
        blank=True,
        help_text="A post or video on a social network that the submitter pointed us to.",
    )
    filmed_where = models.CharField(
        "where it was filmed",
        max_length=200,
        blank=True,
        help_text="The place the submitter says the pictures or video were taken.",
    )
    filmed_on = models.DateField(
        "when it was filmed",
        null=True,
        blank=True,
        help_text="The day the submitter says the pictures or video were taken.",
    )
    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.NEW,
        help_text="Where the submission is on the desk. Only a cleared submission can become a "
        "draft article; that makes it “used”.",
    )
    notes = models.TextField(
        blank=True,
        help_text="The desk's notes: checks made, calls to the submitter, why it was rejected. "
        "Never shown to the submitter.",
    )
    consent_wording = models.TextField(
        editable=False, help_text="The statements the submitter ticked, word for word."
    )
    consent_version = models.CharField(
        max_length=20, editable=False, help_text="The version of that wording."
    )
    consented_at = models.DateTimeField(
        editable=False, help_text="When the submitter agreed, which is when they sent the form."
    )
    client_ip = models.GenericIPAddressField(
        "client address",
        null=True,
        blank=True,
        editable=False,
        help_text="The network address the form was sent from, kept to trace abuse.",
    )
    user_agent = models.CharField(
        max_length=300,
        blank=True,
        editable=False,
        help_text="The browser the form was sent from, as it described itself (shortened).",
    )
    article = models.ForeignKey(
        "articles.Article",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The draft article made from this submission, once there is one.",
    )
    # A brand deleted later (refused while it has articles) leaves its submissions, brandless:
    # the whole network's desk sees those, as it sees those sent before brands.
    brand = models.ForeignKey(
        "sites.Site",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The brand whose form it was sent on; a draft made from it is that brand's.",
    )
    created = models.DateTimeField(auto_now_add=True, help_text="When the submission arrived.")
    modified = models.DateTimeField(auto_now=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        # The desk's usual view: the newest submissions of one status.
        indexes = [
            models.Index(fields=["status", "-created"], name="submission_desk"),
            # A brand's desk (editors per brand: docs/brands.md).
            models.Index(fields=["brand", "-created"], name="submission_brand_desk"),
        ]

    def __str__(self):
        return f"{self.reference} from {self.name}"


class SubmissionFile(models.Model):
    """A picture or video sent with a submission, checked by its content and stored privately."""

    class Kind(models.TextChoices):
        IMAGE = "image", "Picture"
        VIDEO = "video", "Video"

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(storage=private_storage, upload_to=private_file_name, max_length=100)
    original_name = models.CharField(
        max_length=255, help_text="The file's name on the submitter's device."
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    content_type = models.CharField(
        max_length=50, help_text="The file's type, as found from its content."
    )
    size = models.PositiveBigIntegerField(help_text="The stored file's size in bytes.")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.original_name


def delete_stored_file(sender, instance, **kwargs):
    # A submitter who asks us to delete what they sent means the file too, not only the row;
    # after the commit, so that a rolled-back delete keeps its file.
    name, storage = instance.file.name, instance.file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))
