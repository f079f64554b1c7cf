"""``sentinelle lookalikes``: dnstwist's fuzzers plus the profiles' combosquat lexicon, with a self-check.

The self-check column claims "Sentinelle flags this name": it is checked here against the engine's own
verdict on ``https://NAME/`` for a seeded sample of every attack type, both ways.
"""

from __future__ import annotations

import csv
import io
import json
import random
import socket
from collections import Counter

import pytest

import sentinelle
from sentinelle.cli import main
from sentinelle.domains.permutations import (
    LEXICON,
    PermutationGenerator,
    import_dnstwist,
    load_settings,
    targets_for,
)
from sentinelle.errors import InputError

pytest.importorskip("dnstwist")


@pytest.fixture(scope="module")
def engine() -> sentinelle.Engine:
    return sentinelle.Engine()


@pytest.fixture(scope="module")
def generator(engine: sentinelle.Engine) -> PermutationGenerator:
    return PermutationGenerator(engine.knowledge.profiles, engine.knowledge.keywords.domain_words)


@pytest.fixture(scope="module")
def ameli(generator: PermutationGenerator) -> list[sentinelle.domains.permutations.Permutation]:
    return generator.generate("ameli.fr", tlds=["fr", "com"])


def test_one_entry_per_name_sorted_official_excluded(ameli: list) -> None:  # type: ignore[type-arg]
    domains = [p.domain for p in ameli]
    assert len(domains) == len(set(domains))
    assert ameli == sorted(ameli, key=lambda p: (p.official, p.attack, p.domain))
    assert "ameli.fr" not in domains
    assert {d.rsplit(".", 1)[1] for d in domains} == {"fr", "com"}
    assert all(d.isascii() for d in domains)  # registrable form: punycode for internationalised names


@pytest.mark.parametrize(
    ("domain", "attack", "generator_name", "check"),
    [
        ("amelli.fr", "repetition", "dnstwist:repetition", "lookalike:repetition"),
        ("aemli.fr", "transposition", "dnstwist:transposition", "lookalike:transposition"),
        ("ameli.com", "tld_swap", "dnstwist:tld-swap", "lookalike:tld_swap"),
        ("ameli-fr.com", "suffix_game", "dnstwist:various", "lookalike:suffix_game"),
        ("arneli.fr", "homoglyph", "dnstwist:homoglyph", "lookalike:visual"),
        ("ameli-remboursement.fr", "combosquat", "dnstwist:dictionary", "brand_word:combosquat"),
        ("cpam-dossier.com", "combosquat", LEXICON, "brand_word:combosquat"),  # a brand token that is not a domain
        ("remboursementcartevitale.fr", "combosquat", LEXICON, "brand_word:combosquat"),
        ("vitale-assure.com", "combosquat", LEXICON, "brand_word:combosquat"),  # weak token with a context word
    ],
)
def test_known_permutations_with_attack_and_self_check(
    ameli: list,  # type: ignore[type-arg]
    domain: str,
    attack: str,
    generator_name: str,
    check: str,
) -> None:
    found = {p.domain: p for p in ameli}
    assert domain in found
    p = found[domain]
    assert (p.attack, p.generator, p.check, p.flagged, p.official) == (attack, generator_name, check, True, "ameli.fr")


def test_homoglyphs_come_as_punycode_with_their_unicode_form(ameli: list) -> None:  # type: ignore[type-arg]
    homoglyphs = [p for p in ameli if p.attack == "homoglyph" and p.domain.startswith("xn--")]
    assert len(homoglyphs) > 100
    assert all(not p.unicode_domain.isascii() for p in homoglyphs)


def test_weak_tokens_alone_and_with_any_word_are_not_generated(ameli: list) -> None:  # type: ignore[type-arg]
    domains = {p.domain for p in ameli}
    assert "vitale.fr" not in domains  # a weak brand token alone is somebody's name
    assert "vitale-paiement.fr" not in domains  # weak tokens go with the profile's context words only


def test_self_check_agrees_with_the_engine_on_every_attack_type(
    ameli: list,  # type: ignore[type-arg]
    engine: sentinelle.Engine,
) -> None:
    rng = random.Random(4)
    by_attack: dict[str, list] = {}  # type: ignore[type-arg]
    for p in ameli:
        by_attack.setdefault(p.attack, []).append(p)
    assert {"homoglyph", "insertion", "omission", "combosquat", "bitsquatting", "tld_swap"} <= set(by_attack)
    sample = [p for group in by_attack.values() for p in rng.sample(group, min(8, len(group)))]
    assert any(not p.flagged for p in sample)  # both sides of the column are exercised
    for p in sample:
        level = engine.analyze(f"https://{p.domain}/", kind="url").level.value
        assert (level in ("fraud", "suspicious")) == p.flagged, (p, level)


def test_a_profile_id_covers_every_official_domain(generator: PermutationGenerator, engine: sentinelle.Engine) -> None:
    perms = generator.generate("assurance_maladie", tlds=["fr"], lexicon=False)
    profile = engine.knowledge.profile("assurance_maladie")
    assert {p.official for p in perms} == set(profile.domains)
    assert not {p.domain for p in perms} & set(profile.domains)


def test_a_domain_under_a_two_label_suffix_fuzzes_its_own_label(generator: PermutationGenerator) -> None:
    perms = generator.generate("impots.gouv.fr", tlds=["fr"], lexicon=False)
    assert perms
    gouv = [p.domain for p in perms if p.domain.endswith(".gouv.fr")]
    assert "lmpots.gouv.fr" in gouv or "impot.gouv.fr" in gouv
    omissions = {p.domain for p in perms if p.generator == "dnstwist:omission" and p.domain.endswith(".gouv.fr")}
    assert omissions == {f"{'impots'[:i]}{'impots'[i + 1 :]}.gouv.fr" for i in range(6)}  # not "gov.fr"-style
    # Flagged by the engine only once a profile owns impots.gouv.fr (the DGFiP's profile came after this test).
    owned = any("impots.gouv.fr" in pr.domains for pr in sentinelle.default_engine().knowledge.profiles)
    assert any(p.flagged for p in perms) is owned


def test_targets_and_bad_names() -> None:
    profiles = sentinelle.default_engine().knowledge.profiles
    assert [t.official for t in targets_for("https://www.ameli.fr/assure", profiles)] == ["ameli.fr"]
    for bad in ("", "fr", "not a domain", "1.2.3.4", "a" * 300):
        with pytest.raises(InputError):
            targets_for(bad, profiles)


def test_importing_dnstwist_leaves_the_socket_timeout_alone() -> None:
    before = socket.getdefaulttimeout()
    import_dnstwist()
    assert socket.getdefaulttimeout() == before


def test_settings_come_from_data() -> None:
    settings = load_settings()
    assert settings.tlds[0] == "fr"
    assert "www" in settings.skip_words


# ------------------------------------------------------------------------------------------------ CLI
def test_cli_formats(capsys: pytest.CaptureFixture[str]) -> None:
    out = io.StringIO()
    assert main(["lookalikes", "ameli.fr", "--tld", "fr", "--format", "csv"], stdout=out) == 0
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert rows[0].keys() == {"domain", "unicode_domain", "attack", "generator", "official", "flagged", "check"}
    assert {r["flagged"] for r in rows} == {"yes", "no"}
    out = io.StringIO()
    assert main(["lookalikes", "ameli.fr", "--tld", "fr", "--format", "json"], stdout=out) == 0
    payload = json.loads(out.getvalue())
    assert payload["count"] == len(rows) == len(payload["permutations"])
    assert payload["flagged"] == sum(r["flagged"] == "yes" for r in rows)
    out = io.StringIO()
    assert main(["lookalikes", "ameli.fr", "--tld", "fr", "--only-missed", "--no-lexicon"], stdout=out) == 0
    text = out.getvalue().splitlines()
    assert text[0].startswith("domaine")
    assert text[-1].startswith("# ")
    assert all(" NON " in line for line in text[1:-1])
    assert set(Counter(line.split()[1] for line in text[1:-1])) <= {
        "replacement",
        "insertion",
        "homoglyph",
        "bitsquatting",
        "omission",
        "dot_insertion",
    }


def test_cli_unknown_domain_warns_and_bad_input_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    out = io.StringIO()
    assert main(["lookalikes", "example.com", "--tld", "com", "--format", "json"], stdout=out) == 0
    payload = json.loads(out.getvalue())
    assert payload["count"] > 100
    assert payload["flagged"] == 0
    assert "aucun profil" in capsys.readouterr().err
    assert main(["lookalikes", "pas un domaine"], stdout=io.StringIO()) == 2
    assert main(["lookalikes", "ameli.fr", "--no-dnstwist", "--no-lexicon"], stdout=io.StringIO()) == 2
