"""Fetch a small file from a public web address, never from an internal one.

Pure (no Django). Guards against server-side request forgery:

- only http and https, on the usual ports (80, 443, 8080, 8443), no user:password@ in the URL;
- the host is resolved once, and every address it resolves to must be public: loopback,
  private, link-local (169.254.169.254, the cloud metadata service), shared (100.64/10),
  reserved, multicast and unspecified addresses are refused, in IPv4 and IPv6, IPv4-mapped,
  6to4 and Teredo IPv6 addresses by the IPv4 address they carry;
- the connection goes to the address that was checked (a second DNS answer cannot swap it:
  no DNS rebinding), with the host name kept for TLS certificate checking and the Host header;
- redirects are followed by hand, each hop checked again, at most 3;
- one deadline for the whole (connect, headers, body, redirects): every read waits at most the
  time left, reads are small, and a watchdog closes the socket at the deadline, so a server
  that trickles a byte at a time cannot hold the worker; at most `MAX_BYTES` read;
- a path with non-ASCII characters is percent-encoded (a redirect's too); an address that
  still cannot be sent is refused.

Every refusal is a `FetchError` with a message that says why.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from urllib.parse import quote, urljoin, urlsplit

from maillage.designs.messages import CoreError, Message
from maillage.designs.messages import gettext_noop as N_

MAX_BYTES = 1_000_000
MAX_REDIRECTS = 3
TIMEOUT_S = 10.0
ALLOWED_PORTS = {80, 443, 8080, 8443}
REDIRECTS = {301, 302, 303, 307, 308}
CHUNK = 8192
PATH_SAFE = "/%?=&;:@+,!$'()*~"
USER_AGENT = "Maillage OKH import (+https://maillage.invalid)"

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchError(CoreError):
    """The address is refused or the file could not be fetched; the message says why."""


def resolve(host: str, port: int) -> list[str]:
    """Every address the host resolves to (tests replace this function to fake the DNS)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchError(N_("The host %(host)s cannot be found."), host=host) from error
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def refusal(address: Address) -> str:
    """What kind of non-public address this is ("a private address"…), or "" when public."""
    if isinstance(address, ipaddress.IPv6Address):
        carried = address.ipv4_mapped or address.sixtofour
        if carried is None and address.teredo is not None:
            carried = address.teredo[1]
        if carried is not None:
            return refusal(carried)
    checks = (
        (address.is_unspecified, N_("an unspecified address")),
        (address.is_loopback, N_("a loopback address")),
        (address.is_link_local, N_("a link-local address")),
        (address.is_multicast, N_("a multicast address")),
        (address.is_private, N_("a private address")),
        (address.is_reserved, N_("a reserved address")),
        (not address.is_global, N_("a non-public address")),
    )
    for refused, what in checks:
        if refused:
            return what
    return ""


def check_url(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, checked address) for a URL that may be fetched, else FetchError."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise FetchError(N_("This is not a valid address: %(error)s."), error=error) from error
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchError(
            N_("Only http and https addresses are fetched, not '%(scheme)s'."),
            scheme=scheme or url,
        )
    host = parts.hostname or ""
    if not host:
        raise FetchError(N_("The address has no host."))
    if parts.username or parts.password:
        raise FetchError(N_("Addresses with a user name or password are not fetched."))
    port = port or (443 if scheme == "https" else 80)
    if port not in ALLOWED_PORTS:
        raise FetchError(
            N_("Port %(port)s is not fetched (only 80, 443, 8080 and 8443)."), port=port
        )
    try:
        literal: Address | None = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    candidates = [str(literal)] if literal is not None else resolve(host, port)
    if not candidates:
        raise FetchError(N_("The host %(host)s cannot be found."), host=host)
    for candidate in candidates:
        try:
            address = ipaddress.ip_address(candidate.split("%")[0])
        except ValueError as error:
            raise FetchError(
                N_("The host %(host)s resolves to an unreadable address."), host=host
            ) from error
        reason = refusal(address)
        if reason:
            if literal is not None:
                raise FetchError(
                    N_("Refused: %(host)s is %(kind)s; internal addresses are not fetched."),
                    host=host,
                    kind=Message(reason),
                )
            raise FetchError(
                N_(
                    "Refused: %(host)s resolves to %(address)s, %(kind)s; internal addresses "
                    "are not fetched."
                ),
                host=host,
                address=candidate,
                kind=Message(reason),
            )
    return scheme, host, port, candidates[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the checked address, not to what the host name resolves to now."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def _too_slow(url: str, timeout: float) -> FetchError:
    return FetchError(
        N_("%(url)s took longer than %(seconds)s s."), url=url, seconds=f"{timeout:g}"
    )


def _left(deadline: float, url: str, timeout: float) -> float:
    """The time left before the deadline (at least 0.1 s), else the refusal."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise _too_slow(url, timeout)
    return max(0.1, left)


def _watchdog(connection: http.client.HTTPConnection, seconds: float) -> threading.Timer:
    """Closes the connection's socket after `seconds`, cutting any read still waiting."""

    def cut() -> None:
        sock = connection.sock
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    timer = threading.Timer(seconds, cut)
    timer.daemon = True
    timer.start()
    return timer


def read_body(
    response: http.client.HTTPResponse,
    sock: socket.socket | None,
    *,
    deadline: float,
    max_bytes: int,
    url: str = "",
    timeout: float = TIMEOUT_S,
) -> bytes:
    """The body, read in small pieces, each waiting at most the time left before `deadline`."""
    chunks: list[bytes] = []
    size = 0
    while True:
        left = _left(deadline, url, timeout)
        if sock is not None:
            sock.settimeout(left)
        try:
            chunk = response.read1(CHUNK)
        except TimeoutError as error:
            raise _too_slow(url, timeout) from error
        if not chunk:
            if time.monotonic() >= deadline:  # cut by the watchdog
                raise _too_slow(url, timeout)
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(N_("The file is larger than %(size)s kB."), size=max_bytes // 1000)
        chunks.append(chunk)


def request_path(url: str) -> str:
    """The path and query to send, percent-encoded (non-ASCII characters as UTF-8)."""
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return quote(path, safe=PATH_SAFE)


def fetch(url: str, *, max_bytes: int = MAX_BYTES, timeout: float = TIMEOUT_S) -> bytes:
    """The body of a public http(s) address, at most `max_bytes`, following up to 3 redirects,
    all within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    for _hop in range(MAX_REDIRECTS + 1):
        scheme, host, port, address = check_url(url)
        path = request_path(url)
        kind = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
        left = _left(deadline, url, timeout)
        connection = kind(host, port, address, left)
        watchdog = _watchdog(connection, left)
        try:
            connection.request("GET", path, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
            if connection.sock is not None:
                connection.sock.settimeout(_left(deadline, url, timeout))
            response = connection.getresponse()
            if response.status in REDIRECTS:
                location = response.getheader("Location")
                if not location:
                    raise FetchError(N_("%(url)s redirects without saying where."), url=url)
                url = urljoin(url, location)
                continue
            if response.status != 200:
                raise FetchError(
                    N_("%(url)s answered %(status)s %(reason)s."),
                    url=url,
                    status=response.status,
                    reason=response.reason,
                )
            length = response.getheader("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise FetchError(N_("The file is larger than %(size)s kB."), size=max_bytes // 1000)
            return read_body(
                response,
                connection.sock,
                deadline=deadline,
                max_bytes=max_bytes,
                url=url,
                timeout=timeout,
            )
        except FetchError:
            raise
        except (OSError, http.client.HTTPException) as error:
            if time.monotonic() >= deadline:
                raise _too_slow(url, timeout) from error
            raise FetchError(
                N_("%(url)s could not be fetched: %(error)s."), url=url, error=error
            ) from error
        except ValueError as error:  # e.g. a header or address that cannot be sent
            raise FetchError(
                N_(
                    "%(url)s cannot be requested: the address holds characters that cannot be sent."
                ),
                url=url,
            ) from error
        finally:
            watchdog.cancel()
            connection.close()
    raise FetchError(N_("More than %(count)s redirects."), count=MAX_REDIRECTS)
