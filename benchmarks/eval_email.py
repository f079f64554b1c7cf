"""Detection quality on the e-mail corpus (a script, not a test): recall per phishing folder, false positives.

A message counts as flagged when its level is ``fraud`` or ``suspicious``. Prints, per folder, the levels,
the flagged rate and the evidence codes most often present in flagged messages (to see what drives both
the hits and the false alarms), then precision, recall and false-positive rate over the whole corpus.

    .venv/bin/python benchmarks/eval_email.py [--corpus ../shared/corpus/email] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from sentinelle import Engine, __version__

POSITIVE = ("phish", "phish_fr")
NEGATIVE = ("ham",)


def evaluate(folder: Path, engine: Engine) -> dict[str, object]:
    levels: Counter[str] = Counter()
    codes: Counter[str] = Counter()
    failures = 0
    for file in sorted(folder.iterdir()):
        verdict = engine.analyze(file)
        levels[verdict.level.value] += 1
        failures += bool(verdict.failures)
        if verdict.level.value in ("fraud", "suspicious"):
            codes.update(verdict.signals)
    total = sum(levels.values())
    flagged = levels["fraud"] + levels["suspicious"]
    return {
        "messages": total,
        "levels": dict(levels),
        "flagged": flagged,
        "flagged_rate": flagged / total,
        "detector_failures": failures,
        "top_codes_when_flagged": codes.most_common(8),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--corpus", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "corpus" / "email"
    )
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    folders = [f for f in (*POSITIVE, *NEGATIVE) if (args.corpus / f).is_dir()]
    if not folders:
        print(f"corpus not found under {args.corpus}", file=sys.stderr)
        return 2
    engine = Engine()
    results = {f: evaluate(args.corpus / f, engine) for f in folders}
    tp = sum(int(results[f]["flagged"]) for f in POSITIVE if f in results)  # type: ignore[call-overload]
    pos = sum(int(results[f]["messages"]) for f in POSITIVE if f in results)  # type: ignore[call-overload]
    fp = sum(int(results[f]["flagged"]) for f in NEGATIVE if f in results)  # type: ignore[call-overload]
    neg = sum(int(results[f]["messages"]) for f in NEGATIVE if f in results)  # type: ignore[call-overload]
    summary = {
        "precision": tp / (tp + fp) if tp + fp else 0.0,
        "recall": tp / pos if pos else 0.0,
        "false_positive_rate": fp / neg if neg else 0.0,
    }
    print(f"sentinelle {__version__}, corpus {args.corpus}")
    print("| folder | messages | fraud | suspicious | no_sign | unknown | flagged |")
    print("|---|---|---|---|---|---|---|")
    for name, r in results.items():
        lv = r["levels"]
        assert isinstance(lv, dict)
        print(
            f"| {name} | {r['messages']} | {lv.get('fraud', 0)} | {lv.get('suspicious', 0)} | {lv.get('no_sign', 0)} "
            f"| {lv.get('unknown', 0)} | {float(r['flagged_rate']):.3f} |"
        )  # type: ignore[arg-type]
    print(
        f"\nprecision {summary['precision']:.3f}, recall {summary['recall']:.3f}, "
        f"false-positive rate {summary['false_positive_rate']:.4f}"
    )
    for name, r in results.items():
        print(f"{name}: codes in flagged messages: {r['top_codes_when_flagged']}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"version": __version__, "folders": results, "summary": summary}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
