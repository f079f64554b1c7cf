"""Issue 4, recall on the confirmed ameli lookalikes: brand words read through stray letters, a brand glued after
an unknown word, "cvitale" as a brand of its own; and honest names of the same shapes that must stay clean.

The scam hosts are from ``../shared/corpus/domains/ameli_lookalikes_confirmed.csv`` and its hold-out; the honest
names are written for these tests, one per shape the new readings could catch by mistake (surnames and first names
glued to a word, "améliorer", Italian "Vitale" as a surname).
"""

from __future__ import annotations

import pytest

import sentinelle
from sentinelle.brand import _lenient, brand_in_host
from sentinelle.model import Level
from sentinelle.profiles import Profile


@pytest.fixture(scope="module")
def ameli() -> Profile:
    return sentinelle.default_engine().knowledge.profile("assurance_maladie")


@pytest.fixture(scope="module")
def words() -> frozenset[str]:
    return sentinelle.default_engine().knowledge.keywords.domain_words


@pytest.mark.parametrize(
    ("host", "brand"),
    [
        # stray letters between scam words (one repair per run of at most 3 letters), in a long reading
        ("ameliemarcatevitale.fr", "amelie-ma-carte"),  # "r" astray, "cate" for carte
        ("helpcarteevitalee.fr", "help-carte-evitale"),  # the brand's last letter doubled
        ("servcivsantevitale.fr", "serv-sante-vitale"),  # "civ" astray after "serv"
        ("amelivosfraisanterembourseportailas.hostingerapp.com", "ameli"),  # "ante" for sante, "as" astray
        ("ameli-verifications.fr", "ameli"),  # a plural the vocabulary lacks: one stray letter
        ("vitaleclientxxsante.fr", "vitale-client-sante"),  # unread letters between two words, not at the brand
        # a brand starting with a vowel, glued after an unknown word ending with a vowel, under .fr
        ("rediaameli.fr", "ameli"),
        ("securitesocialeameli.fr", "securitesociale"),
        ("monoaameli.fr", "ameli"),
        # "cvitale": carte Vitale cut short, a brand of its own
        ("cvitale.fr", "cvitale"),
        ("cvitale-v3.fr", "cvitale"),
        ("renou-cvitale.info", "cvitale"),
        # new words of the vocabulary
        ("serv-ameli.fr", "ameli"),
        ("vosdroits-cartevitale.fr", "cartevitale"),
        # readings that existed before and must survive the stricter edges
        ("cpamiseajourameli.fr", "cpam"),  # overlap cpam|mise preferred to three unread letters
        ("assuramelivitale.fr", "ameli"),  # a letter dropped where a word touches the brand is a typo
        ("cpameli.fr", "cpam"),
    ],
)
def test_scam_shapes_carry_the_brand(ameli: Profile, words: frozenset[str], host: str, brand: str) -> None:
    assert brand_in_host(host, ameli, words) == brand


@pytest.mark.parametrize(
    "host",
    [
        # -ameli after a consonant: Italian, Finnish, Georgian surnames and first names
        "mameli.it",
        "goffredomameli.it",
        "immobiliaremameli24.it",
        "icmamelicurti.edu.it",
        "sameli.fi",
        "kameli.fi",
        # -ameli after a vowel, outside .fr: a first name and the Persian surname Ameli
        "rezaameli.com",
        "mahdiameli.com",
        "juliaameli.com",
        "jorathiameli.xyz",
        # améliorer, Amélie, Amelia: a brand read only with a word of its own on both sides
        "amelioretasante.com",
        "ameliorersante.fr",
        "amelioration-sante.fr",
        "ameliorezvotresante.fr",
        "ameliaservice.fr",  # not ameli + a misspelt "aservice"
        "amelieservicesrh.fr",  # a person's firm: two words and stray letters are not a long reading
        "amelieteen.com",
        "ameliescollection.com",
        "ameliecurestudio.fr",
        "amelie-fleurs.fr",
        "analytics.juleamelie.de",
        "stats.love-amelie.com",
        "camelia-sante.fr",
        # Vitale, an Italian surname, after a first name or an initial
        "carlovitale.it",
        "marcvitale.com",
        "lucvitale.fr",
        "ludovicvitale.fr",  # "ludovi|cvitale": a brand starting with a consonant is never read glued
        "patricvitale.fr",
        "avitale.com",
        "energie-vitale.fr",
        "servital.com",
        # a sentence, with carte and vitale apart
        "pourmathiasunecarteetaitvitale.com",
        "studiohamamelis.com",
        "underwilliameliza.com",
    ],
)
def test_honest_names_of_the_same_shapes_stay_clean(ameli: Profile, words: frozenset[str], host: str) -> None:
    assert brand_in_host(host, ameli, words) is None


@pytest.mark.parametrize(
    ("host", "level"),
    [
        ("servcivsantevitale.fr", Level.FRAUD),
        ("rediaameli.fr", Level.FRAUD),
        ("cvitale.fr", Level.FRAUD),
        ("rezaameli.com", Level.NO_SIGN),
        ("amelioretasante.com", Level.NO_SIGN),
        ("mameli.it", Level.NO_SIGN),
    ],
)
def test_verdicts_on_bare_links(host: str, level: Level) -> None:
    assert sentinelle.analyze(f"https://{host}/", kind="url").level is level


def test_unread_letters_never_touch_a_brand(ameli: Profile, words: frozenset[str]) -> None:
    from sentinelle.brand import _vocabulary

    vocabulary, strong, max_word = _vocabulary(
        frozenset(ameli.brand_tokens), frozenset(ameli.brand_weak_tokens), frozenset(ameli.brand_context_words), words
    )
    brands = strong | frozenset(ameli.brand_weak_tokens)
    assert _lenient("ameliore", vocabulary, brands, max_word) is None  # ameli|ore
    assert _lenient("xyzameli", vocabulary, brands, max_word) is None  # xyz|ameli
    reading = _lenient("vitalee", vocabulary, brands, max_word)  # a doubled last letter is the one exception
    assert reading is not None
    assert reading[0] == ["vitale"]
    assert reading[2] == 1


@pytest.mark.parametrize("piece", ["a" * 63, "ameli" * 12, "x" * 64, "ameli" + "q" * 58])
def test_lenient_reading_is_bounded_on_hostile_pieces(ameli: Profile, words: frozenset[str], piece: str) -> None:
    assert brand_in_host(f"{piece}.{piece}.fr", ameli, words) in (None, "ameli", "amelis")
