"""Batch scanning: folders, mbox files and Maildir folders, one verdict per message, in parallel.

For fraud teams and operators: ``sentinelle scan PATH... --jsonl`` writes one JSON line per message with a
``source`` field (``box.mbox#12``). Work is spread over a process pool whose workers each build one
``Engine`` (start-up stays out of the hot path). One bad message never stops the run: it becomes a line
with an ``error`` field. Results come back in input order.
"""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from .config import Config
from .engine import Engine
from .errors import InputError
from .parsing.mailbox import iter_email_sources

_ENGINE: Engine | None = None  # one per worker process, built by _init_worker
_CHUNK = 64


def _init_worker(config: Config | None = None, warm: bool = True) -> None:
    """One engine per worker process, warmed up before its first message (``Engine.warm_up``) unless the scan
    runs in the caller's process (a few files: the warm-up would cost more than it saves)."""
    global _ENGINE
    _ENGINE = Engine(config)
    if warm:
        _ENGINE.warm_up()


def _analyze_one(item: tuple[str, bytes]) -> dict[str, Any]:
    """Analyse one raw message; never raises (errors become a record)."""
    label, raw = item
    engine = _ENGINE or Engine()
    try:
        verdict = engine.analyze(raw)
    except InputError as exc:
        return {"source": label, "error": f"InputError: {exc}"}
    except Exception as exc:  # noqa: BLE001 - a batch must survive any single message
        return {"source": label, "error": f"{type(exc).__name__}: {exc}"[:500]}
    return {"source": label, **verdict.to_dict()}


def _analyze_chunk(items: list[tuple[str, bytes]]) -> list[dict[str, Any]]:
    return [_analyze_or_report(item) for item in items]


def _chunks(items: Iterable[tuple[str, bytes]], size: int) -> Iterator[list[tuple[str, bytes]]]:
    chunk: list[tuple[str, bytes]] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


_UNREADABLE = b"\0sentinelle-unreadable\0"  # marks a source that could not be read (never a real message)


def _sources(paths: Iterable[Path]) -> Iterator[tuple[str, bytes]]:
    """Messages under ``paths``; a file that cannot be read is passed on as a marked item, not dropped,
    so that it becomes an error line in the output instead of vanishing from the count."""
    failed: list[tuple[str, str]] = []

    def on_error(label: str, exc: OSError) -> None:
        failed.append((label, f"{type(exc).__name__}: {exc.strerror or exc}"))

    for item in iter_email_sources(paths, on_error=on_error):
        while failed:
            label, error = failed.pop(0)
            yield label, _UNREADABLE + error.encode("utf-8", "replace")
        yield item
    for label, error in failed:
        yield label, _UNREADABLE + error.encode("utf-8", "replace")


def _analyze_or_report(item: tuple[str, bytes]) -> dict[str, Any]:
    label, raw = item
    if raw.startswith(_UNREADABLE):
        return {"source": label, "error": raw[len(_UNREADABLE) :].decode("utf-8", "replace")}
    return _analyze_one(item)


def scan(paths: Iterable[Path], *, workers: int = 1, config: Config | None = None) -> Iterator[dict[str, Any]]:
    """Verdict records for every message under ``paths``, in order. ``workers=1`` runs in this process;
    ``config`` is each worker's engine configuration (the default one when None)."""
    sources = _sources(paths)
    if workers <= 1:
        _init_worker(config, warm=False)
        for item in sources:
            yield _analyze_or_report(item)
        return
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(config,)) as pool:
        # Bounded look-ahead: submit a few chunks per worker, so a huge mailbox is never held in memory.
        pending: list[Any] = []
        for chunk in _chunks(sources, _CHUNK):
            pending.append(pool.submit(_analyze_chunk, chunk))
            while len(pending) >= workers * 4:
                yield from pending.pop(0).result()
        for future in pending:
            yield from future.result()


@dataclass
class Progress:
    """A one-line progress display on stderr (only when stderr is a terminal, or when forced)."""

    stream: TextIO = field(default_factory=lambda: sys.stderr)
    enabled: bool | None = None
    started: float = field(default_factory=time.perf_counter)
    count: int = 0
    _last: float = 0.0

    def __post_init__(self) -> None:
        if self.enabled is None:
            self.enabled = self.stream.isatty()

    def tick(self) -> None:
        self.count += 1
        now = time.perf_counter()
        if self.enabled and now - self._last > 0.2:
            self._last = now
            rate = self.count / max(now - self.started, 1e-9)
            self.stream.write(f"\r{self.count} messages analysés ({rate:.0f}/s)")
            self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")


def summarise(levels: Counter[str], elapsed: float) -> str:
    """The closing summary, in French."""
    total = sum(levels.values())
    parts = [
        f"{levels.get(k, 0)} {label}"
        for k, label in (
            ("fraud", "fraude"),
            ("suspicious", "suspect"),
            ("no_sign", "sans signe"),
            ("unknown", "indéterminé"),
            ("error", "erreur"),
        )
    ]
    rate = total / elapsed if elapsed > 0 else 0.0
    return f"{total} messages en {elapsed:.1f} s ({rate:.0f}/s) : " + ", ".join(parts)


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))
