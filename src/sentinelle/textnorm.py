"""Text normalisation: undo the tricks that make a scam unreadable to filters but readable to people.

Two steps with different jobs:

* ``clean_text`` produces the text every detector reads: NFKC (full-width letters, ligatures), invisible
  characters removed (zero-width, soft hyphen, bidi controls) and counted, other control characters turned
  into spaces, runs of spaces made one. Scammers insert ``\\u200b`` inside "a\\u200bmeli" precisely so
  that keyword filters miss it.
* ``fold`` maps a cleaned text to a lower-case ASCII *skeleton* of the same length: accents removed,
  homoglyphs (Cyrillic "а", Greek "ο"...) mapped to the Latin letter they imitate, typographic quotes and
  dashes unified. Because the mapping is one character to one character, an offset in the folded text is
  an offset in the cleaned text, so evidence can quote the original words.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

# Invisible characters that change nothing for a reader: zero-width, joiners, word joiner, BOM, soft hyphen,
# Mongolian vowel separator, combining grapheme joiner, invisible math operators, Hangul fillers.
_INVISIBLE = frozenset(
    [0x00AD, 0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180E, 0x3164, 0xFEFF, 0xFFA0]
    + list(range(0x200B, 0x2010))  # ZWSP, ZWNJ, ZWJ, LRM, RLM
    + list(range(0x2060, 0x2065))  # word joiner, invisible operators
)
# Bidirectional controls: they reorder what is displayed ("RLO" attacks on file names and links).
_BIDI = frozenset([0x061C, *range(0x202A, 0x202F), *range(0x2066, 0x206A)])
_KEEP_CONTROLS = frozenset("\n\t")


def _char_class(codepoints: frozenset[int]) -> re.Pattern[str]:
    return re.compile("[" + "".join(re.escape(chr(cp)) for cp in sorted(codepoints)) + "]")


# Single-character classes: scanning with them is linear and runs in C (counting in a Python loop was the
# slowest part of cleaning an SMS).
_INVISIBLE_RE = _char_class(_INVISIBLE)
_BIDI_RE = _char_class(_BIDI)
_CONTROL_RANGES = "\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff"  # not \t or \n (\r is gone by then)
_CONTROL_RE = re.compile(f"[{_CONTROL_RANGES}]")
# All three classes at once: most non-ASCII texts have none, and one scan then replaces three.
_HIDDEN_RE = re.compile(
    "[" + "".join(re.escape(chr(cp)) for cp in sorted(_INVISIBLE | _BIDI)) + _CONTROL_RANGES + "]"
)


@dataclass(frozen=True, slots=True)
class CleanedText:
    """The cleaned text and what cleaning had to do (reported as anomalies by the parser)."""

    text: str
    invisible_removed: int
    bidi_removed: int
    controls_replaced: int


@cache
def _clean_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {cp: None for cp in _INVISIBLE | _BIDI}
    for cp in range(0x20):
        if chr(cp) not in _KEEP_CONTROLS:
            table[cp] = " "
    table[0x7F] = " "
    for cp in range(0x80, 0xA0):
        table[cp] = " "
    for cp in range(0xD800, 0xE000):
        table[cp] = " "
    return table


def clean_text(text: str) -> CleanedText:
    """Return the text detectors read, with counts of what was removed or replaced.

    Line breaks become ``\\n`` (a Windows ``\\r\\n`` is one break, not two, and not a control character).
    Lone surrogates (possible in a Python ``str``, never in real text) are control characters too: left
    in, they make every UTF-8 based library raise. Runs of spaces become one space, so that a replaced
    control character or a double space does not split "carte  vitale" into words no phrase matches.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    invisible = bidi = controls = 0
    if not text.isascii():
        if not unicodedata.is_normalized("NFKC", text):
            text = unicodedata.normalize("NFKC", text)
        if _HIDDEN_RE.search(text):
            invisible = len(_INVISIBLE_RE.findall(text)) if _INVISIBLE_RE.search(text) else 0
            if invisible and "\u200d" in text:
                invisible -= _emoji_joiners(text)
            bidi = len(_BIDI_RE.findall(text)) if _BIDI_RE.search(text) else 0
            controls = len(_CONTROL_RE.findall(text)) if _CONTROL_RE.search(text) else 0
    elif _CONTROL_RE.search(text):
        controls = len(_CONTROL_RE.findall(text))
    if invisible or bidi or controls:
        text = text.translate(_clean_table())
    # Each pass halves every run of spaces (a run of n spaces takes log2(n) passes): ``str.replace`` in C took
    # 30 % less time on the corpus' texts than a regular expression's substitution, built match by match.
    while "  " in text:
        text = text.replace("  ", " ")
    return CleanedText(text, invisible, bidi, controls)


def _is_pictograph(ch: str) -> bool:
    return ch >= "\U0001f000" or "\u2600" <= ch <= "\u27bf" or ch == "\ufe0f" or unicodedata.category(ch) == "So"


def _emoji_joiners(text: str) -> int:
    """Zero-width joiners inside emoji sequences (a family, a profession): legitimate, not a disguise.

    They are not counted as hidden characters. When other hidden characters make ``clean_text`` rewrite the
    text, they go with them (the emoji fall apart, which changes nothing for the detectors); alone, they stay,
    as there is then nothing to rewrite (``tests/test_textnorm.py``).
    """
    count = 0
    index = text.find("\u200d")
    while index != -1:
        if 0 < index < len(text) - 1 and _is_pictograph(text[index - 1]) and _is_pictograph(text[index + 1]):
            count += 1
        index = text.find("\u200d", index + 1)
    return count


_PUNCT_FOLD = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u00b4": "'",
    "`": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2212": "-",
    "\u00a0": " ",
    "\u202f": " ",
    "\u2007": " ",
    "\u2009": " ",
    "\u200a": " ",
    "\u3000": " ",
    "\u20ac": "\u20ac",
}


def _load_confusables() -> dict[str, str]:
    """Single characters that imitate an ASCII letter or digit, from Unicode's confusables table.

    The table is the one shipped by ``confusable-homoglyphs`` (generated from Unicode's confusables.txt).
    Letters are preferred over digits, so Cyrillic "О" folds to "o", not "0".
    """
    raw = resources.files("confusable_homoglyphs").joinpath("confusables.json").read_text("utf-8")
    table: dict[str, list[dict[str, str]]] = json.loads(raw)
    out: dict[str, str] = {}
    for char, homoglyphs in table.items():
        if len(char) != 1 or char.isascii():
            continue
        targets = [h["c"] for h in homoglyphs if len(h["c"]) == 1 and h["c"].isascii() and h["c"].isalnum()]
        letters = [t for t in targets if t.isalpha()]
        if letters or targets:
            out[char] = (letters or targets)[0].lower()
    return out


@cache
def fold_table() -> dict[int, str]:
    """The character map used by ``fold`` (built once, on first use, about 15 ms)."""
    table: dict[int, str] = {cp: chr(cp).lower() for cp in range(ord("A"), ord("Z") + 1)}
    confusables = _load_confusables()
    for cp in range(0x80, 0x2500):
        ch = chr(cp)
        if ch in _PUNCT_FOLD:
            table[cp] = _PUNCT_FOLD[ch]
            continue
        lower = ch.lower()
        lower = lower[0] if lower else ch
        base = unicodedata.normalize("NFD", lower)[0]
        if base.isascii() and base.isalnum():
            table[cp] = base
        elif lower in confusables:
            table[cp] = confusables[lower]
        elif ch in confusables:
            table[cp] = confusables[ch]
        elif lower != ch:
            table[cp] = lower
    for ch, target in _PUNCT_FOLD.items():
        table[ord(ch)] = target
    # Ligatures that NFKC already split never reach here; "ß" has no one-letter form: keep it.
    # The characters of the range left as they are get an entry too: for a character it does not find,
    # str.translate raises and catches a KeyError, several times the cost of a found one ("•", "©").
    for cp in range(0x80, 0x2500):
        table.setdefault(cp, chr(cp))
    return table


# A run of non-ASCII characters, captured: ``split`` alternates ASCII text and such runs.
_NON_ASCII_RUN = re.compile(r"([^\x00-\x7f]+)")


def _fold_ascii(text: str) -> str:
    return text.lower().replace("`", "'")  # what the table does below 128 (A-Z, "`"): same result, at C speed


def fold(text: str) -> str:
    """Lower-case ASCII skeleton of ``text``, same length: ``fold("Аméli") == "ameli"`` (Cyrillic А).

    Only the non-ASCII runs go through the table: ``str.translate`` looks every character up in a dict,
    and the ASCII between them (most of a French text: only its accented letters are not ASCII) is folded
    by ``lower`` instead, about four times faster on the corpus' non-ASCII e-mails.
    """
    if text.isascii():
        return _fold_ascii(text)
    table = fold_table()
    parts = _NON_ASCII_RUN.split(text)
    parts[0::2] = [_fold_ascii(part) for part in parts[0::2]]
    parts[1::2] = [part.translate(table) for part in parts[1::2]]
    return "".join(parts)


def fewer_digits_than(count: int, text: str) -> bool:
    """Whether ``text`` holds fewer than ``count`` ASCII digits: the cheap test that lets a scan for numbers
    (phone numbers, IBAN, NIR, card numbers) skip a text that cannot hold one.

    One ``str.count`` per digit, stopping once ``count`` are seen: each count is a C loop over the text. On the
    corpus texts this beat a regular-expression scan that stops at the ``count``-th digit (2.7 against 4.2 µs at
    13 digits, 1.7 against 2.5 at 4), and deleting the digits with ``str.translate`` was 20 times slower (it
    looks every character up in its table). A text shorter than ``count`` answers by its length.
    """
    if len(text) < count:
        return True
    seen = 0
    for digit in "0123456789":
        seen += text.count(digit)
        if seen >= count:
            return False
    return True
