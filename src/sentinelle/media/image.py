"""Screenshots and photos -> ``Reading``: the text OCR reads, the links QR codes hold, the sender shown.

``read_image`` is what the engine calls for ``kind="image"`` (extra ``image``):

1. ``picture.open_picture`` decodes within bounds (pixel cap, Pillow's bomb guard, damaged files refused,
   bytes glued after the picture reported);
2. ``qr.read_codes`` finds QR codes on the picture as it is; a code's address becomes a link whose origin
   is "QR code", judged like any other, and any other payload is added to the text under ``[QR code]``;
3. ``picture.prepare_for_ocr`` enlarges small screenshots, stretches contrast and inverts dark mode, then
   ``ocr.read_lines`` runs Tesseract; when the first reading is poor, the other polarity is tried (a white
   bubble on a dark screen, or the reverse) and the better reading kept;
4. ``screentext.compose`` rejoins wrapped addresses, repairs what OCR predictably breaks, finds the sender
   line and says what was read with low confidence.

A picture that cannot be decoded raises ``InputError`` with the reason; a missing extra raises
``UnsupportedInput`` naming ``pip install 'sentinelle[image]'``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from ..config import Limits
from ..errors import InputError, UnsupportedInput
from ..model import Anomaly
from . import Reading
from .ocr import Line, read_lines
from .picture import PictureError, install_hint, open_picture, prepare_for_ocr
from .qr import links_of, read_codes
from .screentext import ScreenText, compose

# Time for all the readings of one picture (Tesseract stops itself there; what was read is kept and the
# verdict says the reading was cut). A phone screenshot takes 0.5-1.5 s; a picture of noise took 97 s.
MAX_OCR_SECONDS = 10.0
_GOOD_READING = 70.0  # mean word confidence above which the first polarity is kept without trying the other
_QR_MARK = "[QR code]"


@dataclass(slots=True)
class _Ocr:
    lines: list[Line]
    height: int
    score: float
    timed_out: bool = False


def _score(lines: list[Line]) -> float:
    """How much was read well: confident characters count, letter soup does not."""
    return sum(len(w.text) * w.confidence for line in lines for w in line.words if w.confidence >= 50)


def _mean_confidence(lines: list[Line]) -> float:
    words = [w for line in lines for w in line.words]
    return sum(w.confidence for w in words) / len(words) if words else 0.0


def _ocr(image: object) -> _Ocr:
    """OCR of two preparations (contrast stretched or not), and of the other polarity when both read poorly.

    Tesseract's reading of a small screenshot changes with small changes of the picture (a stretched
    contrast loses a dark-mode line that the plain grey keeps, and the reverse): the reading with the most
    confidently read characters wins.
    """
    deadline = time.monotonic() + MAX_OCR_SECONDS  # all readings of one picture together
    best: _Ocr | None = None
    inverted = False
    for contrast in (True, False):
        prepared = prepare_for_ocr(image, contrast=contrast)  # type: ignore[arg-type]
        inverted = prepared.inverted
        reading = read_lines(prepared.image, seconds=deadline - time.monotonic())
        candidate = _Ocr(reading.lines, prepared.image.height, _score(reading.lines))
        if best is None or candidate.score > best.score:
            best = candidate
        if not reading.complete or time.monotonic() >= deadline:
            best.timed_out = True
            return best
    assert best is not None
    if _mean_confidence(best.lines) < _GOOD_READING or len(best.lines) < 2:
        other = prepare_for_ocr(image, invert=not inverted)  # type: ignore[arg-type]
        reading = read_lines(other.image, seconds=deadline - time.monotonic())
        score = _score(reading.lines)
        if score > best.score:
            best = _Ocr(reading.lines, other.image.height, score)
        best.timed_out = not reading.complete
    return best


def read_screen(image: object) -> ScreenText:
    """OCR of a decoded picture (RGB) into the message text; exposed for benchmarks and e-mail pictures."""
    result = _ocr(image)
    screen = compose(result.lines, height=result.height)
    if result.timed_out:
        screen.anomalies.append(Anomaly("OCR_TIME_LIMIT", {"seconds": f"{MAX_OCR_SECONDS:g}"}))
    return screen


def read_image(data: bytes, *, limits: Limits) -> Reading:
    """Read a screenshot or photo of a message (see the module docstring)."""
    try:
        picture = open_picture(bytes(data), max_pixels=limits.max_image_pixels)
    except PictureError as exc:
        if exc.code == "IMAGE_FORMAT_UNSUPPORTED":
            raise UnsupportedInput(str(exc)) from exc
        raise InputError(f"image illisible : {exc}") from exc
    except ImportError as exc:  # Pillow itself is missing
        raise UnsupportedInput(f"{install_hint()} ({type(exc).__name__}: {exc})") from exc
    anomalies: list[Anomaly] = list(picture.anomalies)
    codes = read_codes(picture.image)
    links, other_payloads = links_of(codes)
    screen = read_screen(picture.image)
    anomalies.extend(screen.anomalies)
    text = screen.text
    if other_payloads:
        text = "\n\n".join([text, *(f"{_QR_MARK} {payload}" for payload in other_payloads)]).strip()
    if screen.text:
        words = len(screen.text.split())
        anomalies.insert(0, Anomaly("IMAGE_TEXT_READ", {"words": str(words), "text": screen.text[:300]}))
    elif not codes:
        anomalies.append(Anomaly("IMAGE_NO_TEXT"))
    for link in links:
        anomalies.append(Anomaly("QR_CODE_READ", {"url": link.url[:200]}, link.location))
    return Reading(text=text, anomalies=anomalies, links=links, sender=screen.sender)
