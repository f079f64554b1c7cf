"""policy.never_asks: a message in the Assurance Maladie's name asking for what it says it never asks
(NEVER_ASKS_VIOLATION), on the channels each statement covers. Near-misses: the same request without a claim,
an awareness text quoting the rule, a request on a channel the statement does not cover.
"""

from __future__ import annotations

import pytest

from sentinelle import Level

VIOLATION = "NEVER_ASKS_VIOLATION"
TEXT_CHANNELS = ("sms", "call", "voicemail")

# One request per category, said in the organisation's name.
ASKS = {
    "bank_details": "Assurance Maladie : pour votre remboursement, merci de nous transmettre votre RIB.",
    "card": "Assurance Maladie : indiquez le numéro de votre carte bancaire.",
    "card_security": "Assurance Maladie : indiquez le cryptogramme au dos de votre carte.",
    "credentials": "Assurance Maladie : confirmez votre identifiant et mot de passe.",
    "otp": "Assurance Maladie : pouvez-vous me communiquer le code reçu par SMS ?",
    "nir": "Assurance Maladie : confirmez votre numéro de sécurité sociale.",
    "fees": "Assurance Maladie : des frais d'envoi de 1,99 € sont à régler pour votre carte.",
    "medical": "Assurance Maladie : merci de préciser vos antécédents médicaux.",
    "identity_document": "Assurance Maladie : envoyez une copie de votre pièce d'identité.",
    "proof_of_address": "Assurance Maladie : envoyez un justificatif de domicile.",
}


def test_table_covers_every_statement_of_the_profile(am_profile) -> None:
    assert {rule.category for rule in am_profile.never_asks} == set(ASKS)


@pytest.mark.parametrize("category", sorted(ASKS))
@pytest.mark.parametrize("kind", TEXT_CHANNELS)
def test_violation_on_the_channels_the_statement_covers(
    analyze, evidence, am_profile, category: str, kind: str
) -> None:
    rule = next(r for r in am_profile.never_asks if r.category == category)
    v = analyze(ASKS[category], kind=kind)
    if kind in rule.channels:
        ev = evidence(v, VIOLATION)
        assert rule.statement_fr in ev.explanation
        assert ev.params["category"] == category
        assert v.level is Level.FRAUD
    else:
        # e.g. a CPAM adviser may ask for the social security number on the phone.
        assert VIOLATION not in v.signals


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        pytest.param("Pour votre remboursement, merci de nous transmettre votre RIB.", "sms", id="no-claim"),
        pytest.param(
            "Pharmacie du Centre : merci de régler les frais de port de votre commande.",
            "sms",
            id="fees-no-claim",
        ),
        pytest.param(
            "L'Assurance Maladie ne vous demandera jamais vos coordonnées bancaires",
            "sms",
            id="awareness-text",
        ),
        pytest.param(
            "Assurance Maladie : ne communiquez jamais votre mot de passe, même à un conseiller.",
            "sms",
            id="warning-in-its-name",
        ),
        pytest.param(
            "Votre CPAM : votre attestation de droits est disponible dans votre compte ameli.",
            "sms",
            id="genuine-notice",
        ),
        pytest.param(
            "Bonjour, ici votre CPAM, pouvez-vous me confirmer votre numéro de sécurité sociale ?",
            "call",
            id="nir-by-phone-not-covered",
        ),
    ],
)
def test_policy_near_misses(analyze, text: str, kind: str) -> None:
    assert VIOLATION not in analyze(text, kind=kind).signals


def test_violation_quotes_the_statement_and_its_source_in_english(analyze, evidence, am_profile) -> None:
    rule = next(r for r in am_profile.never_asks if r.category == "bank_details")
    ev = evidence(analyze(ASKS["bank_details"], kind="sms", lang="en"), VIOLATION)
    assert rule.statement_en in ev.explanation
    assert rule.source.split(" ; ")[0] in ev.explanation
    assert ev.observed == ("RIB",)


def test_forced_profile_enables_the_rules(analyze) -> None:
    text = "Pour votre remboursement, merci de nous transmettre votre RIB."
    assert VIOLATION in analyze(text, kind="sms", profile="assurance_maladie").signals
