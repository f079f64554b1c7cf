"""Every container a phone or a mail client produces decodes through one path, bounded by the duration cap."""

from __future__ import annotations

import pytest

from sentinelle.errors import InputError
from sentinelle.media.audio import decode
from sentinelle.model import Kind
from sentinelle.parsing.detect_kind import kind_from_bytes

from .conftest import needs_av
from .sounds import FORMATS, encode, tone, wav_bytes

pytestmark = needs_av


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_each_format_decodes_to_its_duration(fmt: str) -> None:
    sound = decode(encode(tone(3.0), fmt), max_seconds=60)
    assert sound.seconds == pytest.approx(3.0, abs=0.15)
    assert not sound.truncated
    assert sound.damaged is None
    assert abs(float(sound.samples.max()) - 0.3) < 0.1  # the tone, not silence or clipping


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_each_format_is_recognised_by_content(fmt: str) -> None:
    assert kind_from_bytes(encode(tone(0.5), fmt)[:4096]) is Kind.AUDIO


def test_decoding_stops_at_the_cap_and_says_so() -> None:
    sound = decode(wav_bytes(tone(12.0)), max_seconds=5)
    assert sound.truncated
    assert sound.seconds == pytest.approx(5.0, abs=0.01)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "vide"),
        (b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\xff" * 40, "illisible"),
        (bytes(range(256)) * 40, "illisible|aucune piste"),
    ],
    ids=["empty", "corrupted-header", "noise-bytes"],
)
def test_unreadable_audio_is_a_clear_input_error(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        decode(data, max_seconds=60)


def test_a_truncated_file_gives_what_precedes_the_cut() -> None:
    whole = encode(tone(6.0), "mp3")
    sound = decode(whole[: len(whole) // 2], max_seconds=60)
    assert 2.0 < sound.seconds < 4.0
