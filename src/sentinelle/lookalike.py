"""Does a domain imitate an official domain? Typos, homoglyphs, other endings and hyphen games.

``brand.py`` finds a brand *word* inside a domain (``ameli-remboursement.com``). This module finds domains that
*look like* an official domain without containing its name: ``amel1.fr`` (1 for l), ``arneli.fr`` (rn for m),
``ameIi.fr`` (capital I for l), ``amelli.fr`` (a letter doubled), ``aemli.fr`` (letters swapped), ``amеli.fr``
(Cyrillic е), ``ameli.com`` (another ending), ``ameli-fr.com`` / ``amelifr.com`` / ``ameli.fr.com`` (the official
ending glued into the name), ``assurancemaladie.fr`` (hyphen dropped).

The registrable label of the host (the part just before its public suffix) is compared with the label of every
official domain of every profile, in this order:

1. *skeleton equality*: both labels folded (``textnorm.fold``: case, accents, Unicode homoglyphs) then mapped
   through visual ASCII substitutions (``rn``→m, ``vv``→w, ``1``→l, ``0``→o, ``i``→l, the last because a
   host is case-insensitive and ``ameIi`` is written with a capital I) and stripped of hyphens;
2. *the official ending glued into the label* (``ameli-fr.com``, ``amelifr.com``), or *the whole official
   domain followed by another one* (``ameli.fr.com``, ``ameli.fr.secure-login.xyz``);
3. *one typing error* (Damerau-Levenshtein distance 1 on the skeletons), for official labels of 5 letters or
   more only.

Why these limits (each one removes a family of false alarms seen on popular-domain lists):

* Official labels shorter than 5 letters (``dmp``) are matched only by skeleton equality under the official
  suffix or with a deliberate disguise (a homoglyph, a digit): ``dmp.com`` or ``dmp.de`` are not flagged,
  because a three-letter acronym is owned by unrelated organisations under every ending.
* A typing error changes only the label, never the label *and* the ending, unless it is a swap or a doubled
  letter (``aemli.com``): ``amelia.com`` is a first name under another ending, not a typo of ``ameli.fr``.
* For labels shorter than 8 letters, a vowel added, or a letter dropped or replaced, at the first or last
  position is ignored (a doubled letter and an added consonant are kept): that is how first names and words
  are made from ``ameli`` (``amelie``, ``amelia``, ``ameri``). ``amelir.fr`` and ``iameli.fr`` (confirmed
  frauds) are caught: the skeleton reads ``i`` as the ``l`` of a capital I, so it counts as a consonant.
* The official domains and their subdomains never match.

Cost: the official side is indexed once per profile tuple; a query is one public-suffix lookup (a few
dictionary probes: ``extract.suffixes``), one fold, a dictionary lookup and a linear-time distance-1 check
against the few official labels of a close length that share its first two or its last two skeleton letters
(a typing error in a skeleton of 5+ letters leaves one of those pairs intact: proof at ``typo_ends``). What the
registrable label decides is remembered per ``label.suffix``, and the whole answer per host (bounded memos:
streams repeat registrable domains and hosts). Input is bounded: at most the last 8 labels of a host and 64
characters per label are read, so a 10,000-character label costs the same as a normal one.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import idna

from .extract.urls import public_suffix_list
from .profiles import Profile
from .textnorm import fold

_MIN_TYPO_LEN = 5  # official labels shorter than this: skeleton equality only
_MIN_EDGE_LEN = 8  # official labels shorter than this: no typo on the first or last letter (except doubling)
_MAX_LABEL = 64  # DNS labels are at most 63 characters: anything longer is cut, never scanned
_MAX_LABELS = 8
_MEMO_SIZE = 65_536  # registrable labels whose verdict is remembered (about 10 MB at most)
_HOST_MEMO_SIZE = 16_384  # whole hosts whose verdict is remembered (at most 253 characters each: about 6 MB)
_MAX_HOST_MEMO = 253  # longer "hosts" (not DNS names) are answered but not remembered
_UNKNOWN = object()  # not in the memo (None is a remembered answer)
_VOWELS = frozenset("aeiouy")
_VISUAL = (("rn", "m"), ("vv", "w"), ("1", "l"), ("0", "o"), ("i", "l"))

# Technique codes (stable, language-neutral: templates and callers may key on them).
HOMOGLYPH = "homoglyph"  # a letter of another script or an accented letter: amеli.fr
VISUAL = "visual"  # ASCII characters that look alike: amel1.fr, arneli.fr, ameIi.fr
TRANSPOSITION = "transposition"  # aemli.fr
REPETITION = "repetition"  # amelli.fr
OMISSION = "omission"  # amli.fr
INSERTION = "insertion"  # amexli.fr
REPLACEMENT = "replacement"  # amali.fr
TLD_SWAP = "tld_swap"  # ameli.com
HYPHEN = "hyphen"  # assurancemaladie.fr, a-meli.fr
SUFFIX_GAME = "suffix_game"  # ameli-fr.com, amelifr.com, ameli.fr.com
SUBDOMAIN = "subdomain"  # ameli.fr.secure-login.xyz: the official domain written as the start of another
TECHNIQUES = (
    HOMOGLYPH,
    VISUAL,
    TRANSPOSITION,
    REPETITION,
    OMISSION,
    INSERTION,
    REPLACEMENT,
    TLD_SWAP,
    HYPHEN,
    SUFFIX_GAME,
    SUBDOMAIN,
)


@dataclass(frozen=True, slots=True)
class Resemblance:
    """Which official domain a host imitates, by which technique, and a short language-neutral formula.

    ``how`` reads "what you see → what it imitates": ``"1→i"``, ``"Cyrillic е→e"``, ``"em→me"``,
    ``"ll→l"``, ``".com→.fr"``, ``"-fr.com→.fr"``; several tricks are joined by ``", "``.
    """

    official: str  # the official registrable domain imitated: "ameli.fr"
    profile_id: str
    technique: str  # one of TECHNIQUES: the main trick (on the name before the ending)
    how: str


@dataclass(frozen=True, slots=True)
class _Official:
    domain: str
    profile_id: str
    label: str  # "assurance-maladie"
    suffix: str  # "fr"
    skeleton: str  # visual skeleton without hyphens: "assurancernaladle" style, see _skeleton


def _skeleton(folded: str) -> str:
    """Visual ASCII skeleton of a folded label, hyphens removed: ``arneli`` and ``ameIi`` -> ``amell``."""
    s = folded.replace("-", "")
    for seen, meant in _VISUAL:
        if seen in s:
            s = s.replace(seen, meant)
    return s


class LookalikeIndex:
    """The official domains of some profiles, prepared for fast comparisons (build once, query often)."""

    def __init__(self, profiles: Sequence[Profile]) -> None:
        officials: list[_Official] = []
        self.domains: frozenset[str] = frozenset(d for p in profiles for d in p.domains)
        for profile in profiles:
            for domain in sorted(profile.domains):
                label, _, suffix = domain.partition(".")
                if not label or not suffix:
                    continue
                officials.append(_Official(domain, profile.id, label, suffix, _skeleton(fold(label))))
        self.officials = tuple(officials)
        # skeleton -> officials with that skeleton; skeleton+suffix glued ("amelifr") -> officials
        self.by_skeleton: dict[str, list[_Official]] = {}
        self.by_glued: dict[str, list[_Official]] = {}
        for off in officials:
            self.by_skeleton.setdefault(off.skeleton, []).append(off)
            self.by_glued.setdefault(off.skeleton + _skeleton(off.suffix), []).append(off)
        self.typo_lengths = frozenset(len(o.skeleton) for o in officials if len(o.skeleton) >= _MIN_TYPO_LEN)
        # Officials open to a typo (skeleton of _MIN_TYPO_LEN+ letters) whose skeleton is 1 shorter, as long,
        # 1 longer than a query skeleton of length n: by_length[n], in the order of ``officials``.
        self.by_length: dict[int, tuple[_Official, ...]] = {
            n: tuple(o for o in officials if abs(len(o.skeleton) - n) <= 1 and len(o.skeleton) >= _MIN_TYPO_LEN)
            for n in range(1, 2 + max(self.typo_lengths, default=0))
        }
        # The first two and the last two letters of those skeletons, per query length: a pre-filter that hides no
        # typo. If one_edit(q, s) finds an edit at position i with len(s) >= 5 and |len(q) - len(s)| <= 1: for
        # i >= 2, q[:2] == s[:2]; for i <= 1, the edit (a swap included) touches positions i..i+1 <= 2 of s and
        # what follows is shared and at least 2 letters long, so q[-2:] == s[-2:]. (tests/test_lookalike_fast_paths)
        self.typo_ends: dict[int, tuple[frozenset[str], frozenset[str]]] = {
            n: (frozenset(o.skeleton[:2] for o in offs), frozenset(o.skeleton[-2:] for o in offs))
            for n, offs in self.by_length.items()
        }
        self.first_labels = frozenset(o.label for o in officials)
        # What the registrable label alone decides (``_label_resemblance``), per "label.suffix" as written:
        # names of a stream share their registrable domains (many certificates per site). Bounded: cleared
        # when full, so a stream of unique domains costs one dictionary probe more per name, no memory.
        self._memo: dict[str, Resemblance | None] = {}
        # The whole answer per host as asked, bounded the same way: a message's links, its attribution and the
        # messages of a stream ask about the same hosts, and splitting a host (public suffix) costs more than the
        # label's own memo saves.
        self._host_memo: dict[str, Resemblance | None] = {}

    def resemblance(self, host: str) -> Resemblance | None:
        """See the module docstring; ``host`` may be ASCII, punycode or Unicode, in any case."""
        memo = self._host_memo
        remembered = memo.get(host, _UNKNOWN)
        if remembered is not _UNKNOWN:
            return remembered  # type: ignore[return-value]
        parts = split_host(host)
        found = None if parts is None else self.resemblance_of(*parts)
        if len(host) <= _MAX_HOST_MEMO:  # a DNS name is at most 253 characters: longer ones are not kept
            if len(memo) >= _HOST_MEMO_SIZE:
                memo.clear()
            memo[host] = found
        return found

    def resemblance_of(self, labels: list[str], suffix: str) -> Resemblance | None:
        """``resemblance`` on a host already split by ``split_host`` (callers that need the parts too)."""
        raw = labels[-1]
        if raw.lower() + "." + suffix in self.domains:
            return None
        if len(labels) > 1:
            found = self._official_inside(labels, suffix)
            if found:
                return found
        key = f"{raw}.{suffix}"
        memo = self._memo
        remembered = memo.get(key, _UNKNOWN)  # one lookup: another thread may clear the memo in between two
        if remembered is not _UNKNOWN:
            return remembered  # type: ignore[return-value]
        found = self._label_resemblance(raw, suffix)
        if len(memo) >= _MEMO_SIZE:
            memo.clear()
        memo[key] = found
        return found

    def _label_resemblance(self, raw: str, suffix: str) -> Resemblance | None:
        """Skeleton equality, official ending glued in, one typing error: the registrable label's own checks."""
        folded = fold(raw)
        if len(folded) != len(raw):  # fold maps one character to one; anything else is not a hostname
            return None
        skel = _skeleton(folded)
        for off in self.by_skeleton.get(skel, ()):
            found = self._same_skeleton(off, raw, folded, suffix)
            if found:
                return found
        for off in self.by_glued.get(skel, ()):
            if len(off.label) >= _MIN_TYPO_LEN:
                cut = len(folded) - len(off.suffix.replace(".", ""))
                if cut > 0 and folded[cut - 1] == "-":
                    cut -= 1
                tricks = [*_homoglyphs(raw, folded), f"{folded[cut:]}.{suffix}→.{off.suffix}"]
                return Resemblance(off.domain, off.profile_id, SUFFIX_GAME, ", ".join(tricks))
        ends = self.typo_ends.get(len(skel))
        if ends is not None and (skel[:2] in ends[0] or skel[-2:] in ends[1]):
            for off in self.by_length[len(skel)]:
                if off.skeleton[:2] == skel[:2] or off.skeleton[-2:] == skel[-2:]:
                    found = self._typo(off, raw, folded, skel, suffix)
                    if found:
                        return found
        return None

    def _official_inside(self, labels: list[str], suffix: str) -> Resemblance | None:
        """``ameli.fr.com``, ``ameli.fr.secure-login.xyz``: a whole official domain, then another domain."""
        if self.first_labels.isdisjoint(map(str.lower, labels)):
            return None
        lower = [label.lower() for label in labels]
        for off in self.officials:
            width = off.suffix.count(".") + 2
            for start in range(len(lower) - width + 1):
                if ".".join(lower[start : start + width]) == off.domain:
                    rest = ".".join([*lower[start + width :], suffix])
                    technique = SUFFIX_GAME if start + width == len(lower) else SUBDOMAIN
                    return Resemblance(off.domain, off.profile_id, technique, f"{off.domain}.{rest}→{off.domain}")
        return None

    @staticmethod
    def _same_skeleton(off: _Official, raw: str, folded: str, suffix: str) -> Resemblance | None:
        homoglyph = not raw.isascii()
        visual = folded != off.label
        hyphen_only = visual and folded.replace("-", "") == off.label.replace("-", "")
        if not (homoglyph or visual or suffix != off.suffix):
            return None  # the official domain itself (excluded earlier): kept for safety
        if len(off.label) < _MIN_TYPO_LEN and not (homoglyph or (visual and not hyphen_only)):
            return None  # dmp.com, d-mp.fr: a short acronym under another spelling is somebody else's
        if homoglyph:
            technique = HOMOGLYPH
        elif hyphen_only:
            technique = HYPHEN
        elif visual:
            technique = VISUAL
        elif suffix.startswith(off.suffix + "."):
            technique = SUFFIX_GAME  # an official ending inside a longer public suffix
        else:
            technique = TLD_SWAP
        tricks = _homoglyphs(raw, folded)
        if hyphen_only:
            tricks.append(f"{folded}→{off.label}")
        else:
            tricks += _diff(folded, off.label)
        tricks += _suffix_trick(suffix, off.suffix)
        return Resemblance(off.domain, off.profile_id, technique, ", ".join(tricks))

    @staticmethod
    def _typo(off: _Official, raw: str, folded: str, skel: str, suffix: str) -> Resemblance | None:
        if len(off.skeleton) < _MIN_TYPO_LEN or abs(len(skel) - len(off.skeleton)) > 1:
            return None
        edit = one_edit(skel, off.skeleton)
        if edit is None:
            return None
        kind, position = edit
        intent = kind in (TRANSPOSITION, REPETITION)
        if not intent and suffix != off.suffix:
            return None
        last = max(len(skel), len(off.skeleton)) - 1
        at_edge = position in (0, last)
        added_consonant = kind == INSERTION and skel[position] not in _VOWELS
        if not intent and len(off.skeleton) < _MIN_EDGE_LEN and at_edge and not added_consonant:
            return None
        tricks = _homoglyphs(raw, folded) + _diff(folded, off.label) + _suffix_trick(suffix, off.suffix)
        return Resemblance(off.domain, off.profile_id, kind, ", ".join(tricks))


def one_edit(seen: str, meant: str) -> tuple[str, int] | None:
    """The single typing error that turns ``meant`` into ``seen``, as (technique, position), or None.

    Damerau-Levenshtein distance exactly 1 (a letter replaced, inserted, dropped, or two neighbours swapped),
    decided in one linear pass. A doubled letter (``amelli``) is reported as ``repetition``, not ``insertion``.
    """
    if seen == meant:
        return None
    n, m = len(seen), len(meant)
    i = 0
    while i < n and i < m and seen[i] == meant[i]:
        i += 1
    if n == m:
        if seen[i + 1 :] == meant[i + 1 :]:
            return REPLACEMENT, i
        if i + 1 < n and seen[i] == meant[i + 1] and seen[i + 1] == meant[i] and seen[i + 2 :] == meant[i + 2 :]:
            return TRANSPOSITION, i
        return None
    if n == m + 1 and seen[i + 1 :] == meant[i:]:
        doubled = (i > 0 and seen[i] == seen[i - 1]) or (i + 1 < n and seen[i] == seen[i + 1])
        return (REPETITION if doubled else INSERTION), i
    if n + 1 == m and seen[i:] == meant[i + 1 :]:
        return OMISSION, i
    return None


def split_host(host: str) -> tuple[list[str], str] | None:
    """(labels up to the one before the public suffix, as written; the public suffix), or None.

    Punycode labels are decoded; at most the last 8 labels and 64 characters per label are kept."""
    host = host.strip().rstrip(".")
    if not host or ":" in host or "[" in host or "/" in host or "@" in host:
        return None  # IPv6 literal, port, or not a host at all
    lower = host.lower()
    if host.isascii() and "xn--" not in lower:
        return _split_ascii(host, lower)
    labels = host.split(".")
    if len(labels) > _MAX_LABELS:
        labels = labels[-_MAX_LABELS:]
    if len(host) > _MAX_LABEL:  # only then can a label be longer
        labels = [label[:_MAX_LABEL] for label in labels]
    if "" in labels:
        return None
    if "xn--" in host.lower():
        decoded = []
        for label in labels:
            if label.lower().startswith("xn--"):
                try:
                    label = idna.decode(label)
                except (idna.IDNAError, UnicodeError, ValueError):
                    return None  # garbage punycode ("xn--zzzz"): not a name anyone can read as a brand
            decoded.append(label)
        labels = decoded
    lower = ".".join(labels).lower()
    if lower.replace(".", "").isdigit():
        return None  # an IPv4 address
    suffix = public_suffix_list().publicsuffix(lower)
    if not suffix or suffix == lower:
        return None
    n_suffix = suffix.count(".") + 1
    if len(labels) <= n_suffix:
        return None
    return labels[:-n_suffix], suffix


def _split_ascii(host: str, lower: str) -> tuple[list[str], str] | None:
    """``split_host`` on an ASCII name without punycode (nearly every name): the same steps, fewer copies."""
    labels = host.split(".")
    low = labels if lower == host else lower.split(".")
    if len(labels) > _MAX_LABELS:
        labels, low = labels[-_MAX_LABELS:], low[-_MAX_LABELS:]
    if len(host) > _MAX_LABEL:
        labels, low = [label[:_MAX_LABEL] for label in labels], [label[:_MAX_LABEL] for label in low]
    if "" in low or "".join(low).isdigit():
        return None  # an empty label; an IPv4 address
    n_suffix = public_suffix_list().public_count(low)
    if not n_suffix or n_suffix >= len(low):
        return None
    return labels[:-n_suffix], ".".join(low[-n_suffix:])


def _homoglyphs(raw: str, folded: str) -> list[str]:
    """``Cyrillic е→e`` (``é→e`` for an accent) for every non-ASCII character that fold turned into ASCII."""
    out: list[str] = []
    for seen, meant in zip(raw, folded, strict=True):
        if seen.isascii() or any(o.endswith(f"{seen}→{meant}") for o in out):
            continue
        name = unicodedata.name(seen, "")
        script = name.split(" ", 1)[0].title() if name else f"U+{ord(seen):04X}"
        out.append(f"{seen}→{meant}" if script == "Latin" else f"{script} {seen}→{meant}")
    return out[:4]


def _diff(seen: str, meant: str) -> list[str]:
    """The differing middle of two labels, with one letter of context when one side is empty: ``rn→m``."""
    if seen == meant:
        return []
    i = 0
    while i < len(seen) and i < len(meant) and seen[i] == meant[i]:
        i += 1
    j = 0
    while j < len(seen) - i and j < len(meant) - i and seen[-1 - j] == meant[-1 - j]:
        j += 1
    a, b = seen[i : len(seen) - j], meant[i : len(meant) - j]
    if not a or not b:
        if i > 0:
            a, b = seen[i - 1] + a, meant[i - 1] + b
        else:
            a, b = a + seen[i + len(a) : i + len(a) + 1], b + meant[i + len(b) : i + len(b) + 1]
    if a == "i" and b == "l":
        a = "I"  # hosts reach us lower-cased; the disguise is the capital I
    return [f"{a}→{b}"]


def _suffix_trick(seen: str, meant: str) -> list[str]:
    return [] if seen == meant else [f".{seen}→.{meant}"]


_INDEXES: dict[int, tuple[Sequence[Profile], LookalikeIndex]] = {}


def index_for(profiles: Sequence[Profile]) -> LookalikeIndex:
    """The index of ``profiles``, built on first use and kept while the same tuple object is passed.

    Keyed on identity, not on equality: hashing profiles (every lure, every phone) costs more than a query.
    The cached tuple is held, so its id cannot be reused by another object.
    """
    key = id(profiles)
    hit = _INDEXES.get(key)
    if hit is not None and hit[0] is profiles:
        return hit[1]
    index = LookalikeIndex(profiles)
    if len(_INDEXES) >= 8:
        _INDEXES.clear()
    _INDEXES[key] = (profiles, index)
    return index


def resemblance(host: str, profiles: Sequence[Profile]) -> Resemblance | None:
    """The official domain of ``profiles`` that ``host`` imitates, how, or None (never raises on odd hosts)."""
    return index_for(profiles).resemblance(host)
