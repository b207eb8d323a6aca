"""Authors and topics met by an import: matched once per run, created in bulk where missing."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Max
from django.db.models.functions import Lower

from articles.importing.slugs import ascii_slug
from articles.models import Topic
from authors.models import Author

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
                    name=(person.name or person.login or slug)[:120],
                    # email <- wp:author_email, kept only when it is an address
                    email=person.email if _is_email(person.email) else "",
                    bio=person.bio,
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


def _is_email(value):
    if not value:
        return False
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


class Topics:
    """Topics by name (any case) for one run. A name used as a section becomes a section.

    New topics are created one by one (taggit gives each a unique slug as it saves), but each
    name is looked up and created at most once per run, and a batch looks up all its new names
    in one query.
    """

    def __init__(self, run):
        self.run = run
        self.by_name = {}  # lowercased name -> Topic

    def ensure(self, names, *, sections=(), descriptions=None):
        sections = {name.lower() for name in sections}
        unknown = {name.lower(): name for name in names if name.lower() not in self.by_name}
        if unknown:
            for topic in Topic.objects.annotate(lower_name=Lower("name")).filter(
                lower_name__in=list(unknown)
            ):
                self.by_name[topic.name.lower()] = topic
                self.run.count("topic", "unchanged")
        for name in names:
            key = name.lower()
            topic = self.by_name.get(key)
            if topic is None:
                topic = Topic(name=name, description=(descriptions or {}).get(name, ""))
                if key in sections:
                    self._into_navigation(topic)
                topic.save()
                self.by_name[key] = topic
                self.run.count("topic", "created")
            elif key in sections and not topic.in_navigation:
                # Articles need their section in the navigation (the editor's form offers
                # only those): a topic first met as a tag becomes a section when it heads one.
                self._into_navigation(topic)
                topic.save(update_fields=["in_navigation", "navigation_order"])
        return {name.lower(): self.by_name[name.lower()] for name in names}

    @staticmethod
    def _into_navigation(topic):
        last = Topic.objects.filter(in_navigation=True).aggregate(Max("navigation_order"))
        topic.in_navigation = True
        topic.navigation_order = (last["navigation_order__max"] or 0) + 1


def clip_topic(name):
    return " ".join(name.split())[:TOPIC_MAX].strip()
