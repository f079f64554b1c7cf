"""Phone numbers: callbacks to numbers the organisation does not own, surcharged and telemarketing ranges.

The Assurance Maladie's notice: a voicemail asks to call "your CPAM" back on a number other than 3646,
usually a surcharged one. So:

* CALLBACK_NOT_OFFICIAL: in a message in an organisation's name, a number to call that is not one of its
  inbound numbers. In calls and voicemails every number given counts as a callback number.
* NUMBER_SURCHARGED (081x, 082x, 089x, 118xyz), NUMBER_TELEMARKETING (ARCEP ranges), SHORT_NUMBER_UNKNOWN_COST
  (32xx-39xx not on a public-service allowlist; libphonenumber calls all of them premium, 3646 included),
  NUMBER_INVALID (invalid for libphonenumber, or a 01-07/09 number in no block ARCEP has allocated).
* MOBILE_AS_INSTITUTION: an 06/07 number as sender, caller or callback of a message in an institution's name,
  allocated or not (a spoofed caller ID need not exist).
* CALLER_ID_OFFICIAL (weak trust: caller IDs are spoofed) and NUMBERS_ALL_OFFICIAL (trust).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import ClassVar

from ..model import Evidence, Kind, Message, PhoneNumber, PhoneRole
from ..numbering import Category, NumberInfo, NumberingPlan
from .base import ALL_KINDS, Context, Flags, register

_SURCHARGED = frozenset({Category.SURCHARGED, Category.SHORT_SURCHARGED})
# Categories whose risk signal already says what the number is and costs: no second sentence for them.
_EXPLAINED_BY_RISK = frozenset(
    {Category.SURCHARGED, Category.SHORT_SURCHARGED, Category.TELEMARKETING, Category.SHORT_UNKNOWN_COST}
)
_SPOKEN_KINDS = frozenset({Kind.CALL, Kind.VOICEMAIL, Kind.AUDIO})
_MAX_OBSERVED = 5


def display_number(normalized: str) -> str:
    """``+33899234567`` -> ``08 99 23 45 67``; short numbers and foreign numbers unchanged."""
    if normalized.startswith("+33") and len(normalized) == 12:
        national = "0" + normalized[3:]
        return " ".join(national[i : i + 2] for i in range(0, 10, 2))
    return normalized


def _looks_mobile(info: NumberInfo, normalized: str, plan: NumberingPlan) -> bool:
    """An 06/07 number, including one in no allocated block (classified invalid)."""
    if info.category is Category.MOBILE:
        return True
    return info.category is Category.INVALID and plan.prefix_category(normalized) is Category.MOBILE


@register
class PhoneNumbers:
    """Emits the phone evidence listed in the module docstring."""

    id: ClassVar[str] = "phones.numbers"
    applies_to: ClassVar[frozenset[Kind]] = ALL_KINDS - {Kind.URL}
    signals: ClassVar[Mapping[str, str]] = {
        "CALLBACK_NOT_OFFICIAL": "asks to call a number the claimed organisation does not own",
        "NUMBER_SURCHARGED": "a surcharged number (081x, 082x, 089x, 118xyz)",
        "SHORT_NUMBER_UNKNOWN_COST": "a 3xxx short number that is not a known public-service number",
        "NUMBER_TELEMARKETING": "a number from the ranges reserved for telemarketing",
        "NUMBER_INVALID": "a number to call that is not valid in the numbering plan",
        "MOBILE_AS_INSTITUTION": "a mobile number used in an institution's name",
        "CALLER_ID_OFFICIAL": "the caller ID shown is an official number (spoofable: weak trust)",
        "NUMBERS_ALL_OFFICIAL": "every number given is an official one",
        "NUMBER_DESCRIBED": "what a number checked on its own is and what calling it costs (information)",
        "NUMBER_OPERATOR": "the operator that holds the number's block (information)",
    }

    def detect(self, msg: Message, ctx: Context) -> Iterable[Evidence]:
        if not msg.phones:
            return
        k = ctx.knowledge
        claim = ctx.claim
        profile = claim.profile if claim else None
        all_official = {p.number for prof in k.profiles for p in prof.phones}
        flags = Flags(self.id, _MAX_OBSERVED)

        def flag(signal: str, phone: PhoneNumber, **extra: str) -> None:
            flags.add(signal, display_number(phone.normalized), phone.location, **extra)

        to_call: list[PhoneNumber] = []
        for phone in msg.phones:
            info = k.numbering.classify(phone.normalized)
            mobile = _looks_mobile(info, phone.normalized, k.numbering)
            role = phone.role
            if role is PhoneRole.MENTIONED and msg.kind in _SPOKEN_KINDS:
                role = PhoneRole.CALLBACK
            if role is PhoneRole.CALLER_ID:
                if profile and phone.normalized in profile.outbound_numbers:
                    flag("CALLER_ID_OFFICIAL", phone)
                elif profile and mobile:
                    flag("MOBILE_AS_INSTITUTION", phone)
                continue
            if role is PhoneRole.SENDER:
                if profile and profile.mobile_sender_is_suspicious and mobile:
                    flag("MOBILE_AS_INSTITUTION", phone)
                continue
            if role in (PhoneRole.CALLBACK, PhoneRole.INPUT):
                to_call.append(phone)
            if role is PhoneRole.INPUT:
                yield from self._describe(phone, info, ctx)
            # A cost only matters for a number the message wants you to call: a surcharged number merely
            # mentioned (a company's hotline in a newsletter footer) is not evidence of anything.
            if role not in (PhoneRole.CALLBACK, PhoneRole.INPUT):
                pass
            elif info.category in _SURCHARGED:
                flag("NUMBER_SURCHARGED", phone)
            elif info.category is Category.SHORT_UNKNOWN_COST and phone.normalized not in all_official:
                flag("SHORT_NUMBER_UNKNOWN_COST", phone)
            elif info.category is Category.TELEMARKETING:
                flag("NUMBER_TELEMARKETING", phone)
            elif info.category is Category.INVALID and role in (PhoneRole.CALLBACK, PhoneRole.INPUT):
                flag("NUMBER_INVALID", phone)
            if profile and role is PhoneRole.CALLBACK:
                if phone.normalized not in profile.inbound_numbers:
                    inbound = ", ".join(display_number(p.number) for p in profile.phones if p.inbound)
                    flag("CALLBACK_NOT_OFFICIAL", phone, official_numbers=inbound)
                if mobile:
                    flag("MOBILE_AS_INSTITUTION", phone)

        yield from flags.evidence()
        official_pool = (profile.inbound_numbers | profile.outbound_numbers) if profile else all_official
        if to_call and all(p.normalized in official_pool for p in to_call):
            owners = [
                prof for prof in k.profiles if any(p.normalized in {n.number for n in prof.phones} for p in to_call)
            ]
            extra = {"organisation": owners[0].name(ctx.lang)} if owners and not profile else {}
            yield Evidence(
                self.id,
                "NUMBERS_ALL_OFFICIAL",
                observed=tuple(dict.fromkeys(display_number(p.normalized) for p in to_call)),
                location=to_call[0].location,
                params=extra,
            )

    @staticmethod
    def _describe(phone: PhoneNumber, info: NumberInfo, ctx: Context) -> Iterator[Evidence]:
        """What a number checked on its own is, what a call costs, whose block it is: the citizen's question."""
        shown = (display_number(phone.normalized),)
        description = ctx.knowledge.texts[ctx.lang].number_categories.get(info.category.value)
        if description and info.category not in _EXPLAINED_BY_RISK:
            if info.owner:
                description = description.replace("{owner}", info.owner)
            yield Evidence("phones.numbers", "NUMBER_DESCRIBED", shown, phone.location, {"description": description})
        if info.operator:
            yield Evidence("phones.numbers", "NUMBER_OPERATOR", shown, phone.location, {"operator": info.operator})
