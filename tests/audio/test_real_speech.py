"""Real French speech through the whole engine: a human voice, a phone number read out, the second it is heard.

The recordings come from Debian's ``asterisk-core-sounds-fr-wav`` (see ``recordings.py`` for the licence);
CI installs the package. Numbers are read one digit at a time, which is how Whisper base hears them best;
every assertion below held on each run while this was written.
"""

from __future__ import annotations

import io
import re
import wave
from pathlib import Path

import numpy as np
import pytest

from sentinelle import Engine, Kind, Level
from sentinelle.cli import EXIT_FLAGGED, main

from . import recordings
from .conftest import needs_model
from .sounds import encode

pytestmark = [
    needs_model,
    pytest.mark.skipif(
        not recordings.available(), reason="Debian package asterisk-core-sounds-fr-wav not installed (real speech)"
    ),
]


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())  # "l'indicatif" and "l 'indicatif" are the same two words


def word_error_rate(reference: str, hypothesis: str) -> float:
    ref, hyp = words(reference), words(hypothesis)
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[-1] / len(ref)


def transcript(verdict: object) -> str:
    found = [a for a in verdict.anomalies if a.code == "AUDIO_TRANSCRIBED"]  # type: ignore[attr-defined]
    assert found, "no transcript in the verdict"
    return found[0].detail.split("«", 1)[1].rstrip(" »")


def test_a_real_french_recording_is_transcribed_accurately(engine: Engine) -> None:
    verdict = engine.analyze(recordings.clip("privacy-prompt"))
    heard = transcript(verdict)
    assert word_error_rate(recordings.TRANSCRIPTS["privacy-prompt"], heard) <= 0.2, heard


def test_a_surcharged_callback_number_is_heard_with_its_time(engine: Engine) -> None:
    message = recordings.voicemail("0899234567", before=("vm-nobodyavail", "to-call-this-number"))
    verdict = engine.analyze(message.wav)
    assert verdict.kind is Kind.VOICEMAIL
    assert verdict.level in (Level.FRAUD, Level.SUSPICIOUS)
    surcharged = [e for e in verdict.evidence if e.signal == "NUMBER_SURCHARGED"]
    assert surcharged
    assert surcharged[0].observed == ("08 99 23 45 67",)
    minutes, seconds = surcharged[0].location.removeprefix("audio:").split(":")  # type: ignore[union-attr]
    assert abs(int(minutes) * 60 + int(seconds) - message.number_starts_s) <= 1.5  # word timings are approximate


def test_the_official_number_in_a_recording_is_reassuring(engine: Engine) -> None:
    verdict = engine.analyze(recordings.voicemail("3646").wav)
    assert verdict.level is Level.NO_SIGN
    assert "NUMBERS_ALL_OFFICIAL" in {e.signal for e in verdict.evidence}


@pytest.mark.parametrize("fmt", ["amr", "mp3", "ogg", "m4a"])
def test_phone_codecs_keep_the_number(engine: Engine, fmt: str) -> None:
    with wave.open(io.BytesIO(recordings.voicemail("0899234567").wav)) as clip:
        pcm = np.frombuffer(clip.readframes(clip.getnframes()), dtype="<i2").astype(np.float32) / 32768
    verdict = engine.analyze(encode(pcm, fmt, rate=recordings.RATE))
    assert ("08 99 23 45 67",) in {e.observed for e in verdict.evidence if e.signal == "NUMBER_SURCHARGED"}


def test_the_command_line_says_when_the_number_was_heard(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "messagerie.wav"
    path.write_bytes(recordings.voicemail("0899234567").wav)
    assert main(["check", str(path)]) == EXIT_FLAGGED
    out = capsys.readouterr().out
    assert "08 99 23 45 67" in out
    assert re.search(r"entendu à 0:0\d", out)
    assert "transcrit automatiquement" in out
