"""Bytes -> text, never failing: invalid UTF-8 and binary garbage are anomalies, not exceptions."""

from __future__ import annotations

import codecs
import re

from ..model import Anomaly

# What a person can read in binary data: runs of text characters (ASCII, the Latin letters of French, a few
# French typographic signs) that contain words, i.e. at least three words of letters in a row. The rest is
# noise: decoded as Windows-1252 it reads as soft hyphens, Greek "µ", "rib" or "x.fr", and passes for a scam.
_READABLE_RUNS = re.compile(
    "[\t\n\r\x20-\x7e\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff\u0152\u0153\u20ac\u2019\u2026\u00ab\u00bb\u00b0]{8,}"
)
_PUNCT = ".,;:!?'\"()«»…"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 13))
_CONTROL_CHARS = dict.fromkeys(_CONTROL_BYTES)


def _control_ratio(units: bytes | str) -> float:
    """Share of control characters (other than tab and line breaks) in the first 64 KiB."""
    sample = units[:65536]
    if not sample:
        return 0.0
    if isinstance(sample, str):
        kept = len(sample.translate(_CONTROL_CHARS))
    else:
        kept = len(sample.translate(None, _CONTROL_BYTES))
    return (len(sample) - kept) / len(sample)


def _reads_as_words(run: str) -> bool:
    streak = 0
    for word in run.split():
        word = word.strip(_PUNCT)
        streak = streak + 1 if len(word) >= 2 and word.isalpha() else 0
        if streak >= 3:
            return True
    return False


def readable_text(text: str) -> str:
    """The runs of words in text decoded from binary data, one per line (see ``_READABLE_RUNS``)."""
    return "\n".join(run for run in _READABLE_RUNS.findall(text) if _reads_as_words(run))


def decode_bytes(data: bytes, *, max_bytes: int) -> tuple[str, list[Anomaly]]:
    """Decode as UTF-8 (BOM allowed); on failure fall back to Windows-1252 and say so.

    Windows-1252 is the right fallback for French text of unknown origin: it maps every byte, and French
    accents written by old tools are mostly in it. UTF-16 with a byte-order mark (Windows Notepad's
    "Unicode") is read as such. Binary data is flagged, so a verdict on it is not mistaken for a reliable
    one, and only its readable runs of text are kept.
    """
    anomalies: list[Anomaly] = []
    if len(data) > max_bytes:
        anomalies.append(Anomaly("INPUT_TRUNCATED", {"limit": str(max_bytes)}))
        data = data[:max_bytes]
    if data.startswith(_UTF16_BOMS):
        try:
            text = data[: len(data) // 2 * 2].decode("utf-16")
        except UnicodeDecodeError:
            pass  # not UTF-16 after all: read below like any other bytes
        else:
            ratio = _control_ratio(text)
            if ratio > 0.05:
                anomalies.append(Anomaly("BINARY_CONTENT", {"ratio": f"{ratio * 100:.0f}"}))
                text = readable_text(text)
            return text, anomalies
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        bad = data.decode("utf-8", errors="replace").count("\ufffd")
        text = data.decode("cp1252", errors="replace")
        anomalies.append(Anomaly("INVALID_UTF8", {"encoding": "Windows-1252", "count": str(bad)}))
    ratio = _control_ratio(data)
    if ratio > 0.05:
        anomalies.append(Anomaly("BINARY_CONTENT", {"ratio": f"{ratio * 100:.0f}"}))
        text = readable_text(text)
    return text, anomalies


def text_codec(name: str, refused: frozenset[str]) -> str | None:
    """Python's codec for a charset label, or ``None`` when unknown, not a text encoding or in ``refused``.

    Labels come from attackers: ``codecs.lookup`` also knows "rot13", "zlib" or "punycode", which are not
    charsets (and some would decompress), so only text encodings outside ``refused`` are accepted.
    """
    if not name or len(name) > 40:
        return None
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError, TypeError):
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in refused:
        return None
    return info.name
