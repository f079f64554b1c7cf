"""Benchmark (a script, not a test): whole e-mail analyses per second on the corpus mix.

Reads every message of ../shared/corpus/email/{ham,phish,phish_fr} into memory, then measures

* one core: ``Engine.analyze`` on each message in one process, after ``Engine.warm_up`` (first pass; then the
  same messages again, a figure flattered by the memos of hosts and URLs);
* all cores: ``sentinelle.batch.scan`` with one worker process per core over the same files (this includes
  reading the files, process start-up and warm-up and sending results back, as a user of ``sentinelle scan``
  pays);
* peak memory (RSS of this process, and of the largest worker).

The issue's goal: at least twice Rspamd's e-mails per second in the same run (Rspamd with 2 workers did
470-600/s here, so about 1,000-1,200/s), p95 latency under 20 ms. On a machine shared with other work, wall
time varies by +-30 %; the CPU time per e-mail (``cpu_ms_per_email``) is the steadier figure to compare.

    .venv/bin/python benchmarks/bench_email.py [--corpus ../shared/corpus/email] [--passes 2] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import time
from pathlib import Path

from sentinelle import Engine, __version__
from sentinelle.batch import default_workers, scan

FOLDERS = ("ham", "phish", "phish_fr")


def _files(corpus: Path) -> list[Path]:
    return [f for folder in FOLDERS for f in sorted((corpus / folder).iterdir())]


def one_core(raw: list[bytes], passes: int) -> tuple[dict[str, float], dict[str, float] | None]:
    """(first pass, later passes): one ``Engine`` after ``Engine.warm_up`` (what a daemon does at start) times a
    pass over messages it has never seen, then ``passes - 1`` passes over the same ones again. The later passes
    are flattered by the process-wide memos of hosts and URLs; the first pass is the figure to quote."""
    engine = Engine()
    engine.warm_up()
    first = _timed(engine, raw, 1)
    return first, _timed(engine, raw, passes - 1) if passes > 1 else None


def _timed(engine: Engine, raw: list[bytes], passes: int) -> dict[str, float]:
    latencies: list[float] = []
    started = time.perf_counter()
    cpu = time.process_time()
    for _ in range(passes):
        for data in raw:
            t = time.perf_counter()
            engine.analyze(data)
            latencies.append(time.perf_counter() - t)
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu
    latencies.sort()
    return {
        "messages": len(latencies),
        "per_second": len(latencies) / wall,
        "cpu_over_wall": cpu / wall,
        "cpu_ms_per_email": cpu / len(latencies) * 1000,  # steadier than wall time on a shared machine
        "mean_ms": statistics.fmean(latencies) * 1000,
        "p50_ms": latencies[len(latencies) // 2] * 1000,
        "p95_ms": latencies[int(len(latencies) * 0.95)] * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99)] * 1000,
        "max_ms": latencies[-1] * 1000,
    }


def parts(raw: list[bytes], reps: int = 3) -> dict[str, float]:
    """CPU milliseconds per e-mail of the stages (best of ``reps`` passes): parsing, analysis of the parsed
    message, and the text model's phrase search on the e-mails it flags (the quotes of its evidence)."""
    from sentinelle.detectors.text_model import packaged_model
    from sentinelle.textnorm import fold

    engine = Engine()
    messages = [engine.parse(data) for data in raw]
    model = packaged_model()
    texts = [fold(f"{m.subject}\n{m.text}" if m.subject else m.text) for m in messages]
    flagged = [t for t in texts if model.assess(t).probability >= model.threshold]

    def best(run: object, items: list[object]) -> float:
        times = []
        for _ in range(reps):
            cpu = time.process_time()
            for item in items:
                run(item)  # type: ignore[operator]
            times.append(time.process_time() - cpu)
        return min(times) / max(1, len(items)) * 1000

    return {
        "parse_ms": best(engine.parse, list(raw)),
        "analysis_ms": best(engine.analyze_message, list(messages)),
        "top_phrases_ms_per_flagged": best(lambda t: model.top_phrases(t, limit=5), list(flagged)),
        "flagged": len(flagged),
    }


def all_cores(folders: list[Path], workers: int) -> dict[str, float]:
    started = time.perf_counter()
    count = sum(1 for _ in scan(folders, workers=workers))
    wall = time.perf_counter() - started
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"messages": count, "workers": workers, "per_second": count / wall, "worker_peak_rss_mib": children}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--corpus", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "corpus" / "email"
    )
    parser.add_argument("--passes", type=int, default=2)
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--json", type=Path)
    parser.add_argument("--parts", action="store_true", help="also CPU per e-mail of parsing, analysis, phrase search")
    args = parser.parse_args(argv)
    if not all((args.corpus / f).is_dir() for f in FOLDERS):
        print(f"corpus not found under {args.corpus}", file=sys.stderr)
        return 2
    files = _files(args.corpus)
    raw = [f.read_bytes() for f in files]
    sizes = sorted(len(r) for r in raw)
    single, repeat = one_core(raw, args.passes)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    parallel = all_cores([args.corpus / f for f in FOLDERS], args.workers)
    result = {
        "version": __version__,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "corpus": {
            "messages": len(raw),
            "mean_bytes": statistics.fmean(sizes),
            "median_bytes": sizes[len(sizes) // 2],
            "max_bytes": sizes[-1],
        },
        "one_core": single,
        "one_core_again": repeat,
        "peak_rss_mib": rss,
        "all_cores": parallel,
    }
    print(
        f"corpus      {len(raw)} e-mails ({', '.join(FOLDERS)}), mean {result['corpus']['mean_bytes'] / 1024:.1f} KiB, "
        f"median {sizes[len(sizes) // 2] / 1024:.1f} KiB, max {sizes[-1] / 1024:.0f} KiB"
    )
    for label, row in (("one core", single), ("  again", repeat)):
        if row is None:
            continue
        print(
            f"{label:11s} {row['per_second']:,.0f} e-mails/s (CPU/wall {row['cpu_over_wall']:.2f}, "
            f"CPU {row['cpu_ms_per_email']:.2f} ms per e-mail = {1000 / row['cpu_ms_per_email']:,.0f}/CPU-s); "
            f"latency mean {row['mean_ms']:.2f} ms, p50 {row['p50_ms']:.2f}, p95 {row['p95_ms']:.2f}, "
            f"p99 {row['p99_ms']:.2f}, max {row['max_ms']:.1f} ms"
            + (" (first pass, after Engine.warm_up)" if row is single else " (the same e-mails again: memo-flattered)")
        )
    print(
        f"all cores   {parallel['per_second']:,.0f} e-mails/s with {parallel['workers']} worker processes "
        f"(sentinelle.batch.scan, files read from disk); goal: twice Rspamd's rate in the same run "
        f"(bench_peers.py), about 1,000-1,200/s here"
    )
    print(
        f"memory      peak RSS {rss:.0f} MiB (single process, corpus held in memory); "
        f"largest worker {parallel['worker_peak_rss_mib']:.0f} MiB"
    )
    if args.parts:
        stages = parts(raw)
        result["parts"] = stages
        print(
            f"stages      CPU per e-mail: parse {stages['parse_ms']:.3f} ms, analysis {stages['analysis_ms']:.3f} ms; "
            f"text model phrase search {stages['top_phrases_ms_per_flagged']:.3f} ms per flagged e-mail "
            f"({stages['flagged']:.0f} flagged)"
        )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
