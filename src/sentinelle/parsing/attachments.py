"""What can be read from an attachment without opening it for real: links in a PDF, the names in an archive.

Phishing mails increasingly carry the link inside a PDF ("votre attestation en pièce jointe"), a QR code
or the payload inside a ZIP. Sentinelle never runs or decompresses attachments, and renders only pictures
and PDF pages, within bounds, to read their QR codes:

* PDF: link annotations are ``/URI (...)`` strings; they are read from the raw bytes with a linear-time
  pattern. Links inside compressed object streams (PDF 1.5+) are not seen: the limitation is stated in
  the verdict only by their absence, so this is a floor, not a full PDF parser.
* PDF, with the ``image`` extra: ``media.pdf`` (pypdfium2) reads each page's text and link annotations
  (compressed object streams included) and the QR codes of the rendered pages, within ``Limits.max_pdf_pages``;
  the pattern above stays as the floor when the extra is absent.
* Pictures (inline or attached), with the ``image`` extra: QR codes are decoded (``media.qr``); their
  addresses become links whose origin is "QR code".
* ZIP: the member names come from the central directory (``zipfile`` reads only the directory, no member
  is decompressed), capped in count. Encrypted archives list their names too.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from functools import cache

import re2

from ..errors import UnsupportedInput
from ..model import Anomaly

MAX_PDF_LINKS = 50
MAX_ARCHIVE_MEMBERS = 200
# Extensions that run code when opened on Windows or macOS: inside an archive they are the payload.
RISKY_EXTENSIONS = frozenset(
    {".exe", ".scr", ".com", ".bat", ".cmd", ".js", ".jse", ".vbs", ".vbe", ".wsf", ".hta", ".lnk", ".iso",
     ".img", ".msi", ".ps1", ".jar", ".dll", ".cpl", ".app", ".html", ".htm", ".svg"}
)


@cache
def _uri_pattern() -> re2._Regexp:
    # A plain class keeps RE2's automaton small (an alternation for escaped parentheses made its DFA run out
    # of memory on hostile input): a URL holding an escaped ")" is cut there, which is rare and harmless.
    return re2.compile(rb"/URI\s*\(([^)]{1,1000})\)")


def pdf_links(payload: bytes) -> list[str]:
    """URLs of the link annotations written in clear in a PDF, at most ``MAX_PDF_LINKS``, in order."""
    found: list[str] = []
    for match in _uri_pattern().finditer(payload):
        raw = match.group(1).replace(b"\\(", b"(").replace(b"\\)", b")").replace(b"\\\\", b"\\")
        url = raw.decode("latin-1", "replace").strip()
        if url and url not in found:
            found.append(url)
            if len(found) >= MAX_PDF_LINKS:
                break
    return found


def archive_members(payload: bytes) -> tuple[list[str], bool]:
    """Names listed in a ZIP's central directory (no extraction) and whether the listing was cut."""
    try:
        with zipfile.ZipFile(io.BytesIO(payload)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
        return [], False
    names = [info.filename[:256] for info in infos[:MAX_ARCHIVE_MEMBERS]]
    return names, len(infos) > MAX_ARCHIVE_MEMBERS


def risky_members(names: list[str]) -> list[str]:
    """Archive members whose extension runs code when opened (double extensions included)."""
    return [n for n in names if "." in n and "." + n.rsplit(".", 1)[-1].lower() in RISKY_EXTENSIONS]


# ------------------------------------------------------------------------------------------------------------
# Pictures and PDFs with the ``image`` extra: QR codes, PDF text and link annotations

# Pictures of an e-mail larger than this are not read by OCR (its time grows with the pixels: a poster of
# 1,000 x 1,500 takes about a second, the 40-megapixel cap of a screenshot would take a minute).
MAX_OCR_PIXELS = 6_000_000
MAX_PICTURES = 10  # pictures of one message searched for QR codes (logos and pixels add nothing past that)
_PICTURE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"BM", b"II*\x00", b"MM\x00*")


@dataclass(slots=True)
class MediaFindings:
    """What a picture or a PDF attachment holds beyond its name: code payloads, text, link targets."""

    codes: list[str] = field(default_factory=list)  # payloads of QR codes (addresses or other text)
    text: str | None = None  # a PDF's text
    uris: list[str] = field(default_factory=list)  # a PDF's link annotations
    anomalies: list[Anomaly] = field(default_factory=list)
    extra_missing: bool = False  # the ``image`` extra is not installed: nothing beyond the floor was read


def is_picture(payload: bytes) -> bool:
    """PNG, JPEG, GIF, BMP, TIFF, WebP or HEIC by their first bytes."""
    head = payload[:16]
    if head.startswith(_PICTURE_MAGIC):
        return True
    return (head[:4] == b"RIFF" and head[8:12] == b"WEBP") or head[4:8] == b"ftyp" and head[8:12] in (
        b"heic", b"heix", b"mif1", b"msf1", b"hevc")


def picture_findings(payload: bytes, *, max_pixels: int, location: str) -> MediaFindings:
    """QR codes in an attached or inline picture; a picture that cannot be decoded is an anomaly."""
    found = MediaFindings()
    try:
        from ..media.picture import PictureError, open_picture
        from ..media.qr import read_codes

        picture = open_picture(payload, max_pixels=max_pixels)
        found.codes = [code.text for code in read_codes(picture.image, qr_only=True)]
    except UnsupportedInput:
        found.extra_missing = True
    except ImportError:
        found.extra_missing = True
    except PictureError as exc:
        params = {"error": str(exc)[:160]}
        if exc.code == "IMAGE_TOO_LARGE":
            found.anomalies.append(Anomaly("IMAGE_TOO_LARGE", params, location))
        elif exc.code == "IMAGE_FORMAT_UNSUPPORTED":
            found.anomalies.append(Anomaly("IMAGE_FORMAT_UNSUPPORTED", params, location))
        else:
            found.anomalies.append(Anomaly("IMAGE_UNREADABLE", params, location))
    return found


def picture_text(payload: bytes, *, max_pixels: int, location: str) -> MediaFindings:
    """The text OCR reads on a picture of an e-mail (``media.image.read_screen``), in ``MediaFindings.text``."""
    found = MediaFindings()
    try:
        from ..media.image import read_screen
        from ..media.picture import PictureError, open_picture

        picture = open_picture(payload, max_pixels=min(max_pixels, MAX_OCR_PIXELS))
        screen = read_screen(picture.image)
    except (UnsupportedInput, ImportError):
        found.extra_missing = True
        return found
    except PictureError as exc:  # unreadable ones were reported when their QR codes were searched
        if exc.code == "IMAGE_TOO_LARGE":
            found.anomalies.append(Anomaly("IMAGE_TOO_LARGE", {"error": f"OCR : {exc}"[:160]}, location))
        return found
    found.text = screen.text or None
    found.anomalies = [a if a.location else Anomaly(a.code, a.params, location) for a in screen.anomalies]
    return found


def pdf_findings(payload: bytes, *, max_pages: int, location: str) -> MediaFindings:
    """Text, link annotations and QR codes of a PDF attachment (pypdfium2), within the page limit."""
    found = MediaFindings()
    try:
        from ..media.pdf import read_pdf

        reading = read_pdf(payload, max_pages=max_pages, qr_only=True, location=location)
    except (UnsupportedInput, ImportError):
        found.extra_missing = True
        return found
    found.text = reading.text or None
    found.uris = reading.uris
    found.codes = [code.text for _, code in reading.codes]
    found.anomalies = [a if a.location else Anomaly(a.code, a.params, location) for a in reading.anomalies]
    return found
