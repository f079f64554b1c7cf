"""Displayed link versus real target: the seed scam of the Assurance Maladie's notice.

The e-mail shows "https://www.ameli.fr/assure" but the anchor leads to a lookalike site. When the text a
person reads names an official domain of a profiled organisation and the real target (after unwrapping
known gateway wrappers) is outside that organisation, the evidence is at full strength, whatever the
distance between the two names. A displayed domain leading to another, non-official domain is weaker:
newsletters routinely show their own address while linking through a click-tracking host.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import ClassVar

from ..extract.urls import find_links
from ..model import Evidence, Kind, Link, Message
from .base import Context, register

_MAX_OBSERVED = 5


def displayed_domain(link: Link) -> str | None:
    """The registrable domain written in the link's visible text, if the text shows one."""
    text = (link.displayed_text or "").strip()
    if not text or "." not in text:
        return None
    found, _ = find_links(text[:500], limit=1)
    return found[0].registrable_domain if found else None


@register
class DisplayedLinkTarget:
    """Emits LINK_DISPLAYED_OFFICIAL_ELSEWHERE and LINK_DISPLAYED_MISMATCH."""

    id: ClassVar[str] = "links.displayed_target"
    applies_to: ClassVar[frozenset[Kind]] = frozenset({Kind.EMAIL, Kind.WEBPAGE, Kind.IMAGE})
    signals: ClassVar[Mapping[str, str]] = {
        "LINK_DISPLAYED_OFFICIAL_ELSEWHERE": "the link shows an official domain but leads elsewhere",
        "LINK_DISPLAYED_MISMATCH": "the link shows one domain and leads to another",
    }

    def detect(self, msg: Message, ctx: Context) -> Iterable[Evidence]:
        official_hits: list[tuple[str, str, str, str | None]] = []
        mismatches: list[tuple[str, str, str | None]] = []
        for link in msg.links:
            if link.displayed_text is None or not link.registrable_domain:
                continue
            shown = displayed_domain(link)
            if shown is None or shown == link.registrable_domain:
                continue
            owner = next((p for p in ctx.knowledge.profiles if p.is_official_domain(shown)), None)
            if owner is not None:
                if not owner.is_official_domain(link.registrable_domain) and len(official_hits) < _MAX_OBSERVED:
                    official_hits.append((shown, link.unicode_host or link.host, owner.name(ctx.lang), link.location))
            elif len(mismatches) < _MAX_OBSERVED:
                mismatches.append((shown, link.unicode_host or link.host, link.location))
        for shown, real, organisation, location in official_hits:
            yield Evidence(
                self.id,
                "LINK_DISPLAYED_OFFICIAL_ELSEWHERE",
                observed=(shown, real),
                location=location,
                params={"shown": shown, "real": real, "organisation": organisation},
            )
        if mismatches:
            yield Evidence(
                self.id,
                "LINK_DISPLAYED_MISMATCH",
                observed=tuple(f"{s} -> {r}" for s, r, _ in mismatches),
                location=mismatches[0][2],
            )
