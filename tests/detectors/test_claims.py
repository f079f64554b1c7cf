"""claims.organisation: does the message speak in the Assurance Maladie's name (CLAIMS_ORGANISATION)?

Positives: names written plainly, disguised (zero-width, Cyrillic, full-width letters), carried by the
sender, the caller ID or a lookalike domain. Near-misses: words of the health field that do not claim to be
the organisation (a doctor's reminder to bring the carte Vitale), first names that contain a brand.
"""

from __future__ import annotations

import pytest

from sentinelle import Level

CLAIMS = "CLAIMS_ORGANISATION"


@pytest.mark.parametrize(
    ("text", "options", "seen"),
    [
        pytest.param("AMELI : votre attestation est disponible dans votre compte.", {}, "AMELI", id="sender-prefix"),
        pytest.param("Votre CPAM vous informe que votre attestation est prête.", {}, "CPAM", id="cpam"),
        pytest.param(
            "Caisse primaire d'assurance maladie : votre attestation est disponible.",
            {},
            "Caisse primaire",
            id="caisse-primaire",
        ),
        pytest.param("Sécurité Sociale : votre attestation est disponible.", {}, "Sécurité Sociale", id="accents"),
        pytest.param("a\u200bmeli : votre attestation est disponible.", {}, "ameli", id="zero-width-inside-name"),
        pytest.param("\u0430meli : votre attestation est disponible.", {}, "\u0430meli", id="cyrillic-a"),
        pytest.param("ＡＭＥＬＩ : votre attestation est disponible.", {}, "AMELI", id="full-width"),
        pytest.param("Votre attestation est disponible.", {"sender": "AMELI"}, "AMELI", id="sender-id"),
        pytest.param("Votre attestation est disponible.", {"sender": "38663"}, "38663", id="sender-short-code"),
        pytest.param(
            "Bonjour, je vous appelle au sujet de votre dossier.",
            {"kind": "call", "caller_id": "3646"},
            "3646",
            id="caller-id",
        ),
        pytest.param("Rendez-vous sur ameli-remboursement.com", {}, "ameli-remboursement.com", id="lookalike-link"),
        pytest.param("cpam-dossier.fr", {"kind": "url"}, "cpam-dossier.fr", id="url-input"),
    ],
)
def test_claim_positives(analyze, evidence, text: str, options: dict[str, str], seen: str) -> None:
    v = analyze(text, **options)
    assert CLAIMS in v.signals
    assert v.organisation == "assurance_maladie"
    assert seen in evidence(v, CLAIMS).observed


@pytest.mark.parametrize(
    ("text", "options"),
    [
        pytest.param(
            "Rappel : RDV demain 10h chez le Dr Martin. Pensez à apporter votre carte Vitale et votre ordonnance.",
            {},
            id="doctor-reminder-carte-vitale",
        ),
        pytest.param(
            "Pharmacie du Centre : votre commande est prête. Pensez à votre carte Vitale et à votre "
            "attestation de mutuelle.",
            {},
            id="pharmacy-carte-vitale-mutuelle",
        ),
        pytest.param(
            "Kiné : votre remboursement dépend de la télétransmission de la feuille de soins.",
            {},
            id="field-words-only",
        ),
        pytest.param("Bonjour Amélie, on se retrouve à 18h devant le cinéma ?", {}, id="first-name-amelie"),
        pytest.param(
            "Commandez vos bouquets sur amelie-fleurs.fr, livraison le jour même.",
            {},
            id="flower-shop-amelie",
        ),
        pytest.param(
            "Les secours sont arrivés en 10 minutes, la sécurité routière rappelle les consignes.",
            {},
            id="secu-prefix-words",
        ),
        pytest.param("energie-vitale.fr", {"kind": "url"}, id="wellness-shop-weak-token"),
        pytest.param("Votre code Doctolib est 482913. Ne le communiquez à personne.", {}, id="doctolib-code"),
    ],
)
def test_claim_near_misses(analyze, text: str, options: dict[str, str]) -> None:
    v = analyze(text, **options)
    assert CLAIMS not in v.signals
    assert v.organisation is None
    assert v.level is Level.NO_SIGN


def test_asking_for_the_social_security_number_is_not_a_claim(analyze) -> None:
    v = analyze(
        "Cabinet médical du Dr Martin : merci de nous communiquer votre numéro de sécurité sociale pour la "
        "feuille de soins."
    )
    assert "REQUEST_NIR" in v.signals
    assert CLAIMS not in v.signals
    assert v.level is Level.NO_SIGN


def test_doctor_reminder_is_no_sign(analyze) -> None:
    v = analyze("Rappel : RDV demain 10h chez le Dr Martin. Pensez à apporter votre carte Vitale.", kind="sms")
    assert v.level is Level.NO_SIGN
    assert v.signals == frozenset()


def test_forced_profile_applies_rules_without_claim_evidence(analyze) -> None:
    # The user says which organisation the message claims: its rules apply, but the message itself made no
    # claim, so there is no CLAIMS_ORGANISATION evidence to show.
    v = analyze("Votre attestation est disponible.", profile="assurance_maladie")
    assert v.organisation == "assurance_maladie"
    assert CLAIMS not in v.signals


def test_claim_location_follows_what_gave_it_away(analyze, evidence) -> None:
    assert evidence(analyze("AMELI : votre attestation est prête."), CLAIMS).location == "body"
    assert evidence(analyze("Votre attestation est prête.", sender="AMELI"), CLAIMS).location == "sender"
    assert evidence(analyze("Bonjour.", kind="call", caller_id="3646"), CLAIMS).location == "caller_id"
    # A brand glued to other words is no whole-word name in the text: only the link gives it away.
    link_claim = evidence(analyze("Voir amelicartevitale.fr"), CLAIMS)
    assert (link_claim.location, link_claim.observed) == ("links", ("amelicartevitale.fr",))


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_claim_explanation_names_the_organisation(analyze, evidence, lang: str) -> None:
    text = evidence(analyze("AMELI : votre attestation est prête.", lang=lang), CLAIMS).explanation
    assert "Assurance Maladie" in text
    assert "AMELI" in text


@pytest.mark.parametrize(
    "text",
    [
        # The corpus's ham that the CAF profile turned into a fraud: a folder of a physics lab's server.
        "Results are on http://mit.fnal.gov/~msn/cdf/caf/server_evaluation.html if you want them.",
        "Voir www.example.org/docs/cpam/guide.pdf pour la procédure interne.",
        "Archive: https://lists.example.net/ameli/2002-09/msg00042.html",
    ],
)
def test_a_name_in_the_path_of_an_address_is_not_a_claim(analyze, text: str) -> None:
    assert analyze(text).organisation is None


@pytest.mark.parametrize(
    ("text", "organisation"),
    [
        ("Connectez-vous sur https://ameli.fr/assure pour voir vos remboursements.", "assurance_maladie"),
        ("Votre CAF : consultez https://x.example/caf/aide pour votre aide.", "caf"),
    ],
)
def test_names_in_a_host_or_beside_an_address_still_claim(analyze, text: str, organisation: str) -> None:
    assert analyze(text).organisation == organisation
