"""Throughput and memory of the core engine on SMS-sized messages, on one core.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_core.py                 # about 10 s of measurement
    .venv/bin/python benchmarks/bench_core.py --seconds 30 --json bench-results/core.json

What is measured, in one process and one thread (pinned to one CPU when the OS allows it):

* start-up: ``import sentinelle``, building the ``Engine`` (loading and checking the data), and the first
  analysis (lazy tables: Unicode fold map, public suffix list); excluded from the throughput;
* throughput: ``Engine.analyze`` called back to back on a fixed mix of messages for ``--seconds``, after a
  warm-up; analyses per second = analyses / wall time, with per-call latency percentiles;
* memory: the process peak RSS (``ru_maxrss``) and, in a separate pass (tracing slows Python down, so it is
  not timed), the peak of Python allocations made while analysing the mix (``tracemalloc``).

The mix (``--mix``): half inline French SMS-like texts written for this benchmark (scams with links, numbers
and requests; genuine notifications; personal chat), half real personal SMS from the 88milSMS corpus when
``../shared/corpus/legit_fr/sms_88milsms.csv`` is present (anonymisation tags replaced by plausible
fillers), shuffled with a fixed seed. Without the corpus the mix is the inline texts alone.

The goal of the issue is at least 5,000 SMS-sized analyses per second per core.
"""

from __future__ import annotations

import argparse
import csv
import gc
import importlib
import json
import os
import platform
import random
import re
import resource
import statistics
import sys
import time
import tracemalloc
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

GOAL_PER_SECOND = 5_000
REPO_ROOT = Path(__file__).resolve().parents[1]
CORPUS_SMS = REPO_ROOT.parent / "shared" / "corpus" / "legit_fr" / "sms_88milsms.csv"


@dataclass(frozen=True)
class Sample:
    group: str  # "scam", "genuine", "chat" (inline) or "corpus" (88milSMS)
    text: str
    options: dict[str, str] = field(default_factory=dict)


# Written for this benchmark, after the shapes of real messages (press reports, cybermalveillance.gouv.fr
# examples, ordinary notifications). Not test data: nothing here is asserted.
INLINE: tuple[Sample, ...] = (
    Sample(
        "scam",
        (
            "AMELI : votre carte vitale arrive à expiration, veuillez la mettre à jour via ce lien "
            "sante-infos.net/index.php"
        ),
        {"sender": "+33612345678"},
    ),
    Sample(
        "scam",
        (
            "Assurance Maladie : vous avez droit à un remboursement de 258,40 EUR. Pour le recevoir, "
            "confirmez vos coordonnées bancaires sur https://ameli-remboursement-fr.com/dossier"
        ),
    ),
    Sample(
        "scam",
        (
            "CPAM: Votre nouvelle carte Vitale est disponible. Des frais d'envoi de 1,49€ sont à régler"
            " avant le 25/11 : https://bit.ly/3xVitale"
        ),
    ),
    Sample(
        "scam",
        (
            "Ameli.fr : dernier rappel, votre dossier sera suspendu sous 48h. Merci de rappeler le 08 "
            "99 23 45 67 au plus vite."
        ),
    ),
    Sample(
        "scam",
        (
            "Bonjour, ici votre CPAM. Merci de nous rappeler au 09 70 12 34 56 concernant votre dossier"
            " de remboursement. Munissez-vous de votre carte bancaire."
        ),
        {"kind": "voicemail"},
    ),
    Sample(
        "scam",
        (
            "AMELI: Suite à une erreur de calcul, un versement de 174,25€ est en attente. Complétez le "
            "formulaire : hxxps://ameli-vitale[.]info/remb"
        ),
    ),
    Sample(
        "scam",
        (
            "Votre Carte Vitale expire le 30/11. Commandez la nouvelle sur "
            "www.carte-vitale-renouvellement.fr pour éviter toute interruption de vos droits."
        ),
    ),
    Sample(
        "scam",
        (
            "Assurance maladie : un code de confirmation vous a été envoyé par SMS, communiquez-le à "
            "notre conseiller pour valider votre remboursement."
        ),
    ),
    Sample(
        "scam",
        (
            "ameli : Votre espace a été bloqué. Identifiez-vous avec votre numéro de sécurité sociale "
            "et votre mot de passe : http://192.168.14.3/ameli/login"
        ),
    ),
    Sample(
        "scam",
        (
            "Colis en attente : des frais de 2,99 € sont requis pour la livraison. Réglez ici : "
            "https://laposte-suivi-colis.top/p"
        ),
    ),
    Sample(
        "scam",
        ("CPF : il vous reste 1 600€ de droits à la formation qui expirent bientôt, appelez vite le 01 86 65 43 21 !"),
    ),
    Sample(
        "genuine",
        (
            "Assurance Maladie : votre attestation de droits est disponible dans votre compte ameli, "
            "rubrique Mes démarches. Ce message est automatique, merci de ne pas y répondre."
        ),
        {"sender": "AMELI"},
    ),
    Sample(
        "genuine",
        (
            "Votre remboursement de 16,50 € pour la consultation du 03/10 a été effectué. Détail sur "
            "ameli.fr ou dans l'appli compte ameli."
        ),
    ),
    Sample(
        "genuine",
        (
            "RDV confirmé le mardi 14/11 à 9h40 avec le Dr Lefèvre (médecin généraliste), 12 rue Victor"
            " Hugo, Lyon. Pour annuler : doctolib.fr"
        ),
    ),
    Sample(
        "genuine",
        (
            "Pharmacie du Centre : votre commande est prête, vous pouvez passer la récupérer aux heures"
            " d'ouverture. Tél 04 67 12 34 56."
        ),
    ),
    Sample("genuine", ("Votre code de vérification est 482913. Ne le communiquez à personne.")),
    Sample(
        "genuine",
        (
            "CPAM de l'Hérault : pour toute question sur votre dossier, appelez le 3646 (service "
            "gratuit + prix appel) du lundi au vendredi."
        ),
    ),
    Sample("chat", ("Coucou ! Tu rentres à quelle heure ce soir ? Je fais des lasagnes 😊")),
    Sample(
        "chat",
        (
            "Ok pour demain, je passe te prendre vers 8h devant la gare. Oublie pas ta carte vitale "
            "pour le rdv chez le dentiste !"
        ),
    ),
    Sample("chat", ("Maman a appelé, elle voudrait que tu la rappelles au 06 11 22 33 44 quand tu peux. Bisous")),
    Sample("chat", ("Jai raté le bus mdr, j'arrive dans 20 min, commencez sans moi")),
    Sample(
        "chat",
        ("Tu peux m'envoyer le lien du site pour les places de concert ? C'était www.fnac.com ou ticketmaster.fr ?"),
    ),
)

# 88milSMS anonymisation tags -> fillers of the same nature, chosen by the tag's number so that one message
# keeps using the same name for the same person.
_FILLERS: dict[str, tuple[str, ...]] = {
    "PRE": ("Julie", "Thomas", "Camille", "Nicolas", "Léa", "Mathieu", "Sarah", "Antoine", "Chloé", "Hugo"),
    "SUR": ("Martin", "Bernard", "Dubois", "Durand", "Lefebvre", "Moreau", "Laurent", "Garcia", "Roux", "Faure"),
    "TEL": ("06 12 34 56 78", "06 98 76 54 32", "04 67 12 34 56", "07 81 23 45 67"),
    "ADR": ("12 rue des Lilas", "3 avenue de la Gare", "27 boulevard Victor Hugo"),
    "LIE": ("Montpellier", "Sète", "Lunel", "Nîmes", "Béziers"),
    "MAR": ("Carrefour", "Decathlon", "Orange", "Ikea"),
    "MEL": ("julie.martin@gmail.com", "thomas.d@orange.fr"),
    "COD": ("4821", "1975"),
}
_TAG = re.compile(r"<([A-Za-z]+(?:_[A-Za-z]+)*?)(?:_(\d+))?>")


def _fill_tag(match: re.Match[str]) -> str:
    # NOM is "a name": alone it becomes a first name; in NOM_PRE_SUR the parts after it say which.
    parts = [p for p in match.group(1).upper().split("_") if p != "NOM"] or ["PRE"]
    number = int(match.group(2) or 0)
    filler = " ".join(_FILLERS[p][number % len(_FILLERS[p])] for p in parts if p in _FILLERS)
    if not filler:
        return ""  # <ETR> (foreign-language marker), <> and unknown tags vanish
    text, start, end = match.string, match.start(), match.end()
    before = " " if start > 0 and text[start - 1].isalnum() else ""  # "<TEL_12><PRE_5>": two words
    after = " " if end < len(text) and (text[end].isalnum() or text[end] == "<") else ""
    return before + filler + after


def load_corpus(path: Path, limit: int, seed: int) -> list[Sample]:
    """Personal SMS from 88milSMS with fillers for its tags; empty when the file is absent."""
    if not path.is_file() or limit <= 0:
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        texts = [row["text"] for row in csv.DictReader(fh) if row.get("text", "").strip()]
    random.Random(seed).shuffle(texts)
    return [Sample("corpus", _TAG.sub(_fill_tag, t).strip()) for t in texts[:limit]]


def build_mix(corpus: list[Sample], seed: int) -> list[Sample]:
    """Half inline texts, half corpus SMS (when present), in a fixed shuffled order."""
    if corpus:
        repeats = max(1, len(corpus) // len(INLINE))
        mix = list(INLINE) * repeats + corpus[: repeats * len(INLINE)]
    else:
        mix = list(INLINE)
    random.Random(seed).shuffle(mix)
    return mix


def percentile(sorted_values: list[int], q: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(q / 100 * (len(sorted_values) - 1))))
    return float(sorted_values[index])


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def rss_kib() -> int | None:
    """Current resident set size (Linux), in KiB."""
    try:
        for line in Path("/proc/self/status").read_text(encoding="utf-8").splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return None


def _idle_ticks() -> dict[int, int]:
    ticks: dict[int, int] = {}
    for line in Path("/proc/stat").read_text(encoding="ascii").splitlines():
        name, *fields = line.split()
        if name.startswith("cpu") and name[3:].isdigit():
            ticks[int(name[3:])] = int(fields[3]) + int(fields[4])  # idle + iowait
    return ticks


def idlest_cpu(allowed: set[int]) -> int:
    """The allowed CPU that was idle the most over a quarter of a second (Linux), else the first one."""
    try:
        before = _idle_ticks()
        time.sleep(0.25)
        after = _idle_ticks()
    except (OSError, ValueError, IndexError):
        return min(allowed)
    return max(sorted(allowed), key=lambda cpu: after.get(cpu, 0) - before.get(cpu, 0))


def peak_rss_bytes() -> int:
    """Peak resident set size of this process (``ru_maxrss`` is KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def profile(engine: Any, calls: list[tuple[str, dict[str, str]]], top: int) -> str:
    """Where the time goes: cProfile over the mix, by file and by function (own time)."""
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for text, options in calls:
        engine.analyze(text, **options)
    profiler.disable()
    stats = pstats.Stats(profiler)
    own: Counter[str] = Counter()
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        if "site-packages" in filename:
            filename = "lib:" + filename.split("site-packages/")[1].split("/")[0]
        elif "/sentinelle/" in filename:
            filename = filename.split("/sentinelle/", 1)[1]
        elif filename == "~":
            filename = "built-in functions (C)"
        else:
            filename = "stdlib:" + Path(filename).name
        own[filename] += tottime
    total = sum(own.values()) or 1.0
    out = io.StringIO()
    per_call = total / len(calls) * 1e6
    out.write(f"own time by file ({len(calls)} analyses under cProfile, {per_call:.0f} µs each):\n")
    for filename, seconds in own.most_common(top):
        out.write(f"  {seconds / total * 100:5.1f} %  {filename}\n")
    stats.stream = out  # type: ignore[attr-defined]
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


def pin_to_one_cpu(cpu: int | None) -> int | None:
    """Run on a single CPU so that the figure is per core; None if the OS does not allow it."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    try:
        allowed = os.sched_getaffinity(0)
        chosen = cpu if cpu is not None else idlest_cpu(allowed)
        os.sched_setaffinity(0, {chosen})
    except OSError:
        return None
    return chosen


def machine() -> dict[str, Any]:
    versions: dict[str, str] = {}
    from importlib import metadata

    for dist in ("google-re2", "pyahocorasick", "phonenumbers", "publicsuffixlist", "idna"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = "absent"
    return {
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "platform": platform.platform(),
        "cpu_model": cpu_model(),
        "cpu_count": os.cpu_count(),
        "libraries": versions,
    }


def run(seconds: float, corpus_limit: int, seed: int, cpu: int | None = None, profile_top: int = 0) -> dict[str, Any]:
    load_before = os.getloadavg() if hasattr(os, "getloadavg") else None
    cpu = pin_to_one_cpu(cpu)

    # ---- start-up (first thing in the process, so the lazy tables are really cold)
    t0 = time.perf_counter()
    sentinelle = importlib.import_module("sentinelle")
    t1 = time.perf_counter()
    engine = sentinelle.Engine()
    t2 = time.perf_counter()
    engine.analyze(INLINE[0].text, **INLINE[0].options)
    t3 = time.perf_counter()
    engine_again = time.perf_counter()
    sentinelle.Engine()
    engine_again = time.perf_counter() - engine_again
    rss_after_start = rss_kib()

    corpus = load_corpus(CORPUS_SMS, corpus_limit, seed)
    mix = build_mix(corpus, seed)
    calls = [(s.text, s.options) for s in mix]

    # ---- warm-up: every message once, then a second of the loop
    levels: dict[str, Counter[str]] = {}
    for sample in mix:
        verdict = engine.analyze(sample.text, **sample.options)
        levels.setdefault(sample.group, Counter())[verdict.level.value] += 1
    warm_until = time.perf_counter() + min(1.0, seconds / 10)
    i = 0
    while time.perf_counter() < warm_until:
        text, options = calls[i % len(calls)]
        engine.analyze(text, **options)
        i += 1

    # ---- timed loop
    analyze = engine.analyze
    clock = time.perf_counter_ns
    latencies: list[int] = []
    by_group: dict[str, list[int]] = {}
    groups = [s.group for s in mix]
    n_calls = len(calls)
    cpu_start = time.process_time()
    start = clock()
    deadline = start + int(seconds * 1e9)
    i = 0
    now = start
    while now < deadline:
        text, options = calls[i % n_calls]
        before = clock()
        analyze(text, **options)
        now = clock()
        latencies.append(now - before)
        i += 1
    wall = (now - start) / 1e9
    cpu_time = time.process_time() - cpu_start
    for k, latency in enumerate(latencies):
        by_group.setdefault(groups[k % n_calls], []).append(latency)
    rss_after_loop = rss_kib()

    # ---- memory of analysing (traced separately: tracemalloc slows every allocation)
    gc.collect()
    tracemalloc.start()
    base, _ = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    for text, options in calls[:2000]:
        analyze(text, **options)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    profiled = profile(engine, calls, profile_top) if profile_top else None

    latencies.sort()
    chars = [len(s.text) for s in mix]
    mean_ns = statistics.fmean(latencies)
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "sentinelle_version": f"{sentinelle.__version__}+data.{engine.knowledge.digest}",
        "machine": {
            **machine(),
            "pinned_cpu": cpu,
            "loadavg_1min_before": round(load_before[0], 2) if load_before else None,
        },
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "startup_ms": {
            "import": round((t1 - t0) * 1000, 1),
            "engine": round((t2 - t1) * 1000, 1),
            "first_analysis": round((t3 - t2) * 1000, 1),
            "total_cold": round((t3 - t0) * 1000, 1),
            "second_engine": round(engine_again * 1000, 1),
        },
        "mix": {
            "messages": len(mix),
            "distinct": len({(s.text, tuple(s.options.items())) for s in mix}),
            "groups": dict(Counter(s.group for s in mix)),
            "corpus": os.path.relpath(CORPUS_SMS, REPO_ROOT) if corpus else None,
            "chars_mean": round(statistics.fmean(chars), 1),
            "chars_p50": percentile(sorted(chars), 50),
            "chars_max": max(chars),
            "levels_by_group": {g: dict(c) for g, c in sorted(levels.items())},
        },
        "throughput": {
            "analyses": len(latencies),
            "seconds": round(wall, 3),
            "per_second": round(len(latencies) / wall, 1),
            "cpu_over_wall": round(cpu_time / wall, 3),  # well below 1: the process was preempted
            "per_cpu_second": round(len(latencies) / cpu_time, 1) if cpu_time else None,
            "goal_per_second": GOAL_PER_SECOND,
            "goal_met": len(latencies) / wall >= GOAL_PER_SECOND,
        },
        "latency_us": {
            "mean": round(mean_ns / 1000, 1),
            "p50": round(percentile(latencies, 50) / 1000, 1),
            "p95": round(percentile(latencies, 95) / 1000, 1),
            "p99": round(percentile(latencies, 99) / 1000, 1),
            "max": round(latencies[-1] / 1000, 1),
            "mean_by_group": {g: round(statistics.fmean(v) / 1000, 1) for g, v in sorted(by_group.items())},
        },
        "memory": {
            "peak_rss_mib": round(peak_rss_bytes() / 2**20, 1),
            "rss_after_startup_mib": round(rss_after_start / 1024, 1) if rss_after_start else None,
            "rss_after_loop_mib": round(rss_after_loop / 1024, 1) if rss_after_loop else None,
            "tracemalloc_peak_kib": round((peak - base) / 1024, 1),
            "tracemalloc_over": min(2000, len(calls)),
        },
        "profile": profiled,
    }


def report(r: dict[str, Any]) -> str:
    m, s, t, lat = r["machine"], r["startup_ms"], r["throughput"], r["latency_us"]
    mem, mix = r["memory"], r["mix"]
    goal = "met" if t["goal_met"] else "NOT met"
    lines = [
        f"sentinelle {r['sentinelle_version']}  —  {r['date']}",
        f"machine     {m['cpu_model']} ({m['cpu_count']} CPUs, pinned to CPU {m['pinned_cpu']}), "
        f"{m['python']}, {m['platform']}; load average before the run {m['loadavg_1min_before']}",
        f"mix         {mix['messages']} messages ({mix['distinct']} distinct): "
        + ", ".join(f"{g} {n}" for g, n in sorted(mix["groups"].items()))
        + f"; {mix['chars_mean']} chars on average (median {mix['chars_p50']:.0f}, max {mix['chars_max']})",
        "levels      "
        + "; ".join(
            f"{g}: " + ", ".join(f"{lv} {n}" for lv, n in sorted(c.items())) for g, c in mix["levels_by_group"].items()
        ),
        f"start-up    import {s['import']} ms + Engine() {s['engine']} ms + first analysis "
        f"{s['first_analysis']} ms = {s['total_cold']} ms (a second Engine(): {s['second_engine']} ms)",
        f"throughput  {t['per_second']:,.0f} analyses/s on one core ({t['analyses']:,} in {t['seconds']} s, "
        f"CPU/wall {t['cpu_over_wall']}; {t['per_cpu_second']:,.0f} per CPU-second) — goal "
        f"{t['goal_per_second']:,}/s {goal}",
        f"latency     mean {lat['mean']} µs, p50 {lat['p50']} µs, p95 {lat['p95']} µs, p99 {lat['p99']} µs, "
        f"max {lat['max']} µs",
        "by group    " + ", ".join(f"{g} {v} µs" for g, v in lat["mean_by_group"].items()),
        f"memory      peak RSS {mem['peak_rss_mib']} MiB (after start-up {mem['rss_after_startup_mib']} MiB, "
        f"after the loop {mem['rss_after_loop_mib']} MiB); tracemalloc peak while analysing "
        f"{mem['tracemalloc_over']} messages: {mem['tracemalloc_peak_kib']} KiB",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the timed loop (default 10)")
    parser.add_argument("--json", metavar="OUT", type=Path, help="also write the figures as JSON to OUT")
    parser.add_argument(
        "--corpus-limit",
        type=int,
        default=2000,
        help="personal SMS taken from 88milSMS when present (default 2000; 0: none)",
    )
    parser.add_argument("--seed", type=int, default=1, help="shuffle seed of the mix (default 1)")
    parser.add_argument("--cpu", type=int, help="CPU to pin the process to (default: the idlest one)")
    parser.add_argument(
        "--profile",
        type=int,
        metavar="N",
        default=0,
        help="after the measurement, print the N hottest files and functions (cProfile)",
    )
    args = parser.parse_args(argv)
    result = run(args.seconds, args.corpus_limit, args.seed, args.cpu, args.profile)
    print(report(result))
    if result["profile"]:
        print()
        print(result["profile"])
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
