"""The one way an importer fetches anything from the network: `fetch(url, ...)`.

The URLs come from files that someone else wrote (a WordPress export, a feed), so each one is
treated as hostile. Without these guards an import could make the server read its own admin
pages, a cloud metadata service or anything else on the internal network (server-side request
forgery), hang on a slow server, or fill memory with an endless body.

What `fetch` promises:

- only `http` and `https`, with a host name and no credentials in the URL;
- every address the host name resolves to must be globally routable, unless `allow_private`
  says otherwise; the connection then goes to one of the vetted addresses themselves, with the
  original Host header (and, for https, SNI and a certificate check against the host name), so
  a DNS answer that changes between the check and the connection cannot slip through;
- redirects are followed by hand, and every hop is vetted like the first;
- one deadline covers the whole download, redirects included, so a server that trickles a byte
  at a time fails after about `timeout` seconds;
- the body is capped at `max_bytes` and never decompressed;
- the media type must be one the caller accepts;
- with `if_none_match` / `if_modified_since` (a feed poller's stored ETag and Last-Modified)
  the request is conditional, and a 304 answer is a `Download` whose `not_modified` is true.

`allow_private` takes `True` (anything, for an operator importing from an intranet), `False`
(public addresses only), or a collection of networks such as `("127.0.0.0/8",)`: public
addresses plus those networks. The last form lets the tests serve from loopback while still
showing that a redirect to 10.x or to ::1 is refused.

The address checks (`vet_url`) are in `importers.url_vetting`; this module connects, follows
redirects, and reads the response within the deadline and the size cap.
"""

import contextlib
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from http import HTTPStatus
from http.client import HTTPException
from urllib.parse import urljoin

from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import ConnectTimeoutError, ReadTimeoutError
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.exceptions import SSLError as Urllib3SSLError
from urllib3.util.ssl_match_hostname import CertificateError

from importers.url_vetting import DownloadError, vet_url

USER_AGENT = "Newsroom importer"
REDIRECTS = frozenset({301, 302, 303, 307, 308})
CHUNK_SIZE = 64 * 1024

IMAGE_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


@dataclass(frozen=True)
class Download:
    url: str  # the final URL, after redirects
    content_type: str  # media type only, lowercased, without parameters: "image/jpeg"
    charset: str  # from the Content-Type header, or ""
    data: bytes
    # The response's validators, for a conditional request next time ("" when absent or not
    # plain printable ASCII, which could not be sent back as a header).
    etag: str = ""
    last_modified: str = ""
    status: int = 200

    @property
    def not_modified(self):
        """The server answered a conditional request with 304: nothing new, and no body."""
        return self.status == HTTPStatus.NOT_MODIFIED


def fetch(
    url, *, max_bytes, accept, timeout=15.0, max_redirects=5, allow_private=False,
    if_none_match="", if_modified_since="",
):
    """Fetch `url` within the limits and return a `Download`, or raise `DownloadError`.

    `accept` holds media types ("application/rss+xml") or prefixes ending in "/" ("image/").
    `if_none_match` and `if_modified_since` are a previous `Download`'s `etag` and
    `last_modified`: given either, a 304 answer returns a `Download` with `not_modified` true
    and no data (without them, a 304 is an error like any other status).
    """
    accept = tuple(item.lower() for item in accept)
    conditions = {
        name: value
        for name, value in (
            ("If-None-Match", _validator(if_none_match)),
            ("If-Modified-Since", _validator(if_modified_since)),
        )
        if value
    }
    with _Deadline(timeout) as deadline:
        current = url
        for hop in range(max_redirects + 1):
            target = vet_url(current, allow_private)
            connection = _connect(target, deadline)
            response = None
            try:
                response = _request(connection, target, accept, deadline, conditions)
                if response.status == HTTPStatus.NOT_MODIFIED and conditions:
                    return Download(
                        url=target.url, content_type="", charset="", data=b"",
                        status=response.status, **_validators(response),
                    )
                if response.status in REDIRECTS:
                    location = response.headers.get("Location")
                    if not location:
                        raise DownloadError(f"{target.url} redirected without saying where to.")
                    if hop == max_redirects:
                        raise DownloadError(
                            f"{url} was refused: it redirected more than {max_redirects} times."
                        )
                    current = urljoin(target.url, location.strip())
                    continue
                return _receive(response, target, accept, max_bytes, deadline)
            finally:
                # The response holds its own reference to the socket: close both.
                if response is not None:
                    response.close()
                connection.close()
    raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover



def _connect(target, deadline):
    """Open a connection to one of the vetted addresses, trying each in turn."""
    failure = None
    for address in target.addresses:
        if target.scheme == "https":
            connection = HTTPSConnection(
                address,
                target.port,
                timeout=deadline.remaining(target.url),
                server_hostname=target.host,
                assert_hostname=target.host,
                cert_reqs="CERT_REQUIRED",
            )
        else:
            connection = HTTPConnection(
                address, target.port, timeout=deadline.remaining(target.url)
            )
        try:
            connection.connect()
        # A certificate for another name raises CertificateError, a ValueError.
        except (OSError, Urllib3Error, CertificateError) as error:
            connection.close()
            deadline.check(target.url)
            failure = error
            continue
        deadline.watch(connection.sock)
        return connection
    raise DownloadError(f"{target.url} could not be fetched: {_explain(failure)}.")


def _request(connection, target, accept, deadline, conditions):
    headers = {
        **conditions,
        "Host": target.host_header,
        "User-Agent": USER_AGENT,
        "Accept": ", ".join(item + "*" if item.endswith("/") else item for item in accept),
        # A compressed body could expand far past max_bytes; ask for none, and refuse any.
        "Accept-Encoding": "identity",
    }
    try:
        connection.request(
            "GET", target.path, headers=headers, preload_content=False, decode_content=False
        )
        return connection.getresponse()
    except (OSError, HTTPException, Urllib3Error) as error:
        deadline.check(target.url)
        raise DownloadError(f"{target.url} could not be fetched: {_explain(error)}.") from None


def _receive(response, target, accept, max_bytes, deadline):
    url = target.url
    if not 200 <= response.status < 300:
        try:
            reason = HTTPStatus(response.status).phrase
        except ValueError:
            reason = response.reason or ""
        answer = f"{response.status} {reason}".strip()
        raise DownloadError(f"{url} could not be fetched: the server answered {answer}.")
    encoding = response.headers.get("Content-Encoding", "").strip().lower()
    if encoding not in ("", "identity"):
        raise DownloadError(
            f"{url} was refused: the server sent it {encoding}-compressed, though asked not to."
        )
    content_type, charset = _parse_content_type(response.headers.get("Content-Type", ""))
    # A missing or generic type gets one more chance below, from the first bytes of the body.
    needs_sniffing = content_type in ("", "application/octet-stream")
    if not needs_sniffing and not _accepts(accept, content_type):
        raise DownloadError(
            f"{url} was refused: it is {content_type}, and only {', '.join(accept)} will do."
        )
    declared = _content_length(response.headers.get("Content-Length"))
    if declared is not None and declared > max_bytes:
        raise DownloadError(
            f"{url} was refused: it is {declared} bytes, more than the limit of {max_bytes}."
        )

    data = bytearray()
    try:
        while chunk := response.read1(CHUNK_SIZE, decode_content=False):
            data += chunk
            if len(data) > max_bytes:
                raise DownloadError(
                    f"{url} was refused: it is more than the limit of {max_bytes} bytes."
                )
            deadline.check(url)
    except (OSError, HTTPException, Urllib3Error) as error:
        deadline.check(url)
        raise DownloadError(f"{url} could not be fetched: {_explain(error)}.") from None
    # The deadline ends a download by shutting the socket, which can look like a normal end.
    deadline.check(url)

    if needs_sniffing:
        sniffed = _sniff(data)
        if not sniffed or not _accepts(accept, sniffed):
            said = content_type or "no type"
            raise DownloadError(
                f"{url} was refused: the server gave {said}, and the content does not look like "
                f"{', '.join(accept)}."
            )
        content_type = sniffed
    return Download(
        url=url, content_type=content_type, charset=charset, data=bytes(data),
        **_validators(response),
    )


# Longer than any validator a real server sends; a longer one is not kept.
MAX_VALIDATOR_LENGTH = 500


def _validator(value):
    """`value` if it can be sent back as a header: printable ASCII, not too long; else ""."""
    value = (value or "").strip()
    if len(value) > MAX_VALIDATOR_LENGTH or not all(" " <= char <= "~" for char in value):
        return ""
    return value


def _validators(response):
    return {
        "etag": _validator(response.headers.get("ETag")),
        "last_modified": _validator(response.headers.get("Last-Modified")),
    }


def _parse_content_type(value):
    media_type, _, parameters = value.partition(";")
    media_type = media_type.strip().lower()
    charset = ""
    for parameter in parameters.split(";"):
        name, _, parameter_value = parameter.partition("=")
        if name.strip().lower() == "charset":
            charset = parameter_value.strip().strip('"').strip().lower()
    return media_type, charset


def _accepts(accept, content_type):
    return any(
        content_type.startswith(item) if item.endswith("/") else content_type == item
        for item in accept
    )


def _content_length(value):
    try:
        length = int(value)
    except (TypeError, ValueError):
        return None  # unknown: the streaming cap still applies
    return length if length >= 0 else None


def _sniff(data):
    for signature, media_type in IMAGE_SIGNATURES:
        if data.startswith(signature):
            return media_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return ""


def _explain(error):
    """Say in plain words why a connection or a read failed."""
    # urllib3 wraps the socket's own error; the reason is the innermost one.
    while isinstance(error, Urllib3Error) and isinstance(error.__context__, OSError):
        error = error.__context__
    if isinstance(error, TimeoutError | ConnectTimeoutError | ReadTimeoutError):
        return "the server did not answer in time"
    if isinstance(error, ConnectionRefusedError):
        return "the server refused the connection"
    if isinstance(error, ssl.SSLCertVerificationError | CertificateError):
        return f"its certificate could not be verified ({error})"
    if isinstance(error, ssl.SSLError | Urllib3SSLError):
        return f"the secure connection failed ({error})"
    return f"the connection failed ({error})"


class _Deadline:
    """One clock for a whole download; when it runs out, the open socket is shut.

    Socket timeouts alone bound each read, not the sum of them: a server sending a byte a second
    never trips them. A timer that shuts the socket interrupts even a read inside http.client.
    """

    def __init__(self, seconds):
        self.seconds = seconds
        self.ends = time.monotonic() + seconds
        self.expired = False
        self._lock = threading.Lock()
        self._socket = None
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self):
        self._timer.start()
        return self

    def __exit__(self, *exc_info):
        self._timer.cancel()

    def watch(self, sock):
        with self._lock:
            self._socket = sock
            expired = self.expired
        if expired:
            self._shut(sock)

    def remaining(self, url):
        self.check(url)
        return max(self.ends - time.monotonic(), 0.01)

    def check(self, url):
        if self.expired or time.monotonic() >= self.ends:
            raise DownloadError(
                f"{url} could not be fetched: it took longer than {self.seconds:g} seconds."
            )

    def _expire(self):
        with self._lock:
            self.expired = True
            sock = self._socket
        if sock is not None:
            self._shut(sock)

    @staticmethod
    def _shut(sock):
        # A socket already closed has nothing left to interrupt.
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
