"""Lures and pressure: the scam's pretext (refund, expiring carte Vitale, update your file) and its urgency.

Lure phrases belong to the profiles, with the fact that exposes each one ("la carte Vitale n'expire
jamais"). Without a claimed organisation, lures of every profile are looked for: "derniers calculs... un
remboursement de 642 €" is a scam wording even when it names no one. Known false positives: a genuine
reimbursement notice says "remboursement", which is why bare words are not in the lists, only the
scammers' phrasings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import ClassVar

from ..model import Evidence, Kind, Message
from .base import ALL_KINDS, Context, register

_MAX_OBSERVED = 3
_MAX_HITS_EXAMINED = 200  # a text repeating a lure thousands of times says nothing more after that


@register
class LuresAndPressure:
    """Emits one LURE_<THEME> per theme found, and URGENCY."""

    id: ClassVar[str] = "pressure.lures"
    applies_to: ClassVar[frozenset[Kind]] = ALL_KINDS - {Kind.URL, Kind.PHONE}
    signals: ClassVar[Mapping[str, str]] = {
        "LURE_REIMBURSEMENT": "dangles a reimbursement to claim or validate",
        "LURE_CARD_EXPIRY": "claims the carte Vitale expires or must be renewed",
        "LURE_NEW_CARD": "announces a new card to order or receive",
        "LURE_UPDATE_DETAILS": "asks to update or confirm personal details",
        "LURE_ACCOUNT_THREAT": "threatens to block an account or suspend rights",
        "LURE_CALLBACK": "asks to call back the organisation",
        "LURE_ASSISTED_SIGNUP": "offers help to set up an account, or a gift",
        "URGENCY": "pressure of time",
        "LURE_PRIZE": "a prize, a win or a reward (no profiled organisation named)",
        "LURE_ACCOUNT": "an account to verify, unlock or keep (no profiled organisation named)",
        # Scripts of SMS campaigns that name no profiled organisation (data: keywords.toml generic_lures).
        "LURE_DELIVERY": "a parcel that could not be delivered, to reschedule or pay for",
        "LURE_UNPAID": "an unpaid fine, toll or bill to settle through the message",
        "LURE_BANK_ALERT": "a payment in progress, a blocked card or account, to stop or unlock",
        "LURE_ENTITLEMENT": "training rights, state aid, a refund or a gift about to be lost",
        "LURE_NEW_NUMBER": "a relative writing from a 'new number' and moving the talk to WhatsApp",
    }

    @staticmethod
    def _generic_fact(ctx: Context, signal: str) -> str:
        """The fact of the generic scenario ``signal`` (keywords.toml generic_lures), or ""."""
        for category in ctx.knowledge.keywords.generic_lures:
            if category.signal == signal:
                return category.fact_en if ctx.lang == "en" else category.fact_fr
        return ""

    def detect(self, msg: Message, ctx: Context) -> Iterable[Evidence]:
        claim = ctx.claim
        by_theme: dict[str, list[tuple[str, str]]] = {}
        first_offset: dict[str, int] = {}
        for hit in ctx.hits_tagged("lure")[:_MAX_HITS_EXAMINED]:
            profile_id, theme = hit.tag[1], hit.tag[2]
            if claim is not None and profile_id != claim.profile.id:
                continue
            if not ctx.is_lure(hit):
                continue
            bucket = by_theme.setdefault(theme, [])
            if len(bucket) < _MAX_OBSERVED:
                bucket.append((profile_id, ctx.original(hit)))
            first_offset.setdefault(theme, hit.start)
        for theme, found in by_theme.items():
            profile = ctx.knowledge.profile(found[0][0])
            lure = next(lure for lure in profile.lures if lure.theme == theme)
            fact = lure.fact_en if ctx.lang == "en" else lure.fact_fr
            if claim is None:
                # Nobody named: a theme that is also a generic scenario keeps the generic fact ("reste impayé"
                # may be a toll, not the ANTAI's fine). Named, the profile's own fact says why.
                fact = self._generic_fact(ctx, theme) or fact
            yield Evidence(
                self.id,
                theme,
                observed=tuple(dict.fromkeys(o for _, o in found)),
                location=ctx.line_of(first_offset[theme]),
                params={"fact": fact, "source": lure.source.split(" ; ")[0]},
            )
        generic: dict[str, list[str]] = {}
        for hit in ctx.hits_tagged("generic_lure")[:_MAX_HITS_EXAMINED]:
            # A theme a profile's lure already reported (the ANTAI's unpaid fine) is said once, with that fact.
            if claim is None and hit.tag[1] not in by_theme and not ctx.is_negated(hit):
                found_words = generic.setdefault(hit.tag[1], [])
                if len(found_words) < _MAX_OBSERVED and ctx.original(hit) not in found_words:
                    found_words.append(ctx.original(hit))
        for signal, words in generic.items():
            fact = self._generic_fact(ctx, signal)
            yield Evidence(self.id, signal, observed=tuple(words), params={"fact": fact} if fact else {})
        urgency = [h for h in ctx.hits_tagged("urgency")[:20] if not ctx.is_negated(h)]
        if urgency:
            yield Evidence(
                self.id,
                "URGENCY",
                observed=tuple(dict.fromkeys(ctx.original(h) for h in urgency))[:3],
                location=ctx.line_of(urgency[0].start),
            )
