"""Lookalike domains: recall on confirmed ameli lookalikes, false alarms on popular domains, speed.

Each host is analysed as the URL ``https://{host}/`` (``kind="url"``); it counts as flagged when the level is
``fraud`` or ``suspicious``. Recall is broken down by the check that caught the host: the brand word
(``LINK_BRAND_IN_DOMAIN``), the lookalike comparison (``LINK_LOOKALIKE_DOMAIN`` without a brand word), or
neither (flagged by other evidence, or missed). False positives are counted on the Tranco top 10k and on the
French domains of the Tranco top 50k, where the official Assurance Maladie domains (if present) must be
``no_sign``. Speed is reported twice: whole analyses per second and ``lookalike.resemblance`` calls per
second (the bare comparison, for bulk screening of new registrations).

Also, in the same run (issue 4):

* **recall per attack type**: each confirmed host is labelled by a coarse rule independent of the detector
  (``attack_type``: homoglyph, brand in a subdomain, typo kinds and other endings against the official
  labels, combosquat when a brand token of a profile is a substring of the name, other);
* **hold-out**: ``ameli_lookalikes_unconfirmed_new_fr.txt`` (never used to tune the rules) as a second recall;
* **side by side with dnstwist**: the share of the confirmed hosts that dnstwist's permutations of ameli.fr
  contain (its default fuzzers; then with its dictionary fuzzer fed the profiles' lexicon and the endings of
  ``data/lookalikes.toml``), the same for Sentinelle's generator (``sentinelle lookalikes assurance_maladie``),
  and the share of dnstwist's permutations that Sentinelle's engine flags, per fuzzer;
* **speed** of the generator (permutations/s with the self-check) and of ``watch`` (names/s on one core, on
  unique names; certstream JSON messages/s).

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
from sentinelle.profiles import Profile

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


def attack_type(host: str, profiles: tuple[Profile, ...]) -> str:
    """A coarse label of how ``host`` imitates a profile, decided without the detector's rules."""
    from sentinelle.extract.urls import normalise_host, public_suffix_list
    from sentinelle.lookalike import one_edit
    from sentinelle.textnorm import fold

    ascii_host, unicode_host = normalise_host(host)
    if unicode_host is not None and not unicode_host.isascii():
        return "homoglyph"
    registrable = public_suffix_list().privatesuffix(ascii_host) or ascii_host
    suffix = public_suffix_list().publicsuffix(ascii_host) or ""
    label = registrable[: -len(suffix) - 1] if suffix else registrable
    sub = ascii_host[: -len(registrable)].strip(".")
    tokens = {fold(t) for p in profiles for t in (*p.brand_tokens, *p.brand_weak_tokens)}
    labels = {d.partition(".")[0]: d for p in profiles for d in p.domains}
    if sub and any(t in sub for t in tokens | set(labels)) and not any(t in label for t in tokens):
        return "brand_in_subdomain"
    for official_label, domain in labels.items():
        if label == official_label:
            return "tld_swap" if registrable != domain else "official"
        if label.replace("-", "") == official_label.replace("-", ""):
            return "hyphen"
        if label in (official_label + suffix.replace(".", ""), f"{official_label}-{suffix.replace('.', '-')}"):
            return "suffix_game"
        edit = one_edit(label, official_label)
        if edit is not None:
            return f"typo_{edit[0]}"
    if any(t in fold(label) for t in tokens):
        return "combosquat"
    return "other"


def read_sources(path: Path) -> dict[str, list[str]]:
    """host -> the lists that confirmed it (``sources`` column, ``;``-separated)."""
    with path.open(encoding="utf-8", newline="") as fh:
        return {row["host"].strip(): [s for s in row.get("sources", "").split(";") if s]
                for row in csv.DictReader(fh) if row.get("host", "").strip()}


def per_source(engine: Engine, sources: dict[str, list[str]]) -> dict[str, dict[str, int]]:
    """Recall per confirming list, and for the hosts two or more lists confirm: a list's own noise (a keyword
    match on "ameli" inside first names) shows as one list far below the others."""
    table: dict[str, dict[str, int]] = {}
    for host, lists in sources.items():
        hit = int(engine.analyze(f"https://{host}/", kind="url").level.value in FLAGGED)
        keys = [*lists, "(confirmed by 2 or more lists)"] if len(lists) >= 2 else lists
        for key in keys:
            row = table.setdefault(key, {"hosts": 0, "flagged": 0})
            row["hosts"] += 1
            row["flagged"] += hit
    return dict(sorted(table.items(), key=lambda item: -item[1]["hosts"]))


def per_attack(engine: Engine, hosts: list[str]) -> dict[str, dict[str, int]]:
    """{attack type: {"hosts": n, "flagged": k}} for ``hosts`` analysed as URLs."""
    table: dict[str, dict[str, int]] = {}
    for host in hosts:
        row = table.setdefault(attack_type(host, engine.knowledge.profiles), {"hosts": 0, "flagged": 0})
        row["hosts"] += 1
        row["flagged"] += engine.analyze(f"https://{host}/", kind="url").level.value in FLAGGED
    return dict(sorted(table.items(), key=lambda item: -item[1]["hosts"]))


def registrable(host: str) -> str:
    from sentinelle.extract.urls import normalise_host, public_suffix_list

    ascii_host, _ = normalise_host(host)
    return public_suffix_list().privatesuffix(ascii_host) or ascii_host


def side_by_side(engine: Engine, confirmed: list[str]) -> dict[str, object]:
    """dnstwist's permutations of ameli.fr vs Sentinelle's generator vs Sentinelle's engine, on one corpus."""
    from sentinelle.domains.permutations import PermutationGenerator, import_dnstwist, load_settings, lure_words
    from sentinelle.domains.screen import DomainScreen

    dnstwist = import_dnstwist()
    knowledge = engine.knowledge
    profile = knowledge.profile("assurance_maladie")
    settings = load_settings()
    targets = {registrable(h) for h in confirmed}
    out: dict[str, object] = {"confirmed_registrable_domains": len(targets)}
    runs = {
        "dnstwist default (ameli.fr)": dict(dictionary=[], tld_dictionary=[]),
        "dnstwist + lexicon + endings (ameli.fr)": dict(
            dictionary=lure_words(profile, knowledge.keywords.domain_words, settings),
            tld_dictionary=list(settings.tlds),
        ),
    }
    screen = DomainScreen(knowledge.profiles, knowledge.keywords.domain_words)
    for name, options in runs.items():
        started = time.perf_counter()
        fuzzer = dnstwist.Fuzzer("ameli.fr", **options)
        fuzzer.generate()
        elapsed = time.perf_counter() - started
        names = {str(p["domain"]) for p in fuzzer.domains if p["fuzzer"] != "*original"}
        per_fuzzer: dict[str, list[int]] = {}
        for p in fuzzer.domains:
            if p["fuzzer"] != "*original":
                row = per_fuzzer.setdefault(str(p["fuzzer"]), [0, 0])
                row[0] += 1
                row[1] += screen.match(str(p["domain"])) is not None
        out[name] = {
            "permutations": len(names),
            "seconds": elapsed,
            "confirmed_predicted": len(targets & names),
            "flagged_by_sentinelle": sum(v[1] for v in per_fuzzer.values()),
            "per_fuzzer_flagged": {k: f"{v[1]}/{v[0]}" for k, v in sorted(per_fuzzer.items())},
        }
    generator = PermutationGenerator(knowledge.profiles, knowledge.keywords.domain_words, settings)
    started = time.perf_counter()
    perms = generator.generate("assurance_maladie")
    elapsed = time.perf_counter() - started
    names = {p.domain for p in perms}
    out["sentinelle lookalikes assurance_maladie"] = {
        "permutations": len(names),
        "seconds": elapsed,
        "permutations_per_second": len(names) / elapsed if elapsed else 0.0,
        "confirmed_predicted": len(targets & names),
        "flagged_by_sentinelle": sum(p.flagged for p in perms),
    }
    return out


def watch_speed(engine: Engine, names: list[str], seconds: float = 3.0) -> dict[str, float]:
    """``Watcher.feed_line`` on unique names (a numbered label in front of each), and certstream messages."""
    from sentinelle.domains.watch import Watcher

    watcher = Watcher(engine, dedupe=100_000)
    for name in names[:200]:  # warm-up: fold tables, suffix list, index
        watcher.feed_line(name)
    count, started, i = 0, time.perf_counter(), 0
    cpu = time.process_time()
    while time.perf_counter() - started < seconds:
        # Every name of the list in turn (the first 1,000 only, before: j alone picked the name).
        batch = [f"n{i}-{j}.{names[(i * 1000 + j) % len(names)]}" for j in range(1000)]
        for line in batch:
            watcher.feed_line(line)
        count += len(batch)
        i += 1
    wall, cpu_used = time.perf_counter() - started, time.process_time() - cpu
    messages = [
        json.dumps(
            {
                "message_type": "certificate_update",
                "data": {
                    "leaf_cert": {"all_domains": [f"*.m{k}.{names[k % len(names)]}", f"m{k}.{names[k % len(names)]}"]},
                    "cert_index": k,
                    "seen": 1.0,
                    "source": {"name": "bench", "url": "bench/"},
                },
            }
        )
        for k in range(20_000)
    ]
    msg_started = time.perf_counter()
    for message in messages:
        watcher.feed_message(message)
    msg_wall = time.perf_counter() - msg_started
    return {
        "names_per_second": count / wall,
        "names_per_cpu_second": count / cpu_used if cpu_used else 0.0,
        "certstream_messages_per_second": len(messages) / msg_wall,
        "flagged": watcher.stats.flagged,
    }


# ------------------------------------------------------------------------------------------------------------
# Other French bodies (issue 4, "also the lookalikes of other French bodies once their profiles exist").
# ../shared/corpus/domains/other_fr_brands/<body>.tsv are keyword-mined from phishing feeds (noisy: see its
# README.txt). Each row's host (the URL column, host only, de-duplicated) is analysed as https://HOST/ and counts
# as caught when the level is fraud or suspicious AND the verdict names that body's profile (Verdict.organisation).
BODIES = {"caf": "caf.tsv", "impots": "impots.tsv", "antai": "antai.tsv"}  # profile id -> list


def read_brand_hosts(path: Path) -> list[str]:
    """Hosts of the ``url_or_domain`` column (a URL or a bare name), lower-cased, de-duplicated, in file order."""
    from urllib.parse import urlsplit

    hosts: dict[str, None] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            value = (row.get("url_or_domain") or "").strip()
            if not value:
                continue
            try:
                host = urlsplit(value if "://" in value else f"http://{value}").hostname or ""
            except ValueError:
                continue
            host = host.strip(".").lower()
            if host:
                hosts.setdefault(host, None)
    return list(hosts)


def per_body(engine: Engine, corpus: Path, show: int = 0) -> dict[str, dict[str, object]]:
    """Per profile: hosts, caught (flagged and attributed), flagged elsewhere, per attack type, misses."""
    out: dict[str, dict[str, object]] = {}
    for profile_id, name in BODIES.items():
        path = corpus / "other_fr_brands" / name
        if not path.is_file():
            continue
        profile = engine.knowledge.profile(profile_id)
        hosts = read_brand_hosts(path)
        caught: list[str] = []
        other_org: list[tuple[str, str]] = []
        missed: list[str] = []
        attacks: dict[str, dict[str, int]] = {}
        for host in hosts:
            verdict = engine.analyze(f"https://{host}/", kind="url")
            row = attacks.setdefault(attack_type(host, (profile,)), {"hosts": 0, "flagged": 0})
            row["hosts"] += 1
            if verdict.level.value in FLAGGED and verdict.organisation == profile_id:
                caught.append(host)
                row["flagged"] += 1
            elif verdict.level.value in FLAGGED:
                other_org.append((host, str(verdict.organisation)))
            else:
                missed.append(host)
        out[profile_id] = {
            "list": name,
            "hosts": len(hosts),
            "caught": len(caught),
            "recall": len(caught) / len(hosts) if hosts else 0.0,
            "flagged_other_organisation": other_org,
            "per_attack": dict(sorted(attacks.items(), key=lambda item: -item[1]["hosts"])),
            "missed": missed,
        }
    return out


def print_per_body(bodies: dict[str, dict[str, object]], show: int) -> None:
    print("\n| body (list) | hosts | flagged and attributed | recall | flagged, other organisation |")
    print("|---|---|---|---|---|")
    for profile_id, r in bodies.items():
        print(
            f"| {profile_id} ({r['list']}) | {r['hosts']} | {r['caught']} | {float(r['recall']):.3f} "  # type: ignore[arg-type]
            f"| {len(r['flagged_other_organisation'])} |"  # type: ignore[arg-type]
        )
    for profile_id, r in bodies.items():
        print(f"\n{profile_id}:\n\n| attack type (coarse label) | hosts | flagged and attributed | recall |")
        print("|---|---|---|---|")
        for attack, row in r["per_attack"].items():  # type: ignore[attr-defined]
            print(f"| {attack} | {row['hosts']} | {row['flagged']} | {row['flagged'] / row['hosts']:.3f} |")
        if show:
            print(f"{profile_id} missed (first {show}): {r['missed'][:show]}")  # type: ignore[index]
            print(f"{profile_id} flagged for another organisation: {r['flagged_other_organisation'][:show]}")  # type: ignore[index]


# ------------------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--corpus", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "corpus" / "domains"
    )
    parser.add_argument("--json", type=Path)
    parser.add_argument("--show", type=int, default=15, help="how many missed / flagged domains to list")
    parser.add_argument("--watch-seconds", type=float, default=3.0, help="how long to measure watch's speed")
    parser.add_argument(
        "--brands", action="store_true", help="only the other French bodies' lists (CAF, DGFiP, ANTAI), per body"
    )
    args = parser.parse_args(argv)
    if args.brands:  # other French bodies only (issue 4): a quick run
        bodies_only = per_body(Engine(), args.corpus)
        if not bodies_only:
            print(f"other_fr_brands lists not found under {args.corpus}", file=sys.stderr)
            return 2
        print(f"sentinelle {__version__}, corpus {args.corpus}")
        print_per_body(bodies_only, args.show)
        if args.json:
            args.json.write_text(
                json.dumps({"version": __version__, "bodies": bodies_only}, indent=2), encoding="utf-8"
            )
        return 0
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
    attacks = per_attack(engine, confirmed)
    sources = per_source(engine, read_sources(confirmed_csv))
    holdout_path = args.corpus / "ameli_lookalikes_unconfirmed_new_fr.txt"
    holdout = [h.strip() for h in holdout_path.read_text(encoding="utf-8").splitlines() if h.strip()]
    holdout_rec = recall(engine, holdout) if holdout else None
    sides = side_by_side(engine, confirmed)
    watching = watch_speed(engine, read_tranco(lists["tranco_top_10k"]) + confirmed, args.watch_seconds)
    bodies = per_body(engine, args.corpus)  # other French bodies (issue 4)

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
    print("\n| attack type (coarse label) | hosts | flagged | recall |")
    print("|---|---|---|---|")
    for attack, row in attacks.items():
        print(f"| {attack} | {row['hosts']} | {row['flagged']} | {row['flagged'] / row['hosts']:.3f} |")
    print("\n| confirming list | hosts | flagged | recall |")
    print("|---|---|---|---|")
    for source, row in sources.items():
        print(f"| {source} | {row['hosts']} | {row['flagged']} | {row['flagged'] / row['hosts']:.3f} |")
    if holdout_rec is not None:
        print(
            f"\nhold-out {holdout_path.name}: {holdout_rec['flagged']}/{holdout_rec['hosts']} flagged, "
            f"recall {float(holdout_rec['recall']):.3f}"  # type: ignore[arg-type]
        )
    n_targets = int(sides["confirmed_registrable_domains"])  # type: ignore[call-overload]
    print(
        f"\n| approach (confirmed: {n_targets} registrable domains) | permutations | confirmed predicted | share "
        "| permutations flagged by Sentinelle | time |"
    )
    print("|---|---|---|---|---|---|")
    for name, row in sides.items():
        if isinstance(row, dict):
            print(
                f"| {name} | {row['permutations']:,} | {row['confirmed_predicted']} "
                f"| {row['confirmed_predicted'] / n_targets:.3f} | {row['flagged_by_sentinelle']:,} "
                f"| {row['seconds']:.2f} s |"
            )
    print(
        f"| Sentinelle's engine on the confirmed hosts themselves | - | {rec['flagged']} "
        f"| {float(rec['recall']):.3f} | - | - |"
    )  # type: ignore[arg-type]
    for name, row in sides.items():
        if isinstance(row, dict) and "per_fuzzer_flagged" in row:
            print(f"\n{name}: flagged by Sentinelle per fuzzer: {row['per_fuzzer_flagged']}")
    print(
        f"\nwatch: {watching['names_per_second']:,.0f} names/s wall, {watching['names_per_cpu_second']:,.0f} per "
        f"CPU-second (one process, unique names); {watching['certstream_messages_per_second']:,.0f} certstream "
        "messages/s (2 names each)"
    )
    print_per_body(bodies, args.show)
    if args.json:
        payload = {
            "bodies": bodies,
            "version": __version__,
            "recall": rec,
            "false_positives": fps,
            "resemblance_per_second": speed,
            "per_attack": attacks,
            "per_source": sources,
            "holdout": holdout_rec,
            "side_by_side": sides,
            "watch": watching,
        }
        args.json.write_text(json.dumps(payload, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
