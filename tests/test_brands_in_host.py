"""brand.brands_in_host: every profile's brand in a host at once, remembered per host, never across profile sets."""

from __future__ import annotations

import pytest

import sentinelle
from sentinelle.brand import brand_in_host, brands_in_host
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
