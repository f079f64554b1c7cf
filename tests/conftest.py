"""Shared fixtures: the default engine, a verdict helper, and the knowledge (profiles, keywords) tests read.

Tests assert on what a user sees: the level, the evidence codes (``Verdict.signals``) and what the
explanations say. Helpers here only shorten that; they never decide an expectation.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import sentinelle
from sentinelle import Engine, Verdict
from sentinelle.profiles import Profile
from sentinelle.resources import Knowledge

Analyze = Callable[..., Verdict]


@pytest.fixture(scope="session")
def engine() -> Engine:
    """The engine ``sentinelle.analyze`` uses (built once, package data, every registered detector)."""
    return sentinelle.default_engine()


@pytest.fixture(scope="session")
def knowledge(engine: Engine) -> Knowledge:
    return engine.knowledge


@pytest.fixture(scope="session")
def am_profile(knowledge: Knowledge) -> Profile:
    """The Assurance Maladie profile, the one every test message impersonates."""
    return knowledge.profile("assurance_maladie")


@pytest.fixture(scope="session")
def analyze() -> Analyze:
    """``sentinelle.analyze`` that also fails the test when a detector crashed on the message.

    A detector failure is recorded in the verdict instead of raised; a test that only looked at the signals
    could pass while a detector silently did not run.
    """

    def run(source: str | bytes | Path, **options: str | None) -> Verdict:
        verdict = sentinelle.analyze(source, **options)  # type: ignore[arg-type]
        assert verdict.failures == (), f"detector failure on {source!r}: {verdict.failures}"
        return verdict

    return run


def evidence_of(verdict: Verdict, signal: str) -> sentinelle.Evidence:
    """The evidence item with that code (fails the test with the signals present when it is missing)."""
    for ev in verdict.evidence:
        if ev.signal == signal:
            return ev
    raise AssertionError(f"{signal} not in {sorted(verdict.signals)}")


@pytest.fixture(scope="session")
def evidence() -> Callable[[Verdict, str], sentinelle.Evidence]:
    return evidence_of
