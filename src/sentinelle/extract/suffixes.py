"""Public suffix lookups with the rules of ``publicsuffixlist``, answered by a few dictionary probes.

``publicsuffixlist.PublicSuffixList`` is correct but pure Python and generic: for every name it joins and
probes up to seven candidate suffixes three times each (exception, wildcard, exact rule), longest first. On a
Certificate Transparency stream that was a quarter of ``sentinelle watch``'s time. ``SuffixList`` reads the
*same* rule set (the object's own parsed rules, so the bundled snapshot, its IDNA forms and any later update
of the package are taken as they are, never fetched) and answers the same questions identically:

* one dictionary, built once: every rule's name without its ``!`` or ``*.`` marker, and every shorter
  ending of it (``kawasaki.jp``, ``jp`` for ``*.kawasaki.jp``), to a bit set of the rule kinds it carries
  (0 for an ending that is no rule itself);
* a lookup walks the name from its last label while the growing ending is in the dictionary (one probe
  per label, usually two), then applies ``publicsuffixlist``'s own decision order, longest ending first:
  exception rule (``!city.kobe.jp``: one label less), wildcard (``*.kobe.jp``: one label more, or the
  wildcard's own root when nothing is left), exact rule.

Why it is the same answer: a rule can only match an ending whose every shorter ending is in the dictionary,
so the walk stops before the first ending that no rule could match, and every longer one is out of reach too;
the endings it visited are then examined in ``publicsuffixlist``'s order. Same input handling: one trailing dot
dropped, lower case, an empty label makes the name invalid (``None``), unknown endings are no public suffix
(``accept_unknown=False``, how Sentinelle has always built its list). ``tests/test_suffixes.py`` compares both
on every rule of the list under several prefixes, and ``benchmarks/bench_watch.py --check-suffixes`` on the
Tranco list and the confirmed lookalikes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence

from publicsuffixlist import PublicSuffixList

_EXACT, _WILDCARD, _EXCEPTION = 1, 2, 4
# Answers remembered per question, oldest forgotten first: an e-mail asks about the same few names many times
# (its sender's domain by several detectors, each link's host for its registrable domain and its ending), and
# a campaign repeats them across messages. Bounded, so a stream of distinct names (``sentinelle watch``)
# costs one insertion and one removal per name.
MEMO_SIZE = 4096
_UNASKED = "(not asked yet)"  # compared by identity: no answer is this very string object


class SuffixList:
    """``publicsuffix`` and ``privatesuffix`` of ``PublicSuffixList(accept_unknown=False)``, faster (thread-safe)."""

    def __init__(self, rules: Iterable[str], max_labels: int) -> None:
        table: dict[str, int] = {}
        for rule in rules:
            if rule.startswith("!"):
                name, kind = rule[1:], _EXCEPTION
            elif rule.startswith("*."):
                name, kind = rule[2:], _WILDCARD
            else:
                name, kind = rule, _EXACT
            table[name] = table.get(name, 0) | kind
            labels = name.split(".")
            for start in range(1, len(labels)):
                table.setdefault(".".join(labels[start:]), 0)
        self._table = table
        self._depth = max_labels + 1  # publicsuffixlist never looks at more labels than this
        self._public: dict[str, str | None] = {}
        self._private: dict[str, str | None] = {}

    @classmethod
    def from_publicsuffixlist(cls, psl: PublicSuffixList) -> SuffixList:
        """The rules ``psl`` parsed (``_publicsuffix``: the library keeps no public accessor for them)."""
        return cls(psl._publicsuffix, psl._maxlabel)

    def public_count(self, labels: Sequence[str]) -> int:
        """How many of the last ``labels`` (lower case, none empty) form the public suffix; 0 when unknown."""
        n = len(labels)
        table = self._table
        limit = min(n, self._depth)
        ending = labels[-1]
        kinds = table.get(ending)
        if kinds is None:
            return 0
        found = [kinds]  # found[d - 1]: the kinds of the ending of d labels
        while len(found) < limit:
            ending = f"{labels[-len(found) - 1]}.{ending}"
            kinds = table.get(ending)
            if kinds is None:
                break
            found.append(kinds)
        for depth in range(len(found), 0, -1):
            kinds = found[depth - 1]
            if kinds & _EXCEPTION:
                return depth - 1
            if kinds & _WILDCARD:
                return depth + 1 if depth < n else depth
            if kinds & _EXACT:
                return depth
        return 0

    def publicsuffix(self, domain: str) -> str | None:
        """The longest public ending of ``domain`` (lower case), or None: invalid name or unknown ending."""
        found = self._public.get(domain, _UNASKED)
        if found is not _UNASKED:
            return found
        found = None
        labels = _labels(domain)
        if labels is not None:
            count = self.public_count(labels)
            if count and len(labels) >= count:
                found = ".".join(labels[-count:])
        _remember(self._public, domain, found)
        return found

    def privatesuffix(self, domain: str) -> str | None:
        """The registrable domain (public suffix plus one label, lower case), or None."""
        found = self._private.get(domain, _UNASKED)
        if found is not _UNASKED:
            return found
        found = None
        labels = _labels(domain)
        if labels is not None:
            count = self.public_count(labels)
            if count and len(labels) >= count + 1:
                found = ".".join(labels[-count - 1 :])
        _remember(self._private, domain, found)
        return found


def _remember(memo: dict[str, str | None], domain: str, found: str | None) -> None:
    """Keep an answer, forgetting the oldest one past ``MEMO_SIZE`` (dictionaries keep insertion order)."""
    if len(memo) >= MEMO_SIZE:
        with contextlib.suppress(KeyError, StopIteration, RuntimeError):  # another thread got there first
            del memo[next(iter(memo))]
    memo[domain] = found


def _labels(domain: str) -> list[str] | None:
    if domain.endswith("."):
        domain = domain[:-1]
    labels = domain.lower().split(".")
    return None if "" in labels else labels
