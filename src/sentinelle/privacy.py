"""Redaction of the personal data a report may carry: social security numbers (NIR), IBANs, card numbers.

Reports come from victims: a forwarded scam may hold the victim's own IBAN or NIR (scam pages echo them
back, and people paste what they typed). Everything a verdict repeats from the message (observed values,
anomaly parameters) goes through ``redact`` before it leaves the engine, so exports, batch lines and stores
never hold them. Each candidate is checked (IBAN mod-97, Luhn for cards, the NIR key) so that ordinary
long numbers (order references, phone numbers) are left alone.
"""

from __future__ import annotations

from functools import cache

import re2

from .textnorm import fewer_digits_than

_MIN_DIGITS = 13  # a card number has 13 to 19 digits, a NIR 13 (15 with its key)
NIR_MASK = "[NIR masqué]"
IBAN_MASK = "[IBAN masqué]"


@cache
def _patterns() -> tuple[re2._Regexp, re2._Regexp, re2._Regexp]:
    iban = re2.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b")
    nir = re2.compile(r"\b[12] ?\d{2} ?\d{2} ?(?:\d{2}|2[AB]) ?\d{3} ?\d{3}(?: ?\d{2})?\b")
    card = re2.compile(r"\b\d(?:[ -]?\d){12,18}\b")
    return iban, nir, card


def _iban_valid(candidate: str) -> bool:
    compact = candidate.replace(" ", "")
    if not 15 <= len(compact) <= 34:
        return False
    rearranged = compact[4:] + compact[:4]
    digits = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(digits) % 97 == 1


def _luhn_valid(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _nir_valid(candidate: str) -> bool:
    compact = candidate.replace(" ", "")
    if len(compact) == 13:
        return True  # without its key: the shape alone (sex, year, month, place, rank) is specific enough
    if len(compact) != 15:
        return False
    body = compact[:13].replace("2A", "19").replace("2B", "18")
    return 97 - int(body) % 97 == int(compact[13:])


def _card_digits(candidate: str) -> str | None:
    """The digits of a valid card number (13 to 19 digits, Luhn), or None."""
    digits = "".join(ch for ch in candidate if ch.isdigit())
    return digits if 13 <= len(digits) <= 19 and _luhn_valid(digits) else None


def _too_few_digits(text: str) -> bool:
    """Fewer than 13 digits: no IBAN, NIR or card number can be there. This runs on every whole text the text
    model quotes from, and on every value a verdict repeats (most shorter than 13 characters)."""
    return fewer_digits_than(_MIN_DIGITS, text)


def _mask_card(digits: str) -> str:
    return f"[carte masquée …{digits[-4:]}]"


def sensitive_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every valid IBAN, NIR and card number in ``text``: what ``redact`` would mask.

    For quotes cut out of a message (the text model's phrases): a fragment of an IBAN ("3000 6000 0112") is
    no longer an IBAN to ``redact``, so a quote that overlaps one of these spans must not be shown at all.
    """
    if _too_few_digits(text):
        return []
    iban, nir, card = _patterns()
    spans = [m.span() for m in iban.finditer(text) if _iban_valid(m.group(0))]
    spans += [m.span() for m in nir.finditer(text) if _nir_valid(m.group(0))]
    spans += [m.span() for m in card.finditer(text) if _card_digits(m.group(0)) is not None]
    return sorted(spans)


def redact(text: str) -> str:
    """``text`` with valid IBANs, NIRs and card numbers replaced by masks (other text unchanged)."""
    if _too_few_digits(text):
        return text
    iban, nir, card = _patterns()
    text = iban.sub(lambda m: IBAN_MASK if _iban_valid(m.group(0)) else m.group(0), text)
    text = nir.sub(lambda m: NIR_MASK if _nir_valid(m.group(0)) else m.group(0), text)

    def card_repl(m: re2._Match) -> str:
        digits = _card_digits(m.group(0))
        return m.group(0) if digits is None else _mask_card(digits)

    redacted: str = card.sub(card_repl, text)
    return redacted
