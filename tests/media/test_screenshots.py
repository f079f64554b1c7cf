"""Screenshots end to end (Tesseract on pictures drawn at test time) and the OCR post-processing alone."""

from __future__ import annotations

import sys

import pytest

import sentinelle
from sentinelle import Level
from sentinelle.config import Limits
from sentinelle.errors import UnsupportedInput
from sentinelle.media.image import read_image
from sentinelle.media.ocr import Line, Word, tessdata_dir
from sentinelle.media.screentext import compose

from .screens import screenshot

needs_tesseract = pytest.mark.skipif(tessdata_dir() is None, reason="Debian tesseract-ocr-fra/-eng not installed")


def domains(verdict: sentinelle.Verdict) -> set[str]:
    return {e for ev in verdict.evidence for e in ev.observed}


def codes(verdict: sentinelle.Verdict) -> set[str]:
    return {a.code for a in verdict.anomalies}


# ------------------------------------------------------------------ genuine messages stay genuine
@needs_tesseract
def test_doctolib_reminder_screenshot_has_no_sign() -> None:
    picture = screenshot(
        "Rappel : RDV le mardi 12 mars à 10h30 avec le Dr Martin, 4 rue des Lilas, Lyon. "
        "Pour annuler ou déplacer : doctolib.fr",
        sender="Doctolib",
    )
    verdict = sentinelle.analyze(picture, kind="image")
    assert verdict.level is Level.NO_SIGN, verdict.signals
    assert "IMAGE_TEXT_READ" in codes(verdict)


@needs_tesseract
def test_ameli_sms_from_38663_to_ameli_fr_has_no_sign_and_its_sender_is_read() -> None:
    picture = screenshot(
        "Assurance Maladie : votre attestation de droits est disponible dans votre compte sur https://www.ameli.fr",
        sender="38663",
    )
    verdict = sentinelle.analyze(picture, kind="image")
    assert verdict.level is Level.NO_SIGN, verdict.signals
    assert "SMS_SENDER_OFFICIAL" in verdict.signals  # the sender shown in the header was recovered


# ------------------------------------------------------------------ scams, wrapped links, dark mode
@needs_tesseract
@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_scam_with_a_link_wrapped_by_the_phone_is_fraud_and_the_domain_is_read(dark: bool) -> None:
    picture = screenshot(
        "AMELI : votre carte Vitale arrive à expiration, mettez-la à jour : https://ameli-servicepublique.com/info",
        sender="06 12 34 56 78",
        dark=dark,
    )
    verdict = sentinelle.analyze(picture, kind="image")
    assert verdict.level is Level.FRAUD
    assert "ameli-servicepublique.com" in domains(verdict)
    assert "MOBILE_AS_INSTITUTION" in verdict.signals  # the sender line +33 6... was read from the header


@needs_tesseract
def test_small_screenshot_is_enlarged_before_reading() -> None:
    picture = screenshot(
        "Chronopost : une erreur est survenue lors de la livraison de votre colis : infosuivi-colis.com",
        scale=0.4,
    )
    reading = read_image(picture, limits=Limits())
    assert "infosuivi-colis.com" in reading.text
    assert sentinelle.analyze(picture, kind="image").level in (Level.SUSPICIOUS, Level.FRAUD)


# ------------------------------------------------------------------ post-processing of OCR lines
def lines(*rows: str | tuple[str, float], paragraph: tuple[int, ...] = ()) -> list[Line]:
    out = []
    for k, row in enumerate(rows):
        text, confidence = (row, 95.0) if isinstance(row, str) else row
        words = [Word(w, confidence, (0, 40 * k, 10, 40 * k + 30)) for w in text.split()]
        out.append(Line(words, paragraph_start=k in paragraph))
    return out


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (("mettez à jour via : https://ameli-", "servicepublique.com/info"), "https://ameli-servicepublique.com/info"),
        (("via le lien ci-dessous : https://", "bit.ly/3xAm"), "https://bit.ly/3xAm"),
        (("http://service-client-orange", ".com/?page=+336"), "http://service-client-orange.com/?page=+336"),
        (("Suivez : https://bpost-sorteercentrum", "© .com/bpost/x.php"), "https://bpost-sorteercentrum.com/bpost/x.php"),
        (("le formulaire suivant : monespa", "@ ce-secure.info"), "monespace-secure.info"),
        (("https://monem.example.fr/t/?6qVt", "TLNL2B5P7VEuTAR7"), "https://monem.example.fr/t/?6qVtTLNL2B5P7VEuTAR7"),
    ],
    ids=["hyphen", "scheme-alone", "dot-next-line", "icon-before-continuation", "after-lead-in", "code-line"],
)
def test_addresses_wrapped_by_the_phone_are_rejoined(rows: tuple[str, ...], expected: str) -> None:
    assert expected in compose(lines(*rows)).text


def test_a_sentence_is_not_glued_to_the_next_line() -> None:
    text = compose(lines("Votre colis est arrivé.", "Merci de votre confiance")).text
    assert "arrivé. Merci" in text


@pytest.mark.parametrize(
    ("read", "judged"),
    [
        ("https://bit.1y/abc", "https://bit.ly/abc"),  # a digit one in the ending
        ("https://Dit.|y/abc", "https://bit.ly/abc"),  # "|" for l, then one letter from a shortener
        ("https://amendes-reglement-pvcom", "https://amendes-reglement-pv.com"),  # a lost dot
        ("https://www.ameIi.fr/x", "https://www.ameli.fr/x"),  # capital I amid lower case: the screen showed l
    ],
)
def test_predictable_ocr_mistakes_in_addresses_are_repaired_and_reported(read: str, judged: str) -> None:
    result = compose(lines(("voir : " + read, 60.0)))
    assert judged in result.text
    assert any(a.code == "OCR_LINK_REPAIRED" and a.params["judged"] == judged for a in result.anomalies)


def test_a_lost_dot_read_as_a_space_is_restored() -> None:
    result = compose(lines("la régler via https://service", "-public-amendes fr"))
    assert "https://service-public-amendes.fr" in result.text


def test_a_host_is_never_snapped_to_an_official_domain() -> None:
    # One letter away from ameli.fr, read with doubt: judged as read (a lookalike), not "corrected".
    result = compose(lines(("voir : https://amelj.fr/x", 40.0)))
    assert "https://amelj.fr/x" in result.text


def test_short_link_codes_with_look_alike_characters_are_reported() -> None:
    result = compose(lines(("Validez : https://bit.ly/3xAmEl1", 90.0)))
    notes = {a.code: a for a in result.anomalies}
    assert notes["OCR_SHORT_LINK_AMBIGUOUS"].params["domain"] == "bit.ly"


def test_low_confidence_addresses_are_reported() -> None:
    result = compose(lines(("Suivez https://chronopost-interruption.com", 52.0)))
    assert [a.params["confidence"] for a in result.anomalies if a.code == "OCR_LINK_LOW_CONFIDENCE"] == ["52"]


@pytest.mark.parametrize(
    ("rows", "sender"),
    [
        (("< +33 7 84 51 77 46 (i)", "Message", "Bonjour votre colis"), "+33 7 84 51 77 46"),
        (("20:33 46%", "Échange de SMS/MMS avec 07 76 21 39 70", "[BANQUE] paiement"), "07 76 21 39 70"),
        (("€ 36179 C3", "Facture impayée"), "36179"),
        (("10:17 95 %", "Bonjour"), None),
    ],
)
def test_the_sender_shown_in_the_header_is_found(rows: tuple[str, ...], sender: str | None) -> None:
    assert compose(lines(*rows), height=2000).sender == sender


# ------------------------------------------------------------------ the extra is optional
def test_missing_ocr_library_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "tesserocr", None)  # import tesserocr now raises ImportError
    with pytest.raises(UnsupportedInput, match=r"pip install 'sentinelle\[image\]'"):
        read_image(screenshot("Bonjour"), limits=Limits())


def test_missing_pillow_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "PIL", None)
    with pytest.raises(UnsupportedInput, match=r"pip install 'sentinelle\[image\]'"):
        read_image(b"\x89PNG\r\n\x1a\n" + b"\0" * 64, limits=Limits())


@needs_tesseract
def test_an_iphone_heic_screenshot_is_recognised_by_content_and_read() -> None:
    pillow_heif = pytest.importorskip("pillow_heif", reason="extra 'heic' not installed")
    import io

    from PIL import Image

    png = screenshot(
        "AMELI : votre carte Vitale arrive à expiration, mettez-la à jour : https://ameli-servicepublique.com/info",
        sender="06 12 34 56 78",
    )
    pillow_heif.register_heif_opener()
    heic = io.BytesIO()
    Image.open(io.BytesIO(png)).save(heic, format="HEIF", quality=90)
    verdict = sentinelle.analyze(heic.getvalue())  # no kind given: the ftyp box says HEIC
    assert verdict.kind is sentinelle.Kind.IMAGE
    assert verdict.level is Level.FRAUD
    assert "ameli-servicepublique.com" in domains(verdict)
