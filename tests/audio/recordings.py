"""Real French speech for the tests and the voicemail benchmark, from Debian's ``asterisk-core-sounds-fr-wav``.

The recordings are telephone prompts read by a human speaker, June Wallack (Canadian French, 8 kHz), under
CC-BY-SA-3.0 ("Files: fr-* Copyright: 2006-2008, June Wallack", /usr/share/doc/asterisk-core-sounds-fr-wav/
copyright). Nothing is copied into this repository: CI installs the package and the tests splice its files
at run time into voicemails that speak a phone number digit by digit (Whisper base writes digits it hears
one by one as numerals; two-digit French numbers spliced from separate words come out wrong).
"""

from __future__ import annotations

import io
import wave
from dataclasses import dataclass
from pathlib import Path

SOUNDS = Path("/usr/share/asterisk/sounds/fr_CA_f_June")
RATE = 8_000
# What the speaker reads in the clips used here (core-sounds-fr.txt in the asterisk-core-sounds-fr package).
TRANSCRIPTS = {
    "privacy-prompt": "Veuillez entrer votre numéro de téléphone en commençant par l'indicatif régional.",
    "vm-from-phonenumber": "du numéro de téléphone",
}


def available() -> bool:
    return (SOUNDS / "digits" / "0.wav").is_file() and (SOUNDS / "privacy-prompt.wav").is_file()


def _frames(name: str) -> bytes:
    with wave.open(str(SOUNDS / f"{name}.wav"), "rb") as clip:
        if clip.getframerate() != RATE or clip.getsampwidth() != 2 or clip.getnchannels() != 1:
            raise ValueError(f"{name}: unexpected format")
        return clip.readframes(clip.getnframes())


def _silence(ms: int) -> bytes:
    return b"\0\0" * (RATE * ms // 1000)


@dataclass(frozen=True)
class Voicemail:
    wav: bytes
    number_starts_s: float  # when the first digit of the number is heard
    seconds: float


def voicemail(
    digits: str, *, before: tuple[str, ...] = ("to-call-this-number",), after: tuple[str, ...] = ()
) -> Voicemail:
    """Recorded phrases, then ``digits`` read one by one, then more phrases: one WAV file (8 kHz, mono)."""
    parts: list[bytes] = [_silence(300)]
    for name in before:
        parts += [_frames(name), _silence(300)]
    number_starts = sum(len(p) for p in parts) / 2 / RATE
    for digit in digits:
        parts += [_frames(f"digits/{digit}"), _silence(120)]
    for name in after:
        parts += [_silence(300), _frames(name)]
    parts.append(_silence(300))
    pcm = b"".join(parts)
    buf = io.BytesIO()
    with wave.open(buf, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(pcm)
    return Voicemail(buf.getvalue(), number_starts, len(pcm) / 2 / RATE)


def clip(name: str) -> bytes:
    return (SOUNDS / f"{name}.wav").read_bytes()
