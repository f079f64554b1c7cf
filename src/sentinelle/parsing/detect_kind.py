"""Guess the kind of an input when the caller does not say: by content first, then by file name.

Content beats the name because the name is chosen by whoever sent the file.
"""

from __future__ import annotations

from pathlib import Path

from ..model import Kind

_EMAIL_HEADERS = (
    b"received:",
    b"return-path:",
    b"from:",
    b"to:",
    b"subject:",
    b"mime-version:",
    b"message-id:",
    b"date:",
    b"delivered-to:",
    b"x-",
    b"dkim-signature:",
    b"authentication-results:",
    b"reply-to:",
)
_PHONE_CHARS = frozenset("0123456789+ .-()")
SUFFIXES = {
    ".eml": Kind.EMAIL,
    ".msg": Kind.EMAIL,
    ".mbox": Kind.EMAIL,
    ".png": Kind.IMAGE,
    ".jpg": Kind.IMAGE,
    ".jpeg": Kind.IMAGE,
    ".gif": Kind.IMAGE,
    ".webp": Kind.IMAGE,
    ".heic": Kind.IMAGE,
    ".heif": Kind.IMAGE,
    ".bmp": Kind.IMAGE,
    ".tif": Kind.IMAGE,
    ".tiff": Kind.IMAGE,
    ".wav": Kind.AUDIO,
    ".mp3": Kind.AUDIO,
    ".ogg": Kind.AUDIO,
    ".oga": Kind.AUDIO,
    ".opus": Kind.AUDIO,
    ".m4a": Kind.AUDIO,
    ".amr": Kind.AUDIO,
    ".flac": Kind.AUDIO,
    ".3gp": Kind.AUDIO,
    ".html": Kind.WEBPAGE,
    ".htm": Kind.WEBPAGE,
    ".mhtml": Kind.WEBPAGE,
    ".mht": Kind.WEBPAGE,
    ".warc": Kind.WEBPAGE,
}


def kind_from_bytes(head: bytes) -> Kind | None:
    """Kind from the first bytes (magic numbers and header shapes), or None when it is plain text."""
    if head.startswith(b"\x89PNG") or head.startswith(b"\xff\xd8\xff") or head[:4] in (b"GIF8", b"II*\x00", b"MM\x00*"):
        return Kind.IMAGE
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Kind.IMAGE
    if (head[:4] == b"RIFF" and head[8:12] == b"WAVE") or head.startswith((b"ID3", b"OggS", b"fLaC", b"#!AMR")):
        return Kind.AUDIO
    if head[4:8] == b"ftyp" and head[8:11] in (b"M4A", b"3gp"):
        return Kind.AUDIO
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"hevc", b"mif1", b"msf1", b"avif"):
        return Kind.IMAGE  # iPhone screenshots (HEIC) and AVIF
    if head.startswith(b"\x1a\x45\xdf\xa3"):  # EBML: WebM/Matroska, how browsers record voice notes
        return Kind.AUDIO
    if len(head) > 3 and head[0] == 0xFF and head[1] & 0xF6 in (0xF0, 0xF2) and head[2] & 0xF0 != 0xF0:
        return Kind.AUDIO  # MP3 frame (layer III, no ID3) or AAC ADTS; not FF FE, a UTF-16 BOM
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return Kind.EMAIL  # OLE compound file: an Outlook .msg
    stripped = head.lstrip().lower()
    if stripped.startswith((b"<!doctype html", b"<html")):
        return Kind.WEBPAGE
    # Saved pages: a WARC record, or an MHTML file (its headers look like an e-mail's, its markers do not).
    if stripped.startswith(b"warc/") or b"snapshot-content-location:" in stripped or b"<saved by " in stripped[:200]:
        return Kind.WEBPAGE
    if stripped.startswith(b"from ") and b"\n" in stripped:  # mbox separator line
        return Kind.EMAIL
    first_lines = stripped.split(b"\n", 3)[:3]
    header_lines = sum(1 for line in first_lines if line.startswith(_EMAIL_HEADERS) or line[:1] in (b" ", b"\t"))
    if first_lines and first_lines[0].startswith(_EMAIL_HEADERS) and header_lines >= 2:
        return Kind.EMAIL
    return None


def kind_from_text(text: str) -> Kind:
    """SMS unless the text is one URL or one phone number."""
    stripped = text.strip()
    if stripped and len(stripped) < 2048 and len(stripped.split(maxsplit=1)) == 1:
        lower = stripped.lower()
        if lower.startswith(("http://", "https://", "hxxp://", "hxxps://", "www.")):
            return Kind.URL
        if "." in stripped and "@" not in stripped and not stripped.replace(".", "").isdigit():
            return Kind.URL
    if stripped and len(stripped) <= 25 and set(stripped) <= _PHONE_CHARS and sum(c.isdigit() for c in stripped) >= 2:
        return Kind.PHONE
    return Kind.SMS


def kind_from_path(path: Path, head: bytes) -> Kind | None:
    if head.startswith(b"\x1f\x8b") and path.name.lower().endswith((".warc.gz", ".warc.gzip")):
        return Kind.WEBPAGE  # a crawler's compressed WARC file
    return kind_from_bytes(head) or SUFFIXES.get(path.suffix.lower())
