"""Which addresses an importer may fetch from: `vet_url`, the guard against server-side request
forgery that every hop of `importers.download.fetch` passes.

A URL from someone else's file is checked (http or https, a host, no credentials, a port that
is a port) and its host resolved once; every address it resolves to must be public unless the
caller allows private networks. The caller then connects to those addresses, never to the name,
so a DNS answer that changes between the check and the connection cannot slip through.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import quote, urlsplit, urlunsplit

# Characters that may stay as they are in a request path or query; anything else (spaces,
# non-ASCII file names from WordPress uploads) is percent-encoded, and existing escapes are kept.
PATH_SAFE = "/%:@!$&'()*+,;=-._~"
QUERY_SAFE = PATH_SAFE + "?"


class DownloadError(Exception):
    """A download was refused or failed; the message names the URL and says why, in plain words."""


@dataclass(frozen=True)
class Target:
    """A URL that passed `vet_url`, with the addresses it may be fetched from."""

    url: str
    scheme: str
    host: str  # ASCII (IDNA) host name or IP literal, without brackets
    port: int
    path: str  # request target: path and query, percent-encoded
    addresses: tuple[str, ...]

    @property
    def host_header(self):
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return host if self.port == default else f"{host}:{self.port}"


def vet_url(url, allow_private=False):
    """Check that `url` may be fetched and resolve its host; return a `Target` or raise.

    Resolving happens here, once: the caller connects to `Target.addresses`, never to the name.
    """
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in url):
        raise DownloadError(f"{url!r} was refused: it contains control characters.")
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        raise DownloadError(f"{url} was refused: it is not a well-formed address.") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise DownloadError(f"{url} was refused: only http and https addresses can be fetched.")
    if parts.username is not None or parts.password is not None:
        raise DownloadError(f"{url} was refused: it carries a user name or password.")
    if not parts.hostname:
        raise DownloadError(f"{url} was refused: it names no host.")
    try:
        port = parts.port
        if port is None:
            port = 443 if scheme == "https" else 80
    except ValueError:
        port = 0
    if not 0 < port < 65536:
        raise DownloadError(f"{url} was refused: its port is not a number from 1 to 65535.")
    host = _ascii_host(parts.hostname, url)

    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise DownloadError(
            f"{url} could not be fetched: the name {host} was not found ({error})."
        ) from None
    addresses = tuple(dict.fromkeys(answer[4][0] for answer in answers))
    if not addresses:
        raise DownloadError(f"{url} could not be fetched: the name {host} has no address.")
    # One internal answer refuses the whole name: a mixed answer is how rebinding tricks start.
    for address in addresses:
        if not _may_connect(ipaddress.ip_address(address), allow_private):
            raise DownloadError(
                f"{url} was refused: {host} is at {address}, a private or internal address, "
                "and importers only fetch from public addresses."
            )

    path = quote(parts.path or "/", safe=PATH_SAFE)
    if parts.query:
        path += "?" + quote(parts.query, safe=QUERY_SAFE)
    clean_url = urlunsplit((scheme, parts.netloc, parts.path, parts.query, ""))
    return Target(clean_url, scheme, host, port, path, addresses)


def _ascii_host(hostname, url):
    try:
        ipaddress.ip_address(hostname)
    except ValueError:
        pass
    else:
        return hostname
    try:
        return hostname.encode("idna").decode("ascii")
    except UnicodeError:
        raise DownloadError(f"{url} was refused: its host name is not valid.") from None


def _may_connect(address, allow_private):
    if allow_private is True:
        return True
    # Judge an IPv4-mapped IPv6 address (::ffff:127.0.0.1) as the IPv4 address it reaches.
    if address.version == 6 and address.ipv4_mapped:
        address = address.ipv4_mapped
    if not _is_internal(address):
        return True
    if not allow_private:
        return False
    networks = (allow_private,) if isinstance(allow_private, str) else allow_private
    return any(address in ipaddress.ip_network(network) for network in networks)


def _is_internal(address):
    if address.version == 6 and address.sixtofour and _is_internal(address.sixtofour):
        return True
    # `is_global` alone lets multicast through, and its tables differ between Python releases,
    # so the other properties are asked too.
    return (
        not address.is_global
        or address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )
