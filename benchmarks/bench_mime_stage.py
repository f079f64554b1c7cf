"""Cost of the e-mail parser's own stages: MIME tree, headers, leaf payloads and charsets, final assembly.

``parse_email`` runs over the corpus e-mails with the stages other files own taken out: HTML rendering is
memoised (each distinct HTML part rendered once, in the warm-up), and the link, PDF and picture readers do
nothing. What is left is ``parsing/email.py``'s work (plus ``clean_text`` and ``find_phones`` in the final
assembly, which it calls).

CPU time over the whole corpus, best of three passes::

    PYTHONPATH=src .venv/bin/python benchmarks/bench_mime_stage.py cpu

Instructions per e-mail (every 7th corpus e-mail; the second run minus the first, divided by 524)::

    valgrind --tool=callgrind --callgrind-out-file=/dev/null .venv/bin/python benchmarks/bench_mime_stage.py base
    valgrind --tool=callgrind --callgrind-out-file=/dev/null .venv/bin/python benchmarks/bench_mime_stage.py run
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

import sentinelle.parsing.email as parsing_email
from sentinelle import Engine

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "email"


def _isolate_stages() -> None:
    """Memoise HTML rendering and switch off the link, PDF and picture readers (other stages' files)."""
    builder: Any = parsing_email._Builder
    render = builder._render
    views: dict[str, Any] = {}

    def memo_render(self: Any, html: str, index: int) -> Any:
        view = views.get(html)
        if view is None:
            view = views[html] = render(self, html, index)
        self.links.seen += view.skipped
        return view

    builder._render = memo_render
    for name in ("_html_links", "_text_links", "_pdf", "_picture"):
        setattr(builder, name, lambda self, *args, **kwargs: None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("mode", choices=["base", "run", "cpu"],
                        help="base: warm-up only; run: warm-up then every 7th e-mail again; cpu: CPU time")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args()
    files = [f for d in ("ham", "phish", "phish_fr") for f in sorted((args.corpus / d).iterdir())]
    messages = [f.read_bytes() for f in files]
    _isolate_stages()
    parse = Engine()._parse_email
    sample = messages if args.mode == "cpu" else messages[::7]
    for data in sample:
        parse(data)
    if args.mode == "run":
        for data in sample:
            parse(data)
    elif args.mode == "cpu":
        best = []
        for _ in range(3):
            start = time.process_time()
            for data in sample:
                parse(data)
            best.append((time.process_time() - start) / len(sample) * 1000)
        print(" / ".join(f"{ms:.3f}" for ms in best), "ms per e-mail")


if __name__ == "__main__":
    main()
