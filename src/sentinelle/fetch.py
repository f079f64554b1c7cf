"""A safe fetcher for one suspected phishing page, used only when a person explicitly asks (``--fetch``).

Sentinelle never goes to the network by itself: the engine analyses what it is given. This module is what a
door (the command line, an operator-enabled API flag) calls when a user asks to fetch a page, and it is
written for addresses chosen by attackers:

* **No JavaScript, no cookies**: one ``GET`` with the standard library's ``http.client``; nothing is
  executed, no cookie is stored or sent, the body is never decompressed beyond the size cap (``identity``
  is asked for; a gzip body is inflated up to ``max_bytes``).
* **Bounds**: connect timeout, read timeout per socket operation, a total deadline for the whole fetch
  (a watchdog shuts the socket down at the deadline, so a server answering one byte a second is cut too),
  a size cap on the body (the page is truncated and says so), at most ``max_redirects`` redirects, each
  hop recorded (``FetchedPage.redirects``), only ``http`` and ``https``.
* **SSRF protection on every hop**: the host is resolved here, every address is checked, and the
  connection is made to the vetted address itself (TLS still checks the certificate for the host name), so
  a second DNS answer cannot swap in another address (DNS rebinding). Refused: loopback, private,
  link-local (cloud metadata at 169.254.169.254), carrier-grade NAT (100.64.0.0/10), multicast, reserved,
  unspecified and documentation ranges, and their IPv6 forms (``::1``, ``fc00::/7``, ``fe80::/10``,
  IPv4-mapped ``::ffff:127.0.0.1``, 6to4 and NAT64 and Teredo wrappers of refused IPv4 addresses): anything
  that is not a global unicast address. Ports other than 80, 443, 8080 and 8443 are refused too.
  ``FetchOptions.allow`` lets a test (or an operator's lab) allow chosen networks explicitly.

Errors are ``FetchError`` (an ``InputError``: exit 2 on the command line, HTTP 400 in the API) with a stable
``code`` and the redirects followed so far; a refused address is never connected to.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from ._version import __version__
from .errors import InputError

__all__ = ["FetchError", "FetchOptions", "FetchedPage", "check_address", "fetch_page"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
_REDIRECTS = frozenset([301, 302, 303, 307, 308])
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_CHUNK = 65_536


@dataclass(frozen=True, slots=True)
class FetchOptions:
    """Bounds and permissions of one fetch. The defaults suit a citizen's check of one page."""

    max_bytes: int = 5 * 1024 * 1024
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    total_timeout: float = 20.0
    max_redirects: int = 5
    ports: frozenset[int] = frozenset([80, 443, 8080, 8443])
    # Networks allowed although they are not global (a test's loopback server); their ports are not checked.
    allow: tuple[IPNetwork, ...] = ()
    user_agent: str = f"Sentinelle/{__version__} (anti-fraud check of a reported page; no JavaScript)"
    # Name resolution, replaceable in tests: host, port -> addresses (as socket.getaddrinfo gives them).
    resolve: Callable[[str, int], Sequence[str]] | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class FetchedPage:
    """What a fetch brought back: the final address, the body (capped) and how it got there."""

    url: str
    status: int
    body: bytes
    content_type: str = ""
    redirects: tuple[str, ...] = ()  # every address before ``url``, in order
    address: str = ""  # the IP address connected to for the last hop
    truncated: bool = False
    elapsed: float = 0.0

    @property
    def charset(self) -> str | None:
        """The charset the server declared in ``Content-Type``, if any."""
        for param in self.content_type.split(";")[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "charset" and value.strip():
                return value.strip().strip("\"'")[:40]
        return None


class FetchError(InputError):
    """The page could not be fetched, or fetching it was refused. ``code`` is stable:

    ``bad_url``, ``scheme``, ``port``, ``dns``, ``refused_address``, ``connect``, ``timeout``, ``tls``,
    ``http``, ``too_many_redirects``.
    """

    def __init__(self, code: str, message: str, *, url: str = "", redirects: Sequence[str] = ()) -> None:
        if redirects:
            message += f" (redirections suivies : {' -> '.join(r[:200] for r in redirects[:10])})"
        super().__init__(message)
        self.code = code
        self.url = url
        self.redirects = tuple(redirects)


def check_address(address: str, options: FetchOptions = FetchOptions()) -> str | None:
    """Why an IP address may not be connected to (a short reason), or ``None`` when it may."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return "not an IP address"
    if any(ip in net for net in options.allow if net.version == ip.version):
        return None
    return _refusal(ip)


def _refusal(ip: IPAddress) -> str | None:
    if isinstance(ip, ipaddress.IPv6Address):
        embedded: ipaddress.IPv4Address | None = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip.teredo is not None:
            embedded = ip.teredo[1]
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            reason = _refusal(embedded)
            return f"{reason} (inside the IPv6 address {ip})" if reason else None
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local (cloud metadata)"
    if ip.is_multicast:
        return "multicast"
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_private:
        return "private network"
    if isinstance(ip, ipaddress.IPv4Address) and ip in ipaddress.IPv4Network("100.64.0.0/10"):
        return "carrier-grade NAT"
    if ip.is_reserved or not ip.is_global:
        return "reserved or not global"
    return None


def fetch_page(url: str, options: FetchOptions = FetchOptions()) -> FetchedPage:
    """Fetch one page safely (see the module docstring); raises ``FetchError``."""
    started = time.monotonic()
    deadline = started + options.total_timeout
    redirects: list[str] = []
    current = url.strip()
    while True:
        status, headers, body, truncated, address = _one_request(current, options, deadline, redirects)
        location = headers.get("location")
        if status in _REDIRECTS and location:
            if len(redirects) >= options.max_redirects:
                raise FetchError("too_many_redirects", f"plus de {options.max_redirects} redirections",
                                 url=current, redirects=[*redirects, current])
            redirects.append(current)
            try:
                current = urljoin(current, location.strip())
            except ValueError:
                raise FetchError("bad_url", f"redirection vers une adresse illisible : {location[:200]!r}",
                                 url=current, redirects=redirects) from None
            continue
        return FetchedPage(url=current, status=status, body=body, content_type=headers.get("content-type", ""),
                           redirects=tuple(redirects), address=address, truncated=truncated,
                           elapsed=time.monotonic() - started)


def _target(url: str, options: FetchOptions, redirects: Sequence[str]) -> tuple[str, str, int, str]:
    """Scheme, host, port and path-with-query of an address, or ``FetchError``."""
    try:
        parts = urlsplit(url)
        port = parts.port
        host = parts.hostname
    except ValueError:
        raise FetchError("bad_url", f"adresse illisible : {url[:200]!r}", url=url, redirects=redirects) from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchError("scheme", f"seules les adresses http et https sont récupérées ({scheme or '?'}:)",
                         url=url, redirects=redirects)
    if not host:
        raise FetchError("bad_url", f"adresse sans nom d'hôte : {url[:200]!r}", url=url, redirects=redirects)
    if parts.username or parts.password:
        raise FetchError("bad_url", "adresse avec identifiants (user@host) : refusée", url=url, redirects=redirects)
    try:
        host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        raise FetchError("bad_url", f"nom d'hôte illisible : {host[:100]!r}", url=url, redirects=redirects) from None
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return scheme, host, port or (443 if scheme == "https" else 80), path


def _vetted(host: str, port: int, options: FetchOptions, url: str, redirects: Sequence[str]) -> str:
    """The first address of ``host`` that may be connected to; ``FetchError`` when none may."""
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        literal = None
    if literal is not None:
        addresses: Sequence[str] = [str(literal)]
    else:
        try:
            if options.resolve is not None:
                addresses = list(options.resolve(host, port))
            else:
                infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
                addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        except (OSError, UnicodeError) as exc:
            raise FetchError("dns", f"nom introuvable : {host} ({exc})", url=url, redirects=redirects) from None
    reasons = []
    for address in addresses:
        try:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
        except ValueError:
            reasons.append(f"{address[:60]}: not an IP address")
            continue
        allowed = any(ip in net for net in options.allow if net.version == ip.version)
        reason = None if allowed else _refusal(ip)
        if reason is None and not allowed and port not in options.ports:
            reason = f"port {port} refused"
        if reason is None:
            return str(ip)
        reasons.append(f"{ip}: {reason}")
    if not reasons:
        raise FetchError("dns", f"nom sans adresse : {host}", url=url, redirects=redirects)
    code = "port" if all("port" in r for r in reasons) else "refused_address"
    raise FetchError(code, f"adresse refusée pour {host} ({'; '.join(reasons[:4])})", url=url, redirects=redirects)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection to a vetted address; the Host header still names the host."""

    def __init__(self, host: str, port: int, address: str, connect_timeout: float, read_timeout: float) -> None:
        super().__init__(host, port, timeout=connect_timeout)
        self._address = address
        self._read_timeout = read_timeout
        # Kept for the deadline watchdog: http.client drops ``sock`` when the response will close the
        # connection (HTTP/1.0, "Connection: close"), while the response still reads from it.
        self.pinned: socket.socket | None = None

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), timeout=self.timeout)
        self.sock.settimeout(self._read_timeout)
        self.pinned = self.sock


class _PinnedHTTPSConnection(_PinnedHTTPConnection):
    """HTTPS to a vetted address; the certificate is checked for the host name (SNI)."""

    def __init__(self, host: str, port: int, address: str, connect_timeout: float, read_timeout: float,
                 context: ssl.SSLContext) -> None:
        super().__init__(host, port, address, connect_timeout, read_timeout)
        self._context = context

    def connect(self) -> None:
        super().connect()
        self.sock = self._context.wrap_socket(self.sock, server_hostname=self.host)
        self.pinned = self.sock


def _one_request(url: str, options: FetchOptions, deadline: float,
                 redirects: Sequence[str]) -> tuple[int, dict[str, str], bytes, bool, str]:
    scheme, host, port, path = _target(url, options, redirects)
    address = _vetted(host, port, options, url, redirects)
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise FetchError("timeout", "délai total dépassé", url=url, redirects=redirects)
    connect_timeout = min(options.connect_timeout, remaining)
    read_timeout = min(options.read_timeout, remaining)
    conn: _PinnedHTTPConnection
    if scheme == "https":
        conn = _PinnedHTTPSConnection(host, port, address, connect_timeout, read_timeout, ssl.create_default_context())
    else:
        conn = _PinnedHTTPConnection(host, port, address, connect_timeout, read_timeout)
    expired = threading.Event()

    def cut() -> None:  # the total deadline: whatever the socket is doing, it stops now
        expired.set()
        sock = conn.pinned
        if sock is not None:
            with contextlib.suppress(OSError):
                socket.socket.shutdown(sock, socket.SHUT_RDWR)

    response: http.client.HTTPResponse | None = None
    watchdog = threading.Timer(remaining, cut)
    watchdog.daemon = True
    watchdog.start()
    try:
        conn.putrequest("GET", path, skip_accept_encoding=True)
        conn.putheader("User-Agent", options.user_agent)
        conn.putheader("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5")
        conn.putheader("Accept-Encoding", "identity")
        conn.putheader("Connection", "close")
        conn.endheaders()
        response = conn.getresponse()
        headers = {k.lower(): v for k, v in response.getheaders()}
        status = response.status
        if status in _REDIRECTS:
            return status, headers, b"", False, address
        body, truncated = _read_body(response, headers, options.max_bytes, expired)
        if expired.is_set():
            raise FetchError("timeout", f"délai total de {options.total_timeout:g} s dépassé", url=url,
                             redirects=redirects)
        return status, headers, body, truncated, address
    except FetchError:
        raise
    except ssl.SSLError as exc:
        raise FetchError("tls", f"échec TLS avec {host} : {exc.reason or exc}", url=url, redirects=redirects) from None
    except TimeoutError:
        raise FetchError("timeout", f"pas de réponse de {host} à temps", url=url, redirects=redirects) from None
    except (OSError, http.client.HTTPException) as exc:
        if expired.is_set():
            raise FetchError("timeout", f"délai total de {options.total_timeout:g} s dépassé", url=url,
                             redirects=redirects) from None
        code = "connect" if isinstance(exc, ConnectionRefusedError) else "http"
        raise FetchError(code, f"échec de la connexion à {host} : {type(exc).__name__} {exc}"[:300], url=url,
                         redirects=redirects) from None
    finally:
        watchdog.cancel()
        if response is not None:
            response.close()  # it may own the socket (a response that closes the connection)
        conn.close()


def _read_body(response: http.client.HTTPResponse, headers: dict[str, str], cap: int,
               expired: threading.Event) -> tuple[bytes, bool]:
    """The body up to ``cap`` bytes (after gzip, if the server sent it anyway); ``True`` when cut."""
    coding = headers.get("content-encoding", "").strip().lower()
    inflater = zlib.decompressobj(wbits=47) if coding in ("gzip", "x-gzip", "deflate") else None
    chunks: list[bytes] = []
    total = 0
    while total < cap and not expired.is_set():
        chunk = response.read(_CHUNK)
        if not chunk:
            return b"".join(chunks), False
        if inflater is not None:
            try:
                chunk = inflater.decompress(chunk, cap - total)
            except zlib.error:
                return b"".join(chunks), False
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)[:cap], True
