"""The fast path of the e-mail parser builds the same MIME tree as the standard feed parser.

``parsing.email._single_part`` reads single parts and flat multiparts itself (the feed parser's header rule,
bodies cut at delimiter lines); these tests compare it with a full ``BytesParser`` parse on hand-picked
edge cases and on messages assembled from hostile pieces (bare carriage returns, missing separators, 8-bit
headers, stray and doubled delimiters, digests, nesting...).
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
    if isinstance(msg._payload, list):  # type: ignore[attr-defined]  # compat32 keeps the parts there
        state["_payload"] = [_state(part) for part in msg._payload]  # type: ignore[attr-defined]
    return state


def _nested(levels: int) -> bytes:
    """A message of ``levels`` multiparts, each holding a text part and the next multipart."""
    head = b"".join(b"Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n\ntext %d\n--b%d\n" % (k, k, k, k)
                    for k in range(levels))
    return head + b"\nlast\n" + b"".join(b"--b%d--\n" % k for k in reversed(range(levels)))


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
        b"Content-Type: multipart/alternative; boundary=b\n\npreamble\n--b\nContent-Type: text/plain\n\nplain\n"
        b"--b\nContent-Type: text/html\n\n<p>html</p>\n--b--\nepilogue\n",
        b"Content-Type: multipart/mixed;\r\n boundary=\"=_x\"\r\n\r\n--=_x  \r\n\r\nno headers\r\n--=_x--",
        b"Content-Type: multipart/mixed; boundary=b\n\n--b\n\n--bx is text\n --b too\n\n--b--\n",
        b"Content-Type: multipart/mixed; boundary=b\n\n--b\n\ntext\n--b--\n",
        # CRLF header values: empty, blank, folded onto blank lines (the value keeps its inner CRLFs)
        b"Subject:\r\n \r\nX-Empty: \r\nX-Fold: a \r\n\tb\r\n \r\nX-Tab:\t\r\n\r\nbody\r\n",
        # nested multiparts: a nested epilogue loses its last line break (an empty one becomes None)
        b"Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: multipart/alternative; boundary=c\n\n"
        b"--c\n\nx\n--c--\n--b--\n",
        b"Content-Type: multipart/mixed; boundary=b\r\n\r\npre\r\n--b\r\nContent-Type: multipart/related;"
        b" boundary=c\r\n\r\n--c\r\n\r\nx\r\n--c--\r\nafter c\r\n\r\n--b\r\n\r\nlast\r\n--b--\r\nepi",
        _nested(8),
    ],
)
def test_plain_messages_take_the_fast_path_and_match(data: bytes) -> None:
    assert _same_as_full_parse(data)


@pytest.mark.parametrize(
    "data",
    [
        b"Content-Type: message/rfc822\n\nSubject: inner\n\nbody\n",  # nested message
        b"Subject: a\nnot a header line\n\nbody\n",  # missing separator: a defect
        b"Subject: a\rFrom: b\n\nbody\n",  # bare CR ends a line for the feed parser
        b"\nSubject: not a header\n\nbody\n",  # empty header block
        b"Subject: no body at all\n",
        b"Subject: a\nFrom x@y Mon Jan  1\nTo: b\n\nbody\n",  # misplaced envelope line: a defect
        b": no name\nSubject: a\n\nbody\n",  # missing header name: a defect
        b" continued first\nSubject: a\n\nbody\n",  # continuation before any header: a defect
        b"Content-Type: multipart/mixed; boundary=b\n\n--b\n\ntext\n",  # no closing delimiter: a defect
        b"Content-Type: multipart/mixed; boundary=b\n\n--b--\n",  # closed before it opened: a defect
        b"Content-Type: multipart/mixed; boundary=b\n\n--b\n--b\n\nx\n--b--\n",  # delimiters in a row
        b"Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: multipart/alternative; boundary=c\n\n"
        b"--c\n\nx\n--b--\n",  # the nested part is cut by the enclosing delimiter before its own closes
        b"Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: multipart/alternative; boundary=c\n"
        b"Content-Transfer-Encoding: base64\n\n--c\n\nx\n--c--\n--b--\n",  # encoded nested multipart: a defect
        b"Content-Type: multipart/mixed; boundary=\"a\n b\"\n\n--a\n b\n\nx\n--a\n b--\n",  # folded boundary
        _nested(9),  # deeper than the fast path reads
        b"Content-Type: multipart/digest; boundary=b\n\n--b\n\nx\n--b--\n",  # parts default to messages
        b"Content-Type: multipart/mixed; boundary=b\nContent-Transfer-Encoding: base64\n\n--b\n\nx\n--b--\n",
        b"Content-Type: multipart/mixed\n\n--b\n\nx\n--b--\n",  # no boundary parameter
        # header lines the fast path leaves to the feed parser (defects for it, but the empty name), wherever they are
        b"Subject: a\nbad line: x\n\nbody\n",  # a blank in a name
        b" leading continuation\nSubject: a\n\nbody\n",
        b"From x Mon\nFrom y Tue\nSubject: a\n\nbody\n",  # a second "From " line
        b"Subject: a\n\x01bad: x\n\nbody\n",  # a control character in a name
        b"Subject: a\r\nX: b\r\n: empty name\r\n\r\nbody\r\n",
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
        b"X-Empty:\r\n", b" \r\n", b"\t\r\n", b"X-Blank: \t\r\n", b"Y: v \r\n",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=14).map(b"".join))
def test_assembled_messages_parse_as_the_standard_parser_does(data: bytes) -> None:
    _same_as_full_parse(data)  # asserts equality whenever the fast path is taken


_LINES = st.sampled_from(
    [b"text\n", b"\n", b"\r\n", b"--b\n", b"--b--\n", b"-- b\n", b"--bb\n", b"x--b\n", b"Subject: z\n", b" cont\n",
     b"\xe9\xff\n", b"end", b"--b", b"\r", b"--c\n", b"--c--\n", b"--c--", b"\n--c\n\nnested\n"]
)
_PART_HEADERS = st.sampled_from(
    [b"Content-Type: text/plain\n", b"Content-Type: text/html; charset=utf-8\r\n",
     b"Content-Transfer-Encoding: base64\n", b"Content-Disposition: attachment; filename=a.pdf\n", b" folded\n",
     b"X: y\n", b"From x\n", b"bad\n",
     b"Content-Type: multipart/alternative; boundary=c\n", b"Content-Type: message/rfc822\n"]
)
_PART = st.tuples(
    st.lists(_PART_HEADERS, max_size=3), st.sampled_from([b"\n", b"\r\n", b""]), st.lists(_LINES, max_size=5)
)
_ROOTS = st.sampled_from(
    [b"Content-Type: multipart/mixed; boundary=b\n", b"Content-Type: multipart/alternative;\n boundary=\"b\"\r\n",
     b"Content-Type: multipart/mixed; boundary=b\nContent-Transfer-Encoding: base64\n",
     b"Content-Type: multipart/digest; boundary=b\n"]
)


@settings(max_examples=300, deadline=None)
@given(
    _ROOTS,
    st.lists(_LINES, max_size=3),
    st.lists(st.tuples(st.sampled_from([b"--b\n", b"--b\r\n", b"--b  \n", b"--b\t\r\n"]), _PART), max_size=4),
    st.sampled_from([b"--b--\n", b"--b--", b"--b-- \r\n", b"--b--\r\n", b""]),
    st.lists(_LINES, max_size=3),
)
def test_assembled_multiparts_parse_as_the_standard_parser_does(
    root: bytes,
    preamble: list[bytes],
    parts: list[tuple[bytes, tuple[list[bytes], bytes, list[bytes]]]],
    closing: bytes,
    epilogue: list[bytes],
) -> None:
    body = b"".join(delim + b"".join(heads) + blank + b"".join(lines) for delim, (heads, blank, lines) in parts)
    _same_as_full_parse(root + b"Subject: s\n\n" + b"".join(preamble) + body + closing + b"".join(epilogue))


def _multipart_body(boundary: bytes, lines: st.SearchStrategy[bytes],
                    parts: st.SearchStrategy[bytes]) -> st.SearchStrategy[bytes]:
    """Preamble, delimited parts, closing delimiter (or not) and epilogue of a multipart body."""
    delimiters = st.sampled_from([b"--%s\n" % boundary, b"--%s\r\n" % boundary, b"--%s \n" % boundary])
    closings = st.sampled_from([b"--%s--\n" % boundary, b"--%s--\r\n" % boundary, b"--%s-- \n" % boundary, b""])
    return st.tuples(
        st.lists(lines, max_size=2), st.lists(st.tuples(delimiters, parts), max_size=3), closings,
        st.lists(lines, max_size=2),
    ).map(lambda t: b"".join(t[0]) + b"".join(d + p for d, p in t[1]) + t[2] + b"".join(t[3]))


_INNER_LEAF = _PART.map(lambda p: b"".join(p[0]) + p[1] + b"".join(p[2]))
_INNER_TYPES = st.sampled_from([b"Content-Type: multipart/alternative; boundary=c\n",
                                b"Content-Type: multipart/related;\r\n boundary=\"c\"\r\n"])
_NESTED = st.tuples(_INNER_TYPES, st.sampled_from([b"\n", b"\r\n"]), _multipart_body(b"c", _LINES, _INNER_LEAF))
_OUTER_PARTS = st.one_of(_INNER_LEAF, _NESTED.map(b"".join))


@settings(max_examples=600, deadline=None)
@given(_ROOTS, _multipart_body(b"b", _LINES, _OUTER_PARTS))
def test_assembled_nested_multiparts_parse_as_the_standard_parser_does(root: bytes, body: bytes) -> None:
    _same_as_full_parse(root + b"Subject: s\n\n" + body)
