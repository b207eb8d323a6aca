"""The importers' downloader: what it fetches, what it refuses, and how it gives up.

Every test talks to a real HTTP server on 127.0.0.1 started here. Two seams stand in for the
outside world, both at its edge, never inside the HTTP stack:

- `no_stray_connections` watches every outgoing connection and fails any that leaves loopback,
  so a refusal that came too late would show up as a failure, not as traffic to 10.x.
- `fake_dns` answers for a few `.test` names, which is how a public-looking name that resolves
  to an internal address (or changes its answer: DNS rebinding) is played out.

Tests that need the loopback server use `allow_private=LOOPBACK`, which allows 127.0.0.0/8 only,
so the same run shows that a redirect to 10.x or ::1 is still refused.
"""

import contextlib
import ipaddress
import socket
import ssl
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from importers.download import Download, DownloadError, fetch
from importers.url_vetting import vet_url
from tests.servers import free_port

LOOPBACK = ("127.0.0.0/8",)
IMAGES = ("image/",)
FEEDS = ("application/rss+xml", "application/atom+xml", "application/xml", "text/xml")
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 500
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
GIF = b"GIF89a" + b"\x00" * 100
WEBP = b"RIFF\x00\x00\x00\x00WEBPVP8 " + b"\x00" * 100
FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title></channel></rss>'


# The server ----------------------------------------------------------------------------------


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        pass  # keep test output to what the tests say

    def do_GET(self):
        site = self.server.site
        site.requests.append({"path": self.path, "headers": dict(self.headers)})
        route = urlsplit(self.path).path.strip("/").split("/")
        getattr(self, "route_" + route[0].replace("-", "_"))(*route[1:])

    def send(self, status, body=b"", content_type="", **headers):
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def query(self, name):
        return parse_qs(urlsplit(self.path).query)[name][0]

    def route_photo(self, *rest):
        self.send(200, JPEG, "image/jpeg")

    def route_untyped(self, kind):
        self.send(
            200, {"jpeg": JPEG, "png": PNG, "gif": GIF, "webp": WEBP, "html": b"<html>"}[kind]
        )

    def route_octet(self, kind):
        body = {"png": PNG, "html": b"<!doctype html><p>Not a picture</p>"}[kind]
        self.send(200, body, "application/octet-stream")

    def route_page(self):
        self.send(200, b"<!doctype html><title>Sign in</title>", "text/html; charset=utf-8")

    def route_feed(self):
        self.send(200, FEED, 'application/RSS+xml; charset="ISO-8859-1"')

    def route_status(self, code):
        self.send(int(code), b"nothing here", "text/plain")

    def route_gzip(self):
        self.send(200, b"\x1f\x8b\x08\x00" + b"\x00" * 50, "image/png", Content_Encoding="gzip")

    def route_hop(self, count):
        count = int(count)
        target = f"/hop/{count - 1}" if count > 1 else "/photo"
        self.send(302, content_type="text/plain", Location=target)

    def route_to(self):
        self.send(int(self.query("status")), content_type="text/plain", Location=self.query("url"))

    def route_no_location(self):
        self.send(302, content_type="text/plain")

    def route_declares_too_much(self):
        # Promise ten megabytes, then send nothing: a client that started reading would wait.
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg")
        self.send_header("Content-Length", "10000000")
        self.end_headers()
        self.wfile.flush()
        self.server.site.stop.wait(5)

    def route_endless(self):
        """A chunked body of up to 64 MB, counting what the client let through."""
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        chunk = b"%x\r\n%b\r\n" % (64 * 1024, JPEG[:3] + b"\x00" * (64 * 1024 - 3))
        site = self.server.site
        with contextlib.suppress(OSError):
            for _ in range(1024):
                self.wfile.write(chunk)
                site.bytes_sent += 64 * 1024
        site.done.set()

    def route_trickle(self):
        """One byte every 0.1 s of a 100-byte image: 10 s in all, far past the test's deadline."""
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg")
        self.send_header("Content-Length", "100")
        self.end_headers()
        self.dribble(JPEG[:100])

    def route_trickle_headers(self):
        self.wfile.write(b"HTTP/1.1 200 OK\r\n")
        self.dribble(b"X-Slow: " + b"a" * 100 + b"\r\n")

    def dribble(self, data):
        with contextlib.suppress(OSError):
            for byte in data:
                if self.server.site.stop.wait(0.1):
                    return
                self.wfile.write(bytes([byte]))
                self.wfile.flush()


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # refused TLS handshakes and hung-up clients are what several tests are about


class Site:
    """A local web server, with what it was asked and what it sent."""

    def __init__(self, tls_context=None):
        self.requests = []
        self.bytes_sent = 0
        self.done = threading.Event()
        self.stop = threading.Event()
        self.server = QuietServer(("127.0.0.1", 0), Handler)
        if tls_context:
            self.server.socket = tls_context.wrap_socket(self.server.socket, server_side=True)
        self.server.site = self
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def url(self, path, host="127.0.0.1", scheme="http"):
        return f"{scheme}://{host}:{self.port}{path}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site():
    with Site() as running:
        yield running


@pytest.fixture(autouse=True)
def no_stray_connections(monkeypatch):
    """Record every connection attempt and fail any that would leave this machine."""
    attempts = []
    connect = socket.socket.connect

    def guarded_connect(sock, address):
        attempts.append(address[0])
        if not ipaddress.ip_address(address[0].split("%")[0]).is_loopback:
            raise AssertionError(f"the downloader tried to connect to {address[0]}")
        return connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    return attempts


@pytest.fixture
def fake_dns(monkeypatch):
    """Answer for names given in the returned dict (name -> list of answers, one per lookup)."""
    answers = {}
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in answers:
            return real_getaddrinfo(host, port, *args, **kwargs)
        queue = answers[host]
        address = queue.pop(0) if len(queue) > 1 else queue[0]
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


# What it fetches ------------------------------------------------------------------------------


def test_it_fetches_an_image(site):
    download = fetch(site.url("/photo"), max_bytes=10_000, accept=IMAGES, allow_private=True)

    assert download == Download(
        url=site.url("/photo"), content_type="image/jpeg", charset="", data=JPEG
    )


def test_it_names_itself_and_asks_for_an_uncompressed_body(site):
    fetch(site.url("/photo"), max_bytes=10_000, accept=IMAGES, allow_private=LOOPBACK)

    headers = site.requests[0]["headers"]
    assert headers["User-Agent"] == "Newsroom importer"
    assert headers["Accept-Encoding"] == "identity"
    assert headers["Accept"] == "image/*"
    assert headers["Host"] == f"127.0.0.1:{site.port}"


def test_it_reports_the_media_type_and_charset_of_a_feed(site):
    download = fetch(site.url("/feed"), max_bytes=10_000, accept=FEEDS, allow_private=LOOPBACK)

    assert (download.content_type, download.charset, download.data) == (
        "application/rss+xml",
        "iso-8859-1",
        FEED,
    )


def test_it_sends_the_host_name_while_connecting_to_the_address_it_vetted(site, fake_dns):
    # The first answer passes the check; a rebinding server then answers with an internal
    # address, which must never be looked up again, let alone connected to.
    fake_dns["news.test"] = ["127.0.0.1", "10.0.0.1"]

    download = fetch(
        site.url("/photo", host="news.test"),
        max_bytes=10_000,
        accept=IMAGES,
        allow_private=LOOPBACK,
    )

    assert download.data == JPEG
    assert site.requests[0]["headers"]["Host"] == f"news.test:{site.port}"
    assert fake_dns["news.test"] == ["10.0.0.1"]  # the second answer was never asked for


def test_it_follows_redirects_and_reports_the_final_url(site):
    download = fetch(site.url("/hop/3"), max_bytes=10_000, accept=IMAGES, allow_private=LOOPBACK)

    assert download.url == site.url("/photo")
    assert [request["path"] for request in site.requests] == [
        "/hop/3",
        "/hop/2",
        "/hop/1",
        "/photo",
    ]


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_it_follows_each_redirect_status(site, status):
    start = site.url(f"/to?status={status}&url={quote(site.url('/photo'))}")

    download = fetch(start, max_bytes=10_000, accept=IMAGES, allow_private=LOOPBACK)

    assert download.url == site.url("/photo")


def test_it_follows_a_redirect_to_another_host_name_with_that_host_header(site):
    start = site.url(f"/to?status=301&url={quote(site.url('/photo', host='localhost'))}")

    download = fetch(start, max_bytes=10_000, accept=IMAGES, allow_private=LOOPBACK)

    assert download.url == site.url("/photo", host="localhost")
    assert site.requests[1]["headers"]["Host"] == f"localhost:{site.port}"


def test_it_follows_as_many_redirects_as_allowed(site):
    download = fetch(
        site.url("/hop/2"), max_bytes=10_000, accept=IMAGES, max_redirects=2, allow_private=LOOPBACK
    )

    assert download.data == JPEG


@pytest.mark.parametrize(
    ("path", "media_type"),
    [("jpeg", "image/jpeg"), ("png", "image/png"), ("gif", "image/gif"), ("webp", "image/webp")],
)
def test_it_recognises_an_image_sent_without_a_type(site, path, media_type):
    download = fetch(
        site.url(f"/untyped/{path}"), max_bytes=10_000, accept=IMAGES, allow_private=LOOPBACK
    )

    assert download.content_type == media_type


def test_it_recognises_an_image_sent_as_octet_stream(site):
    download = fetch(
        site.url("/octet/png"), max_bytes=10_000, accept=IMAGES, allow_private=LOOPBACK
    )

    assert download.content_type == "image/png"


# What it refuses before connecting ------------------------------------------------------------


def test_it_refuses_loopback_by_default(site, no_stray_connections):
    with pytest.raises(DownloadError) as refusal:
        fetch(site.url("/photo"), max_bytes=10_000, accept=IMAGES)

    assert str(refusal.value) == (
        f"{site.url('/photo')} was refused: 127.0.0.1 is at 127.0.0.1, a private or internal "
        "address, and importers only fetch from public addresses."
    )
    assert no_stray_connections == []
    assert site.requests == []


def test_it_refuses_localhost_by_name(site):
    with pytest.raises(DownloadError, match=r"localhost is at 127\.0\.0\.1, a private"):
        fetch(site.url("/photo", host="localhost"), max_bytes=10_000, accept=IMAGES)

    assert site.requests == []


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("10.0.0.1", "10.0.0.1"),
        ("172.16.0.1", "172.16.0.1"),
        ("192.168.1.1", "192.168.1.1"),
        ("169.254.169.254", "169.254.169.254"),  # cloud metadata service
        ("100.64.0.1", "100.64.0.1"),  # carrier-grade NAT shared space
        ("0.0.0.0", "0.0.0.0"),
        ("224.0.0.1", "224.0.0.1"),
        ("240.0.0.1", "240.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("[::1]", "::1"),
        ("[::]", "::"),
        ("[::ffff:127.0.0.1]", "::ffff:127.0.0.1"),
        ("[::ffff:10.0.0.1]", "::ffff:10.0.0.1"),
        ("[::ffff:a9fe:a9fe]", "::ffff:169.254.169.254"),
        ("[fe80::1]", "fe80::1"),
        ("[fc00::1]", "fc00::1"),
        ("[ff02::1]", "ff02::1"),
        ("[2002:7f00:1::]", "2002:7f00:1::"),  # 6to4 wrapping 127.0.0.1
        ("[64:ff9b::a00:1]", "64:ff9b::a00:1"),  # NAT64 wrapping 10.0.0.1
    ],
)
def test_it_refuses_internal_addresses(host, address, no_stray_connections):
    with pytest.raises(DownloadError, match=f"is at {address}, a private or internal address"):
        fetch(f"http://{host}/latest/meta-data/", max_bytes=10_000, accept=IMAGES)

    assert no_stray_connections == []


def test_it_refuses_a_public_name_that_resolves_to_an_internal_address(fake_dns):
    fake_dns["intranet.test"] = ["192.168.0.10"]

    with pytest.raises(DownloadError, match=r"intranet\.test is at 192\.168\.0\.10"):
        fetch("http://intranet.test/logo.png", max_bytes=10_000, accept=IMAGES)


def test_it_refuses_a_name_when_any_of_its_addresses_is_internal(monkeypatch):
    def two_answers(host, port, *args, **kwargs):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", two_answers)

    with pytest.raises(DownloadError, match=r"mixed\.test is at 127\.0\.0\.1"):
        vet_url("https://mixed.test/a.jpg")


def test_it_allows_only_the_networks_it_is_given():
    with pytest.raises(DownloadError, match=r"is at 10\.1\.2\.3"):
        vet_url("http://10.1.2.3/", allow_private=LOOPBACK)

    assert vet_url("http://10.1.2.3/", allow_private=("10.0.0.0/8",)).addresses == ("10.1.2.3",)
    assert vet_url("http://[::ffff:127.0.0.1]/", allow_private=LOOPBACK).host == "::ffff:127.0.0.1"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("file:///etc/passwd", "only http and https"),
        ("ftp://example.com/photo.jpg", "only http and https"),
        ("gopher://example.com/", "only http and https"),
        ("javascript:alert(1)", "only http and https"),
        ("//example.com/photo.jpg", "only http and https"),
        ("http:///photo.jpg", "names no host"),
        ("http://user:secret@example.com/photo.jpg", "carries a user name or password"),
        ("http://user@example.com/photo.jpg", "carries a user name or password"),
        ("http://example.com:99999/photo.jpg", "its port is not a number"),
        ("http://example.com:0/photo.jpg", "its port is not a number"),
        ("http://example.com/a\nHost: evil/", "control characters"),
        ("http://[::1/photo.jpg", "not a well-formed address"),
    ],
)
def test_it_refuses_urls_it_will_not_fetch(url, reason, no_stray_connections):
    with pytest.raises(DownloadError, match=reason):
        fetch(url, max_bytes=10_000, accept=IMAGES, allow_private=True)

    assert no_stray_connections == []


# What it refuses along the way ----------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    ["http://10.255.255.1/photo", "http://[::1]:{port}/photo", "file:///etc/passwd"],
)
def test_it_vets_every_redirect(site, target, no_stray_connections):
    target = target.format(port=site.port)
    start = site.url(f"/to?status=302&url={quote(target)}")

    with pytest.raises(DownloadError, match=r"was refused: (.* a private|only http)"):
        fetch(start, max_bytes=10_000, accept=IMAGES, allow_private=LOOPBACK)

    assert no_stray_connections == ["127.0.0.1"]  # the first hop only


def test_it_stops_after_too_many_redirects(site):
    with pytest.raises(DownloadError, match=r"redirected more than 3 times"):
        fetch(
            site.url("/hop/10"),
            max_bytes=10_000,
            accept=IMAGES,
            max_redirects=3,
            allow_private=LOOPBACK,
        )

    assert len(site.requests) == 4


def test_it_refuses_a_redirect_that_goes_nowhere(site):
    with pytest.raises(DownloadError, match="redirected without saying where to"):
        fetch(site.url("/no-location"), max_bytes=10_000, accept=IMAGES, allow_private=LOOPBACK)


@pytest.mark.parametrize(
    ("status", "words"),
    [(404, "404 Not Found"), (500, "500 Internal Server Error"), (304, "304 Not Modified")],
)
def test_it_reports_what_the_server_answered(site, status, words):
    url = site.url(f"/status/{status}")

    with pytest.raises(DownloadError) as refusal:
        fetch(url, max_bytes=10_000, accept=IMAGES, allow_private=LOOPBACK)

    assert str(refusal.value) == f"{url} could not be fetched: the server answered {words}."


def test_it_refuses_the_wrong_kind_of_file(site):
    url = site.url("/page")

    with pytest.raises(DownloadError) as refusal:
        fetch(url, max_bytes=10_000, accept=IMAGES, allow_private=LOOPBACK)

    assert str(refusal.value) == f"{url} was refused: it is text/html, and only image/ will do."


@pytest.mark.parametrize("path", ["/untyped/html", "/octet/html"])
def test_it_refuses_an_untyped_file_that_is_not_an_image(site, path):
    with pytest.raises(DownloadError, match="does not look like image/"):
        fetch(site.url(path), max_bytes=10_000, accept=IMAGES, allow_private=LOOPBACK)


def test_it_does_not_sniff_for_callers_that_want_feeds(site):
    with pytest.raises(DownloadError, match="gave no type"):
        fetch(site.url("/untyped/jpeg"), max_bytes=10_000, accept=FEEDS, allow_private=LOOPBACK)


def test_it_refuses_a_compressed_body(site):
    with pytest.raises(DownloadError, match="gzip-compressed"):
        fetch(site.url("/gzip"), max_bytes=10_000, accept=IMAGES, allow_private=LOOPBACK)


def test_it_refuses_a_declared_size_over_the_cap_without_reading(site):
    url = site.url("/declares-too-much")
    started = time.monotonic()

    with pytest.raises(DownloadError) as refusal:
        fetch(url, max_bytes=1_000_000, accept=IMAGES, timeout=5, allow_private=LOOPBACK)

    # The server sends no body at all: reading would have waited for the 5-second deadline.
    assert time.monotonic() - started < 1
    assert str(refusal.value) == (
        f"{url} was refused: it is 10000000 bytes, more than the limit of 1000000."
    )


def test_it_accepts_a_body_of_exactly_the_cap(site):
    download = fetch(site.url("/photo"), max_bytes=len(JPEG), accept=IMAGES, allow_private=LOOPBACK)

    assert len(download.data) == len(JPEG)


def test_it_aborts_an_endless_body_at_the_cap(site):
    with pytest.raises(DownloadError, match="more than the limit of 200000 bytes"):
        fetch(site.url("/endless"), max_bytes=200_000, accept=IMAGES, allow_private=LOOPBACK)

    assert site.done.wait(5)
    # The server meant to send 64 MB; it got rid of no more than the socket buffers hold.
    assert site.bytes_sent < 48 * 1024 * 1024


@pytest.mark.parametrize("path", ["/trickle", "/trickle-headers"])
def test_it_gives_up_on_a_trickling_server_at_the_deadline(site, path):
    started = time.monotonic()

    with pytest.raises(DownloadError, match="took longer than 1 seconds"):
        fetch(site.url(path), max_bytes=10_000, accept=IMAGES, timeout=1, allow_private=LOOPBACK)

    assert time.monotonic() - started < 1.5


def test_it_reports_a_server_that_is_not_there():
    port = free_port()
    # The port was free a moment ago and nothing listens there now.
    url = f"http://127.0.0.1:{port}/photo"

    with pytest.raises(DownloadError) as refusal:
        fetch(url, max_bytes=10_000, accept=IMAGES, allow_private=LOOPBACK)

    assert str(refusal.value) == f"{url} could not be fetched: the server refused the connection."


# https ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for the name localhost only (not for 127.0.0.1)."""
    folder = tmp_path_factory.mktemp("tls")
    request = "req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost"
    subprocess.run(
        ["openssl", *request.split(), "-addext", "subjectAltName=DNS:localhost"]
        + ["-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem")],
        check=True,
        capture_output=True,
    )
    return folder / "cert.pem", folder / "key.pem"


@pytest.fixture
def tls_site(certificate):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    with Site(tls_context=context) as running:
        yield running


@pytest.fixture
def trusted(certificate, monkeypatch):
    """Make the test certificate the only one OpenSSL trusts."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    monkeypatch.setenv("SSL_CERT_DIR", str(certificate[0].parent))


def test_it_fetches_over_https_checking_the_certificate_against_the_host_name(tls_site, trusted):
    url = tls_site.url("/photo", host="localhost", scheme="https")

    download = fetch(url, max_bytes=10_000, accept=IMAGES, allow_private=LOOPBACK)

    assert download.data == JPEG
    assert tls_site.requests[0]["headers"]["Host"] == f"localhost:{tls_site.port}"


def test_it_connects_over_https_to_the_address_it_vetted(tls_site, trusted, fake_dns):
    fake_dns["localhost"] = ["127.0.0.1", "10.0.0.1"]
    url = tls_site.url("/photo", host="localhost", scheme="https")

    download = fetch(url, max_bytes=10_000, accept=IMAGES, allow_private=LOOPBACK)

    assert download.data == JPEG
    assert fake_dns["localhost"] == ["10.0.0.1"]  # the second answer was never asked for


def test_it_refuses_a_certificate_for_another_name(tls_site, trusted, fake_dns):
    # The address is right and the certificate is trusted, but it is not for this name.
    fake_dns["elsewhere.test"] = ["127.0.0.1"]
    url = tls_site.url("/photo", host="elsewhere.test", scheme="https")

    with pytest.raises(DownloadError, match="certificate could not be verified"):
        fetch(url, max_bytes=10_000, accept=IMAGES, allow_private=LOOPBACK)

    assert tls_site.requests == []


def test_it_refuses_an_untrusted_certificate(tls_site):
    url = tls_site.url("/photo", host="localhost", scheme="https")

    with pytest.raises(DownloadError, match="certificate could not be verified"):
        fetch(url, max_bytes=10_000, accept=IMAGES, allow_private=LOOPBACK)

    assert tls_site.requests == []
