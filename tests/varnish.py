"""A throwaway Varnish in front of a test origin, running the shipped VCL (deploy/varnish/).

`varnish(origin_port)` starts `varnishd` (Debian's varnish and varnish-modules packages, which
`make test` installs when run as root) on a free local port, with its own working folder and
the shipped VCL, its first backend rewritten to 127.0.0.1:<origin_port>; it yields a `Varnish`
and stops the process afterwards. A test that needs it fails, never skips, when varnishd is
missing.

`newsroom_origin()` serves the site from this test process on a free port (Django's live
server thread, with the settings as the test left them), and `stop()` takes it away again.
Its tests use a transactional database (`django_db(transaction=True)`) and put `localhost`
(HOST, the name the VCL's probe sends) in ALLOWED_HOSTS. For the site's purges to reach the
test's Varnish, set `settings.EDGE_PURGE_URLS = [f"http://127.0.0.1:{edge.port}"]`.
"""

import contextlib
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import urllib3
from django.conf import settings
from pytest_django.live_server_helper import LiveServer

from tests.servers import free_port, stop_process, wait_for, wait_until_serving

VCL = Path(__file__).resolve().parent.parent / "deploy" / "varnish" / "default.vcl"
# The address the shipped ACL lets purge, and one it does not (all of 127/8 is this machine).
PURGER = "127.0.0.1"
STRANGER = "127.0.0.2"
# The host name requests carry, and the one the VCL's health probe sends.
HOST = "localhost"


def binary(name):
    """The path of a Varnish program; the test fails, saying how to install it, without it."""
    path = shutil.which(name) or next(
        (str(p) for p in (Path("/usr/sbin") / name, Path("/usr/bin") / name) if p.exists()), None
    )
    if path is None:
        pytest.fail(
            f"{name} is not installed: `make test` run as root installs it, or "
            "`apt-get install varnish varnish-modules` (Varnish 7 with the xkey vmod)."
        )
    return path


def vcl_for(host, port, vcl=None):
    """The shipped VCL with its first backend's .host and .port rewritten."""
    text = VCL.read_text() if vcl is None else vcl
    block = re.search(r"^backend\s+\w+\s*\{", text, flags=re.MULTILINE)
    assert block, "the VCL has no backend block"
    head, tail = text[: block.end()], text[block.end() :]
    tail, hosts = re.subn(r'\.host\s*=\s*"[^"]*"', f'.host = "{host}"', tail, count=1)
    tail, ports = re.subn(r'\.port\s*=\s*"[^"]*"', f'.port = "{port}"', tail, count=1)
    assert hosts == ports == 1, "the first backend block has no .host or .port"
    return head + tail


@dataclass
class Varnish:
    port: int
    workdir: Path

    def request(self, method, path, *, headers=None, source=PURGER, host=HOST, decode=True):
        """One request to Varnish from the address `source`; no redirect is followed. With
        `decode` off, the body is as sent (gzipped, say)."""
        pool = urllib3.HTTPConnectionPool(
            "127.0.0.1",
            self.port,
            source_address=(source, 0),
            retries=False,
            timeout=urllib3.Timeout(connect=5, read=60),
        )
        try:
            return pool.request(
                method,
                path,
                headers={"Host": host, **(headers or {})},
                redirect=False,
                decode_content=decode,
            )
        finally:
            pool.close()

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def purge(self, *keys, source=PURGER, headers=None):
        """PURGE / with the keys in xkey-purge, as the edge app's Varnish backend sends it."""
        return self.request(
            "PURGE",
            "/",
            headers={"xkey-purge": " ".join(keys), **(headers or {})},
            source=source,
        )

    def admin(self, *command):
        """A varnishadm command's output (its CLI, through the working folder)."""
        done = subprocess.run(
            [binary("varnishadm"), "-n", str(self.workdir), *command],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    def origin_health(self):
        """The origin's health as the VCL's probe judges it: "healthy" or "sick"."""
        for line in self.admin("backend.list").splitlines():
            if line.startswith("boot."):
                return line.split()[3]
        raise AssertionError("no backend listed")

    def wait_until_origin_is(self, health, timeout=30):
        assert wait_for(lambda: self.origin_health() == health, timeout), (
            f"the origin never became {health}"
        )

    def answers(self):
        """Whether the VCL itself answers: a purge naming no key is refused with a 400,
        whatever the origin does."""
        return self.request("PURGE", "/").status == 400


@contextlib.contextmanager
def varnish(origin_port, origin_host="127.0.0.1", vcl=None):
    """Varnish on a free port with the shipped VCL (or `vcl`), in front of the origin."""
    varnishd = binary("varnishd")
    binary("varnishadm")
    with tempfile.TemporaryDirectory(prefix="newsroom-varnish-") as folder:
        folder = Path(folder)
        vcl_path = folder / "default.vcl"
        vcl_path.write_text(vcl_for(origin_host, origin_port, vcl))
        port = free_port()
        log = (folder / "varnishd.log").open("wb")
        # -F: in the foreground, stopped with the test. -j none: no switch to the varnish
        # user (the test's own files stay readable). Parameters are Varnish's defaults.
        process = subprocess.Popen(
            [varnishd, "-F", "-j", "none", "-n", str(folder / "work"),
             "-a", f"127.0.0.1:{port}", "-f", str(vcl_path), "-s", "malloc,64m"],
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        server = Varnish(port, folder / "work")
        try:
            wait_until_serving(
                server.answers,
                process,
                name="varnishd",
                log=folder / "varnishd.log",
                not_yet=urllib3.exceptions.HTTPError,
            )
            yield server
        finally:
            stop_process(process)
            log.close()


class Origin:
    """The site served from this process, as Django's live server thread serves it."""

    def __init__(self):
        self.server = LiveServer("127.0.0.1:0")

    @property
    def port(self):
        return self.server.thread.port

    def stop(self):
        """Stop serving: the port is closed from now on."""
        self.server.thread.terminate()
        self.server.thread.join(timeout=10)

    def close(self):
        self.stop()
        # Only now, requests in flight when it stopped being long finished, may the test's
        # in-memory database connection stop being shared with the server's threads.
        for connection in self.server.thread.connections_override.values():
            connection.dec_thread_sharing()


@contextlib.contextmanager
def newsroom_origin():
    """The site on a free port, with the settings as they are now (middleware reads some at
    start). The host names the VCL and the tests send must be in ALLOWED_HOSTS."""
    assert HOST in settings.ALLOWED_HOSTS, f"add {HOST!r} to ALLOWED_HOSTS first"
    origin = Origin()
    try:
        yield origin
    finally:
        origin.close()
