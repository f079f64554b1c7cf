"""The speed-ups of the lookalike screen change no answer: the ASCII split, the typo pre-filter, the memo.

Each test compares the fast code with a plain reference written here from the definitions (the original
``publicsuffixlist`` lookup, every official domain tried for a typing error, a fresh index with no memory).
"""

from __future__ import annotations

import itertools
import string

import idna
import pytest
from publicsuffixlist import PublicSuffixList

import sentinelle
from sentinelle import lookalike
from sentinelle.lookalike import LookalikeIndex, Resemblance, _skeleton, split_host
from sentinelle.textnorm import fold

REFERENCE_PSL = PublicSuffixList(accept_unknown=False)
ALPHABET = string.ascii_lowercase + string.digits + "-"


@pytest.fixture(scope="module")
def index() -> LookalikeIndex:
    return LookalikeIndex(sentinelle.Engine().knowledge.profiles)


def reference_split(host: str) -> tuple[list[str], str] | None:
    """``split_host`` as first written: every name through ``publicsuffixlist`` itself."""
    host = host.strip().rstrip(".")
    if not host or ":" in host or "[" in host or "/" in host or "@" in host:
        return None
    labels = [label[:64] for label in host.split(".")[-8:]]
    if not all(labels):
        return None
    if "xn--" in host.lower():
        try:
            labels = [idna.decode(x) if x.lower().startswith("xn--") else x for x in labels]
        except (idna.IDNAError, UnicodeError, ValueError):
            return None
    lower = ".".join(labels).lower()
    if lower.replace(".", "").isdigit():
        return None
    suffix = REFERENCE_PSL.publicsuffix(lower)
    if not suffix or suffix == lower:
        return None
    n_suffix = suffix.count(".") + 1
    return None if len(labels) <= n_suffix else (labels[:-n_suffix], suffix)


def one_edit_variants(label: str) -> set[str]:
    """Every label one replacement, insertion, omission or swap away from ``label`` (alphabet a-z, 0-9, -)."""
    out = {label[:i] + label[i + 1 :] for i in range(len(label))}
    out |= {label[:i] + label[i + 1] + label[i] + label[i + 2 :] for i in range(len(label) - 1)}
    for i, ch in itertools.product(range(len(label) + 1), ALPHABET):
        out.add(label[:i] + ch + label[i:])
        if i < len(label):
            out.add(label[:i] + ch + label[i + 1 :])
    return {v for v in out if v and not v.startswith("-") and not v.endswith("-")}


HOSTS = [
    "www.ameli.fr",
    "AMELI.FR",
    "Ameli.Fr.",
    "x.city.kobe.jp",
    "ameli.kobe.jp",
    "a.b.c.d.e.f.g.h.i.j.ameli.com",  # more than 8 labels: the last 8 are read
    "a..b.c.d.e.f.g.h.i.j.com",  # an empty label outside the last 8
    "a..b.com",
    "1.2.3.4",
    "1.2.3.4.fr",
    "x" * 100 + ".ameli" + "y" * 70 + ".fr",  # labels longer than 64 characters
    "ameli.fr.secure-verif.com",
    "ameli-fr.github.io",
    "github.io",
    "ameli.unknowntld",
    "XN--AMLI-W4D.FR",
    "xn--amli-w4d.fr",
    "xn--zzzz.fr",
    "amеli.fr",
    "[::1]",
    "ameli.fr:443",
    "",
    " ameli.fr ",
]


@pytest.mark.parametrize("host", HOSTS)
def test_split_host_answers_as_publicsuffixlist(host: str) -> None:
    assert split_host(host) == reference_split(host)


def test_split_host_on_generated_names_answers_as_publicsuffixlist() -> None:
    endings = ["fr", "com", "gouv.fr", "co.uk", "kobe.jp", "city.kobe.jp", "github.io", "blogspot.com", "zz"]
    names = [
        f"{p}{label}.{e}" for p in ("", "www.", "A.b.") for label in ("ameli", "x-y", "0", "Amel1") for e in endings
    ]
    assert [split_host(n) for n in names] == [reference_split(n) for n in names]


def exhaustive_typo(index: LookalikeIndex, host: str) -> Resemblance | None:
    """The typing-error check against every official domain, without the two-letter pre-filter."""
    parts = split_host(host)
    assert parts is not None
    labels, suffix = parts
    raw = labels[-1]
    folded = fold(raw)
    skel = _skeleton(folded)
    for off in index.officials:
        found = LookalikeIndex._typo(off, raw, folded, skel, suffix)
        if found:
            return found
    return None


def test_typo_prefilter_never_hides_a_typo(index: LookalikeIndex) -> None:
    """Every one-edit variant of every official label, under its own ending and another one."""
    typos = (
        lookalike.TRANSPOSITION,
        lookalike.REPETITION,
        lookalike.OMISSION,
        lookalike.INSERTION,
        lookalike.REPLACEMENT,
    )
    checked = found = 0
    for off in index.officials:
        for variant in sorted(one_edit_variants(off.label)):
            for suffix in (off.suffix, "com"):
                host = f"{variant}.{suffix}"
                got = index.resemblance(host)
                if got is not None and got.technique not in typos:
                    continue  # decided before the typo check (skeleton equality, glued ending)
                assert got == exhaustive_typo(index, host), host
                checked += 1
                found += got is not None
    assert checked > 5_000  # the loop really compared typos
    assert found > 1_000


def test_memo_gives_the_answers_of_a_fresh_index(monkeypatch: pytest.MonkeyPatch) -> None:
    profiles = sentinelle.Engine().knowledge.profiles
    hosts = [*HOSTS, "amelir.fr", "www.amelir.fr", "n1.amelir.fr", "amelie.com", "arneli.fr", "aemli.com"] * 3
    monkeypatch.setattr(lookalike, "_MEMO_SIZE", 4)  # cleared again and again on the way
    monkeypatch.setattr(lookalike, "_HOST_MEMO_SIZE", 3)  # the whole-host memo too
    index = LookalikeIndex(profiles)
    answers = [index.resemblance(h) for h in hosts]
    assert len(index._memo) <= 4
    assert 0 < len(index._host_memo) <= 3
    assert answers == [LookalikeIndex(profiles).resemblance(h) for h in hosts]
    assert answers[HOSTS.__len__()] is not None  # amelir.fr: a confirmed lookalike, remembered and found


def test_host_memo_keeps_dns_names_only() -> None:
    """A "host" longer than a DNS name is answered but not remembered: the memo's memory stays bounded."""
    index = LookalikeIndex(sentinelle.Engine().knowledge.profiles)
    long_host = "a" * 300 + ".fr"
    assert index.resemblance(long_host) is None
    assert index.resemblance("amelir.fr") is not None
    assert long_host not in index._host_memo
    assert "amelir.fr" in index._host_memo
