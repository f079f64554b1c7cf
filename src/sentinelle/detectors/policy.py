"""The organisation's own word: a request it states it never makes, in a message in its name.

This is the strongest content evidence there is: "l'Assurance Maladie ne demande jamais vos coordonnées
bancaires" is a sourced statement in the profile; a message in its name that asks for them contradicts
the organisation itself. Each statement applies to the channels it was made for (a CPAM adviser may ask
for part of a RIB on the phone, but never a card number).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import ClassVar

from ..model import Evidence, Kind, Message
from .base import ALL_KINDS, Context, register


@register
class NeverAsksPolicy:
    """Emits NEVER_ASKS_VIOLATION per violated statement, quoting the statement and its source."""

    id: ClassVar[str] = "policy.never_asks"
    applies_to: ClassVar[frozenset[Kind]] = ALL_KINDS - {Kind.URL, Kind.PHONE}
    signals: ClassVar[Mapping[str, str]] = {
        "NEVER_ASKS_VIOLATION": "asks, in an organisation's name, for what it states it never asks",
    }

    def detect(self, msg: Message, ctx: Context) -> Iterable[Evidence]:
        claim = ctx.claim
        if claim is None or not ctx.requested:
            return
        if msg.page is not None and claim.profile.is_official_domain(msg.page.registrable_domain):
            return  # the organisation's own site asking for its own login is not a message in its name
        channel = msg.kind.value
        for rule in claim.profile.never_asks:
            hits = ctx.requested.get(rule.category)
            if not hits or channel not in rule.channels:
                continue
            statement = rule.statement_en if ctx.lang == "en" else rule.statement_fr
            yield Evidence(
                self.id,
                "NEVER_ASKS_VIOLATION",
                observed=(ctx.original(hits[0]),),
                location=ctx.line_of(hits[0].start),
                params={"statement": statement, "source": rule.source.split(" ; ")[0], "category": rule.category},
            )
