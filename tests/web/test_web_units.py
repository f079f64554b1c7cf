"""The web door's parts on their own: CSRF tokens, the token bucket, client keys, highlighting, defanging,
upload typing. Clocks are injected: nothing here waits or measures time."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from webhelpers import png_with_text, wav_silence

from sentinelle.model import Kind
from sentinelle.web.inputs import WebError, upload_kind
from sentinelle.web.present import Defanger, highlight
from sentinelle.web.security import CsrfSigner, RateLimiter, client_key


class Clock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


# ------------------------------------------------------------------------------------------ CSRF
def test_csrf_token_is_bound_to_its_cookie() -> None:
    signer = CsrfSigner(b"k" * 32, max_age_s=3600)
    cookie = signer.new_cookie_value()
    token = signer.token(cookie)
    assert signer.check(cookie, token)
    assert not signer.check(signer.new_cookie_value(), token)
    assert not signer.check(None, token)
    assert not signer.check(cookie, None)


def test_csrf_token_from_another_secret_is_refused() -> None:
    cookie = CsrfSigner.new_cookie_value()
    token = CsrfSigner(b"a" * 32, 3600).token(cookie)
    assert not CsrfSigner(b"b" * 32, 3600).check(cookie, token)


@pytest.mark.parametrize("mangle", [lambda t: t[:-1] + ("0" if t[-1] != "0" else "1"), lambda t: "x" + t, lambda t: ""])
def test_tampered_csrf_token_is_refused(mangle) -> None:  # type: ignore[no-untyped-def]
    signer = CsrfSigner(b"k" * 32, 3600)
    cookie = signer.new_cookie_value()
    assert not signer.check(cookie, mangle(signer.token(cookie)))


def test_csrf_token_expires_and_cannot_come_from_the_future() -> None:
    clock = Clock()
    signer = CsrfSigner(b"k" * 32, max_age_s=600, clock=clock)
    cookie = signer.new_cookie_value()
    token = signer.token(cookie)
    clock.now += 600
    assert signer.check(cookie, token)
    clock.now += 1
    assert not signer.check(cookie, token)
    clock.now -= 10_000
    assert not signer.check(cookie, token)


def test_csrf_secret_must_be_long_enough() -> None:
    with pytest.raises(ValueError, match="16 bytes"):
        CsrfSigner(b"short", 60)


# ------------------------------------------------------------------------------------------ rate
def test_bucket_allows_the_burst_then_refuses_with_the_wait() -> None:
    clock = Clock()
    limiter = RateLimiter(per_minute=6, burst=3, clock=clock)  # one token every 10 s
    assert [limiter.acquire("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.acquire("a") == pytest.approx(10.0)
    clock.now += 5
    assert limiter.acquire("a") == pytest.approx(5.0)
    clock.now += 5
    assert limiter.acquire("a") == 0.0
    assert limiter.acquire("b") == 0.0  # clients are independent


def test_bucket_refills_up_to_the_burst_only() -> None:
    clock = Clock()
    limiter = RateLimiter(per_minute=60, burst=2, clock=clock)
    limiter.acquire("a")
    clock.now += 3600
    assert [limiter.acquire("a") for _ in range(3)][:2] == [0.0, 0.0]
    assert limiter.acquire("a") > 0


def test_bucket_memory_is_bounded() -> None:
    clock = Clock()
    limiter = RateLimiter(per_minute=1, burst=1, max_clients=3, clock=clock)
    limiter.acquire("a")
    for key in ("b", "c", "d"):
        limiter.acquire(key)
    assert limiter.acquire("a") == 0.0  # "a" was forgotten (least recently seen), so it starts full again
    assert limiter.acquire("d") > 0  # "d" is still remembered


def test_bucket_settings_are_checked() -> None:
    with pytest.raises(ValueError, match="per_minute"):
        RateLimiter(per_minute=0, burst=1)


@pytest.mark.parametrize(
    ("host", "key"),
    [
        ("203.0.113.9", "203.0.113.9"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"),
        ("::ffff:192.0.2.1", "192.0.2.1"),
        ("testclient", "testclient"),
        (None, "unknown"),
    ],
)
def test_client_key(host: str | None, key: str) -> None:
    assert client_key(host) == key


# ------------------------------------------------------------------------------------------ display
def test_highlight_marks_every_occurrence_case_insensitively() -> None:
    segments = highlight("AMELI puis ameli, et Ameli-x", ["ameli"])
    assert [(s.text, s.suspicious) for s in segments] == [
        ("AMELI", True),
        (" puis ", False),
        ("ameli", True),
        (", et ", False),
        ("Ameli", True),
        ("-x", False),
    ]


def test_highlight_prefers_the_longer_needle() -> None:
    segments = highlight("votre carte vitale expire", ["carte", "carte vitale expire"])
    assert [s.text for s in segments if s.suspicious] == ["carte vitale expire"]


def test_highlight_without_needles_or_text() -> None:
    assert [(s.text, s.suspicious) for s in highlight("abc", [])] == [("abc", False)]
    assert highlight("", ["a"]) == ()
    assert [(s.text, s.suspicious) for s in highlight("a b", ["a", " "])] == [("a b", False)]  # too short to mark


@given(text=st.text(max_size=200), needles=st.lists(st.text(min_size=1, max_size=8), max_size=5))
def test_highlight_keeps_the_text_whole(text: str, needles: list[str]) -> None:
    assert "".join(s.text for s in highlight(text, needles)) == text


def test_defang_links_of_the_message() -> None:
    defang = Defanger(["sante-infos.net", "xn--amli-bsa.fr", "améli.fr"])
    assert defang("va sur https://sante-infos.net/x?a=b") == "va sur hxxps://sante-infos[.]net/x?a=b"
    assert defang("SANTE-INFOS.NET") == "SANTE-INFOS[.]NET"
    assert defang("http://améli.fr ftp://a.b") == "hxxp://améli[.]fr fxp://a.b"
    assert defang("hxxps://deja.fr") == "hxxps://deja.fr"  # already defanged scheme, host not from the message


def test_defang_without_hosts_still_breaks_schemes() -> None:
    assert Defanger([])("https://a.fr") == "hxxps://a.fr"


# ------------------------------------------------------------------------------------------ uploads
@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("a.png", png_with_text("x"), Kind.IMAGE),
        ("a.bin", b"\xff\xd8\xff\xe0" + bytes(20), Kind.IMAGE),  # JPEG whatever the name
        ("a.wav", wav_silence(0.1), Kind.AUDIO),
        ("a.msg", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), Kind.EMAIL),
        ("a.eml", b"From: a@b.fr\nTo: c@d.fr\nSubject: x\n\nhello", Kind.EMAIL),
        ("a.txt", b"AMELI : votre carte expire", None),
        ("sms", b"texte sans extension", None),
        (None, b"texte", None),
        ("a.html", b"<html><body>x", Kind.WEBPAGE),  # issue 9: saved web pages
        ("page.mhtml", b"From: <Saved by Blink>\nSnapshot-Content-Location: https://x.fr/\n", Kind.WEBPAGE),
        ("crawl.warc", b"WARC/1.0\r\n", Kind.WEBPAGE),
    ],
)
def test_upload_kind_by_content(name: str | None, data: bytes, kind: Kind | None) -> None:
    assert upload_kind(data, name, "application/octet-stream") is kind


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("a.txt", b"PK\x03\x04rest"),
        ("a.eml", b"%PDF-1.4"),
        ("a.txt", b"text with a \x00 byte"),
        ("a.pdf", b"looks like text"),
    ],
)
def test_upload_kind_refuses_other_files(name: str, data: bytes) -> None:
    with pytest.raises(WebError) as caught:
        upload_kind(data, name, "application/octet-stream")
    assert caught.value.status == 415
