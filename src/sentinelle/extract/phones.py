"""Finding phone numbers in text: French long numbers in every spacing, +33/0033 forms, short numbers.

libphonenumber's matcher misses short numbers (3646, 3230, 118 712) and is slow on long texts, so the scan
uses linear-time RE2 patterns, then normalises each candidate: E.164 for long numbers, digits for short
ones. A four-digit number starting with 3 is only taken as a phone number when the words before it speak
of calling ("appelez le 3646") or when it is a known public-service number: "3000 euros" is not a number to
call. The words before a number also decide its role: a number to call back is not a number mentioned.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left
from collections.abc import Iterable
from functools import cache

import phonenumbers
import re2

from ..model import PhoneNumber, PhoneRole
from ..textnorm import fewer_digits_than, fold
from .spoken_numbers import find_spoken_numbers

# Ten digits starting with 0, each digit optionally preceded by one separator: "06 12 34 56 78",
# "0899.23.45.67", "0 800 123 456", "0 899 23 45 67". Or +33 / 0033 with an optional "(0)".
_LONG = r"(?:(?:\+|\b00)\s?33\s?(?:\(0\)\s?)?[1-9](?:[\s.\-]?\d){8}|\b0[\s.\-]?[1-9](?:[\s.\-]?\d){8})\b"
_INTL = r"(?:\+|\b00)\s?(?:[1-24-9]\d{0,2}|3[0-24-9]\d?)(?:[\s.\-]?\d){6,12}\b"
_SHORT = r"\b(?:3\s?\d\s?\d\s?\d|118\s?\d\s?\d\s?\d)\b"
_PHONE_WORDS = ("numero", "tel", "tel.", "telephone", "au", "le", "appel", "ligne", "contact", "standard")


@cache
def _patterns() -> tuple[re2._Regexp, re2._Regexp, re2._Regexp]:
    return re2.compile(_LONG), re2.compile(_INTL), re2.compile(_SHORT)


@cache
def _any_number() -> re2._Regexp:
    """The three patterns as one: it finds something exactly when one of them would (an alternation)."""
    return re2.compile(f"{_LONG}|{_INTL}|{_SHORT}")


def normalise_number(raw: str) -> str | None:
    """E.164 for long numbers, digits for short ones; ``None`` if it cannot be a phone number."""
    # NFKC first (full-width "０６" are digits to a reader), then ASCII digits only: str.isdigit() also
    # accepts "¹" or "٣", which int() and libphonenumber refuse.
    raw = unicodedata.normalize("NFKC", raw)
    digits = "".join(ch for ch in raw if "0" <= ch <= "9")
    plus = raw.lstrip().startswith("+")
    if "(0)" in raw.replace(" ", ""):
        digits = digits.replace("330", "33", 1)
    if digits.startswith("00"):
        digits, plus = digits[2:], True
    if plus:
        if digits.startswith("33"):
            national = digits[2:]
            if national.startswith("0"):
                national = national[1:]
            return "+33" + national if len(national) == 9 else None
        try:
            parsed = phonenumbers.parse("+" + digits, None)
        except phonenumbers.NumberParseException:
            return None
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    if len(digits) == 10 and digits.startswith("0"):
        return "+33" + digits[1:]
    if 2 <= len(digits) <= 6:
        return digits
    return None


def _role(before_folded: str, cue_starts: tuple[str, ...]) -> PhoneRole:
    """CALLBACK when a word of the sentence before the number starts like a cue ("rappel" in "rappelez")."""
    # Only the current sentence counts: "Rappelez-nous. Notre adresse: ..." must not make a later number a
    # callback number.
    cut = max(
        before_folded.rfind(". "), before_folded.rfind("\n"), before_folded.rfind("! "), before_folded.rfind("? ")
    )
    sentence = before_folded[cut + 1 :] if cut >= 0 else before_folded
    words = sentence.replace("-", " ").replace("'", " ").split()
    if any(w.startswith(cue_starts) for w in words):
        return PhoneRole.CALLBACK
    return PhoneRole.MENTIONED


def find_phones(
    text: str,
    *,
    cues: Iterable[str],
    known_short: frozenset[str],
    limit: int,
    location_prefix: str = "body",
    spoken: bool = False,
) -> tuple[list[PhoneNumber], int]:
    """Numbers in ``text`` (at most ``limit``, in order) and how many were seen in all.

    With ``spoken`` (call and voicemail transcripts), numbers spelled out in French words are found too
    (``spoken_numbers``); their ``raw`` is the words as written. Digit matches win over overlapping words.
    """
    few_digits = fewer_digits_than(4, text)
    if few_digits and not spoken:  # fast path: no pattern matches fewer than four digits
        return [], 0
    if not spoken and _any_number().search(text) is None:
        # Nine texts in ten with four digits or more hold no number at all (dates, amounts, references):
        # one scan of the three patterns together settles them, where each pattern took a scan of its own.
        return [], 0
    long_re, intl_re, short_re = _patterns()
    spans: list[tuple[int, int, str]] = []
    # Spans already taken, disjoint and sorted: only the last one starting before ``b`` can overlap [a, b).
    # (A linear scan of every taken span made 50,000 numbers take minutes.)
    taken_starts: list[int] = []
    taken_ends: list[int] = []

    def overlaps(a: int, b: int) -> bool:
        i = bisect_left(taken_starts, b)
        return i > 0 and taken_ends[i - 1] > a

    patterns: tuple[re2._Regexp, ...] = ()
    if not few_digits:
        # Every international form starts with "+" or "00": without them that scan cannot match (each scan
        # encodes the whole text to UTF-8 again, so one saved is a third of the search on a long text).
        patterns = (long_re, intl_re, short_re) if "+" in text or "00" in text else (long_re, short_re)
    for pattern in patterns:
        for m in pattern.finditer(text):
            start, end = m.span()
            if overlaps(start, end):
                continue
            raw = m.group(0)
            if pattern is short_re and not _is_short_number_context(text, start, end, raw, known_short):
                continue
            spans.append((start, end, raw))
            i = bisect_left(taken_starts, start)
            taken_starts.insert(i, start)
            taken_ends.insert(i, end)
    spoken_digits: dict[int, str] | None = None
    if spoken:
        spoken_digits = {}
        # Spoken runs are disjoint among themselves: only the digit matches above can overlap them.
        for start, end, digits in find_spoken_numbers(text, limit=limit + len(spans) + 1):
            if overlaps(start, end):
                continue
            if len(digits) == 4 and not _is_short_number_context(text, start, end, digits, known_short):
                continue
            spans.append((start, end, text[start:end]))
            spoken_digits[start] = digits
    if not spans:
        return [], 0
    spans.sort()
    cue_starts = tuple(dict.fromkeys(cue.split()[0] for cue in cues if cue.strip()))  # first word of each cue
    phones: list[PhoneNumber] = []
    seen = 0
    line_no, line_pos = 1, 0
    for start, _end, raw in spans:
        if spoken_digits and start in spoken_digits:
            normalized = normalise_number(spoken_digits[start])
        else:
            normalized = normalise_number(raw)
        if normalized is None:
            continue
        seen += 1
        if len(phones) >= limit:
            continue
        before = fold(text[max(0, start - 80) : start])
        line_no += text.count("\n", line_pos, start)  # spans are sorted: count each stretch once
        line_pos = start
        location = f"{location_prefix}:l.{line_no}"
        phones.append(
            PhoneNumber(
                raw=raw.strip(),
                normalized=normalized,
                is_short=not normalized.startswith("+"),
                role=_role(before, cue_starts),
                context=before[-60:].strip(),
                location=location,
            )
        )
    return phones, seen


def _is_short_number_context(text: str, start: int, end: int, raw: str, known_short: frozenset[str]) -> bool:
    digits = "".join(ch for ch in raw if ch.isdigit())
    after = text[end : end + 8].lstrip().lower()
    if after[:1] in ("€", "%", ",", "$") or after.startswith(("eur", "ans", "km", "h ", "jours", "mois")):
        return False
    before_char = text[start - 1 : start]
    if before_char and (before_char in "€$,." or before_char.isdigit()):
        return False
    if digits in known_short:
        return True
    before = fold(text[max(0, start - 30) : start]).replace("'", " ").split()
    return any(
        w.rstrip(":") in _PHONE_WORDS or w.startswith(("appel", "rappel", "compos", "contact", "joindre"))
        for w in before[-4:]
    )
