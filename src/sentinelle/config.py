"""Limits and switches of an engine, as explicit configuration (no global settings).

Every limit is a place where hostile input is cut; each cut becomes an anomaly in the verdict so the user
knows what was not read (rspamd's ``max_urls`` and friends).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on what one analysis reads. Defaults suit a citizen's message and a mail gateway alike."""

    max_input_bytes: int = 50 * 1024 * 1024  # raw bytes read from a file or stream; the rest is cut
    max_text_chars: int = 1_000_000  # characters of readable text analysed
    max_links: int = 500
    max_phones: int = 200
    min_text_chars: int = 3  # below this, with no link or number, the verdict is UNKNOWN


@dataclass(frozen=True, slots=True)
class Config:
    """Engine configuration. ``lang`` is the default language of explanations and advice."""

    limits: Limits = Limits()
    lang: str = "fr"
