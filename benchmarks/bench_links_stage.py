"""Benchmark (a script, not a test): the cost of the link and text-extraction stage of e-mail analysis.

The stage: ``textnorm.clean_text``, ``extract.urls.find_links`` / ``make_link``, ``extract.phones.find_phones``
(as the e-mail parser calls them) and ``detectors.links.LinkDestinations.detect``. The script analyses one
seventh of the corpus as warm-up (lazy tables, caches holding *other* messages), records the stage's inputs on
another seventh, then replays only those calls. Measured in CPU instructions under callgrind, steady on a
shared machine; ``--stop-after-warmup`` runs everything but the replay, so the difference is the stage:

    valgrind --tool=callgrind --callgrind-out-file=/dev/null .venv/bin/python benchmarks/bench_links_stage.py
    valgrind --tool=callgrind --callgrind-out-file=/dev/null .venv/bin/python benchmarks/bench_links_stage.py \
        --stop-after-warmup

``--whole`` replays the whole analysis (``Engine.analyze``) of the sample instead of the stage alone.
``--cpu`` prints CPU milliseconds per e-mail of the stage over the whole corpus (best of 3 passes).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sentinelle.parsing.email as email_parser
from sentinelle import Engine
from sentinelle.attribution import attribute
from sentinelle.detectors.base import Context
from sentinelle.detectors.links import LinkDestinations
from sentinelle.extract.urls import split_url

FOLDERS = ("ham", "phish", "phish_fr")
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "email"
Call = tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]
_PATCHED = ("clean_text", "find_links", "make_link", "find_phones")


def record(engine: Engine, raws: list[bytes]) -> list[Call]:
    """The stage's calls (function, arguments) made while parsing and analysing ``raws``."""
    calls: list[Call] = []
    originals = {name: getattr(email_parser, name) for name in _PATCHED}

    def recorder(function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            calls.append((function, args, kwargs))
            return function(*args, **kwargs)

        return wrapped

    for name, function in originals.items():
        setattr(email_parser, name, recorder(function))
    try:
        messages = [engine.parse(raw) for raw in raws]
    finally:
        for name, function in originals.items():
            setattr(email_parser, name, function)
    detector = LinkDestinations()
    for msg in messages:
        ctx = Context(msg, engine.knowledge, lang=engine.config.lang, attribute=attribute)
        ctx.claim  # noqa: B018 - the attribution is not this stage's cost: computed before the replay
        calls.append((lambda m, c: list(detector.detect(m, c)), (msg, ctx), {}))
    return calls


def replay(calls: list[Call]) -> None:
    for function, args, kwargs in calls:
        function(*args, **kwargs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--stop-after-warmup", action="store_true")
    parser.add_argument("--whole", action="store_true", help="replay Engine.analyze of the sample")
    parser.add_argument("--cpu", action="store_true", help="CPU ms per e-mail of the stage, whole corpus")
    args = parser.parse_args()
    files = [f for folder in FOLDERS for f in sorted((args.corpus / folder).iterdir())]
    raws = [f.read_bytes() for f in files]
    engine = Engine()
    if args.cpu:
        for raw in raws:
            engine.analyze(raw)
        calls = record(engine, raws)
        times = []
        for _ in range(3):
            split_url.cache_clear()  # the corpus has more distinct URLs than the cache holds, as a stream does
            cpu = time.process_time()
            replay(calls)
            times.append(time.process_time() - cpu)
        print(f"stage CPU ms per e-mail: {min(times) / len(raws) * 1000:.4f} (runs: "
              + ", ".join(f"{t * 1000:.0f}" for t in times) + f" ms for {len(raws)} e-mails)")
        return 0
    warm, sample = raws[3::7], raws[::7]
    for raw in warm:
        engine.analyze(raw)
    calls = [] if args.whole else record(engine, sample)
    split_url.cache_clear()
    for raw in warm:  # the caches hold other messages again, as in a stream
        engine.analyze(raw)
    if args.stop_after_warmup:
        return 0
    if args.whole:
        for raw in sample:
            engine.analyze(raw)
    else:
        replay(calls)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
