"""E-mail parse speed on the corpus: messages per second on one core, and peak memory.

    .venv/bin/python benchmarks/bench_email_parse.py [--passes 5] [--policy both] [--corpus DIR]

Every ham and phish e-mail is read into memory first (disk time is not parse time), parsed once to warm
up (imports, public suffix list, codec caches), then parsed ``--passes`` times; the best pass is reported.
Time is the process's CPU time (``time.process_time``), so that other processes sharing the machine do
not inflate it: what is measured is the cost on one core. Peak memory is measured on one more pass
under ``tracemalloc``, which slows it down, so it is not timed.

``--policy`` compares the parse policy used in production (``compat32`` plus our own header decoding)
with the standard library's modern ``policy.default``, which decodes headers itself but parses each one
into a syntax tree; ``stdlib`` lines show the bare ``BytesParser`` cost under each policy for reference.
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from collections.abc import Callable
from email import policy as email_policy
from email.parser import BytesParser
from email.policy import Policy
from pathlib import Path

from sentinelle.config import Limits
from sentinelle.parsing.email import DEFAULT_EMAIL_LIMITS, _parse_email

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "email"
CUES = ("rappelez", "appelez", "appeler", "composez", "contactez")
KNOWN_SHORT = frozenset({"3646", "3230", "3400"})
POLICIES: dict[str, Policy] = {"compat32": email_policy.compat32, "default": email_policy.default}


def load(corpus: Path) -> list[bytes]:
    """Raw bytes of every ham and phish e-mail, in a stable order."""
    folders = [corpus / name for name in ("ham", "phish") if (corpus / name).is_dir()]
    files = [p for folder in folders for p in sorted(folder.iterdir())]
    return [p.read_bytes() for p in files if p.is_file()]


def parser_for(policy: Policy) -> Callable[[bytes], object]:
    limits = Limits()

    def parse(data: bytes) -> object:
        return _parse_email(data, limits=limits, callback_cues=CUES, known_short=KNOWN_SHORT,
                            email_limits=DEFAULT_EMAIL_LIMITS, policy=policy)

    return parse


def stdlib_for(policy: Policy) -> Callable[[bytes], object]:
    """The bare standard library parse, headers read the way ``parse_email`` reads them."""

    def parse(data: bytes) -> object:
        msg = BytesParser(policy=policy).parsebytes(data)
        if policy is email_policy.compat32:
            return msg
        values = []
        for name, raw in msg.raw_items():
            try:
                values.append(str(policy.header_fetch_parse(name, raw)))
            except Exception:  # policy.default raises IndexError on some corpus Message-IDs
                values.append(raw)
        return values

    return parse


def best_pass(parse: Callable[[bytes], object], messages: list[bytes], passes: int) -> float:
    """CPU seconds of the fastest of ``passes`` full passes (after one warm-up pass)."""
    for data in messages:
        parse(data)
    best = float("inf")
    for _ in range(passes):
        start = time.process_time()
        for data in messages:
            parse(data)
        best = min(best, time.process_time() - start)
    return best


def peak_memory(parse: Callable[[bytes], object], messages: list[bytes]) -> int:
    """Peak bytes allocated by Python while parsing every message once (results are not kept)."""
    tracemalloc.start()
    try:
        for data in messages:
            parse(data)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--passes", type=int, default=5)
    ap.add_argument("--policy", choices=("compat32", "default", "both"), default="both")
    ap.add_argument("--no-memory", action="store_true", help="skip the tracemalloc pass")
    args = ap.parse_args(argv)
    messages = load(args.corpus)
    if not messages:
        print(f"no e-mails under {args.corpus}", file=sys.stderr)
        return 2
    size = sum(map(len, messages))
    print(f"{len(messages)} e-mails, {size / 1e6:.1f} MB, mean {size / len(messages) / 1e3:.1f} kB; "
          f"best of {args.passes} passes, one core")
    names = ["compat32", "default"] if args.policy == "both" else [args.policy]
    for name in names:
        for label, parse in ((f"parse_email  [{name}]", parser_for(POLICIES[name])),
                             (f"stdlib only  [{name}]", stdlib_for(POLICIES[name]))):
            seconds = best_pass(parse, messages, args.passes)
            line = (f"{label:24s} {len(messages) / seconds:8.0f} msg/s  "
                    f"{seconds / len(messages) * 1e3:6.3f} ms/msg")
            if not args.no_memory and label.startswith("parse_email"):
                line += f"  peak {peak_memory(parse, messages) / 2**20:6.1f} MiB"
            print(line, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
