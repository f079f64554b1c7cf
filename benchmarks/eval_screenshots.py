"""Screenshots of real scam SMS: how many are flagged, and is the link's domain read right?

    .venv/bin/python benchmarks/eval_screenshots.py [--corpus ../shared/corpus/sms_screenshots]

Ground truth: benchmarks/data/sms_screenshots_labels.csv, hand-labelled by looking at each picture (category,
host as shown, whether the host is fully visible). Prints recall per category (fraud or suspicious through
``sentinelle.analyze(path, kind="image")``), the domain accuracy over the screenshots that show a whole
host (registrable domain; exact host beside it), every miss with its cause, and timings.
The issue's goals: >= 90 % flagged, >= 90 % of visible domains read right.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

import sentinelle  # noqa: E402
from sentinelle.extract.urls import split_url  # noqa: E402
from sentinelle.model import Level  # noqa: E402

LABELS = HERE / "data" / "sms_screenshots_labels.csv"
DEFAULT_CORPUS = HERE.parents[1] / "shared" / "corpus" / "sms_screenshots"
FLAGGED = (Level.FRAUD, Level.SUSPICIOUS)


def registrable(host: str) -> str:
    parts = split_url(f"https://{host}/")
    return parts.registrable_domain if parts else host


def load_labels() -> list[dict[str, str]]:
    with LABELS.open(encoding="utf-8") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    engine = sentinelle.default_engine()
    rows = load_labels()
    per_category: dict[str, list[bool]] = defaultdict(list)
    detection_misses: list[str] = []
    domain_misses: list[str] = []
    domains_right = hosts_right = domains_total = 0
    seconds: list[float] = []
    for row in rows:
        path = args.corpus / row["file"]
        started = time.perf_counter()
        msg = engine.parse(path, kind="image")
        verdict = engine.analyze_message(msg)
        seconds.append(time.perf_counter() - started)
        flagged = verdict.level in FLAGGED
        per_category[row["category"]].append(flagged)
        read_hosts = [link.host for link in msg.links]
        if not flagged:
            cause = "no link read" if row["visibility"] == "full" and not read_hosts else "no evidence strong enough"
            detection_misses.append(
                f"{row['file']}: {verdict.level.value} ({verdict.points} points, {sorted(verdict.signals)}); "
                f"{cause}; links read {read_hosts}; {row['notes']}"
            )
        if row["visibility"] != "full":
            continue
        domains_total += 1
        truth = row["host"]
        domain_ok = registrable(truth) in {link.registrable_domain for link in msg.links}
        domains_right += domain_ok
        hosts_right += truth in read_hosts
        if not domain_ok:
            ocr_notes = [f"{a.code} {dict(a.params)}" for a in msg.anomalies if a.code.startswith("OCR_")]
            domain_misses.append(f"{row['file']}: expected {truth}, read {read_hosts or 'no link'}; "
                                 f"{row['notes'] or ''} {ocr_notes or ''}".strip())
    total = sum(len(v) for v in per_category.values())
    flagged_total = sum(sum(v) for v in per_category.values())
    print(f"screenshots: {total} ({args.corpus})")
    print(f"flagged (fraud or suspicious): {flagged_total}/{total} = {flagged_total / total:.1%}")
    print("\n| category | screenshots | flagged | recall |\n|---|---|---|---|")
    for category, results in sorted(per_category.items()):
        print(f"| {category} | {len(results)} | {sum(results)} | {sum(results) / len(results):.0%} |")
    print(f"\nvisible domain read right: {domains_right}/{domains_total} = {domains_right / domains_total:.1%} "
          f"(exact host: {hosts_right}/{domains_total} = {hosts_right / domains_total:.1%})")
    print("\ndetection misses:" + ("" if detection_misses else " none"))
    for line in detection_misses:
        print(f"  - {line}")
    print("domain misses:" + ("" if domain_misses else " none"))
    for line in domain_misses:
        print(f"  - {line}")
    print(f"\nseconds per screenshot (read + analyse): median {statistics.median(seconds):.2f}, "
          f"mean {statistics.mean(seconds):.2f}, max {max(seconds):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
