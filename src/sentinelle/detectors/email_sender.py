"""E-mail sender: a display name in an organisation's name on an address it does not own, lookalike
sender domains, replies diverted elsewhere.

Rspamd and SpamAssassin only catch a spoofed display name when it contains an address; here the name
itself ("Service clients Ameli" <no-reply@roofandfloor.com>) is checked against the profile's sender
domains. Known false positives: a mutual insurer or a pharmacy writing "votre CPAM" in its display name is
rare; forwarding services rewrite senders (the verdict shows the address, so a person can judge).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from email.utils import getaddresses
from typing import ClassVar

from ..brand import brand_in_host
from ..extract.urls import public_suffix_list
from ..model import Evidence, Kind, Message
from ..profiles import Profile
from ..textnorm import fold
from .base import Context, register
from .links import on_free_hosting


def address_domain(address: str | None) -> str:
    """Lower-case domain of an address ("" when there is none)."""
    if not address or "@" not in address:
        return ""
    return address.rsplit("@", 1)[1].strip().strip(">").rstrip(".").lower()


def registrable(domain: str) -> str:
    return (public_suffix_list().privatesuffix(domain) or domain) if domain else ""


def is_official_sender(profile: Profile, domain: str) -> bool:
    """An address domain the profile sends from: its sender domains, or any subdomain of its domains."""
    return _sends_from(profile, domain, registrable(domain))


def _sends_from(profile: Profile, domain: str, registrable_domain: str) -> bool:
    """``is_official_sender`` given the domain's registrable part: the detector asks it of every profile."""
    return bool(domain) and (domain in profile.sender_domains or profile.is_official_domain(registrable_domain))


@register
class EmailSender:
    """Emits SENDER_NAME_CLAIMS_ORG, SENDER_LOOKALIKE_DOMAIN, REPLY_TO_ELSEWHERE, SENDER_OFFICIAL_DOMAIN."""

    id: ClassVar[str] = "sender.email"
    applies_to: ClassVar[frozenset[Kind]] = frozenset({Kind.EMAIL})
    signals: ClassVar[Mapping[str, str]] = {
        "SENDER_NAME_CLAIMS_ORG": "the sender's name claims an organisation, the address is not one of its",
        "SENDER_LOOKALIKE_DOMAIN": "the sender's domain carries an organisation's brand without being its",
        "REPLY_TO_ELSEWHERE": "replies go to another domain than the sender's, in an organisation's name",
        "SENDER_OFFICIAL_DOMAIN": "the sender address is on an official sending domain (spoofable alone)",
        "SENDER_FREE_HOSTING": "the sender address is on a free hosting service's subdomain",
        "RETURN_PATH_ELSEWHERE": "an official From address whose bounces go to another domain",
    }

    def detect(self, msg: Message, ctx: Context) -> Iterable[Evidence]:
        sender = msg.sender
        if sender is None:
            return
        k = ctx.knowledge
        domain = address_domain(sender.address)
        sender_registrable = registrable(domain)  # one suffix lookup for the checks of every profile below
        name = (sender.display_name or "").strip()
        claimed: Profile | None = None
        if name:
            for hit in k.matcher.find(fold(name)):
                if hit.tag[0] == "claim":
                    claimed = k.profile(hit.tag[1])
                    break
        if claimed is not None and not _sends_from(claimed, domain, sender_registrable):
            yield Evidence(
                self.id,
                "SENDER_NAME_CLAIMS_ORG",
                observed=(name[:80], sender.address or "?"),
                location="header:From",
                params={"organisation": claimed.name(ctx.lang), "name": name[:80], "address": sender.address or "?"},
            )
        if domain:
            for candidate in k.profiles:
                if not _sends_from(candidate, domain, sender_registrable):
                    brand = brand_in_host(domain, candidate, k.keywords.domain_words)
                    if brand:
                        yield Evidence(
                            self.id,
                            "SENDER_LOOKALIKE_DOMAIN",
                            observed=(domain,),
                            location="header:From",
                            params={"organisation": candidate.name(ctx.lang), "brand": brand},
                        )
            if on_free_hosting(domain, k.free_subdomain_hosts):
                yield Evidence(
                    self.id, "SENDER_FREE_HOSTING", observed=(sender.address or domain,), location="header:From"
                )
        claim = ctx.claim
        profile: Profile | None = claimed or (claim.profile if claim else None)
        if profile is not None:
            official = _sends_from(profile, domain, sender_registrable)
            if official:
                yield Evidence(
                    self.id, "SENDER_OFFICIAL_DOMAIN", observed=(sender.address or domain,), location="header:From"
                )
            replies = [a for _, a in getaddresses(msg.header("Reply-To")) if "@" in a]
            elsewhere = [
                a
                for a in replies
                if registrable(address_domain(a)) != sender_registrable
                and not is_official_sender(profile, address_domain(a))
            ]
            if elsewhere:
                yield Evidence(self.id, "REPLY_TO_ELSEWHERE", observed=tuple(elsewhere[:3]), location="header:Reply-To")
            bounce = address_domain(next(iter(getaddresses(msg.header("Return-Path"))), ("", ""))[1])
            if (
                bounce
                and official
                and not is_official_sender(profile, bounce)
                and registrable(bounce) != sender_registrable
            ):
                # Genuine bulk senders may bounce through their mailing provider; DMARC settles it, so this
                # weighs little on its own.
                yield Evidence(self.id, "RETURN_PATH_ELSEWHERE", observed=(bounce,), location="header:Return-Path")
