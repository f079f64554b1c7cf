"""The text model's subject feature (``textmodel.subject_tokens``): an e-mail's subject line is counted a second
time, as a subject, at training and at analysis time alike; models trained without it are refused."""

from __future__ import annotations

import json

import pytest

from sentinelle import Engine
from sentinelle.detectors.text_model import TextModelResemblance, packaged_model
from sentinelle.errors import DataError
from sentinelle.model import Kind, Message
from sentinelle.textmodel import FEATURES, MIN_TOKENS, SUBJECT_MARK, TextModel, subject_tokens, tokens
from sentinelle.textnorm import fold

BODY = (
    "Bonjour, nous vous remercions pour votre message. Le document demandé est joint à ce courrier, "
    "n'hésitez pas à revenir vers nous pour toute question."
)


def test_subject_tokens_are_the_subjects_tokens_marked() -> None:
    subject = fold("URGENT : Votre compte sera suspendu le 12/03")
    marked = subject_tokens(subject)
    assert marked == [SUBJECT_MARK + t for t in tokens(subject)]
    assert SUBJECT_MARK + "suspendu" in marked
    assert SUBJECT_MARK + "00" in marked  # digits normalised like the text's
    assert subject_tokens("") == []
    assert len(subject_tokens(fold("mot " * 500))) == 40


def test_a_scam_subject_raises_the_probability_of_the_same_body() -> None:
    model = packaged_model()
    folded = fold(BODY)
    plain = model.assess(folded)
    scammy = model.assess(folded, fold("Action requise : votre compte est suspendu, vérifiez votre identité"))
    assert scammy.token_count > plain.token_count
    assert scammy.raw > plain.raw


def test_short_texts_are_not_scored_whatever_the_subject() -> None:
    model = packaged_model()
    short = fold("ok merci")
    assert len(tokens(short)) < MIN_TOKENS
    assert model.assess(short, fold("Your account is suspended, verify now")).raw == model.bias


def test_the_detector_reads_the_subject_of_an_email() -> None:
    """Same folded text either way: only the subject given apart (an e-mail's subject field) adds the subject
    tokens, and the detector's decision follows the probability with them."""
    model = packaged_model()
    subject = "Votre compte sera suspendu : vérifiez votre identité immédiatement"
    folded = fold(subject + "\n" + BODY)
    p_subject = model.assess(folded, fold(subject)).probability
    p_text = model.assess(folded).probability
    assert p_subject != p_text
    engine = Engine(detectors=[TextModelResemblance(model, threshold=(p_subject + p_text) / 2)])
    with_subject = engine.analyze_message(Message(kind=Kind.EMAIL, text=BODY, subject=subject))
    as_text = engine.analyze_message(Message(kind=Kind.EMAIL, text=subject + "\n" + BODY))
    fired = {bool(v.evidence) for v in (with_subject, as_text)}
    assert fired == {True, False}
    assert bool(with_subject.evidence) == (p_subject > p_text)


def test_a_model_trained_without_subject_features_is_refused() -> None:
    meta = json.loads(json.dumps(packaged_model().meta))
    old = {k: v for k, v in FEATURES.items() if k != "subject"}
    with pytest.raises(DataError, match="feature configuration"):
        TextModel([0.0] * (1 << FEATURES["bits"]), {**meta, "features": old})
    with pytest.raises(DataError, match="format"):
        TextModel([0.0] * (1 << FEATURES["bits"]), {**meta, "format": "sentinelle-text-model/1"})
