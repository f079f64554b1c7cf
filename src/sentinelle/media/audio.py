"""Recordings -> transcript: decode any common audio format, transcribe French offline, keep the timings.

Decoding uses PyAV (FFmpeg's libraries, shipped in its wheel), so WAV, MP3, M4A/AAC, Ogg/Opus, AMR, FLAC and
WebM all go through one path, whatever the file is called. Decoding stops at ``Limits.max_audio_seconds`` of
sound, counted in decoded samples rather than trusted from the header: a header that claims two seconds
cannot smuggle two hours in, and a two-hour file costs the time of the cap, not of the file.

Transcription follows what was measured on this machine for Whisper base (``shared/knowledge/
offline_models.md``): French forced (auto-detection calls a short "bonjour" Russian), temperature 0, no
conditioning on earlier text and no prompt (a prompt with numbers gets copied into the output), voice
activity detection so silence and music are skipped. What Whisper is known to invent on non-speech
("Sous-titres réalisés par...") and its repetition loops are removed, and the verdict says so.
"""

from __future__ import annotations

import io
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from ..config import Limits, Speech
from ..errors import InputError, UnsupportedInput
from ..model import Anomaly
from . import Reading, Segment
from .merge import clock
from .whisper_model import INSTALL_HINT, MODEL_NAME, load_model

SAMPLE_RATE = 16_000
LOOP_MIN_REPEATS = 4  # an n-gram said this many times in a row is a decoding loop, not speech
LOOP_MAX_NGRAM = 6
TRANSCRIPT_QUOTE_CHARS = 600


@dataclass(slots=True)
class Sound:
    """Decoded mono 16 kHz samples and what decoding had to leave out."""

    samples: Any  # numpy float32 array
    seconds: float
    truncated: bool
    damaged: str | None  # the decoder's complaint when it stopped early, else None


@cache
def _hallucinations() -> tuple[str, ...]:
    raw = resources.files("sentinelle").joinpath("data", "speech.toml").read_bytes()
    phrases = tomllib.loads(raw.decode("utf-8"))["hallucinations"]
    return tuple(p.casefold() for p in phrases)


def decode(data: bytes, *, max_seconds: float) -> Sound:
    """Decode the first audio stream of ``data`` to mono 16 kHz float32, at most ``max_seconds`` of it."""
    try:
        import av
        import numpy as np
    except ImportError:
        raise UnsupportedInput(f"la lecture des fichiers audio demande PyAV : {INSTALL_HINT}") from None
    if not data:
        raise InputError("le fichier audio est vide")
    limit = int(max_seconds * SAMPLE_RATE)
    chunks: list[Any] = []
    total = 0
    truncated = False
    damaged: str | None = None
    try:
        container = av.open(io.BytesIO(data), mode="r", metadata_errors="ignore")
    except (av.FFmpegError, ValueError, OSError) as exc:
        raise InputError(f"fichier audio illisible ({_short(exc)})") from None
    with container:
        if not container.streams.audio:
            raise InputError("ce fichier ne contient aucune piste audio")
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
        try:
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    samples = out.to_ndarray().reshape(-1)
                    chunks.append(samples)
                    total += samples.shape[0]
                if total >= limit:
                    truncated = True
                    break
            if not truncated:
                for out in resampler.resample(None):
                    chunks.append(out.to_ndarray().reshape(-1))
                    total += chunks[-1].shape[0]
        except (av.FFmpegError, ValueError, OSError, MemoryError) as exc:
            damaged = _short(exc)
    if not chunks and damaged:
        raise InputError(f"fichier audio illisible ({damaged})")
    samples = np.concatenate(chunks)[:limit] if chunks else np.zeros(0, dtype=np.float32)
    return Sound(samples.astype(np.float32, copy=False), samples.shape[0] / SAMPLE_RATE, truncated, damaged)


def _short(exc: BaseException) -> str:
    return (str(exc) or type(exc).__name__)[:200]


def _drop_loops(words: list[tuple[str, float]]) -> tuple[list[tuple[str, float]], int]:
    """Collapse an n-gram repeated ``LOOP_MIN_REPEATS`` times or more in a row to one occurrence."""
    removed = 0
    n = LOOP_MAX_NGRAM
    while n >= 1:
        i = 0
        kept: list[tuple[str, float]] = []
        while i < len(words):
            gram = [w.casefold().strip(".,;:!?") for w, _ in words[i : i + n]]
            repeats = 1
            while (
                len(gram) == n
                and [w.casefold().strip(".,;:!?") for w, _ in words[i + repeats * n : i + (repeats + 1) * n]] == gram
            ):
                repeats += 1
            if repeats >= LOOP_MIN_REPEATS:
                kept.extend(words[i : i + n])
                removed += (repeats - 1) * n
                i += repeats * n
            else:
                kept.append(words[i])
                i += 1
        words = kept
        n -= 1
    return words, removed


def _is_hallucination(text: str) -> bool:
    folded = text.casefold().strip(" .!")
    return any(phrase in folded for phrase in _hallucinations())


def transcribe(sound: Sound, speech: Speech) -> tuple[str, list[Segment], list[Anomaly]]:
    """The transcript, one ``Segment`` per word (its time), and what was removed from the raw output."""
    model = load_model(speech)
    segments, _info = model.transcribe(
        sound.samples,
        language="fr",
        task="transcribe",
        beam_size=speech.beam_size,
        temperature=0.0,
        condition_on_previous_text=False,
        vad_filter=True,
        word_timestamps=True,
        compression_ratio_threshold=2.4,
        no_speech_threshold=0.6,
    )
    words: list[tuple[str, float]] = []
    anomalies: list[Anomaly] = []
    dropped: list[str] = []
    for segment in segments:
        if _is_hallucination(segment.text):
            dropped.append(segment.text.strip())
            continue
        for word in segment.words or ():
            if word.word.strip():  # keep Whisper's own spacing: "l'" + "indicatif" is one written word
                words.append((word.word, float(word.start)))
    if dropped:
        anomalies.append(Anomaly("TRANSCRIPT_HALLUCINATION_REMOVED", {"text": " / ".join(dropped)[:200]}))
    words, removed = _drop_loops(words)
    if removed:
        anomalies.append(Anomaly("TRANSCRIPT_LOOP_REMOVED", {"count": str(removed)}))
    text_parts: list[str] = []
    timed: list[Segment] = []
    offset = 0
    for word, start in words:  # Whisper's words carry their leading space: "".join gives the written text
        word = word if text_parts else word.lstrip()
        timed.append(Segment(offset + len(word) - len(word.lstrip()), offset + len(word), start, start))
        text_parts.append(word)
        offset += len(word)
    return "".join(text_parts), timed, anomalies


def read_audio(data: bytes, *, limits: Limits, speech: Speech) -> Reading:
    """Decode and transcribe a recording; what could not be heard or was cut is in ``Reading.anomalies``."""
    sound = decode(data, max_seconds=limits.max_audio_seconds)
    anomalies: list[Anomaly] = []
    if sound.truncated:
        anomalies.append(Anomaly("AUDIO_TRUNCATED", {"limit": clock(limits.max_audio_seconds)}))
    if sound.damaged:
        anomalies.append(Anomaly("AUDIO_DAMAGED", {"at": clock(sound.seconds), "error": sound.damaged}))
    if sound.seconds < 0.1:
        anomalies.append(Anomaly("AUDIO_NO_SPEECH", {"duration": clock(sound.seconds)}))
        return Reading(text="", anomalies=anomalies)
    text, segments, removed = transcribe(sound, speech)
    anomalies.extend(removed)
    if not text.strip():
        anomalies.append(Anomaly("AUDIO_NO_SPEECH", {"duration": clock(sound.seconds)}))
    else:
        model = speech.model_dir.name if speech.model_dir else MODEL_NAME
        quote = text if len(text) <= TRANSCRIPT_QUOTE_CHARS else text[:TRANSCRIPT_QUOTE_CHARS] + "…"
        anomalies.append(
            Anomaly("AUDIO_TRANSCRIBED", {"duration": clock(sound.seconds), "model": model, "transcript": quote})
        )
    return Reading(text=text, anomalies=anomalies, segments=segments)
