"""Phone numbers spelled out in French words, as speech recognisers write call and voicemail transcripts.

"rappelez le zéro huit quatre-vingt-dix-neuf vingt-trois quarante-cinq soixante-sept" is 08 99 23 45 67, a
surcharged number that no digit pattern sees. French numbers are read in pairs ("zéro six, douze,
trente-quatre..."), so each word-number contributes its own digits: a value from 10 to 99 two digits, a
single digit one ("zéro huit" = "08"), "huit cents" three, and digit groups as written ("08 quatre-vingt-dix-
neuf 23 45 67"). "double zéro" is "00", "plus" before a number is "+".

The scan is linear and bounded, whatever the text:

1. one regular-expression pass (literal words and digit groups, nothing to backtrack) finds number words
   and digit groups in the folded text; consecutive ones form a *run* when only spaces, commas, hyphens or
   fillers ("euh", "virgule") separate them;
2. each run becomes a list of *pieces* (the digits of one spoken group) by a small left-to-right grammar
   of French compounding: "soixante-dix" = 70, "quatre-vingt-onze" = 91, "vingt et un" = 21,
   "septante"/"huitante"/"octante"/"nonante" (Belgium, Switzerland); a lone "et" ends a group;
3. from each piece, the longest window of pieces that spells a phone number is taken: 4 digits starting
   with 3 (short numbers: 3646, 3230), 10 digits starting with 0, "+33"/"0033" plus 9 digits. A window
   stops as soon as its digits cannot begin such a number, so each piece is looked at a bounded number
   of times.

Known false positives and limits: a run with "mille"/"million"/"milliard" is an amount or a year ("deux
mille vingt-six") and gives nothing; two numbers read without a word between them are split by the
longest-window rule, which can pick the wrong cut; "huit cent vingt-trois" is read 823 except right after
"zéro" ("zéro huit cent vingt-trois" = 0 800 23, the way 0 800 numbers are read out). Amounts and dates
("vingt-trois euros", "le vingt-trois mai") have the wrong length and are ignored here; a 4-digit result
still needs a calling context in ``find_phones``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from ..textnorm import fold

_UNITS = {"un": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8, "neuf": 9}
_TEENS = {"dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16}
_TENS = {
    "vingt": 20,
    "vingts": 20,
    "trente": 30,
    "quarante": 40,
    "cinquante": 50,
    "soixante": 60,
    "septante": 70,
    "huitante": 80,
    "octante": 80,
    "nonante": 90,
}
_HUNDREDS = frozenset({"cent", "cents"})
_AMOUNT = frozenset({"mille", "milles", "million", "millions", "milliard", "milliards"})
_FILLERS = frozenset({"euh", "heu", "hum", "virgule"})
_REPEAT = {"double": 2, "triple": 3}
_VALUE_WORDS = ["zero", *_UNITS, *_TEENS, *_TENS, *_HUNDREDS, *_AMOUNT]
_OTHER_WORDS = ["plus", "et", *_FILLERS, *_REPEAT]

# An alternation of literal words and one digit class, no nested quantifier: the stdlib engine cannot
# backtrack on it (each attempt is bounded by the longest word or by one digit group), and its match objects
# cost a fifth of RE2's Python wrapper's, which dominated the scan of long transcripts.
_TOKEN = r"\b(?:" + "|".join(_VALUE_WORDS + _OTHER_WORDS) + r")\b|\b[0-9]+\b"
_ANY_VALUE_WORD = r"\b(?:" + "|".join(_VALUE_WORDS) + r")\b"
_JOINING_GAP = " ,-\t"
_MAX_DIGITS = 14  # "0033" + "0" + 9 digits, the longest form accepted
_BOUNDARY = ""  # a piece that no window may cross (a lone "et")
_DIGITS, _WORDS, _BARE_UN = 0, 1, 2


# Digits read out one at a time, as speech recognisers write them: "0, 8, 9, 9, 2, 3..." or "0, 6, 12, 34...".
_SPACED_DIGITS = r"\b[0-9][ ,]{1,3}[0-9][ ,]{1,3}[0-9]"


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    return re.compile(_TOKEN), re.compile(_ANY_VALUE_WORD), re.compile(_SPACED_DIGITS)


def has_number_word(folded: str) -> bool:
    """True if the folded text contains a French number word ("zero" to "nonante", "cent", "mille")."""
    return _patterns()[1].search(folded) is not None


def find_spoken_numbers(text: str, *, limit: int) -> list[tuple[int, int, str]]:
    """Phone numbers spelled out in ``text``: ``(start, end, digits)``, in order, at most ``limit``.

    ``start``/``end`` are offsets in ``text`` (``text[start:end]`` is the number as written); ``digits`` is
    "0899234567", "3646", "+33612345678" or "0033612345678". A candidate always contains at least one
    number word: numbers written in digits only are left to the digit patterns.
    """
    if limit <= 0 or not text:
        return []
    folded = fold(text)
    if not has_number_word(folded) and _patterns()[2].search(folded) is None:
        return []
    found: list[tuple[int, int, str]] = []
    for run in _runs(folded):
        for candidate in _numbers_in_run(run):
            found.append(candidate)
            if len(found) >= limit:
                return found
    return found


# A token: (start, end, word or digit group, joined to the next token by a hyphen alone).
_Token = tuple[int, int, str, bool]
# A piece: (start, end, digits, kind) with kind _DIGITS, _WORDS or _BARE_UN (the word "un" alone, maybe an
# article: "le trente-six quarante-six, un conseiller..."). digits is "+" for "plus", _BOUNDARY for a lone "et".
_Piece = tuple[int, int, str, int]


def _runs(folded: str) -> Iterator[list[_Token]]:
    """Groups of number tokens separated only by spaces, commas, hyphens (and filler words)."""
    token_re = _patterns()[0]
    current: list[_Token] = []
    prev_end = -1
    for m in token_re.finditer(folded):
        start, end = m.span()
        word = m.group(0)
        plus = word[0].isdigit() and start > 0 and folded[start - 1] == "+"  # "+33 six douze..."
        gap = folded[prev_end : start - 1 if plus else start] if current else ""
        if current and (plus or gap.strip(_JOINING_GAP)):
            yield current
            current = []
        elif current and gap == "-":
            s, e, w, _ = current[-1]
            current[-1] = (s, e, w, True)
        if not current and word in _FILLERS:
            prev_end = end
            continue
        if plus:
            current.append((start - 1, start, "plus", False))
        current.append((start, end, word, False))
        prev_end = end
    if current:
        yield current


def _below_hundred(tokens: list[_Token], i: int) -> tuple[int, int] | None:
    """The value (0-99) of the number words starting at ``tokens[i]`` and the index after them."""
    n = len(tokens)
    word = tokens[i][2]
    nxt = tokens[i + 1][2] if i + 1 < n else ""
    if word in _TEENS:
        if word == "dix" and nxt in ("sept", "huit", "neuf"):
            return 10 + _UNITS[nxt], i + 2
        return _TEENS[word], i + 1
    if word in _UNITS:
        if word == "quatre" and nxt == "vingts":  # the plural ends the number: "quatre-vingts, quatre..."
            return 80, i + 2
        if word == "quatre" and nxt == "vingt":
            return _after_tens(tokens, i + 2, 80, soft=True)
        return _UNITS[word], i + 1
    if word in _TENS:
        return _after_tens(tokens, i + 1, _TENS[word], soft=word == "soixante")
    return None


def _after_tens(tokens: list[_Token], i: int, base: int, *, soft: bool) -> tuple[int, int]:
    """``base`` (20-90) plus what follows: "-deux", " et un", and for 60/80 "-dix" to "-dix-neuf"."""
    n = len(tokens)
    word = tokens[i][2] if i < n else ""
    if word == "et" and i + 1 < n and tokens[i + 1][2] in ("un", "onze") and not (soft and base == 80):
        return base + (1 if tokens[i + 1][2] == "un" else 11), i + 2
    if soft and word in _TEENS:  # soixante-dix-sept, quatre-vingt-onze
        teen, j = _below_hundred(tokens, i) or (0, i)
        return base + teen, j
    if word in _UNITS:
        return base + _UNITS[word], i + 1
    return base, i


def _pieces(run: list[_Token]) -> list[_Piece] | None:
    """The digits of each spoken group of ``run``; ``None`` for an amount (a run with "mille")."""
    pieces: list[_Piece] = []
    n = len(run)
    i = 0
    after_zero = False
    while i < n:
        start, end, word, hyphen = run[i]
        if word in _AMOUNT:
            return None
        if word[0].isdigit():
            pieces.append((start, end, word, _DIGITS))
            i += 1
            after_zero = False
            continue
        if word == "zero":
            pieces.append((start, end, "0", _WORDS))
            i += 1
            after_zero = True
            continue
        if word in _FILLERS:
            i += 1
            continue
        if word == "plus":
            pieces.append((start, end, "+", _WORDS))
            i += 1
            after_zero = False
            continue
        if word in _REPEAT and i + 1 < n and (run[i + 1][2] == "zero" or run[i + 1][2] in _UNITS):
            digit = "0" if run[i + 1][2] == "zero" else str(_UNITS[run[i + 1][2]])
            pieces.append((start, run[i + 1][1], digit * _REPEAT[word], _WORDS))
            i += 2
            after_zero = digit == "0"
            continue
        if word == "et" or word in _REPEAT:  # "et" outside "vingt et un" ends a number
            pieces.append((start, end, _BOUNDARY, _WORDS))
            i += 1
            after_zero = False
            continue
        nxt = run[i + 1][2] if i + 1 < n else ""
        if word in _UNITS and after_zero and nxt not in _HUNDREDS and not (hyphen and nxt in ("vingt", "vingts")):
            # "zéro quatre vingt-trois" is 04 23: after "zéro" a digit is the second half of a pair.
            value, j = _UNITS[word], i + 1
        elif word in _HUNDREDS:
            value, j = 0, i  # "cent vingt-trois": an implicit "un"
        else:
            parsed = _below_hundred(run, i)
            if parsed is None:  # unreachable for tokens of the pattern; kept so bad input cannot loop
                i += 1
                continue
            value, j = parsed
        if j < n and run[j][2] in _HUNDREDS and value < 10:
            value = max(value, 1) * 100
            j += 1
            # Right after "zéro", "huit cents" is the 800 of 0 800 and what follows is the next group.
            if not after_zero and j < n and run[j][2] != "zero" and run[j][2] not in _AMOUNT:
                rest = _below_hundred(run, j)
                if rest is not None:
                    value, j = value + rest[0], rest[1]
        kind = _BARE_UN if j == i + 1 and word == "un" else _WORDS
        pieces.append((start, run[j - 1][1], str(value), kind))
        i = j
        after_zero = False
    return pieces


def _could_start(digits: str) -> bool:
    """True if ``digits`` may be the beginning (or the whole) of an accepted phone number."""
    n = len(digits)
    if n == 0 or n > _MAX_DIGITS:
        return False
    first = digits[0]
    if first == "+":
        return "+33"[:n] == digits[:3] and n <= 13
    if first == "3":
        return n <= 4
    if first != "0":
        return False
    if n >= 2 and digits[1] == "0":
        return "0033"[:n] == digits[:4]
    return n <= 10


def is_phone_digits(digits: str) -> bool:
    """4 digits starting with 3, 10 digits starting with 0[1-9], "+33"/"0033" + 9 digits (or 0 + 9)."""
    n = len(digits)
    if digits.startswith("+33"):
        national = digits[3:]
    elif digits.startswith("0033"):
        national = digits[4:]
    elif n == 4:
        return digits[0] == "3"
    else:
        return n == 10 and digits[0] == "0" and digits[1] != "0" and digits.isdigit()
    if national.startswith("0"):
        national = national[1:]
    return len(national) == 9 and national[0] != "0" and national.isdigit()


def _numbers_in_run(run: list[_Token]) -> list[tuple[int, int, str]]:
    """The phone numbers of a run: each part between lone "et"s must split *entirely* into numbers.

    A run of other lengths ("vingt-trois", eight or twelve digits) is an amount, a date or a mishearing, not
    a number to report; only a bare "un" may be left over at either end (an article). The split is found by
    dynamic programming over the pieces, each window capped by ``_could_start``: linear in the run.
    """
    pieces = _pieces(run)
    if not pieces:
        return []
    out: list[tuple[int, int, str]] = []
    part: list[_Piece] = []
    for piece in [*pieces, (0, 0, _BOUNDARY, _WORDS)]:
        if piece[2] != _BOUNDARY:
            part.append(piece)
            continue
        lo, hi = 0, len(part)
        while lo < hi and part[lo][3] == _BARE_UN:
            lo += 1
        while hi > lo and part[hi - 1][3] == _BARE_UN:
            hi -= 1
        if hi > lo:
            out.extend(_split(part[lo:hi]))
        part = []
    return out


def _split(part: list[_Piece]) -> list[tuple[int, int, str]]:
    """Numbers covering all of ``part`` (first split found, longest last number), or nothing."""
    n = len(part)
    back: list[tuple[int, str] | None] = [None] * (n + 1)  # back[j]: (start of the last number, its digits)
    reached = [False] * (n + 1)
    reached[0] = True
    for i in range(n):
        if not reached[i]:
            continue
        digits = ""
        for j in range(i, n):
            piece = part[j][2]
            if j > i and piece == "+":
                break
            digits += piece
            if not _could_start(digits):
                break
            if not reached[j + 1] and is_phone_digits(digits):
                reached[j + 1] = True
                back[j + 1] = (i, digits)
    if not reached[n]:
        return []
    out: list[tuple[int, int, str]] = []
    end = n
    while end > 0:
        step = back[end]
        if step is None:  # cannot happen: reached[end] records a step
            return []
        start, digits = step
        # Digit groups alone are the digit patterns' business, unless read out one digit at a time ("0, 8, 9").
        if any(p[3] != _DIGITS for p in part[start:end]) or sum(len(p[2]) == 1 for p in part[start:end]) >= 2:
            out.append((part[start][0], part[end - 1][1], digits))
        end = start
    out.reverse()
    return out
