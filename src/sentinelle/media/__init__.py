"""Readers for what is not text yet: screenshots and QR codes (extra ``image``), recordings (extra ``voicemail``).

A reader turns bytes into a ``Reading``; the engine then sends ``Reading.text`` through the same text
pipeline as a pasted message and adds what the text cannot carry (links decoded from QR codes, the time at
which a number is spoken). Readers import their heavy libraries lazily and raise ``UnsupportedInput`` with
the install command when the extra is missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Anomaly, Link


@dataclass(slots=True)
class Segment:
    """A stretch of a transcript: characters ``start_char``..``end_char`` of the text were said at these times."""

    start_char: int
    end_char: int
    start_s: float
    end_s: float


@dataclass(slots=True)
class Reading:
    """What a reader got out of a picture or a recording, before the text pipeline."""

    text: str
    anomalies: list[Anomaly] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)  # links the text does not show (decoded QR codes)
    sender: str | None = None  # the sender line of a screenshot, when it could be read
    segments: list[Segment] = field(default_factory=list)  # transcripts only: when each part was said
