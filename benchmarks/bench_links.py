"""Cost of link extraction alone: HTML targets, text links and the displayed-link check, on the corpus's inputs.

One pass of the engine over the corpus e-mails records, message by message, what ``parsing/email.py`` hands to
``_html_links`` and ``_text_links`` (rendered HTML views, plain texts) and the links the message ends with; the
stage then replays exactly those calls on a fresh builder per message (so per-message work is counted as the
engine pays it), followed by ``displayed_domain`` on every link with a displayed text, as the detector does.

CPU time over the whole corpus, best of three passes, in ms per e-mail of the corpus::

    PYTHONPATH=src .venv/bin/python benchmarks/bench_links.py cpu

Instructions of the stage: ``base`` replays once (the warm-up), ``run`` twice; the second run minus the first is
one warm replay. ``--inputs FILE`` keeps the recorded inputs in a pickle (made by the first command, read by
the next ones: the engine then does not run under callgrind; remake it when ``HtmlView`` changes)::

    PYTHONPATH=src .venv/bin/python benchmarks/bench_links.py --inputs /tmp/links.pickle base
    valgrind --tool=callgrind --callgrind-out-file=/dev/null .venv/bin/python benchmarks/bench_links.py \
        --inputs /tmp/links.pickle base
    valgrind --tool=callgrind --callgrind-out-file=/dev/null .venv/bin/python benchmarks/bench_links.py \
        --inputs /tmp/links.pickle run

``check`` replays once and prints a digest of every link produced, to compare two versions of the code.
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
import time
from pathlib import Path
from typing import Any

import sentinelle.parsing.email as parsing_email
from sentinelle import Engine
from sentinelle.config import Limits
from sentinelle.detectors.displayed_links import displayed_domain

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "email"
Calls = list[tuple[str, tuple[Any, ...], dict[str, Any]]]


def record(messages: list[bytes]) -> tuple[list[Calls], Limits]:
    """Analyse every message once, keeping the link stage's calls message by message."""
    recorded: list[Calls] = []
    builder_class = parsing_email._Builder
    saved = {name: getattr(builder_class, name) for name in ("_html_links", "_text_links")}
    limits: list[Limits] = []

    def recorder(name: str) -> Any:
        function = saved[name]

        def record_call(self: Any, *args: Any, **kwargs: Any) -> Any:
            if not limits:
                limits.append(self.limits)
            recorded[-1].append((name, args, kwargs))
            return function(self, *args, **kwargs)

        return record_call

    for name in saved:
        setattr(builder_class, name, recorder(name))
    try:
        engine = Engine()
        for data in messages:
            recorded.append([])
            engine.analyze(data)
    finally:
        for name, function in saved.items():
            setattr(builder_class, name, function)
    return recorded, limits[0]


def replay(recorded: list[Calls], limits: Limits) -> list[list[Any]]:
    """Each message's link calls on a fresh builder, then the displayed-domain check of its links."""
    results: list[list[Any]] = []
    for calls in recorded:
        builder = parsing_email._Builder(limits, parsing_email.DEFAULT_EMAIL_LIMITS)
        for name, args, kwargs in calls:
            getattr(builder, name)(*args, **kwargs)
        links = builder.links.items
        shown = [displayed_domain(link) for link in links if link.displayed_text is not None]
        results.append([links, builder.links.seen, shown, builder.tel_phones, builder.anomalies])
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=("base", "run", "cpu", "check"))
    parser.add_argument("--inputs", type=Path, help="pickle of the recorded inputs (made when missing)")
    args = parser.parse_args()
    if args.inputs is not None and args.inputs.exists():
        recorded, limits = pickle.loads(args.inputs.read_bytes())  # a file this script wrote
    else:
        files = [f for d in ("ham", "phish", "phish_fr") for f in sorted((CORPUS / d).iterdir())]
        recorded, limits = record([f.read_bytes() for f in files])
        if args.inputs is not None:
            args.inputs.write_bytes(pickle.dumps((recorded, limits)))
    if args.mode in ("base", "run"):
        replay(recorded, limits)
    if args.mode == "run":
        replay(recorded, limits)
    elif args.mode == "check":
        print(hashlib.sha256(repr(replay(recorded, limits)).encode()).hexdigest())
    elif args.mode == "cpu":
        best = float("inf")
        for _ in range(3):
            start = time.process_time()
            replay(recorded, limits)
            best = min(best, time.process_time() - start)
        print(f"links: {best / len(recorded) * 1000:.4f} ms per e-mail ({len(recorded)} e-mails)")


if __name__ == "__main__":
    main()
