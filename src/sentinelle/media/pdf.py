"""PDF documents with pypdfium2 (PDFium, the engine of Chrome's viewer): text, link annotations, QR codes.

Scam mails carry "votre attestation" or "votre avis de contravention" as a PDF whose link or QR code leads
to the phishing page. For each page, up to ``Limits.max_pdf_pages``:

* the text (what the person reads), for the text pipeline and its links;
* the link annotations (``/URI`` actions), compressed object streams included, which the regular-expression
  floor of ``parsing.attachments.pdf_links`` cannot see;
* the page rendered to at most ``MAX_RENDER_PIXELS`` pixels, read for QR codes.

Bounds: the page count is read from the page tree without loading the pages; pages past the limit are not
opened; a document that has used ``MAX_SECONDS`` stops there. Each cut is an anomaly. PDFium is not
thread-safe: one document at a time per process (the batch runs processes, not threads).
"""

from __future__ import annotations

import ctypes
import importlib
import time
from dataclasses import dataclass, field
from typing import Any

from ..errors import UnsupportedInput
from ..model import Anomaly
from .qr import Code, read_codes, read_grey

MAX_RENDER_PIXELS = 4_000_000  # a page rendered for QR codes: ~200 dpi for an A4 page
MAX_RENDER_SCALE = 2.0
MAX_SECONDS = 5.0  # time spent on one document before the remaining pages are skipped
MAX_TEXT_CHARS = 100_000
MAX_LINKS_PER_PAGE = 50


@dataclass(slots=True)
class PdfReading:
    """What a PDF shows: its text, the addresses of its link annotations, the codes on its pages."""

    text: str = ""
    uris: list[str] = field(default_factory=list)
    codes: list[tuple[int, Code]] = field(default_factory=list)  # (page number from 1, code)
    pages: int = 0
    anomalies: list[Anomaly] = field(default_factory=list)


def _pdfium() -> tuple[Any, Any]:
    try:
        return importlib.import_module("pypdfium2"), importlib.import_module("pypdfium2.raw")
    except ImportError as exc:
        from .picture import install_hint

        raise UnsupportedInput(f"{install_hint()} ({type(exc).__name__}: {exc})") from exc


def read_pdf(
    data: bytes, *, max_pages: int, render: bool = True, qr_only: bool = False, location: str = "pdf"
) -> PdfReading:
    """Read a PDF within bounds; never raises on content (an unreadable file gives ``PDF_UNREADABLE``).

    ``qr_only``: look for QR codes alone on the rendered pages (``qr.read_codes``), as for e-mail attachments."""
    pdfium, raw = _pdfium()
    out = PdfReading()
    try:
        document = pdfium.PdfDocument(bytes(data))
    except Exception as exc:  # noqa: BLE001 - PdfiumError and ctypes errors alike: the file is unreadable
        out.anomalies.append(Anomaly("PDF_UNREADABLE", {"error": str(exc)[:120]}, location))
        return out
    try:
        out.pages = len(document)
        if out.pages > max_pages:
            out.anomalies.append(
                Anomaly("PDF_PAGES_TRUNCATED", {"pages": str(out.pages), "limit": str(max_pages)}, location)
            )
        started = time.perf_counter()
        texts: list[str] = []
        size = 0
        for number in range(min(out.pages, max_pages)):
            if time.perf_counter() - started > MAX_SECONDS:
                out.anomalies.append(
                    Anomaly("PDF_TIME_LIMIT", {"page": str(number + 1), "seconds": f"{MAX_SECONDS:g}"}, location)
                )
                break
            try:
                page = document[number]
            except Exception as exc:  # noqa: BLE001 - a broken page object: the others may still be read
                out.anomalies.append(Anomaly("PDF_PAGE_UNREADABLE", {"page": str(number + 1), "error": str(exc)[:80]}))
                continue
            try:
                text = _page_text(page)
                if size < MAX_TEXT_CHARS:
                    texts.append(text[: MAX_TEXT_CHARS - size])
                    size += len(texts[-1])
                for uri in _page_uris(raw, document, page):
                    if uri not in out.uris:
                        out.uris.append(uri)
                if render:
                    out.codes.extend((number + 1, code) for code in _page_codes(page, qr_only=qr_only))
            finally:
                page.close()
        out.text = "\n\n".join(t.strip() for t in texts if t.strip())
    finally:
        document.close()
    return out


def _page_text(page: Any) -> str:
    textpage = page.get_textpage()
    try:
        return str(textpage.get_text_range()).replace("\r\n", "\n").replace("\r", "\n")
    finally:
        textpage.close()


def _page_uris(raw: Any, document: Any, page: Any) -> list[str]:
    """Targets of the page's link annotations whose action is "open this URI"."""
    uris: list[str] = []
    position = ctypes.c_int(0)
    link = raw.FPDF_LINK()
    while len(uris) < MAX_LINKS_PER_PAGE and raw.FPDFLink_Enumerate(
        page.raw, ctypes.byref(position), ctypes.byref(link)
    ):
        action = raw.FPDFLink_GetAction(link)
        if not action or raw.FPDFAction_GetType(action) != raw.PDFACTION_URI:
            continue
        length = raw.FPDFAction_GetURIPath(document.raw, action, None, 0)
        if length <= 1 or length > 4096:
            continue
        buffer = ctypes.create_string_buffer(length)
        raw.FPDFAction_GetURIPath(document.raw, action, buffer, length)
        uri = buffer.value.decode("latin-1", "replace").strip()
        if uri:
            uris.append(uri)
    return uris


def _page_codes(page: Any, *, qr_only: bool) -> list[Code]:
    """The page rendered in grey to at most ``MAX_RENDER_PIXELS`` and read for codes in PDFium's own buffer
    (``qr.read_grey``): no Pillow picture, whose copies cost a tenth of the page's time."""
    width, height = page.get_size()
    area = max(1.0, float(width) * float(height))
    scale = min(MAX_RENDER_SCALE, (MAX_RENDER_PIXELS / area) ** 0.5)
    bitmap = page.render(scale=scale, grayscale=True)
    try:
        if bitmap.n_channels != 1:  # grayscale=True gives one byte a pixel; anything else goes through Pillow
            return read_codes(bitmap.to_pil(), qr_only=qr_only)
        return read_grey(bitmap.buffer, bitmap.width, bitmap.height, stride=bitmap.stride, qr_only=qr_only)
    finally:
        bitmap.close()
