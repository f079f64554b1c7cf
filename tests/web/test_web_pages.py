"""The page, without a browser: the plain HTML form flow, CSRF, escaping, defanging, labels, local assets only."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from selectolax.lexbor import LexborHTMLParser as HTMLParser
from webhelpers import HOSTILE, SEED_EMAIL, SEED_SMS, form_token

from sentinelle import Engine
from sentinelle.web import WebSettings, create_app
from sentinelle.web.texts import load_all_texts

NO_FILE = {"file": ("", b"", "application/octet-stream")}  # what a browser sends when no file was chosen


def post_form(client: TestClient, fields: dict[str, str], lang: str = "fr", files: dict | None = None):  # type: ignore[no-untyped-def,type-arg]
    token = form_token(client, lang)
    data = {"csrf": token, "lang": lang, "kind": "auto"} | fields
    return client.post("/analyse", data=data, files=files or NO_FILE)


def doc(response) -> HTMLParser:  # type: ignore[no-untyped-def]
    return HTMLParser(response.text)


def text_of(tree: HTMLParser, selector: str) -> str:
    node = tree.css_first(selector)
    assert node is not None, f"{selector} not found"
    return node.text(separator=" ")


# ---------------------------------------------------------------------------------------- the flow
def test_home_page_form(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    tree = doc(response)
    assert tree.css_first("html").attributes["lang"] == "fr"
    form = tree.css_first("form.check")
    assert form.attributes["method"] == "post"
    assert form.attributes["enctype"] == "multipart/form-data"
    kinds = {n.attributes["value"] for n in tree.css("input[name=kind]")}
    assert kinds == {"auto", "sms", "email", "call", "voicemail", "url", "phone"}
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=strict" in cookie


def test_every_control_has_a_label(client: TestClient) -> None:
    tree = doc(client.get("/"))
    labels = {n.attributes.get("for") for n in tree.css("label")}
    controls = [n for n in tree.css("input, textarea, select") if n.attributes.get("type") != "hidden"]
    assert controls
    for control in controls:
        assert control.attributes.get("id") in labels, control.html
    for fieldset in tree.css("fieldset"):
        assert fieldset.css_first("legend") is not None


def test_seed_sms_gives_fraud_with_why_what_to_do_and_where_to_report(client: TestClient) -> None:
    response = post_form(client, {"text": SEED_SMS, "kind": "sms", "sender": "+33612345678"})
    assert response.status_code == 200, response.text
    tree = doc(response)
    assert text_of(tree, "h1").startswith("Fraude")
    assert "level-fraud" in tree.css_first(".verdict").attributes["class"]
    codes = {n.attributes["data-code"] for n in tree.css("ul.evidence li")}
    assert {"LINK_NOT_OFFICIAL", "LURE_CARD_EXPIRY"} <= codes
    assert "n'expire jamais" in text_of(tree, "ul.evidence")
    assert "Ne répondez pas" in text_of(tree, "ul.advice")
    assert "https://www.33700.fr" in {a.attributes["href"] for a in tree.css("ul.channels a")}
    marked = [m.text() for m in tree.css("#message-text mark")]
    assert any("carte vitale arrive à expiration" in m for m in marked)
    assert any("sante-infos[.]net" in m for m in marked)
    # The path for people who already answered.
    assert "/aide?lang=fr#carte" in {a.attributes["href"] for a in tree.css(".already a")}


def test_links_from_the_message_are_defanged_and_never_links(client: TestClient) -> None:
    text = "AMELI : remboursement en attente sur https://ameli-rembourse.com/login et www.ameli-aide.net"
    tree = doc(post_form(client, {"text": text}))
    hrefs = " ".join(a.attributes.get("href") or "" for a in tree.css("a"))
    assert "ameli-rembourse" not in hrefs
    assert "ameli-aide" not in hrefs
    page_text = tree.body.text()
    assert "hxxps://" in page_text
    assert "ameli-rembourse[.]com" in page_text
    assert "ameli-rembourse.com" not in page_text
    assert "ameli-aide.net" not in page_text


def test_hostile_markup_is_shown_as_text(client: TestClient) -> None:
    response = post_form(client, {"text": HOSTILE})
    assert response.status_code == 200
    assert "&lt;script&gt;alert(&#34;xss&#34;)&lt;/script&gt;" in response.text
    tree = doc(response)
    assert [s.attributes.get("src") for s in tree.css("script")] == ["/static/app.js"]
    assert not [i for i in tree.css("img") if i.attributes.get("src") == "x"]
    assert '<script>alert("xss")</script>' in text_of(tree, "#message-text")
    assert "<img src=x onerror=alert(2)>" in text_of(tree, "#message-text")


def test_seed_email_upload_through_the_form(client: TestClient) -> None:
    files = {"file": ("suspect.eml", SEED_EMAIL.read_bytes(), "message/rfc822")}
    response = post_form(client, {"kind": "email"}, files=files)
    assert response.status_code == 200, response.text
    tree = doc(response)
    assert text_of(tree, "h1").startswith("Fraude")
    assert "LINK_DISPLAYED_OFFICIAL_ELSEWHERE" in {n.attributes["data-code"] for n in tree.css("ul.evidence li")}
    headers = text_of(tree, "dl.headers")
    assert "Assurance Maladie" in headers
    assert "49,90" in headers  # the subject, decoded
    assert "suspect.eml" in text_of(tree, ".facts")
    assert "https://www.signal-spam.fr" in {a.attributes["href"] for a in tree.css("ul.channels a")}
    # The e-mail's own <script> is never part of the page.
    assert "window.location" not in response.text


def test_english_page(client: TestClient) -> None:
    response = post_form(client, {"text": SEED_SMS}, lang="en")
    tree = doc(response)
    assert tree.css_first("html").attributes["lang"] == "en"
    assert text_of(tree, "h1") == "Fraud: this message is a scam"
    assert "never expires" in text_of(tree, "ul.evidence")
    assert "Do not reply" in text_of(tree, "ul.advice")
    switch = tree.css_first("a.lang")
    assert switch.attributes["href"].endswith("lang=fr")


def test_no_sign_is_not_called_safe(client: TestClient) -> None:
    tree = doc(post_form(client, {"text": "Rappel : RDV demain 10h chez le Dr Martin. Pensez à votre carte Vitale."}))
    assert "level-no_sign" in tree.css_first(".verdict").attributes["class"]
    assert "garantie" in text_of(tree, ".verdict")
    assert tree.css_first(".already") is None


# ---------------------------------------------------------------------------------------- refusals
def test_form_without_token_is_refused(client: TestClient) -> None:
    client.get("/")
    response = client.post("/analyse", data={"text": SEED_SMS, "lang": "fr"}, files=NO_FILE)
    assert response.status_code == 403
    assert "Rechargez la page" in text_of(doc(response), "[role=alert]")


def test_token_of_another_browser_is_refused(client: TestClient, app: object) -> None:
    token = form_token(client)
    other = TestClient(app)  # type: ignore[arg-type]
    other.get("/")  # its own cookie
    response = other.post("/analyse", data={"csrf": token, "text": SEED_SMS}, files=NO_FILE)
    assert response.status_code == 403


def test_cross_site_post_without_cookie_is_refused(client: TestClient, app: object) -> None:
    token = form_token(client)
    stranger = TestClient(app)  # type: ignore[arg-type]
    response = stranger.post("/analyse", data={"csrf": token, "text": SEED_SMS}, files=NO_FILE)
    assert response.status_code == 403


def test_empty_form_shows_the_form_again_with_the_reason(client: TestClient) -> None:
    response = post_form(client, {"text": "  ", "sender": "AMELI"})
    assert response.status_code == 422
    tree = doc(response)
    assert "Rien à analyser" in text_of(tree, "[role=alert]")
    assert tree.css_first("#sender").attributes["value"] == "AMELI"  # what was typed is kept
    assert tree.css_first("#text").attributes.get("aria-invalid") == "true"


def test_hostile_text_kept_in_the_form_is_escaped(engine: Engine) -> None:
    small = TestClient(create_app(engine, WebSettings(rate_per_minute=0, max_text_chars=50)))
    response = post_form(small, {"text": "</textarea><script>alert(1)</script>" + "x" * 60})
    assert response.status_code == 422
    tree = doc(response)
    assert tree.css_first("#text").text().startswith("</textarea><script>")
    assert [s.attributes.get("src") for s in tree.css("script")] == ["/static/app.js"]


def test_unsupported_file_through_the_form(client: TestClient) -> None:
    files = {"file": ("facture.pdf", b"%PDF-1.7\n" + bytes(100), "application/pdf")}
    response = post_form(client, {}, files=files)
    assert response.status_code == 415
    assert ".eml" in text_of(doc(response), "[role=alert]")


def test_too_large_upload_through_the_form(engine: Engine) -> None:
    small = TestClient(create_app(engine, WebSettings(rate_per_minute=0, max_upload_bytes=2_000)))
    files = {"file": ("suspect.eml", SEED_EMAIL.read_bytes() * 3, "message/rfc822")}
    response = post_form(small, {}, files=files)
    assert response.status_code == 413
    assert "Mo au plus" in text_of(doc(response), "[role=alert]")


def test_rate_limit_on_the_form(engine: Engine) -> None:
    limited = TestClient(create_app(engine, WebSettings(rate_per_minute=1, rate_burst=1)))
    assert post_form(limited, {"text": SEED_SMS}).status_code == 200
    response = post_form(limited, {"text": SEED_SMS})
    assert response.status_code == 429
    assert "Réessayez dans" in text_of(doc(response), "[role=alert]")
    assert response.headers["retry-after"]


def test_form_works_urlencoded_too(client: TestClient) -> None:
    token = form_token(client)
    response = client.post("/analyse", data={"csrf": token, "text": SEED_SMS})
    assert response.status_code == 200
    assert text_of(doc(response), "h1").startswith("Fraude")


def test_get_on_the_form_target_goes_home(client: TestClient) -> None:
    response = client.get("/analyse?lang=en", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/?lang=en"


def test_unknown_page_is_a_404_page(client: TestClient) -> None:
    response = client.get("/nulle-part")
    assert response.status_code == 404
    assert "n'existe pas" in text_of(doc(response), "h1")


# ---------------------------------------------------------------------------------------- help, assets
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_help_page_lists_every_situation(client: TestClient, lang: str) -> None:
    tree = doc(client.get(f"/aide?lang={lang}"))
    ids = {s.attributes["id"] for s in tree.css("section.situation")}
    assert ids == {"lien", "carte", "mot-de-passe", "papiers", "rappel"}
    assert all(len(s.css("ol li")) >= 2 for s in tree.css("section.situation"))
    card = tree.css_first("#carte").text()
    assert "Perceval" in card
    assert ("opposition" if lang == "fr" else "block") in card


def test_texts_have_the_same_keys_in_both_languages() -> None:
    texts = load_all_texts()
    assert set(texts["fr"].ui) == set(texts["en"].ui)
    assert texts["fr"].ui["title_home"] != texts["en"].ui["title_home"]


@pytest.mark.parametrize("path", ["/", "/aide", "/?lang=en"])
def test_pages_use_only_local_assets_and_no_inline_code(client: TestClient, path: str) -> None:
    response = client.get(path)
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    tree = doc(response)
    for node in tree.css("script, link, img"):
        ref = node.attributes.get("src") or node.attributes.get("href") or ""
        assert ref.startswith("/static/"), node.html
        assert not urlsplit(ref).netloc
    assert all(s.attributes.get("src") for s in tree.css("script")), "inline script"
    assert not tree.css("style"), "inline style element"
    assert not [n for n in tree.css("*") if "style" in n.attributes], "inline style attribute"
    assert not [n for n in tree.css("*") if any(a.startswith("on") for a in n.attributes)], "inline handler"


@pytest.mark.parametrize(
    "asset",
    ["/static/style.css", "/static/app.js", "/static/icons/fraud.svg", "/static/icons/no_sign.svg"],
)
def test_static_assets_are_served_and_self_contained(client: TestClient, asset: str) -> None:
    response = client.get(asset)
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("cache-control", "")
    body = response.text
    assert "@import" not in body
    assert "url(" not in body.replace("url(#", "")  # no fonts or pictures fetched from anywhere
    assert "https://" not in body
    assert "<script" not in body
