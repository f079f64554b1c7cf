"""QR codes (and the other 2-D codes phones read) in a picture, with zxing-cpp.

A QR code shows no text at all: the person sees a square and their phone opens whatever it holds, which is
why scam letters and e-mails use them ("quishing"). zxing-cpp decodes rotated, blurred, inverted and
JPEG-damaged codes (measured in ``../shared/knowledge/offline_models.md`` §3: 8 of 8 cases). A second pass
on a 2x enlargement catches codes printed small in a small picture.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import UnsupportedInput
from ..extract.urls import make_link
from ..model import Link, LinkSource

if TYPE_CHECKING:
    from PIL.Image import Image
    from typing_extensions import Buffer  # collections.abc.Buffer from Python 3.12

MAX_CODES = 10  # codes kept per picture
MAX_PAYLOAD_CHARS = 2000
_SMALL = 600  # pictures whose short side is under this get a second, enlarged pass
_MIN_SIDE = 11  # the smallest code (Micro QR M1: 11 modules, quiet zone aside) needs this many pixels
_URL_PREFIXES = ("http://", "https://", "www.")
_OLD_URL_FORMS = ("urlto:", "url:")  # NTT DoCoMo bookmark forms still produced by some generators


@dataclass(frozen=True, slots=True)
class Code:
    """One decoded code: its format (``QRCode``...) and its text."""

    format: str
    text: str


def _zxing() -> Any:
    try:
        return importlib.import_module("zxingcpp")
    except ImportError as exc:
        from .picture import install_hint

        raise UnsupportedInput(f"{install_hint()} ({type(exc).__name__}: {exc})") from exc


def read_codes(image: Image, *, limit: int = MAX_CODES, qr_only: bool = False) -> list[Code]:
    """Every 2-D code zxing-cpp finds in the picture, in reading order, deduplicated, at most ``limit``.

    ``qr_only``: QR and Micro QR codes alone, for the pictures and PDF pages inside e-mails. A phone's camera
    opens those; DataMatrix and Aztec (parcel labels, tickets, the 2D-Doc seal of French bills) are read by
    dedicated apps and carry no lure, and searching for them cost two thirds of the decoding time on the
    corpus's pictures and PDF pages (``docs/benchmarks.md``). A screenshot a person submits is still searched
    for all four.
    """
    grey = image.convert("L")
    return read_grey(grey.tobytes(), grey.width, grey.height, limit=limit, qr_only=qr_only)


def read_grey(
    pixels: Buffer, width: int, height: int, *, stride: int = 0, limit: int = MAX_CODES, qr_only: bool = False
) -> list[Code]:
    """``read_codes`` on grey pixels (one byte each, rows ``stride`` bytes apart, 0 for ``width``).

    zxing-cpp is handed the pixels themselves (an ``ImageView``): given a Pillow picture it makes copies of
    its own (``__array_interface__``), and a PDF page rendered by PDFium is read in PDFium's buffer, where a
    Pillow picture of it cost three copies of 4 megapixels. Same pixels, same codes.
    """
    zxing = _zxing()
    kinds = zxing.BarcodeFormat
    formats: tuple[Any, ...] = (kinds.QRCode, kinds.MicroQRCode)
    if not qr_only:
        formats += (kinds.DataMatrix, kinds.Aztec)
    if min(width, height) < _MIN_SIDE:
        return []
    stride = stride or width
    view = memoryview(pixels).cast("B")  # a ctypes array says "<B", which zxing-cpp's ImageView cannot take
    found = zxing.read_barcodes(zxing.ImageView(view, width, height, zxing.ImageFormat.Lum, stride), formats=formats)
    if not found and min(width, height) < _SMALL:
        from PIL import Image as PILImage

        grey = PILImage.frombuffer("L", (width, height), view, "raw", "L", stride, 1)  # type: ignore[arg-type]
        bigger = grey.resize((width * 2, height * 2), PILImage.Resampling.LANCZOS)
        found = zxing.read_barcodes(
            zxing.ImageView(bigger.tobytes(), bigger.width, bigger.height, zxing.ImageFormat.Lum), formats=formats
        )
    codes: list[Code] = []
    for barcode in found:
        text = str(barcode.text)[:MAX_PAYLOAD_CHARS]
        if text and all(c.text != text for c in codes):
            codes.append(Code(str(barcode.format).rsplit(".", 1)[-1], text))
        if len(codes) >= limit:
            break
    return codes


def url_of(payload: str) -> str | None:
    """The address a code opens, or ``None`` when it holds something else (text, a contact, Wi-Fi...)."""
    text = payload.strip()
    lower = text.lower()
    for prefix in _OLD_URL_FORMS:
        if lower.startswith(prefix):
            text = text[len(prefix) :].split(";", 1)[0].strip()
            lower = text.lower()
    if lower.startswith("mebkm:") and "url:" in lower:
        start = lower.index("url:") + 4
        text = text[start:].split(";", 1)[0].strip()
        lower = text.lower()
    if lower.startswith(_URL_PREFIXES) and " " not in text and "\n" not in text:
        return text
    return None


def links_of(codes: list[Code], *, location: str = "qr") -> tuple[list[Link], list[str]]:
    """Links opened by the codes (source ``QR_CODE``), and the payloads that are not links."""
    links: list[Link] = []
    others: list[str] = []
    for k, code in enumerate(codes):
        url = url_of(code.text)
        link = (
            make_link(url, LinkSource.QR_CODE, scheme_present="://" in url[:12], location=f"{location}[{k}]")
            if url
            else None
        )
        if link is not None:
            links.append(link)
        else:
            others.append(code.text)
    return links, others
