"""Seconds and peak memory to analyse a 30-second voicemail on this machine (goal: at most 10 s and 800 MB).

The voicemail is real French speech (Debian's ``asterisk-core-sounds-fr-wav``, see tests/audio/recordings.py)
spliced into 30 seconds that read out a surcharged callback number. Each run is a fresh process, as a user's
``sentinelle check messagerie.wav`` is: it loads the model (the assembled copy in the cache is reused),
decodes, transcribes and analyses, then analyses the same file again to show the cost once the model is
loaded (a server's case). Peak memory is the process's maximum resident set size.

    .venv/bin/python benchmarks/bench_voicemail.py [--runs 3] [--threads 2] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from audio import recordings  # noqa: E402  (the tests' builder of real-speech voicemails)

PHRASES_BEFORE = ("vm-nobodyavail", "to-call-this-number")
PHRASES_AFTER = ("vm-intro", "privacy-prompt", "please-try-again", "vm-nobodyavail")
TARGET_SECONDS = 30.0


def thirty_second_voicemail() -> bytes:
    """Real phrases around a surcharged number, cut or padded with silence to exactly 30 seconds."""
    message = recordings.voicemail("0899234567", before=PHRASES_BEFORE, after=PHRASES_AFTER)
    import io
    import wave

    with wave.open(io.BytesIO(message.wav)) as clip:
        pcm = clip.readframes(clip.getnframes())
    wanted = int(TARGET_SECONDS * recordings.RATE) * 2
    pcm = pcm[:wanted] + b"\0" * max(0, wanted - len(pcm))
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(recordings.RATE)
        w.writeframes(pcm)
    return out.getvalue()


def one_run(path: str, threads: int) -> dict[str, object]:
    """In a fresh process: first analysis (with model load), then a second one (model loaded)."""
    from sentinelle import Engine
    from sentinelle.config import Config, Speech

    engine = Engine(Config(speech=Speech(threads=threads)))
    started = time.perf_counter()
    cpu = time.process_time()
    first = engine.analyze(Path(path))
    cold = time.perf_counter() - started
    cold_cpu = time.process_time() - cpu
    started = time.perf_counter()
    engine.analyze(Path(path))
    warm = time.perf_counter() - started
    return {
        "cold_s": cold,
        "cold_cpu_s": cold_cpu,
        "warm_s": warm,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "level": first.level.value,
        "heard": [list(e.observed) for e in first.evidence if e.signal == "NUMBER_SURCHARGED"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(one_run(args.child, args.threads)))
        return 0
    if not recordings.available():
        print("needs Debian's asterisk-core-sounds-fr-wav (real French speech)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "messagerie-30s.wav"
        path.write_bytes(thirty_second_voicemail())
        results = []
        for _ in range(args.runs):
            load_before = os.getloadavg()[0]
            out = subprocess.run(
                [sys.executable, __file__, "--child", str(path), "--threads", str(args.threads)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            result = json.loads(out.strip().splitlines()[-1])
            result["load_before"] = load_before
            results.append(result)
            print(
                f"cold {result['cold_s']:.2f} s (CPU {result['cold_cpu_s']:.2f} s), warm {result['warm_s']:.2f} s, "
                f"peak RSS {result['peak_rss_mib']:.0f} MiB, level {result['level']}, heard {result['heard']}, "
                f"load average before {load_before:.1f}"
            )
    summary = {
        "audio_seconds": TARGET_SECONDS,
        "threads": args.threads,
        "cold_median_s": statistics.median(r["cold_s"] for r in results),  # type: ignore[misc]
        "warm_median_s": statistics.median(r["warm_s"] for r in results),  # type: ignore[misc]
        "peak_rss_max_mib": max(r["peak_rss_mib"] for r in results),  # type: ignore[type-var]
        "runs": results,
    }
    print(
        f"30-s voicemail, {args.threads} threads: median {summary['cold_median_s']:.2f} s from a fresh process, "
        f"{summary['warm_median_s']:.2f} s with the model loaded; peak RSS {summary['peak_rss_max_mib']:.0f} MiB"
    )
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
