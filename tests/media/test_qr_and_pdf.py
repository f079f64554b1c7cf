"""QR codes generated at test time with segno: in pictures (rotated, blurred, JPEG), in PDF pages, in e-mails."""

from __future__ import annotations

import base64
import io

import pypdfium2
import pytest
import segno
from PIL import Image, ImageFilter

import sentinelle
from sentinelle import Level
from sentinelle.media.pdf import read_pdf
from sentinelle.media.qr import read_codes, read_grey, url_of
from sentinelle.model import LinkSource

from .screens import screenshot

SCAM_URL = "https://ameli-remboursement.fr-secu.info/r?c=FR29X8&t=1"


def qr_picture(data: str = SCAM_URL, *, scale: int = 6) -> Image.Image:
    out = io.BytesIO()
    segno.make(data, error="m").save(out, kind="png", scale=scale, border=4)
    return Image.open(io.BytesIO(out.getvalue())).convert("RGB")


def on_page(
    code: Image.Image, *, size: tuple[int, int] = (1240, 1754), at: tuple[int, int] = (300, 500)
) -> Image.Image:
    page = Image.new("RGB", size, "white")
    page.paste(code, at)
    return page


def png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def jpeg(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


def damaged(kind: str) -> bytes:
    page = on_page(qr_picture())
    if kind == "rotated":
        return png(page.rotate(17, expand=True, fillcolor="white"))
    if kind == "blurred":
        return png(page.filter(ImageFilter.GaussianBlur(1.5)))
    if kind == "jpeg":
        return jpeg(page.rotate(7, expand=True, fillcolor="white").filter(ImageFilter.GaussianBlur(1)), 30)
    return png(page.resize((620, 877)))  # "small": a code of about 110 pixels


@pytest.mark.parametrize("kind", ["rotated", "blurred", "jpeg", "small"])
def test_qr_code_in_a_picture_becomes_a_judged_link(kind: str) -> None:
    verdict = sentinelle.analyze(damaged(kind), kind="image")
    assert verdict.level in (Level.SUSPICIOUS, Level.FRAUD), verdict.signals
    assert "LINK_BRAND_IN_DOMAIN" in verdict.signals  # ameli-remboursement.fr-secu.info judged as a link
    assert any(a.code == "QR_CODE_READ" and a.params["url"] == SCAM_URL for a in verdict.anomalies)


def test_qr_link_has_the_qr_code_origin() -> None:
    msg = sentinelle.default_engine().parse(damaged("rotated"), kind="image")
    assert [(link.source, link.url) for link in msg.links] == [(LinkSource.QR_CODE, SCAM_URL)]


def test_qr_code_beside_a_screenshot_text_adds_its_link() -> None:
    text = Image.open(io.BytesIO(screenshot("Scannez ce code pour votre remboursement"))).convert("RGB")
    canvas = Image.new("RGB", (text.width, text.height + 400), "white")
    canvas.paste(text, (0, 0))
    canvas.paste(qr_picture(scale=5), (300, text.height))
    msg = sentinelle.default_engine().parse(png(canvas), kind="image")
    assert "remboursement" in msg.text
    assert any(link.source is LinkSource.QR_CODE for link in msg.links)


def test_a_qr_code_that_is_not_a_link_is_shown_as_text() -> None:
    msg = sentinelle.default_engine().parse(png(on_page(qr_picture("Rappelez le 08 99 23 45 67"))), kind="image")
    assert "[QR code] Rappelez le 08 99 23 45 67" in msg.text
    assert any(p.normalized == "+33899234567" for p in msg.phones)


@pytest.mark.parametrize(
    ("payload", "url"),
    [(SCAM_URL, SCAM_URL), ("URLTO:http://x.example.com", "http://x.example.com"),
     ("MEBKM:TITLE:x;URL:https://a.example.org/p;;", "https://a.example.org/p"), ("WIFI:S:home;T:WPA;P:x;;", None),
     ("hello world", None)],
)
def test_qr_payload_address_forms(payload: str, url: str | None) -> None:
    assert url_of(payload) == url


# ------------------------------------------------------------------ PDF
def pdf_with(page_images: list[Image.Image]) -> bytes:
    out = io.BytesIO()
    page_images[0].save(out, "PDF", save_all=True, append_images=page_images[1:], resolution=150)
    return out.getvalue()


def test_qr_code_inside_a_pdf_page_is_read() -> None:
    data = pdf_with([Image.new("RGB", (1240, 1754), "white"), on_page(qr_picture())])
    reading = read_pdf(data, max_pages=20)
    assert reading.pages == 2
    assert [(page, code.text) for page, code in reading.codes] == [(2, SCAM_URL)]


@pytest.mark.parametrize("case", ["page", "small page"])
def test_pdf_pages_read_in_pdfium_buffer_give_the_codes_of_a_picture_of_them(case: str) -> None:
    """Pages are read for codes in PDFium's own grey buffer (no Pillow copy): the same codes as a picture of the
    page, the second, enlarged pass of a page under 600 pixels included."""
    page = {
        "page": on_page(qr_picture()),
        "small page": on_page(qr_picture(scale=3), size=(300, 300), at=(40, 40)),
    }[case]
    data = pdf_with([page])
    reading = read_pdf(data, max_pages=1, qr_only=True)
    document = pypdfium2.PdfDocument(data)
    try:
        width, height = document[0].get_size()
        scale = min(2.0, (4_000_000 / (width * height)) ** 0.5)
        picture = document[0].render(scale=scale, grayscale=True).to_pil().copy()
    finally:
        document.close()
    assert [code for _, code in reading.codes] == read_codes(picture, qr_only=True)
    assert [code.text for _, code in reading.codes] == [SCAM_URL]


def test_grey_pixels_with_padded_rows_are_read() -> None:
    """Rows ``stride`` bytes apart (a bitmap's padding) are read as rows of ``width`` pixels."""
    grey = on_page(qr_picture(), size=(700, 700), at=(100, 100)).convert("L")
    padding = b"\x00" * 13  # black bytes: read as pixels, they would shear the rows and break the code
    rows = b"".join(grey.tobytes()[y * 700 : (y + 1) * 700] + padding for y in range(700))
    codes = read_grey(rows, 700, 700, stride=713, qr_only=True)
    assert [code.text for code in codes] == [SCAM_URL]
    assert read_grey(rows, 5, 700, stride=713) == []  # narrower than the smallest code


def pdf_with_text_and_link() -> bytes:
    document = pypdfium2.PdfDocument.new()
    document.new_page(595, 842)
    out = io.BytesIO()
    document.save(out)
    document.close()
    # A minimal page with a text object and a /URI link annotation, written by hand (pypdfium2 cannot add them).
    text = b"BT /F1 14 Tf 72 760 Td (Votre avis de contravention : payez sur amendes-paiement.info) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> /Annots [6 0 R] >>",
        b"<< /Length " + str(len(text)).encode() + b" >>\nstream\n" + text + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /Annot /Subtype /Link /Rect [72 700 300 720] "
        b"/A << /S /URI /URI (https://antai-regularisation.com/p) >> >>",
    ]
    body = b"%PDF-1.4\n"
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(body))
        body += f"{number} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(body)
    body += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    body += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    body += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return body


def test_pdf_text_and_link_annotations_are_read() -> None:
    reading = read_pdf(pdf_with_text_and_link(), max_pages=20)
    assert "amendes-paiement.info" in reading.text
    assert reading.uris == ["https://antai-regularisation.com/p"]


# ------------------------------------------------------------------ e-mails
def email(parts: list[tuple[str, str, bytes]]) -> bytes:
    lines = [
        "From: Service <contact@example.net>", "To: you@example.fr", "Subject: Votre dossier",
        "MIME-Version: 1.0", 'Content-Type: multipart/mixed; boundary="b1"', "", "--b1",
        "Content-Type: text/plain; charset=utf-8", "", "Bonjour, voir la pièce jointe.",
    ]
    for ctype, disposition, payload in parts:
        lines += ["--b1", f"Content-Type: {ctype}", f"Content-Disposition: {disposition}",
                  "Content-Transfer-Encoding: base64", "", base64.encodebytes(payload).decode()]
    lines.append("--b1--")
    return "\r\n".join(lines).encode()


@pytest.mark.parametrize("disposition", ["inline", 'attachment; filename="scan.png"'])
def test_qr_code_in_an_email_picture_becomes_a_qr_link(disposition: str) -> None:
    raw = email([("image/png", disposition, png(on_page(qr_picture(), size=(600, 600), at=(100, 100))))])
    msg = sentinelle.default_engine().parse(raw, kind="email")
    assert [(link.source, link.url) for link in msg.links] == [(LinkSource.QR_CODE, SCAM_URL)]
    assert "LINK_BRAND_IN_DOMAIN" in sentinelle.analyze(raw, kind="email").signals


def test_pdf_attachment_gives_its_text_links_annotations_and_qr_codes() -> None:
    qr_pdf = pdf_with([on_page(qr_picture())])
    raw = email([("application/pdf", 'attachment; filename="avis.pdf"', pdf_with_text_and_link()),
                 ("application/pdf", 'attachment; filename="scan.pdf"', qr_pdf)])
    msg = sentinelle.default_engine().parse(raw, kind="email")
    found = {(link.source, link.host) for link in msg.links}
    assert (LinkSource.ATTACHMENT, "amendes-paiement.info") in found  # from the PDF's text
    assert (LinkSource.ATTACHMENT, "antai-regularisation.com") in found  # from its link annotation
    assert (LinkSource.QR_CODE, "ameli-remboursement.fr-secu.info") in found  # from the rendered page
    assert "amendes-paiement.info" in (msg.attachments[0].extracted_text or "")
