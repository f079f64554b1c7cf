"""Every keyword list searched in one linear pass (Aho-Corasick), on folded text, whole words only.

Scam wording lists are long (lures, requests, urgency, organisation names, negation cues) and attacker
text can be huge: a regular expression per phrase would be slow, and a backtracking one dangerous. An
Aho-Corasick automaton finds every occurrence of every phrase in time linear in the text, whatever the
number of phrases. Tags say what a phrase means, so detectors filter the hits they care about.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick

Tag = tuple[str, ...]  # ("request", "bank_details"), ("lure", "assurance_maladie", "LURE_CARD_EXPIRY"), ...


@dataclass(frozen=True, slots=True)
class Hit:
    """One whole-word occurrence of a phrase: offsets index the cleaned (and folded) text."""

    start: int
    end: int
    phrase: str
    tag: Tag


class PhraseMatcher:
    """An immutable multi-phrase matcher; build once per engine, share between threads and calls."""

    def __init__(self, entries: Iterable[tuple[str, Tag]]) -> None:
        automaton = ahocorasick.Automaton()
        by_phrase: dict[str, list[Tag]] = {}
        for phrase, tag in entries:
            by_phrase.setdefault(phrase, []).append(tag)
        for phrase, tags in by_phrase.items():
            automaton.add_word(phrase, (phrase, tuple(tags)))
        if by_phrase:
            automaton.make_automaton()
        self._automaton = automaton
        self._empty = not by_phrase

    def find(self, folded: str) -> list[Hit]:
        """All whole-word hits in ``folded`` (from ``textnorm.fold``), sorted by start offset."""
        if self._empty:
            return []
        hits: list[Hit] = []
        n = len(folded)
        for end_index, (phrase, tags) in self._automaton.iter(folded):
            start = end_index - len(phrase) + 1
            end = end_index + 1
            if start > 0 and folded[start - 1].isalnum() and phrase[0].isalnum():
                continue
            if end < n and folded[end].isalnum() and phrase[-1].isalnum():
                continue
            if phrase[-1].isalnum() and _contraction_follows(folded, end):
                continue  # "you won't" is not "you won": the word goes on as a negative contraction
            for tag in tags:
                hits.append(Hit(start, end, phrase, tag))
        hits.sort(key=lambda h: (h.start, -h.end))
        return hits


def _contraction_follows(folded: str, end: int) -> bool:
    """True when an English negative contraction (``'t``) continues the word ending at ``end``."""
    return folded[end : end + 2] == "'t" and (end + 2 >= len(folded) or not folded[end + 2].isalnum())
