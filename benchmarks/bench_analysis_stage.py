"""Benchmark (a script, not a test): the analysis stage of e-mails, outside parsing and outside the text model.

The stage: ``Engine.analyze_message`` with every detector but ``classifier.text_model``: the ``Context`` (fold,
phrase scan), the attribution, the detectors, scoring, rendering the evidence (``privacy.redact``). Parsing is
left out entirely: the messages of every seventh corpus e-mail are parsed once and saved (``--save``), because
parsing has time limits (OCR, PDF) and is therefore not the same twice under callgrind's slowdown. Measured in
CPU instructions, steady on a shared machine; ``--stop-after-warmup`` does everything but the measured pass:

    .venv/bin/python benchmarks/bench_analysis_stage.py --save /tmp/msgs7.pkl
    valgrind --tool=callgrind --callgrind-out-file=/dev/null .venv/bin/python benchmarks/bench_analysis_stage.py \
        --messages /tmp/msgs7.pkl
    valgrind --tool=callgrind --callgrind-out-file=/dev/null .venv/bin/python benchmarks/bench_analysis_stage.py \
        --messages /tmp/msgs7.pkl --stop-after-warmup

(instructions per e-mail = difference / 524; run both with ``PYTHONHASHSEED=0``). ``--cpu`` prints CPU
milliseconds per e-mail of the stage over the saved messages (3 passes).
"""

from __future__ import annotations

import argparse
import pickle
import time
from pathlib import Path

from sentinelle import Engine
from sentinelle.detectors import registered
from sentinelle.model import Message

FOLDERS = ("ham", "phish", "phish_fr")
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "email"
WARMUP = 30


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--save", type=Path, help="parse every 7th corpus e-mail and save the messages there")
    parser.add_argument("--messages", type=Path, help="the saved messages to analyse")
    parser.add_argument("--stop-after-warmup", action="store_true")
    parser.add_argument("--cpu", action="store_true")
    args = parser.parse_args()
    if args.save:
        files = [f for d in FOLDERS for f in sorted((CORPUS / d).iterdir())][::7]
        engine = Engine()
        args.save.write_bytes(pickle.dumps([engine.parse(f.read_bytes()) for f in files]))
        return
    if args.messages is None:
        parser.error("--messages (or --save) is required")
    messages: list[Message] = pickle.loads(args.messages.read_bytes())  # our own file, written by --save
    engine = Engine(detectors=[cls() for det_id, cls in registered().items() if det_id != "classifier.text_model"])
    for msg in messages[:WARMUP]:
        engine.analyze_message(msg)
    if args.stop_after_warmup:
        return
    if args.cpu:
        for _ in range(3):
            started = time.process_time()
            for msg in messages:
                engine.analyze_message(msg)
            print(f"{(time.process_time() - started) / len(messages) * 1000:.4f} ms CPU per e-mail")
        return
    for msg in messages:
        engine.analyze_message(msg)
    print(f"{len(messages)} messages")


if __name__ == "__main__":
    main()
