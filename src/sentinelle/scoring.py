"""Evidence -> points -> level. Weights, caps, composites and thresholds come from ``data/weights.toml``.

The arithmetic is deliberately simple and visible (rspamd's model): each evidence code has a weight; each
group's total is capped, so ten bad links do not count ten times; composite rules add evidence of their own
when several codes meet; the level is read off the total with two thresholds. ``score`` in 0..1 is only a
monotone display of the points. Every point can be traced to an evidence item with an explanation.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .errors import DataError
from .model import Evidence, Level


@dataclass(frozen=True, slots=True)
class SignalWeight:
    weight: float
    group: str


@dataclass(frozen=True, slots=True)
class Composite:
    """Fires when every clause of ``requires`` has at least one of its codes among the evidence."""

    code: str
    requires: tuple[frozenset[str], ...]
    weight: float
    group: str

    def matches(self, present: frozenset[str]) -> bool:
        return all(clause & present for clause in self.requires)


@dataclass(frozen=True, slots=True)
class GroupLimit:
    max: float | None = None
    min: float | None = None


@dataclass(frozen=True, slots=True)
class Weights:
    signals: dict[str, SignalWeight]
    groups: dict[str, GroupLimit]
    composites: tuple[Composite, ...]
    fraud: float
    suspicious: float
    score_scale: float

    def weigh(self, evidence: Evidence) -> Evidence:
        """Return the evidence with its weight and group from data; unknown codes are a data error."""
        try:
            sw = self.signals[evidence.signal]
        except KeyError:
            raise DataError(f"weights.toml has no entry for signal {evidence.signal!r}") from None
        e = evidence
        return Evidence(e.detector, e.signal, e.observed, e.location, e.params, e.explanation, sw.weight, sw.group)


@dataclass(frozen=True, slots=True)
class Score:
    points: float
    score: float
    level: Level
    evidence: tuple[Evidence, ...]  # ranked by contribution, composites included


def parse_weights(data: dict[str, Any], where: str) -> Weights:
    try:
        if data.get("schema_version") != 1:
            raise DataError(f"{where}: schema_version: expected 1")
        signals = {code: SignalWeight(float(v["weight"]), str(v["group"])) for code, v in data["signals"].items()}
        groups = {name: GroupLimit(v.get("max"), v.get("min")) for name, v in data["groups"].items()}
        composites = tuple(
            Composite(c["code"], tuple(frozenset(clause) for clause in c["requires"]), float(c["weight"]), c["group"])
            for c in data.get("composites", [])
        )
        t = data["thresholds"]
        weights = Weights(
            signals, groups, composites, float(t["fraud"]), float(t["suspicious"]), float(t["score_scale"])
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise DataError(f"{where}: invalid weights: {exc!r}") from exc
    for code, sw in signals.items():
        if sw.group not in groups:
            raise DataError(f"{where}: signal {code} names unknown group {sw.group!r}")
    for comp in composites:
        if comp.group not in groups:
            raise DataError(f"{where}: composite {comp.code} names unknown group {comp.group!r}")
        for clause in comp.requires:
            unknown = clause - signals.keys()
            if unknown:
                raise DataError(f"{where}: composite {comp.code} requires unknown signals {sorted(unknown)}")
    if not weights.suspicious < weights.fraud:
        raise DataError(f"{where}: thresholds: suspicious must be below fraud")
    return weights


def load_weights(text: str, where: str) -> Weights:
    try:
        return parse_weights(tomllib.loads(text), where)
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"{where}: {exc}") from exc


def _capped_contributions(evidence: Sequence[Evidence], weights: Weights) -> list[float]:
    """Each item's contribution after its group's cap, spent in order of decreasing |weight|."""
    order = sorted(range(len(evidence)), key=lambda i: -abs(evidence[i].weight))
    spent: dict[str, float] = {}
    out = [0.0] * len(evidence)
    for i in order:
        ev = evidence[i]
        limit = weights.groups.get(ev.group, GroupLimit())
        total = spent.get(ev.group, 0.0)
        contribution = ev.weight
        if limit.max is not None and contribution > 0:
            contribution = max(0.0, min(contribution, limit.max - total))
        if limit.min is not None and contribution < 0:
            contribution = min(0.0, max(contribution, limit.min - total))
        spent[ev.group] = total + contribution
        out[i] = contribution
    return out


def score(evidence: Iterable[Evidence], weights: Weights, composite_evidence: Sequence[Evidence] = ()) -> Score:
    """Total the (already weighed) evidence plus composites, cap per group and pick the level."""
    items = list(evidence) + list(composite_evidence)
    contributions = _capped_contributions(items, weights)
    # An item whose contribution a cap reduced shows what it really added: the explanation stays, the number
    # is honest.
    ranked = sorted(
        (
            Evidence(e.detector, e.signal, e.observed, e.location, e.params, e.explanation, round(c, 3), e.group)
            for e, c in zip(items, contributions, strict=True)
        ),
        key=lambda e: -abs(e.weight),
    )
    points = sum(contributions)
    display = 1.0 - math.exp(-max(points, 0.0) / weights.score_scale)
    if points >= weights.fraud:
        level = Level.FRAUD
    elif points >= weights.suspicious:
        level = Level.SUSPICIOUS
    else:
        level = Level.NO_SIGN
    return Score(points=points, score=display, level=level, evidence=tuple(ranked))
