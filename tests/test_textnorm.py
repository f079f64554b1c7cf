"""clean_text counts each kind of hidden character, also in non-ASCII text where one scan looks for all kinds first;
fold gives the same skeleton whichever way it reads a text."""

from __future__ import annotations

import random

import pytest

from sentinelle.textnorm import clean_text, fewer_digits_than, fold, fold_table


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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Votre CARTE Vitale expire", "votre carte vitale expire"),
        ("Résiliée par l`ASSURANCE Maladie", "resiliee par l'assurance maladie"),
        ("Аmeli", "ameli"),  # Cyrillic А first
        ("AMELİ", "ameli"),  # "İ".lower() is two characters; fold keeps one
        ("«Caf»—Ｘ", '"caf"-Ｘ'),  # beyond the table's range: unchanged (NFKC would have made it X first)
        ("é", "e"),
        ("", ""),
    ],
)
def test_fold_examples(text: str, expected: str) -> None:
    assert fold(text) == expected


def test_fold_is_the_table_character_by_character() -> None:
    """fold reads ASCII and non-ASCII runs differently; the result is still the table applied to each character."""
    table = fold_table()
    rng = random.Random(8)
    pools = [range(0x20, 0x80), range(0x80, 0x2600), range(0xD800, 0xE000), range(0x2500, 0x110000)]
    for _ in range(3000):
        text = "".join(chr(rng.choice(rng.choice(pools))) for _ in range(rng.randint(0, 12)))
        expected = "".join(table.get(ord(ch), ch) for ch in text)
        assert fold(text) == expected, repr(text)
        assert len(fold(text)) == len(text)


@pytest.mark.parametrize(
    ("count", "text", "fewer"),
    [
        (4, "", True),
        (4, "123", True),
        (4, "1234", False),
        (4, "a1b2c3 d", True),
        (4, "tel 0 6 1", True),
        (4, "tel 0 6 1 2", False),
        (13, "1234567890123", False),
        (13, "123456789012", True),
        (13, "FR76 3000 6000 0112", False),  # 14 digits across spaces
        (13, "\u0661\u0662\u0663" * 10, True),  # Arabic-Indic digits are not ASCII digits
        (13, "x" * 10_000 + "1" * 12, True),
    ],
)
def test_fewer_digits_than_counts_ascii_digits(count: int, text: str, fewer: bool) -> None:
    assert fewer_digits_than(count, text) is fewer
    assert fewer is (sum("0" <= ch <= "9" for ch in text) < count)
