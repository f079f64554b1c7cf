"""Benchmark (a script, not a test): saved web pages analysed per second on one core.

The mix, held in memory before timing:

* the four pages of ``tests/webpage/webpages.py`` (a compte ameli kit posting to a bot, a fake carte Vitale
  order page, the genuine assure.ameli.fr login, a mutual insurer's login), each with its address;
* the HTML bodies of the corpus e-mails (``../shared/corpus/email/{ham,phish,phish_fr}``), read as saved pages
  with an address of their own: real-world HTML of every size and quality (newsletters, kits' lures).

Each page is given as bytes with ``kind="webpage"`` and its ``url`` to ``Engine.analyze`` (parse, detectors,
verdict), after one warm-up pass. Reported: pages per second and CPU seconds per page in this one process
(one core), latency percentiles, page sizes, peak RSS. The issue's goal: at least 200 pages per second per core.

    .venv/bin/python benchmarks/bench_webpage.py [--corpus ../shared/corpus/email] [--max-corpus 600] [--passes 3]
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import sys
import time
from email import policy
from email.parser import BytesParser
from pathlib import Path

from sentinelle import Engine, __version__

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "webpage"))
import webpages  # noqa: E402 - the test pages, built by code

FOLDERS = ("ham", "phish", "phish_fr")


def built_pages() -> list[tuple[bytes, str]]:
    return [
        (webpages.fake_ameli_login().encode(), webpages.KIT_URL),
        (webpages.fake_vitale_order().encode(), webpages.VITALE_URL),
        (webpages.official_login().encode(), webpages.OFFICIAL_URL),
        (webpages.mutual_login().encode(), webpages.MUTUAL_URL),
    ]


def corpus_pages(corpus: Path, limit: int) -> list[tuple[bytes, str]]:
    """The first HTML part of each corpus e-mail, as a page with an address of its own."""
    out: list[tuple[bytes, str]] = []
    parser = BytesParser(policy=policy.compat32)
    for folder in FOLDERS:
        if not (corpus / folder).is_dir():
            continue
        for path in sorted((corpus / folder).iterdir()):
            if len(out) >= limit:
                return out
            try:
                msg = parser.parsebytes(path.read_bytes())
                part = next((p for p in msg.walk() if p.get_content_type() == "text/html"), None)
                body = part.get_payload(decode=True) if part is not None else None
            except Exception:  # noqa: BLE001 - a corpus file the stdlib cannot read is simply not used
                continue
            if isinstance(body, bytes) and body.strip():
                out.append((body, f"https://page-{len(out)}.{folder.replace('_', '-')}.example.org/index.html"))
    return out


def one_core(pages: list[tuple[bytes, str]], passes: int) -> dict[str, float]:
    engine = Engine()
    for data, url in pages:  # warm-up: lazy tables, caches of the public suffix list
        engine.analyze(data, kind="webpage", url=url)
    latencies: list[float] = []
    started = time.perf_counter()
    cpu = time.process_time()
    for _ in range(passes):
        for data, url in pages:
            t = time.perf_counter()
            engine.analyze(data, kind="webpage", url=url)
            latencies.append(time.perf_counter() - t)
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu
    latencies.sort()
    return {
        "pages": len(latencies),
        "per_second": len(latencies) / wall,
        "cpu_ms_per_page": cpu / len(latencies) * 1000,
        "per_second_of_cpu": len(latencies) / cpu,
        "mean_ms": statistics.fmean(latencies) * 1000,
        "p50_ms": latencies[len(latencies) // 2] * 1000,
        "p95_ms": latencies[int(len(latencies) * 0.95)] * 1000,
        "max_ms": latencies[-1] * 1000,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "email")
    ap.add_argument("--max-corpus", type=int, default=600)
    ap.add_argument("--passes", type=int, default=3)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    pages = built_pages() * 25 + corpus_pages(args.corpus, args.max_corpus)
    sizes = sorted(len(d) for d, _ in pages)
    result = {
        "version": __version__,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "pages_in_mix": len(pages),
        "built_pages": 4 * 25,
        "corpus_pages": len(pages) - 100,
        "size_kb_median": sizes[len(sizes) // 2] / 1024,
        "size_kb_max": sizes[-1] / 1024,
        "one_core": one_core(pages, args.passes),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    text = json.dumps(result, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
