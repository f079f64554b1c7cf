"""Helpers and sample inputs of the web door's tests."""

from __future__ import annotations

import io
import re
import wave
from pathlib import Path

from fastapi.testclient import TestClient

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SEED_EMAIL = FIXTURES / "email" / "displayed_ameli_link_to_lookalike.eml"
SEED_SMS = (FIXTURES / "sms" / "carte_vitale_expiry_lookalike_link.txt").read_text(encoding="utf-8").strip()
HOSTILE = '<script>alert("xss")</script> <img src=x onerror=alert(2)> AMELI : votre carte vitale expire'


def form_token(client: TestClient, lang: str = "fr") -> str:
    """GET the page (which sets the CSRF cookie on the client) and return the form's token."""
    page = client.get(f"/?lang={lang}")
    assert page.status_code == 200
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found, "no CSRF field in the form"
    return found.group(1)


def png_with_text(text: str) -> bytes:
    """A screenshot-like PNG: black text on white, in DejaVu Sans when the font is installed."""
    from PIL import Image, ImageDraw, ImageFont

    try:
        font: ImageFont.FreeTypeFont | ImageFont.ImageFont = ImageFont.truetype("DejaVuSans.ttf", 28)
    except OSError:
        font = ImageFont.load_default()
    image = Image.new("RGB", (1100, 120), "white")
    ImageDraw.Draw(image).text((20, 40), text, fill="black", font=font)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def wav_silence(seconds: float = 1.0, rate: int = 16_000) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"\x00\x00" * int(seconds * rate))
    return out.getvalue()
