"""requests.data: what the message asks for (REQUEST_<CATEGORY>), one table row per category and wording.

Near-misses: codes sent *to* you with a warning (Doctolib), awareness texts that say what is never asked,
warnings ("ne communiquez jamais"), words that merely contain a keyword ("ribambelle").
"""

from __future__ import annotations

import pytest

from sentinelle import Level
from sentinelle.detectors.requests import DataRequests

REQUEST_SIGNALS = frozenset(DataRequests.signals)  # every category the detector can report


@pytest.mark.parametrize(
    ("text", "signal", "quoted"),
    [
        ("Merci de nous transmettre votre RIB pour le remboursement", "REQUEST_BANK_DETAILS", "RIB"),
        ("Indiquez votre IBAN pour recevoir le virement", "REQUEST_BANK_DETAILS", "IBAN"),
        ("Confirmez vos coordonnées bancaires", "REQUEST_BANK_DETAILS", "coordonnées bancaires"),
        ("Please confirm your bank details", "REQUEST_BANK_DETAILS", "bank details"),
        ("Saisissez le numéro de votre carte bancaire", "REQUEST_CARD", "numéro de votre carte bancaire"),
        ("Enter your credit card number", "REQUEST_CARD", "credit card"),
        ("Indiquez le cryptogramme visuel au dos de la carte", "REQUEST_CARD_SECURITY", "cryptogramme"),
        (
            "Merci de saisir la date d'expiration de votre carte",
            "REQUEST_CARD_SECURITY",
            "date d'expiration de votre carte",
        ),
        ("Quel est le CVV ?", "REQUEST_CARD_SECURITY", "CVV"),
        ("Pouvez-vous me communiquer le code reçu par SMS ?", "REQUEST_OTP", "code reçu par SMS"),
        ("Vous allez recevoir un code. Pouvez-vous me lire le code ?", "REQUEST_OTP", "me lire le code"),
        ("Please read me the code you received", "REQUEST_OTP", "read me the code"),
        (
            "Connectez-vous avec vos identifiants FranceConnect pour valider",
            "REQUEST_CREDENTIALS",
            "identifiants FranceConnect",
        ),
        ("Saisissez votre mot de passe pour continuer", "REQUEST_CREDENTIALS", "mot de passe"),
        ("Joignez une copie de votre pièce d'identité", "REQUEST_IDENTITY_DOCUMENT", "pièce d'identité"),
        ("Envoyez une copie recto verso de votre passeport", "REQUEST_IDENTITY_DOCUMENT", "passeport"),
        (
            "Envoyez un justificatif de domicile de moins de 3 mois",
            "REQUEST_PROOF_OF_ADDRESS",
            "justificatif de domicile",
        ),
        ("Joignez une facture d'électricité récente", "REQUEST_PROOF_OF_ADDRESS", "facture d'électricité"),
        ("Indiquez votre numéro d'immatriculation", "REQUEST_NIR", "numéro d'immatriculation"),
        ("Des frais d'envoi de 1,99 € sont à régler", "REQUEST_FEES", "frais d'envoi"),
        ("Réglez les frais de dossier de 2,90 €", "REQUEST_FEES", "frais de dossier"),
        (
            "Merci de compléter vos informations médicales via ce lien",
            "REQUEST_MEDICAL",
            "informations médicales",
        ),
        ("Précisez vos traitements en cours", "REQUEST_MEDICAL", "traitements en cours"),
    ],
)
def test_request_positives(analyze, evidence, text: str, signal: str, quoted: str) -> None:
    v = analyze(text, kind="sms")
    assert signal in v.signals
    ev = evidence(v, signal)
    assert ev.detector == "requests.data"
    assert quoted in ev.observed  # the words as written, accents and case kept
    assert quoted in ev.explanation


@pytest.mark.parametrize("kind", ["sms", "call", "voicemail"])
def test_requests_found_on_every_text_channel(analyze, kind: str) -> None:
    assert "REQUEST_BANK_DETAILS" in analyze("Pouvez-vous me donner votre RIB ?", kind=kind).signals


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        pytest.param(
            "Votre code Doctolib est 482913. Ne le communiquez à personne.", "REQUEST_OTP", id="doctolib-code"
        ),
        pytest.param("Votre code de connexion Doctolib : 123456", "REQUEST_OTP", id="doctolib-login-code"),
        pytest.param(
            "L'Assurance Maladie ne vous demandera jamais vos coordonnées bancaires",
            "REQUEST_BANK_DETAILS",
            id="awareness-bank-details",
        ),
        pytest.param(
            "Rappel : l'Assurance Maladie ne vous demande jamais votre RIB, votre mot de passe ou un code "
            "reçu par SMS.",
            "REQUEST_BANK_DETAILS",
            id="awareness-list",
        ),
        pytest.param("Ne communiquez jamais votre mot de passe.", "REQUEST_CREDENTIALS", id="warning-password"),
        pytest.param("Do not share your bank details with anyone.", "REQUEST_BANK_DETAILS", id="warning-english"),
        pytest.param("Votre ribambelle de cadeaux vous attend", "REQUEST_BANK_DETAILS", id="rib-inside-word"),
        pytest.param("Pensez à apporter votre carte Vitale", "REQUEST_CARD", id="carte-vitale-is-not-a-bank-card"),
        pytest.param(
            "Votre carte Vitale n'a pas de date d'expiration",
            "REQUEST_CARD_SECURITY",
            id="no-expiry-statement",
        ),
        pytest.param(
            "Votre dossier médical partagé est accessible dans Mon espace santé.",
            "REQUEST_MEDICAL",
            id="mon-espace-sante-notice",
        ),
        pytest.param("La livraison est offerte", "REQUEST_FEES", id="free-delivery"),
        pytest.param("Le Caribou est un animal", "REQUEST_BANK_DETAILS", id="rib-inside-caribou"),
    ],
)
def test_request_near_misses(analyze, text: str, absent: str) -> None:
    v = analyze(text, kind="sms")
    assert absent not in v.signals
    assert not REQUEST_SIGNALS & v.signals
    assert v.level is Level.NO_SIGN


def test_awareness_text_is_no_sign_and_not_a_violation(analyze) -> None:
    v = analyze("L'Assurance Maladie ne vous demandera jamais vos coordonnées bancaires", kind="sms")
    assert v.level is Level.NO_SIGN
    assert "NEVER_ASKS_VIOLATION" not in v.signals


def test_negation_is_per_sentence(analyze) -> None:
    # A warning in one sentence does not excuse a request in the next one.
    v = analyze("Ne communiquez jamais votre code à un tiers. Merci de nous transmettre votre RIB.", kind="sms")
    assert "REQUEST_BANK_DETAILS" in v.signals


def test_several_categories_are_reported_separately(analyze) -> None:
    v = analyze(
        "Merci de transmettre votre RIB, une copie de votre passeport et votre numéro de sécurité sociale.",
        kind="sms",
    )
    assert {"REQUEST_BANK_DETAILS", "REQUEST_IDENTITY_DOCUMENT", "REQUEST_NIR"} <= v.signals


def test_requests_do_not_apply_to_a_url(analyze) -> None:
    v = analyze("https://example.com/rib-iban-mot-de-passe", kind="url")
    assert not REQUEST_SIGNALS & v.signals
