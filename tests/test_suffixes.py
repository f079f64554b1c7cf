"""``extract.suffixes.SuffixList`` answers exactly as ``publicsuffixlist`` does, on every rule of the bundled list."""

from __future__ import annotations

import pytest
from publicsuffixlist import PublicSuffixList

from sentinelle.extract.suffixes import SuffixList
from sentinelle.extract.urls import public_suffix_list

REFERENCE = PublicSuffixList(accept_unknown=False)
FAST = SuffixList.from_publicsuffixlist(REFERENCE)


def _names_around_every_rule() -> list[str]:
    """Each rule as written, its name alone, and under one to four more labels (wildcards and exceptions too)."""
    names: list[str] = []
    for rule in sorted(REFERENCE._publicsuffix):
        base = rule.lstrip("!").removeprefix("*.")
        names += [rule, base, f"x.{base}", f"a.b.{base}", f"city.x.{base}", f"www.a.b.c.{base}"]
    return names


def test_every_rule_of_the_list_gives_the_same_answers() -> None:
    names = _names_around_every_rule()
    assert len(names) > 50_000
    differ = [
        n
        for n in names
        if (REFERENCE.publicsuffix(n), REFERENCE.privatesuffix(n)) != (FAST.publicsuffix(n), FAST.privatesuffix(n))
    ]
    assert differ == []


@pytest.mark.parametrize(
    ("name", "public", "private"),
    [
        ("www.ameli.fr", "fr", "ameli.fr"),
        ("AMELI.FR.", "fr", "ameli.fr"),
        ("ameli.fr.secure-verif.com", "com", "secure-verif.com"),
        ("x.gouv.fr", "gouv.fr", "x.gouv.fr"),
        ("city.kobe.jp", "kobe.jp", "city.kobe.jp"),  # exception rule: one label less than the wildcard
        ("a.b.kobe.jp", "b.kobe.jp", "a.b.kobe.jp"),  # wildcard: one label more
        ("kobe.jp", "kobe.jp", None),  # the wildcard's own root is public
        ("ameli-fr.github.io", "github.io", "ameli-fr.github.io"),  # private section
        ("fr", "fr", None),
        ("ameli.invalidtld", None, None),  # unknown ending: no public suffix (accept_unknown=False)
        ("a..fr", None, None),
        ("", None, None),
        (".", None, None),
        ("ameli.fr..", None, None),
        ("пример.рф", "рф", "пример.рф"),  # IDNA rules in both forms
        ("www.xn--e1afmkfd.xn--p1ai", "xn--p1ai", "xn--e1afmkfd.xn--p1ai"),
    ],
)
def test_known_names(name: str, public: str | None, private: str | None) -> None:
    assert (REFERENCE.publicsuffix(name), REFERENCE.privatesuffix(name)) == (public, private)
    assert (FAST.publicsuffix(name), FAST.privatesuffix(name)) == (public, private)


def test_the_shared_list_is_the_fast_one() -> None:
    psl = public_suffix_list()
    assert isinstance(psl, SuffixList)
    assert psl.public_count(["www", "ameli", "fr"]) == 1
    assert psl.public_count(["a", "b", "kobe", "jp"]) == 3
    assert psl.public_count(["ameli", "invalidtld"]) == 0


def test_remembered_answers_stay_bounded_and_right() -> None:
    """Answers are remembered, at most ``MEMO_SIZE`` per question: a stream of distinct names does not grow
    the memory, and a forgotten name is answered again, the same way."""
    from sentinelle.extract import suffixes

    fast = SuffixList.from_publicsuffixlist(REFERENCE)
    names = [f"host{k}.example.co.uk" for k in range(suffixes.MEMO_SIZE + 500)]
    assert [fast.privatesuffix(n) for n in names] == ["example.co.uk"] * len(names)
    assert [fast.publicsuffix(n) for n in names] == ["co.uk"] * len(names)
    assert len(fast._private) == suffixes.MEMO_SIZE
    assert len(fast._public) == suffixes.MEMO_SIZE
    assert fast.privatesuffix(names[0]) == "example.co.uk"
    assert fast.privatesuffix("a..fr") is None
    assert fast.privatesuffix("a..fr") is None  # a remembered "no answer" too
