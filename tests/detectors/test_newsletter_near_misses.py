"""Issue 3: legitimate newsletters (the 2002 ham) that rules read as scams, and the scams next to them.

A newsletter's own subscription or search box is not a channel for data: the card or password words of its
articles stay article words. A form with any other field (a password, a card number, an IBAN) still is.
"You won't" is not "you won", and a prize's name ("Short List Prize") is not a prize to claim.
"""

from __future__ import annotations

import pytest

from sentinelle import Level
from sentinelle.parsing.html import html_to_text

HEADERS = (
    "From: Tech Weekly <list@techweekly.example.com>\nTo: a@example.org\nSubject: {subject}\n"
    "MIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n\n"
)
ARTICLE = (
    "<p>How to log on to Windows XP if you forget your password. Ten ways to protect your credit card number "
    "when shopping online.</p>"
)


def email(form: str, subject: str = "This week") -> bytes:
    return (HEADERS.format(subject=subject) + f"<html><body>{ARTICLE}{form}</body></html>\n").encode()


@pytest.mark.parametrize(
    "form",
    [
        pytest.param(
            '<form action="https://techweekly.example.com/subscribe">Your e-mail: <input name="email">'
            '<input type="submit" value="Subscribe"></form>',
            id="subscribe",
        ),
        pytest.param(
            '<form action="https://techweekly.example.com/unsub"><input type="hidden" name="list" value="tw">'
            '<input type="email" name="addr"><input type="submit" value="Unsubscribe"></form>',
            id="unsubscribe",
        ),
        pytest.param(
            '<form action="https://www.amazon.example/search"><input name="keywords"><input type="image" '
            'src="https://img.example.com/go.gif"></form>',
            id="search-box",
        ),
        pytest.param(
            '<form action="https://techweekly.example.com/join">Name <input name="name"> E-mail '
            '<input name="email"><select name="format"><option>HTML</option></select></form>',
            id="name-and-address",
        ),
    ],
)
def test_newsletter_form_does_not_turn_article_words_into_requests(analyze, form: str) -> None:
    v = analyze(email(form))
    assert "EMAIL_HTML_FORM" in v.signals  # the form is still reported
    assert not {"REQUEST_CARD", "REQUEST_CREDENTIALS"} & v.signals
    assert v.level is Level.NO_SIGN


@pytest.mark.parametrize(
    ("form", "signal"),
    [
        pytest.param(
            '<form action="https://login.example.net/p">E-mail <input name="email"> Password '
            '<input type="password" name="pw"></form>',
            "REQUEST_CREDENTIALS",
            id="password-field",
        ),
        pytest.param(
            '<form action="https://pay.example.net/p">Card <input name="cc"></form>',
            "REQUEST_CARD",
            id="one-card-field",
        ),
        pytest.param(
            '<form action="https://pay.example.net/p"><input name="name"><input name="number"></form>',
            "REQUEST_CARD",
            id="two-free-fields",
        ),
    ],
)
def test_a_form_that_collects_data_is_still_the_demand(analyze, form: str, signal: str) -> None:
    assert signal in analyze(email(form)).signals


def test_form_fields_read_from_the_html() -> None:
    view = html_to_text(
        '<form action="https://a.example/s"><input name="q"></form>'
        '<form action="https://b.example/p"><input name="iban"></form>'
        '<form action="https://c.example/p"><input type="tel" name="mobile"></form>'
    )
    assert view.forms == ["https://a.example/s", "https://b.example/p", "https://c.example/p"]
    assert view.form_collects == [False, True, True]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Why you won't be buying one from Dell", id="negative-contraction"),
        pytest.param("The Short List Prize's long list is out: six novels from small presses.", id="award-name"),
    ],
)
def test_prize_near_misses_in_newsletters(analyze, text: str) -> None:
    assert "LURE_PRIZE" not in analyze(text, kind="email").signals


@pytest.mark.parametrize(
    "text", ["Congratulations, you won a gift card!", "You have won! Claim your prize today.", "Collect your prize now"]
)
def test_prize_lures_still_found(analyze, text: str) -> None:
    assert "LURE_PRIZE" in analyze(text, kind="email").signals


def test_a_search_box_does_not_hide_a_login_form_with_the_same_target(analyze) -> None:
    form = (
        '<form action="https://login.example.net/p"><input name="q"></form>'
        '<form action="https://login.example.net/p"><input type="password" name="pw"></form>'
    )
    assert "REQUEST_CREDENTIALS" in analyze(email(form)).signals
