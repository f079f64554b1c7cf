"""What the text model costs: the same analyses with and without ``classifier.text_model``, interleaved.

    .venv/bin/python benchmarks/bench_text_model.py [--rounds 4] [--seconds 3] [--emails 600] [--cpu N]

Two engines built from the same code and data, one without the text-model detector, measured in alternating
rounds (A B A B ...) so that the shared machine's drift hits both alike; CPU time per analysis
(``time.process_time``) is the figure, wall time is shown too. Workloads:

* ``sms``: the mix of ``bench_core.py`` (inline French SMS-like texts and 88milSMS, ``make bench``);
* ``email``: raw e-mails of ``../shared/corpus/email`` (a seeded sample of ``--emails``), parsing included,
  as ``bench_email.py`` measures them.

It also prints the detector's cost alone with its token table cold (a fresh model per message) and warm.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_core  # noqa: E402

from sentinelle import Engine  # noqa: E402
from sentinelle.detectors import registered  # noqa: E402
from sentinelle.textmodel import load_model_file  # noqa: E402
from sentinelle.textnorm import fold  # noqa: E402

DETECTOR = "classifier.text_model"
EMAIL_DIR = bench_core.REPO_ROOT.parent / "shared" / "corpus" / "email"


def workloads(emails: int, seed: int) -> dict[str, list[tuple[Any, dict[str, str]]]]:
    mix = bench_core.build_mix(bench_core.load_corpus(bench_core.CORPUS_SMS, 2000, seed), seed)
    out: dict[str, list[tuple[Any, dict[str, str]]]] = {"sms": [(s.text, dict(s.options)) for s in mix]}
    files = sorted(
        p for f in ("ham", "phish", "phish_fr") if (EMAIL_DIR / f).is_dir() for p in (EMAIL_DIR / f).iterdir()
    )
    if files:
        picked = random.Random(seed).sample(files, min(emails, len(files)))
        out["email"] = [(p.read_bytes(), {}) for p in picked]
    return out


def measure(engine: Engine, calls: list[tuple[Any, dict[str, str]]], seconds: float) -> tuple[float, float, int]:
    """(CPU seconds, wall seconds, analyses) for whole passes over ``calls`` lasting at least ``seconds``."""
    n = 0
    cpu0, wall0 = time.process_time(), time.perf_counter()
    while True:
        for source, options in calls:
            engine.analyze(source, **options)  # type: ignore[arg-type]
        n += len(calls)
        if time.perf_counter() - wall0 >= seconds:
            break
    return time.process_time() - cpu0, time.perf_counter() - wall0, n


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--emails", type=int, default=600)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cpu", type=int, default=None)
    args = parser.parse_args(argv)
    pinned = bench_core.pin_to_one_cpu(args.cpu)
    classes = registered()
    with_model = Engine()
    without = Engine(detectors=[cls() for det_id, cls in classes.items() if det_id != DETECTOR])
    print(f"pinned to CPU {pinned}; detectors with: {len(with_model.detectors)}, without: {len(without.detectors)}")
    for name, calls in workloads(args.emails, args.seed).items():
        for engine in (with_model, without):  # warm-up: lazy tables, token table of the model
            for source, options in calls:
                engine.analyze(source, **options)  # type: ignore[arg-type]
        totals = {"with": [0.0, 0.0, 0], "without": [0.0, 0.0, 0]}
        for r in range(args.rounds):
            order = (("with", with_model), ("without", without))
            for label, engine in order if r % 2 == 0 else order[::-1]:
                cpu, wall, n = measure(engine, calls, args.seconds)
                t = totals[label]
                t[0], t[1], t[2] = t[0] + cpu, t[1] + wall, t[2] + n
        per = {k: (v[2] / v[0], v[2] / v[1]) for k, v in totals.items()}
        cost = per["without"][0] / per["with"][0] - 1
        print(
            f"{name}: {len(calls)} messages; per CPU-second with the model {per['with'][0]:,.0f}, without "
            f"{per['without'][0]:,.0f} (cost {cost * 100:+.1f} %); "
            f"wall {per['with'][1]:,.0f} / {per['without'][1]:,.0f}/s"
        )
        texts = [fold(e.text) for e in (without.parse(s, **o) for s, o in calls[:300])]  # type: ignore[arg-type]
        model = load_model_file()
        model.assess(texts[0])
        started = time.process_time()
        for text in texts:
            model.assess(text)
        warm = (time.process_time() - started) / len(texts)
        started = time.process_time()
        for text in texts:
            model._cache.clear()  # noqa: SLF001 - measuring the cold path on purpose
            model.assess(text)
        cold = (time.process_time() - started) / len(texts)
        print(f"  model.assess alone: warm {warm * 1e6:.1f} µs, cold token table {cold * 1e6:.1f} µs per message")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
