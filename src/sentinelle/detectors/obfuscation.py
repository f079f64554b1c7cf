"""Text disguise: invisible characters and words mixing alphabets.

Scammers write "a\u200bmeli" or "аmeli" (Cyrillic а) so that keyword filters miss the word while a person
reads it normally. The cleaned text no longer contains the invisible characters (the other detectors see
"ameli"), but their presence is itself evidence. Known false positives: emoji sequences use the zero-width
joiner legitimately, so a single one is ignored; Russian or Greek text is not flagged unless a word mixes
scripts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import ClassVar

import re2

from ..model import Evidence, Kind, Message
from .base import Context, register

_CONFUSABLE_SCRIPTS = re2.compile(r"[\x{0370}-\x{03FF}\x{0400}-\x{04FF}\x{0500}-\x{052F}]")
# A word as ``str.split`` cuts them (its white space: ASCII blanks, \x1c-\x1f, \x85 and the Unicode separators)
# holding a Greek or Cyrillic letter; RE2, so linear on a megabyte without a blank.
_WORD_CHAR = r"[^\s\pZ\x{0B}\x{1C}-\x{1F}\x{85}]"
_WORDS_WITH_CONFUSABLE = re2.compile(f"{_WORD_CHAR}*[\\x{{0370}}-\\x{{052F}}]{_WORD_CHAR}*")
_MAX_WORDS_REPORTED = 3


def _is_latin_letter(ch: str) -> bool:
    return ch.isascii() and ch.isalpha() or "\u00c0" <= ch <= "\u024f"


@register
class TextObfuscation:
    """Emits HIDDEN_CHARACTERS and MIXED_SCRIPT_WORD."""

    id: ClassVar[str] = "text.obfuscation"
    applies_to: ClassVar[frozenset[Kind]] = frozenset(
        {Kind.SMS, Kind.EMAIL, Kind.CALL, Kind.VOICEMAIL, Kind.WEBPAGE, Kind.IMAGE}
    )
    signals: ClassVar[Mapping[str, str]] = {
        "HIDDEN_CHARACTERS": "invisible characters were inserted in the text",
        "MIXED_SCRIPT_WORD": "a word mixes Latin letters with look-alike letters of another alphabet",
    }

    def detect(self, msg: Message, ctx: Context) -> Iterable[Evidence]:
        if msg.hidden_characters >= 2 and msg.text.strip():
            yield Evidence(
                self.id,
                "HIDDEN_CHARACTERS",
                observed=(str(msg.hidden_characters),),
                params={"count": str(msg.hidden_characters)},
            )
        text = ctx.text
        if not _CONFUSABLE_SCRIPTS.search(text):
            return
        mixed: list[str] = []
        # Only the words holding a Greek or Cyrillic letter are looked at letter by letter: a Russian spam
        # is thousands of words, and the check is per letter.
        for word in _WORDS_WITH_CONFUSABLE.findall(text):
            if len(word) > 64:
                continue
            if any(_is_latin_letter(c) for c in word):
                mixed.append(word.strip(".,;:!?()«»\"'"))
                if len(mixed) >= _MAX_WORDS_REPORTED:
                    break
        if mixed:
            yield Evidence(self.id, "MIXED_SCRIPT_WORD", observed=tuple(mixed))
