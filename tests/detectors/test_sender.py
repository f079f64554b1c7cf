"""sender.sms: an SMS from a known sender of the claimed organisation (SMS_SENDER_OFFICIAL, weak trust).

The sender can be imitated, so this trust never hides what the message asks: a scam text "from 38663"
with a lookalike link stays fraud. Near-misses: other short codes, a sender ID that is not in the profile,
the same number as a caller ID, an SMS with no sender.
"""

from __future__ import annotations

import pytest

from sentinelle import Level

OFFICIAL = "SMS_SENDER_OFFICIAL"


@pytest.mark.parametrize(
    ("text", "sender"),
    [
        pytest.param(
            "Ameli : votre attestation est disponible dans votre compte ameli sur ameli.fr",
            "38663",
            id="genuine-notice",
        ),
        pytest.param("Votre attestation est disponible dans votre compte.", "38663", id="no-name-in-text"),
        pytest.param("Ameli : votre attestation est disponible.", "38 663", id="spaced"),
    ],
)
def test_known_sender(analyze, evidence, text: str, sender: str) -> None:
    v = analyze(text, kind="sms", sender=sender)
    ev = evidence(v, OFFICIAL)
    assert ev.observed == ("38663",)
    assert ev.location == "sender"
    assert ev.weight < 0
    assert v.organisation == "assurance_maladie"
    assert v.level is Level.NO_SIGN


def test_genuine_sms_from_38663_linking_to_ameli_is_no_sign(analyze) -> None:
    v = analyze(
        "Ameli : votre attestation est disponible dans votre compte ameli sur ameli.fr",
        kind="sms",
        sender="38663",
    )
    assert v.level is Level.NO_SIGN
    assert {OFFICIAL, "LINKS_ALL_OFFICIAL", "NOTHING_REQUESTED"} <= v.signals
    assert v.points < 0


def test_known_sender_does_not_hide_a_scam(analyze) -> None:
    v = analyze(
        "Ameli : votre carte vitale arrive à expiration, mettez-la à jour sur ameli-vital.fr",
        kind="sms",
        sender="38663",
    )
    assert OFFICIAL in v.signals  # shown, not hidden
    assert v.level is Level.FRAUD


@pytest.mark.parametrize(
    ("sender", "options"),
    [
        pytest.param("38664", {}, id="other-short-code"),
        pytest.param("AMELI", {}, id="sender-id-not-in-profile"),
        pytest.param("06 12 34 56 78", {}, id="mobile"),
        pytest.param(None, {}, id="no-sender"),
        pytest.param("38663", {"profile": "assurance_maladie", "kind": "call"}, id="not-an-sms"),
    ],
)
def test_sender_near_misses(analyze, sender: str | None, options: dict[str, str]) -> None:
    opts = {"kind": "sms", **options}
    v = analyze("Ameli : votre attestation est disponible.", sender=sender, **opts)
    assert OFFICIAL not in v.signals


def test_known_sender_explanation_warns_it_can_be_imitated(analyze, evidence) -> None:
    fr = evidence(analyze("Votre attestation est disponible.", kind="sms", sender="38663"), OFFICIAL).explanation
    en = evidence(
        analyze("Votre attestation est disponible.", kind="sms", sender="38663", lang="en"), OFFICIAL
    ).explanation
    assert "imité" in fr
    assert "38663" in fr
    assert "imitated" in en
    assert "38663" in en
