"""``brand._segment`` (reading a host's letters as vocabulary words) against the textbook backward form.

The forward form skips positions no reading reaches, which is most of a host that does not read; it must choose
the same reading, ties included (fewest words; among equals, the one whose last word starts first).
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sentinelle.brand import _segment


def _backward(piece: str, vocabulary: frozenset[str], max_word: int) -> list[str] | None:
    n = len(piece)
    if n > 63:
        return None
    best: list[list[str] | None] = [None] * (n + 1)
    best[0] = []
    for end in range(1, n + 1):
        for start in range(max(0, end - max_word), end):
            prefix = best[start]
            if prefix is not None and piece[start:end] in vocabulary:
                candidate = [*prefix, piece[start:end]]
                current = best[end]
                if current is None or len(candidate) < len(current):
                    best[end] = candidate
    return best[n]


_LETTERS = st.text(alphabet="abem", min_size=1, max_size=5)


@st.composite
def _cases(draw: st.DrawFn) -> tuple[str, frozenset[str]]:
    """A vocabulary, and a piece mostly made of its words (so that it reads, often in several ways), sometimes
    with a stray letter."""
    words = draw(st.frozensets(_LETTERS, min_size=1, max_size=12))
    parts = draw(st.lists(st.sampled_from(sorted(words)) | st.sampled_from("abem"), max_size=20))
    return "".join(parts), words


@settings(max_examples=1000, deadline=None)
@given(case=_cases())
def test_forward_and_backward_readings_agree(case: tuple[str, frozenset[str]]) -> None:
    piece, words = case
    max_word = max(len(w) for w in words)
    assert _segment(piece, words, max_word) == _backward(piece, words, max_word)


def test_known_readings() -> None:
    vocabulary = frozenset({"ameli", "remboursement", "assure", "compte", "a", "me", "li"})
    assert _segment("ameliremboursement", vocabulary, 13) == ["ameli", "remboursement"]
    assert _segment("assureameli", vocabulary, 13) == ["assure", "ameli"]
    assert _segment("amelix", vocabulary, 13) is None
    # equal counts: the reading whose last word starts first wins, as in the backward form
    tie = frozenset({"ab", "c", "a", "bc"})
    assert _segment("abc", tie, 2) == _backward("abc", tie, 2) == ["a", "bc"]
