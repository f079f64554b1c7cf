"""Hostile pictures and PDFs: a clear error or a partial verdict, never a crash, a hang or gigabytes of memory.

Huge pictures are crafted as headers (a few hundred bytes announcing 30,000 x 30,000 pixels): the guard
must refuse them before decoding, which is what keeps memory bounded.
"""

from __future__ import annotations

import io
import resource
import struct
import zipfile
import zlib

import pypdfium2
import pytest
from PIL import Image

import sentinelle
from sentinelle.config import Limits
from sentinelle.errors import InputError, UnsupportedInput
from sentinelle.media.image import read_image
from sentinelle.media.pdf import read_pdf
from sentinelle.media.picture import PictureError, open_picture

from .screens import screenshot


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def huge_png(width: int = 30_000, height: int = 30_000) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = zlib.compress(b"\0" * 64)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", rows) + png_chunk(b"IEND", b"")


def huge_jpeg(width: int = 30_000, height: int = 30_000) -> bytes:
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + sof + b"\xff\xd9"


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.mark.parametrize("data", [huge_png(), huge_jpeg()], ids=["png", "jpeg"])
def test_a_30000_by_30000_picture_is_refused_before_decoding(data: bytes) -> None:
    before = peak_rss_mib()
    with pytest.raises(InputError, match="30000 x 30000|bombe de décompression"):
        sentinelle.analyze(data, kind="image")
    assert peak_rss_mib() - before < 200  # decoding it would take 2.5 GiB


def test_pillow_bomb_guard_also_stands_below_our_cap() -> None:
    with pytest.raises(PictureError) as info:
        open_picture(huge_png(20_000, 20_000), max_pixels=10**12)  # our cap lifted: Pillow's guard refuses
    assert info.value.code == "IMAGE_TOO_LARGE"


def test_a_truncated_png_is_a_clear_input_error() -> None:
    data = screenshot("AMELI : votre carte Vitale expire")
    with pytest.raises(InputError, match="tronquée"):
        read_image(data[: len(data) // 2], limits=Limits())


def test_random_bytes_after_a_png_signature_are_a_clear_input_error() -> None:
    with pytest.raises(InputError) as info:
        sentinelle.analyze(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, kind="image")
    assert not isinstance(info.value, UnsupportedInput)


def test_a_polyglot_png_zip_gives_a_verdict_that_says_so() -> None:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("facture.js", "WScript.Shell" * 50)
    data = screenshot("Votre colis ne rentrait pas dans la boîte aux lettres : relais-colis.info") + archive.getvalue()
    verdict = sentinelle.analyze(data, kind="image")
    assert any(a.code == "IMAGE_TRAILING_DATA" for a in verdict.anomalies)
    assert verdict.level in (sentinelle.Level.SUSPICIOUS, sentinelle.Level.FRAUD)


def test_an_unsupported_picture_format_is_refused_clearly() -> None:
    with pytest.raises(InputError, match="image"):
        sentinelle.analyze(b"GIF89a" + b"\xff" * 40, kind="image")


def ten_thousand_pages() -> bytes:
    document = pypdfium2.PdfDocument.new()
    for _ in range(10_000):
        document.new_page(200, 200)
    out = io.BytesIO()
    document.save(out)
    document.close()
    return out.getvalue()


def test_a_pdf_with_10000_pages_reads_only_the_page_limit() -> None:
    reading = read_pdf(ten_thousand_pages(), max_pages=20)
    assert reading.pages == 10_000
    assert [(a.code, a.params["limit"]) for a in reading.anomalies] == [("PDF_PAGES_TRUNCATED", "20")]


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.7\n" + b"\0" * 100, b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer <<>>\n%%EOF",
     b"not a pdf"],
    ids=["zeros", "broken-tree", "garbage"],
)
def test_a_broken_pdf_is_an_anomaly(data: bytes) -> None:
    reading = read_pdf(data, max_pages=20)
    assert reading.text == ""
    assert reading.codes == []
    assert reading.pages == 0 or reading.anomalies


def test_hostile_pictures_in_an_email_are_anomalies_not_errors() -> None:
    import base64

    parts = []
    for name, payload in (("huge.png", huge_png()), ("cut.png", screenshot("x")[:300])):
        parts += ["--b1", "Content-Type: image/png", f'Content-Disposition: attachment; filename="{name}"',
                  "Content-Transfer-Encoding: base64", "", base64.encodebytes(payload).decode()]
    raw = "\r\n".join(["From: a@example.net", "To: b@example.fr", "Subject: x", "MIME-Version: 1.0",
                       'Content-Type: multipart/mixed; boundary="b1"', "", "--b1", "Content-Type: text/plain", "",
                       "Bonjour", *parts, "--b1--"]).encode()
    verdict = sentinelle.analyze(raw, kind="email")
    found = {a.code for a in verdict.anomalies}
    assert {"IMAGE_TOO_LARGE", "IMAGE_UNREADABLE"} <= found


def test_an_enormous_pdf_page_is_rendered_within_the_pixel_bound() -> None:
    document = pypdfium2.PdfDocument.new()
    document.new_page(14_400, 14_400)  # the largest page PDF allows: 5 m x 5 m
    out = io.BytesIO()
    document.save(out)
    document.close()
    before = peak_rss_mib()
    reading = read_pdf(out.getvalue(), max_pages=20)
    assert reading.pages == 1
    assert peak_rss_mib() - before < 300  # rendered at scale 1 this page would be 200 million pixels


def test_images_decode_in_rgb_whatever_their_mode() -> None:
    for mode in ("P", "RGBA", "LA", "I;16", "CMYK", "1"):
        image = Image.new(mode, (40, 30))
        out = io.BytesIO()
        image.save(out, "TIFF" if mode in ("I;16", "CMYK") else "PNG")
        assert open_picture(out.getvalue(), max_pixels=10_000).image.mode == "RGB"


def test_a_picture_of_noise_stops_at_the_ocr_time_limit_with_what_was_read(monkeypatch: pytest.MonkeyPatch) -> None:
    # A 6-megapixel picture of noise took Tesseract 97 s with nothing to find; the limit (10 s by default,
    # half a second here so the test stays short) stops it, and the verdict says the reading was cut.
    from sentinelle.media import image as image_module

    monkeypatch.setattr(image_module, "MAX_OCR_SECONDS", 0.5)
    out = io.BytesIO()
    Image.effect_noise((1400, 1400), 120).convert("RGB").save(out, "PNG")
    verdict = sentinelle.analyze(out.getvalue(), kind="image")
    assert verdict.failures == ()
    cut = [a for a in verdict.anomalies if a.code == "OCR_TIME_LIMIT"]
    assert len(cut) == 1
    assert "0.5 s" in cut[0].detail
