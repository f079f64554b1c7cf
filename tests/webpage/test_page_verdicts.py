"""Verdicts on whole web pages built at test time: two kits in the Assurance Maladie's name, the genuine login
page and a mutual insurer's honest one (issue 9, "what it must show")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from webpages import (
    BOT_ID,
    BOT_TOKEN,
    KIT_URL,
    MUTUAL_URL,
    OFFICIAL_URL,
    SHOP_URL,
    VITALE_URL,
    fake_ameli_login,
    fake_vitale_order,
    mutual_login,
    official_login,
    shop_checkout,
)

import sentinelle
from sentinelle import Kind, Level
from sentinelle.cli import main
from sentinelle.indicators import fingerprint


def test_fake_ameli_login_posting_to_a_bot_is_fraud() -> None:
    v = sentinelle.analyze(fake_ameli_login(), kind="webpage", url=KIT_URL)
    assert v.level is Level.FRAUD
    assert v.kind is Kind.WEBPAGE
    assert v.organisation == "assurance_maladie"
    assert {
        "PAGE_PRESENTS_AS_ORGANISATION",
        "PAGE_ASSETS_FROM_OFFICIAL_SITE",
        "PAGE_FORM_BOT_API",
        "PAGE_FORM_CARD_DETAILS",
        "PAGE_MULTI_STEP_FLOW",
        "PAGE_SCRIPT_OBFUSCATED",
        "PAGE_BOT_FILTER",
        "PAGE_FAKE_SECURE_BADGE",
        "LINK_BRAND_IN_DOMAIN",  # the page's own address, judged by the lookalike engine
        "PAGE_FORM_NEVER_ASKED",  # the fields themselves are demands, whatever the page's wording
        "PAGE_IMPERSONATION_HARVEST",
    } <= v.signals
    by_code = {e.signal: e for e in v.evidence}
    steps = by_code["PAGE_FORM_SENSITIVE_DATA"].observed
    assert "numéro de sécurité sociale, mot de passe" in steps[0]
    assert steps[1].startswith("form[1] → api.telegram.org")
    assert "numéro de carte" in steps[1]
    assert by_code["LINK_BRAND_IN_DOMAIN"].location == "page"


def test_bot_token_is_never_repeated_only_its_fingerprint() -> None:
    v = sentinelle.analyze(fake_ameli_login(), kind="webpage", url=KIT_URL, lang="en")
    dumped = json.dumps(v.to_dict(), ensure_ascii=False)
    secret = BOT_TOKEN.split(":", 1)[1]
    assert secret not in dumped
    indicators = next(e for e in v.evidence if e.signal == "PAGE_INDICATORS").observed
    expected = f"bot:api.telegram.org/bot{BOT_ID}:<{fingerprint(BOT_TOKEN)}>"
    assert expected in indicators
    assert "host:ameli-assure-compte.com" in indicators
    assert "form:api.telegram.org" in indicators
    assert next(e for e in v.evidence if e.signal == "PAGE_INDICATORS").weight == 0
    assert "Indicators for fraud teams" in dumped


def test_fake_carte_vitale_order_with_documents_and_a_small_fee_is_fraud() -> None:
    v = sentinelle.analyze(fake_vitale_order(), kind="webpage", url=VITALE_URL)
    assert v.level is Level.FRAUD
    assert {
        "PAGE_FORM_DOCUMENT_UPLOAD",
        "PAGE_FORM_SMALL_PAYMENT",
        "PAGE_FORM_CARD_DETAILS",
        "PAGE_FORM_NEVER_ASKED",
        "PAGE_PRESENTS_AS_ORGANISATION",
    } <= v.signals
    never = {e.observed[0] for e in v.evidence if e.signal == "PAGE_FORM_NEVER_ASKED"}
    assert {"pièce d'identité", "justificatif de domicile", "paiement de frais", "numéro de carte"} <= never
    by_code = {e.signal: e for e in v.evidence}
    assert by_code["PAGE_FORM_DOCUMENT_UPLOAD"].observed == ("pièce d'identité", "justificatif de domicile")
    assert by_code["PAGE_FORM_SMALL_PAYMENT"].observed == ("1,99 €",)
    assert "1,99 €" in by_code["PAGE_FORM_SMALL_PAYMENT"].explanation


def test_the_same_login_form_on_the_real_assure_ameli_fr_is_no_sign() -> None:
    v = sentinelle.analyze(official_login(), kind="webpage", url=OFFICIAL_URL)
    assert v.level is Level.NO_SIGN
    assert v.organisation == "assurance_maladie"
    assert "PAGE_OFFICIAL_HOST" in v.signals
    assert not {s for s in v.signals if s.startswith("PAGE_FORM")}
    assert "NEVER_ASKS_VIOLATION" not in v.signals
    assert "PAGE_INDICATORS" not in v.signals
    assert "LINK_NOT_OFFICIAL" not in v.signals  # its Facebook and YouTube anchors are not its address


def test_kit_html_served_from_the_official_host_still_shows_the_bot() -> None:
    """A compromised official site: the page is its own, but handing data to a chat bot is not."""
    v = sentinelle.analyze(fake_ameli_login(), kind="webpage", url=OFFICIAL_URL)
    assert "PAGE_OFFICIAL_HOST" in v.signals
    assert "PAGE_FORM_BOT_API" in v.signals
    assert v.level is not Level.NO_SIGN


def test_a_mutual_insurers_honest_login_page_is_no_sign() -> None:
    v = sentinelle.analyze(mutual_login(), kind="webpage", url=MUTUAL_URL)
    assert v.level is Level.NO_SIGN
    assert v.organisation is None  # it names the Sécurité sociale, it does not present itself as it
    assert not {s for s in v.signals if s.startswith("PAGE_")}


def test_an_honest_shop_checkout_is_not_flagged() -> None:
    """A card form, a small amount and security badges are ordinary on a shop that speaks in its own name."""
    v = sentinelle.analyze(shop_checkout(), kind="webpage", url=SHOP_URL)
    assert v.level is Level.NO_SIGN
    assert "PAGE_FORM_CARD_DETAILS" in v.signals  # what the form asks is still said
    assert not {"PAGE_FORM_SMALL_PAYMENT", "PAGE_FAKE_SECURE_BADGE", "REQUEST_CARD_SECURITY"} & v.signals


def test_the_kit_without_its_address_is_still_fraud_and_says_the_host_was_not_judged() -> None:
    v = sentinelle.analyze(fake_ameli_login(), kind="webpage")
    assert v.level is Level.FRAUD
    assert "PAGE_ADDRESS_UNKNOWN" in {a.code for a in v.anomalies}
    assert "PAGE_PRESENTS_AS_ORGANISATION" not in v.signals


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.amel1.fr/connexion", "LINK_LOOKALIKE_DOMAIN"),  # a typo of ameli.fr, judged with attribution
        ("https://ameli.fr.secure-login.xyz/", "LINK_LOOKALIKE_DOMAIN"),
        ("https://ameli-remboursement.com/", "LINK_BRAND_IN_DOMAIN"),
    ],
)
def test_the_page_address_is_judged_by_the_lookalike_engine(url: str, expected: str) -> None:
    page = "<html><head><title>Mon compte</title></head><body><h1>Connexion</h1></body></html>"
    v = sentinelle.analyze(page, kind="webpage", url=url)
    assert expected in v.signals
    ev = next(e for e in v.evidence if e.signal == expected)
    assert ev.location == "page"
    assert v.organisation == "assurance_maladie"


def test_english_explanations_and_a_file_through_the_engine(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(fake_vitale_order(), encoding="utf-8")
    v = sentinelle.analyze(path, url=VITALE_URL, lang="en")  # the address alone makes it a web page
    assert v.kind is Kind.WEBPAGE
    text = " ".join(e.explanation for e in v.evidence)
    assert "upload documents" in text
    assert "small card payment" in text


def test_url_with_another_kind_is_an_input_error() -> None:
    with pytest.raises(sentinelle.InputError, match="webpage"):
        sentinelle.analyze("AMELI : bonjour", kind="sms", url="https://example.org/")


def test_cli_check_with_url(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "kit.htm"
    path.write_text(fake_ameli_login(), encoding="utf-8")
    assert main(["check", str(path), "--kind", "webpage", "--url", KIT_URL, "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["kind"] == "webpage"
    assert out["level"] == "fraud"
    assert BOT_TOKEN not in json.dumps(out)
    path.write_text(official_login(), encoding="utf-8")
    assert main(["check", str(path), "--url", OFFICIAL_URL]) == 0
    assert "AUCUN SIGNE" in capsys.readouterr().out


def test_cli_url_alone_judges_the_address(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--url", "https://ameli-remboursement.com/", "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["kind"] == "url"
    assert main(["check", "--fetch"]) == 2  # --fetch needs --url
