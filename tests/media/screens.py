"""Phone screenshots drawn at test time with Pillow and DejaVu Sans (Debian fonts-dejavu-core).

A header with the sender, a grey (or dark-mode) bubble, text wrapped like a phone wraps it: long words
(addresses) are cut where the bubble ends, as Android and iOS do.
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def wrap(text: str, width: int) -> list[str]:
    """Phone-style wrapping: words move to the next line, a word longer than a line is cut."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}".strip()
            if len(candidate) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            while len(word) > width:
                lines.append(word[:width])
                word = word[width:]
            line = word
        lines.append(line)
    return lines


def screenshot(text: str, *, sender: str = "", dark: bool = False, scale: float = 1.0, chars: int = 30) -> bytes:
    """PNG bytes of an SMS conversation showing ``text`` from ``sender``."""
    size = round(40 * scale)
    font = ImageFont.truetype(FONT, size)
    small = ImageFont.truetype(FONT, round(size * 0.8))
    lines = wrap(text, chars)
    width, line_height = round(1080 * scale), round(size * 1.35)
    height = round(260 * scale) + line_height * len(lines) + round(120 * scale)
    background, bubble, ink = ((0, 0, 0), (48, 48, 52), (235, 235, 235)) if dark else (
        (255, 255, 255), (229, 229, 234), (0, 0, 0))
    image = Image.new("RGB", (width, height), background)
    draw = ImageDraw.Draw(image)
    if sender:
        draw.text((round(width / 2), round(90 * scale)), sender, font=font, fill=ink, anchor="mm")
    draw.text((round(width / 2), round(170 * scale)), "Message texte - SMS", font=small, fill=(128, 128, 128),
              anchor="mm")
    top = round(230 * scale)
    draw.rounded_rectangle((round(30 * scale), top, round(900 * scale), top + line_height * len(lines) + size),
                           radius=round(30 * scale), fill=bubble)
    for k, line in enumerate(lines):
        draw.text((round(60 * scale), top + round(size / 2) + k * line_height), line, font=font, fill=ink)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
