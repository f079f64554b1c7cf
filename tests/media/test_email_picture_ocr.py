"""Image-only e-mails: the whole message is a picture (``Limits.email_picture_ocr``).

A phishing e-mail that is one picture with the ameli logo and the wording says nothing in text; the words
are read by OCR when the e-mail's own text is short, from its largest pictures only, and the verdict says
they were read from a picture. Off by default (a gateway's budget); on for the single-message doors.
"""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image, ImageDraw, ImageFont

from sentinelle import Config, Engine, Level, Limits
from sentinelle.cli import main

from .screens import FONT

pytest.importorskip("tesserocr")

WORDING = (
    "ASSURANCE MALADIE\n"
    "Votre carte Vitale expire le 30/11.\n"
    "Pour recevoir votre nouvelle carte, confirmez vos informations\n"
    "et reglez les frais d'envoi de 1,99 EUR par carte bancaire\n"
    "sur ameli-carte-vitale-renouvellement.com avant 48 heures."
)


def poster(text: str) -> bytes:
    """A PNG 'e-mail body' picture: black text on white, as scam e-mails draw their wording."""
    font = ImageFont.truetype(FONT, 26)
    lines = text.split("\n")
    image = Image.new("RGB", (1000, 70 + 42 * len(lines)), "white")
    draw = ImageDraw.Draw(image)
    for k, line in enumerate(lines):
        draw.text((30, 30 + 42 * k), line, font=font, fill="black")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def email(body_text: str, picture: bytes) -> bytes:
    encoded = base64.encodebytes(picture).decode()
    return "\r\n".join([
        "From: Service <info@notif-service.example>", "To: vous@example.fr", "Subject: Information importante",
        "MIME-Version: 1.0", 'Content-Type: multipart/related; boundary="r1"', "",
        "--r1", "Content-Type: text/html; charset=utf-8", "",
        f'<html><body><p>{body_text}</p><a href="https://bit.ly/3xAmeli"><img src="cid:p1"></a></body></html>',
        "--r1", "Content-Type: image/png", "Content-ID: <p1>", "Content-Transfer-Encoding: base64", "", encoded,
        "--r1--", "",
    ]).encode()


OCR_ENGINE = Engine(Config(limits=Limits(email_picture_ocr=2)))


def test_the_words_of_an_image_only_email_are_read_and_judged() -> None:
    raw = email("", poster(WORDING))
    verdict = OCR_ENGINE.analyze(raw, kind="email")
    read = [a for a in verdict.anomalies if a.code == "EMAIL_PICTURE_TEXT_READ"]
    assert len(read) == 1
    assert "vitale" in read[0].params["text"].lower()
    assert verdict.level is Level.FRAUD
    assert verdict.organisation == "assurance_maladie"
    msg = OCR_ENGINE.parse(raw, kind="email")
    assert any("ameli-carte-vitale-renouvellement.com" in link.url for link in msg.links)


def test_by_default_pictures_are_not_read() -> None:
    verdict = Engine().analyze(email("", poster(WORDING)), kind="email")
    assert not any(a.code == "EMAIL_PICTURE_TEXT_READ" for a in verdict.anomalies)


def test_an_email_that_says_enough_in_text_keeps_its_pictures_unread() -> None:
    words = " ".join(["Bonjour, voici les nouvelles du club de randonnée de ce mois-ci."] * 6)
    verdict = OCR_ENGINE.analyze(email(words, poster(WORDING)), kind="email")
    assert not any(a.code == "EMAIL_PICTURE_TEXT_READ" for a in verdict.anomalies)


def test_a_broken_picture_is_an_anomaly_not_a_crash() -> None:
    picture = poster(WORDING)
    verdict = OCR_ENGINE.analyze(email("", picture[: len(picture) // 2]), kind="email")
    assert verdict.failures == ()
    assert not any(a.code == "EMAIL_PICTURE_TEXT_READ" for a in verdict.anomalies)


def test_check_reads_pictures_and_scan_does_not_unless_asked(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "poster.eml"
    path.write_bytes(email("", poster(WORDING)))
    outputs = {}
    for name, argv in {
        "check": ["check", str(path), "--json"],
        "check-off": ["check", str(path), "--json", "--ocr-email-pictures", "0"],
        "scan": ["scan", str(path), "--jsonl", "--workers", "1"],
        "scan-on": ["scan", str(path), "--jsonl", "--workers", "1", "--ocr-email-pictures", "2"],
    }.items():
        out = io.StringIO()
        main(argv, stdout=out)
        outputs[name] = "EMAIL_PICTURE_TEXT_READ" in out.getvalue()
    assert outputs == {"check": True, "check-off": False, "scan": False, "scan-on": True}


def test_a_huge_picture_is_not_read_and_says_so() -> None:
    out = io.BytesIO()
    Image.new("L", (4000, 2000), 255).save(out, "PNG")  # 8 megapixels, past the OCR bound, cheap to build
    verdict = OCR_ENGINE.analyze(email("", out.getvalue()), kind="email")
    assert any(a.code == "IMAGE_TOO_LARGE" and a.location.endswith(":ocr") for a in verdict.anomalies)
    assert not any(a.code == "EMAIL_PICTURE_TEXT_READ" for a in verdict.anomalies)
