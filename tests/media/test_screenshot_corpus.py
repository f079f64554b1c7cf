"""The real scam screenshots of ../shared/corpus/sms_screenshots against the hand-labelled ground truth.

Goals of the issue: at least 90 % flagged (fraud or suspicious) and at least 90 % of the visible domains
read right. ``benchmarks/eval_screenshots.py`` prints the same figures with every miss and its cause.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import pytest

import sentinelle
from sentinelle.extract.urls import split_url
from sentinelle.media.ocr import tessdata_dir
from sentinelle.model import Level

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus" / "sms_screenshots"
LABELS = ROOT / "benchmarks" / "data" / "sms_screenshots_labels.csv"
pytestmark = [pytest.mark.corpus, pytest.mark.skipif(tessdata_dir() is None, reason="no Tesseract data")]


@cache
def results() -> list[tuple[dict[str, str], bool, set[str]]]:
    if not CORPUS.is_dir():
        pytest.skip(f"{CORPUS} is absent")
    with LABELS.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    engine = sentinelle.default_engine()
    out = []
    for row in rows:
        msg = engine.parse(CORPUS / row["file"], kind="image")
        verdict = engine.analyze_message(msg)
        assert verdict.failures == (), row["file"]
        out.append((row, verdict.level in (Level.FRAUD, Level.SUSPICIOUS), {lk.registrable_domain for lk in msg.links}))
    return out


def test_every_labelled_screenshot_is_in_the_corpus() -> None:
    assert len(results()) == len(list(CORPUS.iterdir())) == 53


def test_at_least_90_percent_of_the_scam_screenshots_are_flagged() -> None:
    flagged = [ok for _, ok, _ in results()]
    assert sum(flagged) / len(flagged) >= 0.90, [row["file"] for row, ok, _ in results() if not ok]


def registrable(host: str) -> str:
    parts = split_url(f"https://{host}/")
    return parts.registrable_domain if parts else host


def test_at_least_90_percent_of_visible_domains_are_read_right() -> None:
    visible = [(row, domains) for row, _, domains in results() if row["visibility"] == "full"]
    wrong = [row["file"] for row, domains in visible if registrable(row["host"]) not in domains]
    assert 1 - len(wrong) / len(visible) >= 0.90, wrong
