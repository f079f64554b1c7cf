"""Watch newly seen domain names (a list, a file, or a Certificate Transparency stream) for lookalikes.

Input, one of:

* lines, each a name (``ameli-remboursement.com``) or a CSV row whose last field is one (``12,example.com``);
  blank lines and ``#`` comments are skipped;
* JSON messages in the certstream format, one per line of a file or one per websocket message:
  ``{"message_type": "certificate_update", "data": {"leaf_cert": {"all_domains": [...]}, "cert_index": ...,
  "seen": ..., "source": {"name": ..., "url": ...}}}``; ``heartbeat`` messages are skipped, and the
  ``dns_entries`` form (``"data": [names]``) of certstream-server-go's domains-only feed is read too.

Every name is normalised (wildcard ``*.`` removed, trailing dot, case, IDNA), deduplicated in a bounded
least-recently-seen cache, and screened (``screen.DomainScreen``: brand word or lookalike of an official
domain). Only screened names (a few per million on a real stream) are analysed by the engine as
``https://NAME/``; those it finds fraudulent or suspicious are written as one JSON line each, with the score,
the attribution (which official domain, which trick) and the French or English explanation.

Hostile input is counted, never fatal: a message that is not JSON, not an object, or lacks the expected
fields is ``malformed``; a line longer than ``MAX_LINE`` is skipped whole; at most ``MAX_NAMES_PER_MESSAGE``
names of one certificate are read. A websocket source reconnects after any failure with exponential backoff
(``backoff`` doubling up to ``max_backoff`` seconds, reset once a connection delivers a message).
"""

from __future__ import annotations

import asyncio
import json
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from ..engine import Engine
from ..errors import UnsupportedInput
from ..model import Level
from .screen import DomainScreen, Match, normalise_name

MAX_LINE = 1 << 20  # bytes of one line or websocket message read at most
MAX_NAMES_PER_MESSAGE = 1_000
_FLAGGED = (Level.FRAUD, Level.SUSPICIOUS)
_EVIDENCE = ("LINK_LOOKALIKE_DOMAIN", "LINK_BRAND_IN_DOMAIN")

Record = dict[str, Any]
Emit = Callable[[Record], None]


@dataclass(slots=True)
class WatchStats:
    """What a watch has read so far (printed as a summary at the end)."""

    names: int = 0
    duplicates: int = 0
    invalid: int = 0
    screened: int = 0  # matched by the screen, then analysed
    flagged: int = 0  # written out
    messages: int = 0
    malformed: int = 0
    reconnects: int = 0

    def summary(self, lang: str = "fr") -> str:
        """One line for stderr."""
        if lang == "en":
            return (
                f"watch: {self.names} names read, {self.duplicates} duplicates, {self.invalid} invalid, "
                f"{self.flagged} flagged ({self.screened} screened), {self.messages} messages, "
                f"{self.malformed} malformed, {self.reconnects} reconnections"
            )
        return (
            f"watch : {self.names} noms lus, {self.duplicates} doublons, {self.invalid} invalides, "
            f"{self.flagged} signalés ({self.screened} retenus par le tri), {self.messages} messages, "
            f"{self.malformed} illisibles, {self.reconnects} reconnexions"
        )


class SeenCache:
    """A bounded set of recently seen names: the oldest-seen name leaves first when it is full."""

    def __init__(self, size: int) -> None:
        if size < 0:
            raise ValueError("cache size must be >= 0")
        self.size = size
        self._items: OrderedDict[str, None] = OrderedDict()

    def seen(self, key: str) -> bool:
        """True if ``key`` was seen recently (and refresh it); else remember it and return False."""
        if self.size == 0:
            return False
        if key in self._items:
            self._items.move_to_end(key)
            return True
        self._items[key] = None
        if len(self._items) > self.size:
            self._items.popitem(last=False)
        return False

    def __len__(self) -> int:
        return len(self._items)


class Watcher:
    """Screens names and analyses the matches; feed it lines or certstream messages, get JSON-ready records."""

    def __init__(self, engine: Engine, *, dedupe: int = 100_000, lang: str = "fr") -> None:
        self.engine = engine
        self.lang = lang
        self.screen = DomainScreen(engine.knowledge.profiles, engine.knowledge.keywords.domain_words)
        self.cache = SeenCache(dedupe)
        self.stats = WatchStats()

    def feed_line(self, line: str) -> list[Record]:
        """A line of a list or of a recorded stream: a name, a CSV row ending in a name, or a JSON message."""
        line = line.strip()
        if not line or line.startswith("#"):
            return []
        if line.startswith("{"):
            return self.feed_message(line)
        name = line.rsplit(",", 1)[-1].strip().strip('"')
        record = self.check(name)
        return [] if record is None else [record]

    def feed_message(self, raw: str | bytes) -> list[Record]:
        """One certstream message (JSON text or bytes); malformed ones are counted and skipped."""
        self.stats.messages += 1
        names, context = self._names(raw)
        if names is None:
            self.stats.malformed += 1
            return []
        out: list[Record] = []
        for name in names[:MAX_NAMES_PER_MESSAGE]:
            if isinstance(name, str):
                record = self.check(name, context)
                if record is not None:
                    out.append(record)
            else:
                self.stats.invalid += 1
        return out

    @staticmethod
    def _names(raw: str | bytes) -> tuple[list[Any] | None, dict[str, Any]]:
        """(names, context) of a message; ([], {}) for a heartbeat; (None, {}) when malformed."""
        if len(raw) > MAX_LINE:
            return None, {}
        try:
            message = json.loads(raw)
        except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
            return None, {}
        if not isinstance(message, dict):
            return None, {}
        kind = message.get("message_type")
        data = message.get("data")
        if kind == "heartbeat":
            return [], {}
        if kind == "dns_entries" and isinstance(data, list):
            return data, {}
        if kind != "certificate_update" or not isinstance(data, dict):
            return None, {}
        leaf = data.get("leaf_cert")
        names = leaf.get("all_domains") if isinstance(leaf, dict) else None
        if not isinstance(names, list):
            return None, {}
        context: dict[str, Any] = {}
        source = data.get("source")
        if isinstance(source, dict):
            context.update({k: source[k] for k in ("name", "url") if isinstance(source.get(k), str)})
        for key in ("cert_index", "seen"):
            if isinstance(data.get(key), int | float) and not isinstance(data.get(key), bool):
                context[key] = data[key]
        return names, context

    def check(self, name: str, context: dict[str, Any] | None = None) -> Record | None:
        """The record of one name if it is a flagged lookalike, else None (counted in ``stats``)."""
        self.stats.names += 1
        found = normalise_name(name[:300])
        if found is None:
            self.stats.invalid += 1
            return None
        if self.cache.seen(found[0]):
            self.stats.duplicates += 1
            return None
        match = self.screen.match_normalised(*found)
        if match is None:
            return None
        if self.cache.seen("@" + match.registrable_domain):
            self.stats.duplicates += 1  # www.x.com after x.com: the registrable domain is what a team blocks
            return None
        self.stats.screened += 1
        record = self._analyse(match, name, context or {})
        if record is not None:
            self.stats.flagged += 1
        return record

    def _analyse(self, match: Match, name: str, context: dict[str, Any]) -> Record | None:
        verdict = self.engine.analyze(f"https://{match.host}/", kind="url", lang=self.lang)
        if verdict.level not in _FLAGGED:
            return None
        explanation = next((e.explanation for e in verdict.evidence if e.signal in _EVIDENCE), "")
        record: Record = {
            "host": match.host,
            "unicode_host": match.unicode_host,
            "registrable_domain": match.registrable_domain,
            "level": verdict.level.value,
            "score": round(verdict.score, 4),
            "organisation": verdict.organisation or match.profile_id,
            "attribution": {"check": match.check, "attack": match.attack, "official": match.official, "how": match.how},
            "explanation": explanation,
            "signals": sorted(verdict.signals),
        }
        if name.strip() != match.host:
            record["seen_as"] = name.strip()[:300]
        if context:
            record["certificate"] = context
        return record


# ------------------------------------------------------------------------------------------ sources
def read_lines(stream: IO[str]) -> Iterator[str]:
    """Lines of a text stream, each at most ``MAX_LINE`` characters: a longer line is skipped whole."""
    while True:
        line = stream.readline(MAX_LINE)
        if not line:
            return
        if len(line) >= MAX_LINE and not line.endswith("\n"):
            while line and not line.endswith("\n"):  # drain the rest of the oversized line
                line = stream.readline(MAX_LINE)
            yield "{oversized"  # not a name, not JSON: counted as a malformed message
            continue
        yield line


def watch_stream(watcher: Watcher, stream: IO[str], emit: Emit) -> None:
    """Feed every line of ``stream`` to ``watcher``; ``emit`` each record."""
    for line in read_lines(stream):
        for record in watcher.feed_line(line):
            emit(record)


def _websockets() -> Any:
    try:
        import websockets
    except ImportError as exc:
        raise UnsupportedInput(
            "une source websocket a besoin de websockets : pip install 'sentinelle[lookalikes]'"
        ) from exc
    return websockets


async def watch_websocket(
    watcher: Watcher,
    uri: str,
    emit: Emit,
    *,
    max_reconnects: int | None = None,
    backoff: float = 1.0,
    max_backoff: float = 60.0,
    log: Callable[[str], None] = lambda _: None,
) -> None:
    """Read certstream messages from ``uri`` until the server is gone for good or ``max_reconnects`` is spent.

    ``max_reconnects=None`` reconnects forever (a monitoring daemon); 0 reads one connection only.
    """
    ws_lib = _websockets()
    failures = 0  # consecutive connections that delivered nothing: the backoff exponent
    while True:
        delivered = False
        try:
            async with ws_lib.connect(
                uri, max_size=MAX_LINE, open_timeout=10, close_timeout=2, ping_interval=20, ping_timeout=20
            ) as socket:
                async for raw in socket:
                    delivered = True
                    for record in watcher.feed_message(raw):
                        emit(record)
            reason = "fermée par le serveur"
        except (TimeoutError, OSError, ws_lib.exceptions.WebSocketException) as exc:
            reason = f"{type(exc).__name__}: {str(exc)[:120]}"
        if max_reconnects is not None and watcher.stats.reconnects >= max_reconnects:
            log(f"watch : connexion {reason} ; fin (--max-reconnects {max_reconnects})")
            return
        failures = 0 if delivered else failures + 1
        delay = min(max_backoff, backoff * 2 ** min(30, max(0, failures - 1)))
        log(f"watch : connexion {reason} ; nouvelle tentative dans {delay:g} s")
        await asyncio.sleep(delay)
        watcher.stats.reconnects += 1
