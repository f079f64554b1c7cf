"""clean_text counts each kind of hidden character, also in non-ASCII text where one scan looks for all kinds first."""

from __future__ import annotations

import pytest

from sentinelle.textnorm import clean_text


@pytest.mark.parametrize(
    ("text", "expected", "counts"),
    [
        ("améli\u200b.fr", "améli.fr", (1, 0, 0)),
        ("améli\u202e.fr", "améli.fr", (0, 1, 0)),
        ("améli\x01fr", "améli fr", (0, 0, 1)),
        ("améli\x9ffr", "améli fr", (0, 0, 1)),
        ("am\ud800éli", "am éli", (0, 0, 1)),
        ("a\u200bm\u2066é\x0bli", "amé li", (1, 1, 1)),
        ("ascii\x7fonly", "ascii only", (0, 0, 1)),
        ("déjà propre", "déjà propre", (0, 0, 0)),
        # An emoji's joiner is not counted; alone, it is not worth rewriting the text either (as before).
        ("famille \U0001f468\u200d\U0001f469 é", "famille \U0001f468\u200d\U0001f469 é", (0, 0, 0)),
        ("\U0001f468\u200d\U0001f469 \u200b é", "\U0001f468\U0001f469 é", (1, 0, 0)),
    ],
)
def test_hidden_characters_counted_by_kind(text: str, expected: str, counts: tuple[int, int, int]) -> None:
    cleaned = clean_text(text)
    assert cleaned.text == expected
    assert (cleaned.invisible_removed, cleaned.bidi_removed, cleaned.controls_replaced) == counts
