"""Verdict -> what the page shows: plain-word level, explained evidence, the message with its suspicious parts
highlighted, advice and reporting channels.

Untrusted text never becomes markup here: the message is cut into ``Segment`` pieces (plain or suspicious)
that the template escapes one by one and wraps in ``<mark>``; nothing is marked safe. Addresses taken from
the message are **defanged** everywhere they are repeated (``hxxps://``, ``example[.]com``) so that neither
the browser nor a hurried copy-paste turns them back into a working link. Card numbers, IBANs and social
security numbers are masked in the message shown, as the engine masks them in what the verdict repeats.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..model import Level, Message, Verdict
from ..privacy import redact
from ..resources import Knowledge
from .texts import PageTexts

_SCHEME = re.compile(r"(?i)\b(h(?:tt|xx)p|ftp)(s?)://")
_MAX_NEEDLES = 200


@dataclass(frozen=True, slots=True)
class Segment:
    text: str
    suspicious: bool = False


@dataclass(frozen=True, slots=True)
class EvidenceView:
    code: str
    explanation: str
    observed: tuple[str, ...]
    trust: bool


@dataclass(frozen=True, slots=True)
class ChannelView:
    name: str
    url: str
    why: str


@dataclass(frozen=True, slots=True)
class VerdictView:
    """Everything the result template needs, already defanged and redacted (but not escaped: Jinja does it)."""

    level: str
    title: str
    summary: str
    score: float
    organisation: str | None
    kind: str
    headers: tuple[tuple[str, str], ...]  # e-mail sender and subject, as (label, value)
    segments: tuple[Segment, ...]
    truncated: bool
    evidence: tuple[EvidenceView, ...]
    advice: tuple[str, ...]
    channels: tuple[ChannelView, ...]
    anomalies: tuple[str, ...]
    failures: tuple[str, ...]
    flagged: bool


class Defanger:
    """Rewrites the hosts of a message's links (and any ``http(s)://``) so that they no longer work as links."""

    def __init__(self, hosts: Iterable[str]) -> None:
        names = sorted({h for h in hosts if h and "." in h and len(h) <= 253}, key=len, reverse=True)
        self._hosts = re.compile("|".join(re.escape(h) for h in names), re.IGNORECASE) if names else None

    def __call__(self, text: str) -> str:
        text = _SCHEME.sub(lambda m: ("hxxp" if m.group(1)[0] in "hH" else "fxp") + m.group(2) + "://", text)
        if self._hosts is not None:
            text = self._hosts.sub(lambda m: m.group(0).replace(".", "[.]"), text)
        return text

    @classmethod
    def for_message(cls, msg: Message) -> Defanger:
        hosts: list[str] = []
        for link in msg.links:
            hosts += [link.host, link.registrable_domain]
            if link.unicode_host:
                hosts.append(link.unicode_host)
        return cls(hosts)


def highlight(text: str, needles: Iterable[str]) -> tuple[Segment, ...]:
    """``text`` cut into plain and suspicious segments: every case-insensitive occurrence of a needle.

    Longer needles win where two start at the same place; occurrences never overlap (left to right).
    """
    wanted = sorted({n for n in needles if 2 <= len(n.strip()) <= 500}, key=len, reverse=True)[:_MAX_NEEDLES]
    if not wanted or not text:
        return (Segment(text),) if text else ()
    pattern = re.compile("|".join(re.escape(n) for n in wanted), re.IGNORECASE)
    out: list[Segment] = []
    pos = 0
    for m in pattern.finditer(text):
        if m.start() > pos:
            out.append(Segment(text[pos : m.start()]))
        out.append(Segment(m.group(0), True))
        pos = m.end()
    if pos < len(text):
        out.append(Segment(text[pos:]))
    return tuple(out)


def present(verdict: Verdict, msg: Message, texts: PageTexts, knowledge: Knowledge, display_chars: int) -> VerdictView:
    """The page's view of a verdict on ``msg``."""
    defang = Defanger.for_message(msg)
    organisation = None
    if verdict.organisation:
        try:
            organisation = knowledge.profile(verdict.organisation).name(texts.lang)
        except KeyError:
            organisation = verdict.organisation
    evidence = tuple(
        EvidenceView(e.signal, defang(e.explanation), tuple(defang(o) for o in e.observed), e.weight < 0)
        for e in verdict.evidence
        if e.weight != 0
    )
    shown = redact(msg.text)
    truncated = len(shown) > display_chars
    shown = defang(shown[:display_chars])
    needles = [o for e in evidence if not e.trust for o in e.observed]
    headers: list[tuple[str, str]] = []
    if msg.sender is not None and (msg.sender.address or msg.sender.display_name):
        address = f"<{msg.sender.address}>" if msg.sender.address else ""
        who = " ".join(p for p in (msg.sender.display_name, address) if p)
        headers.append(("From" if texts.lang == "en" else "De", defang(redact(who))))
    if msg.subject:
        headers.append(("Subject" if texts.lang == "en" else "Objet", defang(redact(msg.subject))))
    level = texts.levels[verdict.level.value]
    return VerdictView(
        level=verdict.level.value,
        title=level["title"],
        summary=level["summary"],
        score=verdict.score,
        organisation=organisation,
        kind=texts.kinds.get(verdict.kind.value, verdict.kind.value),
        headers=tuple(headers),
        segments=highlight(shown, needles),
        truncated=truncated,
        evidence=evidence,
        advice=verdict.advice,
        channels=tuple(ChannelView(c.name, c.url, c.why) for c in verdict.report_to),
        anomalies=tuple(defang(a.detail) for a in verdict.anomalies),
        failures=tuple(f"{f.detector}: {f.error_type}" for f in verdict.failures),
        flagged=verdict.level in (Level.FRAUD, Level.SUSPICIOUS),
    )
