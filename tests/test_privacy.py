"""Redaction of NIR, IBAN and card numbers in everything a verdict repeats from a message."""

from __future__ import annotations

import json

import pytest

import sentinelle
from sentinelle.privacy import IBAN_MASK, NIR_MASK, redact

NIR_BODY = "1850578006084"
NIR = NIR_BODY + f"{97 - int(NIR_BODY) % 97:02d}"  # a well-formed NIR with its key
IBAN = "FR7630006000011234567890189"  # checksum-valid (mod 97)
CARD = "4111111111111111"  # Luhn-valid test card


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"IBAN {IBAN}", f"IBAN {IBAN_MASK}"),
        ("IBAN FR76 3000 6000 0112 3456 7890 189 !", f"IBAN {IBAN_MASK} !"),
        (f"NIR {NIR}", f"NIR {NIR_MASK}"),
        (f"NIR {NIR[0]} {NIR[1:3]} {NIR[3:5]} {NIR[5:7]} {NIR[7:10]} {NIR[10:13]} {NIR[13:]}", f"NIR {NIR_MASK}"),
        (f"carte {CARD}", "carte [carte masquée …1111]"),
        ("carte 4111 1111 1111 1111", "carte [carte masquée …1111]"),
        # The fewest digits an identifier has (13: a card number, a NIR without its key), in non-ASCII text.
        ("Numéro de carte : 4222222222222 ✓", "Numéro de carte : [carte masquée …2222] ✓"),
        (f"N° sécurité sociale : {NIR_BODY}", f"N° sécurité sociale : {NIR_MASK}"),
        (NIR_BODY, NIR_MASK),
    ],
)
def test_valid_identifiers_are_masked(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "FR7630006000011234567890188",  # IBAN checksum wrong
        NIR_BODY + f"{(97 - int(NIR_BODY) % 97 + 1) % 97:02d}",  # NIR key wrong
        "4111111111111112",  # Luhn wrong
        "appelez le 06 12 34 56 78 ou le 08 99 23 45 67",
        "commande n° 2026-11-28-0042",
        "422222222222",  # 12 digits: too few for any identifier
    ],
)
def test_ordinary_numbers_are_left_alone(text: str) -> None:
    assert redact(text) == text


def test_verdicts_never_repeat_a_victims_iban_or_card() -> None:
    # The user-info trick quotes the link itself as evidence: the victim's data in it must be masked there.
    text = f"AMELI : suivi https://ameli.fr@evil.example/{IBAN}/{CARD}"
    verdict = sentinelle.analyze(text, kind="sms")
    userinfo = next(e for e in verdict.evidence if e.signal == "LINK_USERINFO")
    assert "evil.example" in userinfo.observed[0]  # the evidence is still there...
    assert IBAN_MASK in userinfo.observed[0]
    exported = json.dumps(verdict.to_dict(), ensure_ascii=False)
    assert IBAN not in exported  # ...without the personal data
    assert CARD not in exported
