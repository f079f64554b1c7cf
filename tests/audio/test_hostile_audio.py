"""Hostile recordings through the whole engine: a clear error or a partial verdict, in bounded time."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sentinelle import Engine, InputError, Kind, Level, Limits
from sentinelle.config import Config

from .conftest import needs_model
from .sounds import encode, music, tone, wav_bytes

pytestmark = needs_model


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(Config(limits=Limits(max_audio_seconds=30)))


def codes(verdict: object) -> set[str]:
    return {a.code for a in verdict.anomalies}  # type: ignore[attr-defined]


def test_silence_is_unknown_and_says_no_speech_was_heard(engine: Engine) -> None:
    verdict = engine.analyze(wav_bytes(np.zeros(16_000 * 5, dtype=np.float32)))
    assert verdict.kind is Kind.VOICEMAIL
    assert verdict.level is Level.UNKNOWN
    assert "AUDIO_NO_SPEECH" in codes(verdict)


def test_music_yields_no_invented_fraud(engine: Engine) -> None:
    verdict = engine.analyze(encode(music(12.0), "mp3"))
    assert verdict.level in (Level.UNKNOWN, Level.NO_SIGN)
    assert not verdict.failures


def test_two_hours_are_cut_at_the_configured_cap(engine: Engine) -> None:
    two_hours = encode(np.zeros(16_000 * 7200, dtype=np.float32), "flac")
    verdict = engine.analyze(two_hours)
    assert "AUDIO_TRUNCATED" in codes(verdict)
    assert any("0:30" in a.detail for a in verdict.anomalies)


def test_wrong_extension_is_read_by_content(engine: Engine, tmp_path: Path) -> None:
    disguised = tmp_path / "message.wav"
    disguised.write_bytes(encode(tone(2.0), "ogg"))
    verdict = engine.analyze(disguised)
    assert verdict.kind is Kind.VOICEMAIL


def test_a_text_file_named_like_audio_is_analysed_as_text(engine: Engine, tmp_path: Path) -> None:
    fake = tmp_path / "message.mp3"
    fake.write_text("Bonjour, ici votre CPAM, rappelez-nous au 08 99 23 45 67.", encoding="utf-8")
    assert engine.analyze(fake, kind="voicemail").level is Level.FRAUD


def test_corrupted_audio_is_an_input_error_through_the_engine(engine: Engine, tmp_path: Path) -> None:
    broken = tmp_path / "message.m4a"
    broken.write_bytes(b"\x00\x00\x00\x20ftypM4A " + b"\xde\xad" * 500)
    with pytest.raises(InputError):
        engine.analyze(broken)


def test_damage_midway_keeps_what_precedes(engine: Engine) -> None:
    whole = wav_bytes(tone(4.0))
    verdict = engine.analyze(whole[: len(whole) // 2])
    assert verdict.kind is Kind.VOICEMAIL
    assert not verdict.failures
