"""Speed of ``sentinelle watch``'s screening path in CPU time, and a dump of its decisions to compare versions.

Speed (``--rounds`` rounds of ``--names`` names each, after a warm-up; the best and the median round are
printed, in names per CPU-second of this process, so that other processes on a shared machine matter less):

* ``stream``: the workload of ``eval_lookalikes.py --watch-seconds``: a numbered label in front of every name
  of the Tranco top 10k and the confirmed lookalikes (``n3-17.google.com``): every name is new, so the dedupe
  cache never hits, but registrable domains recur, as on a Certificate Transparency stream (many certificates
  per site). One watcher for all rounds, warmed up on one pass over the list: each lookalike's registrable
  domain is analysed by the engine once, in the warm-up, as a long-running watch does;
* ``unique``: the numbered prefix glued to the registrable label of the Tranco names (``n3x17google.com``):
  every registrable domain is new too, the worst case for any per-domain memory (and no lookalike among them,
  so that the figure is the screen's, not the engine's full analyses of the few names the screen retains).

Decisions (``--dump FILE``): ``DomainScreen.match`` on every name of the domain corpus (Tranco 10k, ``.fr``
list, confirmed lookalikes, hold-out, the other French bodies' lists), on dnstwist's permutations of every
official domain and on Sentinelle's own permutations of the profile, each also behind ``www.`` and a numbered
label, plus hostile names; one JSON line per name. Run it on two versions (``PYTHONPATH=OTHER/src``) and
``cmp`` the files: a speed-up must not change one line. ``--check-suffixes`` compares
``extract.suffixes.SuffixList`` with ``publicsuffixlist`` on the same names.

    .venv/bin/python benchmarks/bench_watch.py [--rounds 7] [--names 100000] [--dump OUT.jsonl] [--check-suffixes]
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
import time
from pathlib import Path

from sentinelle import Engine

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "domains"


def _tranco(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [row[1].strip() for row in csv.reader(fh) if len(row) >= 2 and row[1].strip()]


def base_names(corpus: Path) -> list[str]:
    """The Tranco top 10k, then the confirmed lookalikes (the input of ``eval_lookalikes.watch_speed``)."""
    with (corpus / "ameli_lookalikes_confirmed.csv").open(encoding="utf-8", newline="") as fh:
        confirmed = [row["host"].strip() for row in csv.DictReader(fh) if row.get("host", "").strip()]
    return _tranco(corpus / "reference_lists" / "tranco_top_10k.csv") + confirmed


def decision_names(engine: Engine, corpus: Path) -> list[str]:
    names = base_names(corpus) + _tranco(corpus / "reference_lists" / "tranco_top_50k_fr_only.csv")
    names += (corpus / "ameli_lookalikes_unconfirmed_new_fr.txt").read_text(encoding="utf-8").split()
    for tsv in sorted((corpus / "other_fr_brands").glob("*.tsv")):
        with tsv.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                value = (row.get("url_or_domain") or "").strip()
                host = value.split("://", 1)[-1].split("/", 1)[0].split("?", 1)[0]
                if host:
                    names.append(host)
    try:
        import dnstwist
    except ImportError:  # the [lookalikes] extra
        dnstwist = None
    if dnstwist is not None:
        from sentinelle.domains.permutations import PermutationGenerator, load_settings, lure_words

        settings = load_settings()
        profile = engine.knowledge.profile("assurance_maladie")
        words = lure_words(profile, engine.knowledge.keywords.domain_words, settings)
        for domain in sorted({d for p in engine.knowledge.profiles for d in p.domains}):
            fuzzer = dnstwist.Fuzzer(domain, dictionary=words, tld_dictionary=list(settings.tlds))
            fuzzer.generate()
            names += sorted(str(p["domain"]) for p in fuzzer.domains)
        generator = PermutationGenerator(engine.knowledge.profiles, engine.knowledge.keywords.domain_words, settings)
        names += [p.domain for p in generator.generate("assurance_maladie")]
    names += [f"www.{n}" for n in names] + [f"n1-{i}.{n}" for i, n in enumerate(names)]
    hostile = [
        "",
        ".",
        "..",
        "a..b.com",
        "*.ameli.fr",
        "AMELI.FR.",
        "xn--zzzz.fr",
        "1.2.3.4",
        "1.2.3.4.5",
        "[::1]",
        "ameli.fr:443",
        "a" * 10_000 + ".fr",
        "ameli." + "x." * 200 + "com",
        "amеli.fr",
        "АМЕЛИ.fr",
        "ameIi.fr",
        "xn--amli-w4d.fr",
        "ameli\u200b.fr",
        "am eli.fr",
        "ameli.fr.com",
        "ameli.city.kobe.jp",
        "ameli.kobe.jp",
        "a.ameli.kobe.jp",
        "ameli.blogspot.com",
        "ameli-fr.github.io",
        "0x7f.0.0.1",
    ]
    return names + hostile


def dump(engine: Engine, corpus: Path, out: Path) -> int:
    from sentinelle.domains.screen import DomainScreen

    screen = DomainScreen(engine.knowledge.profiles, engine.knowledge.keywords.domain_words)
    names = decision_names(engine, corpus)
    matched = 0
    with out.open("w", encoding="utf-8") as fh:
        for name in names:
            match = screen.match(name)
            matched += match is not None
            fh.write(json.dumps([name[:300], None if match is None else match.to_dict()], ensure_ascii=False) + "\n")
    print(f"{len(names):,} names, {matched:,} matched -> {out}")
    return 0


def check_suffixes(engine: Engine, corpus: Path) -> int:
    from publicsuffixlist import PublicSuffixList

    from sentinelle.extract.suffixes import SuffixList

    reference = PublicSuffixList(accept_unknown=False)
    fast = SuffixList.from_publicsuffixlist(reference)
    names = decision_names(engine, corpus)
    names += [n.upper() + "." for n in names[:20_000]]
    differ = [
        n
        for n in names
        if (reference.publicsuffix(n), reference.privatesuffix(n)) != (fast.publicsuffix(n), fast.privatesuffix(n))
    ]
    print(f"suffixes: {len(names):,} names compared with publicsuffixlist, {len(differ)} differ {differ[:5]}")
    for obj in (reference, fast):
        started = time.process_time()
        for n in names:
            obj.privatesuffix(n)
        print(f"  {type(obj).__name__}.privatesuffix: {len(names) / (time.process_time() - started):,.0f}/CPU-s")
    return 1 if differ else 0


def workload(names: list[str], kind: str, count: int, round_no: int) -> list[str]:
    out = []
    for j in range(count):
        name = names[j % len(names)]
        out.append(f"n{round_no}-{j}.{name}" if kind == "stream" else f"n{round_no}x{j}{name}")
    return out


def speed(engine: Engine, corpus: Path, rounds: int, count: int) -> None:
    from sentinelle.domains.watch import Watcher

    names = base_names(corpus)
    tranco = _tranco(corpus / "reference_lists" / "tranco_top_10k.csv")
    for kind in ("stream", "unique"):
        source = names if kind == "stream" else tranco
        rates = []
        watcher = Watcher(engine, dedupe=100_000)
        for name in workload(source, kind, len(source), 10_000):  # warm-up: tables, the lookalikes' analyses
            watcher.feed_line(name)
        flagged = watcher.stats.flagged
        for r in range(rounds):
            lines = workload(source, kind, count, r)
            started = time.process_time()
            for line in lines:
                watcher.feed_line(line)
            rates.append(count / (time.process_time() - started))
        flagged = watcher.stats.flagged - flagged
        print(
            f"watch {kind:6}: best {max(rates):>9,.0f}  median {statistics.median(rates):>9,.0f} names/CPU-s "
            f"({rounds} rounds of {count:,}; {flagged} flagged after the warm-up)"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--names", type=int, default=100_000)
    parser.add_argument("--dump", type=Path, help="write every decision of the screen here, then stop")
    parser.add_argument("--check-suffixes", action="store_true", help="compare SuffixList with publicsuffixlist")
    args = parser.parse_args(argv)
    if not (args.corpus / "ameli_lookalikes_confirmed.csv").is_file():
        print(f"corpus not found under {args.corpus}", file=sys.stderr)
        return 2
    engine = Engine()
    if args.dump:
        return dump(engine, args.corpus, args.dump)
    if args.check_suffixes:
        return check_suffixes(engine, args.corpus)
    speed(engine, args.corpus, args.rounds, args.names)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
