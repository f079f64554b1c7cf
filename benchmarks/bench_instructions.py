"""Instructions per e-mail of the whole analysis (valgrind's callgrind): the figure the machine's load does not move.

Wall-clock and CPU figures on a shared 2-core machine move by 10-30 % between runs; the number of instructions
executed does not. This script counts them for ``Engine.analyze`` over every second message of the held-out
sample of ``bench_peers.py`` (the same 930 e-mails, seed 1), each seen once after ``Engine.warm_up()`` and 20
untimed messages, as a worker of the side-by-side run sees them: it runs itself twice under callgrind, once
stopping after the warm-up, and divides the difference by the number of messages analysed.

    .venv/bin/python benchmarks/bench_instructions.py                   # needs valgrind (Debian: valgrind)
    PYTHONPATH=/other/checkout/src .venv/bin/python benchmarks/bench_instructions.py   # another version
    .venv/bin/python benchmarks/bench_instructions.py --cpu             # CPU ms instead, all 930, no valgrind

``--cpu`` times the same first pass with the process's CPU clock over the whole held-out sample (930 e-mails,
20 of them the warm-up): quicker, but it moves with the machine's load.

Session 5 (2026-11-28): 8.81 million instructions per e-mail after the warm-up and the first brand changes,
8.30 million at the session's end (``docs/benchmarks.md``, "E-mail speed, session 5").
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parents[1] / "shared" / "corpus" / "email"
WARMUP = 20


def held_out(corpus: Path, every: int = 2) -> list[Path]:
    """Every ``every``-th message of ``bench_peers.py``'s full held-out sample, in its order."""
    sys.path.insert(0, str(HERE))
    import bench_peers as bp

    items = bp.draw_sample(bp.keep_split(corpus, bp._folder_files(corpus), "test"), None, 1)
    return [corpus / item.file for item in items][::every]


def analyse(paths: list[Path], *, stop_after_warmup: bool) -> float:
    """The measured work (run under callgrind by ``main``): warm-up, then the rest of the sample once; returns
    the CPU seconds of that rest."""
    from sentinelle import Engine

    messages = [path.read_bytes() for path in paths]
    engine = Engine()
    engine.warm_up()
    for data in messages[:WARMUP]:
        engine.analyze(data, kind="email")
    started = time.process_time()
    if not stop_after_warmup:
        for data in messages[WARMUP:]:
            engine.analyze(data, kind="email")
    return time.process_time() - started


def collected(listing: Path, mode: str) -> int:
    """Instructions callgrind counts for one run of this script in ``mode`` over the files of ``listing``."""
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, __file__]
    env = {**os.environ, "PYTHONHASHSEED": "0"}  # the same set and dict layouts in both runs
    done = subprocess.run(
        [*command, "--mode", mode, "--files", str(listing)], capture_output=True, text=True, check=True, env=env
    )
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        raise RuntimeError(f"no instruction count in valgrind's output: {done.stderr[-400:]}")
    return int(found.group(1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--mode", choices=["count", "base", "run"], default="count", help=argparse.SUPPRESS)
    parser.add_argument("--files", type=Path, help=argparse.SUPPRESS)  # the sample, one path a line
    parser.add_argument("--cpu", action="store_true", help="CPU ms per e-mail over all 930, without valgrind")
    args = parser.parse_args(argv)
    if args.cpu:
        paths = held_out(args.corpus, every=1)
        seconds = analyse(paths, stop_after_warmup=False)
        print(
            f"{seconds * 1000 / (len(paths) - WARMUP):.3f} ms of CPU per e-mail ({len(paths) - WARMUP} held-out "
            "e-mails, first pass after Engine.warm_up(), one process)"
        )
        return 0
    if args.mode != "count":
        analyse([Path(line) for line in args.files.read_text().splitlines()], stop_after_warmup=args.mode == "base")
        return 0
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (Debian: apt-get install valgrind)", file=sys.stderr)
        return 2
    if not (args.corpus / "ham").is_dir():
        print(f"corpus not found under {args.corpus}", file=sys.stderr)
        return 2
    paths = held_out(args.corpus)
    with tempfile.TemporaryDirectory() as tmp:
        listing = Path(tmp) / "sample.txt"
        listing.write_text("\n".join(map(str, paths)))
        base, run = collected(listing, "base"), collected(listing, "run")
    measured = len(paths) - WARMUP
    print(
        f"{(run - base) / measured:,.0f} instructions per e-mail ({measured} held-out e-mails, first pass after "
        f"Engine.warm_up(); base {base:,}, run {run:,})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
