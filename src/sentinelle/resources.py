"""Loading the package data (profiles, keywords, numbering, weights, texts, lists) into one ``Knowledge``.

Everything is read through ``importlib.resources`` once per engine, validated, and fingerprinted: the
verdict carries the digest of the data that produced it, so two verdicts can be compared honestly.
Nothing is loaded at import time.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import DataError
from .numbering import NumberBlocks, NumberingPlan, load_numbering
from .phrases import PhraseMatcher, Tag
from .profiles import REQUEST_CATEGORIES, Profile, discover_profiles
from .scoring import Weights, load_weights

LANGS = ("fr", "en")


@dataclass(frozen=True, slots=True)
class RequestCategory:
    category: str
    signal: str
    phrases: tuple[str, ...]
    examples: tuple[str, ...]
    counter_examples: tuple[str, ...]
    # Generic lures: why the scenario is a lure, for the template's {fact} (a profile's lure brings its own).
    fact_fr: str = ""
    fact_en: str = ""


@dataclass(frozen=True, slots=True)
class Keywords:
    requests: tuple[RequestCategory, ...]
    negation_cues: tuple[str, ...]
    urgency: tuple[str, ...]
    urgency_examples: tuple[str, ...]
    urgency_counter_examples: tuple[str, ...]
    callback_cues: tuple[str, ...]
    domain_words: frozenset[str]
    generic_lures: tuple[RequestCategory, ...]  # same shape: name, signal, phrases, examples
    # What makes a request phrase a demand to the reader (issue 8); examples hold a request, counter-examples
    # name the same data without asking for it.
    demand_cues: tuple[str, ...] = ()
    demand_examples: tuple[str, ...] = ()
    demand_counter_examples: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Texts:
    """Explanation templates of one language."""

    lang: str
    signals: Mapping[str, str]
    anomalies: Mapping[str, str]
    number_categories: Mapping[str, str]  # numbering Category value -> what it is and what a call costs


@dataclass(frozen=True, slots=True)
class AdviceRule:
    id: str
    levels: frozenset[str]
    kinds: frozenset[str] | None
    when_any: frozenset[str] | None
    text: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class ChannelRule:
    id: str
    name: str
    url: str
    levels: frozenset[str]
    kinds: frozenset[str] | None
    when_any: frozenset[str] | None
    why: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Knowledge:
    """All data an engine needs, validated. Immutable: share it between engines and threads."""

    profiles: tuple[Profile, ...]
    keywords: Keywords
    numbering: NumberingPlan
    weights: Weights
    texts: Mapping[str, Texts]
    advice: tuple[AdviceRule, ...]
    channels: tuple[ChannelRule, ...]
    shorteners: frozenset[str]
    suspicious_tlds: frozenset[str]
    free_subdomain_hosts: frozenset[str]
    matcher: PhraseMatcher
    digest: str

    def profile(self, profile_id: str) -> Profile:
        for p in self.profiles:
            if p.id == profile_id:
                return p
        raise KeyError(profile_id)


def _data_file(name: str) -> tuple[str, bytes]:
    ref = resources.files("sentinelle").joinpath("data", *name.split("/"))
    return f"sentinelle/data/{name}", ref.read_bytes()


def _toml(where: str, raw: bytes) -> dict[str, Any]:
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise DataError(f"{where}: {exc}") from exc


def _strs(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise DataError(f"{where}: expected a list of non-empty strings")
    return tuple(value)


def _folded_phrases(value: Any, where: str) -> tuple[str, ...]:
    phrases = _strs(value, where)
    for p in phrases:
        if p != p.lower() or not p.isascii():
            raise DataError(f"{where}: phrase {p!r} must be folded (lower case ASCII, no accents)")
    return phrases


def _phrase_category(name: str, table: dict[str, Any], where: str) -> RequestCategory:
    """A named phrase list with its evidence code and examples (request categories, generic lures)."""
    return RequestCategory(
        name,
        str(table["signal"]),
        _folded_phrases(table["phrases"], f"{where}.{name}.phrases"),
        _strs(table.get("examples", []), f"{where}.{name}.examples"),
        _strs(table.get("counter_examples", []), f"{where}.{name}.counter_examples"),
        str(table.get("fact_fr", "")),
        str(table.get("fact_en", "")),
    )


def _keywords(where: str, data: dict[str, Any]) -> Keywords:
    unknown = set(data.get("requests", {})) - REQUEST_CATEGORIES
    if unknown:
        raise DataError(f"{where}: unknown request category {sorted(unknown)[0]!r}")
    return Keywords(
        requests=tuple(_phrase_category(n, t, f"{where}: requests") for n, t in data.get("requests", {}).items()),
        negation_cues=_folded_phrases(data["negation"]["cues"], f"{where}: negation.cues"),
        urgency=_folded_phrases(data["urgency"]["phrases"], f"{where}: urgency.phrases"),
        urgency_examples=_strs(data["urgency"].get("examples", []), f"{where}: urgency.examples"),
        urgency_counter_examples=_strs(data["urgency"].get("counter_examples", []), f"{where}: urgency"),
        callback_cues=_folded_phrases(data["callback_cues"]["cues"], f"{where}: callback_cues.cues"),
        domain_words=frozenset(_folded_phrases(data["domain_words"]["words"], f"{where}: domain_words.words")),
        generic_lures=tuple(
            _phrase_category(n, t, f"{where}: generic_lures") for n, t in data.get("generic_lures", {}).items()
        ),
        demand_cues=_folded_phrases(data["demand"]["cues"], f"{where}: demand.cues"),
        demand_examples=_strs(data["demand"].get("examples", []), f"{where}: demand.examples"),
        demand_counter_examples=_strs(data["demand"].get("counter_examples", []), f"{where}: demand"),
    )


def _texts(where: str, data: dict[str, Any]) -> Texts:
    return Texts(
        str(data["lang"]), dict(data["signals"]), dict(data["anomalies"]), dict(data.get("number_categories", {}))
    )


def _opt_set(value: Any) -> frozenset[str] | None:
    return None if value is None else frozenset(value)


def _advice(where: str, data: dict[str, Any]) -> tuple[AdviceRule, ...]:
    try:
        return tuple(
            AdviceRule(
                a["id"],
                frozenset(a["levels"]),
                _opt_set(a.get("kinds")),
                _opt_set(a.get("when_any")),
                {"fr": a["fr"], "en": a["en"]},
            )
            for a in data["advice"]
        )
    except (KeyError, TypeError) as exc:
        raise DataError(f"{where}: invalid advice rule: {exc!r}") from exc


def _channels(where: str, data: dict[str, Any]) -> tuple[ChannelRule, ...]:
    try:
        return tuple(
            ChannelRule(
                c["id"],
                c["name"],
                c["url"],
                frozenset(c["levels"]),
                _opt_set(c.get("kinds")),
                _opt_set(c.get("when_any")),
                {"fr": c["why_fr"], "en": c["why_en"]},
            )
            for c in data["channels"]
        )
    except (KeyError, TypeError) as exc:
        raise DataError(f"{where}: invalid reporting channel: {exc!r}") from exc


def _list(raw: bytes) -> frozenset[str]:
    lines = raw.decode("utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def build_matcher(profiles: Iterable[Profile], keywords: Keywords) -> PhraseMatcher:
    """One automaton for every phrase the detectors look for; tags say who asked for it."""
    entries: list[tuple[str, Tag]] = []
    for rc in keywords.requests:
        entries += [(p, ("request", rc.category)) for p in rc.phrases]
    entries += [(p, ("negation",)) for p in keywords.negation_cues]
    entries += [(p, ("demand",)) for p in keywords.demand_cues]
    entries += [(p, ("urgency",)) for p in keywords.urgency]
    entries += [(p, ("callback_cue",)) for p in keywords.callback_cues]
    for generic in keywords.generic_lures:
        entries += [(p, ("generic_lure", generic.signal)) for p in generic.phrases]
    for profile in profiles:
        entries += [(n, ("claim", profile.id)) for n in profile.names]
        entries += [(t, ("topic", profile.id)) for t in profile.topics]
        for lure in profile.lures:
            entries += [(p, ("lure", profile.id, lure.theme)) for p in lure.phrases]
            entries += [(p, ("lure_unless", profile.id, lure.theme)) for p in lure.unless]
    return PhraseMatcher(entries)


def load_knowledge(extra_profile_dirs: Iterable[Path] = ()) -> Knowledge:
    """Load and validate all package data, plus profiles from extra folders."""
    digest = hashlib.sha256()
    files: dict[str, tuple[str, bytes]] = {}
    for name in (
        "keywords.toml",
        "numbering_fr.toml",
        "numbering_blocks_fr.csv.gz",
        "numbering_blocks_fr.operators.csv",
        "weights.toml",
        "messages_fr.toml",
        "messages_en.toml",
        "advice.toml",
        "reporting.toml",
        "lists/url_shorteners.txt",
        "lists/suspicious_tlds.txt",
        "lists/free_subdomain_hosts.txt",
        "redirect_wrappers.toml",
        "text_model.npz",  # read by textmodel.py; part of the digest because it changes verdicts
        "speech.toml",
    ):
        files[name] = _data_file(name)
        digest.update(name.encode() + b"\0" + files[name][1])
    profile_dir = Path(str(resources.files("sentinelle").joinpath("data", "profiles")))
    dirs = [profile_dir, *extra_profile_dirs]
    profiles = discover_profiles(dirs)
    for profile in profiles:
        digest.update(Path(profile.path).read_bytes())
    keywords = _keywords(*_kw(files["keywords.toml"]))
    texts = {lang: _texts(*_kw(files[f"messages_{lang}.toml"])) for lang in LANGS}
    # Read (and fingerprinted) now, parsed on the first lookup: most analyses never need the blocks.
    blocks_where, blocks_raw = files["numbering_blocks_fr.csv.gz"]
    blocks = NumberBlocks(blocks_raw, files["numbering_blocks_fr.operators.csv"][1], blocks_where)
    return Knowledge(
        profiles=profiles,
        keywords=keywords,
        numbering=load_numbering(
            files["numbering_fr.toml"][1].decode("utf-8"), files["numbering_fr.toml"][0], blocks=blocks
        ),
        weights=load_weights(files["weights.toml"][1].decode("utf-8"), files["weights.toml"][0]),
        texts=texts,
        advice=_advice(*_kw(files["advice.toml"])),
        channels=_channels(*_kw(files["reporting.toml"])),
        shorteners=_list(files["lists/url_shorteners.txt"][1]),
        suspicious_tlds=_list(files["lists/suspicious_tlds.txt"][1]),
        free_subdomain_hosts=_list(files["lists/free_subdomain_hosts.txt"][1]),
        matcher=build_matcher(profiles, keywords),
        digest=digest.hexdigest()[:12],
    )


def _kw(file: tuple[str, bytes]) -> tuple[str, dict[str, Any]]:
    where, raw = file
    return where, _toml(where, raw)
