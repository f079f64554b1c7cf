"""Command line: ``sentinelle check`` for one message. A thin door over ``Engine``: I/O only, no logic.

Exit codes (one place, named):

* 0 ``EXIT_NO_SIGN``: no sign of fraud found (or too little to say: ``unknown``)
* 1 ``EXIT_FLAGGED``: fraud or suspicious
* 2 ``EXIT_INPUT``: bad usage or unreadable input
* 3 ``EXIT_INTERNAL``: a bug or broken data file
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from ._version import __version__
from .config import Config, Limits, Speech
from .engine import Engine, Source
from .errors import DataError, InputError
from .exit_codes import EXIT_FLAGGED, EXIT_INPUT, EXIT_INTERNAL, EXIT_NO_SIGN, guarded
from .model import Kind, Level, Verdict

__all__ = ["EXIT_FLAGGED", "EXIT_INPUT", "EXIT_INTERNAL", "EXIT_NO_SIGN", "main", "render_report"]

_LEVEL_TITLE = {
    "fr": {
        Level.FRAUD: "FRAUDE : ce message est une arnaque",
        Level.SUSPICIOUS: "SUSPECT : ce message présente des signes d'arnaque",
        Level.NO_SIGN: "AUCUN SIGNE DE FRAUDE trouvé (ce n'est pas une garantie)",
        Level.UNKNOWN: "INDÉTERMINÉ : trop peu d'éléments pour se prononcer",
    },
    "en": {
        Level.FRAUD: "FRAUD: this message is a scam",
        Level.SUSPICIOUS: "SUSPICIOUS: this message shows signs of a scam",
        Level.NO_SIGN: "NO SIGN OF FRAUD found (this is no guarantee)",
        Level.UNKNOWN: "UNKNOWN: too little to go on",
    },
}
_HEADINGS = {
    "fr": {
        "why": "Pourquoi",
        "todo": "Que faire maintenant",
        "report": "Où signaler",
        "skipped": "Non analysé",
        "failures": "Erreurs internes",
        "score": "score",
        "org": "organisme concerné",
        "trust": "élément rassurant",
        "heard": "entendu à",
    },
    "en": {
        "why": "Why",
        "todo": "What to do now",
        "report": "Where to report",
        "skipped": "Not analysed",
        "failures": "Internal errors",
        "score": "score",
        "org": "organisation",
        "trust": "reassuring sign",
        "heard": "heard at",
    },
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sentinelle",
        description="Démasque les arnaques au nom de l'Assurance Maladie (ameli) et d'autres organismes publics.",
        epilog="Codes de sortie : 0 aucun signe, 1 fraude ou suspect, 2 entrée invalide, 3 erreur interne.",
    )
    parser.add_argument("--version", action="version", version=f"sentinelle {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="analyser un message (SMS, appel, message vocal, lien, numéro)")
    check.add_argument("file", nargs="?", help="fichier à analyser, ou - pour l'entrée standard")
    check.add_argument("--text", help="le texte du message, directement")
    check.add_argument("--kind", choices=[k.value for k in Kind], help="type d'entrée (deviné sinon)")
    check.add_argument("--sender", help="numéro ou nom de l'expéditeur du SMS")
    check.add_argument("--caller-id", help="numéro affiché lors de l'appel")
    check.add_argument("--profile", help="forcer l'organisme imité (ex. assurance_maladie)")
    check.add_argument("--lang", choices=["fr", "en"], default="fr", help="langue du rapport (fr par défaut)")
    check.add_argument("--json", action="store_true", help="sortie JSON (exactement Verdict.to_dict())")
    check.add_argument(
        "--speech-model", type=Path, help="répertoire d'un modèle Whisper CTranslate2 (Whisper base intégré sinon)"
    )
    check.add_argument(
        "--max-audio-seconds", type=float, help="durée d'enregistrement transcrite au plus (300 s par défaut)"
    )
    _add_trusted_authserv(check)
    check.add_argument(
        "--ocr-email-pictures", type=int, default=2, metavar="N",
        help="e-mail qui dit peu en texte : lire par OCR ses N plus grandes images (2 par défaut, 0 : jamais)",
    )
    # --- web pages (issue 9) ---
    check.add_argument("--url", help="adresse de la page web analysée (page enregistrée, ou à récupérer avec --fetch)")
    check.add_argument(
        "--fetch", action="store_true", help="récupérer la page de --url (réseau ; sans JavaScript ni cookies)"
    )
    # --- end web pages ---
    scan = sub.add_parser("scan", help="analyser en lot des dossiers, fichiers mbox et dossiers Maildir")
    scan.add_argument("paths", nargs="+", help="fichiers .eml, mbox, dossiers Maildir ou dossiers")
    scan.add_argument("--jsonl", action="store_true", help="une ligne JSON par message (avec un champ source)")
    scan.add_argument("--workers", type=int, default=None, help="processus en parallèle (par défaut : tous les cœurs)")
    scan.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="barre de progression sur stderr (par défaut : si stderr est un terminal)",
    )
    _add_trusted_authserv(scan)
    scan.add_argument(
        "--ocr-email-pictures", type=int, default=0, metavar="N",
        help="e-mails qui disent peu en texte : lire par OCR leurs N plus grandes images (0 par défaut : "
        "l'OCR coûte 0,3 à 3 s par image)",
    )
    # --- serve (web page and REST API, extra "web") ---
    serve = sub.add_parser("serve", help="démarrer la page web et l'API REST (extra web)")
    serve.add_argument("--host", default="127.0.0.1", help="adresse d'écoute (127.0.0.1 par défaut)")
    serve.add_argument("--port", type=int, default=8000, help="port d'écoute (8000 par défaut)")
    serve.add_argument(
        "--rate-per-minute",
        type=float,
        default=30.0,
        help="analyses par minute et par client (30 par défaut, 0 : sans limite)",
    )
    serve.add_argument("--access-log", action="store_true", help="journal des requêtes (désactivé par défaut)")
    # --- end serve ---
    # Lookalike domains (issue 4): `lookalikes` (permutation watch lists) and `watch` (new names), in domains/cli.py.
    from .domains.cli import add_commands as add_domain_commands

    add_domain_commands(sub)
    return parser


def _add_trusted_authserv(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--trusted-authserv-id",
        action="append",
        default=[],
        metavar="ID",
        help="authserv-id d'un serveur de réception dont l'en-tête Authentication-Results fait foi (répétable) ; "
        "les autres en-têtes sont ignorés (sans cette option : le premier en-tête)",
    )


def _trusted_ids(args: argparse.Namespace) -> frozenset[str]:
    """The ids as given: the engine trims them and ignores case (``Engine.__init__``)."""
    return frozenset(i for i in args.trusted_authserv_id if i.strip())


def render_report(verdict: Verdict, lang: str = "fr") -> str:
    """The readable report: verdict, why, what to do, where to report, what was skipped."""
    h = _HEADINGS[lang]
    lines = [_LEVEL_TITLE[lang][verdict.level]]
    meta = f"({h['score']} {verdict.score:.2f}"
    if verdict.organisation:
        meta += f", {h['org']} : {verdict.organisation}" if lang == "fr" else f", {h['org']}: {verdict.organisation}"
    lines.append(meta + ")")
    if verdict.evidence:
        lines += ["", h["why"] + " :" if lang == "fr" else h["why"] + ":"]
        for ev in verdict.evidence:
            mark = "-" if ev.weight > 0 else "+" if ev.weight < 0 else "·"
            heard = f" ({h['heard']} {ev.location[6:]})" if ev.location and ev.location.startswith("audio:") else ""
            lines.append(f" {mark} {ev.explanation}{heard}" + (f" [{h['trust']}]" if ev.weight < 0 else ""))
    for key, items in (("todo", verdict.advice),):
        if items:
            lines += ["", h[key] + (" :" if lang == "fr" else ":")]
            lines += [f" * {a}" for a in items]
    if verdict.report_to:
        lines += ["", h["report"] + (" :" if lang == "fr" else ":")]
        lines += [f" * {c.name} : {c.url}" + (f" ({c.why})" if c.why else "") for c in verdict.report_to]
    if verdict.anomalies:
        lines += ["", h["skipped"] + (" :" if lang == "fr" else ":")]
        lines += [f" ! {a.detail}" for a in verdict.anomalies]
    if verdict.failures:
        lines += ["", h["failures"] + (" :" if lang == "fr" else ":")]
        lines += [f" ! {f.detector}: {f.error_type}: {f.message}" for f in verdict.failures]
    return "\n".join(lines)


def _read_source(args: argparse.Namespace, stdin: TextIO) -> str | bytes | Path:
    if args.text is not None and args.file is not None:
        raise InputError("donnez soit un fichier, soit --text, pas les deux")
    if args.text is not None:
        return str(args.text)
    if args.file is None:
        raise InputError("rien à analyser : donnez un fichier, - pour l'entrée standard, ou --text")
    if args.file == "-":
        buffer = getattr(stdin, "buffer", None)
        return buffer.read() if buffer is not None else stdin.read()
    path = Path(args.file)
    if not path.exists() and _is_number_or_link(args.file, args.kind):
        return str(args.file)  # `sentinelle check --kind phone "08 99 23 45 67"`: the value, not a file
    return path


def _is_number_or_link(value: str, kind: str | None) -> bool:
    from .parsing.detect_kind import kind_from_text

    if kind in (Kind.PHONE, Kind.URL):
        return True
    if kind is not None:
        return False
    # Without --kind, only what cannot be a file name: a phone number, or a link with its scheme.
    return kind_from_text(value) is Kind.PHONE or value.lower().startswith(("http://", "https://"))


def _engine_for(args: argparse.Namespace, default: Callable[[], Engine]) -> Engine:
    """The shared default engine, or one built for this run's speech, picture and mail-server settings."""
    trusted = _trusted_ids(args)
    ocr = _picture_ocr(args)
    if args.speech_model is None and args.max_audio_seconds is None and not trusted and ocr == 0:
        return default()
    if args.max_audio_seconds is not None and args.max_audio_seconds <= 0:
        raise InputError("--max-audio-seconds doit être positif")
    return _built_engine(args.speech_model, args.max_audio_seconds, trusted, ocr)


@functools.lru_cache(maxsize=4)
def _built_engine(speech_model: Path | None, max_audio_seconds: float | None, trusted: frozenset[str],
                  ocr: int) -> Engine:
    """An engine for one combination of command-line settings, built once per process."""
    return Engine(_config(trusted, ocr, speech_model=speech_model, max_audio_seconds=max_audio_seconds))


def _config(trusted: frozenset[str], ocr: int, *, speech_model: Path | None = None,
            max_audio_seconds: float | None = None) -> Config:
    """The engine configuration the command-line options ask for (``check`` and ``scan``)."""
    limits = Limits(email_picture_ocr=ocr)
    if max_audio_seconds:
        limits = replace(limits, max_audio_seconds=max_audio_seconds)
    return Config(limits=limits, speech=Speech(model_dir=speech_model), trusted_authserv_ids=trusted)


def _picture_ocr(args: argparse.Namespace) -> int:
    value = int(args.ocr_email_pictures)
    if value < 0:
        raise InputError("--ocr-email-pictures doit être positif ou nul")
    return value


def main(argv: Sequence[str] | None = None, *, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    """Entry point of the ``sentinelle`` command; returns the exit code."""
    out = stdout or sys.stdout
    err = sys.stderr
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse already printed the usage
        return EXIT_NO_SIGN if exc.code == 0 else EXIT_INPUT
    if args.command == "scan":
        return _scan(args, out)
    if args.command in ("lookalikes", "watch"):  # lookalike domains (issue 4): domains/cli.py
        from .domains.cli import run as run_domain_command

        return run_domain_command(args, out, err)
    if args.command == "serve":
        return _serve(args)
    return guarded(lambda: _check(args, stdin or sys.stdin, out), err)


def _check(args: argparse.Namespace, stdin: TextIO, out: TextIO) -> int:
    """``sentinelle check``: one input, one report (or ``Verdict.to_dict()`` with ``--json``)."""
    from . import default_engine

    web = args.url or args.fetch  # issue 9: a web page's address, or a page to fetch
    source, url, kind = _page_input(args, stdin) if web else (_read_source(args, stdin), None, args.kind)
    verdict = _engine_for(args, default_engine).analyze(
        source, kind=kind, sender=args.sender, caller_id=args.caller_id, profile=args.profile, lang=args.lang, url=url
    )
    if args.json:
        out.write(json.dumps(verdict.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(render_report(verdict, args.lang) + "\n")
    return EXIT_FLAGGED if verdict.level in (Level.FRAUD, Level.SUSPICIOUS) else EXIT_NO_SIGN


def _page_input(args: argparse.Namespace, stdin: TextIO) -> tuple[Source, str | None, str | None]:
    """``--url`` and ``--fetch`` (issue 9): a saved page with its address, a page fetched on explicit request, or
    the address alone (judged as a link)."""
    from .fetch import fetch_page

    if args.fetch:
        if not args.url or args.file is not None or args.text is not None:
            raise InputError("--fetch récupère la page de --url : donnez --url, sans fichier ni --text")
        return fetch_page(args.url), None, None
    if args.file is None and args.text is None:
        return args.url, None, args.kind or Kind.URL.value  # only the address: judged as a link
    return _read_source(args, stdin), args.url, args.kind


def _scan(args: argparse.Namespace, out: TextIO) -> int:
    """``sentinelle scan``: one line per message; a summary on stderr; exit 1 if anything was flagged."""
    import time
    from collections import Counter

    from .batch import Progress, default_workers, scan, summarise

    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        print(f"sentinelle : introuvable : {', '.join(missing)}", file=sys.stderr)
        return EXIT_INPUT
    workers = args.workers if args.workers is not None else default_workers()
    if workers < 1:
        print("sentinelle : --workers doit être au moins 1", file=sys.stderr)
        return EXIT_INPUT
    levels: Counter[str] = Counter()
    progress = Progress(enabled=args.progress)
    started = time.perf_counter()
    trusted = _trusted_ids(args)
    ocr = _picture_ocr(args)
    config = _config(trusted, ocr) if trusted or ocr else None
    for record in scan([Path(p) for p in args.paths], workers=workers, config=config):
        level = "error" if "error" in record else record["level"]
        levels[level] += 1
        progress.tick()
        if args.jsonl:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        elif "error" in record:
            out.write(f"erreur      -      {record['source']}  {record['error']}\n")
        else:
            codes = ",".join(e["code"] for e in record["evidence"][:3])
            out.write(f"{level:<11} {record['score']:.2f}  {record['source']}  {codes}\n")
    progress.close()
    print(summarise(levels, time.perf_counter() - started), file=sys.stderr)
    return EXIT_FLAGGED if levels["fraud"] or levels["suspicious"] else EXIT_NO_SIGN



def _serve(args: argparse.Namespace) -> int:
    """``sentinelle serve``: the web page and the REST API on ``--host``:``--port`` until Ctrl+C.

    ``SENTINELLE_SECRET_KEY`` (environment) signs the form tokens; without it a random key is drawn at start.
    """
    import os

    try:
        from .web import WebSettings, create_app
        from .web.server import serve
    except ImportError as exc:
        print(f"sentinelle : la page web demande l'extra « web » ({exc.name} manque) :", file=sys.stderr)
        print("    pip install 'sentinelle[web]'", file=sys.stderr)
        return EXIT_INPUT
    if not 0 < args.port < 65536 or args.rate_per_minute < 0:
        print("sentinelle : --port entre 1 et 65535, --rate-per-minute positif ou nul", file=sys.stderr)
        return EXIT_INPUT
    secret = os.environ.get("SENTINELLE_SECRET_KEY")
    settings = WebSettings(rate_per_minute=args.rate_per_minute, secret_key=secret.encode() if secret else None)
    try:
        app = create_app(settings=settings)
    except DataError as exc:
        print(f"sentinelle : données invalides : {exc}", file=sys.stderr)
        return EXIT_INTERNAL
    except ValueError as exc:  # a secret key too short
        print(f"sentinelle : {exc}", file=sys.stderr)
        return EXIT_INPUT
    app.state.sentinelle.engine.warm_up()  # a daemon loads its readers at start, not in its first requests
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(f"Sentinelle : http://{shown}:{args.port}/  (Ctrl+C pour arrêter)", file=sys.stderr)
    serve(app, args.host, args.port, access_log=args.access_log)
    return EXIT_NO_SIGN

if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
