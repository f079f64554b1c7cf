"""The CAF, DGFiP (impots.gouv.fr) and ANTAI profiles (issue 4: lookalikes of other French bodies).

Per profile: real lookalikes from ``../shared/corpus/domains/other_fr_brands/*.tsv`` are flagged and attributed to
the right body; official domains and honest names that carry a brand-like string (cafe-de-paris.fr, mcafee.com,
xosothantai.mobi from the Tranco top 10k; tax-advice and parking sites) are ``no_sign``; a message in the body's
name with a lookalike link is flagged and its explanation names the body in French.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import sentinelle
from sentinelle import Level
from sentinelle.errors import DataError
from sentinelle.profiles import load_profile

FLAGGED = (Level.FRAUD, Level.SUSPICIOUS)

# (host, profile id): hosts copied from the corpus lists (caf.tsv, impots.tsv, antai.tsv).
LOOKALIKES = [
    ("caissedallocationsfamiliales.com", "caf"),
    ("allocationsfamiliales.fr", "caf"),
    ("allocationfamilliales.fr", "caf"),  # a letter doubled in "familiales"
    ("caisseallocationfamiliale.fr", "caf"),
    ("cfspart-idp-impots-gouv.profrance-service.fr", "impots"),
    ("impots.gouv.fr.x-update.org", "impots"),  # the official name as a subdomain of another domain
    ("service-impot-gouv.info", "impots"),
    ("wwwimpotsgouv.fr", "impots"),
    ("servicedgfip.fr", "impots"),
    ("authimpots.fr", "impots"),
    ("amendes-antai-gouv.hgoc.pk", "antai"),
    ("stationnement-antai-gouv-infractions.chp.nu", "antai"),
    ("paiementamendes.fr", "antai"),
    ("amendesdgifservice.fr", "antai"),  # "dgif": the scams' misspelling of DGFiP
    ("www.spf-amende.com", "antai"),
    ("antaigouve.fr", "antai"),
    # weak words read joined (brand.py _weak_joined): to stray letters under .fr, to the country, to a typo
    ("impotsrec.fr", "impots"),
    ("impotscfr.fr", "impots"),
    ("impotgoiv.fr", "impots"),
    ("antaiapaiement.fr", "antai"),
    ("amendesfr.fr", "antai"),
    ("aantai-amende.com", "antai"),
    ("lnfo-amende.com", "antai"),
]


@pytest.mark.parametrize(("host", "profile_id"), LOOKALIKES)
def test_real_lookalikes_are_flagged_and_attributed(host: str, profile_id: str) -> None:
    verdict = sentinelle.analyze(f"https://{host}/", kind="url")
    assert verdict.level in FLAGGED, (host, sorted(verdict.signals))
    assert verdict.organisation == profile_id


# Imitations of the official domains themselves (lookalike.py compares with every profile's official domains).
@pytest.mark.parametrize(
    ("host", "profile_id", "technique"),
    [
        ("impots.fr", "impots", "tld_swap"),
        ("imposts.gouv.fr", "impots", "insertion"),
        ("lmpots.gouv.fr", "impots", "visual"),
        ("antai.com", "antai", "tld_swap"),
        ("anta1.gouv.fr", "antai", "visual"),
        ("cаf.fr", "caf", "homoglyph"),  # Cyrillic а
    ],
)
def test_imitations_of_official_domains_name_the_body(host: str, profile_id: str, technique: str) -> None:
    verdict = sentinelle.analyze(f"https://{host}/", kind="url")
    assert verdict.level in FLAGGED, (host, sorted(verdict.signals))
    assert verdict.organisation == profile_id
    lookalike = [e for e in verdict.evidence if e.signal == "LINK_LOOKALIKE_DOMAIN"]
    assert lookalike, sorted(verdict.signals)
    assert lookalike[0].params["technique"] == technique


OFFICIAL = ["caf.fr", "www.caf.fr", "impots.gouv.fr", "cfspart.impots.gouv.fr", "www.antai.gouv.fr", "amendes.gouv.fr"]


@pytest.mark.parametrize("host", OFFICIAL)
def test_official_domains_are_never_flagged(host: str) -> None:
    verdict = sentinelle.analyze(f"https://{host}/", kind="url")
    assert verdict.level is Level.NO_SIGN, sorted(verdict.signals)
    assert "LINKS_ALL_OFFICIAL" in verdict.signals


HONEST = [
    # brand-like strings in the Tranco top 10k
    "mcafee.com",
    "cafe24.com",
    "cafepress.com",
    "decafeligiblyhad.com",
    "xosothantai.mobi",
    # cafe-*.fr and other honest names that hold a brand string
    "cafe-de-paris.fr",
    "cafes-richard.fr",
    "cafe-info.fr",  # "cafe" is not "caf" + a word
    "cafpi.fr",
    "caf-albertville.org",  # "caf" alone is the Club alpin's or anyone's acronym: it needs a scam word beside it
    "cafonline.com",  # the Confédération africaine de football (unrelated_domains)
    "impots-utiles.com",
    "simulateur-impots.fr",
    "reductions-impots.fr",
    "conseil-fiscal.fr",
    "fiscal-service.fr",
    "santai.fr",
    "antai-group.com",
    "amendement.fr",
    "avocat-infraction-routiere.fr",
    "paiement-stationnement.fr",
    "amandes-en-ligne.fr",  # almonds
    "token-allocation.io",  # a crypto airdrop's word, not the CAF's
    # the shapes of the joined weak words (brand.py _weak_joined), honest
    "amender.fr",
    "antaigroup.com",
    "impots-utiles.fr",
    "impotsplus.fr",
    "amendes-de-provence.fr",
    "infractionnel.fr",
    # random hexadecimal runs that contain "caf" (pub-<hex>.r2.dev style hosts)
    "pub-4f7caf5d0ca34235adaad28638873447.r2.dev",
    "beamish-eclair-3caf4f.netlify.app",
]


@pytest.mark.parametrize("host", HONEST)
def test_honest_names_with_a_brand_like_string_are_no_sign(host: str) -> None:
    verdict = sentinelle.analyze(f"https://{host}/", kind="url")
    assert verdict.organisation not in {"caf", "impots", "antai"}, sorted(verdict.signals)
    assert "LINK_BRAND_IN_DOMAIN" not in verdict.signals
    assert "LINK_LOOKALIKE_DOMAIN" not in verdict.signals


@pytest.mark.parametrize("host", [h for h in HONEST if "." in h and not h.endswith((".r2.dev", ".netlify.app"))])
def test_honest_names_are_no_sign(host: str) -> None:
    assert sentinelle.analyze(f"https://{host}/", kind="url").level is Level.NO_SIGN


@pytest.mark.parametrize(
    ("text", "kind", "profile_id", "name_fr"),
    [
        (
            "CAF : une prime exceptionnelle de 150 € vous attend. Réclamez votre prime sur caf-aide-famille.com",
            "sms",
            "caf",
            "la CAF",
        ),
        (
            "DGFiP : après les derniers calculs, vous êtes admissible à recevoir un remboursement de 312,40 €. "
            "Formulaire : https://impots-gouv-remboursement.com/particulier",
            "sms",
            "impots",
            "l'administration fiscale",
        ),
        (
            "Info ANTAI : vous avez une contravention impayée de 35 €. Réglez-la avant majoration sur "
            "https://antai-paiement-amende.com",
            "sms",
            "antai",
            "l'ANTAI",
        ),
    ],
)
def test_message_in_the_name_of_the_body_with_a_lookalike_link(
    text: str, kind: str, profile_id: str, name_fr: str
) -> None:
    verdict = sentinelle.analyze(text, kind=kind)
    assert verdict.level is Level.FRAUD, sorted(verdict.signals)
    assert verdict.organisation == profile_id
    assert {"LINK_BRAND_IN_DOMAIN", "LINK_NOT_OFFICIAL"} <= verdict.signals
    assert any(name_fr in e.explanation for e in verdict.evidence), [e.explanation for e in verdict.evidence]


def test_an_email_in_the_tax_administrations_name_from_elsewhere_is_flagged() -> None:
    raw = (
        "From: DGFiP <ne-pas-repondre@dgfip-finances-gouv.com>\n"
        "To: contribuable@example.fr\n"
        "Subject: Remboursement des finances publiques\n"
        "Content-Type: text/plain; charset=utf-8\n\n"
        "Après les derniers calculs de votre impôt, vous êtes admissible à recevoir un remboursement de 490 €.\n"
        "Remplissez le formulaire de remboursement : https://impots.gouv.fr.espace-remboursement.com/\n"
    ).encode()
    verdict = sentinelle.analyze(raw, kind="email")
    assert verdict.level is Level.FRAUD, sorted(verdict.signals)
    assert verdict.organisation == "impots"
    assert "LURE_REIMBURSEMENT" in verdict.signals
    assert any("impots.gouv.fr" in e.explanation for e in verdict.evidence)


def test_genuine_messages_of_the_bodies_are_no_sign() -> None:
    caf = sentinelle.analyze("CAF : votre attestation est disponible dans Mon Compte sur caf.fr. Une question ? 3230.")
    assert caf.organisation == "caf"
    assert caf.level is Level.NO_SIGN, sorted(caf.signals)
    tax = sentinelle.analyze(
        "Finances publiques : votre avis d'impôt sur le revenu est disponible dans votre espace particulier "
        "sur impots.gouv.fr."
    )
    assert tax.organisation == "impots"
    assert tax.level is Level.NO_SIGN, sorted(tax.signals)


def test_english_verdicts_name_the_bodies_in_english() -> None:
    verdict = sentinelle.analyze("https://antai-paiement-amende.com/", kind="url", lang="en")
    assert any("ANTAI (French agency" in e.explanation for e in verdict.evidence), [
        e.explanation for e in verdict.evidence
    ]


def test_official_numbers_say_whose_they_are() -> None:
    verdict = sentinelle.analyze("0 809 401 401", kind="phone")
    assert verdict.organisation == "impots"
    assert verdict.level is Level.NO_SIGN


# ------------------------------------------------------------------- the lure's explanation gives the body's fact
def _lure(verdict: sentinelle.Verdict, signal: str) -> list[str]:
    return [e.explanation for e in verdict.evidence if e.signal == signal]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_unpaid_fine_in_the_antais_name_gives_the_antais_fact(lang: str) -> None:
    text = "Info ANTAI : vous avez une contravention impayée de 35 €. Réglez-la avant majoration sur antai-paie.com"
    verdict = sentinelle.analyze(text, kind="sms", lang=lang)
    assert verdict.organisation == "antai"
    explanations = _lure(verdict, "LURE_UNPAID")
    assert len(explanations) == 1, explanations
    fact = "ne réclame jamais le paiement d'une amende par SMS" if lang == "fr" else "never asks for a fine to be paid"
    assert fact in explanations[0]
    assert "{" not in explanations[0]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_entitlement_in_the_cafs_name_gives_the_cafs_fact(lang: str) -> None:
    text = "CAF : une prime exceptionnelle de 150 € vous attend. Réclamez votre prime sur caf-aide-famille.com"
    verdict = sentinelle.analyze(text, kind="sms", lang=lang)
    explanations = _lure(verdict, "LURE_ENTITLEMENT")
    assert len(explanations) == 1, explanations
    assert ("la CAF n'annonce pas de prime" if lang == "fr" else "the CAF announces no benefit") in explanations[0]


@pytest.mark.parametrize(
    "text",
    [
        "Vous avez une contravention impayée de 35 €. Réglez-la sur https://x-amende.com",  # an ANTAI phrase too
        "ULYS PEAGE : un solde de 6,80 € reste impayé, merci de régulariser avant le 05/06",  # a toll, not a fine
    ],
)
def test_unpaid_without_a_named_body_is_said_once_with_the_generic_fact(text: str) -> None:
    verdict = sentinelle.analyze(text, kind="sms")
    assert verdict.organisation is None
    explanations = _lure(verdict, "LURE_UNPAID")
    assert len(explanations) == 1, explanations
    assert "les sociétés d'autoroute et les fournisseurs ne font pas payer par SMS" in explanations[0]


def test_every_profile_lure_theme_has_a_template_that_shows_the_fact() -> None:
    knowledge = sentinelle.default_engine().knowledge
    themes = {lure.theme for profile in knowledge.profiles for lure in profile.lures}
    assert {"LURE_UNPAID", "LURE_ENTITLEMENT", "LURE_REIMBURSEMENT"} <= themes
    for lang in ("fr", "en"):
        for theme in themes:
            assert "{fact}" in knowledge.texts[lang].signals[theme], (lang, theme)
    # A generic scenario whose template shows a fact brings its own, for messages that name nobody.
    for generic in knowledge.keywords.generic_lures:
        if "{fact}" in knowledge.texts["fr"].signals[generic.signal]:
            assert generic.fact_fr, generic.signal
            assert generic.fact_en, generic.signal


# ------------------------------------------------------------------------------- profile data of the new readings
@pytest.mark.parametrize(
    ("line", "replacement"),
    [
        ('brand_glued_tokens = ["cafmoncompte"', 'brand_glued_tokens = ["caf", "cafmoncompte"'),  # weak, not strong
        ('brand_numbered_tokens = ["caf"]', 'brand_numbered_tokens = ["cafe"]'),  # no brand word at all
    ],
)
def test_glued_and_numbered_tokens_must_be_brand_words(tmp_path: Path, line: str, replacement: str) -> None:
    source = Path(sentinelle.default_engine().knowledge.profile("caf").path).read_text(encoding="utf-8")
    assert line in source
    bad = tmp_path / "caf.toml"
    bad.write_text(source.replace(line, replacement), encoding="utf-8")
    with pytest.raises(DataError, match="brand_(glued|numbered)_tokens"):
        load_profile(bad)
