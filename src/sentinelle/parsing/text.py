"""Text channels -> ``Message``: SMS, call (what was said), voicemail transcript, URL, phone number.

All of them are text plus, optionally, who sent it (an SMS number or sender ID) or the caller ID shown.
The text is cut to the configured length, cleaned (``textnorm.clean_text``), and scanned once for links
and numbers. What was cut or removed is recorded as an anomaly; nothing here raises on bad content.
"""

from __future__ import annotations

from dataclasses import replace

from ..config import Limits
from ..extract.phones import find_phones, normalise_number
from ..extract.urls import find_links, make_link
from ..model import Anomaly, Kind, Link, LinkSource, Message, PhoneNumber, PhoneRole, Sender
from ..textnorm import clean_text


def _sender(value: str | None) -> tuple[Sender | None, str | None]:
    """An SMS sender: a number (normalised) or an alphanumeric sender ID such as "AMELI"."""
    if not value or not value.strip():
        return None, None
    value = value.strip()[:64]
    if any(ch.isalpha() for ch in value):
        return Sender(sender_id=value), None
    normalized = normalise_number(value)
    return Sender(number=value), normalized


def parse_text_message(
    text: str,
    kind: Kind,
    *,
    limits: Limits,
    callback_cues: tuple[str, ...],
    known_short: frozenset[str],
    sender: str | None = None,
    caller_id: str | None = None,
    anomalies: list[Anomaly] | None = None,
) -> Message:
    """Build the normalised ``Message`` of a text channel (never raises on content)."""
    found: list[Anomaly] = list(anomalies or ())
    if len(text) > limits.max_text_chars:
        found.append(Anomaly("TEXT_TRUNCATED", {"limit": str(limits.max_text_chars)}))
        text = text[: limits.max_text_chars]
    cleaned = clean_text(text)
    if len(cleaned.text) > limits.max_text_chars:  # NFKC can make one character eighteen ("\ufdfa")
        if not any(a.code == "TEXT_TRUNCATED" for a in found):
            found.append(Anomaly("TEXT_TRUNCATED", {"limit": str(limits.max_text_chars)}))
        cleaned = replace(cleaned, text=cleaned.text[: limits.max_text_chars])
    if cleaned.invisible_removed:
        found.append(Anomaly("INVISIBLE_CHARACTERS_REMOVED", {"count": str(cleaned.invisible_removed)}))
    if cleaned.bidi_removed:
        found.append(Anomaly("BIDI_CONTROLS_REMOVED", {"count": str(cleaned.bidi_removed)}))
    if cleaned.controls_replaced:
        found.append(Anomaly("CONTROL_CHARACTERS_REPLACED", {"count": str(cleaned.controls_replaced)}))
    body = cleaned.text
    if not body.strip():
        found.append(Anomaly("EMPTY_INPUT"))

    links: list[Link] = []
    phones: list[PhoneNumber] = []
    if kind is Kind.URL:
        url = body.strip().split()[0] if body.strip() else ""
        link = make_link(url, LinkSource.INPUT, scheme_present="://" in url[:12], location="input") if url else None
        if link is None and url:
            found.append(Anomaly("UNPARSABLE_URL", {"value": url[:200]}))
        links = [link] if link else []
    elif kind is Kind.PHONE:
        value = body.strip()
        normalized = normalise_number(value)
        if normalized is None:
            found.append(Anomaly("UNPARSABLE_PHONE", {"value": value[:64]}))
        else:
            phones.append(
                PhoneNumber(
                    raw=value,
                    normalized=normalized,
                    is_short=not normalized.startswith("+"),
                    role=PhoneRole.INPUT,
                    location="input",
                )
            )
    else:
        links, seen_links = find_links(body, limit=limits.max_links)
        if seen_links > limits.max_links:
            found.append(Anomaly("LINKS_TRUNCATED", {"limit": str(limits.max_links)}))
        phones, seen_phones = find_phones(
            body,
            cues=callback_cues,
            known_short=known_short,
            limit=limits.max_phones,
            spoken=kind in (Kind.CALL, Kind.VOICEMAIL),
        )
        if seen_phones > limits.max_phones:
            found.append(Anomaly("PHONES_TRUNCATED", {"limit": str(limits.max_phones)}))

    msg_sender, sender_number = _sender(sender)
    if sender_number:
        phones.insert(
            0,
            PhoneNumber(
                raw=sender or "",
                normalized=sender_number,
                is_short=not sender_number.startswith("+"),
                role=PhoneRole.SENDER,
                location="sender",
            ),
        )
    if caller_id and caller_id.strip():
        normalized = normalise_number(caller_id)
        if normalized is None:
            found.append(Anomaly("UNPARSABLE_PHONE", {"value": caller_id[:64]}))
        else:
            phones.insert(
                0,
                PhoneNumber(
                    raw=caller_id.strip(),
                    normalized=normalized,
                    is_short=not normalized.startswith("+"),
                    role=PhoneRole.CALLER_ID,
                    location="caller_id",
                ),
            )
            if msg_sender is None:
                msg_sender = Sender(number=caller_id.strip())
    return Message(
        kind=kind,
        text=body,
        sender=msg_sender,
        links=tuple(links),
        phones=tuple(phones),
        anomalies=tuple(found),
        hidden_characters=cleaned.invisible_removed + cleaned.bidi_removed,
    )
