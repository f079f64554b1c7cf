"""The detector contract, the registry, and the per-message ``Context`` detectors share.

A detector is a small class with a stable ``id`` (``area.what``), the ``Kind``s it applies to, and the
evidence codes (``signals``) it may emit, each with a one-line meaning. ``detect`` is a pure function of
the message and the context: no I/O, no printing, no score. Adding a detector touches three files: its
module, its test, and a ``weights.toml`` entry.

``Context`` computes, lazily and once, what several detectors need: the folded text, the phrase hits, the
organisation the message claims to be. Detectors read it and never change it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import ClassVar, Protocol, TypeVar

from ..model import Evidence, Kind, Message
from ..phrases import Hit
from ..profiles import Profile
from ..resources import Knowledge
from ..textnorm import fold

ALL_KINDS: frozenset[Kind] = frozenset(Kind)


class Detector(Protocol):
    """What every detector provides (see module docstring)."""

    id: ClassVar[str]
    applies_to: ClassVar[frozenset[Kind]]
    signals: ClassVar[Mapping[str, str]]

    def detect(self, msg: Message, ctx: Context) -> Iterable[Evidence]: ...


_REGISTRY: dict[str, type[Detector]] = {}
D = TypeVar("D", bound=type[Detector])


def register(cls: D) -> D:
    """Class decorator: add a detector to the registry; a duplicate id or signal is an import-time error."""
    if cls.id in _REGISTRY:
        raise RuntimeError(f"duplicate detector id {cls.id!r}")
    taken = {code: other.id for other in _REGISTRY.values() for code in other.signals}
    for code in cls.signals:
        if code in taken:
            raise RuntimeError(f"signal {code!r} of {cls.id!r} already declared by {taken[code]!r}")
        if not code.isupper():
            raise RuntimeError(f"signal {code!r} of {cls.id!r} must be UPPER_SNAKE")
    _REGISTRY[cls.id] = cls
    return cls


def registered() -> dict[str, type[Detector]]:
    """All registered detector classes by id (importing ``sentinelle.detectors`` fills the registry)."""
    return dict(_REGISTRY)


@dataclass(frozen=True, slots=True)
class Claim:
    """The organisation a message claims to speak for, and what gave it away."""

    profile: Profile
    observed: tuple[str, ...]  # the names or domains seen, as written
    via: str  # "text", "sender", "link", "user"


class Context:
    """Shared, lazily computed facts about one message. One per analysis; not shared between threads."""

    def __init__(self, msg: Message, knowledge: Knowledge, *, lang: str = "fr", forced_profile: str | None = None,
                 attribute: Callable[[Context], Claim | None] | None = None) -> None:
        self.msg = msg
        self.knowledge = knowledge
        self.lang = lang
        self.forced_profile = forced_profile
        self._attribute = attribute

    @cached_property
    def text(self) -> str:
        """Subject and body, as the reader sees them (the subject first, on its own line)."""
        if self.msg.subject:
            return self.msg.subject + "\n" + self.msg.text
        return self.msg.text

    @cached_property
    def folded(self) -> str:
        return fold(self.text)

    @cached_property
    def hits(self) -> list[Hit]:
        return self.knowledge.matcher.find(self.folded)

    def hits_tagged(self, first: str) -> list[Hit]:
        return [h for h in self.hits if h.tag[0] == first]

    @cached_property
    def claim(self) -> Claim | None:
        return self._attribute(self) if self._attribute else None

    @cached_property
    def requested(self) -> dict[str, list[Hit]]:
        """Request hits by category ("bank_details", ...), warnings such as "ne donnez jamais" left out."""
        out: dict[str, list[Hit]] = {}
        for hit in self.hits:
            if hit.tag[0] != "request":
                continue
            bucket = out.setdefault(hit.tag[1], [])
            if len(bucket) < 20 and not self.is_negated(hit):
                bucket.append(hit)
        return {k: v for k, v in out.items() if v}

    def original(self, hit: Hit) -> str:
        """The words of a hit as written in the message (offsets are shared with the folded text)."""
        return self.text[hit.start:hit.end]

    def sentence_span(self, hit: Hit) -> tuple[int, int]:
        """The sentence around a hit: from the previous full stop or line break, to the next one (or 40
        characters after the hit, whichever comes first)."""
        text = self.folded
        start = max(text.rfind(".", 0, hit.start), text.rfind("\n", 0, hit.start), text.rfind("!", 0, hit.start),
                    text.rfind("?", 0, hit.start)) + 1
        end_candidates = [i for i in (text.find(".", hit.end), text.find("\n", hit.end)) if i != -1]
        return start, min([*end_candidates, hit.end + 40])

    def in_same_sentence(self, hit: Hit, tag: tuple[str, ...]) -> bool:
        """True when a hit tagged ``tag`` (compared on its first elements) shares the sentence of ``hit``."""
        start, end = self.sentence_span(hit)
        n = len(tag)
        return any(h.tag[:n] == tag and start <= h.start and h.end <= end for h in self.hits)

    def is_negated(self, hit: Hit) -> bool:
        """True when the hit sits in a sentence with a negation cue ("ne communiquez jamais votre code")."""
        return self.in_same_sentence(hit, ("negation",))

    def line_of(self, offset: int) -> str:
        """``body:l.N`` for an offset of ``text`` (``subject`` when it falls in the subject line)."""
        if self.msg.subject:
            if offset <= len(self.msg.subject):
                return "subject"
            offset -= len(self.msg.subject) + 1
        return f"body:l.{self.msg.text.count(chr(10), 0, offset) + 1}"
