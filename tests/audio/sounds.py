"""Recordings made at test time with PyAV's encoders: tones, silence, noise, in every container we read."""

from __future__ import annotations

import io
import wave

import numpy as np

# container format, codec, sample rate the codec accepts
FORMATS = {
    "wav": ("wav", "pcm_s16le", 16_000),
    "mp3": ("mp3", "libmp3lame", 16_000),
    "m4a": ("ipod", "aac", 16_000),
    "ogg": ("ogg", "libopus", 16_000),
    "opus": ("opus", "libopus", 16_000),
    "amr": ("amr", "libopencore_amrnb", 8_000),
    "flac": ("flac", "flac", 16_000),
    "webm": ("webm", "libopus", 16_000),
}


def tone(seconds: float, rate: int = 16_000, freq: float = 440.0) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (0.3 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def music(seconds: float, rate: int = 16_000) -> np.ndarray:
    """A few bars of chords with a beat: tonal, rhythmic, not speech."""
    t = np.arange(int(seconds * rate)) / rate
    notes = (261.6, 329.6, 392.0, 523.3)
    chord = sum(np.sin(2 * np.pi * f * t * (1 + 0.5 * (int(i) % 2))) for i, f in enumerate(notes))
    beat = (np.sin(2 * np.pi * 2 * t) > 0).astype(np.float32) * 0.5 + 0.5
    return (0.15 * chord * beat).astype(np.float32)


def wav_bytes(samples: np.ndarray, rate: int = 16_000) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return buf.getvalue()


def encode(samples: np.ndarray, fmt: str, rate: int = 16_000) -> bytes:
    """``samples`` (mono float32 at ``rate``) encoded as ``fmt`` (a key of ``FORMATS``)."""
    import av

    container_format, codec, codec_rate = FORMATS[fmt]
    if codec_rate != rate:
        step = rate / codec_rate
        samples = samples[(np.arange(int(len(samples) / step)) * step).astype(int)]
    buf = io.BytesIO()
    with av.open(buf, mode="w", format=container_format) as out:
        stream = out.add_stream(codec, rate=codec_rate)
        stream.layout = "mono"
        pcm = (np.clip(samples, -1, 1) * 32767).astype(np.int16).reshape(1, -1)
        frame_size = 1024
        for start in range(0, pcm.shape[1], frame_size * 16):
            frame = av.AudioFrame.from_ndarray(pcm[:, start : start + frame_size * 16], format="s16", layout="mono")
            frame.sample_rate = codec_rate
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return buf.getvalue()
