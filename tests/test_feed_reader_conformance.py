"""The feed reader against real-world feeds kept in the shared fixtures folder.

Each file there has a `.source.txt` beside it saying where it comes from and what a reader
should do with it. When the folder is absent (a checkout without shared fixtures), this
module simply collects no tests.
"""

import os
from pathlib import Path

import pytest

from importers.feeds import Feed, read_feed
from importers.records import SourceRefused

ROOT = Path(__file__).resolve().parent.parent
FEEDS = Path(os.environ.get("NEWSROOM_FIXTURES", ROOT.parent / "shared" / "fixtures")) / "feeds"
FILES = (
    sorted(p for p in FEEDS.iterdir() if p.is_file() and not p.name.endswith(".source.txt"))
    if FEEDS.is_dir()
    else []
)


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """A reader that reaches for the network fails the test rather than waiting on it."""

    def refuse(*args, **kwargs):
        raise AssertionError("the feed reader tried to open a connection")

    monkeypatch.setattr("socket.socket.connect", refuse)
    monkeypatch.setattr("socket.create_connection", refuse)


# Defined only when there are files: an empty parameter list would report a skip.
if FILES:

    @pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
    def test_every_file_is_read_or_refused_in_words(path):
        assert path.with_name(path.name + ".source.txt").is_file(), "each fixture names its source"
        try:
            feed = read_feed(path.read_bytes())
        except SourceRefused as refusal:
            assert str(refusal).strip()
        else:
            assert isinstance(feed, Feed)
            for entry in feed.entries:
                assert entry.source_id and len(entry.source_id) <= 255
                assert entry.headline


def category_feed(path):
    feed = read_feed(path.read_bytes())
    [entry] = feed.entries
    assert entry.headline == "E.P.A. Plan to Clean Up Gowanus Canal Meets Local Resistance"
    assert entry.topics == ["Water Pollution", "Gowanus Canal (Brooklyn, NY)"]


def media_content_dupes(path):
    feed = read_feed(path.read_bytes())
    [entry] = feed.entries
    picture = "http://i.mol.im/i/pix/2013/02/03/article-2272640-174FCEE2000005DC-697_154x115.jpg"
    assert entry.lead_image.url == picture
    # Declared ISO-8859-1: the copyright sign is one byte in the file.
    assert entry.lead_image.credit == "© Bettmann/CORBIS"
    assert entry.lead_image.caption.startswith("Black Dahlia: A head shot of Elizabeth Short")
    # The same picture in media:content, media:thumbnail and an enclosure counts once;
    # the caption (a media:description) never stands in for the story text.
    assert not any(picture in note for note in entry.notes)
    assert all(note.startswith("attachment not imported: video/mp4") for note in entry.notes)
    assert entry.body_html.startswith("The shocking murder of Elizabeth Short")


def json_feed_example(path):
    feed = read_feed(path.read_bytes())
    assert (feed.kind, feed.title) == ("JSON Feed 1.0", "My Example Feed")
    second, first = feed.entries
    assert second.notes == [
        "attachment not imported: video/mp4 https://example.org/second-item-show.mp4"
    ]
    assert second.topics == ["test", "JSON"]
    assert [p.name for p in second.authors] == ["me"]
    # The script is left for the writer's sanitiser to strip; the words around it survive.
    assert first.body_html.startswith("<p>Hello, world!</p>")
    assert first.headline == "Hello, world!"
    assert [p.name for p in first.authors] == ["you"]


def not_a_feed(path):
    with pytest.raises(SourceRefused, match=r"Not a feed: the root element is <html>"):
        read_feed(path.read_bytes())


def sax_error(path):
    # We choose strictness: the whole feed is refused rather than read in part.
    with pytest.raises(SourceRefused, match=r"not well-formed XML: .* at line 15, column \d+"):
        read_feed(path.read_bytes())


def doctype_not_fetched(path):
    feed = read_feed(path.read_bytes())
    assert feed.title == "found"
    assert feed.entries == [] and feed.skipped == []


def multiple_enclosures(path):
    feed = read_feed(path.read_bytes())
    # The item has neither title nor text, so there is no article to make; the report
    # names both of its pictures, in order, so nothing disappears silently.
    assert feed.entries == []
    [skipped] = feed.skipped
    reason = skipped.reason
    assert reason.startswith("no title and no text")
    assert reason.index("image/jpeg http://example.com/1") < reason.index(
        "image/gif http://example.com/2"
    )


EXPECTATIONS = {
    "nodefp-category-feed.xml": category_feed,
    "nodefp-mediacontent-dupes.xml": media_content_dupes,
    "fp-jsonfeed-example.json": json_feed_example,
    "nodefp-notafeed.html": not_a_feed,
    "nodefp-saxerror.xml": sax_error,
    "fp-always_strip_doctype.xml": doctype_not_fetched,
    "fp-item_enclosure_multiple.xml": multiple_enclosures,
}
EXPECTED = [
    (FEEDS / name, check) for name, check in EXPECTATIONS.items() if (FEEDS / name).is_file()
]


if EXPECTED:

    @pytest.mark.parametrize(("path", "check"), EXPECTED, ids=[p.name for p, _ in EXPECTED])
    def test_each_known_file_behaves_as_its_source_note_says(path, check):
        check(path)
