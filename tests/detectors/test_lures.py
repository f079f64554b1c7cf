"""pressure.lures: the scam's pretext (one LURE_<THEME> per theme of the profile) and its urgency (URGENCY).

Near-misses: a genuine reimbursement notice, the warning "la carte Vitale n'expire jamais", a pharmacy or
doctor's message about the carte Vitale, an appointment "demain à 10h".
"""

from __future__ import annotations

import pytest

from sentinelle import Level

LURE_THEMES = {
    "LURE_REIMBURSEMENT": [
        "Ameli : vous avez un remboursement en attente de 89,50 €.",
        "Après les derniers calculs, vous êtes admissible à recevoir un remboursement d'un montant de 118 €.",
        "CPAM : validez votre remboursement sur votre espace.",
    ],
    "LURE_CARD_EXPIRY": [
        "Ameli : votre carte vitale arrive à expiration.",
        "Assurance maladie : expiration de votre carte vitale, à mettre à jour rapidement",
        "Votre carte Vitale a expiré, renouvelez-la.",
        "Ameli : renouvelez votre carte Vitale.",
    ],
    "LURE_NEW_CARD": [
        "Ameli : votre nouvelle carte vitale est disponible",
        "CPAM : commandez votre carte dès aujourd'hui.",
        "Ameli : recevez votre nouvelle carte Vitale.",
    ],
    "LURE_UPDATE_DETAILS": [
        "Ameli : merci de mettre à jour vos informations.",
        "Assurance Maladie : votre dossier est incomplet.",
        "Ameli : afin de continuer à être couvert, confirmez vos informations.",
        "Ameli : mettez à jour vos informations.",
    ],
    "LURE_ACCOUNT_THREAT": [
        "Ameli : votre compte a été suspendu.",
        "CPAM : sans réponse, vos droits seront suspendus.",
    ],
    "LURE_CALLBACK": [
        "Bonjour, merci de rappeler votre CPAM concernant votre dossier.",
        "Ameli : merci de rappeler votre conseiller.",
    ],
    "LURE_ASSISTED_SIGNUP": [
        "Ameli : un conseiller peut vous aider à créer votre espace santé.",
        "Assurance Maladie : votre appareil auditif offert vous attend.",
        "Ameli : activez votre espace santé.",
    ],
}
CASES = [
    pytest.param(text, theme, id=f"{theme}-{i}") for theme, texts in LURE_THEMES.items() for i, text in enumerate(texts)
]
LURES = set(LURE_THEMES)


def test_table_covers_every_lure_theme_of_the_profile(am_profile) -> None:
    assert {lure.theme for lure in am_profile.lures} == LURES


@pytest.mark.parametrize(("text", "theme"), CASES)
def test_lure_positives(analyze, evidence, am_profile, text: str, theme: str) -> None:
    v = analyze(text, kind="sms")
    ev = evidence(v, theme)
    fact = next(lure.fact_fr for lure in am_profile.lures if lure.theme == theme)
    assert fact in ev.explanation  # the lure is answered by the organisation's own fact
    assert v.level in (Level.SUSPICIOUS, Level.FRAUD)


def test_lure_without_claim_is_still_a_lure(analyze) -> None:
    # The press-quoted wording names no one; the scam phrasing alone is evidence.
    v = analyze(
        "Après les derniers calculs pour l'exercice de votre activité, nous vous informons que vous avez un "
        "remboursement de 642 €.",
        kind="sms",
    )
    assert v.organisation is None
    assert "LURE_REIMBURSEMENT" in v.signals
    assert v.level is Level.SUSPICIOUS


def test_lure_explanation_in_english(analyze, evidence, am_profile) -> None:
    fact = next(lure.fact_en for lure in am_profile.lures if lure.theme == "LURE_CARD_EXPIRY")
    ev = evidence(analyze("Ameli : votre carte vitale arrive à expiration.", lang="en"), "LURE_CARD_EXPIRY")
    assert fact in ev.explanation
    assert ev.observed == ("carte vitale arrive à expiration",)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Régularisez votre situation sous 24h, faute de quoi vos droits seront suspendus", id="sous-24h"),
        pytest.param("Dernier rappel : votre dossier sera clôturé.", id="dernier-rappel"),
        pytest.param("Action required immediately.", id="english"),
        pytest.param("A traiter IMMÉDIATEMENT.", id="upper-case-accent"),
    ],
)
def test_urgency_positives(analyze, text: str) -> None:
    assert "URGENCY" in analyze(text, kind="sms").signals


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Votre remboursement de 23,50 € a été versé le 12/03. Assurance Maladie", id="genuine-payment"),
        pytest.param(
            "Ameli : votre attestation de droits est disponible dans votre compte ameli.",
            id="genuine-attestation",
        ),
        pytest.param(
            "Votre carte Vitale n'expire jamais : méfiez-vous des SMS qui prétendent le contraire.",
            id="warning-never-expires",
        ),
        pytest.param(
            "Attention : l'Assurance Maladie ne vous demandera jamais de mettre à jour vos informations par SMS.",
            id="warning-update",
        ),
        pytest.param("Pharmacie du Centre : votre commande est prête. Pensez à votre carte Vitale.", id="pharmacy"),
        pytest.param(
            "Dr Martin : votre remboursement est prévu après télétransmission de la feuille de soins.",
            id="doctor-remboursement",
        ),
        pytest.param("Votre rendez-vous est confirmé pour demain à 10h", id="appointment"),
        pytest.param("La carte vitale de votre enfant est arrivée chez nous, passez la chercher.", id="carte-arrived"),
    ],
)
def test_lure_near_misses(analyze, text: str) -> None:
    v = analyze(text, kind="sms")
    assert not (LURES | {"URGENCY"}) & v.signals
    assert v.level is Level.NO_SIGN


def test_lures_do_not_apply_to_a_url(analyze) -> None:
    v = analyze("https://example.com/carte-vitale-arrive-a-expiration", kind="url")
    assert not LURES & v.signals


def test_genuine_advice_to_update_the_card_at_a_pharmacy_is_not_a_lure(analyze) -> None:
    advice = analyze(
        "Ameli : pensez à mettre à jour votre carte Vitale une fois par an, en pharmacie ou sur une borne."
    )
    assert "LURE_CARD_EXPIRY" not in advice.signals
    assert advice.level is Level.NO_SIGN
    scam = analyze("Ameli : vous devez mettre à jour votre carte Vitale. Rendez-vous sur ameli-maj.fr")
    assert "LURE_CARD_EXPIRY" in scam.signals
