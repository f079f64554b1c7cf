"""``parsing.email._ContentFields`` answers MIME's questions exactly as the part's own ``Message`` methods.

The parser reads a part's type, boundary, file name, charset, disposition and transfer encoding from a copy
of its Content-* fields whose parameter lists are parsed once; these tests ask both, in random orders, on
parts whose fields are assembled from hostile pieces (RFC 2231 continuations and charsets, odd quoting,
duplicate fields, missing semicolons, raw 8-bit bytes), parsed by the feed parser itself.
"""

from __future__ import annotations

from collections.abc import Callable
from email import policy
from email.header import Header
from email.message import Message as MimeMessage
from email.parser import BytesParser

from hypothesis import given, reject, settings
from hypothesis import strategies as st

from sentinelle.config import Limits
from sentinelle.parsing.email import _ContentFields, parse_email

_QUESTIONS: dict[str, Callable[[MimeMessage], object]] = {
    "type": lambda m: m.get_content_type(),
    "maintype": lambda m: m.get_content_maintype(),
    "boundary": lambda m: m.get_boundary(),
    "filename": lambda m: m.get_filename(),
    "charset": lambda m: m.get_content_charset(),
    "disposition": lambda m: m.get_content_disposition(),
    "cte": lambda m: m.get("content-transfer-encoding", ""),
    "params": lambda m: m.get_params(),
    "disposition params": lambda m: m.get_params(header="content-disposition"),
}

_NAMES = ["Content-Type", "content-type", "CONTENT-TYPE", "Content-Disposition", "content-disposition",
          "Content-Transfer-Encoding", "Subject", "X-Content-Type", "Received"]
_VALUES = ["text/plain", "text/html", "multipart/mixed", "multipart/alternative", "multipart/digest",
           "application/pdf", "image/png", "text/html charset=utf-8", "text", "a/b/c", "", "attachment",
           "inline", "INLINE", "base64", "quoted-printable", "8bit", "x-unknown", "message/rfc822"]
_PARAMS = ['charset=utf-8', 'charset="ISO-8859-1"', "charset*=utf-8''%e2%82%ac", "charset*=x-bad''abc",
           "charset*=''latin1", 'boundary="=_b=="', "boundary=b1 ", 'boundary="a\\"b"', "boundary*0=ab",
           "boundary*1=cd", 'name="facture.pdf"', "name*=utf-8''f%C3%A9.pdf", 'filename="a;b.exe"',
           "filename*0*=utf-8''%66", 'filename*1="ile.zip"', "filename*=iso-8859-1'fr'%E9t%E9.pdf",
           'filename="unterminated', "filename=", "=x", "x", 'filename="a\\\\b"', "name=\xe9t\xe9.pdf",
           "charset=\xff", "format=flowed", "CHARSET=UTF-8", "Filename=Big.PDF", "boundary="]


@st.composite
def _part(draw: st.DrawFn) -> bytes:
    lines = []
    for _ in range(draw(st.integers(0, 6))):
        name = draw(st.sampled_from(_NAMES))
        value = draw(st.sampled_from(_VALUES))
        params = draw(st.lists(st.sampled_from(_PARAMS), max_size=4))
        separator = draw(st.sampled_from([";", "; ", ";\n ", " ", ";;"]))
        lines.append(name + ": " + separator.join([value, *params]) if params else name + ": " + value)
    return ("\n".join(lines) + "\n\nbody\n").encode("latin-1")


@settings(max_examples=400, deadline=None)
@given(_part(), st.lists(st.sampled_from(sorted(_QUESTIONS)), min_size=1, max_size=8),
       st.sampled_from(["text/plain", "message/rfc822"]))
def test_same_answers_as_the_part_itself(data: bytes, questions: list[str], default_type: str) -> None:
    try:
        part = BytesParser(policy=policy.compat32).parsebytes(data)
    except TypeError:  # the feed parser itself fails on some RFC 2231 mixes (see the test below)
        reject()
    part.set_default_type(default_type)
    fields = _ContentFields(part)
    for question in questions:  # asked in turn, repeats included: the remembered parameters must not drift
        answers = []
        for msg in (part, fields):
            try:
                answer = _QUESTIONS[question](msg)
                # 8-bit values come as Header objects (compared by their text; str() may raise, as both do)
                answers.append(("ok", repr(str(answer) if isinstance(answer, Header) else answer)))
            except Exception as exc:  # the same error must come out of both
                answers.append(("error", type(exc).__name__))
        assert answers[0] == answers[1], (question, data)


def test_rfc2231_file_name_and_charset() -> None:
    data = (b"Content-Type: text/plain; charset*=utf-8''UTF-8; name*=utf-8''f%C3%A9.txt\n"
            b"Content-Disposition: attachment;\n filename*0*=utf-8''%C3%A9t;\n filename*1=\"e.pdf\"\n\nx\n")
    fields = _ContentFields(BytesParser(policy=policy.compat32).parsebytes(data))
    assert fields.get_filename() == "\u00e9te.pdf"
    assert fields.get_content_charset() == "utf-8"
    assert fields.get_content_disposition() == "attachment"
    assert fields.get_filename() == "\u00e9te.pdf"  # asked again: same answer from the remembered parameters


def test_only_the_first_field_counts_and_other_fields_are_left_out() -> None:
    data = (b"Subject: x\nContent-Type: text/html; charset=latin1\nContent-Type: text/plain; charset=utf-8\n"
            b"Content-Transfer-Encoding: base64\n\nx\n")
    part = BytesParser(policy=policy.compat32).parsebytes(data)
    fields = _ContentFields(part)
    assert fields.get_content_type() == "text/html"
    assert fields.get_content_charset() == "latin1"
    assert fields.get("content-transfer-encoding") == "base64"
    assert fields.get("subject") is None


def test_a_boundary_the_standard_library_cannot_read_is_an_anomaly_not_a_crash() -> None:
    # "boundary*0*" next to "boundary*": email.utils.decode_params sorts None with an int and raises TypeError,
    # in the feed parser as in the fast path's get_boundary.
    data = (b"From: a@b.fr\nSubject: x\nContent-Type: multipart/mixed;boundary*0*=utf-8''%66;"
            b"boundary*=iso-8859-1'fr'%E9t%E9\n\n--f\n\nbonjour\n--f--\n")
    msg = parse_email(data, limits=Limits(), callback_cues=(), known_short=frozenset())
    assert [a.params for a in msg.anomalies if a.code == "MIME_UNPARSABLE"] == [{"error": "TypeError"}]
    assert "bonjour" in msg.text
