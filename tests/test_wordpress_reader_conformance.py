"""The reader against WordPress's own importer test exports, kept in the shared fixtures folder.

Each export there has a `<name>.source.txt` saying what it holds and what WordPress's importer
does with it; the expectations below restate those in this reader's records. The folder lives
outside the repository (`NEWSROOM_FIXTURES` names it); without it this module collects no tests.
"""

import os
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from importers.records import Entry, Media, Person, Skipped, SourceRefused, Term
from importers.wordpress import open_wxr

REPOSITORY = Path(__file__).resolve().parent.parent
FOLDER = (
    Path(os.environ.get("NEWSROOM_FIXTURES", REPOSITORY.parent / "shared" / "fixtures")) / "wxr"
)
EXPORTS = sorted(path.name for path in FOLDER.glob("*.xml")) if FOLDER.is_dir() else []

BAD_VERSION = "missing or invalid WXR version number"

# What each export becomes, counted: "post:published" is a post Entry with that status,
# "category" counts category Terms and skipped categories alike (WordPress's own count).
EXPECTED = {
    "authors-multiline.xml": {"person": 3, "post:published": 1},
    "cdata-edge.xml": {"post:published": 1},
    "invalid-version-tag.xml": BAD_VERSION,
    "malformed-simple.xml": "is not well-formed XML: no element found",
    "malformed.xml": "is not well-formed XML: mismatched tag at line 90",
    "missing-tags.xml": {"post:published": 1},
    "missing-version-tag.xml": BAD_VERSION,
    "slashes.xml": {
        "person": 1,
        "category": 1,
        "tag": 1,
        "post:published": 1,
        "comment": 1,
    },
    "small-export.xml": {
        "person": 3,
        "category": 30,
        "tag": 3,
        "post:published": 5,
        "post:draft": 1,  # the private one
        "page:published": 4,
        "page:draft": 1,
        "comment": 1,
    },
    "term-formats.xml": {"category": 2, "tag": 3, "custom taxonomy term": 2},
    "test-serialized-postmeta-with-cdata.xml": {"post:draft": 1},
    "valid-wxr-1.0.xml": {
        "category": 5,
        "tag": 4,
        "post:published": 3,
        "page:published": 3,
        "comment": 1,
    },
    "valid-wxr-1.1.xml": {
        "person": 1,
        "category": 1,
        "tag": 1,
        "custom taxonomy term": 1,
        "post:published": 1,
        "page:published": 1,
        "comment": 1,
    },
    "wxr-flat-attachment-same-site.xml": {"person": 1, "media": 1, "post:published": 1},
    "wxr-simple.xml": {"person": 1, "post:published": 1},
    "wxr-with-sub-data.xml": {"custom taxonomy term": 1, "post:published": 1, "comment": 1},
}


def read_all(name):
    """Every record of both phases, after a full check()."""
    export = open_wxr(FOLDER / name)
    export.check()
    return list(export.records("library")) + list(export.records("content"))


def counted(found):
    counts = Counter()
    for record in found:
        if isinstance(record, Entry):
            counts[f"{record.kind}:{record.status}"] += 1
        elif isinstance(record, Person):
            counts["person"] += 1
        elif isinstance(record, Term):
            counts[record.kind] += 1
        elif isinstance(record, Media):
            counts["media"] += 1
        elif isinstance(record, Skipped):
            counts[record.kind] += record.count
    return dict(counts)


def entry(name, source_id):
    (found,) = [r for r in read_all(name) if isinstance(r, Entry) and r.source_id == source_id]
    return found


@pytest.mark.parametrize("name", EXPORTS)
def test_each_export_is_read_or_refused_as_its_notes_say(name):
    assert name in EXPECTED, f"{name} is new: add what its .source.txt expects"
    expected = EXPECTED[name]
    if isinstance(expected, str):
        with pytest.raises(SourceRefused, match=expected):
            read_all(name)
    else:
        assert counted(read_all(name)) == expected


@pytest.mark.parametrize("name", EXPORTS)
def test_each_export_has_its_notes_beside_it(name):
    notes = (FOLDER / f"{name}.source.txt").read_text(encoding="utf-8")
    assert f"file: {name}" in notes


def test_author_values_are_trimmed():
    people = [r for r in read_all("authors-multiline.xml") if isinstance(r, Person)]
    assert [(p.login, p.email) for p in people] == [
        ("alice", "alice@example.com"),
        ("bob", "bob@example.com"),
        ("carol", "carol@example.com"),
    ]
    assert [p.login for p in entry("authors-multiline.xml", "1").authors] == ["alice"]


def test_a_near_miss_cdata_end_stays_in_the_content():
    assert entry("cdata-edge.xml", "1").body_html == "<p>ends with sequence ]] ></p>"


def test_a_post_missing_most_tags_gets_defaults():
    post = entry("missing-tags.xml", "1")
    assert (post.headline, post.slug, post.authors, post.published_at, post.old_urls) == (
        "No Author Post",
        "",
        [],
        None,
        [],
    )


def test_backslashes_survive():
    found = read_all("slashes.xml")
    post = next(r for r in found if isinstance(r, Entry))
    assert post.body_html == '<p>Slashes aren\\\'t \\"cool\\"</p>'
    assert post.section == 'a \\"great\\" category'
    assert [t.name for t in found if isinstance(t, Term)] == ['a \\"great\\" category', "foo\\'bar"]


def test_wxr_1_0_tags_and_creator_fallback():
    post = entry("valid-wxr-1.0.xml", "4")
    assert (post.section, post.topics) == ("alpha", ["news", "roar"])
    assert post.authors == [Person(name="admin", slug="admin", login="admin")]


def test_serialised_postmeta_is_never_unserialised_and_drafts_use_the_local_date():
    post = entry("test-serialized-postmeta-with-cdata.xml", "10")
    assert post.status == "draft"
    assert post.published_at == datetime(2009, 10, 20, 16, 13, 20, tzinfo=UTC)
    assert post.body_html == "<p>This is my content</p>"


def test_an_attachment_on_the_exported_site():
    (media,) = [r for r in read_all("wxr-flat-attachment-same-site.xml") if isinstance(r, Media)]
    assert (media.source_id, media.url, media.alt, media.uploads_path) == (
        "611",
        "https://wpthemetestdata.files.wordpress.com/2008/06/canola2.jpg",
        "canola",
        "2008/06/canola2.jpg",
    )


# Without the shared folder there is nothing to compare against: collect no tests, skip none.
if not EXPORTS:
    del (
        test_author_values_are_trimmed,
        test_a_near_miss_cdata_end_stays_in_the_content,
        test_a_post_missing_most_tags_gets_defaults,
        test_backslashes_survive,
        test_wxr_1_0_tags_and_creator_fallback,
        test_serialised_postmeta_is_never_unserialised_and_drafts_use_the_local_date,
        test_an_attachment_on_the_exported_site,
        test_each_export_is_read_or_refused_as_its_notes_say,
        test_each_export_has_its_notes_beside_it,
    )
