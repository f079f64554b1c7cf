"""Bytes -> text, never failing: invalid UTF-8 and binary garbage are anomalies, not exceptions."""

from __future__ import annotations

from ..model import Anomaly


def decode_bytes(data: bytes, *, max_bytes: int) -> tuple[str, list[Anomaly]]:
    """Decode as UTF-8 (BOM allowed); on failure fall back to Windows-1252 and say so.

    Windows-1252 is the right fallback for French text of unknown origin: it maps every byte, and French
    accents written by old tools are mostly in it. Binary data is still decoded (what can be read is read)
    but flagged, so a verdict on it is not mistaken for a reliable one.
    """
    anomalies: list[Anomaly] = []
    if len(data) > max_bytes:
        anomalies.append(Anomaly("INPUT_TRUNCATED", {"limit": str(max_bytes)}))
        data = data[:max_bytes]
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        bad = data.decode("utf-8", errors="replace").count("\ufffd")
        text = data.decode("cp1252", errors="replace")
        anomalies.append(Anomaly("INVALID_UTF8", {"encoding": "Windows-1252", "count": str(bad)}))
    if data:
        sample = data[:65536]
        controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 13))
        ratio = controls / len(sample)
        if ratio > 0.05:
            anomalies.append(Anomaly("BINARY_CONTENT", {"ratio": f"{ratio * 100:.0f}"}))
    return text, anomalies
