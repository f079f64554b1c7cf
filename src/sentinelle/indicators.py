"""Indicators for fraud teams, and the secrets among them that a verdict must never repeat.

Phishing kits send what victims type to a messaging bot (``https://api.telegram.org/bot<token>/sendMessage``)
or a chat webhook (Discord, Slack). The bot token is a credential: whoever holds it can read the stolen data
and take the bot over. A verdict, an export or a log must not carry it, yet fraud teams need to match the same
bot across pages and to report it. So every token is replaced, wherever it appears in an address, by its bot
number (public: it is the bot's identity) and a SHA-256 fingerprint of the whole token:
``api.telegram.org/bot123456789:<sha256:3f9a...>/sendMessage``. Two pages sending to the same bot give the
same fingerprint; the token itself cannot be recovered from it.

Patterns are linear-time (RE2) and run over bounded text (addresses, capped scripts).
"""

from __future__ import annotations

import hashlib
from functools import cache

import re2

__all__ = ["bot_endpoints", "fingerprint", "redact_tokens"]

_FINGERPRINT_HEX = 16


@cache
def _patterns() -> tuple[re2._Regexp, re2._Regexp]:
    # 1: a bot API or webhook address with its secret; 2: a bare Telegram bot token in script text.
    endpoint = re2.compile(
        r"(?i)(api\.telegram\.org/(?:file/)?bot)(\d{5,15}):([A-Za-z0-9_-]{20,80}|<sha256:[0-9a-f]{16}>)"
        r"|((?:canary\.|ptb\.)?discord(?:app)?\.com/api/(?:v\d+/)?webhooks/)(\d{5,25})/"
        r"([A-Za-z0-9_-]{20,100}|<sha256:[0-9a-f]{16}>)"
        r"|(hooks\.slack\.com/services/)([A-Z0-9]{5,15}/[A-Z0-9]{5,15})/([A-Za-z0-9]{10,40}|<sha256:[0-9a-f]{16}>)"
    )
    bare = re2.compile(r"\b(\d{6,12}):(AA[A-Za-z0-9_-]{30,40})\b")
    return endpoint, bare


def fingerprint(secret: str) -> str:
    """``sha256:`` and the first 16 hex digits of the SHA-256 of a secret."""
    return "sha256:" + hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()[:_FINGERPRINT_HEX]


def redact_tokens(text: str) -> str:
    """``text`` with every bot token and webhook secret replaced by its fingerprint (see module docstring)."""
    if not text or ("telegram" not in text and "discord" not in text and "slack" not in text and ":AA" not in text):
        return text
    endpoint, bare = _patterns()

    def hide(match: re2._Match) -> str:
        groups = match.groups()
        for i in (0, 3, 6):
            if groups[i] is not None:
                prefix, ident, secret = groups[i], groups[i + 1], groups[i + 2]
                sep = ":" if i == 0 else "/"
                if secret.startswith("<sha256:"):  # already redacted
                    return str(match.group(0))
                return f"{prefix}{ident}{sep}<{fingerprint(f'{ident}{sep}{secret}')}>"
        return str(match.group(0))

    text = str(endpoint.sub(hide, text))
    return str(bare.sub(lambda m: f"{m.group(1)}:<{fingerprint(m.group(0))}>", text))


def bot_endpoints(text: str, limit: int = 5) -> list[str]:
    """Bot API and webhook addresses written in ``text``, already redacted, without duplicates."""
    if not text or ("telegram" not in text and "discord" not in text and "slack" not in text and ":AA" not in text):
        return []
    endpoint, bare = _patterns()
    out: dict[str, None] = {}
    for match in endpoint.finditer(text):
        out.setdefault(redact_tokens(match.group(0)), None)
        if len(out) >= limit:
            return list(out)
    for match in bare.finditer(text):
        out.setdefault(f"telegram bot {match.group(1)}:<{fingerprint(match.group(0))}>", None)
        if len(out) >= limit:
            break
    return list(out)
