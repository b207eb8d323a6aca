"""The feed reader turns RSS, Atom and JSON Feed files into importer records, or refuses them."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from importers.feeds import MAX_FEED_BYTES, entries, read_feed, rss_atom
from importers.records import SourceRefused

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "feeds"


def fixture(name):
    return (FIXTURES / name).read_bytes()


def rss(items, *, declaration='<?xml version="1.0" encoding="utf-8"?>', namespaces=""):
    return (
        f'{declaration}<rss version="2.0" {namespaces}><channel><title>Test</title>'
        f"<link>https://test.example/</link>{items}</channel></rss>"
    )


@pytest.fixture(scope="module")
def gazette():
    return read_feed(fixture("rss2.xml"), url="https://gazette.example/feed/")


@pytest.fixture(scope="module")
def weekly():
    return read_feed(fixture("atom.xml"))


# --- RSS 2.0 ------------------------------------------------------------------------------------


def test_it_reads_an_rss_feed_title_and_home_page(gazette):
    assert gazette.kind == "RSS 2.0"
    assert gazette.title == "The Harbour Gazette – Local news"
    assert gazette.link == "https://gazette.example/"
    assert [e.where for e in gazette.entries] == [
        "item 1 (line 10)",
        "item 2 (line 35)",
        "item 3 (line 43)",
    ]


def test_it_maps_an_rss_item_with_full_content(gazette):
    ferry = gazette.entries[0]
    assert ferry.kind == "entry"
    assert ferry.status == "published"
    assert ferry.source_id == "gazette-post-1001"
    assert ferry.headline == "Ferry timetable changes & what they mean"
    assert ferry.published_at == datetime(2024, 3, 5, 8, 30, tzinfo=UTC)
    assert ferry.updated_at is None
    assert ferry.section == ""
    assert ferry.old_urls == ["https://gazette.example/2024/03/ferry-timetable/"]
    # content:encoded is the body; the distinct description becomes the standfirst.
    assert ferry.body_html.startswith("<p>From 1 April the morning ferry leaves at 07:40 &amp;")
    assert ferry.standfirst == "Commuters face longer waits from April."


def test_it_leaves_embeds_and_scripts_intact_for_the_writer_to_sanitise(gazette):
    body = gazette.entries[0].body_html
    assert (
        '<iframe allowfullscreen="allowfullscreen" src="https://video.example/embed/ferry">' in body
    )
    assert '<script>if (window.a < 3 && window.b) { document.write("<b>hi</b>"); }</script>' in body
    assert body.endswith("<p>The council says the change saves fuel.</p>")


def test_it_resolves_relative_links_in_bodies_against_the_feed_url(gazette):
    assert 'src="https://gazette.example/media/ferry.jpg"' in gazette.entries[0].body_html


def test_a_local_file_path_is_not_used_to_resolve_links():
    feed = read_feed(fixture("rss2.xml"), url="/srv/imports/gazette.xml")
    assert 'src="/media/ferry.jpg"' in feed.entries[0].body_html


def test_it_keeps_categories_whole_and_drops_case_duplicates(gazette):
    assert gazette.entries[0].topics == ["Transport", "Harbour (North Quay, Old Town)"]


def test_it_names_every_dc_creator_trimmed(gazette):
    assert [p.name for p in gazette.entries[0].authors] == ["Mira Okafor", "Tom Lindqvist"]


def test_it_takes_the_name_from_an_rss_author_in_email_name_form(gazette):
    [author] = gazette.entries[1].authors
    assert (author.name, author.email) == ("Sam Reyes", "news@gazette.example")


@pytest.mark.parametrize(
    ("raw", "name", "email"),
    [
        ("jo@example.org (Jo Bloggs)", "Jo Bloggs", "jo@example.org"),
        ("Jo Bloggs <jo@newsroom.example>", "Jo Bloggs", "jo@newsroom.example"),
        ("  Jo   Bloggs ", "Jo Bloggs", ""),
    ],
)
def test_it_understands_the_usual_rss_author_forms(raw, name, email):
    items = f"<item><title>T</title><author>{raw.replace('<', '&lt;')}</author></item>"
    [author] = read_feed(rss(items).encode()).entries[0].authors
    assert (author.name, author.email) == (name, email)


def test_an_author_given_only_as_an_address_is_left_out_with_a_note(gazette):
    tides = gazette.entries[2]
    assert tides.authors == []
    assert "author with only an email address left out" in tides.notes


def test_a_summary_that_only_opens_the_body_is_not_a_standfirst(gazette):
    lighthouse = gazette.entries[1]
    assert lighthouse.body_html.startswith("<p>The lighthouse reopened on Wednesday")
    assert lighthouse.standfirst == ""


def test_without_full_content_the_description_is_the_body(gazette):
    tides = gazette.entries[2]
    assert tides.body_html == (
        "<p>Tide tables for the spring are now printed at the library and can be "
        "collected free of charge from Monday.</p>"
    )
    assert tides.standfirst == ""


def test_an_untitled_item_is_headed_by_the_first_words_of_its_summary(gazette):
    assert gazette.entries[2].headline == (
        "Tide tables for the spring are now printed at the library and…"
    )


def test_a_guid_permalink_serves_as_source_id_and_old_url(gazette):
    tides = gazette.entries[2]
    assert tides.source_id == "https://gazette.example/notes/tide-tables"
    assert tides.old_urls == ["https://gazette.example/notes/tide-tables"]


def test_without_a_guid_the_link_is_the_source_id(gazette):
    assert gazette.entries[1].source_id == "https://gazette.example/2024/03/lighthouse/"


def test_an_item_with_neither_title_nor_text_is_skipped_with_what_it_held(gazette):
    [skipped] = gazette.skipped
    assert (skipped.kind, skipped.where) == ("entry", "item 4 (line 48)")
    assert skipped.reason.startswith("no title and no text")
    assert "https://cdn.gazette.example/blank.png" in skipped.reason


def test_the_same_picture_named_three_ways_is_one_lead_image(gazette):
    ferry = gazette.entries[0]
    image = ferry.lead_image
    assert image.url == image.source_id == "https://cdn.gazette.example/ferry-dawn.jpg"
    assert image.mime_type == "image/jpeg"
    assert image.title == "The ferry at dawn"
    assert image.caption == "The 07:40 ferry leaves North Quay."
    assert image.credit == "Ana Ruiz"
    assert image.where == "item 1 (line 10)"
    # The picture is noted nowhere else; only the audio file is reported.
    assert ferry.notes == [
        "attachment not imported: audio/mpeg https://cdn.gazette.example/ferry-report.mp3"
    ]


def test_a_media_description_never_becomes_the_story_text():
    items = (
        "<item><title>Pier</title>"
        '<media:content url="https://img.example/pier.jpg" medium="image">'
        "<media:description>Caption of the pier</media:description></media:content>"
        "<description>The story summary.</description>"
        "<content:encoded>&lt;p&gt;The whole story.&lt;/p&gt;</content:encoded></item>"
    )
    namespaces = (
        'xmlns:media="http://search.yahoo.com/mrss/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"'
    )
    [entry] = read_feed(rss(items, namespaces=namespaces).encode()).entries
    assert entry.body_html == "<p>The whole story.</p>"
    assert entry.standfirst == "The story summary."
    assert entry.lead_image.caption == "Caption of the pier"


def test_an_item_without_id_link_or_date_gets_a_digest_of_its_title():
    first = read_feed(rss("<item><title>Same</title></item>").encode()).entries[0]
    again = read_feed(rss("<item><title>Same</title></item>").encode()).entries[0]
    other = read_feed(rss("<item><title>Other</title></item>").encode()).entries[0]
    assert first.source_id.startswith("title-date:sha256:")
    assert first.source_id == again.source_id != other.source_id


def test_an_overlong_id_is_replaced_by_a_stable_digest():
    guid = "urn:x:" + "a" * 300
    entry = read_feed(rss(f"<item><title>T</title><guid>{guid}</guid></item>").encode()).entries[0]
    assert entry.source_id.startswith("digest:sha256:")
    assert len(entry.source_id) <= 255
    assert entry.source_id == entries._source_id(guid, "", "", None)


def test_an_item_repeating_an_earlier_id_is_skipped():
    items = "<item><title>A</title><guid>same</guid></item><item><title>B</title><guid>same</guid></item>"
    feed = read_feed(rss(items).encode())
    assert [e.headline for e in feed.entries] == ["A"]
    assert feed.skipped[0].reason == "repeats the id of item 1 (line 1)"


def test_an_item_without_a_date_has_no_publication_date():
    entry = read_feed(rss("<item><title>T</title></item>").encode()).entries[0]
    assert entry.published_at is None
    assert entry.updated_at is None


def test_a_non_image_enclosure_is_noted_and_an_extra_picture_too():
    items = (
        "<item><title>T</title>"
        '<enclosure url="https://img.example/a.jpg" length="1" type="image/jpeg"/>'
        '<enclosure url="https://img.example/b.gif" length="1" type="image/gif"/>'
        '<enclosure url="https://img.example/c.mp4" length="1" type="video/mp4"/></item>'
    )
    entry = read_feed(rss(items).encode()).entries[0]
    assert entry.lead_image.url == "https://img.example/a.jpg"
    assert entry.notes == [
        "extra image not imported: image/gif https://img.example/b.gif",
        "attachment not imported: video/mp4 https://img.example/c.mp4",
    ]


def test_a_plain_old_link_that_is_not_http_is_not_a_redirect_source():
    items = "<item><title>T</title><link>ftp://files.example/t</link></item>"
    assert read_feed(rss(items).encode()).entries[0].old_urls == []


# --- Atom 1.0 -----------------------------------------------------------------------------------


def test_it_reads_an_atom_feed(weekly):
    assert weekly.kind == "Atom 1.0"
    assert weekly.title == "The Weekly Review"
    assert weekly.link == "https://weekly.example/"
    assert weekly.skipped == []


def test_it_maps_an_atom_entry(weekly):
    review = weekly.entries[0]
    assert review.source_id == "tag:weekly.example,2024:/reviews/7"
    assert review.where == "entry 1 (line 9)"
    assert review.headline == "Review: The Salt Road & other stories"
    assert review.body_html == (
        '<p>The novel follows <a href="https://weekly.example/authors/hale">Hale</a> '
        "along the old salt road.</p>"
    )
    assert review.standfirst == "A patient novel about a coastal trade route."
    assert review.published_at == datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
    assert review.updated_at == datetime(2024, 5, 2, 7, 30, tzinfo=UTC)
    assert review.topics == ["Books", "fiction"]
    assert [(p.name, p.email) for p in review.authors] == [
        ("Priya Natarajan", "priya@weekly.example")
    ]
    assert review.old_urls == ["https://weekly.example/reviews/7"]


def test_an_atom_entry_with_only_updated_is_published_then(weekly):
    policy = weekly.entries[1]
    assert policy.published_at == datetime(2024, 4, 20, tzinfo=UTC)
    assert policy.updated_at is None


def test_an_atom_entry_without_author_takes_the_feed_author(weekly):
    assert [p.name for p in weekly.entries[1].authors] == ["Weekly Desk"]


def test_atom_text_content_becomes_escaped_paragraphs(weekly):
    assert weekly.entries[1].body_html == (
        "<p>We correct errors promptly.</p>\n"
        "<p>Write to the desk &lt;desk@weekly.example&gt; with details.</p>"
    )


def test_an_atom_id_is_kept_as_written_and_never_taken_for_a_link():
    data = (
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://a.example/blog/">'
        "<title>A</title><entry><id>17</id><title>T</title>"
        "<updated>2024-01-01T00:00:00Z</updated></entry></feed>"
    )
    entry = read_feed(data.encode()).entries[0]
    assert entry.source_id == "17"
    assert entry.old_urls == []


# --- JSON Feed ----------------------------------------------------------------------------------


def test_it_reads_json_feed_1_0():
    feed = read_feed(fixture("jsonfeed-1.0.json"))
    assert (feed.kind, feed.title, feed.link) == (
        "JSON Feed 1.0",
        "Valley Notes",
        "https://valley.example/",
    )
    [bridge] = feed.entries
    assert bridge.source_id == "42"
    assert bridge.where == "item 1"
    assert bridge.headline == "Bridge inspection finds rust"
    assert bridge.body_html == (
        "<p>Inspectors found rust on two beams.</p>\n<p>Repairs start in June &lt;soon&gt;.</p>"
    )
    assert bridge.standfirst == "The river bridge needs repairs."
    assert bridge.published_at == datetime(2024, 2, 10, 19, 0, tzinfo=UTC)
    assert bridge.updated_at == datetime(2024, 2, 11, 9, 0, tzinfo=UTC)
    assert bridge.topics == ["Roads, Bridges", "Infrastructure"]
    assert [p.name for p in bridge.authors] == ["Valley Newsroom"]
    assert bridge.lead_image.url == "https://valley.example/img/bridge.jpg"
    assert bridge.old_urls == ["https://valley.example/bridge-rust"]


def test_it_reads_json_feed_1_1():
    feed = read_feed(fixture("jsonfeed-1.1.json"))
    assert feed.kind == "JSON Feed 1.1"
    market, note = feed.entries
    assert market.body_html == (
        '<p>The weekly market moves to Saturday.</p><iframe src="https://maps.example/embed?market"></iframe>'
    )
    assert [p.name for p in market.authors] == ["Lena Brandt"]
    assert market.published_at == datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
    # The banner is also listed as an attachment: one picture, named once.
    assert market.lead_image.url == "https://valley.example/img/market-banner.png"
    assert market.notes == [
        "attachment not imported: audio/x-m4a https://valley.example/audio/market.m4a"
    ]
    assert (
        note.headline == "Short note: the library opens late on Thursday because of staff training…"
    )
    assert [p.name for p in note.authors] == ["Valley Newsroom"]
    assert note.published_at is None
    [empty] = feed.skipped
    assert (empty.where, empty.reason) == ("item 3", "no title and no text")


def test_a_json_feed_after_a_byte_order_mark_is_read():
    data = b"\xef\xbb\xbf  " + fixture("jsonfeed-1.1.json")
    assert read_feed(data).kind == "JSON Feed 1.1"


def test_json_that_is_not_a_json_feed_is_refused():
    with pytest.raises(SourceRefused, match="is JSON but not a JSON Feed"):
        read_feed(json.dumps({"version": "2", "items": []}).encode())
    with pytest.raises(SourceRefused, match="is JSON but not a JSON Feed"):
        read_feed(json.dumps({"version": "https://jsonfeed.org/version/1.1"}).encode())


def test_broken_json_is_refused_with_its_position():
    with pytest.raises(SourceRefused, match=r"not valid JSON: .* at line 2, column \d+"):
        read_feed(b'{"version": "https://jsonfeed.org/version/1",\n "items": [}')


# --- Character encodings -----------------------------------------------------------------------


def test_a_latin_1_feed_is_decoded():
    text = rss(
        "<item><title>Café prices up</title><description>A coffee now costs £3.</description></item>",
        declaration='<?xml version="1.0" encoding="ISO-8859-1"?>',
    )
    entry = read_feed(text.encode("iso-8859-1")).entries[0]
    assert entry.headline == "Café prices up"
    assert entry.body_html == "A coffee now costs £3."


def test_a_windows_1252_feed_is_decoded():
    text = rss(
        "<item><title>“Quoted” – €5 rise</title><description>Naïve</description></item>",
        declaration='<?xml version="1.0" encoding="windows-1252"?>',
    )
    entry = read_feed(text.encode("cp1252")).entries[0]
    assert entry.headline == "“Quoted” – €5 rise"
    assert entry.body_html == "Naïve"


def test_a_utf_16_feed_with_a_byte_order_mark_is_decoded():
    text = rss("<item><title>Zürich</title></item>", declaration='<?xml version="1.0"?>')
    assert read_feed(text.encode("utf-16")).entries[0].headline == "Zürich"


def test_a_utf_8_byte_order_mark_is_accepted():
    data = b"\xef\xbb\xbf" + rss("<item><title>Søndag</title></item>").encode()
    assert read_feed(data).entries[0].headline == "Søndag"


# --- Refusals -----------------------------------------------------------------------------------


def test_an_html_page_is_not_a_feed():
    page = b"<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>Hi</title></head></html>"
    with pytest.raises(SourceRefused, match=r"Not a feed: the root element is <html>"):
        read_feed(page)


def test_an_html_page_that_is_not_even_xml_is_not_a_feed():
    with pytest.raises(SourceRefused, match=r"Not a feed: the root element is <html>"):
        read_feed(b"<html lang=en><body><p>Hello</body></html>")


def test_other_xml_is_not_a_feed():
    with pytest.raises(SourceRefused, match=r"Not a feed: the root element is <urlset>"):
        read_feed(b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>')


def test_an_rss_root_without_a_channel_is_not_a_feed():
    with pytest.raises(SourceRefused, match="no <channel>"):
        read_feed(b'<rss version="2.0"><item><title>T</title></item></rss>')


def test_an_unknown_rss_version_is_refused():
    with pytest.raises(SourceRefused, match="RSS version 3.0"):
        read_feed(b'<rss version="3.0"><channel/></rss>')


def test_a_feed_with_an_unescaped_ampersand_is_refused_whole():
    items = "<item><title>Fine</title></item><item><link>https://x.example/?a=1&b=2</link></item>"
    with pytest.raises(
        SourceRefused,
        match=r"not well-formed XML: not well-formed \(invalid token\) at line 1, column \d+",
    ):
        read_feed(rss(items).encode())


def test_a_truncated_feed_is_refused():
    data = rss("<item><title>Cut short</title></item>").encode().removesuffix(b"</channel></rss>")
    with pytest.raises(SourceRefused, match=r"not well-formed XML: no element found at line 1"):
        read_feed(data)


def test_an_empty_file_is_refused():
    for data in (b"", b"  \n", b"\xef\xbb\xbf"):
        with pytest.raises(SourceRefused, match="empty"):
            read_feed(data)


def test_an_oversized_file_is_refused_before_reading():
    data = b" " * (MAX_FEED_BYTES + 1)
    with pytest.raises(SourceRefused, match="larger than 20 MB"):
        read_feed(data)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<rss version="2.0"><channel><title>&lol4;</title></channel></rss>"""


def test_billion_laughs_is_refused():
    with pytest.raises(SourceRefused, match=r"declares XML entities .*refused for safety"):
        read_feed(BILLION_LAUGHS)


def test_quadratic_blowup_is_refused():
    big = "x" * 50_000
    data = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY big "{big}">]>'
        f'<rss version="2.0"><channel><title>{"&big;" * 2000}</title></channel></rss>'
    ).encode()
    with pytest.raises(SourceRefused, match=r"declares XML entities \(<!ENTITY big …>\)"):
        read_feed(data)


def test_an_external_entity_is_refused_and_never_read():
    data = (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
        b'<rss version="2.0"><channel><title>&secret;</title>'
        b"<item><title>&secret;</title></item></channel></rss>"
    )
    with pytest.raises(SourceRefused, match="refused for safety") as refusal:
        read_feed(data)
    assert "root:" not in str(refusal.value)


def test_an_external_parameter_entity_is_refused():
    data = (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY % remote SYSTEM "http://evil.invalid/x.dtd">'
        b'%remote;]><rss version="2.0"><channel><title>T</title></channel></rss>'
    )
    with pytest.raises(SourceRefused, match="refused for safety"):
        read_feed(data)


def test_a_doctype_naming_an_external_dtd_is_parsed_without_fetching_it(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the reader tried to open a connection")

    monkeypatch.setattr("socket.socket.connect", no_network)
    monkeypatch.setattr("urllib.request.urlopen", no_network)
    data = (
        b'<?xml version="1.0"?>'
        b'<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
        b'"http://my.netscape.com/publish/formats/rss-0.91.dtd">'
        b'<rss version="0.91"><channel><title>Old</title><link>https://old.example/</link>'
        b"<item><title>Still here</title></item></channel></rss>"
    )
    feed = read_feed(data)
    assert (feed.kind, feed.title) == ("RSS 0.91", "Old")
    assert [e.headline for e in feed.entries] == ["Still here"]


def test_feedparser_is_handed_a_stream_and_never_a_name_to_open(monkeypatch):
    seen = []
    real_parse = rss_atom.feedparser.parse

    def spy(source, **options):
        seen.append(source)
        return real_parse(source, **options)

    monkeypatch.setattr(rss_atom.feedparser, "parse", spy)
    read_feed(rss("<item><title>T</title></item>").encode())
    assert hasattr(seen[0], "read")


# --- RSS 1.0 ------------------------------------------------------------------------------------


def test_it_reads_rss_1_0():
    data = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://rdf.example/"><title>RDF news</title><link>https://rdf.example/</link></channel>
  <item rdf:about="https://rdf.example/1"><title>First</title><link>https://rdf.example/1</link>
    <dc:creator>Ada Park</dc:creator><dc:date>2024-06-01T12:00:00Z</dc:date></item>
</rdf:RDF>"""
    feed = read_feed(data)
    assert (feed.kind, feed.title) == ("RSS 1.0", "RDF news")
    [entry] = feed.entries
    assert entry.source_id == "https://rdf.example/1"
    assert [p.name for p in entry.authors] == ["Ada Park"]
    assert entry.published_at == datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


def test_a_feed_in_a_multi_byte_encoding_is_decoded():
    text = rss(
        "<item><title>港のニュース</title></item>",
        declaration='<?xml version="1.0" encoding="Shift_JIS"?>',
    )
    assert read_feed(text.encode("shift_jis")).entries[0].headline == "港のニュース"


def test_a_feed_in_an_unknown_encoding_is_refused():
    with pytest.raises(SourceRefused, match="character encoding we cannot read"):
        read_feed(b'<?xml version="1.0" encoding="x-martian"?><rss version="2.0"><channel/></rss>')


def test_a_json_date_that_cannot_be_read_is_noted_not_guessed():
    data = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "items": [{"id": "a", "title": "T", "date_published": "last Tuesday"}],
        }
    ).encode()
    entry = read_feed(data).entries[0]
    assert entry.published_at is None
    assert entry.notes == ["date_published not understood: 'last Tuesday'"]


# --- Legacy RSS 2.0: a default namespace on the root, 8-bit encodings ----------------------------

USERLAND_RSS = (
    '{declaration}<rss xmlns="http://backend.userland.com/rss2" version="2.0"><channel>'
    "<title>Radio Weblog</title><link>https://radio.example/</link>"
    "<item><title>{title}</title><link>https://radio.example/2003/01/a</link>"
    "<guid>https://radio.example/2003/01/a</guid><author>ed@radio.example (Ed Old)</author>"
    "<description>&lt;p&gt;{body}&lt;/p&gt;</description></item></channel></rss>"
)


def test_an_rss_root_in_the_userland_default_namespace_is_read_as_rss_2():
    data = USERLAND_RSS.format(
        declaration='<?xml version="1.0"?>', title="Old but fine", body="Still a feed."
    ).encode()
    feed = read_feed(data)
    assert feed.kind == "RSS 2.0"
    [entry] = feed.entries
    assert entry.headline == "Old but fine"
    assert entry.body_html == "<p>Still a feed.</p>"
    assert entry.source_id == "https://radio.example/2003/01/a"
    assert [person.name for person in entry.authors] == ["Ed Old"]


def test_an_rss_root_in_the_harvard_default_namespace_is_read_as_rss_2():
    data = rss("<item><title>Harvard</title></item>").replace(
        "<rss ", '<rss xmlns="http://blogs.law.harvard.edu/tech/rss" '
    )
    assert [entry.headline for entry in read_feed(data.encode()).entries] == ["Harvard"]


@pytest.mark.parametrize(
    ("declared", "codec", "title", "body"),
    [
        ("windows-1252", "cp1252", "“Smart” quotes – café £5 €6", "Naïve “body” £ €"),
        ("iso-8859-1", "iso-8859-1", "Café à £5", "Crème brûlée"),
        ("ISO-8859-15", "iso-8859-15", "Prix: 5 € le café", "Œuvre"),
        ("koi8-r", "koi8-r", "Новости дня", "Привет, мир"),
        ("windows-1251", "cp1251", "«Новости» – €5", "Ёлка"),
    ],
)
def test_a_legacy_8_bit_feed_in_a_default_namespace_comes_out_as_the_right_characters(
    declared, codec, title, body
):
    data = USERLAND_RSS.format(
        declaration=f'<?xml version="1.0" encoding="{declared}"?>', title=title, body=body
    ).encode(codec)
    [entry] = read_feed(data).entries
    assert entry.headline == title
    assert entry.body_html == f"<p>{body}</p>"


def test_a_wrong_root_is_named_with_its_namespace():
    page = b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>'
    with pytest.raises(SourceRefused) as refusal:
        read_feed(page)
    assert str(refusal.value) == (
        "Not a feed: the root element is <html> (namespace http://www.w3.org/1999/xhtml), "
        "not <rss>, <feed> or <rdf:RDF>."
    )


def test_an_rss_root_in_a_namespace_no_rss_version_uses_names_that_namespace():
    data = b'<rss xmlns="https://example.com/not-rss" version="2.0"><channel/></rss>'
    with pytest.raises(SourceRefused) as refusal:
        read_feed(data)
    assert "<rss> (namespace https://example.com/not-rss)" in str(refusal.value)
    assert "<rss>, not <rss>" not in str(refusal.value)
