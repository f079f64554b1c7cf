"""Limits and switches of the web door, as explicit configuration (no globals, no environment reads here)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..fetch import FetchOptions


@dataclass(frozen=True, slots=True)
class WebSettings:
    """What one app accepts. Defaults suit a public page on a small machine.

    ``rate_per_minute`` and ``rate_burst`` form a token bucket per client address for the analysis
    endpoints (``0`` turns rate limiting off). ``secret_key`` signs the form's CSRF tokens: ``None`` draws
    a random key per process (fine for one process; give the same key to every worker behind a balancer).
    ``secure_cookies`` marks cookies ``Secure`` (set it when served over HTTPS).
    """

    max_json_bytes: int = 256 * 1024
    max_upload_bytes: int = 20 * 1024 * 1024
    max_text_chars: int = 100_000
    rate_per_minute: float = 30.0
    rate_burst: int = 10
    rate_clients: int = 10_000  # client buckets kept in memory (least recently seen dropped first)
    secret_key: bytes | None = None
    csrf_max_age_s: int = 4 * 3600
    secure_cookies: bool = False
    media_concurrency: int = 1  # pictures and recordings analysed at once (OCR and speech are heavy)
    display_chars: int = 20_000  # characters of the message shown back on the result page
    # Issue 9: {"url": ..., "fetch": true} fetches the page (sentinelle.fetch: SSRF-checked, capped). Off by
    # default: the operator decides whether this server may reach out to addresses its users give.
    allow_fetch: bool = False
    fetch_options: FetchOptions = field(default_factory=FetchOptions)
