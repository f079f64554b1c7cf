"""text.obfuscation: invisible characters inside words (HIDDEN_CHARACTERS) and words mixing alphabets
(MIXED_SCRIPT_WORD). Near-misses: emoji joiners, genuine Russian or Greek text, French accents.
"""

from __future__ import annotations

import pytest

from sentinelle import Level

HIDDEN = "HIDDEN_CHARACTERS"
MIXED = "MIXED_SCRIPT_WORD"


@pytest.mark.parametrize(
    ("text", "count"),
    [
        pytest.param("a\u200bme\u200bli : votre carte vitale arrive à expiration", "2", id="zero-width-space"),
        pytest.param("am\u00adel\u00adi : votre carte vitale arrive à expiration", "2", id="soft-hyphen"),
        pytest.param("a\u200cm\u200de\u2060li : votre dossier", "3", id="joiners-and-word-joiner"),
        pytest.param("ameli\u202e\u202c : votre dossier", "2", id="bidi-override"),
        pytest.param("\ufeffa\u200bmeli : votre dossier", "2", id="bom-and-zwsp"),
    ],
)
def test_hidden_characters(analyze, evidence, text: str, count: str) -> None:
    v = analyze(text, kind="sms")
    ev = evidence(v, HIDDEN)
    assert ev.observed == (count,)
    assert count in ev.explanation
    # The other detectors read the cleaned text: the disguised name still claims the organisation.
    assert "CLAIMS_ORGANISATION" in v.signals
    assert {a.code for a in v.anomalies} & {"INVISIBLE_CHARACTERS_REMOVED", "BIDI_CONTROLS_REMOVED"}


@pytest.mark.parametrize(
    ("text", "word"),
    [
        pytest.param("\u0430meli : votre carte vitale arrive à expiration", "\u0430meli", id="cyrillic-a-ameli"),
        pytest.param("Votre CP\u0410M vous informe", "CP\u0410M", id="cyrillic-A-cpam"),
        pytest.param("Un remb\u03bfursement vous attend", "remb\u03bfursement", id="greek-omicron"),
        pytest.param("Connectez-vous sur votre c\u043emp\u0442e", "c\u043emp\u0442e", id="two-cyrillic-letters"),
    ],
)
def test_mixed_script_words(analyze, evidence, text: str, word: str) -> None:
    v = analyze(text, kind="sms")
    assert word in evidence(v, MIXED).observed


def test_homoglyph_claim_with_lure_is_fraud(analyze) -> None:
    v = analyze("\u0430meli : votre carte vitale arrive à expiration", kind="sms")
    assert {MIXED, "CLAIMS_ORGANISATION", "LURE_CARD_EXPIRY"} <= v.signals
    assert v.level is Level.FRAUD


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Привет, как дела? Встречаемся в 18h.", id="russian-text"),
        pytest.param("Καλημέρα σας, τα λέμε αύριο.", id="greek-text"),
        pytest.param("Élodie a été à Noël chez Zoë, où ça ? À Besançon.", id="french-accents"),
        pytest.param("Bravo \U0001f44d\U0001f3fd et merci \U0001f3f3\ufe0f\u200d\U0001f308", id="single-zwj-emoji"),
        pytest.param("Le mot a\u200bmeli a un seul caractère invisible", id="single-zero-width"),
        pytest.param("Dr Martin : RDV à 10h, cabinet au 2 rue Pasteur.", id="plain-sms"),
    ],
)
def test_obfuscation_near_misses(analyze, text: str) -> None:
    v = analyze(text, kind="sms")
    assert not {HIDDEN, MIXED} & v.signals


def test_family_emoji_is_not_hidden_characters(analyze) -> None:
    v = analyze("Bonne fête à toute la famille \U0001f468\u200d\U0001f469\u200d\U0001f467 !", kind="sms")
    assert HIDDEN not in v.signals


def test_does_not_apply_to_url_input(analyze) -> None:
    # A single URL is judged by the links detector (punycode), not as text.
    v = analyze("http://\u0430meli.fr", kind="url")
    assert MIXED not in v.signals
    assert "LINK_PUNYCODE" in v.signals
