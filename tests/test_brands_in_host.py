"""brand.brands_in_host: every profile's brand in a host at once, remembered per host, never across profile sets."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sentinelle
from sentinelle.brand import _brand_words, _pieces, _words_of, brand_in_host, brands_in_host
from sentinelle.extract.urls import public_suffix_list
from sentinelle.resources import Knowledge

HOSTS = [
    "ameli-remboursement.com",
    "ameli.fr.secure-login.xyz",
    "www.ameli.fr",
    "caf-allocations-paiement.com",
    "energie-vitale.fr",
    "example.org",
    "serviceamelie.fr",
]


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return sentinelle.Engine().knowledge


def registrable(host: str) -> str:
    return public_suffix_list().privatesuffix(host) or ""


@pytest.mark.parametrize("host", HOSTS)
def test_same_as_asking_each_profile(knowledge: Knowledge, host: str) -> None:
    profiles, words = knowledge.profiles, knowledge.keywords.domain_words
    domain = registrable(host)
    expected = tuple(
        (brand, p.id)
        for p in profiles
        if not p.is_official_domain(domain) and not p.is_unrelated_domain(domain)
        for brand in [brand_in_host(host, p, words)]
        if brand
    )
    assert brands_in_host(host, domain, profiles, words) == expected
    assert brands_in_host(host, domain, profiles, words) == expected  # remembered: the same answer


def test_examples(knowledge: Knowledge) -> None:
    profiles, words = knowledge.profiles, knowledge.keywords.domain_words
    host = "ameli-remboursement.com"
    assert ("ameli", "assurance_maladie") in brands_in_host(host, host, profiles, words)
    assert brands_in_host("www.ameli.fr", "ameli.fr", profiles, words) == ()  # the organisation's own domain


def test_another_profile_set_is_never_answered_from_the_memo(knowledge: Knowledge) -> None:
    profiles, words = knowledge.profiles, knowledge.keywords.domain_words
    host = "ameli-remboursement.com"
    assert any(pid == "assurance_maladie" for _, pid in brands_in_host(host, host, profiles, words))
    others = tuple(p for p in profiles if p.id != "assurance_maladie")
    assert all(pid != "assurance_maladie" for _, pid in brands_in_host(host, host, others, words))


# --- The shortcut of brand._brand_in_host: a host whose pieces mention no brand word is not segmented ---------

_FRAGMENTS = st.sampled_from(
    [
        "ameli",
        "amelie",
        "amelli",
        "cpam",
        "vitale",
        "vital",
        "secu",
        "caf",
        "impots",
        "dgfip",
        "antai",
        "amende",
        "service",
        "securite",
        "sociale",
        "carte",
        "rembourse",
        "compte",
        "gouv",
        "fr",
        "info",
        "x",
        "-",
        ".",
    ]
)


@given(st.lists(st.one_of(_FRAGMENTS, st.text("abcdeilmostuv-.", max_size=6)), min_size=1, max_size=6))
@settings(max_examples=400, deadline=None)
def test_hosts_without_a_brand_word_read_as_no_brand(knowledge: Knowledge, fragments: list[str]) -> None:
    """Every reading that counts (strong, weak, glued, lenient repairs) contains a brand word as written, so when
    the profile's ``mention`` pattern finds none in the pieces, the full reading finds nothing countable either."""
    host = "".join(fragments).strip(".-") + ".com"
    pieces = _pieces(host)
    for profile in knowledge.profiles:
        words = _words_of(profile)
        assert words.mention is not None
        if words.mention.search("\n".join(pieces)):
            continue
        found, glued = _brand_words(
            pieces, words.strong, words.weak, words.context, knowledge.keywords.domain_words, words.glued
        )
        assert not glued
        assert not [w for w in found if w in words.strong or w in words.weak or w[:-1] in words.strong], host
