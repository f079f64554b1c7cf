"""``sentinelle lookalikes`` and ``sentinelle watch``: argument parsing and output only (the work is in
``permutations`` and ``watch``). Registered on the main parser by ``sentinelle.cli``.

Exit codes follow ``sentinelle.cli``: ``lookalikes`` 0 on success; ``watch`` 0 when nothing was flagged,
1 when something was (also after Ctrl-C, which stops cleanly with the summary); 2 for bad usage or a missing
extra; 3 for a broken data file.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from ..errors import InputError
from ..exit_codes import EXIT_FLAGGED, EXIT_NO_SIGN, guarded
from .permutations import Permutation

EXIT_OK = EXIT_NO_SIGN
COMMANDS = frozenset({"lookalikes", "watch"})
_COLUMNS = ("domain", "unicode_domain", "attack", "generator", "official", "flagged", "check")


def add_commands(sub: Any) -> None:
    """Add the two subcommands to the main parser's subparsers."""
    look = sub.add_parser(
        "lookalikes",
        help="noms de domaine à surveiller ou à déposer : permutations d'un domaine officiel (dnstwist + lexique)",
    )
    look.add_argument("domain", help="domaine officiel (ameli.fr) ou identifiant de profil (assurance_maladie)")
    look.add_argument("--format", choices=["txt", "csv", "json"], default="txt", help="format de sortie (txt)")
    look.add_argument("--tld", action="append", help="extension à combiner (répétable ; sinon data/lookalikes.toml)")
    look.add_argument(
        "--only-missed", action="store_true", help="seulement les permutations que Sentinelle ne signale pas"
    )
    look.add_argument("--no-dnstwist", action="store_true", help="sans les permutations de dnstwist (lexique seul)")
    look.add_argument("--no-lexicon", action="store_true", help="sans le lexique des profils (dnstwist seul)")
    watch = sub.add_parser(
        "watch",
        help="surveiller des noms nouvellement vus (liste, fichier, flux certstream) et signaler les imitations",
    )
    watch.add_argument(
        "--source", default="-", help="fichier, - pour l'entrée standard (défaut), ou ws://... / wss://... (certstream)"
    )
    watch.add_argument("--dedupe", type=int, default=100_000, help="taille du cache des noms déjà vus (100000)")
    watch.add_argument("--lang", choices=["fr", "en"], default="fr", help="langue des explications (fr)")
    watch.add_argument(
        "--max-reconnects", type=int, default=None, help="websocket : reconnexions au plus (sans limite par défaut)"
    )
    watch.add_argument("--backoff", type=float, default=1.0, help="websocket : premier délai avant reconnexion (s)")


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run ``lookalikes`` or ``watch``; returns the exit code."""
    if args.command == "lookalikes":
        return guarded(lambda: _lookalikes(args, out, err), err)
    return guarded(lambda: _watch(args, out, err), err)


def _lookalikes(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .. import default_engine
    from .permutations import PermutationGenerator, targets_for

    knowledge = default_engine().knowledge
    generator = PermutationGenerator(knowledge.profiles, knowledge.keywords.domain_words)
    if args.no_dnstwist and args.no_lexicon:
        raise InputError("--no-dnstwist et --no-lexicon ensemble ne laissent rien à produire")
    if any(t.profile is None for t in targets_for(args.domain, knowledge.profiles)):
        print(
            f"sentinelle : {args.domain} n'est le domaine officiel d'aucun profil : la marque est son nom, "
            "et la colonne « signalé » ne porte que sur les profils connus",
            file=err,
        )
    perms = generator.generate(args.domain, tlds=args.tld, dnstwist=not args.no_dnstwist, lexicon=not args.no_lexicon)
    if args.only_missed:
        perms = [p for p in perms if not p.flagged]
    out.write(render(perms, args.format, args.domain))
    return EXIT_OK


def render(perms: list[Permutation], fmt: str, name: str) -> str:
    """The permutation list as ``txt`` (aligned columns), ``csv`` or ``json``."""
    if fmt == "json":
        flagged = sum(p.flagged for p in perms)
        payload = {"query": name, "count": len(perms), "flagged": flagged, "permutations": [p.to_dict() for p in perms]}
        return json.dumps(payload, ensure_ascii=False, indent=1) + "\n"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(_COLUMNS)
        for p in perms:
            row = p.to_dict()
            writer.writerow([("yes" if row[c] else "no") if c == "flagged" else row[c] for c in _COLUMNS])
        return buffer.getvalue()
    width = max((len(p.unicode_domain) for p in perms), default=10)
    lines = [f"{'domaine':<{width}}  {'attaque':<14} {'signalé':<8} {'par':<28} générateur"]
    for p in perms:
        lines.append(
            f"{p.unicode_domain:<{width}}  {p.attack:<14} {'oui' if p.flagged else 'NON':<8} {p.check or '-':<28} "
            f"{p.generator}"
        )
    flagged = sum(p.flagged for p in perms)
    lines.append(
        f"# {len(perms)} permutations, {flagged} signalées par Sentinelle, {len(perms) - flagged} non signalées"
    )
    return "\n".join(lines) + "\n"


def _watch(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .. import default_engine
    from .watch import Watcher, watch_stream, watch_websocket

    if args.dedupe < 0 or (args.max_reconnects is not None and args.max_reconnects < 0) or args.backoff < 0:
        raise InputError("--dedupe, --max-reconnects et --backoff ne peuvent pas être négatifs")
    watcher = Watcher(default_engine(), dedupe=args.dedupe, lang=args.lang)

    def emit(record: dict[str, Any]) -> None:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        out.flush()

    def log(line: str) -> None:
        print(line, file=err, flush=True)

    source: str = args.source
    try:
        if source.startswith(("ws://", "wss://")):
            asyncio.run(
                watch_websocket(
                    watcher, source, emit, max_reconnects=args.max_reconnects, backoff=args.backoff, log=log
                )
            )
        elif source == "-":
            watch_stream(watcher, sys.stdin, emit)
        else:
            path = Path(source)
            if not path.is_file():
                raise InputError(f"introuvable ou pas un fichier : {source}")
            with path.open(encoding="utf-8", errors="replace") as stream:
                watch_stream(watcher, stream, emit)
    except KeyboardInterrupt:
        log("watch : interrompu")
    except BrokenPipeError:  # the reader (head, grep -m) has gone: a normal end for a filter
        pass
    log(watcher.stats.summary(args.lang))
    return EXIT_FLAGGED if watcher.stats.flagged else EXIT_OK
