"""`import_feed`: RSS 2.0, Atom 1.0 and JSON Feed entries in as articles, from a file or a URL."""

import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import CommandError, call_command
from PIL import Image as PILImage

from articles.models import Article
from library.models import Image

pytestmark = pytest.mark.django_db

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:media="http://search.yahoo.com/mrss/">
<channel><title>Partner Wire</title><link>https://wire.example/</link><description>Wire</description>
<item><title>Harbour reopens after storm</title><link>https://wire.example/harbour</link>
<guid isPermaLink="false">wire-1001</guid><dc:creator>Ana Costa</dc:creator>
<category>Weather</category><category>Gowanus Canal (Brooklyn, NY)</category>
<pubDate>Tue, 14 Mar 2023 09:30:00 GMT</pubDate>
<description>The harbour is open again.</description>
<content:encoded><![CDATA[<p>Boats left at dawn.</p><script>alert(1)</script><p onclick="x()">All clear.</p>]]></content:encoded>
<media:content url="{image}" medium="image" type="image/jpeg"><media:credit>Wire Photos</media:credit></media:content>
<enclosure url="{image}" type="image/jpeg" length="1000"/>
</item>
<item><title>Second story</title><link>https://wire.example/second</link><guid>wire-1002</guid>
<pubDate>Tue, 14 Mar 2023 10:30:00 GMT</pubDate><description>Short.</description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Desk</title><id>urn:desk</id>
<link href="https://desk.example/"/><updated>2023-03-14T09:30:00Z</updated>
<entry><title>Atom story</title><id>urn:desk:1</id><link href="https://desk.example/1"/>
<updated>2023-03-14T09:30:00Z</updated><author><name>Lee Park</name></author>
<category term="science" label="Science"/><content type="html">&lt;p&gt;Atom body.&lt;/p&gt;</content></entry>
</feed>"""

JSON_FEED = {
    "version": "https://jsonfeed.org/version/1.1",
    "title": "JSON Desk",
    "home_page_url": "https://json.example/",
    "items": [
        {
            "id": "j-1",
            "url": "https://json.example/1",
            "title": "JSON story",
            "content_html": "<p>JSON body.</p><script>alert(1)</script>",
            "date_published": "2023-03-14T09:30:00Z",
            "authors": [{"name": "Kim Lee"}],
            "tags": ["Music"],
        }
    ],
}


def write(tmp_path, text, name="feed.xml"):
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def import_feed(source, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_feed", str(source), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_rss_items_become_articles_keyed_by_guid(tmp_path):
    out, _ = import_feed(write(tmp_path, RSS.format(image="https://img.example/a.jpg")))

    article = Article.objects.get(source_id="wire-1001")
    assert article.source_system == "feed:wire.example"
    assert article.headline == "Harbour reopens after storm"
    assert article.section.name == "News"
    assert [t.name for t in article.ordered_topics] == ["Weather", "Gowanus Canal (Brooklyn, NY)"]
    assert [a.name for a in article.byline] == ["Ana Costa"]
    assert article.published_at.isoformat() == "2023-03-14T09:30:00+00:00"
    assert "Boats left at dawn." in article.body and "All clear." in article.body
    assert "script" not in article.body and "onclick" not in article.body
    assert "Short." in Article.objects.get(source_id="wire-1002").body
    assert "entry: 2 created" in out
    # The lead image is reported, not fetched, without --fetch-media; the repeat counts once.
    assert "lead image: 0 created, 0 updated, 0 unchanged, 1 skipped" in out


def test_importing_a_feed_twice_changes_nothing(tmp_path):
    path = write(tmp_path, RSS.format(image="https://img.example/a.jpg"))
    import_feed(path)
    before = list(Article.objects.values().order_by("pk"))

    out, _ = import_feed(path)

    assert list(Article.objects.values().order_by("pk")) == before
    assert "entry: 0 created, 0 updated, 2 unchanged" in out


def test_atom_and_json_feeds(tmp_path):
    import_feed(write(tmp_path, ATOM, "atom.xml"), "--section", "Science")
    import_feed(write(tmp_path, json.dumps(JSON_FEED), "feed.json"))

    atom = Article.objects.get(source_id="urn:desk:1")
    assert (atom.headline, atom.section.name) == ("Atom story", "Science")
    assert [a.name for a in atom.byline] == ["Lee Park"]
    story = Article.objects.get(source_id="j-1")
    assert story.headline == "JSON story" and "script" not in story.body
    assert [t.name for t in story.ordered_topics] == ["Music"]


def test_a_latin_1_feed_is_decoded(tmp_path):
    text = RSS.format(image="https://img.example/a.jpg").replace("UTF-8", "ISO-8859-1").replace(
        "Harbour reopens", "Café prices rise £2 as harbour reopens"
    )
    import_feed(write(tmp_path, text.encode("latin-1")))

    assert Article.objects.get(source_id="wire-1001").headline.startswith("Café prices rise £2")


@pytest.mark.parametrize(
    "content, message",
    [
        ("<html><body><p>Hello</p></body></html>", "Not a feed"),
        (RSS.format(image="x")[:-200], "not well-formed"),
        ('{"version": "1", "items": 3}', "not a JSON Feed"),
        ('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
         '<rss version="2.0"><channel><title>&b;</title></channel></rss>', "entit"),
    ],
    ids=["html", "truncated", "json-not-feed", "entities"],
)
def test_files_that_are_not_feeds_are_refused(tmp_path, content, message):
    with pytest.raises(CommandError, match=message) as refused:
        import_feed(write(tmp_path, content))

    assert "Nothing was imported." in str(refused.value)
    assert not Article.objects.exists()


# Over the network ----------------------------------------------------------------------------


def jpeg_bytes():
    buffer = io.BytesIO()
    PILImage.new("RGB", (1400, 800), (200, 60, 20)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def server():
    """A local web server for a feed and its picture; yields its base URL and request log."""
    served = {}
    requests = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            if self.path not in served:
                self.send_error(404)
                return
            content_type, body = served[self.path]
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield base, served, requests
    httpd.shutdown()
    httpd.server_close()


def test_a_feed_url_on_a_private_address_is_refused_by_default(server):
    base, served, requests = server
    served["/feed.xml"] = ("application/rss+xml", RSS.format(image=f"{base}/a.jpg").encode())

    with pytest.raises(CommandError, match="127.0.0.1"):
        import_feed(f"{base}/feed.xml")

    assert requests == [] and not Article.objects.exists()


def test_a_feed_url_and_its_lead_image_are_fetched_once(server, settings):
    settings.IMPORT_FETCH_ALLOW_PRIVATE = True  # the test server lives on loopback
    base, served, requests = server
    served["/feed.xml"] = ("application/rss+xml", RSS.format(image=f"{base}/a.jpg").encode())
    served["/a.jpg"] = ("image/jpeg", jpeg_bytes())

    import_feed(f"{base}/feed.xml", "--fetch-media")

    article = Article.objects.get(source_id="wire-1001")
    image = Image.objects.get()
    assert article.featured_library_image == image
    assert image.credit == "Wire Photos"
    assert requests.count("/a.jpg") == 1

    import_feed(f"{base}/feed.xml", "--fetch-media")
    assert requests.count("/a.jpg") == 1  # known already: not fetched again
    assert Image.objects.count() == 1
