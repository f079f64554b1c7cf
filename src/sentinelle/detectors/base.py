"""The detector contract, the registry, and the per-message ``Context`` detectors share.

A detector is a small class with a stable ``id`` (``area.what``), the ``Kind``s it applies to, and the
evidence codes (``signals``) it may emit, each with a one-line meaning. ``detect`` is a pure function of
the message and the context: no I/O, no printing, no score. Adding a detector touches three files: its
module, its test, and a ``weights.toml`` entry.

``Context`` computes, lazily and once, what several detectors need: the folded text, the phrase hits, the
organisation the message claims to be. Detectors read it and never change it.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol, TypeVar

from ..model import Evidence, Kind, LinkSource, Message
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


class Flags:
    """Evidence gathered value by value: per code, the distinct observed values (capped), the first location
    and the first parameters. Many links or numbers of one message make one evidence item per code."""

    def __init__(self, detector_id: str, cap: int = 5) -> None:
        self.detector_id = detector_id
        self.cap = cap
        self._values: dict[str, list[str]] = {}
        self._first: dict[str, tuple[str | None, dict[str, str]]] = {}

    def add(self, signal: str, value: str, location: str | None, **params: str) -> None:
        values = self._values.setdefault(signal, [])
        if value not in values and len(values) < self.cap:
            values.append(value)
        self._first.setdefault(signal, (location, params))

    def __contains__(self, signal: str) -> bool:
        return signal in self._values

    def evidence(self) -> Iterator[Evidence]:
        for signal, values in self._values.items():
            location, params = self._first[signal]
            yield Evidence(self.detector_id, signal, observed=tuple(values), location=location, params=params)


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


_UNSET: Any = object()
_SENTENCE_WINDOW = 400  # how far a sentence may reach around a hit (bounded work on text without full stops)
# An amount right after a phrase: "de 245,50 €", "d'un montant de 89 euros", ": 120€", "of $45", "of EUR 45".
_AMOUNT_AFTER = re.compile(r"[\s:]*(?:d'un montant\s+)?(?:de|of)?[\s:]*(?:[$€£]|eur\b|euros?\b)?\s*\d")
_LIST_ITEM_CHARS = 120  # a longer line is prose, not an item of a list
_LIST_LOOKBACK_LINES = 12  # how far up a list item looks for the line that introduces its list


class Context:
    """Shared, lazily computed facts about one message. One per analysis; not shared between threads.

    Lazy attributes are plain checks rather than ``functools.cached_property``, which on Python 3.11 takes
    a class-wide lock on every first access (measured: a quarter of the per-message overhead).
    """

    def __init__(
        self,
        msg: Message,
        knowledge: Knowledge,
        *,
        lang: str = "fr",
        forced_profile: str | None = None,
        attribute: Callable[[Context], Claim | None] | None = None,
        trusted_authserv_ids: frozenset[str] = frozenset(),
    ) -> None:
        self.msg = msg
        self.knowledge = knowledge
        self.lang = lang
        self.forced_profile = forced_profile
        self.trusted_authserv_ids = trusted_authserv_ids  # Config.trusted_authserv_ids
        self._attribute = attribute
        self._text: str | None = None
        self._folded: str | None = None
        self._hits: list[Hit] | None = None
        self._index: dict[tuple[str, ...], tuple[list[int], list[Hit]]] | None = None
        self._claim: Claim | None = _UNSET
        self._requested: dict[str, list[Hit]] | None = None
        self._amount_phrases: dict[tuple[str, str], frozenset[str]] | None = None
        self._has_form: bool | None = None

    @property
    def text(self) -> str:
        """Subject and body, as the reader sees them (the subject first, on its own line)."""
        if self._text is None:
            self._text = self.msg.subject + "\n" + self.msg.text if self.msg.subject else self.msg.text
        return self._text

    @property
    def folded(self) -> str:
        if self._folded is None:
            self._folded = fold(self.text)
        return self._folded

    @property
    def hits(self) -> list[Hit]:
        """Every phrase hit, sorted by start offset."""
        if self._hits is None:
            self._hits = self.knowledge.matcher.find(self.folded)
        return self._hits

    def _tag_index(self) -> dict[tuple[str, ...], tuple[list[int], list[Hit]]]:
        """Hits grouped by first tag element and by full tag, each with its sorted start offsets."""
        if self._index is None:
            index: dict[tuple[str, ...], tuple[list[int], list[Hit]]] = {}
            for hit in self.hits:
                for key in {hit.tag[:1], hit.tag}:
                    starts, hits = index.setdefault(key, ([], []))
                    starts.append(hit.start)
                    hits.append(hit)
            self._index = index
        return self._index

    def hits_tagged(self, first: str) -> list[Hit]:
        return self._tag_index().get((first,), ([], []))[1]

    @property
    def claim(self) -> Claim | None:
        if self._claim is _UNSET:
            self._claim = self._attribute(self) if self._attribute else None
        return self._claim

    @property
    def requested(self) -> dict[str, list[Hit]]:
        """Request hits by category ("bank_details", ...), warnings such as "ne donnez jamais" left out."""
        if self._requested is None:
            out: dict[str, list[Hit]] = {}
            for hit in self.hits_tagged("request"):
                bucket = out.setdefault(hit.tag[1], [])
                if len(bucket) < 20 and not self.is_negated(hit) and self.is_demanded(hit):
                    bucket.append(hit)
            self._requested = {k: v for k, v in out.items() if v}
        return self._requested

    def original(self, hit: Hit) -> str:
        """The words of a hit as written in the message (offsets are shared with the folded text)."""
        return self.text[hit.start : hit.end]

    def sentence_span(self, hit: Hit) -> tuple[int, int]:
        """The sentence around a hit: from the previous full stop or line break to the next one, within
        ``_SENTENCE_WINDOW`` characters before and 40 after the hit."""
        text = self.folded
        lo = max(0, hit.start - _SENTENCE_WINDOW)
        start = (
            max(
                text.rfind(".", lo, hit.start),
                text.rfind("\n", lo, hit.start),
                text.rfind("!", lo, hit.start),
                text.rfind("?", lo, hit.start),
                lo - 1,
            )
            + 1
        )
        hi = hit.end + 40
        end_candidates = [i for i in (text.find(".", hit.end, hi), text.find("\n", hit.end, hi)) if i != -1]
        return start, min([*end_candidates, hi])

    def in_same_sentence(self, hit: Hit, tag: tuple[str, ...]) -> bool:
        """True when a hit tagged ``tag`` (its first element, or the whole tag) shares the sentence of ``hit``."""
        entry = self._tag_index().get(tag)
        if entry is None:
            return False
        start, end = self.sentence_span(hit)
        return self._tagged_within(entry, start, end)

    @staticmethod
    def _tagged_within(entry: tuple[list[int], list[Hit]], start: int, end: int) -> bool:
        starts, hits = entry
        i = bisect_left(starts, start)
        while i < len(hits) and hits[i].start < end:
            if hits[i].end <= end:
                return True
            i += 1
        return False

    def is_demanded(self, hit: Hit) -> bool:
        """True when a request phrase is asked of the reader: a demand cue (``keywords.toml`` ``[demand]``:
        "envoyez", "merci de", "pouvez-vous", "via ce lien"...) in its sentence, or, for an item of a list, in
        the line ending with ":" that introduces the list, or anywhere in a message holding a form that collects
        data (not a newsletter's own subscription or search box, ``parsing.html._collects_data``).
        "Pièces à fournir : carte d'identité, RIB" and "vous devez indiquer votre numéro de sécurité sociale
        sur la feuille de soins" explain a procedure; they ask nothing of the reader through the message."""
        if self._has_form is None:  # a form is the channel: its labels ("RIB", "cryptogramme") are fields to fill
            self._has_form = any(
                link.source is LinkSource.HTML_FORM and link.form_collects_data is not False for link in self.msg.links
            )
        if self._has_form:
            return True
        entry = self._tag_index().get(("demand",))
        if entry is None:
            return False
        start, end = self.sentence_span(hit)
        if self._tagged_within(entry, start, end):
            return True
        text = self.folded
        line_start = text.rfind("\n", 0, hit.start) + 1
        line_end = text.find("\n", hit.end)
        if (line_end if line_end != -1 else len(text)) - line_start > _LIST_ITEM_CHARS:
            return False
        end_of_previous = line_start - 1
        for _ in range(_LIST_LOOKBACK_LINES):
            if end_of_previous <= 0:
                return False
            start = text.rfind("\n", 0, end_of_previous) + 1
            line = text[start:end_of_previous].strip()
            if line.endswith(":"):
                return self._tagged_within(entry, start, end_of_previous)
            if len(line) > _LIST_ITEM_CHARS:
                return False
            end_of_previous = start - 1
        return False

    def is_lure(self, hit: Hit) -> bool:
        """A profile lure hit that really is one: not in a warning ("jamais") nor in the organisation's own
        advice ("mettez à jour votre carte Vitale en pharmacie"). Shared by the lures and trust detectors."""
        if self.is_negated(hit) or self.in_same_sentence(hit, ("lure_unless", hit.tag[1], hit.tag[2])):
            return False
        return not self._needs_amount(hit) or _AMOUNT_AFTER.match(self.folded, hit.end, hit.end + 40) is not None

    def _needs_amount(self, hit: Hit) -> bool:
        """The lure phrase counts only before an amount (profile ``amount_after``)."""
        if self._amount_phrases is None:
            self._amount_phrases = {
                (p.id, lure.theme): frozenset(lure.amount_after) for p in self.knowledge.profiles for lure in p.lures
            }
        return hit.phrase in self._amount_phrases.get((hit.tag[1], hit.tag[2]), frozenset())

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
