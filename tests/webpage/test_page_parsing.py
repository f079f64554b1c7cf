"""Reading saved pages: HTML, MHTML and WARC containers, encodings, what the page is made of."""

from __future__ import annotations

import gzip
import zlib
from email.mime.image import MIMEImage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from pathlib import Path

import pytest
from webpages import KIT_URL, fake_ameli_login

import sentinelle
from sentinelle import Engine, Kind, Message
from sentinelle.model import LinkSource


def _parse(engine: Engine, source: str | bytes | Path, url: str | None = None) -> Message:
    return engine.parse(source, kind="webpage", url=url)


def _codes(msg: Message) -> set[str]:
    return {a.code for a in msg.anomalies}


def _mhtml(html: str, location: str) -> bytes:
    """An MHTML file as Chrome saves it: multipart/related, the page then its resources."""
    root = MIMEMultipart("related", type="text/html")
    root["From"] = "<Saved by Blink>"
    root["Snapshot-Content-Location"] = location
    root["Subject"] = "Connexion"
    page = MIMEText(html, "html", "utf-8")
    page["Content-Location"] = location
    root.attach(page)
    logo = MIMEImage(b"\x89PNG\r\n\x1a\n" + b"\x00" * 16, "png")
    logo["Content-Location"] = "https://www.ameli.fr/logo-ameli.png"
    root.attach(logo)
    return root.as_bytes()


def _warc_record(rtype: str, uri: str, block: bytes, content_type: str = "application/http; msgtype=response") -> bytes:
    head = (
        f"WARC/1.0\r\nWARC-Type: {rtype}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2026-11-28T10:00:00Z\r\n"
        f"Content-Type: {content_type}\r\nContent-Length: {len(block)}\r\n\r\n"
    ).encode()
    return head + block + b"\r\n\r\n"


def _http(status: str, headers: dict[str, str], body: bytes) -> bytes:
    lines = [f"HTTP/1.1 {status}"] + [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def test_the_page_address_comes_first_and_same_host_targets_are_left_out(engine: Engine) -> None:
    msg = _parse(engine, fake_ameli_login(), KIT_URL)
    assert msg.kind is Kind.WEBPAGE
    assert msg.links[0].source is LinkSource.INPUT
    assert msg.links[0].location == "page"
    assert msg.links[0].host == "ameli-assure-compte.com"
    assert all(lk.host != "ameli-assure-compte.com" for lk in msg.links[1:])
    assert msg.subject is not None
    assert msg.subject.startswith("Connexion à mon compte ameli")
    page = msg.page
    assert page is not None
    assert page.registrable_domain == "ameli-assure-compte.com"
    assert [f.hidden for f in page.forms] == [False, True]
    assert [f.name for f in page.forms[1].fields] == ["chat_id", "ccnum", "exp", "cvv"]
    assert "https://assure.ameli.fr/PortailAS/css/portail.css" in page.resources
    # Placeholders and button captions are what a visitor reads: they are part of the text.
    assert "Cryptogramme visuel" in msg.text
    assert "Je me connecte" in msg.text
    # The bot token never reaches the links or the form targets, only its fingerprint.
    assert all("AAF4kq9x" not in lk.url for lk in msg.links)
    assert "AAF4kq9x" not in page.forms[1].action


def test_relative_targets_resolve_against_base_href_or_the_page(engine: Engine) -> None:
    html = (
        "<html><head><title>x</title></head><body><form action='../send.php'><input name=a></form>"
        "<a href='//cdn.example.net/x'>cdn</a><img src='logo.png' alt='Logo'></body></html>"
    )
    page = _parse(engine, html, "https://site.example.org/dir/page.html").page
    assert page is not None
    assert page.forms[0].action == "https://site.example.org/send.php"
    assert page.images == (("https://site.example.org/dir/logo.png", "Logo"),)
    based = _parse(engine, html.replace("<title>", "<base href='https://other.example.com/k/'><title>"), None).page
    assert based is not None
    assert based.forms[0].action == "https://other.example.com/send.php"


def test_mhtml_gives_its_page_address_and_saved_resources(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "connexion.mhtml"
    path.write_bytes(_mhtml(fake_ameli_login(), KIT_URL))
    msg = engine.parse(path)  # recognised by content (its headers look like an e-mail's)
    assert msg.kind is Kind.WEBPAGE
    assert msg.page is not None
    assert msg.page.url == KIT_URL
    assert "https://www.ameli.fr/logo-ameli.png" in msg.page.resources
    assert "PAGE_ADDRESS_UNKNOWN" not in _codes(msg)
    v = sentinelle.analyze(path)
    assert v.level is sentinelle.Level.FRAUD


def test_warc_response_record_after_a_redirect(engine: Engine, tmp_path: Path) -> None:
    body = fake_ameli_login().encode("utf-8")
    compressed = gzip.compress(body)
    chunked = b"%x\r\n" % len(compressed) + compressed + b"\r\n0\r\n\r\n"
    warc = (
        _warc_record("warcinfo", "", b"software: test\r\n", "application/warc-fields")
        + _warc_record("request", "https://bit.ly/3ameli", b"GET /3ameli HTTP/1.1\r\n\r\n", "application/http")
        + _warc_record("response", "https://bit.ly/3ameli", _http("301 Moved", {"Location": KIT_URL}, b""))
        + _warc_record(
            "response",
            KIT_URL,
            _http("200 OK", {"Content-Type": "text/html; charset=utf-8", "Transfer-Encoding": "chunked",
                             "Content-Encoding": "gzip"}, chunked),
        )
    )
    for name, data in (("crawl.warc", warc), ("crawl.warc.gz", gzip.compress(warc))):
        path = tmp_path / name
        path.write_bytes(data)
        msg = engine.parse(path)
        assert msg.kind is Kind.WEBPAGE, name
        assert msg.page is not None
        assert msg.page.url == KIT_URL
        assert msg.page.status == 200
        assert "Mon compte ameli" in msg.text
        hops = [lk for lk in msg.links if lk.location == "redirect[0]"]
        assert [lk.host for lk in hops] == ["bit.ly"]
    v = sentinelle.analyze(tmp_path / "crawl.warc")
    assert "LINK_SHORTENER" in v.signals  # the recorded hop is judged like any link


def test_warc_without_a_page_says_so(engine: Engine) -> None:
    warc = _warc_record("response", "https://x.example/", _http("200 OK", {"Content-Type": "image/png"}, b"\x89PNG"))
    msg = _parse(engine, warc)
    assert "PAGE_NOT_FOUND_IN_CONTAINER" in _codes(msg)


def test_saved_from_comment_gives_the_address(engine: Engine) -> None:
    html = "<!-- saved from url=(0044)https://ameli-assure-compte.com/connexion -->\n" + fake_ameli_login()
    msg = _parse(engine, html.encode("utf-8"))
    assert msg.page is not None
    assert msg.page.host == "ameli-assure-compte.com"


@pytest.mark.parametrize(
    ("data", "expected_text", "anomaly"),
    [
        ('<meta charset="iso-8859-1"><title>t</title><p>Sécurité sociale</p>'.encode("latin-1"), "Sécurité", None),
        ('<meta http-equiv="Content-Type" content="text/html; charset=windows-1252"><p>Carte à puce</p>'.encode(
            "cp1252"), "Carte à puce", None),
        (b"<meta charset='x-klingon'><p>Carte Vitale</p>", "Carte Vitale", "PAGE_BAD_CHARSET"),
        (b"<html><p>Carte \xe0 puce \xff\xfe</p></html>", "Carte à puce", "INVALID_UTF8"),
        ("\ufeff<html><p>Numéro</p></html>".encode("utf-16"), "Numéro", None),
        (b"<meta charset=utf-7><p>+AGEAbQBl-li</p>", "+AGEAbQBl-li", "PAGE_BAD_CHARSET"),  # never decoded as UTF-7
        (b"<html><p>\xed\xa0\x80 lone surrogate bytes \x00 NUL</p></html>", "lone surrogate bytes", "INVALID_UTF8"),
    ],
)
def test_encodings(engine: Engine, data: bytes, expected_text: str, anomaly: str | None) -> None:
    msg = _parse(engine, b"<!doctype html>" + data if not data.startswith(b"\xff\xfe") else data)
    assert expected_text in msg.text
    if anomaly:
        assert anomaly in _codes(msg)
    msg.text.encode("utf-8")  # every string leaving the parser encodes


def test_kind_is_recognised_from_content_and_file_name(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "page.htm"
    path.write_text("<p>Mon compte ameli</p>", encoding="utf-8")
    assert engine.parse(path).kind is Kind.WEBPAGE
    assert engine.parse(b"<!DOCTYPE html><p>x</p>").kind is Kind.WEBPAGE
    assert engine.parse("<html><body>AMELI</body></html>").kind is Kind.WEBPAGE
    assert engine.parse(b"WARC/1.0\r\n\r\n").kind is Kind.WEBPAGE


def test_fields_outside_forms_are_read(engine: Engine) -> None:
    html = (
        "<html><title>Mon compte ameli</title><body><div><input name=iban placeholder='IBAN'>"
        "<input type=password id=p><button onclick=\"send()\">OK</button></div></body></html>"
    )
    page = _parse(engine, html, KIT_URL).page
    assert page is not None
    assert page.forms[-1].location == "page:fields"
    assert [f.name for f in page.forms[-1].fields] == ["iban", "p"]
    v = sentinelle.analyze(html, kind="webpage", url=KIT_URL)
    assert "PAGE_FORM_SENSITIVE_DATA" in v.signals


def test_compressed_content_that_is_not_gzip_is_an_anomaly(engine: Engine) -> None:
    record = _warc_record(
        "response", KIT_URL, _http("200 OK", {"Content-Type": "text/html", "Content-Encoding": "gzip"}, b"nope")
    )
    assert "PAGE_CONTENT_UNREADABLE" in _codes(_parse(engine, record))
    raw = zlib.compress(b"<html><p>deflated</p></html>")
    record = _warc_record(
        "response", KIT_URL, _http("200 OK", {"Content-Type": "text/html", "Content-Encoding": "deflate"}, raw)
    )
    assert "deflated" in _parse(engine, record).text
