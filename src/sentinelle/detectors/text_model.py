"""Learned text model: the wording resembles known scam wording (``sentinelle.textmodel``).

Why it is a signal: scams reuse a small repertoire of phrasings ("votre colis est en attente", "verify your
account", "cliquez ici pour confirmer") across brands and languages, including brands no profile covers;
the keyword lists only know the ones written down. The model gives a calibrated probability, and the
evidence quotes the words that weighed most, so the user sees what resembled a scam.

It is a statistical resemblance, not a proof: its weight alone makes a message suspicious at most, never a
fraud. Known false positives: marketing e-mails and newsletters (urgent offers, "click here", prizes),
and legitimate notifications that use the same words as the scams imitating them ("votre compte",
"cliquez sur le lien"). Trained on e-mails and longer texts; French scam SMS were scarce in its training
data (see docs/benchmarks.md), so SMS recall comes from the other detectors.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from typing import ClassVar

from ..model import Evidence, Kind, Message
from ..privacy import sensitive_spans
from ..textmodel import MIN_TOKENS, TextModel, load_model_file
from ..textnorm import fold
from .base import Context, register

_MAX_QUOTE = 60
_MAX_PHRASES = 3
_PERSONAL_DATA = "[passage masqué : données personnelles]"
_SPACES = re.compile(r"\s+")


@functools.cache
def packaged_model() -> TextModel:
    """The model shipped in ``data/text_model.npz``, read once per process on first use."""
    return load_model_file()


def _quote(text: str) -> str:
    text = _SPACES.sub(" ", text).strip()
    return text if len(text) <= _MAX_QUOTE else text[: _MAX_QUOTE - 1] + "…"


@register
class TextModelResemblance:
    """Emits TEXT_MODEL_SCAM_LIKE when the calibrated probability reaches the model's threshold."""

    id: ClassVar[str] = "classifier.text_model"
    applies_to: ClassVar[frozenset[Kind]] = frozenset(
        {Kind.SMS, Kind.EMAIL, Kind.VOICEMAIL, Kind.CALL, Kind.IMAGE, Kind.WEBPAGE}
    )
    signals: ClassVar[Mapping[str, str]] = {
        "TEXT_MODEL_SCAM_LIKE": "the wording statistically resembles known scam messages (learned text model)",
    }

    def __init__(self, model: TextModel | None = None, threshold: float | None = None) -> None:
        self.model = model
        self.threshold = threshold

    def detect(self, msg: Message, ctx: Context) -> Iterable[Evidence]:
        model = self.model or packaged_model()
        folded = ctx.folded
        assessment = model.assess(folded, fold(msg.subject) if msg.subject else "")
        threshold = model.threshold if self.threshold is None else self.threshold
        if assessment.token_count < MIN_TOKENS or assessment.probability < threshold:
            return
        text = ctx.text
        phrases = model.top_phrases(folded, limit=5, assessment=assessment)
        hidden = sensitive_spans(text)  # a piece of the reader's IBAN or NIR is never quoted back
        quotes = (
            _quote(text[start:end])
            for start, end, _ in phrases
            if not any(start < stop and begin < end for begin, stop in hidden)
        )
        observed = tuple(dict.fromkeys(quotes, None))[:_MAX_PHRASES]  # "your account" twice says it once
        if not observed and phrases:
            observed = (_PERSONAL_DATA,)  # every phrase touched an IBAN, NIR or card number
        yield Evidence(
            self.id,
            "TEXT_MODEL_SCAM_LIKE",
            observed=observed,
            location="body",
            params={
                "probability": f"{min(assessment.probability * 100, 99.0):.0f}",
                "threshold": f"{threshold * 100:.0f}",
            },
        )
