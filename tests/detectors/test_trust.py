"""trust.nothing_requested: a message in an organisation's name that asks for nothing, pushes no lure, links
nowhere else and gives no foreign number to call (NOTHING_REQUESTED, negative weight, always shown).

Near-misses are the messages where it must *not* appear: any request, lure, foreign link or foreign callback,
and messages that claim no organisation at all.
"""

from __future__ import annotations

import pytest

from sentinelle import Level

TRUST = "NOTHING_REQUESTED"


@pytest.mark.parametrize(
    ("text", "options"),
    [
        pytest.param(
            "Ameli : votre attestation de droits est disponible dans votre compte ameli.",
            {},
            id="genuine-notice",
        ),
        pytest.param("Ameli : votre attestation est disponible sur ameli.fr", {"sender": "38663"}, id="official-link"),
        pytest.param("Ameli : pour toute question, appelez le 3646.", {}, id="official-number"),
        pytest.param(
            "Ameli : votre carte Vitale n'expire jamais, ne répondez pas aux SMS qui disent le contraire.",
            {},
            id="negated-lure",
        ),
        pytest.param("L'Assurance Maladie ne vous demandera jamais vos coordonnées bancaires", {}, id="awareness-text"),
        pytest.param(
            "Bonjour, je vous appelle pour une enquête de satisfaction.",
            {"kind": "call", "caller_id": "05 53 35 62 37"},
            id="satisfaction-call",
        ),
    ],
)
def test_nothing_requested(analyze, evidence, text: str, options: dict[str, str]) -> None:
    v = analyze(text, **options)
    assert evidence(v, TRUST).weight < 0
    assert v.level is Level.NO_SIGN


@pytest.mark.parametrize(
    ("text", "options"),
    [
        pytest.param("Ameli : merci de nous transmettre votre RIB.", {}, id="request"),
        pytest.param("Ameli : votre carte vitale arrive à expiration.", {}, id="lure"),
        pytest.param("Ameli : votre attestation est disponible sur ameli-docs.com", {}, id="foreign-link"),
        pytest.param(
            "Bonjour, ici votre CPAM, rappelez-nous au 01 45 67 89 10.",
            {"kind": "voicemail"},
            id="foreign-callback",
        ),
        pytest.param("CPAM : rappelez le 01 45 67 89 10.", {}, id="foreign-callback-sms"),
        pytest.param("Votre rendez-vous est confirmé pour demain à 10h.", {}, id="no-claim"),
        pytest.param("Pensez à apporter votre carte Vitale.", {}, id="no-claim-field-words"),
    ],
)
def test_trust_near_misses(analyze, text: str, options: dict[str, str]) -> None:
    assert TRUST not in analyze(text, **options).signals


def test_trust_is_explained(analyze, evidence) -> None:
    ev = evidence(analyze("Ameli : votre attestation est disponible.", lang="en"), TRUST)
    assert ev.explanation.startswith("The message asks for no personal data")
