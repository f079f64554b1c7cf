"""What the message asks for: bank details, card, codes, passwords, documents, social security number, fees.

Phrases per category are data (``data/keywords.toml``). A phrase inside a sentence with a negation cue
("ne communiquez jamais votre mot de passe") is a warning, not a request, and is ignored. Known false
positives: order confirmations that mention "carte bancaire" as the payment method used.

Web pages: a shop's checkout page asks for a card, a bank's login page for a password; that is what pages are
for. On a page the words count only when it presents itself as an organisation it does not belong to (the
``page.forms`` detector reads the forms themselves, for every page).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import ClassVar

from ..model import Evidence, Kind, Message
from .base import ALL_KINDS, Context, register

_MAX_OBSERVED = 3


@register
class DataRequests:
    """Emits one REQUEST_<CATEGORY> per category asked for, quoting the words used."""

    id: ClassVar[str] = "requests.data"
    applies_to: ClassVar[frozenset[Kind]] = ALL_KINDS - {Kind.URL, Kind.PHONE}
    signals: ClassVar[Mapping[str, str]] = {
        "REQUEST_BANK_DETAILS": "asks for bank details (RIB, IBAN)",
        "REQUEST_CARD": "asks for a bank card number",
        "REQUEST_CARD_SECURITY": "asks for a card's security code or expiry date",
        "REQUEST_OTP": "asks for a one-time code received by SMS",
        "REQUEST_CREDENTIALS": "asks for a password or login credentials",
        "REQUEST_IDENTITY_DOCUMENT": "asks for an identity document",
        "REQUEST_PROOF_OF_ADDRESS": "asks for proof of address",
        "REQUEST_NIR": "asks for the social security number",
        "REQUEST_FEES": "asks to pay (small) fees",
        "REQUEST_MEDICAL": "asks for medical information",
    }

    def detect(self, msg: Message, ctx: Context) -> Iterable[Evidence]:
        if msg.page is not None and (ctx.claim is None or ctx.claim.profile.is_official_domain(
            msg.page.registrable_domain
        )):
            return  # issue 9: see the module docstring
        signal_of = {rc.category: rc.signal for rc in ctx.knowledge.keywords.requests}
        for category, hits in ctx.requested.items():
            observed = tuple(dict.fromkeys(ctx.original(h) for h in hits))[:_MAX_OBSERVED]
            yield Evidence(
                self.id,
                signal_of[category],
                observed=observed,
                location=ctx.line_of(hits[0].start),
                params={"category": category},
            )
