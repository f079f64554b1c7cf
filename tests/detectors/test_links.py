"""links.destinations: where links really go compared with where the claimed organisation lives.

Positives: bare domains, defanged links (``[.]``, ``hxxp``, ``[dot]``), the brand in a subdomain, glued or
hyphenated, and the technique flags (shortener, IP address, punycode, user@host, data: URL, abused TLD).
Near-misses: a flower shop called Amélie, a wellness shop "énergie vitale", a genuine SMS from 38663 linking
to ameli.fr, State sites under gouv.fr, things that look like domains but are not ("M.Dupont", "1.99").
"""

from __future__ import annotations

import pytest

from sentinelle import Level

LINK_SIGNALS = {
    "LINK_NOT_OFFICIAL",
    "LINK_BRAND_IN_DOMAIN",
    "LINK_SHORTENER",
    "LINK_IP_ADDRESS",
    "LINK_PUNYCODE",
    "LINK_USERINFO",
    "LINK_DATA_URL",
    "LINK_SUSPICIOUS_TLD",
    "LINK_OBFUSCATED",
}


@pytest.mark.parametrize(
    ("text", "kind", "host"),
    [
        pytest.param(
            "AMELI : mettez à jour votre dossier sur cpam-dossier.fr",
            "sms",
            "cpam-dossier.fr",
            id="bare-domain-in-sms",
        ),
        pytest.param("cpam-dossier.fr", "url", "cpam-dossier.fr", id="bare-domain-url"),
        pytest.param("Voir ameli[.]fr.example.com", "sms", "ameli.fr.example.com", id="defanged-brackets"),
        pytest.param("Voir hxxp://ameli-remboursement.com/login", "sms", "ameli-remboursement.com", id="hxxp"),
        pytest.param("https://ameli.fr.secure-login.xyz/", "url", "ameli.fr.secure-login.xyz", id="brand-in-subdomain"),
        pytest.param(
            "Voir www.ameli.fr.secure-login.xyz",
            "sms",
            "www.ameli.fr.secure-login.xyz",
            id="brand-in-subdomain-www",
        ),
        pytest.param("amelicartevitale.fr", "url", "amelicartevitale.fr", id="glued-words"),
        pytest.param("vérification-ameli.com", "url", "vérification-ameli.com", id="idn-with-brand"),
        pytest.param("infosante-vitale.com", "url", "infosante-vitale.com", id="two-weak-words"),
        pytest.param(
            "https://www.assurance-maladie-info.com/",
            "url",
            "www.assurance-maladie-info.com",
            id="weak-plus-context",
        ),
        pytest.param("http://\u0430meli.fr", "url", "\u0430meli.fr", id="cyrillic-host"),
    ],
)
def test_brand_in_domain(analyze, evidence, text: str, kind: str, host: str) -> None:
    v = analyze(text, kind=kind)
    assert host in evidence(v, "LINK_BRAND_IN_DOMAIN").observed
    assert "LINK_NOT_OFFICIAL" in v.signals
    assert v.organisation == "assurance_maladie"
    assert v.level is Level.FRAUD


@pytest.mark.parametrize(
    ("text", "signal", "observed"),
    [
        pytest.param(
            "AMELI : voir ameli[.]fr.example.com",
            "LINK_OBFUSCATED",
            "ameli.fr.example.com",
            id="obfuscated-brackets",
        ),
        pytest.param(
            "AMELI : voir hxxps://example.com/a",
            "LINK_OBFUSCATED",
            "https://example.com/a",
            id="obfuscated-hxxps",
        ),
        pytest.param("AMELI : voir example[dot]com", "LINK_OBFUSCATED", "example.com", id="obfuscated-dot"),
        pytest.param("AMELI : voir https://bit.ly/3xYz", "LINK_SHORTENER", "bit.ly", id="shortener"),
        pytest.param("AMELI : voir http://192.168.10.5/ameli", "LINK_IP_ADDRESS", "192.168.10.5", id="ipv4"),
        pytest.param(
            "AMELI : voir http://3232235777/login",
            "LINK_IP_ADDRESS",
            "3232235777",
            id="integer-ip",
        ),
        pytest.param(
            "AMELI : voir http://xn--amli-cpa.fr",
            "LINK_PUNYCODE",
            "améli.fr (xn--amli-cpa.fr)",
            id="punycode",
        ),
        pytest.param(
            "AMELI : voir https://ameli.fr@evil.com/login",
            "LINK_USERINFO",
            "https://ameli.fr@evil.com/login",
            id="userinfo",
        ),
        pytest.param(
            "AMELI : data:text/html;base64,PHNjcmlwdD4=",
            "LINK_DATA_URL",
            "data:text/html;base64,PHNjcmlwdD4=",
            id="data-url",
        ),
        pytest.param("AMELI : voir https://remboursement.xyz/", "LINK_SUSPICIOUS_TLD", ".xyz", id="xyz"),
        pytest.param(
            "AMELI : voir https://example.com/ameli.fr",
            "LINK_NOT_OFFICIAL",
            "example.com",
            id="brand-in-path-only",
        ),
    ],
)
def test_technique_flags(analyze, evidence, text: str, signal: str, observed: str) -> None:
    v = analyze(text, kind="sms")
    assert observed in evidence(v, signal).observed


@pytest.mark.parametrize("url", ["http://3232235777/login", "http://0xC0A80001/login", "http://[2001:db8::1]/x"])
def test_ip_address_forms_given_as_url(analyze, url: str) -> None:
    assert "LINK_IP_ADDRESS" in analyze(url, kind="url").signals


def test_brand_in_path_is_not_brand_in_domain(analyze) -> None:
    v = analyze("AMELI : voir https://example.com/ameli.fr", kind="sms")
    assert "LINK_BRAND_IN_DOMAIN" not in v.signals
    assert "LINK_NOT_OFFICIAL" in v.signals


def test_not_official_lists_the_official_domains(analyze, evidence, am_profile) -> None:
    ev = evidence(analyze("AMELI : voir https://example.com/", kind="sms"), "LINK_NOT_OFFICIAL")
    for domain in am_profile.domains:
        assert domain in ev.explanation


@pytest.mark.parametrize(
    ("text", "options"),
    [
        pytest.param(
            "Ameli : votre attestation est disponible dans votre compte sur ameli.fr",
            {"sender": "38663"},
            id="genuine-38663-ameli-fr",
        ),
        pytest.param(
            "Ameli : plus d'infos sur https://www.ameli.fr/assure et https://assure.ameli.fr",
            {},
            id="official-subdomains",
        ),
        pytest.param(
            "Mon espace santé : votre profil a été créé, rendez-vous sur monespacesante.fr",
            {},
            id="monespacesante",
        ),
    ],
)
def test_all_official_links(analyze, text: str, options: dict[str, str]) -> None:
    v = analyze(text, **options)
    assert "LINKS_ALL_OFFICIAL" in v.signals
    assert not LINK_SIGNALS & v.signals
    assert v.level is Level.NO_SIGN


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        pytest.param("amelie-fleurs.fr", "url", id="flower-shop-url"),
        pytest.param(
            "Commandez vos bouquets sur amelie-fleurs.fr, livraison le jour même.",
            "sms",
            id="flower-shop-sms",
        ),
        pytest.param("https://www.amelie-fleurs.fr/bouquets", "url", id="flower-shop-https"),
        pytest.param("energie-vitale.fr", "url", id="wellness-shop"),
        pytest.param("assurance-sante.fr", "url", id="generic-insurance-words"),
        pytest.param("https://www.camelia-jardin.fr", "url", id="camelia-contains-ameli"),
        pytest.param("https://www.ameli.fr/assure/droits-demarches", "url", id="genuine-ameli"),
        pytest.param("Bonjour M.Dupont, le total est de 1.99 euros, à samedi.", "sms", id="not-domains"),
        pytest.param("Écrivez-nous à contact@example.com pour toute question.", "sms", id="email-address"),
    ],
)
def test_link_near_misses(analyze, text: str, kind: str) -> None:
    v = analyze(text, kind=kind)
    assert "LINK_BRAND_IN_DOMAIN" not in v.signals
    assert "LINK_NOT_OFFICIAL" not in v.signals
    assert v.level is Level.NO_SIGN


def test_flower_shop_does_not_claim_the_organisation(analyze) -> None:
    v = analyze("amelie-fleurs.fr", kind="url")
    assert v.organisation is None
    assert v.signals == frozenset()


def test_state_domains_are_not_counted_against_the_organisation(analyze) -> None:
    v = analyze("Ameli : vos démarches sur www.ameli.fr et www.service-public.gouv.fr", kind="sms")
    assert "LINK_NOT_OFFICIAL" not in v.signals
    assert v.level is Level.NO_SIGN


def test_one_foreign_link_among_official_ones_is_not_all_official(analyze, evidence) -> None:
    v = analyze("Ameli : connectez-vous sur ameli.fr puis validez sur ameli-validation.com", kind="sms")
    assert "LINKS_ALL_OFFICIAL" not in v.signals
    assert evidence(v, "LINK_NOT_OFFICIAL").observed == ("ameli-validation.com",)


def test_gateway_wrapper_is_judged_by_its_target(analyze, evidence) -> None:
    wrapped = (
        "https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fameli-remboursement.com%2Flogin&data=05"
    )
    v = analyze(f"Ameli : {wrapped}", kind="sms")
    assert "LINK_NOT_OFFICIAL" in v.signals
    assert "ameli-remboursement.com" in evidence(v, "LINK_BRAND_IN_DOMAIN").observed
    genuine = "https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.ameli.fr%2F&data=05"
    assert "LINK_NOT_OFFICIAL" not in analyze(f"Ameli : {genuine}", kind="sms").signals


def test_links_do_not_apply_to_a_phone_number(analyze) -> None:
    assert not LINK_SIGNALS & analyze("08 99 23 45 67", kind="phone").signals


@pytest.mark.parametrize(
    ("url", "level", "present", "absent"),
    [
        ("https://www.cnam.fr/", Level.NO_SIGN, set(), {"CLAIMS_ORGANISATION", "LINK_BRAND_IN_DOMAIN"}),
        ("https://cnam-remboursement.com/", Level.FRAUD, {"LINK_BRAND_IN_DOMAIN"}, set()),
        ("https://www.ameli.fr/assure", Level.NO_SIGN, {"LINKS_ALL_OFFICIAL"}, {"LINK_NOT_OFFICIAL"}),
    ],
)
def test_url_checked_on_its_own(analyze, url: str, level: Level, present: set[str], absent: set[str]) -> None:
    # cnam.fr is the Conservatoire national des arts et métiers, listed in the profile as unrelated.
    v = analyze(url, kind="url")
    assert v.level is level
    assert present <= v.signals
    assert not absent & v.signals


@pytest.mark.parametrize(
    ("host", "flagged"),
    [
        ("renouvellement-vitale.fr", True),
        ("serviceamelie.fr", True),
        ("ameliecartevitale.fr", True),
        ("amelimutuelle.fr", True),
        ("www.amelie-fleurs.fr", False),
        ("ameliescott.com", False),
        ("energie-vitale.fr", False),
        ("pharmacie-vitale.fr", False),
        ("assurance-sante.fr", False),
    ],
)
def test_weak_brand_words_need_scam_vocabulary_beside_them(analyze, host: str, flagged: bool) -> None:
    assert ("LINK_BRAND_IN_DOMAIN" in analyze(f"https://{host}/", kind="url").signals) is flagged


# issue 8: a shortener's own domain is a shortener, not also a cheap top-level domain (bit.ly was counted twice,
# and the fitted weights made the home pages of popular shorteners suspicious).
@pytest.mark.parametrize("url", ["https://bit.ly/", "https://cutt.ly/", "https://wa.link/"])
def test_shortener_domain_is_not_also_a_suspicious_tld(analyze, url: str) -> None:
    v = analyze(url, kind="url")
    assert "LINK_SHORTENER" in v.signals
    assert "LINK_SUSPICIOUS_TLD" not in v.signals
    assert v.level is Level.NO_SIGN


def test_a_repeated_host_still_raises_the_flags_of_each_link(analyze, evidence) -> None:
    """Host flags are raised once per host of a message, but user info and defanged spellings belong to each
    link: a host seen first in a plain link still shows its later ``user@host`` and ``[.]`` forms, each with
    its own location, and the host's own flag keeps the first location."""
    v = analyze("Voir bit.ly/a\npuis http://jean@bit.ly/b\net hxxp://bit[.]ly/c\nou bit.ly/d", kind="sms")
    shortener = evidence(v, "LINK_SHORTENER")
    assert (shortener.observed, shortener.location) == (("bit.ly",), "body:l.1")
    userinfo = evidence(v, "LINK_USERINFO")
    assert (userinfo.observed, userinfo.location) == (("http://jean@bit.ly/b",), "body:l.2")
    obfuscated = evidence(v, "LINK_OBFUSCATED")
    assert (obfuscated.observed, obfuscated.location) == (("http://bit.ly/c",), "body:l.3")
