"""Fold what a reader found beside the text (QR links, speech timings) into the parsed ``Message``."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import replace

from ..model import Link, Message, PhoneNumber, PhoneRole
from . import Reading, Segment


def clock(seconds: float) -> str:
    """``73.4`` -> ``"1:13"``: how a person reads a position in a recording (to the nearest second)."""
    whole = max(0, round(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def _segment_at(segments: list[Segment], offset: int) -> Segment | None:
    index = bisect_right(segments, offset, key=lambda s: s.start_char) - 1
    return segments[index] if index >= 0 else None


def _timed(msg: Message, segments: list[Segment]) -> tuple[PhoneNumber, ...]:
    """Phones found in a transcript get the time at which they were said as their location."""
    timed: list[PhoneNumber] = []
    search_from = 0
    for phone in msg.phones:
        if phone.role in (PhoneRole.SENDER, PhoneRole.CALLER_ID, PhoneRole.INPUT):
            timed.append(phone)
            continue
        offset = msg.text.find(phone.raw, search_from) if phone.raw else -1
        if offset < 0:
            offset = msg.text.find(phone.raw) if phone.raw else -1
        segment = _segment_at(segments, offset) if offset >= 0 else None
        if segment is None:
            timed.append(phone)
            continue
        search_from = offset + len(phone.raw)
        timed.append(replace(phone, location=f"audio:{clock(segment.start_s)}"))
    return tuple(timed)


def with_reading(msg: Message, reading: Reading) -> Message:
    """``msg`` plus the reading's extra links (deduplicated by URL) and spoken-number timings."""
    links: list[Link] = list(msg.links)
    seen = {link.url for link in links}
    for link in reading.links:
        if link.url not in seen:
            links.append(link)
            seen.add(link.url)
    phones = _timed(msg, reading.segments) if reading.segments else msg.phones
    return replace(msg, links=tuple(links), phones=phones)
