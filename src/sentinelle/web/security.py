"""Protections of the web door: CSRF tokens for the form, per-client rate limiting, security headers.

* **CSRF** (signed double submit): the browser holds a random value in a ``SameSite=Strict``, ``HttpOnly``
  cookie; the form carries ``<issued>.<HMAC(secret, cookie value, issued)>``. A forged cross-site post has
  neither the cookie (SameSite) nor a valid signature for it (the secret never leaves the server), and a
  token expires after ``csrf_max_age_s``. Nothing is stored on the server.
* **Rate limiting**: one token bucket per client address (IPv6 grouped by /64, as one subscriber usually
  holds a whole /64), in process memory, bounded in the number of clients kept.
* **Headers**: a strict Content-Security-Policy (own origin only, no inline script or style, no frames),
  no referrer, no sniffing, no caching of answers (they repeat what the citizen sent).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSRF_COOKIE = "sentinelle_csrf"
CSRF_FIELD = "csrf"

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
_HEADERS = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
)


class CsrfSigner:
    """Makes and checks form tokens bound to the browser's CSRF cookie (see the module docstring)."""

    def __init__(self, secret: bytes, max_age_s: int, clock: Callable[[], float] = time.time) -> None:
        if len(secret) < 16:
            raise ValueError("the CSRF secret must hold at least 16 bytes")
        self._secret = secret
        self._max_age = max_age_s
        self._clock = clock

    @staticmethod
    def new_cookie_value() -> str:
        return secrets.token_urlsafe(32)

    def _mac(self, cookie_value: str, issued: int) -> str:
        msg = f"{cookie_value}.{issued}".encode()
        return hmac.new(self._secret, msg, hashlib.sha256).hexdigest()

    def token(self, cookie_value: str) -> str:
        """The hidden form field for this cookie value."""
        issued = int(self._clock())
        return f"{issued}.{self._mac(cookie_value, issued)}"

    def check(self, cookie_value: str | None, token: str | None) -> bool:
        """True when ``token`` was issued by this server for ``cookie_value`` and has not expired."""
        if not cookie_value or not token or len(token) > 200 or len(cookie_value) > 200:
            return False
        issued_text, _, mac = token.partition(".")
        if not issued_text.isdigit():
            return False
        issued = int(issued_text)
        if not 0 <= self._clock() - issued <= self._max_age:
            return False
        return hmac.compare_digest(mac, self._mac(cookie_value, issued))


class RateLimiter:
    """A token bucket per client: ``burst`` requests at once, refilled at ``per_minute`` per minute.

    Thread-safe; keeps at most ``max_clients`` buckets (the least recently seen are forgotten, which only
    ever gives a forgotten client a full bucket again).
    """

    def __init__(
        self, per_minute: float, burst: int, max_clients: int = 10_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if per_minute <= 0 or burst < 1:
            raise ValueError("per_minute must be > 0 and burst >= 1")
        self._rate = per_minute / 60.0
        self._burst = float(burst)
        self._max = max_clients
        self._clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key -> (tokens, last time)
        self._lock = threading.Lock()

    def acquire(self, key: str) -> float:
        """Take one token for ``key``: 0.0 when allowed, else the seconds to wait before the next one."""
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.pop(key, (self._burst, now))
            tokens = min(self._burst, tokens + (now - last) * self._rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                wait = 0.0
            else:
                self._buckets[key] = (tokens, now)
                wait = (1.0 - tokens) / self._rate
            while len(self._buckets) > self._max:
                self._buckets.popitem(last=False)
        return wait


def client_key(host: str | None) -> str:
    """The rate-limiting key of a client address: IPv4 as is, IPv6 by its /64 network."""
    if not host:
        return "unknown"
    try:
        addr = ipaddress.ip_address(host)
    except ValueError:
        return host[:100]
    if isinstance(addr, ipaddress.IPv6Address):
        if addr.ipv4_mapped is not None:
            return str(addr.ipv4_mapped)
        return str(ipaddress.IPv6Network((addr, 64), strict=False))
    return str(addr)


class SecurityHeaders:
    """ASGI middleware adding the security headers to every HTTP response, and ``no-store`` to dynamic ones.

    Plain ASGI rather than ``BaseHTTPMiddleware``: it only rewrites the response start message, without
    wrapping the body stream (cheaper, and streaming stays streaming).
    """

    def __init__(self, app: ASGIApp, static_prefix: str = "/static/") -> None:
        self.app = app
        self.static_prefix = static_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith(self.static_prefix)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"cache-control" or static]
                headers.extend(_HEADERS)
                if not static:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
