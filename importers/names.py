"""Authors and topics met by an import: matched once per run, created in bulk where missing."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Max

from articles.models import Topic
from articles.text import ascii_slug, clean_text, name_key
from authors.models import Author
from importers.run import ItemFailed

TOPIC_MAX = Topic._meta.get_field("name").max_length


class People:
    """Authors by slug for one run: matched once, created in bulk, never overwritten.

    An author already on the site (by slug) is used as they are: an editor's bio and photo
    are not replaced by the source's.
    """

    def __init__(self, run):
        self.run = run
        self.by_slug = {}

    @staticmethod
    def slug_of(person):
        slug = ascii_slug(person.slug) or ascii_slug(person.name) or ascii_slug(person.login)
        return slug[:140].strip("-")

    def ensure(self, persons):
        """Authors for `persons` (in order, one per slug), creating the missing ones."""
        wanted = {}
        for person in persons:
            slug = self.slug_of(person)
            if slug and slug not in self.by_slug:
                wanted.setdefault(slug, person)
        if wanted:
            found = Author.objects.in_bulk(list(wanted), field_name="slug")
            self.run.count("author", "unchanged", len(found))
            missing = [
                Author(
                    slug=slug,
                    # the name's length is checked with its item (write.Writer.prepare)
                    name=clean_text(person.name or person.login or slug)[:120],
                    # email <- wp:author_email, kept only when it is an address
                    email=person.email if _is_email(person.email) else "",
                    bio=clean_text(person.bio or "", multiline=True),
                )
                for slug, person in wanted.items()
                if slug not in found
            ]
            if missing:
                Author.objects.bulk_create(missing)
                found.update(Author.objects.in_bulk([a.slug for a in missing], field_name="slug"))
                self.run.count("author", "created", len(missing))
            self.by_slug.update(found)
        authors, seen = [], set()
        for person in persons:
            slug = self.slug_of(person)
            if slug in self.by_slug and slug not in seen:
                seen.add(slug)
                authors.append(self.by_slug[slug])
        return authors

    def saved(self):
        """The state `restore` returns to (after a batch is rolled back)."""
        return dict(self.by_slug)

    def restore(self, saved):
        self.by_slug = saved


def _is_email(value):
    if not value:
        return False
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


class Topics:
    """Topics by name (see `name_key`) for one run. A name used as a section becomes a section.

    New topics are created one by one (taggit gives each a unique slug as it saves), but each
    name is looked up and created at most once per run, and a batch looks up all its new names
    in one query. A section an import creates (or makes of a topic) stays out of the site's
    menu until an editor places it there.
    """

    def __init__(self, run, *, counted=True):
        self.run = run
        self.counted = counted  # whether the run's report has a line for topics
        self.by_name = {}  # name_key -> Topic
        self.keys = {}  # name -> name_key, worked out once per run

    def saved(self):
        """The state `restore` returns to (after a batch is rolled back)."""
        return None

    def restore(self, saved):
        # All forgotten, not only the batch's own: a topic the batch made a section was
        # changed in place, and its rolled-back row is as it was before.
        self.by_name = {}

    def _count(self, outcome, number=1):
        if self.counted:
            self.run.count("topic", outcome, number)

    def key(self, name):
        key = self.keys.get(name)
        if key is None:
            key = self.keys[name] = name_key(name)
        return key

    def ensure(self, names, *, sections=(), descriptions=None):
        """{name_key: Topic} for `names`, the missing ones created."""
        sections = {self.key(name) for name in sections}
        unknown = [name for name in names if self.key(name) not in self.by_name]
        if unknown:
            found = Topic.objects.by_key(unknown)
            self.by_name.update(found)
            self._count("unchanged", len(found))
        for name in names:
            key = self.key(name)
            topic = self.by_name.get(key)
            if topic is None:
                topic = Topic(name=name, description=(descriptions or {}).get(name, ""))
                if key in sections:
                    self._into_navigation(topic)
                topic.save()
                self.by_name[key] = topic
                self._count("created")
            elif key in sections and not topic.in_navigation:
                # Articles need their section in the navigation (the editor's form offers
                # only those): a topic first met as a tag becomes a section when it heads one.
                self._into_navigation(topic)
                topic.save(update_fields=["in_navigation", "in_menu", "navigation_order"])
        return {self.key(name): self.by_name[self.key(name)] for name in names}

    def make_sections(self, names):
        """Make sections of the existing topics named `names`, locking them first, always in
        the same order: parts of one import on several workers, meeting the same new section,
        wait for each other instead of deadlocking, and see each other's change."""
        keys = sorted({name_key(name) for name in names if name})
        # Only what is not a section yet is locked: a lock held for a batch's length on every
        # section would make the parts take turns.
        keys = [key for key in keys if not getattr(self.by_name.get(key), "in_navigation", False)]
        if not keys:
            return
        # FOR NO KEY UPDATE: it waits for no article being tagged with these topics meanwhile.
        topics = (
            Topic.objects.select_for_update(no_key=True)
            .filter(name_key__in=keys)
            .order_by("name_key")
        )
        for topic in topics:
            if not topic.in_navigation:
                self._into_navigation(topic)
                topic.save(update_fields=["in_navigation", "in_menu", "navigation_order"])
            self.by_name[topic.name_key] = topic

    @staticmethod
    def _into_navigation(topic):
        last = Topic.objects.filter(in_navigation=True).aggregate(Max("navigation_order"))
        topic.in_navigation, topic.in_menu = True, False
        topic.navigation_order = (last["navigation_order__max"] or 0) + 1


def topic_name(name, where="topic"):
    """A source's topic name, cleaned; one longer than the column is reported, never cut."""
    name = clean_text(name)
    if len(name) > TOPIC_MAX:
        raise ItemFailed(f"its {where} “{name[:40]}…” is longer than {TOPIC_MAX} characters.")
    return name
