"""``extract.phones``: the single pre-scan that settles texts without a number agrees with the three patterns.

``find_phones`` returns early when the alternation of its patterns finds nothing; that is only right if the
alternation finds something exactly when one of the patterns does, on any text (checked here on texts built
from the pieces phone numbers, amounts and dates are made of, and on random text).
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sentinelle.extract.phones import _any_number, _patterns, find_phones

_PIECES = ["0", "1", "3", "6", "9", "00", "33", "+", "(0)", " ", ".", "-", "\n", "€", "é", "a", "le ", "118",
           "3646", "06 12 34 56 78", "+33 6 12 34 56 78", "0033", "2024", ":", "\u00a0", "\u2009"]


def _agrees(text: str) -> None:
    some = any(pattern.search(text) is not None for pattern in _patterns())
    assert (_any_number().search(text) is not None) == some, text


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30))
def test_the_pre_scan_finds_something_exactly_when_a_pattern_does(pieces: list[str]) -> None:
    _agrees("".join(pieces))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_the_pre_scan_agrees_on_random_text(text: str) -> None:
    _agrees(text)


def test_numbers_are_still_found_after_the_pre_scan() -> None:
    phones, seen = find_phones("Appelez le 3646 ou le 06 12 34 56 78, facture 2024-0042 de 30,00 €.",
                               cues=("appelez",), known_short=frozenset(["3646"]), limit=10)
    assert [p.normalized for p in phones] == ["3646", "+33612345678"]
    assert seen == 2
    assert find_phones("Facture 2024-0042 du 12/03/2024 : 30,00 €", cues=(), known_short=frozenset(),
                       limit=10) == ([], 0)
