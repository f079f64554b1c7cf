"""The single-part fast path of the e-mail parser builds the same MIME tree as the standard feed parser.

``parsing.email._single_part`` parses only the header block with the standard library and sets the body in
one piece; these tests compare it with a full ``BytesParser`` parse on hand-picked edge cases and on
messages assembled from hostile pieces (bare carriage returns, missing separators, 8-bit headers...).
"""

from __future__ import annotations

from email import policy
from email.message import Message as MimeMessage
from email.parser import BytesParser
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sentinelle.parsing.email import _single_part


def _state(msg: MimeMessage) -> dict[str, Any]:
    state = dict(vars(msg))
    state["defects"] = [type(d).__name__ for d in msg.defects]
    return state


def _same_as_full_parse(data: bytes) -> bool:
    """True when the fast path took the message (and then asserts it matches the full parse)."""
    fast = _single_part(data, policy.compat32)
    if fast is None:
        return False
    full = BytesParser(policy=policy.compat32).parsebytes(data)
    assert _state(fast) == _state(full)
    return True


@pytest.mark.parametrize(
    "data",
    [
        b"From: a@b.fr\nSubject: Bonjour\n\nCorps du message\nligne 2\n",
        b"From: a@b.fr\r\nSubject: =?utf-8?q?R=C3=A9sum=C3=A9?=\r\n\r\nCorps\r\n\r\nfin",
        b"From someone Mon Jan  1 00:00:00 2024\nFrom: a@b.fr\n\nmbox excerpt\n",
        b"Subject: folded\n header line\nContent-Type: text/html; charset=utf-8\n\n<p>caf\xc3\xa9</p>",
        b"X-Raw: \xe9t\xe9\nSubject: vide\n\n",
        b"Subject: a\r\n\nmixed line ends\r\n",
    ],
)
def test_plain_messages_take_the_fast_path_and_match(data: bytes) -> None:
    assert _same_as_full_parse(data)


@pytest.mark.parametrize(
    "data",
    [
        b"Content-Type: multipart/mixed; boundary=b\n\n--b\n\ntext\n--b--\n",  # multipart: standard parser
        b"Content-Type: message/rfc822\n\nSubject: inner\n\nbody\n",  # nested message
        b"Subject: a\nnot a header line\n\nbody\n",  # missing separator: a defect
        b"Subject: a\rFrom: b\n\nbody\n",  # bare CR ends a line for the feed parser
        b"\nSubject: not a header\n\nbody\n",  # empty header block
        b"Subject: no body at all\n",
        b"Subject: a\nFrom x@y Mon Jan  1\nTo: b\n\nbody\n",  # misplaced envelope line: a defect
        b": no name\nSubject: a\n\nbody\n",  # missing header name: a defect
        b" continued first\nSubject: a\n\nbody\n",  # continuation before any header: a defect
    ],
)
def test_irregular_messages_are_left_to_the_standard_parser(data: bytes) -> None:
    assert _single_part(data, policy.compat32) is None


def test_other_policies_are_left_to_the_standard_parser() -> None:
    assert _single_part(b"Subject: a\n\nbody\n", policy.default) is None


_PIECES = st.sampled_from(
    [
        b"Subject: a\n", b"From: x@y.fr\r\n", b"\n", b"\r\n", b"\r", b" continued\n", b"\tfolded\n",
        b"Content-Type: text/html\n", b"Content-Type: multipart/mixed; boundary=b\n", b"Content-Type: message/rfc822\n",
        b"body text\n", b"no colon here\n", b"From x@y Mon\n", b"From x\r\n", b" \n", b"\xe9: v\n",
        b"X-8bit: \xe9\xff\n", b"--b\n",
        b"Content-Type: text/plain; charset=utf-8\n", b"a:b", b"\x00", b":\n", b"=?utf-8?b?w6k=?=\n",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=14).map(b"".join))
def test_assembled_messages_parse_as_the_standard_parser_does(data: bytes) -> None:
    _same_as_full_parse(data)  # asserts equality whenever the fast path is taken
