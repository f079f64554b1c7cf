"""``_Builder.collect_headers`` gives the fields of the plain per-field reading, whichever way it takes.

Headers whose values are all ASCII are read in a few passes over the joined values (``_ascii_headers``);
the reference below is the per-field loop it replaced, kept here only to compare with. Both are run on
generated hostile fields (folds with CR, LF and the other line breaks ``str.splitlines`` honours, NUL, encoded
words broken or not, raw 8-bit bytes, empty values) and on every e-mail of the shared corpus.
"""

from __future__ import annotations

from email import policy
from email.message import Message as MimeMessage
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sentinelle.config import Limits
from sentinelle.model import Anomaly
from sentinelle.parsing.email import _PARSE_POLICY, DEFAULT_EMAIL_LIMITS, _Builder, _unfold
from sentinelle.parsing.html import fix_surrogates

_CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "email"


def _reference_fields(msg: MimeMessage) -> tuple[list[tuple[str, str, str]], list[Anomaly]]:
    """The per-field reading (compat32): each field unfolded, cleaned and decoded on its own."""
    builder = _Builder(Limits(), DEFAULT_EMAIL_LIMITS)
    out: list[tuple[str, str, str]] = []
    items = list(msg.raw_items())
    if len(items) > DEFAULT_EMAIL_LIMITS.max_headers:
        builder.add("HEADERS_TRUNCATED", limit=DEFAULT_EMAIL_LIMITS.max_headers)
        items = items[: DEFAULT_EMAIL_LIMITS.max_headers]
    for name, value in items:
        if isinstance(value, str) and value.isascii() and "\x00" not in value:
            plain = "".join(value.splitlines()) if "\n" in value or "\r" in value else value
            if "=?" not in plain:
                out.append((name, plain, plain))
                continue
        name = fix_surrogates(str(name)).replace("\x00", "")
        raw = fix_surrogates(_unfold(str(value))).replace("\x00", "")
        out.append((name, builder.decode_words(raw, name), raw))
    return out, builder.anomalies


def _fields(msg: MimeMessage) -> tuple[list[tuple[str, str, str]], list[Anomaly]]:
    builder = _Builder(Limits(), DEFAULT_EMAIL_LIMITS)
    found = builder.collect_headers(msg)
    return list(zip(found.names, found.values, found.raws, strict=True)), builder.anomalies


_VALUE_PIECES = st.sampled_from(
    ["plain", " ", "\t", "\r\n ", "\n\t", "\r\n", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x00",
     "=?utf-8?b?w6k=?=", "=?utf-8?q?caf=C3=A9?=", "=?iso-8859-1?q?=E9t=E9?=", "=?bad?x?zz?=", "=?utf-8?b?###?=",
     "=", "?", "=?", "?=", "\udce9\udcff", "é", "a@b.fr", "<x@y.fr>", '"Nom"', ";", ":"]
)
_NAMES = st.sampled_from(["Subject", "From", "To", "Cc", "X-MS-Exchange-AntiSpam-X", "Received", "X-\udce9", "N\x00M"])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(_NAMES, st.lists(_VALUE_PIECES, max_size=8).map("".join)), max_size=8))
def test_generated_fields_read_as_the_per_field_loop(fields: list[tuple[str, str]]) -> None:
    msg = MimeMessage(policy=_PARSE_POLICY)
    for name, value in fields:
        msg.set_raw(name, value)
    assert _fields(msg) == _reference_fields(msg)


def test_a_value_that_is_not_a_string_takes_the_general_loop() -> None:
    msg = MimeMessage(policy=policy.compat32)
    msg.set_raw("Subject", "a")
    msg.set_raw("X-Count", 3)  # type: ignore[arg-type]  # what a program may leave in a message
    assert _fields(msg) == ([("Subject", "a", "a"), ("X-Count", "3", "3")], [])


def test_too_many_fields_are_cut_and_said() -> None:
    msg = MimeMessage(policy=policy.compat32)
    for k in range(DEFAULT_EMAIL_LIMITS.max_headers + 5):
        msg.set_raw(f"X-{k}", "=?utf-8?q?v?=" if k % 7 == 0 else "v")
    fields, anomalies = _fields(msg)
    assert (fields, anomalies) == _reference_fields(msg)
    assert len(fields) == DEFAULT_EMAIL_LIMITS.max_headers
    assert [a.code for a in anomalies] == ["HEADERS_TRUNCATED"]


@pytest.mark.skipif(not _CORPUS.is_dir(), reason="the shared corpus is not here")
def test_corpus_headers_read_as_the_per_field_loop() -> None:
    files = sorted(f for d in ("ham", "phish", "phish_fr") if (_CORPUS / d).is_dir() for f in (_CORPUS / d).iterdir())
    assert files
    for path in files:
        builder = _Builder(Limits(), DEFAULT_EMAIL_LIMITS)
        root = builder.parse_tree(path.read_bytes(), _PARSE_POLICY)
        assert _fields(root) == _reference_fields(root), path.name
