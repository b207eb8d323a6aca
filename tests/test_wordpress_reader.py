"""The WordPress export reader: what records a WXR file becomes, and which files it refuses.

The fixtures in tests/fixtures/wxr/ are small exports of a made-up paper, the Harbour Gazette.
"""

import socket
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from importers.records import Entry, Media, Person, Skipped, SourceRefused, Term
from importers.wordpress import open_wxr
from importers.wp_body import convert_body

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "wxr"

ENTITIES_REFUSED = "declares XML entities; entity declarations are refused for safety"
NOT_WXR = "not a WordPress export (WXR) file"
BAD_VERSION = (
    "This does not appear to be a WordPress export (WXR) file: missing or invalid WXR version"
    " number."
)


def records(name, phase, **options):
    return list(open_wxr(FIXTURES / name, **options).records(phase))


def entries(name, **options):
    return {r.source_id: r for r in records(name, "content", **options) if isinstance(r, Entry)}


def skipped(found):
    return [(r.kind, r.where, r.reason, r.count) for r in found if isinstance(r, Skipped)]


def write(tmp_path, text, name="export.xml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def export_with(body="", *, head="", items=None, wp="http://wordpress.org/export/1.2/"):
    """A minimal WXR document; `body` becomes the content of its one post."""
    if items is None:
        items = f"""<item><title>One</title><wp:post_id>1</wp:post_id>
            <wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
            <content:encoded><![CDATA[{body}]]></content:encoded></item>"""
    return f"""<?xml version="1.0" encoding="UTF-8"?>{head}
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
    xmlns:wp="{wp}">
<channel><title>Test</title><wp:wxr_version>1.2</wp:wxr_version>
{items}
</channel></rss>
"""


def converted(tmp_path, body):
    """The Entry the reader makes of a post whose content is `body`."""
    (entry,) = records(write(tmp_path, export_with(body)), "content")
    return entry


def blocks(html):
    """Top-level elements of converted HTML as (tag, text) pairs."""
    soup = BeautifulSoup(html, "html.parser")
    return [(node.name, node.get_text()) for node in soup.find_all(recursive=False)]


# The channel header


def test_it_reads_the_channel_header():
    export = open_wxr(FIXTURES / "gazette-1.2.xml")
    assert export.version == "1.2"
    assert export.title == "The Harbour Gazette"
    assert export.site_url == "https://gazette.example"
    assert export.blog_url == "https://gazette.example/news"


def test_site_url_falls_back_to_the_channel_link():
    export = open_wxr(FIXTURES / "gazette-1.0.xml")
    assert export.version == "1.0"
    assert export.site_url == "http://old.gazette.example"
    assert export.blog_url == "http://old.gazette.example"


def test_it_accepts_https_namespace_addresses():
    export = open_wxr(FIXTURES / "gazette-1.1-https.xml")
    assert export.version == "1.1"
    assert export.title == "Harbour Gazette & Times"
    (entry,) = entries("gazette-1.1-https.xml").values()
    assert entry.standfirst == "When the sea comes in."  # the https excerpt namespace
    assert [person.name for person in entry.authors] == ["Sam Okafor"]


def test_check_passes_a_sound_export():
    assert open_wxr(FIXTURES / "gazette-1.2.xml").check() is None


def test_records_needs_a_known_phase():
    with pytest.raises(ValueError, match="phase"):
        open_wxr(FIXTURES / "gazette-1.2.xml").records("everything")


def test_an_unknown_time_zone_is_an_error():
    with pytest.raises(ValueError, match="Mars/Olympus"):
        open_wxr(FIXTURES / "gazette-1.2.xml", timezone="Mars/Olympus")


# The library phase: people, topics, pictures


def test_library_names_authors_with_values_trimmed():
    people = [r for r in records("gazette-1.2.xml", "library") if isinstance(r, Person)]
    assert people == [
        Person(name="Jo Doe", slug="jo-doe", login="jdoe", email="jo@gazette.example"),
        # No display name: first and last names stand in.
        Person(name="Min Lee", slug="min-lee", login="mlee", email="min@gazette.example"),
    ]


def test_library_turns_categories_and_tags_into_terms():
    terms = [r for r in records("gazette-1.2.xml", "library") if isinstance(r, Term)]
    assert [(t.kind, t.name, t.slug) for t in terms] == [
        ("category", "Local News", "local-news"),
        ("category", "Harbour & Quays", "harbour"),
        ("tag", "Dredging, 2024", "dredging-2024"),
        ("category", "Sport", "sport"),  # a wp:term in the category taxonomy
        ("tag", "Sailing", "sailing"),  # a wp:term in the post_tag taxonomy
    ]
    assert terms[0].description == "Stories from our town"
    assert terms[0].where == "category 1 (term 2)"


def test_library_skips_custom_taxonomies_and_uncategorized():
    found = skipped(records("gazette-1.2.xml", "library"))
    assert found == [
        (
            "category",
            "category 3 (term 1)",
            "WordPress's default “Uncategorized” is not imported",
            1,
        ),
        ("custom taxonomy term", "term 3 (term 10)", "the “nav_menu” taxonomy has no home here", 1),
        ("custom taxonomy term", "term 4 (term 11)", "the “region” taxonomy has no home here", 1),
    ]


def test_library_maps_attachments_to_media():
    library = records("gazette-1.2.xml", "library")
    assert [r for r in library if isinstance(r, Media)] == [
        Media(
            source_id="201",
            url="https://gazette.example/wp-content/uploads/2024/03/harbour.jpg",
            title="Harbour at dawn",
            alt="Fishing boats moored at dawn",
            caption="Boats at first light",
            credit="Mára Quinn",  # from the serialised metadata, 11 bytes for 10 letters
            description="Taken from the north pier.",
            mime_type="image/jpeg",
            uploads_path="2024/03/harbour.jpg",
            where="item 1 (attachment 201)",
        )
    ]
    assert not [r for r in library if isinstance(r, Entry)]


def test_an_attachment_without_a_guid_or_url_is_skipped(tmp_path):
    item = """<item><title>Lost</title><wp:post_id>9</wp:post_id>
        <wp:post_type>attachment</wp:post_type></item>"""
    path = write(tmp_path, export_with(items=item))
    assert skipped(records(path, "library")) == [
        ("attachment", "item 1 (attachment 9)", "it names no web address for its file", 1)
    ]


def test_credit_is_read_only_when_the_serialised_length_matches(tmp_path):
    meta = 'a:1:{s:10:"image_meta";a:1:{s:6:"credit";s:40:"Short";}}'
    item = f"""<item><title>Odd</title><wp:post_id>9</wp:post_id>
        <wp:post_type>attachment</wp:post_type>
        <wp:attachment_url>https://gazette.example/a.jpg</wp:attachment_url>
        <wp:postmeta><wp:meta_key>_wp_attachment_metadata</wp:meta_key>
        <wp:meta_value><![CDATA[{meta}]]></wp:meta_value></wp:postmeta></item>"""
    (media,) = records(write(tmp_path, export_with(items=item)), "library")
    assert media.credit == ""


def test_an_uploads_path_leaving_the_uploads_folder_is_dropped(tmp_path):
    item = """<item><title>Sneaky</title><wp:post_id>9</wp:post_id>
        <wp:post_type>attachment</wp:post_type>
        <wp:attachment_url>https://gazette.example/a.jpg</wp:attachment_url>
        <wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key>
        <wp:meta_value>../../settings.py</wp:meta_value></wp:postmeta></item>"""
    (media,) = records(write(tmp_path, export_with(items=item)), "library")
    assert media.uploads_path == ""


# The content phase: posts and pages


def test_a_published_post_is_mapped_field_by_field():
    post = entries("gazette-1.2.xml")["101"]
    assert post.kind == "post"
    assert post.where == "item 2 (post 101)"
    assert post.headline == "Council & harbour board agree dredging plan"
    assert post.slug == "council-harbour-dredging"
    assert post.standfirst == "The board voted five to two."
    assert post.status == "published"
    assert post.published_at == datetime(2024, 3, 5, 9, 30, tzinfo=UTC)
    assert post.updated_at is None
    assert post.authors == [
        Person(name="Jo Doe", slug="jo-doe", login="jdoe", email="jo@gazette.example")
    ]
    assert post.lead_image_ref == "201"
    assert post.old_urls == [
        "https://gazette.example/2024/03/05/dredging-plan/",
        "http://gazette.example/?p=101",
    ]
    assert post.notes == []


def test_section_is_the_first_category_and_topics_the_rest_then_tags():
    post = entries("gazette-1.2.xml")["101"]
    assert post.section == "Local News"
    # The "local news" tag repeats the section; post formats and custom taxonomies are left out;
    # a comma inside a name is part of the name.
    assert post.topics == ["Harbour & Quays", "Dredging, 2024"]


def test_uncategorized_is_never_a_section_or_topic():
    posts = entries("gazette-1.2.xml")
    assert (posts["102"].section, posts["102"].topics) == ("Sport", ["Sailing"])
    assert (posts["103"].section, posts["103"].topics) == ("", [])


@pytest.mark.parametrize(
    ("source_id", "status"),
    [
        ("101", "published"),  # publish
        ("102", "published"),  # future
        ("103", "draft"),  # draft
        ("104", "draft"),  # pending
        ("105", "draft"),  # private
        ("106", "draft"),  # auto-draft
        ("109", "draft"),  # published, but behind a password
    ],
)
def test_wordpress_statuses_become_published_or_draft(source_id, status):
    assert entries("gazette-1.2.xml")[source_id].status == status


def test_a_scheduled_post_keeps_its_future_date():
    post = entries("gazette-1.2.xml")["102"]
    assert post.published_at == datetime(2031, 6, 1, 8, 0, tzinfo=UTC)


def test_private_and_password_protected_posts_say_why_they_are_drafts():
    posts = entries("gazette-1.2.xml")
    assert posts["105"].notes == ["was private in WordPress; imported as a draft"]
    assert posts["109"].notes == ["was password-protected in WordPress; imported as a draft"]


def test_without_a_gmt_date_the_local_date_is_read_in_the_sites_zone():
    assert entries("gazette-1.2.xml")["103"].published_at == datetime(2024, 3, 6, 14, 0, tzinfo=UTC)
    in_paris = entries("gazette-1.2.xml", timezone="Europe/Paris")["103"]
    assert in_paris.published_at == datetime(2024, 3, 6, 13, 0, tzinfo=UTC)


def test_an_untitled_draft_without_dates():
    draft = entries("gazette-1.2.xml")["106"]
    assert draft.headline == "(untitled)"
    assert draft.notes == ["had no title; imported with the headline “(untitled)”"]
    assert draft.published_at is None
    assert draft.body_html == ""
    assert draft.slug == ""


def test_percent_encoded_slugs_are_decoded_then_made_ascii():
    posts = entries("gazette-1.2.xml")
    assert posts["108"].slug == "cafe-resume"
    assert posts["109"].slug == "gang"  # 港 transliterated, as every importer makes slugs


def test_pages_are_entries_of_kind_page():
    page = entries("gazette-1.2.xml")["110"]
    assert (page.kind, page.headline, page.where) == (
        "page",
        "About the Gazette",
        "item 11 (page 110)",
    )


def test_content_skips_what_has_no_home_and_counts_comments():
    assert skipped(records("gazette-1.2.xml", "content")) == [
        ("comment", "item 2 (post 101)", "comments are not imported", 2),
        ("post", "item 8 (post 107)", "in the trash", 1),
        ("comment", "item 8 (post 107)", "comments are not imported", 1),
        ("menu item", "item 12 (nav_menu_item 111)", "navigation menus are not imported", 1),
        ("revision", "item 13 (revision 112)", "earlier revisions are not imported", 1),
        ("product", "item 14 (product 113)", "WordPress “product” items have no home here", 1),
    ]


def test_content_yields_no_library_records():
    content = records("gazette-1.2.xml", "content")
    assert not [r for r in content if isinstance(r, Person | Term | Media)]
    assert sorted(entries("gazette-1.2.xml")) == [
        "101",
        "102",
        "103",
        "104",
        "105",
        "106",
        "108",
        "109",
        "110",
    ]


def test_wxr_1_0_falls_back_to_the_creator_and_reads_old_style_tags():
    (post,) = entries("gazette-1.0.xml").values()
    assert post.authors == [Person(name="editor", slug="editor", login="editor")]
    assert post.section == "Ferries"  # a <category> without a domain is a category
    assert post.topics == ["timetables", "Islands, bays"]  # domain="tag", deduplicated
    assert post.published_at == datetime(2009, 5, 2, 7, 15, tzinfo=UTC)


def test_a_guid_equal_to_the_link_is_not_repeated():
    (post,) = entries("gazette-1.1-https.xml").values()
    assert post.old_urls == ["https://times.gazette.example/tide-tables/"]


def test_postmeta_values_stay_opaque_strings(tmp_path):
    item = """<item><title>Meta</title><wp:post_id>5</wp:post_id>
        <wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
        <wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key>
        <wp:meta_value><![CDATA[a:1:{i:0;s:2:"12";}]]></wp:meta_value></wp:postmeta></item>"""
    (post,) = records(write(tmp_path, export_with(items=item)), "content")
    assert post.lead_image_ref == 'a:1:{i:0;s:2:"12";}'


# Body conversion: paragraphs


def test_blank_lines_make_paragraphs_and_single_breaks_br(tmp_path):
    entry = converted(tmp_path, "First line\nsecond line\n\nNext paragraph")
    assert entry.body_html == "<p>First line<br />\nsecond line</p>\n<p>Next paragraph</p>"


def test_block_elements_are_not_wrapped_in_paragraphs(tmp_path):
    body = (
        "<h2>Tides</h2>\nIntro\n<ul>\n<li>High\nwater</li>\n<li>Low</li>\n</ul>\n"
        "<table><tr><td>6am</td></tr></table>\n<hr />\n<figure><img src='a.jpg'></figure>\nEnd"
    )
    html = converted(tmp_path, body).body_html
    assert blocks(html) == [
        ("h2", "Tides"),
        ("p", "Intro"),
        ("ul", "\nHigh\nwater\nLow\n"),
        ("table", "6am"),
        ("hr", ""),
        ("figure", ""),
        ("p", "End"),
    ]
    assert "<li>High<br />\nwater</li>" in html
    assert "<p><" not in html


def test_paragraphs_inside_a_blockquote(tmp_path):
    html = converted(tmp_path, "<blockquote>Quoted\n\nMore quoted</blockquote>").body_html
    assert html == "<blockquote>\n<p>Quoted</p>\n<p>More quoted</p>\n</blockquote>"


def test_text_directly_in_a_div_becomes_a_paragraph(tmp_path):
    # The sanitiser unwraps <div>; its text must not be left bare between blocks.
    assert converted(tmp_path, '<div class="note">Boxed</div>').body_html == (
        '<div class="note">\n<p>Boxed</p>\n</div>'
    )


def test_pre_content_is_left_alone(tmp_path):
    code = "<pre>def tide():\n\n    return [gallery]  # \\n\n</pre>"
    html = converted(tmp_path, f"Before\n{code}\nAfter").body_html
    assert html == f"<p>Before</p>\n{code}\n<p>After</p>"


def test_the_more_marker_is_dropped(tmp_path):
    assert (
        converted(tmp_path, "Teaser<!--more-->\n\nRest").body_html == "<p>Teaser</p>\n<p>Rest</p>"
    )


def test_block_editor_content_gets_no_extra_paragraphs(tmp_path):
    body = "<!-- wp:paragraph -->\n<p>One\ntwo</p>\n<!-- /wp:paragraph -->"
    assert converted(tmp_path, body).body_html == body


def test_a_block_editor_embed_becomes_its_address(tmp_path):
    body = (
        '<!-- wp:embed {"url":"https://youtu.be/dQw4w9WgXcQ"} -->\n'
        '<figure class="wp-block-embed is-type-video"><div class="wp-block-embed__wrapper">\n'
        "https://youtu.be/dQw4w9WgXcQ\n</div><figcaption>A song</figcaption></figure>\n"
        "<!-- /wp:embed -->"
    )
    html = converted(tmp_path, body).body_html
    assert blocks(html) == [("p", "https://youtu.be/dQw4w9WgXcQ")]


# Body conversion: captions and embeds


def test_a_caption_becomes_a_figure(tmp_path):
    body = (
        '[caption id="attachment_201" align="alignnone" width="300"]'
        '<a href="https://gazette.example/?attachment_id=201">'
        '<img src="https://gazette.example/boats.jpg" alt="Boats" width="300" /></a>'
        " Boats in the <em>inner</em> harbour[/caption]\n\nAfter"
    )
    entry = converted(tmp_path, body)
    assert entry.body_html == (
        '<figure><img src="https://gazette.example/boats.jpg" alt="Boats" width="300" />'
        "<figcaption>Boats in the <em>inner</em> harbour</figcaption></figure>\n<p>After</p>"
    )
    assert entry.notes == []


def test_old_style_captions_in_an_attribute(tmp_path):
    body = (
        '[wp_caption caption="Low tide"]<img src="https://gazette.example/low.jpg" />[/wp_caption]'
    )
    assert converted(tmp_path, body).body_html == (
        '<figure><img src="https://gazette.example/low.jpg" /><figcaption>Low tide</figcaption></figure>'
    )


@pytest.mark.parametrize(
    ("body", "url"),
    [
        (
            "Watch this:\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ\nThanks.",
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        ),
        ("[embed]https://vimeo.com/76979871[/embed]", "https://vimeo.com/76979871"),
        (
            '<iframe width="560" height="315" src="https://www.youtube.com/embed/dQw4w9WgXcQ?rel=0" allowfullscreen></iframe>',
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        ),
        ('<iframe src="https://player.vimeo.com/video/76979871" />', "https://vimeo.com/76979871"),
        ("https://x.com/gazette/status/1234567890", "https://x.com/gazette/status/1234567890"),
    ],
)
def test_embeds_become_a_paragraph_holding_only_the_address(tmp_path, body, url):
    entry = converted(tmp_path, body)
    assert ("p", url) in blocks(entry.body_html)
    assert f"<p>{url}</p>" in entry.body_html.replace("&amp;", "&")
    assert "iframe" not in entry.body_html
    assert entry.notes == []


def test_an_address_inside_a_sentence_is_not_an_embed(tmp_path):
    body = "See https://www.youtube.com/watch?v=dQw4w9WgXcQ for more."
    assert converted(tmp_path, body).body_html == f"<p>{body}</p>"


def test_other_iframes_are_removed_and_noted(tmp_path):
    entry = converted(
        tmp_path, 'Map: <iframe src="https://maps.example.com/embed?q=quay"></iframe> here.'
    )
    assert entry.body_html == "<p>Map:  here.</p>"
    assert entry.notes == ["removed iframe from maps.example.com"]


def test_shortcodes_are_removed_and_noted(tmp_path):
    body = (
        'Photos: [gallery ids="1,2"]\n\n[audio mp3="https://gazette.example/a.mp3"][/audio]'
        '\n\n[contact-form-7 id="3" title="Tips"]\n\n[highlight]Kept words[/highlight]\n\n[gallery]'
    )
    entry = converted(tmp_path, body)
    assert entry.body_html == "<p>Photos:</p>\n<p>Kept words</p>"
    assert entry.notes == [
        "removed shortcode [gallery] (2 times)",
        "removed shortcode [audio]",
        "removed shortcode [contact-form-7]",
        "removed shortcode [highlight]",
    ]


def test_ordinary_brackets_are_kept(tmp_path):
    body = (
        "He said it was [sic] fine [1]. [Update: the quay reopened.] Write [[gallery]] to show one."
    )
    entry = converted(tmp_path, body)
    assert entry.body_html == (
        "<p>He said it was [sic] fine [1]. [Update: the quay reopened.] Write [gallery] to show one.</p>"
    )
    assert entry.notes == []


def test_brackets_inside_html_tags_are_not_shortcodes(tmp_path):
    body = '<a href="https://gazette.example/" title="[gallery]">Home</a>'
    entry = converted(tmp_path, body)
    assert entry.body_html == f"<p>{body}</p>"
    assert entry.notes == []


def test_backslashes_survive_unchanged(tmp_path):
    body = r"Path C:\tides\new, regex \d+ and \1, quote \"x\" and \\ double"
    assert converted(tmp_path, body).body_html == f"<p>{body}</p>"


def test_removing_things_cannot_assemble_a_script_tag(tmp_path):
    body = (
        "1 <[gallery]script>alert(1)</script>\n\n"
        '2 <<iframe src="https://evil.example/"></iframe>script>alert(2)'
    )
    html = converted(tmp_path, body).body_html
    assert "<script" not in html.lower()
    assert "&lt;script>" in html


N = 30_000  # at this size a quadratic step takes many seconds; a linear one, milliseconds


@pytest.mark.parametrize(
    "body",
    [
        "<pre>x " * N,
        "<!-- x " * N,
        "<!--more x " * N,
        "<iframe src='https://evil.example/'> " * N,
        "[b] " * N,
        "[/c][c] " * N,
        '<a title="x ' * N,
        "a" + " " * (10 * N) + "b",
        "[x " + "a" * (10 * N) + "]",
    ],
    ids=lambda body: repr(body[:12]),
)
def test_hostile_bodies_convert_in_linear_time(body):
    start = time.perf_counter()
    convert_body(body)
    assert time.perf_counter() - start < 3


def test_deeply_nested_shortcodes_stop_at_a_limit():
    names = [f"x_{level}" for level in range(1000)]
    body = "".join(f"[{n}]" for n in names) + "deep" + "".join(f"[/{n}]" for n in reversed(names))
    html, notes = convert_body(body)
    assert "deep" in html
    assert "shortcodes nested too deeply were left as they were" in notes


# Refusals


def assert_refused(path, message, *, when="open"):
    """`path` is refused with `message`, by open_wxr or only by check() and records()."""
    if when == "open":
        with pytest.raises(SourceRefused) as refusal:
            open_wxr(path)
    else:
        export = open_wxr(path)
        with pytest.raises(SourceRefused) as refusal:
            export.check()
        with pytest.raises(SourceRefused):
            list(export.records("content"))
    assert message in str(refusal.value)
    return str(refusal.value)


def test_a_malformed_file_is_refused_with_the_place(tmp_path):
    path = write(tmp_path, export_with(items="<item><title>One</item>"), name="broken.xml")
    message = assert_refused(
        path, "broken.xml is not well-formed XML: mismatched tag", when="check"
    )
    assert "at line 5, column 19" in message


def test_a_truncated_file_passes_the_header_but_not_check(tmp_path):
    text = export_with("A long story")
    path = write(tmp_path, text[: text.index("</content:encoded>")], name="cut.xml")
    assert_refused(path, "cut.xml is not well-formed XML: no element found at line 7", when="check")


def test_a_file_cut_between_items_is_refused(tmp_path):
    text = export_with("One")
    path = write(tmp_path, text[: text.index("</channel>")], name="cut.xml")
    assert_refused(path, "is not well-formed XML: no element found", when="check")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>',
            f"{NOT_WXR}: its root element is <feed>, not <rss>.",
        ),
        (
            '<rss version="2.0"><item><title>x</title></item></rss>',
            f"{NOT_WXR}: it has no <channel>.",
        ),
        ('<rss version="2.0"><channel><title>x</title><item/></channel></rss>', BAD_VERSION),
    ],
)
def test_files_that_are_not_wordpress_exports_are_refused(tmp_path, text, message):
    assert_refused(write(tmp_path, text), message)


@pytest.mark.parametrize(
    "version_element",
    [
        "<wp:wxr_version>1.3</wp:wxr_version>",
        "<wp:wxr_version>abc</wp:wxr_version>",
        "<wp:wxr_version></wp:wxr_version>",
        # The right number in a namespace WordPress never used:
        '<v:wxr_version xmlns:v="http://wordpress.org/export/1.3/">1.2</v:wxr_version>',
    ],
)
def test_a_missing_or_invalid_version_is_refused(tmp_path, version_element):
    text = export_with("x").replace("<wp:wxr_version>1.2</wp:wxr_version>", version_element)
    assert_refused(write(tmp_path, text), BAD_VERSION)


def test_billion_laughs_is_refused():
    assert_refused(FIXTURES / "billion-laughs.xml", f"billion-laughs.xml {ENTITIES_REFUSED}")


def test_quadratic_blowup_is_refused(tmp_path):
    # One large entity, used many times: 50 kB of entity times 20,000 references = 1 GB.
    head = f'\n<!DOCTYPE rss [<!ENTITY big "{"x" * 50_000}">]>'
    text = export_with("&big;" * 20_000, head=head).replace("<![CDATA[", "").replace("]]>", "")
    assert_refused(write(tmp_path, text), ENTITIES_REFUSED)


def test_an_external_entity_is_refused():
    message = assert_refused(FIXTURES / "external-entity.xml", ENTITIES_REFUSED)
    assert "root:" not in message  # nothing of /etc/passwd leaks into the message


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the reader tried to use the network")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(urllib.request, "urlopen", refuse)


def test_an_external_dtd_is_never_fetched(no_network):
    export = open_wxr(FIXTURES / "external-dtd.xml")
    export.check()
    (post,) = export.records("content")
    assert post.headline == "Still readable"


def test_an_external_dtd_on_disk_is_never_read(tmp_path, no_network):
    # Were this DTD read, its entity declaration would get the file refused.
    (tmp_path / "entities.dtd").write_text('<!ENTITY leak SYSTEM "file:///etc/passwd">')
    path = write(tmp_path, export_with("Fine", head='\n<!DOCTYPE rss SYSTEM "entities.dtd">'))
    export = open_wxr(path)
    export.check()
    assert [r.body_html for r in export.records("content")] == ["<p>Fine</p>"]


def test_entities_declared_after_the_check_are_refused_by_the_reading_pass(tmp_path):
    # The passes after check() read the items by ranges, each with the file's prolog, by the
    # C reader; the prolog itself goes through defusedxml again first. A file changed between
    # the two (same length, so the ranges still fit) is refused, and nothing is expanded.
    item = """<item><title>T{n}</title><wp:post_id>{n}</wp:post_id>
        <wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
        <content:encoded>{text}</content:encoded></item>"""
    sound = export_with(
        head="\n<!DOCTYPE rss [<!ELEMENT rss ANY>  ]>",
        items="".join(item.format(n=n, text="fine &amp; well") for n in (1, 2)),
    )
    changed = export_with(
        head="\n<!DOCTYPE rss [<!ENTITY a 'leaked'>]>",
        items="".join(item.format(n=n, text="fine &a;   well") for n in (1, 2)),
    )
    assert len(sound.encode()) == len(changed.encode())
    path = write(tmp_path, sound)
    export = open_wxr(path)
    export.check()
    assert export.map is not None  # read by ranges
    assert [r.body_html for r in export.records("content")] == ["<p>fine & well</p>"] * 2
    path.write_text(changed, encoding="utf-8")
    with pytest.raises(SourceRefused, match=ENTITIES_REFUSED):
        list(export.records("content"))


def test_a_doctype_with_an_internal_subset_but_no_entities_is_fine(tmp_path):
    path = write(tmp_path, export_with("Fine", head="\n<!DOCTYPE rss [<!ELEMENT rss ANY>]>"))
    open_wxr(path).check()


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(SourceRefused, match="cannot be read"):
        open_wxr(tmp_path / "nowhere.xml")
