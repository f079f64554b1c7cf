"""Real e-mails from ../shared/corpus/email: recall per phishing folder, false positives on ham.

The issue's goal is recall >= 0.90 with <= 1 % false positives. Today's figures (docs/benchmarks.md) are
far from that recall on this corpus, which is multi-brand, multi-language spam and phishing with no
Assurance Maladie message: the rules here are built around the organisations that have a profile. The
assertions below are regression guards at the measured level, not the goal; the learned text model of the
detection-quality issue is what should close the gap. False positives are held to the goal now.
"""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from sentinelle import Engine, Level

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "email"
pytestmark = pytest.mark.corpus


@cache
def _levels(folder: str) -> tuple[Counter[str], int]:
    path = CORPUS / folder
    if not path.is_dir():
        pytest.skip(f"{path} is absent")
    engine = Engine()
    levels: Counter[str] = Counter()
    failures = 0
    for file in sorted(path.iterdir()):
        verdict = engine.analyze(file)
        levels[verdict.level.value] += 1
        failures += bool(verdict.failures)
    return levels, failures


def _flagged(levels: Counter[str]) -> float:
    return (levels[Level.FRAUD.value] + levels[Level.SUSPICIOUS.value]) / sum(levels.values())


@pytest.mark.parametrize("folder", ["ham", "phish", "phish_fr"])
def test_every_corpus_message_is_analysed_without_detector_failure(folder: str) -> None:
    levels, failures = _levels(folder)
    assert failures == 0
    assert sum(levels.values()) > 50


def test_false_positive_rate_on_ham_is_at_most_one_percent() -> None:
    levels, _ = _levels("ham")
    assert _flagged(levels) <= 0.01, levels


@pytest.mark.parametrize(("folder", "floor"), [("phish", 0.25), ("phish_fr", 0.30)])
def test_recall_does_not_fall_below_the_measured_level(folder: str, floor: float) -> None:
    levels, _ = _levels(folder)
    assert _flagged(levels) >= floor, levels
