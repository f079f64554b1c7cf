"""Lookalike domains: recall on confirmed ameli lookalikes, false alarms on popular domains, speed.

Each host is analysed as the URL ``https://{host}/`` (``kind="url"``); it counts as flagged when the level is
``fraud`` or ``suspicious``. Recall is broken down by the check that caught the host: the brand word
(``LINK_BRAND_IN_DOMAIN``), the lookalike comparison (``LINK_LOOKALIKE_DOMAIN`` without a brand word), or
neither (flagged by other evidence, or missed). False positives are counted on the Tranco top 10k and on the
French domains of the Tranco top 50k, where the official Assurance Maladie domains (if present) must be
``no_sign``. Speed is reported twice: whole analyses per second and ``lookalike.resemblance`` calls per
second (the bare comparison, for bulk screening of new registrations).

    .venv/bin/python benchmarks/eval_lookalikes.py [--corpus ../shared/corpus/domains] [--json OUT]
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections import Counter
from pathlib import Path

from sentinelle import Engine, __version__

FLAGGED = ("fraud", "suspicious")


def read_confirmed(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [row["host"].strip() for row in csv.DictReader(fh) if row.get("host", "").strip()]


def read_tranco(path: Path) -> list[str]:
    """Tranco lists have no header: ``rank,domain`` per line."""
    with path.open(encoding="utf-8", newline="") as fh:
        return [row[1].strip() for row in csv.reader(fh) if len(row) >= 2 and row[1].strip()]


def recall(engine: Engine, hosts: list[str]) -> dict[str, object]:
    by_check: Counter[str] = Counter()
    caught_by: Counter[str] = Counter()
    techniques: Counter[str] = Counter()
    missed: list[str] = []
    started = time.perf_counter()
    for host in hosts:
        verdict = engine.analyze(f"https://{host}/", kind="url")
        signals = {ev.signal: ev for ev in verdict.evidence}
        if "LINK_BRAND_IN_DOMAIN" in signals:
            check = "brand word"
        elif "LINK_LOOKALIKE_DOMAIN" in signals:
            check = "lookalike"
            techniques[signals["LINK_LOOKALIKE_DOMAIN"].params.get("technique", "?")] += 1
        else:
            check = "none"
        by_check[check] += 1
        if verdict.level.value in FLAGGED:
            caught_by[check] += 1
        else:
            missed.append(host)
        if "LINK_LOOKALIKE_DOMAIN" in signals and check == "brand word":
            techniques["(also brand word) " + signals["LINK_LOOKALIKE_DOMAIN"].params.get("technique", "?")] += 1
    elapsed = time.perf_counter() - started
    return {
        "hosts": len(hosts),
        "flagged": sum(caught_by.values()),
        "recall": sum(caught_by.values()) / len(hosts) if hosts else 0.0,
        "by_check": dict(by_check),
        "flagged_by_check": dict(caught_by),
        "lookalike_techniques": dict(techniques),
        "missed": missed,
        "analyses_per_second": len(hosts) / elapsed if elapsed else 0.0,
    }


def false_positives(engine: Engine, domains: list[str], official: frozenset[str]) -> dict[str, object]:
    flagged: list[tuple[str, str, list[str]]] = []
    official_not_clean: list[str] = []
    started = time.perf_counter()
    for domain in domains:
        verdict = engine.analyze(f"https://{domain}/", kind="url")
        if domain in official and verdict.level.value != "no_sign":
            official_not_clean.append(domain)
        if verdict.level.value in FLAGGED:
            flagged.append((domain, verdict.level.value, sorted(verdict.signals)))
    elapsed = time.perf_counter() - started
    return {
        "domains": len(domains),
        "flagged": len(flagged),
        "rate": len(flagged) / len(domains) if domains else 0.0,
        "flagged_domains": flagged,
        "official_present": sorted(official & set(domains)),
        "official_not_no_sign": official_not_clean,
        "analyses_per_second": len(domains) / elapsed if elapsed else 0.0,
    }


def resemblance_speed(engine: Engine, hosts: list[str]) -> float | None:
    """Bare ``resemblance`` calls per second on ``hosts`` (None before the lookalike module existed)."""
    try:
        from sentinelle.lookalike import resemblance
    except ImportError:
        return None
    profiles = engine.knowledge.profiles
    resemblance("warm.up", profiles)
    rounds = max(1, 200_000 // max(1, len(hosts)))
    started = time.perf_counter()
    for _ in range(rounds):
        for host in hosts:
            resemblance(host, profiles)
    elapsed = time.perf_counter() - started
    return rounds * len(hosts) / elapsed if elapsed else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--corpus", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "corpus" / "domains"
    )
    parser.add_argument("--json", type=Path)
    parser.add_argument("--show", type=int, default=15, help="how many missed / flagged domains to list")
    args = parser.parse_args(argv)
    confirmed_csv = args.corpus / "ameli_lookalikes_confirmed.csv"
    lists = {
        "tranco_top_10k": args.corpus / "reference_lists" / "tranco_top_10k.csv",
        "tranco_top_50k_fr_only": args.corpus / "reference_lists" / "tranco_top_50k_fr_only.csv",
    }
    if not confirmed_csv.is_file() or not all(p.is_file() for p in lists.values()):
        print(f"corpus not found under {args.corpus}", file=sys.stderr)
        return 2
    engine = Engine()
    official = frozenset(d for p in engine.knowledge.profiles for d in p.domains)
    confirmed = read_confirmed(confirmed_csv)
    rec = recall(engine, confirmed)
    fps = {name: false_positives(engine, read_tranco(path), official) for name, path in lists.items()}
    all_hosts = confirmed + [d for name in lists for d in read_tranco(lists[name])]
    speed = resemblance_speed(engine, all_hosts)

    print(f"sentinelle {__version__}, corpus {args.corpus}\n")
    print("| confirmed lookalikes | hosts | flagged | recall |")
    print("|---|---|---|---|")
    for check in ("brand word", "lookalike", "none"):
        n = rec["by_check"].get(check, 0)  # type: ignore[attr-defined]
        hit = rec["flagged_by_check"].get(check, 0)  # type: ignore[attr-defined]
        print(f"| caught by: {check} | {n} | {hit} | {hit / len(confirmed):.3f} |")
    print(f"| **all** | {rec['hosts']} | {rec['flagged']} | **{float(rec['recall']):.3f}** |")  # type: ignore[arg-type]
    if rec["lookalike_techniques"]:
        print(f"\nlookalike techniques: {rec['lookalike_techniques']}")
    print("\n| reference list | domains | flagged | false-positive rate | official present | official not no_sign |")
    print("|---|---|---|---|---|---|")
    for name, r in fps.items():
        print(
            f"| {name} | {r['domains']} | {r['flagged']} | {float(r['rate']):.4f} "  # type: ignore[arg-type]
            f"| {', '.join(r['official_present']) or '-'} | {', '.join(r['official_not_no_sign']) or '-'} |"  # type: ignore[arg-type]
        )
    print(f"\nspeed: {float(rec['analyses_per_second']):.0f} analyses/s (engine, confirmed list)", end="")  # type: ignore[arg-type]
    print(", " + (f"{speed:,.0f} resemblance() calls/s" if speed is not None else "resemblance(): n/a (no module)"))
    print(f"\nmissed (first {args.show}): {rec['missed'][: args.show]}")  # type: ignore[index]
    for name, r in fps.items():
        print(f"flagged in {name} (first {args.show}): {r['flagged_domains'][: args.show]}")  # type: ignore[index]
    if args.json:
        payload = {"version": __version__, "recall": rec, "false_positives": fps, "resemblance_per_second": speed}
        args.json.write_text(json.dumps(payload, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
