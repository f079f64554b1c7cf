"""Cost of the e-mail stages that read PDFs, pictures, HTML and text links, on the corpus's own inputs.

One pass of the engine over the corpus e-mails records what ``parsing/email.py`` hands to each stage (the PDF
and picture payloads, the HTML parts, the texts searched for links); each stage then runs alone on exactly
those inputs. PDF: text, link annotations and pages rendered for QR codes (``pdf_findings``); pictures:
decoding and QR codes (``picture_findings``); HTML: rendering (``html_to_text``); links: ``find_links``.

CPU time of each stage over the whole corpus, best of three passes, in ms per e-mail of the corpus::

    PYTHONPATH=src .venv/bin/python benchmarks/bench_media_stages.py cpu

Instructions of one stage (one pass over the corpus's inputs: the second run minus the first)::

    valgrind --tool=callgrind --callgrind-out-file=/dev/null .venv/bin/python benchmarks/bench_media_stages.py base
    valgrind --tool=callgrind --callgrind-out-file=/dev/null .venv/bin/python benchmarks/bench_media_stages.py pdf
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sentinelle.media.pdf
import sentinelle.parsing.email as parsing_email
from sentinelle import Engine

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "email"
STAGES = ("pdf", "pic", "html", "links")


def record_inputs(messages: list[bytes]) -> dict[str, list[tuple[Any, dict[str, Any]]]]:
    """Analyse every message once, keeping each stage's inputs (the stage still runs: the verdicts are real)."""
    inputs: dict[str, list[tuple[Any, dict[str, Any]]]] = {stage: [] for stage in STAGES}
    originals = {"pdf": "pdf_findings", "pic": "picture_findings", "html": "html_to_text", "links": "find_links"}
    saved = {name: getattr(parsing_email, name) for name in originals.values()}

    def recorder(stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def record(first: Any, **kwargs: Any) -> Any:
            inputs[stage].append((first, kwargs))
            return function(first, **kwargs)

        return record

    for stage, name in originals.items():
        setattr(parsing_email, name, recorder(stage, saved[name]))
    try:
        engine = Engine()
        for data in messages:
            engine.analyze(data)
    finally:
        for name, function in saved.items():
            setattr(parsing_email, name, function)
    return inputs


def run_stage(stage: str, inputs: list[tuple[Any, dict[str, Any]]]) -> None:
    function = {"pdf": parsing_email.pdf_findings, "pic": parsing_email.picture_findings,
                "html": parsing_email.html_to_text, "links": parsing_email.find_links}[stage]
    for first, kwargs in inputs:
        function(first, **kwargs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("mode", choices=["base", "cpu", *STAGES],
                        help="base: record and warm up only; a stage name: then run that stage once; cpu: CPU times")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args()
    # The time limit per PDF would cut pages under callgrind's slowdown, and so change what is measured.
    sentinelle.media.pdf.MAX_SECONDS = float("inf")
    files = [f for d in ("ham", "phish", "phish_fr") for f in sorted((args.corpus / d).iterdir())]
    inputs = record_inputs([f.read_bytes() for f in files])
    for stage in STAGES:  # warm-up: imports, caches and the suffix list built
        run_stage(stage, inputs[stage])
    if args.mode in STAGES:
        run_stage(args.mode, inputs[args.mode])
    elif args.mode == "cpu":
        for stage in STAGES:
            best = float("inf")
            for _ in range(3):
                started = time.process_time()
                run_stage(stage, inputs[stage])
                best = min(best, time.process_time() - started)
            print(f"{stage:6s} {len(inputs[stage]):5d} inputs  {best / len(files) * 1000:.3f} ms per e-mail")


if __name__ == "__main__":
    main()
