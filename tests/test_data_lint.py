"""Lint of the shipped data: weights, templates, keywords, profiles. Data is code here: a weight for a signal
nobody emits, a template missing in English, an example that does not fire its own category, a profile that
does not load, are all bugs found before a user meets them.
"""

from __future__ import annotations

import re
import string
from importlib import resources
from pathlib import Path

import pytest

import sentinelle
from sentinelle import DataError, Engine
from sentinelle.detectors import registered
from sentinelle.extract.urls import public_suffix_list
from sentinelle.profiles import REQUEST_CATEGORIES
from sentinelle.resources import LANGS, RequestCategory, load_knowledge

PACKAGE = Path(str(resources.files("sentinelle")))
DATA = PACKAGE / "data"
KNOWLEDGE = load_knowledge()
DECLARED = {code for cls in registered().values() for code in cls.signals}
COMPOSITES = {c.code for c in KNOWLEDGE.weights.composites}
ANOMALY_CODES = {
    code
    for path in PACKAGE.rglob("*.py")
    for code in re.findall(
        # Anomaly("CODE"...) and the parsers' helpers: self.add("CODE"...), builder.add(...), _anomaly(...)
        r"""(?:Anomaly|\.add|_anomaly)\(\s*(?:code\s*=\s*)?["']([A-Z0-9_]+)["']""",
        path.read_text(encoding="utf-8"),
    )
}
# Zero-width, joiners, soft hyphen, BOM, bidi embeddings/overrides/isolates, Arabic letter mark.
INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
DATA_FILES = sorted(p for p in DATA.rglob("*") if p.is_file() and p.suffix in {".toml", ".txt", ".json", ".csv"})


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


# ------------------------------------------------------------------------------------------ weights
def test_weights_only_for_declared_signals() -> None:
    unknown = set(KNOWLEDGE.weights.signals) - DECLARED - COMPOSITES
    assert not unknown, f"weights.toml weighs signals no detector declares: {sorted(unknown)}"


def test_every_declared_signal_is_weighted() -> None:
    assert set(KNOWLEDGE.weights.signals) >= DECLARED


def test_composites_are_their_own_codes_built_from_declared_signals() -> None:
    assert not COMPOSITES & DECLARED
    for composite in KNOWLEDGE.weights.composites:
        assert composite.requires
        for clause in composite.requires:
            assert clause, composite.code
            assert clause <= DECLARED, (composite.code, sorted(clause - DECLARED))


def test_thresholds_are_ordered() -> None:
    assert 0 < KNOWLEDGE.weights.suspicious < KNOWLEDGE.weights.fraud


# ---------------------------------------------------------------------------------------- templates
@pytest.mark.parametrize("lang", LANGS)
def test_every_code_has_a_template(lang: str) -> None:
    texts = KNOWLEDGE.texts[lang]
    assert texts.lang == lang
    missing = (DECLARED | COMPOSITES) - {code for code, t in texts.signals.items() if t.strip()}
    assert not missing, f"messages_{lang}.toml lacks {sorted(missing)}"


@pytest.mark.parametrize("lang", LANGS)
def test_composites_have_templates(lang: str) -> None:
    for code in COMPOSITES:
        assert KNOWLEDGE.texts[lang].signals.get(code, "").strip(), (lang, code)


def test_anomaly_codes_are_found_in_the_source() -> None:
    # The grep below is the list the next test checks; an empty grep would make it pass vacuously.
    assert {"EMPTY_INPUT", "TEXT_TRUNCATED", "INVALID_UTF8", "BINARY_CONTENT"} <= ANOMALY_CODES


@pytest.mark.parametrize("lang", LANGS)
def test_every_anomaly_code_has_a_template(lang: str) -> None:
    templates = KNOWLEDGE.texts[lang].anomalies
    missing = {code for code in ANOMALY_CODES if not templates.get(code, "").strip()}
    assert not missing, f"messages_{lang}.toml [anomalies] lacks {sorted(missing)}"


@pytest.mark.parametrize("lang", LANGS)
def test_no_template_for_unknown_codes(lang: str) -> None:
    texts = KNOWLEDGE.texts[lang]
    assert set(texts.signals) <= DECLARED | COMPOSITES, sorted(set(texts.signals) - DECLARED - COMPOSITES)
    assert set(texts.anomalies) <= ANOMALY_CODES, sorted(set(texts.anomalies) - ANOMALY_CODES)


def test_languages_use_the_same_placeholders() -> None:
    fr, en = KNOWLEDGE.texts["fr"], KNOWLEDGE.texts["en"]
    for section in ("signals", "anomalies"):
        fr_t, en_t = getattr(fr, section), getattr(en, section)
        assert set(fr_t) == set(en_t), section
        for code in fr_t:
            assert _placeholders(fr_t[code]) == _placeholders(en_t[code]), (section, code)


# ----------------------------------------------------------------------------------------- profiles
PROFILE_DOMAINS = [(p.id, d) for p in KNOWLEDGE.profiles for d in sorted(p.domains)]


@pytest.mark.parametrize(("profile_id", "domain"), PROFILE_DOMAINS)
def test_official_domains_are_registrable_domains(profile_id: str, domain: str) -> None:
    # A subdomain here would make its siblings look foreign; a public suffix would make everyone official.
    assert public_suffix_list().privatesuffix(domain) == domain


def test_profile_lure_themes_are_declared_signals() -> None:
    lure_signals = set(registered()["pressure.lures"].signals)
    for profile in KNOWLEDGE.profiles:
        themes = {lure.theme for lure in profile.lures}
        assert themes <= lure_signals, (profile.id, sorted(themes - lure_signals))


def test_profile_never_asks_categories_have_keywords() -> None:
    categories = {rc.category for rc in KNOWLEDGE.keywords.requests}
    for profile in KNOWLEDGE.profiles:
        assert {rule.category for rule in profile.never_asks} <= categories, profile.id


@pytest.mark.parametrize("theme", sorted({lure.theme for p in KNOWLEDGE.profiles for lure in p.lures}))
def test_every_lure_phrase_fires_its_theme(theme: str) -> None:
    for profile in KNOWLEDGE.profiles:
        for lure in profile.lures:
            if lure.theme != theme:
                continue
            for phrase in lure.phrases:
                amount = " 12,50 €" if phrase in lure.amount_after else ""  # a sum must follow these
                v = sentinelle.analyze(f"Message : {phrase}{amount}.", kind="sms", profile=profile.id)
                assert theme in v.signals, (profile.id, phrase, sorted(v.signals))


# ----------------------------------------------------------------------------------------- keywords
@pytest.mark.parametrize("category", sorted(REQUEST_CATEGORIES))
def test_every_request_category_is_in_the_keywords(category: str) -> None:
    assert category in {rc.category for rc in KNOWLEDGE.keywords.requests}


REQUESTS = {rc.category: rc for rc in KNOWLEDGE.keywords.requests}


def check_examples(signal: str, examples: tuple[str, ...], counter_examples: tuple[str, ...]) -> None:
    """Every list entry that claims a detection has examples that fire it and counter-examples that do not."""
    assert examples, f"{signal} has no examples"
    assert counter_examples, f"{signal} has no counter_examples"
    for example in examples:
        assert signal in sentinelle.analyze(example, kind="sms").signals, example
    for counter in counter_examples:
        assert signal not in sentinelle.analyze(counter, kind="sms").signals, counter


@pytest.mark.parametrize("category", sorted(REQUESTS))
def test_request_category_examples(category: str) -> None:
    rc = REQUESTS[category]
    assert rc.signal in registered()["requests.data"].signals
    check_examples(rc.signal, rc.examples, rc.counter_examples)


@pytest.mark.parametrize("category", sorted(REQUESTS))
def test_every_request_phrase_fires_its_category(category: str) -> None:
    rc = REQUESTS[category]
    for phrase in rc.phrases:
        # "Merci de nous transmettre": a request is a demand to the reader (keywords.toml [demand]).
        assert rc.signal in sentinelle.analyze(f"Merci de nous transmettre : {phrase}.", kind="sms").signals, phrase


def test_urgency_examples() -> None:
    kw = KNOWLEDGE.keywords
    check_examples("URGENCY", kw.urgency_examples, kw.urgency_counter_examples)


# ---------------------------------------------------------------------------------------- data files
@pytest.mark.parametrize("path", DATA_FILES, ids=[str(p.relative_to(DATA)) for p in DATA_FILES])
def test_no_invisible_characters_in_data_files(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    found = [(text.count("\n", 0, m.start()) + 1, f"U+{ord(m.group()):04X}") for m in INVISIBLE.finditer(text)]
    assert not found, f"write invisible characters as \\u escapes: (line, char) {found[:5]}"


def test_data_files_were_found() -> None:
    names = {p.name for p in DATA_FILES}
    assert {
        "weights.toml",
        "keywords.toml",
        "messages_fr.toml",
        "messages_en.toml",
        "assurance_maladie.toml",
    } <= names


# ------------------------------------------------------------------------------ profile discovery
# A body Sentinelle does not ship (fictional): profiles are data, a new file is a new organisation. (This test
# used the CAF until the CAF got its shipped profile, data/profiles/caf.toml.)
DEMO_PROFILE = """\
schema_version = 1

[organisation]
id = "demo"
display_name = "la Caisse de démonstration"
display_name_en = "the demonstration fund"
names = ["caisse de demonstration", "cdemo"]
brand_tokens = ["cdemo"]

[[domains]]
domain = "caisse-demo.fr"
confidence = "confirmed"
source = "test"

[[phones]]
number = "+33140000000"
direction = ["inbound"]
role = "numéro de la Caisse de démonstration"
confidence = "confirmed"
source = "test"
"""
DEMO_SCAM = "CDEMO : votre prime exceptionnelle de 150 € vous attend, réclamez-la sur cdemo-aide.com"


def test_new_profile_is_discovered(tmp_path: Path) -> None:
    (tmp_path / "demo.toml").write_text(DEMO_PROFILE, encoding="utf-8")
    engine = Engine(profile_dirs=[tmp_path])
    assert {p.id for p in engine.knowledge.profiles} >= {"assurance_maladie", "caf", "demo"}
    v = engine.analyze(DEMO_SCAM, kind="sms")
    assert v.organisation == "demo"
    assert {"CLAIMS_ORGANISATION", "LINK_NOT_OFFICIAL", "LINK_BRAND_IN_DOMAIN"} <= v.signals
    assert v.level is sentinelle.Level.FRAUD
    assert any("la Caisse de démonstration" in e.explanation and "caisse-demo.fr" in e.explanation for e in v.evidence)
    genuine = engine.analyze(
        "CDEMO : votre attestation est disponible sur caisse-demo.fr. Une question ? Appelez le 01 40 00 00 00."
    )
    assert genuine.organisation == "demo"
    assert genuine.level is sentinelle.Level.NO_SIGN
    # The default engine does not know this body: profiles are data, not globals.
    assert sentinelle.analyze(DEMO_SCAM, kind="sms").organisation != "demo"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        pytest.param(
            lambda t: t.replace("schema_version = 1", "schema_version = 2"),
            "schema_version",
            id="schema-version",
        ),
        pytest.param(lambda t: t.replace('domain = "caisse-demo.fr"', 'domain = ""'), "domain", id="empty-domain"),
        pytest.param(
            lambda t: t.replace('confidence = "confirmed"', 'confidence = "sure"', 1),
            "confidence",
            id="bad-confidence",
        ),
        pytest.param(
            lambda t: t.replace('direction = ["inbound"]', 'direction = ["sideways"]'),
            "direction",
            id="bad-direction",
        ),
        pytest.param(lambda t: t.replace('number = "+33140000000"', 'number = "call-us"'), "number", id="bad-number"),
        pytest.param(
            lambda t: t.replace('names = ["caisse de demonstration", "cdemo"]', "names = 3"),
            "names",
            id="names-not-a-list",
        ),
        pytest.param(lambda t: t.split("[[domains]]")[0], "domains", id="no-domain"),
        pytest.param(
            lambda t: (
                t + '\n[[never_asks]]\ncategory = "soul"\nchannels = ["sms"]\nstatement_fr = "x"\n'
                'statement_en = "x"\nconfidence = "confirmed"\nsource = "x"\n'
            ),
            "category",
            id="unknown-never-asks-category",
        ),
        pytest.param(
            lambda t: (
                t + '\n[[lures]]\ntheme = "LURE_REIMBURSEMENT"\nphrases = ["Prime CDEMO"]\n'
                'fact_fr = "x"\nfact_en = "x"\nconfidence = "confirmed"\nsource = "x"\n'
            ),
            "folded",
            id="lure-phrase-not-folded",
        ),
        pytest.param(
            lambda t: t.replace('id = "demo"', 'id = "assurance_maladie"'),
            "already defined",
            id="duplicate-id",
        ),
        pytest.param(lambda t: t.replace("[organisation]", "[organisation"), "cannot read", id="toml-syntax"),
    ],
)
def test_broken_profile_raises_data_error(tmp_path: Path, change, expected: str) -> None:
    (tmp_path / "demo.toml").write_text(change(DEMO_PROFILE), encoding="utf-8")
    with pytest.raises(DataError, match=expected) as info:
        Engine(profile_dirs=[tmp_path])
    assert "demo.toml" in str(info.value)  # the error names the file to fix


# ----------------------------------------------------------------------------------------- generic lures
GENERIC_LURES = [(g.signal, g) for g in KNOWLEDGE.keywords.generic_lures]


@pytest.mark.parametrize(("signal", "lure"), GENERIC_LURES, ids=[s for s, _ in GENERIC_LURES])
def test_generic_lure_examples_fire_and_counter_examples_do_not(signal: str, lure: RequestCategory) -> None:
    assert signal in registered()["pressure.lures"].signals
    check_examples(signal, lure.examples, lure.counter_examples)
