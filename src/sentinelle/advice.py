"""Verdict -> what to do now and where to report, from data (``advice.toml``, ``reporting.toml``, profiles).

Rules are chosen by level, channel and evidence, then the claimed organisation's own advice ("composez
vous-même le 3646") is added. Texts are data, in French and English.
"""

from __future__ import annotations

from collections.abc import Iterable

from .model import Kind, Level, ReportChannel
from .profiles import Profile
from .resources import Knowledge


def _applies(
    levels: frozenset[str],
    kinds: frozenset[str] | None,
    when_any: frozenset[str] | None,
    level: Level,
    kind: Kind,
    signals: frozenset[str],
) -> bool:
    if level.value not in levels:
        return False
    if kinds is not None and kind.value not in kinds:
        return False
    return when_any is None or bool(when_any & signals)


def choose_advice(
    knowledge: Knowledge, level: Level, kind: Kind, signals: frozenset[str], profile: Profile | None, lang: str
) -> tuple[str, ...]:
    """Advice lines in display order: general rules first, then the organisation's own channels."""
    lines = [r.text[lang] for r in knowledge.advice if _applies(r.levels, r.kinds, r.when_any, level, kind, signals)]
    if profile is not None and level in (Level.FRAUD, Level.SUSPICIOUS, Level.NO_SIGN):
        lines += [a.en if lang == "en" else a.fr for a in profile.advice]
    return tuple(dict.fromkeys(lines))


def choose_channels(
    knowledge: Knowledge, level: Level, kind: Kind, signals: frozenset[str], profile: Profile | None, lang: str
) -> tuple[ReportChannel, ...]:
    """Reporting channels for this verdict, most specific first."""
    out: list[ReportChannel] = [
        ReportChannel(c.id, c.name, c.url, c.why[lang])
        for c in knowledge.channels
        if _applies(c.levels, c.kinds, c.when_any, level, kind, signals)
    ]
    if profile is not None and level is Level.FRAUD:
        out += [
            ReportChannel(c.id, c.name, c.url, c.why_en if lang == "en" else c.why_fr)
            for c in profile.reporting
            if kind.value in c.kinds
        ]
    return tuple(_unique(out))


def _unique(channels: Iterable[ReportChannel]) -> Iterable[ReportChannel]:
    seen: set[str] = set()
    for c in channels:
        if c.id not in seen:
            seen.add(c.id)
            yield c
