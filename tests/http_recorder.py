"""A small HTTP server that records every request it gets and answers what the test set.

Used as a stand-in for the APIs the edge app calls (Varnish nodes, Fastly, Cloudflare), to
check the method, path, headers and body each request carries, and as a tiny origin behind
Varnish whose responses (Surrogate-Key, Cache-Control, status) a test controls exactly.

    with recorder() as server:
        server.answer("/page", headers={"Cache-Control": "public, s-maxage=300"}, body=b"hi")
        ... server.url ... server.requests_to("/page")
"""

import contextlib
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    headers: dict  # lower-case names
    body: bytes

    @property
    def is_probe(self):
        """Varnish's health probe (deploy/varnish/default.vcl names itself so)."""
        return self.headers.get("user-agent") == "Varnish health probe"


@dataclass
class Answer:
    status: int = 200
    headers: dict = field(default_factory=dict)
    body: bytes = b"ok"
    delay: float = 0.0  # seconds before answering


class RecordingServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.received = []
        self.answers = {"/healthz": Answer(body=b"ok")}
        self.default = Answer()

    def handle_error(self, request, client_address):
        # A client that hung up (Varnish giving up on a slow answer) is part of some tests.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    @property
    def port(self):
        return self.server_address[1]

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def answer(self, path, status=200, headers=None, body=b"ok", delay=0.0):
        """What a request for `path` (without its query) gets from now on."""
        self.answers[path] = Answer(status, dict(headers or {}), body, delay)

    def answer_everything(self, status=200, headers=None, body=b"ok"):
        self.default = Answer(status, dict(headers or {}), body)

    def requests_to(self, path):
        """The requests for `path` (without its query), a health probe's left out."""
        return [r for r in self.requests if r.path.split("?")[0] == path]

    @property
    def requests(self):
        """Every request but a health probe's."""
        with self.lock:
            return [r for r in self.received if not r.is_probe]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def __getattr__(self, name):
        # do_GET, do_POST, do_PURGE …: every method is recorded and answered alike.
        if name.startswith("do_"):
            return self._respond
        raise AttributeError(name)

    def _respond(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        server = self.server
        with server.lock:
            server.received.append(
                Received(
                    self.command,
                    self.path,
                    {name.lower(): value for name, value in self.headers.items()},
                    body,
                )
            )
            answer = server.answers.get(self.path.split("?")[0], server.default)
        time.sleep(answer.delay)
        self.send_response(answer.status)
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(answer.body)

    def log_message(self, format, *args):
        pass


@contextlib.contextmanager
def recorder():
    server = RecordingServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
