"""The fitted weights (``scripts/fit_weights.py``) are reviewed like code: they must be what the script produces.

The first test refits from the committed per-document signal matrix (``benchmarks/data/signal_matrix.csv.gz``:
segment, id, split, label and evidence codes, no text) and fails when ``weights.toml`` drifted from it, fast
and without the corpus. The corpus-marked test checks the matrix itself is what the current engine emits on
the corpus (skipped when ``../shared/corpus`` is absent): change a detector, re-run
``scripts/fit_weights.py --collect --write`` and review the diff table.
"""

from __future__ import annotations

import importlib.util
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fit_weights", REPO / "scripts" / "fit_weights.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["fit_weights"] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


fw = _script()


@pytest.fixture(scope="module")
def refit():  # type: ignore[no-untyped-def]
    return fw.refit()


def test_committed_weights_are_what_the_script_produces(refit) -> None:
    hand, result = refit
    text = fw.WEIGHTS_TOML.read_text(encoding="utf-8")
    drift = {
        code: (hand.weights[code], result.weights[code])
        for code in hand.weights
        if hand.weights[code] != result.weights[code]
    }
    assert not drift, f"weights.toml drifted from the fit (committed, refit): {drift}; run fit_weights.py --write"
    assert (hand.suspicious, hand.fraud) == (result.suspicious, result.fraud)
    assert fw.apply(text, result.weights, result.suspicious, result.fraud, hand.prior) == text


def test_policy_and_composites_stay_hand_set(refit) -> None:
    hand, result = refit
    data = tomllib.loads(fw.WEIGHTS_TOML.read_text(encoding="utf-8"))
    assert result.weights["NEVER_ASKS_VIOLATION"] == 6.5
    assert "NEVER_ASKS_VIOLATION" in result.kept
    assert "TEXT_MODEL_SCAM_LIKE" in result.kept
    # Composite rules are never touched by the fit: no "hand" key, the weights the rules were written with.
    assert all("hand" not in c for c in data["composites"])
    for code in result.fitted:
        assert code not in fw.KEPT_BY_HAND
        assert sum(result.support[code]) >= fw.MIN_SUPPORT


def test_fitted_weights_respect_signs_and_group_caps(refit) -> None:
    hand, result = refit
    assert result.fitted, "nothing was fitted"
    for code in result.fitted:
        low, high = hand.caps[hand.groups[code]]
        w = result.weights[code]
        if hand.prior[code] < 0:
            assert (low if low is not None else -10) <= w <= 0, code
        else:
            assert 0 <= w <= (high if high is not None else 10), code
    lo, hi = fw.THRESHOLD_BOUNDS["suspicious"]
    assert lo <= result.suspicious <= hi
    assert result.suspicious + 2 <= result.fraud <= fw.THRESHOLD_BOUNDS["fraud"][1]


def test_the_fit_follows_the_data() -> None:
    """A synthetic corpus: a code only scams carry rises above its hand-set value, one only legitimate messages
    carry falls to zero, one with too little support keeps its value."""
    hand = fw.read_hand(fw.WEIGHTS_TOML.read_text(encoding="utf-8"))
    rows = []
    for i in range(300):
        rows.append(fw.Row("phish", f"p{i}", "train", 1, ("LINK_SHORTENER",) if i % 2 else ("URGENCY",)))
        rows.append(fw.Row("ham", f"h{i}", "train", 0, ("URGENCY",) if i % 3 == 0 else ()))
        rows.append(fw.Row("sms_88milsms", f"s{i}", "calib", 0, ("LINK_SUSPICIOUS_TLD",) if i < 5 else ()))
        rows.append(fw.Row("ham", f"t{i}", "test", 0, ("LINK_SHORTENER",)))  # never fitted on
    result = fw.fit(rows, hand)
    assert result.weights["LINK_SHORTENER"] > hand.prior["LINK_SHORTENER"]
    assert "URGENCY" in result.fitted
    assert "LINK_SUSPICIOUS_TLD" in result.kept
    assert result.weights["LINK_SUSPICIOUS_TLD"] == hand.prior["LINK_SUSPICIOUS_TLD"]
    assert result.support["LINK_SHORTENER"] == (150, 0)  # the test rows are not counted


def test_apply_changes_only_the_numbers_of_the_lines_concerned() -> None:
    text = (
        "# a comment\n[thresholds]\nfraud = 7.0\nsuspicious = 3.0  # why\nscore_scale = 6.0\n\n[signals]\n"
        'A_B = { weight = 1.5, group = "g" }  # keep me\nC = { weight = 2.0, group = "g" }\n'
        '[[composites]]\ncode = "X"\nweight = 2.0\n'
    )
    out = fw.apply(text, {"A_B": 2.25, "C": 2.0}, 2.8, 6.5, {"A_B": 1.5})
    assert out == (
        "# a comment\n[thresholds]\nfraud = 6.5\nsuspicious = 2.8  # why\nscore_scale = 6.0\n\n[signals]\n"
        'A_B = { weight = 2.25, group = "g", hand = 1.5 }  # keep me\nC = { weight = 2.0, group = "g" }\n'
        '[[composites]]\ncode = "X"\nweight = 2.0\n'
    )


@pytest.mark.corpus
def test_signal_matrix_is_what_the_engine_produces() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"corpus absent: {CORPUS}")
    committed = fw.read_matrix()
    current = fw.collect(CORPUS)
    assert len(current) == len(committed)
    changed = [(a.segment, a.id, a.signals, b.signals) for a, b in zip(committed, current, strict=True) if a != b]
    assert not changed, f"{len(changed)} documents changed, first: {changed[:3]}; run fit_weights.py --collect"
