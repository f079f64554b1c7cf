"""Bytes -> a decoded picture, with the guards hostile files need, and the preparation OCR wants.

Everything a picture can do to a decoder is bounded before a pixel is decoded:

* **Formats.** Only PNG, JPEG, WebP, GIF, BMP and TIFF are opened (Pillow is told so: no exotic decoder
  is reachable from a file's first bytes), plus HEIC/HEIF when ``pillow-heif`` is installed.
* **Size.** Width x height is read from the header and checked against ``Limits.max_image_pixels``
  before decoding. Pillow's own decompression-bomb guard stays on as a second wall; its warning (past
  89 million pixels) is turned into a refusal here, never a global setting.
* **Damage.** A truncated or corrupt file is refused with a clear message (Pillow would otherwise stop
  half-way with an ``OSError``).
* **Polyglots.** Bytes after the picture's end (a ZIP or a script glued after a PNG's ``IEND``) are not
  read, and the verdict says they are there.

``PictureError`` carries a French sentence for the user; the callers decide whether it is an input error
(a screenshot given to ``analyze``) or an anomaly (a picture inside an e-mail).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..model import Anomaly

if TYPE_CHECKING:
    from PIL.Image import Image

_BASE_FORMATS = ("PNG", "JPEG", "WEBP", "GIF", "BMP", "TIFF")
_HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1")
_PNG_END = b"IEND\xaeB`\x82"
_TRAILING_SLACK = 16  # a few padding bytes after the end marker are common and harmless
# OCR preparation: Tesseract reads best when a lower-case letter is 20-30 pixels high. Phone screenshots
# cropped to the bubble are often 200-400 pixels wide with 12-pixel text: they are enlarged, within bounds.
_OCR_MIN_WIDTH = 1000
_OCR_MAX_SCALE = 5.0
_OCR_MAX_PIXELS = 8_000_000
_DARK_MEDIAN = 100  # median grey level under which the screen is in dark mode (light text on dark)


class PictureError(Exception):
    """The bytes cannot be read as a picture; ``str(exc)`` is a French sentence for the user."""

    def __init__(self, message: str, *, code: str = "IMAGE_UNREADABLE") -> None:
        super().__init__(message)
        self.code = code


@dataclass(slots=True)
class Picture:
    """A decoded picture in RGB and what was noticed while decoding it."""

    image: Image
    format: str
    anomalies: list[Anomaly] = field(default_factory=list)


def install_hint() -> str:
    """The sentence shown when the ``image`` extra is missing."""
    return (
        "La lecture des captures d'écran, des QR codes et des PDF demande l'extension « image », qui n'est "
        "pas installée. Installez-la avec : pip install 'sentinelle[image]' (et, pour l'OCR, les paquets "
        "Debian tesseract-ocr-fra et tesseract-ocr-eng)"
    )


def is_heif(data: bytes) -> bool:
    """HEIC/HEIF (iPhone photos and screenshots shared as files): an ISO-BMFF ``ftyp`` box with a HEIF brand."""
    return data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS


def _formats(data: bytes) -> tuple[str, ...]:
    if not is_heif(data):
        return _BASE_FORMATS
    try:
        import pillow_heif  # type: ignore[import-not-found, unused-ignore]
    except ImportError as exc:
        raise PictureError(
            "les images HEIC (iPhone) demandent le paquet pillow-heif, qui n'est pas installé : "
            "pip install pillow-heif, ou envoyez la capture en PNG ou JPEG",
            code="IMAGE_FORMAT_UNSUPPORTED",
        ) from exc
    pillow_heif.register_heif_opener()  # idempotent; registers the HEIF plugin with Pillow
    return (*_BASE_FORMATS, "HEIF")


def trailing_bytes(data: bytes, fmt: str) -> int:
    """Bytes after the end of a PNG or JPEG stream (0 when unknown): the sign of a polyglot file."""
    if fmt == "PNG":
        end = data.rfind(_PNG_END)
        return len(data) - (end + len(_PNG_END)) if end >= 0 else 0
    if fmt == "JPEG":
        end = data.rfind(b"\xff\xd9")
        return len(data) - (end + 2) if end >= 0 else 0
    return 0


def open_picture(data: bytes, *, max_pixels: int) -> Picture:
    """Decode ``data`` into an RGB picture (first frame), or raise ``PictureError`` saying why not.

    Raises ``ImportError`` when Pillow itself is missing (the caller turns it into the install hint).
    """
    from PIL import Image, UnidentifiedImageError

    if not data:
        raise PictureError("le fichier image est vide")
    anomalies: list[Anomaly] = []
    try:
        with warnings.catch_warnings():
            # Past MAX_IMAGE_PIXELS Pillow only warns; here that is a refusal (and never a global setting).
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=_formats(data))
            width, height = image.size
            if width <= 0 or height <= 0:
                raise PictureError("l'image annonce une taille nulle")
            if width * height > max_pixels:
                raise PictureError(
                    f"l'image annonce {width} x {height} pixels, au-delà de la limite de {_spaced(max_pixels)} "
                    "pixels (une capture d'écran de téléphone en compte environ 3 millions) : elle n'a pas été décodée",
                    code="IMAGE_TOO_LARGE",
                )
            fmt = image.format or "?"
            if getattr(image, "is_animated", False):
                anomalies.append(Anomaly("IMAGE_ANIMATED", {"format": fmt}))
            image.load()
            rgb = _to_rgb(image)
    except PictureError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PictureError(
            f"l'image est une « bombe de décompression » ({exc}) : elle n'a pas été décodée", code="IMAGE_TOO_LARGE"
        ) from exc
    except UnidentifiedImageError as exc:
        raise PictureError("le fichier n'est pas une image lisible (PNG, JPEG, WebP, GIF, BMP, TIFF, HEIC)") from exc
    except (OSError, ValueError, SyntaxError, EOFError, MemoryError, IndexError, KeyError, TypeError) as exc:
        # Pillow signals damaged data with OSError ("image file is truncated"), SyntaxError (bad PNG chunks)
        # and a few others depending on the plugin.
        raise PictureError(f"l'image est abîmée ou tronquée ({type(exc).__name__}: {str(exc)[:120]})") from exc
    extra = trailing_bytes(data, fmt)
    if extra > _TRAILING_SLACK:
        anomalies.append(Anomaly("IMAGE_TRAILING_DATA", {"format": fmt, "count": str(extra)}))
    return Picture(rgb, fmt, anomalies)


def _spaced(number: int) -> str:
    """``40000000`` -> ``"40 000 000"`` (French digit grouping)."""
    return f"{number:_}".replace("_", " ")


def _to_rgb(image: Image) -> Image:
    """RGB on a white background: transparency (PNG stickers, palette images) becomes white, as on screen."""
    from PIL import Image as PILImage

    if image.mode == "P":
        image = image.convert("RGBA")  # a palette with transparency must go through RGBA (Pillow warns otherwise)
    if image.mode in ("RGBA", "LA", "PA"):
        rgba = image.convert("RGBA")
        background = PILImage.new("RGBA", rgba.size, (255, 255, 255, 255))
        return PILImage.alpha_composite(background, rgba).convert("RGB")
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        image = image.point(lambda v: v / 256).convert("L")
    return image.convert("RGB")


@dataclass(slots=True)
class Prepared:
    """The grey picture given to OCR and how it was obtained."""

    image: Image
    scale: float
    inverted: bool


def prepare_for_ocr(image: Image, *, invert: bool | None = None, contrast: bool = True) -> Prepared:
    """Grey, enlarged when small, contrast stretched, inverted in dark mode (unless ``invert`` says otherwise)."""
    from PIL import Image as PILImage
    from PIL import ImageOps

    grey = image.convert("L")
    width, height = grey.size
    scale = 1.0
    if width < _OCR_MIN_WIDTH:
        scale = min(_OCR_MAX_SCALE, _OCR_MIN_WIDTH / width)
    if width * height * scale * scale > _OCR_MAX_PIXELS:
        scale = (_OCR_MAX_PIXELS / (width * height)) ** 0.5
    if abs(scale - 1.0) > 0.05:
        grey = grey.resize((max(1, round(width * scale)), max(1, round(height * scale))), PILImage.Resampling.LANCZOS)
    else:
        scale = 1.0
    if invert is None:
        invert = median_grey(grey) < _DARK_MEDIAN
    if invert:
        grey = ImageOps.invert(grey)
    if contrast:
        grey = ImageOps.autocontrast(grey, cutoff=1)
    return Prepared(grey, scale, invert)


def median_grey(grey: Image) -> int:
    """Median grey level (0 black .. 255 white) from the histogram."""
    histogram = grey.histogram()[:256]
    half = sum(histogram) / 2
    running = 0
    for level, count in enumerate(histogram):
        running += count
        if running >= half:
            return level
    return 255
