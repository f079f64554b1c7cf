"""phones.numbers: numbers to call that the organisation does not own, surcharged and telemarketing ranges,
mobiles posing as an institution, and the (weak) trust of an official caller ID.

Near-misses: the official 3646, another body's public number, amounts that look like short numbers
("3000 euros"), a friend's SMS from a mobile, a doctor's landline mentioned without a claim.
"""

from __future__ import annotations

import pytest

from sentinelle import Level

PHONE_SIGNALS = {
    "CALLBACK_NOT_OFFICIAL",
    "NUMBER_SURCHARGED",
    "SHORT_NUMBER_UNKNOWN_COST",
    "NUMBER_TELEMARKETING",
    "NUMBER_INVALID",
    "MOBILE_AS_INSTITUTION",
    "CALLER_ID_OFFICIAL",
    "NUMBERS_ALL_OFFICIAL",
}


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("06 12 34 56 78", "06 12 34 56 78"),
        ("06.12.34.56.78", "06 12 34 56 78"),
        ("06-12-34-56-78", "06 12 34 56 78"),
        ("0612345678", "06 12 34 56 78"),
        ("+33 6 12 34 56 78", "06 12 34 56 78"),
        ("+33 (0)6 12 34 56 78", "06 12 34 56 78"),
        ("0033612345678", "06 12 34 56 78"),
        ("01 45 67 89 10", "01 45 67 89 10"),
        ("32 17", "3217"),
        ("118 712", "118712"),
        ("08 99 23 45 67", "08 99 23 45 67"),
        pytest.param("0 899 23 45 67", "08 99 23 45 67"),
    ],
)
def test_callback_formats(analyze, evidence, written: str, shown: str) -> None:
    v = analyze(f"CPAM : rappelez votre conseiller au {written}", kind="sms")
    ev = evidence(v, "CALLBACK_NOT_OFFICIAL")
    assert ev.observed == (shown,)
    assert "3646" in ev.explanation  # the official number is given instead
    assert v.level is Level.FRAUD


@pytest.mark.parametrize(
    ("number", "signal"),
    [
        ("08 99 23 45 67", "NUMBER_SURCHARGED"),
        ("0 899 23 45 67", "NUMBER_SURCHARGED"),
        ("0891 23 45 67", "NUMBER_SURCHARGED"),
        ("0810 12 34 56", "NUMBER_SURCHARGED"),
        ("0820 12 34 56", "NUMBER_SURCHARGED"),
        ("0825 00 00 00", "NUMBER_SURCHARGED"),
        ("118 712", "NUMBER_SURCHARGED"),
        ("01 62 12 34 56", "NUMBER_TELEMARKETING"),
        ("09 48 12 34 56", "NUMBER_TELEMARKETING"),
        ("05 68 12 34 56", "NUMBER_TELEMARKETING"),
        ("32 17", "SHORT_NUMBER_UNKNOWN_COST"),
        ("3008", "NUMBER_INVALID"),
    ],
)
def test_number_categories_when_checking_a_number(analyze, number: str, signal: str) -> None:
    v = analyze(number, kind="phone")
    assert signal in v.signals
    assert "CALLBACK_NOT_OFFICIAL" not in v.signals  # no organisation claimed: nothing to compare with


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        pytest.param("Appelez le 08 99 23 45 67", "NUMBER_SURCHARGED", id="0899"),
        pytest.param("Appelez le 08.99.23.45.67", "NUMBER_SURCHARGED", id="0899-dots"),
        pytest.param("Contactez le 0820 12 34 56", "NUMBER_SURCHARGED", id="0820"),
        pytest.param("Composez le 118 712", "NUMBER_SURCHARGED", id="118xyz"),
        pytest.param("Rappelez le 01 62 12 34 56", "NUMBER_TELEMARKETING", id="0162"),
        pytest.param("Rappelez le 09 48 12 34 56", "NUMBER_TELEMARKETING", id="0948"),
        pytest.param("Appelez le 32 17", "SHORT_NUMBER_UNKNOWN_COST", id="short-3217"),
        pytest.param("Appelez le 0 899 23 45 67", "NUMBER_SURCHARGED", id="0-899-spaced"),
    ],
)
def test_number_categories_in_text(analyze, text: str, signal: str) -> None:
    assert signal in analyze(text, kind="sms").signals


def test_surcharge_explanation_names_the_range(analyze, evidence) -> None:
    ev = evidence(analyze("Appelez le 08 99 23 45 67", kind="sms"), "NUMBER_SURCHARGED")
    assert ev.observed == ("08 99 23 45 67",)
    assert "089" in ev.explanation


@pytest.mark.parametrize(
    "options",
    [
        pytest.param({"sender": "06 12 34 56 78"}, id="sms-from-06"),
        pytest.param({"sender": "+33 7 12 34 56 78"}, id="sms-from-07-intl"),
        pytest.param({"kind": "call", "caller_id": "07 12 34 56 78"}, id="call-from-07"),
    ],
)
def test_mobile_posing_as_institution(analyze, evidence, options: dict[str, str]) -> None:
    v = analyze("Ameli : votre attestation est disponible.", **options)
    assert evidence(v, "MOBILE_AS_INSTITUTION").location in ("sender", "caller_id")


def test_mobile_callback_in_institution_name(analyze) -> None:
    v = analyze("CPAM : rappelez votre conseiller au 06 12 34 56 78", kind="sms")
    assert {"MOBILE_AS_INSTITUTION", "CALLBACK_NOT_OFFICIAL"} <= v.signals


def test_mobile_sender_with_lure_is_fraud(analyze) -> None:
    v = analyze("Ameli : votre carte vitale arrive à expiration", sender="06 12 34 56 78")
    assert v.level is Level.FRAUD


@pytest.mark.parametrize("caller_id", ["3646", "05 53 35 62 37", "+33 5 53 35 62 37"])
def test_official_caller_id_is_weak_trust(analyze, evidence, caller_id: str) -> None:
    v = analyze(
        "Bonjour, ici votre CPAM, je vous appelle au sujet de votre dossier.",
        kind="call",
        caller_id=caller_id,
    )
    ev = evidence(v, "CALLER_ID_OFFICIAL")
    assert ev.weight < 0
    assert "usurpé" in ev.explanation  # the user is told a caller ID can be spoofed
    assert v.level is Level.NO_SIGN


def test_official_caller_id_does_not_excuse_a_request(analyze) -> None:
    v = analyze("Bonjour, ici votre CPAM, pouvez-vous me donner votre RIB ?", kind="call", caller_id="3646")
    assert "CALLER_ID_OFFICIAL" in v.signals
    assert v.level is Level.FRAUD


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        pytest.param("Bonjour, ici votre CPAM, rappelez le 3646.", "voicemail", id="3646"),
        pytest.param("Bonjour, ici votre CPAM, rappelez le 01 84 90 36 46.", "voicemail", id="from-abroad"),
        pytest.param("Ameli : pour toute question, appelez le 3646.", "sms", id="sms-3646"),
    ],
)
def test_official_numbers(analyze, text: str, kind: str) -> None:
    v = analyze(text, kind=kind)
    assert "NUMBERS_ALL_OFFICIAL" in v.signals
    assert not (PHONE_SIGNALS - {"NUMBERS_ALL_OFFICIAL"}) & v.signals
    assert v.level is Level.NO_SIGN


@pytest.mark.parametrize(
    ("text", "options"),
    [
        pytest.param("Vous avez gagné 3000 euros et 3200 points.", {}, id="amounts-not-numbers"),
        pytest.param("Le cabinet du Dr Martin est au 01 45 67 89 10.", {}, id="doctor-landline"),
        pytest.param(
            "Salut, c'est Paul, rappelle-moi quand tu peux.", {"sender": "06 12 34 56 78"}, id="friend-mobile"
        ),
        pytest.param("Pour votre dossier CAF, appelez le 3230.", {}, id="caf-3230"),
        pytest.param("France Travail : appelez le 3949.", {}, id="france-travail-3949"),
        pytest.param("Rendez-vous le 12/03 à 14h30, salle 3204.", {}, id="room-number"),
        pytest.param(
            "Bonjour, je vous appelle pour une enquête de satisfaction.",
            {"kind": "call", "caller_id": "05 53 35 62 37"},
            id="satisfaction-call",
        ),
    ],
)
def test_phone_near_misses(analyze, text: str, options: dict[str, str]) -> None:
    v = analyze(text, **options)
    assert not (PHONE_SIGNALS - {"NUMBERS_ALL_OFFICIAL", "CALLER_ID_OFFICIAL"}) & v.signals
    assert v.level is Level.NO_SIGN


def test_spoken_number_is_a_callback_in_a_voicemail(analyze) -> None:
    # On the phone every number given is a number to call: no "rappelez" needed.
    v = analyze("Bonjour, ici votre CPAM. Notre numéro : 01 45 67 89 10.", kind="voicemail")
    assert "CALLBACK_NOT_OFFICIAL" in v.signals


def test_sentence_boundary_limits_the_callback_cue(analyze) -> None:
    v = analyze("CPAM : rappelez-nous. Notre adresse postale : 12 rue X, tél du siège 01 45 67 89 10.", kind="sms")
    assert "CALLBACK_NOT_OFFICIAL" not in v.signals


def test_phones_do_not_apply_to_a_url(analyze) -> None:
    assert not PHONE_SIGNALS & analyze("https://example.com/0899234567", kind="url").signals
