"""Requests are demands, lures promise money (issue 8): the false positives on official French wording.

service-public.fr pages list what a procedure needs ("pièce d'identité, justificatif de domicile, RIB"),
explain that "vous devez indiquer votre numéro de sécurité sociale" on a paper form, and that "tout
trop-perçu doit être remboursé". The rules read them as requests and refund lures (2.8 % of the held-out
fiches flagged, half of them as fraud through NEVER_ASKS_VIOLATION). Each near-miss below is, or closely
follows, a passage that was flagged; each positive is the scam's version of the same words.
"""

from __future__ import annotations

import pytest

from sentinelle import Level
from sentinelle.detectors.requests import DataRequests

REQUESTS = frozenset(DataRequests.signals)  # every category the detector can report
FLAGGED = (Level.FRAUD, Level.SUSPICIOUS)


def test_demand_examples_ask_and_counter_examples_do_not(analyze, knowledge) -> None:
    kw = knowledge.keywords
    assert kw.demand_examples
    assert kw.demand_counter_examples
    for text in kw.demand_examples:
        assert REQUESTS & analyze(text, kind="sms").signals, text
    for text in kw.demand_counter_examples:
        assert not REQUESTS & analyze(text, kind="sms").signals, text


# ----------------------------------------------------------------------------------- near-misses (fiches)
@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "Feuille de soins papier\nVous êtes l'assuré\nVous devez indiquer votre numéro de Sécurité sociale et "
            "signer la feuille de soins avant de l'envoyer à votre organisme d'assurance maladie.",
            id="paper-form-procedure",
        ),
        pytest.param(
            "Justificatifs à présenter :\nCarte d'identité\nPasseport\nPermis de conduire\nCarte d'assurance "
            "maladie Vitale\nIl faut utiliser le formulaire et l'envoyer au tribunal.",
            id="list-of-documents",
        ),
        pytest.param(
            "Pour une admission à l'hôpital, vous devez fournir votre carte Vitale, une pièce d'identité et "
            "les informations médicales utiles : résultats d'analyses, radiographies, carnet de santé.",
            id="hospital-admission",
        ),
        pytest.param(
            "La demande est accompagnée d'un relevé d'identité bancaire (RIB) et d'une copie de votre titre "
            "de séjour. L'Assurance Maladie vous adresse ensuite sa décision.",
            id="what-the-file-contains",
        ),
        pytest.param(
            "Vous devez fournir les documents suivants :\nRIB\nCarte d'identité\nJustificatif de domicile",
            id="list-introduced-without-a-demand",
        ),
    ],
)
def test_procedure_explanations_are_not_requests(analyze, text: str) -> None:
    v = analyze(text, kind="sms")
    assert not REQUESTS & v.signals, sorted(v.signals)
    assert "NEVER_ASKS_VIOLATION" not in v.signals
    assert v.level is Level.NO_SIGN


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "Lorsque vous avez reçu un trop perçu de RSA, votre Caf peut vous en demander le remboursement "
            "pendant 2 ans. Le trop perçu est récupéré par retenues sur le RSA à venir.",
            id="rsa-overpayment",
        ),
        pytest.param("Réclamation et trop perçu", id="heading"),
        pytest.param("Tout trop-perçu doit être remboursé.", id="must-be-repaid"),
        pytest.param(
            "En cas de trop-perçu, Pôle emploi vous met en demeure par lettre recommandée avec accusé de réception.",
            id="formal-notice",
        ),
        pytest.param(
            "Vous pourrez alors payer un supplément d'impôt ou au contraire bénéficier d'un remboursement de "
            "l'administration.",
            id="tax-refund-explained",
        ),
        pytest.param(
            "L'assureur vous propose une indemnisation d'un montant au moins égal à la valeur d'assurance.",
            id="insurer-compensation",
        ),
    ],
)
def test_explanations_of_overpayments_and_refunds_are_not_lures(analyze, text: str) -> None:
    v = analyze(text, kind="sms")
    assert "LURE_REIMBURSEMENT" not in v.signals
    assert v.level is Level.NO_SIGN


# ------------------------------------------------------------------------------ the scams' versions
@pytest.mark.parametrize(
    ("text", "signal"),
    [
        pytest.param(
            "Merci de nous envoyer les documents suivants :\n- RIB\n- Carte d'identité",
            "REQUEST_BANK_DETAILS",
            id="list-introduced-by-a-demand",
        ),
        pytest.param(
            "Pour finaliser votre dossier, transmettez-nous une copie de votre carte d'identité.",
            "REQUEST_IDENTITY_DOCUMENT",
            id="imperative-with-us",
        ),
        pytest.param(
            "Vos coordonnées bancaires sont à mettre à jour via ce lien : remboursement-sante.info",
            "REQUEST_BANK_DETAILS",
            id="channel",
        ),
        pytest.param(
            "Bonjour, pourriez-vous me dicter votre numéro de sécurité sociale ?", "REQUEST_NIR", id="question"
        ),
        pytest.param(
            "Please provide your bank account details to receive the refund.", "REQUEST_BANK_DETAILS", id="english"
        ),
    ],
)
def test_demands_are_requests(analyze, text: str, signal: str) -> None:
    assert signal in analyze(text, kind="sms").signals


def test_a_form_in_an_email_is_the_demand(analyze) -> None:
    raw = (
        "From: Ameli <contact@ameli-info.net>\nTo: a@example.org\nSubject: Remboursement\n"
        "MIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n\n"
        '<p>Assurance Maladie</p><form action="https://collect.example.net/post">RIB <input name="iban"> '
        'cryptogramme <input name="cvv"></form>\n'
    )
    v = analyze(raw.encode())
    assert {"REQUEST_BANK_DETAILS", "REQUEST_CARD_SECURITY", "NEVER_ASKS_VIOLATION"} <= v.signals
    assert v.level is Level.FRAUD


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "Ameli : suite à un trop-perçu, 245,50 € vous seront remboursés sur ameli-rembourse.com",
            id="overpayment-in-your-favour",
        ),
        pytest.param("Assurance Maladie : un trop perçu en votre faveur a été constaté.", id="in-your-favour"),
        pytest.param("Ameli : vous êtes éligible à un remboursement de 89,90 €.", id="amount"),
        pytest.param("Ameli : un remboursement d'un montant de 118 euros vous attend.", id="amount-of"),
    ],
)
def test_refund_lures_with_a_sum_in_your_favour(analyze, text: str) -> None:
    v = analyze(text, kind="sms")
    assert "LURE_REIMBURSEMENT" in v.signals
    assert v.level in FLAGGED


def test_claimed_procedure_list_is_not_a_never_asks_violation(analyze) -> None:
    # Was fraud (8 points): CLAIMS_ORGANISATION + REQUEST_IDENTITY_DOCUMENT + NEVER_ASKS_VIOLATION.
    text = (
        "Pour obtenir la complémentaire santé solidaire, la caisse d'assurance maladie vérifie vos ressources.\n"
        "Pièces justificatives :\nCarte nationale d'identité\nPasseport\nTitre de séjour"
    )
    v = analyze(text, kind="sms")
    assert "NEVER_ASKS_VIOLATION" not in v.signals
    assert v.level is Level.NO_SIGN
