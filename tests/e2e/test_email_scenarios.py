"""The seed e-mail of the Assurance Maladie's notice and its near-misses, end to end from .eml files."""

from __future__ import annotations

from pathlib import Path

import pytest

import sentinelle
from sentinelle import Level

EMAIL = Path(__file__).resolve().parents[1] / "fixtures" / "email"


def test_genuine_notification_with_dmarc_pass_is_no_sign() -> None:
    v = sentinelle.analyze(EMAIL / "ameli_notification_dmarc_pass.eml")
    assert v.level is Level.NO_SIGN
    assert v.kind.value == "email"
    assert {"AUTH_ALIGNED_PASS_OFFICIAL", "LINKS_ALL_OFFICIAL"} <= v.signals
    assert not {"LINK_NOT_OFFICIAL", "LINK_DISPLAYED_OFFICIAL_ELSEWHERE", "SENDER_NAME_CLAIMS_ORG"} & v.signals


def test_same_text_with_dmarc_fail_and_foreign_link_is_fraud() -> None:
    v = sentinelle.analyze(EMAIL / "ameli_notification_dmarc_fail_foreign_link.eml")
    assert v.level is Level.FRAUD
    assert {"DMARC_FAIL_OFFICIAL", "LINK_DISPLAYED_OFFICIAL_ELSEWHERE", "LINK_NOT_OFFICIAL"} <= v.signals
    assert "AUTH_ALIGNED_PASS_OFFICIAL" not in v.signals
    displayed = next(e for e in v.evidence if e.signal == "LINK_DISPLAYED_OFFICIAL_ELSEWHERE")
    assert "assure.ameli.fr" not in displayed.observed[1]
    assert "ameli-messagerie.com" in displayed.explanation
    assert any(c.url == "https://www.signal-spam.fr" for c in v.report_to)


def test_mutual_insurer_newsletter_about_carte_vitale_is_no_sign() -> None:
    v = sentinelle.analyze(EMAIL / "mutual_insurer_newsletter.eml")
    assert v.level is Level.NO_SIGN
    assert v.organisation is None
    assert not any(s.startswith(("LURE_", "LINK_")) for s in v.signals)


def test_seed_email_displayed_ameli_link_to_lookalike_is_fraud() -> None:
    v = sentinelle.analyze(EMAIL / "displayed_ameli_link_to_lookalike.eml")
    assert v.level is Level.FRAUD
    assert "LINK_DISPLAYED_OFFICIAL_ELSEWHERE" in v.signals


def test_display_name_claim_on_foreign_address() -> None:
    raw = (
        "From: Service clients Ameli <no-reply-solutions@roofandfloor.com>\n"
        "To: a@example.fr\nSubject: Votre dossier\nContent-Type: text/plain; charset=utf-8\n\n"
        "Bonjour, votre dossier est incomplet. Merci de le compléter sur https://roofandfloor.com/ameli\n"
    )
    v = sentinelle.analyze(raw)
    assert v.kind.value == "email"
    assert "SENDER_NAME_CLAIMS_ORG" in v.signals
    assert v.level in (Level.FRAUD, Level.SUSPICIOUS)


def test_safelinks_wrapped_official_link_is_not_a_mismatch() -> None:
    raw = (
        "Authentication-Results: mx.example.fr; dmarc=pass header.from=info.ameli.fr\n"
        "From: Votre Assurance Maladie <assurance-maladie@info.ameli.fr>\nTo: a@example.fr\nSubject: Info\n"
        "Content-Type: text/html; charset=utf-8\n\n"
        '<a href="https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fassure.ameli.fr%2F&data=x">'
        "https://assure.ameli.fr</a>\n"
    )
    v = sentinelle.analyze(raw)
    assert v.level is Level.NO_SIGN
    assert not {"LINK_DISPLAYED_OFFICIAL_ELSEWHERE", "LINK_DISPLAYED_MISMATCH", "LINK_NOT_OFFICIAL"} & v.signals


@pytest.mark.parametrize(
    ("subject", "flagged"),
    [("REMBOURSEMENT : DOSSIER AML-591783021", True), ("Votre relevé de novembre", False)],
)
def test_dossier_reference_in_subject(subject: str, flagged: bool) -> None:
    raw = (
        f"From: Assurance Maladie <x@example.net>\nTo: a@example.fr\nSubject: {subject}\n"
        "Content-Type: text/plain; charset=utf-8\n\nBonjour.\n"
    )
    assert ("SUBJECT_DOSSIER_REFERENCE" in sentinelle.analyze(raw).signals) is flagged
