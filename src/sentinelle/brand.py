"""Is an organisation's brand hidden in a domain name? A first lookalike check (the full engine is later).

``ameli-remboursement.com``, ``amelicartevitale.fr``, ``ameli.fr.secure-login.xyz``: a brand word of a
profile inside a domain that the profile does not own. Labels are folded (homoglyphs and accents undone),
split on hyphens and digits, and each piece must split entirely into known words (``data/keywords.toml``
``domain_words``) with at least one brand token, so that ``amelie-fleurs.fr`` (a first name) does not match
``ameli``. Weak brand words (``vitale``, ``amelie``) count only beside another word of the scam vocabulary:
``energie-vitale.fr`` is a wellness shop, ``infosante-vitale.com`` and ``serviceamelie.fr`` are scams.

When a piece does not split into known words but holds a brand token, a lenient second reading is tried, with at
most ``_MAX_REPAIRS`` repairs per host: a misspelt scam word (one typing error on a word of 5 letters or more:
``sericecartevitale``, ``renouvellervitale``, ``assuramelivitale``) and two words sharing letters where one is a
brand (``cpameli`` = cpam + ameli, ``cpamiseajour``). A repair never produces the brand itself: the brand must be
written exactly, so ``amelia`` (one letter from ``ameli``) stays a first name; typos of the official name are
``lookalike.py``'s business, which compares with the official domains. Strong tokens of 6 letters or more also
count in the plural (``assurancemaladies-renouvellement.com``).

The lenient reading also forgives runs of 1 to ``_MAX_GAP`` unread letters between two words (one repair each),
but only in a long reading (three words of 4+ letters, not all brands: ``amelie|ma|r|cate|vitale``,
``serv|civ|sante|vitale``) and never against a brand: a brand stands between read words or the piece's edges, so
``ameli|ore`` (améliore), ``m|ameli`` (Mameli), ``amelia|service`` are no readings, whereas ``vitale|e`` (a doubled
last letter) is. Last, a strong brand that starts with a vowel, glued at the end of a piece after an unknown word
ending with a vowel (``redia|ameli``: two vowels mark the join), counts under the country ending of the
organisation's own domains (.fr) only: elsewhere ``rezaameli.com`` is a Persian first name and the surname Ameli.

Two readings come from the profile's data, never from a rule about letters. Its ``brand_glued_tokens`` are strong
brand words that no first name, surname or word contains (``dgfip``, ``impotsgouv``, ``antaigov``): one of them
anywhere in a piece that does not read is the brand, whatever letters are glued to it (``dgfip|ca``,
``geo|dgfip``, ``services|jcf|dgfip|finances|gouv``). The ameli words are not among them, so ``ma|ameli`` and
``amelia|service`` stay names. Its ``brand_numbered_tokens`` are brand words that carry the brand when a French
department number follows them as a label or a hyphen-separated part of one (``caf94.fr``, ``caf-13-aide.com``,
``caf2a``): a local office's name. The word must stand at the start of the label or after a hyphen or a dot, and
the number must end there, so ``caf`` inside a random hexadecimal run (``757cd1be-caf3-4f80``, ``pub-4f7caf5d...``,
``0104caf6``) or in ``cafe94`` is not read.

Weak words of 5 letters or more (``impots``, ``antai``, ``amendes``; ameli's ``vitale``, ``amelie`` alike), when
nothing else read, are last read joined (``_weak_joined``): to the country ending of the profile's own domains in
one label (``amendesfr``, ``antai-fr``); beside another weak word or a scam word when their first letter is
doubled (``aantai-amende``); beside a vocabulary word of 4+ letters typed with one letter swapped for a
keyboard neighbour or a look-alike (``lnfo-amende``: info; ``impot|goiv``: gouv); and, under the country ending
only, at the start of a piece followed by 1 to ``_MAX_GAP`` stray letters and then the piece's end (after a
plural ``s`` only, a complete word: ``impots|rec``) or vocabulary words (``impots|c|fr``, ``antai|a|paiement``).
The join must be marked as in ``_glued_after_word``: two consonants or two vowels, not the same letter. Where a
vowel meets a consonant the letters may be the word's own ending: ``amende|r`` (amender), ``antai|s``,
``vital|ite``, and ``infraction|nel`` doubles a letter. ``impots-utiles`` stays tax advice (hyphenated, an
unknown word), ``vitalmed`` a clinic (``vital`` is no plural), ``impotsrec.com`` is not read (not .fr).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from .extract.urls import public_suffix_list
from .lookalike import one_edit
from .profiles import Profile
from .textnorm import fold

# Host words that say nothing about the brand: "www.amelie-fleurs.fr" is still a flower shop.
_NEUTRAL = frozenset({"www", "ww", "fr", "com", "net", "en", "la", "le", "et"})
_MAX_REPAIRS = 2  # lenient reading: misspelt words plus overlapping words, per host
_MIN_NEAR = 5  # a misspelt word is recognised only for vocabulary words of this length or more
_MAX_GAP = 3  # lenient reading: at most this many unread letters in a row between two words (one repair)
_MIN_GLUED_PREFIX = 4  # an unread word before a brand glued at the end of a piece: at least this long
_VOWELS = frozenset("aeiouy")
_ASCII_WORD = re.compile("[a-z]+")
# A French department: 01-19, 2A/2B (Corsica), 21-95, 971-976 (overseas). Not 00, 20, 96-99 alone.
_DEPARTMENT = "(?:0[1-9]|1[0-9]|2[1-9ab]|[3-8][0-9]|9[0-5]|97[1-6])"
_MIN_WEAK_JOINED = 5  # a weak brand word read joined to the country, a typo or stray letters: this long at least
_COUNTRY_ENDINGS = frozenset({"fr"})


def _neighbours() -> dict[str, str]:
    """Letters one may type for another: keyboard neighbours on a row (QWERTY and AZERTY) and look-alikes."""
    out: dict[str, set[str]] = {}
    for row in ("qwertyuiop", "asdfghjkl", "zxcvbnm", "azertyuiop", "qsdfghjklm", "wxcvbn"):
        for a, b in zip(row, row[1:], strict=False):
            out.setdefault(a, set()).add(b)
            out.setdefault(b, set()).add(a)
    for a, b in (("l", "i"),):
        out.setdefault(a, set()).add(b)
        out.setdefault(b, set()).add(a)
    return {k: "".join(sorted(v)) for k, v in out.items()}


_SWAPS = _neighbours()
_MEMO: dict[tuple[str, int, int], tuple[Profile, frozenset[str], str | None]] = {}
_MEMO_LIMIT = 50_000
_Branded = tuple[tuple[str, str], ...]  # (brand word, profile id), in the order of the profiles
_HOST_MEMO: dict[tuple[str, str, int, int], tuple[Sequence[Profile], frozenset[str], _Branded]] = {}


def _segment(piece: str, vocabulary: frozenset[str], max_word: int) -> list[str] | None:
    """Split ``piece`` into vocabulary words (fewest words), or None. Dynamic programming, O(n * max_word).

    Forward: from each position a reading reaches, the words that start there. A host that does not read (most)
    leaves most positions unreached, which are then skipped. Each position's candidates still come in the order
    of their start, so ties go to the same reading as the usual backward form (``tests/test_brand_segment.py``).
    """
    n = len(piece)
    if n > 63:
        return None
    best: list[list[str] | None] = [None] * (n + 1)
    best[0] = []
    for start in range(n):
        prefix = best[start]
        if prefix is None:
            continue
        for end in range(start + 1, min(n, start + max_word) + 1):
            word = piece[start:end]
            if word in vocabulary:
                current = best[end]
                if current is None or len(prefix) + 1 < len(current):
                    best[end] = [*prefix, word]
    return best[n]


def _without_suffix(host: str) -> str:
    """The host without its public suffix: ``ameli.fr.x-y.com`` -> ``ameli.fr.x-y``."""
    suffix = public_suffix_list().publicsuffix(host) or ""
    return host[: -len(suffix) - 1] if suffix and host.endswith("." + suffix) else host


def _under(host: str, endings: frozenset[str]) -> bool:
    """The host ends with one of ``endings`` (its last label, case and a final dot aside)."""
    return host.rstrip(".").rsplit(".", 1)[-1].lower() in endings


@lru_cache(maxsize=1024)  # asked once per profile for the same host
def _pieces(host: str) -> tuple[str, ...]:
    """Folded words of the host's labels, without the public suffix: ``ameli.fr.x-y.com`` -> ameli, fr, x, y."""
    folded = fold(_without_suffix(host))
    if folded.isascii():  # the letters of an ASCII fold are a-z: the same runs as the loop below, found in C
        return tuple(_ASCII_WORD.findall(folded))
    out: list[str] = []
    for label in folded.split("."):
        word = ""
        for ch in label:
            if ch.isalpha():
                word += ch
            else:
                if word:
                    out.append(word)
                word = ""
        if word:
            out.append(word)
    return tuple(out)


@lru_cache(maxsize=16)
def _near_index(vocabulary: frozenset[str]) -> dict[str, tuple[str, ...]]:
    """Every word of ``_MIN_NEAR``+ letters and its one-letter deletions -> the words (symmetric-delete index)."""
    index: dict[str, list[str]] = {}
    for word in sorted(vocabulary):
        if len(word) >= _MIN_NEAR:
            for variant in {word, *(word[:i] + word[i + 1 :] for i in range(len(word)))}:
                index.setdefault(variant, []).append(word)
    return {k: tuple(v) for k, v in index.items()}


def _near(text: str, vocabulary: frozenset[str], brands: frozenset[str]) -> str | None:
    """The non-brand vocabulary word one typing error away from ``text``, or None."""
    if len(text) < _MIN_NEAR - 1 or len(text) > 30:
        return None
    index = _near_index(vocabulary)
    candidates = list(index.get(text, ()))
    for i in range(len(text)):
        variant = text[:i] + text[i + 1 :]
        if variant in vocabulary and len(variant) >= _MIN_NEAR:
            candidates.append(variant)
        candidates.extend(index.get(variant, ()))
    for word in candidates:
        if word not in brands and word != text and one_edit(text, word) is not None:
            return word
    return None


def _lenient(
    piece: str, vocabulary: frozenset[str], brands: frozenset[str], max_word: int, allow_gaps: bool = True
) -> tuple[list[str], int, int] | None:
    """A reading of ``piece`` with repairs (see the module docstring): (words, repairs, gaps), or None.

    Dynamic programming over (repairs, words): a vocabulary word costs nothing, a misspelt non-brand word of
    ``_MIN_NEAR``-1 letters or more one repair, a word overlapping the previous one by one or two letters (one
    of the two a brand) one repair, a run of 1 to ``_MAX_GAP`` unread letters between words one repair. A brand
    must stand as a word of its own: never right after unread letters (``m|ameli``: Mameli), never right before
    them (``ameli|ore``: améliore) unless the stray letter doubles the brand's last one (``vitale|e``).
    Two states per position (last thing read: a word, or unread letters). O(n * max_word) substrings, each
    misspelt-word probe O(length).
    """
    n = len(piece)
    if n > 63:
        return None
    # best[position][after_gap] = ((repairs, words), words, gaps)
    best: list[list[tuple[tuple[int, int], list[str], int] | None]] = [[None, None] for _ in range(n + 1)]
    best[0][0] = ((0, 0), [], 0)

    def offer(end: int, after_gap: int, cost: tuple[int, int], words: list[str], gaps: int) -> None:
        current = best[end][after_gap]  # fewest repairs, then fewest unread runs, then fewest words
        if cost[0] <= _MAX_REPAIRS and (
            current is None or (cost[0], gaps, cost[1]) < (current[0][0], current[2], current[0][1])
        ):
            best[end][after_gap] = (cost, words, gaps)

    for start in range(n):
        for after_gap in (0, 1):
            entry = best[start][after_gap]
            if entry is None:
                continue
            (repairs, count), words, gaps = entry
            last = words[-1] if words else ""
            # No letter added at the start of a misspelt word right after a brand: "amelia|service" is not ameli +
            # a misspelt "aservice" (the letter makes the brand a first name).
            after_brand = last in brands
            for end in range(start + 1, min(n, start + max_word + 1) + 1):
                text = piece[start:end]
                if text in vocabulary:
                    if not (after_gap and text in brands):
                        offer(end, 0, (repairs, count + 1), [*words, text], gaps)
                elif end - start >= _MIN_NEAR - 1:
                    fixed = _near(text, vocabulary, brands)
                    if fixed is not None and not (after_brand and text[1:] == fixed):
                        offer(end, 0, (repairs + 1, count + 1), [*words, fixed], gaps)
            if after_gap:
                continue  # two runs of unread letters in a row are one longer run
            if words and last == piece[start - len(last) : start]:  # a word reusing the last letters
                for k in (1, 2):
                    # The piece's first word keeps two letters of its own: "ma|ameli" is Mameli, "cpam|ameli" a scam
                    # (further on, "regu|la|amendes" is a reading).
                    if len(last) - k < (2 if len(words) == 1 else 1):
                        break
                    for end in range(start + 2, min(n, start - k + max_word) + 1):
                        text = piece[start - k : end]
                        if text in vocabulary and (text in brands or after_brand):
                            offer(end, 0, (repairs + 1, count + 1), [*words, text], gaps)
            for k in range(1, min(_MAX_GAP, n - start) + 1 if allow_gaps else 0):
                if after_brand and not (k == 1 and piece[start] == last[-1]):
                    break
                offer(start + k, 1, (repairs + 1, count), words, gaps + 1)
    finals = [f for f in best[n] if f is not None]
    if not finals:
        return None
    cost, words, gaps = min(finals, key=lambda f: (f[0][0], f[2], f[0][1]))
    return words, cost[0], gaps


@lru_cache(maxsize=16)
def _vocabulary(
    strong: frozenset[str], weak: frozenset[str], context: frozenset[str], words: frozenset[str]
) -> tuple[frozenset[str], frozenset[str], int]:
    """(every word, the strong tokens with their plurals, the longest word's length): once per profile."""
    strong = strong | {t + "s" for t in strong if len(t) >= 6}
    vocabulary = strong | weak | context | words
    return vocabulary, strong, max(len(w) for w in vocabulary)


@lru_cache(maxsize=16)
def _lenient_cues(strong: frozenset[str], weak: frozenset[str]) -> tuple[frozenset[str], re.Pattern[str] | None]:
    """(every brand word, a pattern that finds the brand words near which unread letters are forgiven), or None.

    Lenient only near a brand of 6+ letters or a strong one: "secu" is in every "secure...", "vital" in
    "vitality". One search of the pieces joined by a newline (a piece holds letters only) answers "is one of them
    in a piece" at C speed; the loop over every piece and word it replaces was a third of a new host's reading.
    """
    brands = strong | weak
    cues = sorted(b for b in brands if b in strong or len(b) >= 6)
    return brands, re.compile("|".join(map(re.escape, cues))) if cues else None


@lru_cache(maxsize=4096)  # keyed on the words, not the host: n1.ameli-x.com and n2.ameli-x.com read the same
def _brand_words(
    pieces: tuple[str, ...],
    strong: frozenset[str],
    weak: frozenset[str],
    context: frozenset[str],
    words: frozenset[str],
    glued_tokens: frozenset[str] = frozenset(),
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(brand and vocabulary words read in ``pieces``, strong brands glued after an unread word: ``redia|ameli``).

    A ``glued_tokens`` word inside a piece that does not read is read as itself (``dgfipca``: dgfip).
    """
    original_strong = strong
    vocabulary, strong, max_word = _vocabulary(strong, weak, context, words)
    found: list[str] = []
    unread: list[str] = []
    for piece in pieces:
        segments = [piece] if piece in vocabulary else _segment(piece, vocabulary, max_word)
        if segments is None:
            inside = [t for t in glued_tokens if t in piece]
            if inside:
                found.append(max(inside, key=len))
                continue
            unread.append(piece)
            continue
        found.extend(segments)
    brands, cues = _lenient_cues(strong, weak)
    glued: list[str] = []
    if unread and cues is not None and cues.search("\n".join(pieces)):
        budget = _MAX_REPAIRS
        for piece in unread:
            # Without unread letters first (the readings before they were allowed), then with them.
            lenient = _lenient(piece, vocabulary, brands, max_word, allow_gaps=False) or _lenient(
                piece, vocabulary, brands, max_word
            )
            if lenient is not None and lenient[2]:
                # Unread letters are forgiven only in a long reading: three words of 4+ letters, one of them not a
                # brand ("ameliemarcatevitale": amelie, carte, vitale). "amelie-services-rh" (a person's firm) and
                # "re|direct|ion" are not readings.
                long_words = [w for w in lenient[0] if len(w) >= 4 and w not in _NEUTRAL]
                if len(long_words) < 3 or all(w in brands for w in long_words):
                    lenient = None
            if lenient is None:
                glued.extend(t for t in original_strong if _glued_after_word(piece, t))
                continue
            words_read, repairs, _ = lenient
            if repairs <= budget:
                budget -= repairs
                found.extend(words_read)
    return tuple(found), tuple(glued)


def _glued_after_word(piece: str, token: str) -> bool:
    """``rediaameli``, ``jorathiameli``: a strong brand of 5+ letters that starts with a vowel ends the piece, after
    an unread word of 4+ letters that ends with a vowel. Two vowels in a row mark where one word ends and the next
    begins; after a consonant the brand's first syllable belongs to the word before (Mameli, Sameli, Kameli are
    surnames and first names). A brand that starts with a consonant gives no such clue (Ludovic Vitale:
    ``ludovi|cvitale``), so it is never read glued.
    """
    cut = len(piece) - len(token)
    return (
        len(token) >= 5
        and cut >= _MIN_GLUED_PREFIX
        and token[0] in _VOWELS
        and piece[cut - 1] in _VOWELS
        and piece.endswith(token)
    )


def brand_in_host(host: str, profile: Profile, domain_words: frozenset[str]) -> str | None:
    """The brand word of ``profile`` hidden in ``host`` (a Unicode or ASCII host), or None.

    Remembered per (host, profile, vocabulary): a message repeats its hosts in every link, the link detector,
    the attribution and the sender check ask about the same ones, and a stream repeats them across messages.
    Bounded: cleared when full. Keyed on the objects' identities, checked on each hit, so a profile loaded
    anew (another ``Engine``, a test's own profile) is never answered for another.
    """
    key = (host, id(profile), id(domain_words))
    hit = _MEMO.get(key)
    if hit is not None and hit[0] is profile and hit[1] is domain_words:
        return hit[2]
    found = _brand_in_host(host, profile, domain_words)
    if len(_MEMO) >= _MEMO_LIMIT:
        _MEMO.clear()
    _MEMO[key] = (profile, domain_words, found)
    return found


def brands_in_host(
    host: str, registrable_domain: str, profiles: Sequence[Profile], domain_words: frozenset[str]
) -> _Branded:
    """(brand word, profile id) of each profile whose brand ``host`` carries, in the order of ``profiles``.

    A profile's own domains and the domains it lists as unrelated (another body's) carry no brand of it. The
    attribution and the link detector ask this about every host of a message: remembered per (host,
    registrable domain) like ``brand_in_host``, which saves them a loop over the profiles.
    """
    key = (host, registrable_domain, id(profiles), id(domain_words))
    hit = _HOST_MEMO.get(key)
    if hit is not None and hit[0] is profiles and hit[1] is domain_words:
        return hit[2]
    found: list[tuple[str, str]] = []
    for profile in profiles:
        if profile.is_official_domain(registrable_domain) or profile.is_unrelated_domain(registrable_domain):
            continue
        brand = brand_in_host(host, profile, domain_words)
        if brand:
            found.append((brand, profile.id))
    if len(_HOST_MEMO) >= _MEMO_LIMIT:
        _HOST_MEMO.clear()
    _HOST_MEMO[key] = (profiles, domain_words, tuple(found))
    return tuple(found)


@lru_cache(maxsize=16)
def _numbered_pattern(tokens: tuple[str, ...]) -> re.Pattern[str]:
    """``caf94``, ``caf-13``: a brand word at the start of a label or after a hyphen, a department number after it."""
    words = "|".join(re.escape(t) for t in sorted(tokens, key=len, reverse=True))
    return re.compile(f"(?<![a-z0-9])(?:{words})-?{_DEPARTMENT}(?![a-z0-9])")


def _numbered(host: str, tokens: tuple[str, ...]) -> str | None:
    """The brand word and department number in ``host`` (``caf94``), or None. The public suffix is left out."""
    found = _numbered_pattern(tokens).search(fold(_without_suffix(host)).lower())
    return None if found is None else found.group(0)


@dataclass(frozen=True, slots=True)
class _ProfileWords:
    """A profile's brand words as sets, built once per profile object: reading a new host asks for them once per
    profile, and sets built anew on each call also made every ``lru_cache`` key below hash them again."""

    profile: Profile
    strong: frozenset[str]
    weak: frozenset[str]
    context: frozenset[str]
    glued: frozenset[str]
    long_weak: frozenset[str]  # weak words of _MIN_WEAK_JOINED+ letters
    endings: frozenset[str]  # the top-level endings of the organisation's own domains (``fr`` for ameli.fr)
    # Any strong, weak or glued word, as a pattern: a host whose pieces hold none of them cannot read as the brand
    # (every reading of ``_brand_words`` that counts contains one as written, lenient ones included), so most new
    # hosts skip the segmentation.
    mention: re.Pattern[str] | None


_PROFILE_WORDS: dict[int, _ProfileWords] = {}


def _words_of(profile: Profile) -> _ProfileWords:
    """``_ProfileWords`` of ``profile``, keyed on its identity (checked on each hit, like ``_MEMO``)."""
    hit = _PROFILE_WORDS.get(id(profile))
    if hit is not None and hit.profile is profile:
        return hit
    strong, weak, glued = (
        frozenset(t) for t in (profile.brand_tokens, profile.brand_weak_tokens, profile.brand_glued_tokens)
    )
    mentioned = sorted(strong | weak | glued)
    words = _ProfileWords(
        profile,
        strong,
        weak,
        frozenset(profile.brand_context_words),
        glued,
        frozenset(w for w in weak if len(w) >= _MIN_WEAK_JOINED),
        frozenset(d.rsplit(".", 1)[-1] for d in profile.domains),
        re.compile("|".join(map(re.escape, mentioned))) if mentioned else None,
    )
    if len(_PROFILE_WORDS) >= 64:  # profiles are few; tests build their own
        _PROFILE_WORDS.clear()
    _PROFILE_WORDS[id(profile)] = words
    return words


def _brand_in_host(host: str, profile: Profile, domain_words: frozenset[str]) -> str | None:
    words = _words_of(profile)
    strong, weak = words.strong, words.weak
    pieces = _pieces(host)
    found: tuple[str, ...] = ()
    glued: tuple[str, ...] = ()
    if words.mention is not None and words.mention.search("\n".join(pieces)):  # pieces hold letters only
        found, glued = _brand_words(pieces, strong, weak, words.context, domain_words, words.glued)
    strong_found = [w for w in found if w in strong or (w[:-1] in strong and len(w) > 6)]
    if strong_found:
        return strong_found[0]
    if profile.brand_numbered_tokens:
        numbered = _numbered(host, profile.brand_numbered_tokens)
        if numbered is not None:
            return numbered
    # A brand glued after an unknown word counts only under the country ending of the organisation's own
    # domains (.fr): elsewhere "rezaameli.com" is as likely a Persian first name and the surname Ameli.
    if glued and _under(host, words.endings):
        return glued[0]
    # A weak brand word counts beside any other scam-vocabulary word of the host: "renouvellement-vitale",
    # "amelie-service" carry the brand; "energie-vitale", "amelie-scott" do not (their other word is unknown).
    distinct = [w for w in dict.fromkeys(found) if w not in _NEUTRAL]
    weak_found = [w for w in distinct if w in weak]
    if weak_found and len(distinct) >= 2:
        return "-".join(distinct[:3])
    if words.long_weak and any(w in host for w in words.long_weak):  # cheap filter: most hosts hold none
        return _weak_joined(host, words, weak_found, domain_words)
    return None


def _weak_joined(host: str, sets: _ProfileWords, weak_found: list[str], domain_words: frozenset[str]) -> str | None:
    """A weak brand word of ``_MIN_WEAK_JOINED``+ letters joined to the country, a typo or stray letters, or None.

    See the module docstring. ``weak_found``: the weak words the segmentation read. Only reached when one of the
    profile's weak words of ``_MIN_WEAK_JOINED``+ letters (``sets.long_weak``) is a substring of the host.
    """
    name = _without_suffix(host)
    long_weak, endings = sets.long_weak, sets.endings
    national = _under(host, endings)
    vocabulary, strong, max_word = _vocabulary(sets.strong, sets.weak, sets.context, domain_words)
    vocabulary = vocabulary - strong - sets.weak  # the words beside a brand
    others: list[str] = []
    weak_pieces: list[str] = []
    labels = fold(name).lower().split(".")
    for position, label in enumerate(labels):
        parts = _ASCII_WORD.findall(label)
        joined = "".join(parts)
        # The country glued to a weak word ("amendesfr.fr") only as the registrable name, in one piece, under
        # the country's own ending: "maladie-fr.com", "vital-fr.com", "amelie-fr.blogspot.com" are the names
        # of honest sites and blogs as often as not.
        if national and len(parts) == 1 and position == len(labels) - 1:
            for ending in endings:
                if joined.endswith(ending) and joined[: -len(ending)] in long_weak:
                    return f"{joined[: -len(ending)]}-{ending}"
        for part in parts:
            if part in long_weak or (len(part) > _MIN_WEAK_JOINED and part[0] == part[1] and part[1:] in long_weak):
                weak_pieces.append(part)
            else:
                others.append(part)
                if national:
                    glued = _glued_weak(part, long_weak, vocabulary, max_word)
                    if glued is not None:
                        return glued
    words = list(dict.fromkeys([*weak_found, *(p if p in long_weak else p[1:] for p in weak_pieces)]))
    typos = [p for p in others if _typo4(p, vocabulary)]
    companions = typos + [p for p in others if p in vocabulary and p not in _NEUTRAL]
    if words and (typos or len(words) > len(weak_found)) and (len(words) >= 2 or companions):
        return "-".join(words[:3])
    return None


def _glued_weak(piece: str, long_weak: frozenset[str], vocabulary: frozenset[str], max_word: int) -> str | None:
    """The weak word starting ``piece`` across a join (``impots|rec``, ``impots|c|fr``, ``antai|a|paiement``)."""
    for word in sorted(long_weak, key=len, reverse=True):
        if not piece.startswith(word) or len(piece) == len(word):
            continue
        last, first = word[-1], piece[len(word)]
        if first == last or (first in _VOWELS) != (last in _VOWELS):
            continue  # no join: the letters may be the word's own ending (amende|r, antai|s, vital|ite)
        tail = piece[len(word) :]
        if _typo4(tail, vocabulary):  # impot|goiv
            return word
        for k in range(1, min(_MAX_GAP, len(tail)) + 1):
            rest = tail[k:]
            if not rest:
                # Stray letters alone after the word only when it ends in a plural "s", a complete word
                # (impots|rec), not after "vital" (vitalmed).
                if k >= 2 and last == "s":
                    return word
                continue
            read = _segment(rest, vocabulary, max_word)
            if (read is not None and any(len(w) >= 4 for w in read)) or rest in _COUNTRY_ENDINGS:
                return word
    return None


def _typo4(text: str, vocabulary: frozenset[str]) -> bool:
    """``text`` is a vocabulary word of 4+ letters with one letter swapped for a look-alike or a keyboard neighbour
    (``lnfo``: info, ``goiv``: gouv)."""
    if len(text) < 4 or len(text) > 30 or text in vocabulary:
        return False
    for i, ch in enumerate(text):
        for alt in _SWAPS.get(ch, ""):
            if text[:i] + alt + text[i + 1 :] in vocabulary:
                return True
    return False
