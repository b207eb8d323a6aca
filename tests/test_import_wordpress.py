"""`import_wordpress`: a WordPress export in, articles, pictures, pages and redirects out.

The exports here are small ones written for these tests (`wxr()` builds them); the real-world
files of WordPress's own importer tests are read in tests/test_import_conformance.py.
"""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.flatpages.models import FlatPage
from django.contrib.redirects.models import Redirect
from django.core.management import CommandError, call_command
from django.utils import timezone
from PIL import Image as PILImage

from articles.models import Article, Topic
from authors.models import Author
from library.models import Image
from tests.conftest import parse

pytestmark = pytest.mark.django_db

AUTHORS = """
<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[rosa]]></wp:author_login>
<wp:author_email><![CDATA[rosa@old.example]]></wp:author_email>
<wp:author_display_name><![CDATA[Rosa Field
]]></wp:author_display_name></wp:author>
<wp:author><wp:author_id>2</wp:author_id><wp:author_login><![CDATA[sam]]></wp:author_login>
<wp:author_display_name><![CDATA[Sam Okafor]]></wp:author_display_name></wp:author>
"""


def wxr(*items, version="1.2", scheme="http", authors=AUTHORS, extra=""):
    namespace = f"{scheme}://wordpress.org/export/{version}/"
    return f"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="{namespace}excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="{namespace}">
<channel>
<title>The Old Gazette</title><link>http://old.example</link>
<wp:wxr_version>{version}</wp:wxr_version>
<wp:base_site_url>http://old.example</wp:base_site_url>
<wp:base_blog_url>http://old.example</wp:base_blog_url>
{authors}{extra}
{"".join(items)}
</channel></rss>"""


def post(n, *, title=None, status="publish", post_type="post", content=None, excerpt="",
         date_gmt="2023-03-14 09:30:00", creator="rosa", categories=("Local news",),
         tags=("Buses",), meta="", comments=""):
    terms = "".join(
        f'<category domain="category" nicename="c{i}"><![CDATA[{name}]]></category>'
        for i, name in enumerate(categories)
    ) + "".join(
        f'<category domain="post_tag" nicename="t{i}"><![CDATA[{name}]]></category>'
        for i, name in enumerate(tags)
    )
    content = f"First paragraph of post {n}.\n\nSecond paragraph." if content is None else content
    return f"""
<item><title>{title or f"Post number {n}"}</title>
<link>http://old.example/2023/03/post-{n}/</link>
<dc:creator><![CDATA[{creator}]]></dc:creator>
<guid isPermaLink="false">http://old.example/?p={n}</guid>
<content:encoded><![CDATA[{content}]]></content:encoded>
<excerpt:encoded><![CDATA[{excerpt}]]></excerpt:encoded>
<wp:post_id>{n}</wp:post_id>
<wp:post_date><![CDATA[2023-03-14 09:30:00]]></wp:post_date>
<wp:post_date_gmt><![CDATA[{date_gmt}]]></wp:post_date_gmt>
<wp:post_name><![CDATA[post-{n}]]></wp:post_name>
<wp:status><![CDATA[{status}]]></wp:status>
<wp:post_type><![CDATA[{post_type}]]></wp:post_type>
{terms}{meta}{comments}
</item>"""


def attachment(n, path="2023/03/harbour.jpg", alt="Boats in the harbour", caption="At dawn."):
    url = f"http://old.example/wp-content/uploads/{path}"
    return f"""
<item><title>harbour</title><link>http://old.example/?attachment_id={n}</link>
<guid isPermaLink="false">{url}</guid>
<excerpt:encoded><![CDATA[{caption}]]></excerpt:encoded>
<content:encoded><![CDATA[]]></content:encoded>
<wp:post_id>{n}</wp:post_id><wp:status>inherit</wp:status>
<wp:post_type>attachment</wp:post_type><wp:post_mime_type>image/jpeg</wp:post_mime_type>
<wp:attachment_url>{url}</wp:attachment_url>
<wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key>
<wp:meta_value><![CDATA[{alt}]]></wp:meta_value></wp:postmeta>
</item>"""


def thumbnail(attachment_id):
    return (
        "<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key>"
        f"<wp:meta_value><![CDATA[{attachment_id}]]></wp:meta_value></wp:postmeta>"
    )


def comment(n):
    return (
        f"<wp:comment><wp:comment_id>{n}</wp:comment_id><wp:comment_content><![CDATA[Great]]>"
        "</wp:comment_content><wp:comment_approved>1</wp:comment_approved></wp:comment>"
    )


def write(tmp_path, text, name="export.xml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def import_wordpress(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_wordpress", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def database_state():
    return (
        list(Article.objects.values().order_by("pk")),
        list(Topic.objects.values().order_by("pk")),
        list(Author.objects.values().order_by("pk")),
        list(Redirect.objects.values().order_by("pk")),
        list(FlatPage.objects.values().order_by("pk")),
        list(Image.objects.values().order_by("pk")),
    )


def test_posts_become_articles_with_their_words_people_and_topics(tmp_path, reader):
    content = (
        "The council met on Tuesday.\nIt voted twice.\n\n"
        '[caption id="attachment_9" align="alignnone" width="300"]<img src="http://elsewhere.example/bus.jpg" '
        'alt="A bus" width="300" height="200" /> The new night bus.[/caption]\n\n'
        "https://www.youtube.com/watch?v=aqz-KE-bpKQ\n\n"
        '[gallery ids="1,2,3"]\n\nThe end [sic].'
    )
    path = write(tmp_path, wxr(post(1, content=content, excerpt="<em>Night buses</em> are back.",
                                    categories=("Local news", "Transport"), tags=("Buses", "Gowanus Canal (Brooklyn, NY)"))))

    out, _ = import_wordpress(path)

    article = Article.objects.get()
    assert article.headline == "Post number 1"
    assert article.slug == "post-1"
    assert article.standfirst == "Night buses are back."
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at.isoformat() == "2023-03-14T09:30:00+00:00"
    assert article.section.name == "Local news"
    assert [t.name for t in article.ordered_topics] == ["Transport", "Buses", "Gowanus Canal (Brooklyn, NY)"]
    assert [a.name for a in article.byline] == ["Rosa Field"]
    assert Author.objects.get(slug="rosa-field").email == "rosa@old.example"

    body = parse(reader.get(article.get_absolute_url())).select_one(".article__body")
    paragraphs = [p.get_text(" ", strip=True) for p in body.select("p")]
    assert "The council met on Tuesday. It voted twice." in " ".join(paragraphs)
    figure = body.select_one("figure figcaption")
    assert figure is not None and figure.get_text(strip=True).startswith("The new night bus.")
    assert body.select_one("iframe[src*='youtube-nocookie.com/embed/aqz-KE-bpKQ']") is not None
    assert "gallery" not in article.body and "The end [sic]." in article.body
    assert "post: 1 created, 0 updated, 0 unchanged, 0 skipped, 0 failed" in out


@pytest.mark.parametrize(
    "wp_status, status, public",
    [
        ("publish", Article.Status.PUBLISHED, True),
        ("future", Article.Status.PUBLISHED, False),
        ("draft", Article.Status.DRAFT, False),
        ("pending", Article.Status.DRAFT, False),
        ("private", Article.Status.DRAFT, False),
    ],
)
def test_each_wordpress_status(tmp_path, wp_status, status, public):
    date = (timezone.now() + timedelta(days=2)).strftime("%Y-%m-%d %H:%M:%S") if wp_status == "future" else "2023-03-14 09:30:00"
    import_wordpress(write(tmp_path, wxr(post(1, status=wp_status, date_gmt=date))))

    article = Article.objects.get()
    assert article.status == status
    assert Article.objects.published().exists() is public
    if wp_status == "future":
        assert article.published_at > timezone.now()


def test_trashed_posts_comments_and_menus_are_counted_as_skipped(tmp_path):
    menu = post(3, post_type="nav_menu_item")
    out, _ = import_wordpress(write(tmp_path, wxr(post(1, comments=comment(1) + comment(2)), post(2, status="trash"), menu)), "-v", "2")

    assert Article.objects.count() == 1
    assert "comment: 0 created, 0 updated, 0 unchanged, 2 skipped, 0 failed" in out
    assert "0 unchanged, 1 skipped" in out  # the trashed post and the menu item, each reported
    assert "in the trash" in out


def test_published_pages_become_site_pages(tmp_path, client):
    pages = post(5, post_type="page", title="About us", content="We report.") + post(6, post_type="page", status="draft")
    import_wordpress(write(tmp_path, wxr(pages)))

    page = FlatPage.objects.get()
    assert (page.url, page.title) == ("/post-5/", "About us")
    assert "We report." in client.get("/pages/post-5/").content.decode()
    assert client.get("/2023/03/post-5/")["Location"] == "/pages/post-5/"


def test_attachments_join_the_library_and_become_featured_images(tmp_path):
    uploads = tmp_path / "uploads"
    (uploads / "2023/03").mkdir(parents=True)
    PILImage.new("RGB", (1600, 900), (10, 90, 160)).save(uploads / "2023/03/harbour.jpg", "JPEG")
    body = '<img src="http://old.example/wp-content/uploads/2023/03/harbour-300x169.jpg" alt="">'
    # WordPress often writes the attachment after the post that shows it.
    path = write(tmp_path, wxr(post(1, meta=thumbnail(40), content=body), attachment(40)))

    out, _ = import_wordpress(path, "--uploads", str(uploads))

    image = Image.objects.get()
    article = Article.objects.get()
    assert (image.alt_text, image.caption) == ("Boats in the harbour", "At dawn.")
    assert article.featured_library_image == image
    assert article.featured_image_alt == "Boats in the harbour"
    assert image.file.url in article.body
    assert "attachment: 1 created" in out


def test_without_uploads_attachments_are_skipped_and_posts_still_come_in(tmp_path):
    out, _ = import_wordpress(write(tmp_path, wxr(post(1, meta=thumbnail(40)), attachment(40))))

    assert Article.objects.get().featured_library_image is None
    assert not Image.objects.exists()
    assert "attachment: 0 created, 0 updated, 0 unchanged, 1 skipped" in out


def test_remote_attachments_are_not_fetched_from_loopback(tmp_path):
    item = attachment(40).replace("http://old.example/", "http://127.0.0.1:9/")
    with pytest.raises(CommandError, match="1 item"):
        import_wordpress(write(tmp_path, wxr(post(1), item)), "--fetch-media")

    assert not Image.objects.exists()
    assert Article.objects.count() == 1


def test_old_permalinks_redirect_and_the_map_is_written(tmp_path, client, settings):
    path = write(tmp_path, wxr(post(1), post(2)))
    map_path = tmp_path / "map.csv"

    out, _ = import_wordpress(path, "--redirect-map", str(map_path))

    article = Article.objects.get(source_id="1")
    response = client.get("/2023/03/post-1/")
    assert response.status_code == 301 and response["Location"] == article.get_absolute_url()
    assert client.get("/?p=1")["Location"] == article.get_absolute_url()
    rows = list(csv.reader(map_path.open()))
    assert rows[0] == ["old_url", "new_url"] and len(rows) == 5
    assert ["http://old.example/2023/03/post-1/", settings.SITE_URL + article.get_absolute_url()] in rows
    assert ["http://old.example/?p=1", settings.SITE_URL + article.get_absolute_url()] in rows
    assert "Wrote 4 old → new addresses" in out


def test_importing_twice_leaves_the_same_database_and_a_change_updates(tmp_path):
    path = write(tmp_path, wxr(post(1), post(2), post(3, post_type="page")))
    import_wordpress(path)
    before = database_state()

    out, _ = import_wordpress(path)

    assert database_state() == before
    assert "post: 0 created, 0 updated, 2 unchanged" in out
    write(tmp_path, wxr(post(1, title="Post number 1, updated"), post(2), post(3, post_type="page")))
    out, _ = import_wordpress(path)
    assert Article.objects.get(source_id="1").headline == "Post number 1, updated"
    assert "post: 0 created, 1 updated, 1 unchanged" in out


def test_a_dry_run_writes_nothing(tmp_path):
    path = write(tmp_path, wxr(post(1), post(2, post_type="page")))
    before = database_state()

    out, _ = import_wordpress(path, "--dry-run", "--redirect-map", str(tmp_path / "map.csv"))

    assert database_state() == before
    assert "post: 1 created" in out and "Dry run: nothing was written." in out
    assert not (tmp_path / "map.csv").exists()


def test_a_failed_item_is_reported_the_rest_lands_and_the_exit_is_an_error(tmp_path):
    path = write(tmp_path, wxr(post(1), post(2, title="x" * 300), post(3)))

    with pytest.raises(CommandError, match="1 item"):
        import_wordpress(path)

    assert sorted(Article.objects.values_list("source_id", flat=True)) == ["1", "3"]


def test_strict_stops_at_the_first_failure_with_nothing_written(tmp_path):
    path = write(tmp_path, wxr(post(1), post(2, title="x" * 300), post(3)))

    with pytest.raises(CommandError, match="nothing was written"):
        import_wordpress(path, "--strict")

    assert not Article.objects.exists() and not Author.objects.exists() and not Topic.objects.exists()


def test_section_option(tmp_path):
    import_wordpress(write(tmp_path, wxr(post(1, categories=("Sport", "Football")))), "--section", "News")

    article = Article.objects.get()
    assert article.section.name == "News"
    assert [t.name for t in article.ordered_topics] == ["Sport", "Football", "Buses"]


@pytest.mark.parametrize("version, scheme", [("1.0", "http"), ("1.1", "https"), ("1.2", "https")])
def test_each_wxr_version_and_namespace_scheme(tmp_path, version, scheme):
    import_wordpress(write(tmp_path, wxr(post(1), version=version, scheme=scheme)))

    assert Article.objects.count() == 1


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>&d;</title>
<wp:wxr_version>1.2</wp:wxr_version></channel></rss>"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>&secret;</title>
<wp:wxr_version>1.2</wp:wxr_version></channel></rss>"""


@pytest.mark.parametrize(
    "text, message",
    [
        (wxr(post(1), post(2))[:-300], "not well-formed"),
        (wxr(post(1)).replace("</item>", "</itme>", 1), "not well-formed"),
        ('<?xml version="1.0"?><html><body>Hello</body></html>', "not a WordPress export"),
        (wxr(post(1)).replace("<wp:wxr_version>1.2</wp:wxr_version>", ""), "missing or invalid WXR version"),
        (wxr(post(1)).replace("<wp:wxr_version>1.2<", "<wp:wxr_version>abc<"), "missing or invalid WXR version"),
        (BILLION_LAUGHS, "entit"),
        (EXTERNAL_ENTITY, "entit"),
        ("", "not well-formed"),
    ],
    ids=["truncated", "mismatched-tag", "wrong-root", "missing-version", "invalid-version",
         "billion-laughs", "external-entity", "empty"],
)
def test_broken_and_hostile_files_are_refused_with_nothing_written(tmp_path, text, message):
    path = write(tmp_path, text)

    with pytest.raises(CommandError, match=message) as refused:
        import_wordpress(path)

    assert "Nothing was imported." in str(refused.value)
    assert "root:" not in str(refused.value)  # /etc/passwd never read
    assert database_state() == ([], [], [], [], [], [])


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        import_wordpress(tmp_path / "nope.xml")


def test_xinclude_is_never_expanded(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    content = f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{secret}" parse="text"/>'
    item = post(1).replace("<content:encoded><![CDATA[First paragraph of post 1.\n\nSecond paragraph.]]></content:encoded>",
                           f"<content:encoded>{content}</content:encoded>")
    import_wordpress(write(tmp_path, wxr(item)))

    assert "TOP-SECRET-VALUE" not in Article.objects.get().body


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_is_a_bar_on_a_terminal_and_plain_lines_otherwise(tmp_path):
    path = write(tmp_path, wxr(*[post(n) for n in range(1, 1201)]))

    plain = io.StringIO()
    call_command("import_wordpress", str(path), stdout=plain, stderr=io.StringIO())
    assert "export.xml: 1,000 items read" in plain.getvalue()
    assert "\r" not in plain.getvalue()

    terminal = Terminal()
    call_command("import_wordpress", str(path), "--dry-run", stdout=terminal, stderr=io.StringIO())
    assert "\r" in terminal.getvalue() and "items" in terminal.getvalue()
    assert "1,000 items read" not in terminal.getvalue()


def test_an_attachment_is_stored_cleaned_as_an_upload_is(tmp_path):
    uploads = tmp_path / "uploads"
    (uploads / "2023/03").mkdir(parents=True)
    exif = PILImage.Exif()
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 26.0), 3: "W", 4: (0.0, 7.0, 39.0)}  # GPSInfo
    buffer = io.BytesIO()
    PILImage.new("RGB", (800, 450), (10, 90, 160)).save(
        buffer, "JPEG", exif=exif, comment=b"<script>alert(1)</script>"
    )
    hidden = b"PK\x03\x04 riding after the picture"
    (uploads / "2023/03/harbour.jpg").write_bytes(buffer.getvalue() + hidden)
    export = write(tmp_path, wxr(post(1, meta=thumbnail(40)), attachment(40)))

    import_wordpress(export, "--uploads", str(uploads))

    with Image.objects.get().file.open("rb") as handle:
        stored = handle.read()
    assert hidden not in stored and b"<script" not in stored
    with PILImage.open(io.BytesIO(stored)) as picture:
        assert "exif" not in picture.info and "comment" not in picture.info


@pytest.mark.parametrize("dry_run", [False, True])
def test_a_truncated_attachment_is_refused_in_the_uploads_words(tmp_path, dry_run):
    uploads = tmp_path / "uploads"
    (uploads / "2023/03").mkdir(parents=True)
    buffer = io.BytesIO()
    PILImage.effect_noise((400, 300), 64).convert("RGB").save(buffer, "JPEG", quality=95)
    (uploads / "2023/03/harbour.jpg").write_bytes(buffer.getvalue()[:6_000])
    export = write(tmp_path, wxr(post(1), attachment(40)))
    err = io.StringIO()

    with pytest.raises(CommandError):
        call_command(
            "import_wordpress",
            str(export),
            "--uploads",
            str(uploads),
            *(["--dry-run"] if dry_run else []),
            stdout=io.StringIO(),
            stderr=err,
        )

    assert "The picture is incomplete or damaged" in err.getvalue()
    assert not Image.objects.exists()
