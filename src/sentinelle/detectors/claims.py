"""Claimed organisation: the message speaks in the name of an organisation that has a profile.

Not a fraud sign by itself (a genuine SMS from the Assurance Maladie claims it too), so its weight is
small; it matters because it switches on the organisation's own rules in the other detectors.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import ClassVar

from ..model import Evidence, Kind, Message
from .base import ALL_KINDS, Context, register

_LOCATION = {"text": "body", "sender": "sender", "link": "links", "caller_id": "caller_id"}


@register
class ClaimedOrganisation:
    """Emits CLAIMS_ORGANISATION with the names or domains that gave the claim away."""

    id: ClassVar[str] = "claims.organisation"
    applies_to: ClassVar[frozenset[Kind]] = ALL_KINDS
    signals: ClassVar[Mapping[str, str]] = {
        "CLAIMS_ORGANISATION": "the message presents itself as coming from a profiled organisation",
    }

    def detect(self, msg: Message, ctx: Context) -> Iterable[Evidence]:
        claim = ctx.claim
        if claim is None or claim.via in ("user", "number"):
            return
        yield Evidence(
            self.id,
            "CLAIMS_ORGANISATION",
            observed=claim.observed,
            location=_LOCATION.get(claim.via),
            params={"via": claim.via},
        )
