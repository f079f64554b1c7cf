"""The sender of an SMS: a known sender of the claimed organisation is weak trust (sender IDs can be faked).

The mobile-number case (an SMS "from the Assurance Maladie" sent by an 06/07 number) is a phone matter and
lives in the phones detector. E-mail senders have their own detector.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import ClassVar

from ..model import Evidence, Kind, Message
from .base import Context, register


@register
class SmsSender:
    """Emits SMS_SENDER_OFFICIAL."""

    id: ClassVar[str] = "sender.sms"
    applies_to: ClassVar[frozenset[Kind]] = frozenset({Kind.SMS, Kind.IMAGE})
    signals: ClassVar[Mapping[str, str]] = {
        "SMS_SENDER_OFFICIAL": "the SMS comes from a known sender of the claimed organisation",
    }

    def detect(self, msg: Message, ctx: Context) -> Iterable[Evidence]:
        claim = ctx.claim
        sender = msg.sender
        if claim is None or sender is None:
            return
        value = (sender.number or sender.sender_id or "").replace(" ", "")
        known = {s.value for s in claim.profile.sms_sender_ids}
        if value and value.upper() in {k.upper() for k in known}:
            yield Evidence(self.id, "SMS_SENDER_OFFICIAL", observed=(value,), location="sender")
