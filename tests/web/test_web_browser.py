"""The page in a real browser: Debian's Chromium, headless, driven by Playwright, against the app served on
loopback by uvicorn in a thread. What a citizen does: paste the notice's SMS, upload the seed e-mail, paste a
message full of markup; with the keyboard only, on a phone screen, without JavaScript, in English.

Skipped when Playwright for Python or ``/usr/bin/chromium`` is missing (CI installs the ``chromium`` package;
Playwright's own browser download is not used).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from webhelpers import HOSTILE, SEED_EMAIL, SEED_SMS

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")

from sentinelle import Engine  # noqa: E402
from sentinelle.web import WebSettings, create_app  # noqa: E402
from sentinelle.web.server import HEADLESS_CHROMIUM_ARGS, running  # noqa: E402

Page = Any  # playwright.sync_api.Page (imported lazily above)


@pytest.fixture(scope="module")
def base_url(engine: Engine) -> Iterator[str]:
    with running(create_app(engine, WebSettings(rate_per_minute=0))) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=list(HEADLESS_CHROMIUM_ARGS), headless=True)
        yield chromium
        chromium.close()


class Watch:
    """What a page did besides rendering: dialogs opened, console errors (CSP violations), outside requests."""

    def __init__(self, page: Page, base_url: str) -> None:
        self.dialogs: list[str] = []
        self.console_errors: list[str] = []
        self.foreign_requests: list[str] = []

        def on_dialog(dialog: Any) -> None:
            self.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.on("console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None)
        page.on("request", lambda r: None if r.url.startswith(base_url) else self.foreign_requests.append(r.url))

    def assert_clean(self) -> None:
        assert self.dialogs == []
        assert self.console_errors == []
        assert self.foreign_requests == []


def new_page(browser: Any, base_url: str, **context: Any) -> tuple[Page, Watch]:
    page = browser.new_context(**context).new_page()
    return page, Watch(page, base_url)


def submit(page: Page, label: str = "Analyser") -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=label).click()


# ---------------------------------------------------------------------------------------- scenarios
def test_pasted_sms_shows_fraud_why_and_advice(browser: Any, base_url: str) -> None:
    page, watch = new_page(browser, base_url)
    page.goto(f"{base_url}/")
    page.get_by_label("SMS", exact=True).check()
    page.get_by_label("Le message").fill(SEED_SMS)
    page.get_by_label("Expéditeur affiché (numéro ou nom)").fill("+33612345678")
    submit(page)
    assert re.match(r"Fraude", page.locator("h1").inner_text())
    why = page.locator("ul.evidence").inner_text()
    assert "n'est pas un site de l'Assurance Maladie" in why
    assert "n'expire jamais" in why
    assert "Ne répondez pas" in page.locator("ul.advice").inner_text()
    assert page.get_by_role("link", name="33700 (SMS et appels frauduleux)").is_visible()
    marks = page.locator("#message-text mark").all_inner_texts()
    assert any("carte vitale arrive à expiration" in m for m in marks)
    assert page.get_by_role("link", name=re.compile("J'ai donné ma carte bancaire")).is_visible()
    watch.assert_clean()


def test_seed_email_upload(browser: Any, base_url: str) -> None:
    page, watch = new_page(browser, base_url)
    page.goto(f"{base_url}/")
    page.get_by_label("E-mail", exact=True).check()
    page.get_by_label("Ou un fichier").set_input_files(str(SEED_EMAIL))
    assert "displayed_ameli_link_to_lookalike.eml" in page.locator("#file-status").inner_text()  # app.js
    submit(page)
    assert page.locator("h1").inner_text().startswith("Fraude")
    assert page.locator("li[data-code=LINK_DISPLAYED_OFFICIAL_ELSEWHERE]").is_visible()
    assert "Signal Spam" in page.locator("ul.channels").inner_text()
    watch.assert_clean()


def test_markup_in_a_message_is_shown_as_text(browser: Any, base_url: str) -> None:
    page, watch = new_page(browser, base_url)
    page.goto(f"{base_url}/")
    page.get_by_label("Le message").fill(HOSTILE)
    submit(page)
    shown = page.locator("#message-text").inner_text()
    assert '<script>alert("xss")</script>' in shown
    assert "<img src=x onerror=alert(2)>" in shown
    assert page.locator("img[src=x]").count() == 0
    assert page.locator("script:not([src])").count() == 0
    page.wait_for_timeout(300)  # let a (wrongly) injected handler fire, if there were one
    watch.assert_clean()


def test_keyboard_only(browser: Any, base_url: str) -> None:
    page, watch = new_page(browser, base_url)
    page.goto(f"{base_url}/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"  # first stop: skip to content
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "text":
            break
    else:
        pytest.fail("the message field cannot be reached with Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # focus is visible
    page.keyboard.type(SEED_SMS)
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "BUTTON":
            break
    else:
        pytest.fail("the submit button cannot be reached with Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text().startswith("Fraude")
    watch.assert_clean()


def test_without_javascript(browser: Any, base_url: str) -> None:
    page, watch = new_page(browser, base_url, java_script_enabled=False)
    page.goto(f"{base_url}/")
    page.get_by_label("Le message").fill(SEED_SMS)
    submit(page)
    assert page.locator("h1").inner_text().startswith("Fraude")
    watch.assert_clean()


def test_phone_screen_has_no_sideways_scrolling(browser: Any, base_url: str) -> None:
    page, watch = new_page(browser, base_url, viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    page.goto(f"{base_url}/")
    overflow = "document.documentElement.scrollWidth - window.innerWidth"
    assert page.evaluate(overflow) <= 0
    page.get_by_label("Le message").fill(SEED_SMS + " " + "https://ameli-" + "x" * 150 + ".com/very/long/path")
    submit(page)
    assert page.evaluate(overflow) <= 0
    box = page.get_by_role("link", name="Analyser un autre message").bounding_box()
    assert box is not None
    assert box["height"] >= 44  # touch target
    watch.assert_clean()


def test_english(browser: Any, base_url: str) -> None:
    page, watch = new_page(browser, base_url)
    page.goto(f"{base_url}/")
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("^English")).click()
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_label("The message").fill(SEED_SMS)
    submit(page, "Check")
    assert page.locator("h1").inner_text() == "Fraud: this message is a scam"
    assert "never expires" in page.locator("ul.evidence").inner_text()
    watch.assert_clean()


# ---------------------------------------------------------------------------------------- contrast
_CONTRAST_JS = """
(selector) => {
  const rgb = (s) => (s.match(/[\\d.]+/g) || []).map(Number);
  const out = [];
  for (const el of document.querySelectorAll(selector)) {
    let node = el, bg = null;
    while (node && node.nodeType === 1) {
      const c = rgb(getComputedStyle(node).backgroundColor);
      if (c.length >= 3 && (c.length < 4 || c[3] > 0)) { bg = c; break; }
      node = node.parentElement;
    }
    out.push({fg: rgb(getComputedStyle(el).color), bg: bg || [255, 255, 255]});
  }
  return out;
}
"""


def _luminance(rgb: list[float]) -> float:
    def channel(c: float) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(fg: list[float], bg: list[float]) -> float:
    light, dark = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize(
    ("text", "level"),
    [
        (SEED_SMS, "fraud"),
        ("AMELI : un remboursement vous attend, répondez à ce message", "suspicious"),
        ("Rappel : RDV demain 10h chez le Dr Martin. Pensez à votre carte Vitale.", "no_sign"),
        ("ok", "unknown"),
    ],
)
def test_text_contrast_meets_wcag_aa(browser: Any, base_url: str, text: str, level: str) -> None:
    page, _ = new_page(browser, base_url)
    page.goto(f"{base_url}/")
    selectors = ["body", "label", ".hint", "header.site a", "header.site .tagline", "button.primary", "footer.site p"]
    checked = [(s, pair) for s in selectors for pair in page.evaluate(_CONTRAST_JS, s)]
    page.get_by_label("Le message").fill(text)
    submit(page)
    assert page.locator(f".verdict.level-{level}").count() == 1, page.locator("h1").inner_text()
    for s in [
        ".verdict h1",
        ".verdict p",
        ".verdict dd",
        "ul.evidence li",
        "mark",
        "ul.channels a",
        "a.button",
        "code",
    ]:
        checked += [(s, pair) for pair in page.evaluate(_CONTRAST_JS, s)]
    low = [(s, p, round(contrast(p["fg"], p["bg"]), 2)) for s, p in checked if contrast(p["fg"], p["bg"]) < 4.5]
    assert not low, low
