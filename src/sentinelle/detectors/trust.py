"""Trust evidence: a message in an organisation's name that asks for nothing and pushes nothing.

Shown to the user like any other evidence (allow-lists are never silent filters). It lowers the score of
genuine notifications ("votre attestation est disponible dans votre compte ameli") without hiding anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import ClassVar

from ..model import Evidence, Kind, LinkSource, Message, PhoneRole
from .base import ALL_KINDS, Context, register


@register
class NothingRequested:
    """Emits NOTHING_REQUESTED when a claimed message asks for no data, no payment, no foreign click."""

    id: ClassVar[str] = "trust.nothing_requested"
    applies_to: ClassVar[frozenset[Kind]] = ALL_KINDS - {Kind.URL, Kind.PHONE}
    signals: ClassVar[Mapping[str, str]] = {
        "NOTHING_REQUESTED": "a message in an organisation's name that asks for nothing",
    }

    def detect(self, msg: Message, ctx: Context) -> Iterable[Evidence]:
        claim = ctx.claim
        if claim is None or ctx.requested:
            return
        if any(ctx.is_lure(h) for h in ctx.hits_tagged("lure")[:20]):
            return
        if any(
            not claim.profile.is_official_domain(link.registrable_domain)
            for link in msg.links
            if link.source is not LinkSource.HTML_IMAGE
        ):
            return
        spoken = msg.kind in (Kind.CALL, Kind.VOICEMAIL, Kind.AUDIO)
        callbacks = [
            p for p in msg.phones if p.role is PhoneRole.CALLBACK or (spoken and p.role is PhoneRole.MENTIONED)
        ]
        if any(p.normalized not in claim.profile.inbound_numbers for p in callbacks):
            return
        yield Evidence(self.id, "NOTHING_REQUESTED")
