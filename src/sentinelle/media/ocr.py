"""Tesseract through tesserocr: a prepared grey picture -> lines of words with their confidence.

Settings measured on this project's machines (``../shared/knowledge/offline_models.md`` §2): the French
and English models of Debian's ``tesseract-ocr-fra`` / ``tesseract-ocr-eng`` (tesserocr's wheels carry
Tesseract itself but no model), ``lang="fra+eng"``, page segmentation "single block" (phone bubbles are
one block; the automatic mode split URLs and lost line-initial dots). One Tesseract instance per thread:
loading the models costs ~0.2 s, an instance is not thread-safe.
"""

from __future__ import annotations

import importlib
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import UnsupportedInput

if TYPE_CHECKING:
    from PIL.Image import Image

LANGUAGES = "fra+eng"
# Where Debian (bookworm: 5, bullseye: 4.00) and other distributions put the models.
_TESSDATA_DIRS = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
    "/opt/homebrew/share/tessdata",
)
_local = threading.local()


@dataclass(frozen=True, slots=True)
class Word:
    """One word as read, with Tesseract's confidence (0-100) and its box in the prepared picture."""

    text: str
    confidence: float
    box: tuple[int, int, int, int]  # left, top, right, bottom


@dataclass(slots=True)
class Line:
    """A line of text; ``paragraph_start`` when Tesseract saw a new paragraph (a gap) before it."""

    words: list[Word] = field(default_factory=list)
    paragraph_start: bool = False

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def top(self) -> int:
        return min((w.box[1] for w in self.words), default=0)

    @property
    def confidence(self) -> float:
        return sum(w.confidence for w in self.words) / len(self.words) if self.words else 0.0


def tessdata_dir() -> str | None:
    """The folder holding ``fra.traineddata`` and ``eng.traineddata``: ``$TESSDATA_PREFIX`` first."""
    candidates = [os.environ.get("TESSDATA_PREFIX", ""), *_TESSDATA_DIRS]
    for folder in candidates:
        if folder and all((Path(folder) / f"{lang}.traineddata").is_file() for lang in LANGUAGES.split("+")):
            return folder
    return None


def _tesserocr() -> Any:
    try:
        return importlib.import_module("tesserocr")  # no type information shipped
    except ImportError as exc:
        from .picture import install_hint

        raise UnsupportedInput(f"{install_hint()} ({type(exc).__name__}: {exc})") from exc


def _api() -> Any:
    api = getattr(_local, "api", None)
    if api is not None:
        return api
    tesserocr = _tesserocr()
    folder = tessdata_dir()
    if folder is None:
        raise UnsupportedInput(
            "Les modèles de reconnaissance de texte (Tesseract, français et anglais) sont introuvables : "
            "installez les paquets tesseract-ocr-fra et tesseract-ocr-eng (Debian, Ubuntu) ou indiquez leur "
            "dossier dans la variable TESSDATA_PREFIX"
        )
    api = tesserocr.PyTessBaseAPI(path=folder, lang=LANGUAGES, psm=tesserocr.PSM.SINGLE_BLOCK)
    _local.api = api
    return api


@dataclass(slots=True)
class OcrReading:
    """The lines read; ``complete`` is False when Tesseract was stopped at its time limit (the lines read by
    then are kept)."""

    lines: list[Line]
    complete: bool = True


def read_lines(image: Image, *, seconds: float) -> OcrReading:
    """OCR of a prepared grey picture, line by line, with each word's confidence, within ``seconds``.

    The limit is Tesseract's own cancellation: a picture of noise took 97 s to read at 6 megapixels, with
    nothing to find."""
    tesserocr = _tesserocr()
    api = _api()
    api.SetImage(image)
    complete = bool(api.Recognize(timeout=max(1, int(seconds * 1000))))
    level = tesserocr.RIL.WORD
    lines: list[Line] = []
    iterator = api.GetIterator()
    if iterator is None:
        api.Clear()
        return OcrReading(lines, complete)
    current: Line | None = None
    for item in tesserocr.iterate_level(iterator, level):
        text = item.GetUTF8Text(level)
        if not text or not text.strip():
            continue
        if current is None or item.IsAtBeginningOf(tesserocr.RIL.TEXTLINE):
            current = Line(paragraph_start=bool(lines) and item.IsAtBeginningOf(tesserocr.RIL.PARA))
            lines.append(current)
        box = item.BoundingBox(level) or (0, 0, 0, 0)
        current.words.append(Word(text.strip(), float(item.Confidence(level)), tuple(box)))
    api.Clear()
    return OcrReading([line for line in lines if line.words], complete)
