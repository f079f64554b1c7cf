"""E-mail (RFC 5322 / MIME) -> ``Message``: lenient, bounded, and faithful to what the reader sees.

The standard library parses the MIME tree; everything around it is written for hostile input:

* **Policy.** The tree is parsed with ``email.policy.compat32`` and the headers are decoded here (RFC 2047
  encoded words, raw 8-bit bytes as UTF-8 or Windows-1252). ``policy.default`` gives the same strings but
  parses every header into a syntax tree: on the corpus the whole parse costs four times as much with it
  (3.8 ms against 0.93 ms per message, ``benchmarks/bench_email_parse.py``), and its header parser raised
  ``IndexError`` on the Message-ID of one phishing mail. Its per-header defects (obsolete syntax and the
  like) are mostly noise for fraud detection; the structural defects (missing boundaries, broken base64)
  are recorded by both policies and become anomalies here.
* **Bounds.** Input bytes, MIME depth, part count, part size, HTML size, header count, links and numbers
  are capped (``EmailLimits`` and ``config.Limits``); each cut is an anomaly. The tree is walked with an
  explicit stack: ``Message.walk()`` recurses and would hit the recursion limit on a message nested
  thousands deep. The stdlib feed parser itself recurses on nesting and re-tests every line against every
  open boundary (time grows with depth x lines), so nesting is estimated before parsing with a linear
  scan; a message nested deeper than the limit is read as headers plus raw text (``MIME_TOO_DEEP``).
* **What the reader sees.** ``text`` prefers the HTML alternative (what mail clients display) rendered
  to text with selectolax (``parsing/html.py``, shared with web pages), plus every plain-only part.
  Links keep their displayed text: the seed's core trick is an anchor that *shows* ``www.ameli.fr``
  and *goes* elsewhere. Attachments are typed by their first bytes, never by their
  (attacker-chosen) name or declared content type.

Nothing here raises on content: what cannot be read becomes an ``Anomaly``.
"""

from __future__ import annotations

import binascii
import hashlib
import re
from dataclasses import dataclass, replace
from email import errors as email_errors
from email import policy as email_policy
from email.header import decode_header, make_header
from email.message import Message as MimeMessage
from email.parser import BytesParser
from email.policy import Policy
from functools import lru_cache
from urllib.parse import unquote

from ..config import Limits
from ..extract.phones import find_phones, normalise_number
from ..extract.urls import find_links, make_link
from ..media.qr import url_of
from ..model import Anomaly, Attachment, Kind, Link, LinkSource, Message, PhoneNumber, PhoneRole, Sender
from ..textnorm import clean_text
from .attachments import (
    MAX_ARCHIVE_MEMBERS,
    MAX_PICTURES,
    MediaFindings,
    archive_members,
    is_picture,
    pdf_findings,
    pdf_links,
    picture_findings,
    picture_text,
)
from .decode import text_codec
from .html import HtmlView, flatten_html, html_to_text
from .html import deepest as _deepest
from .html import fix_surrogates as _fix_surrogates
from .html import html_depth as _html_depth

__all__ = ["DEFAULT_EMAIL_LIMITS", "EmailLimits", "HtmlView", "detect_file_type", "flatten_html",
           "html_to_text", "parse_email", "split_mailbox"]


@dataclass(frozen=True, slots=True)
class EmailLimits:
    """Bounds specific to MIME structure. Each one is a place where a hostile message is cut, and says so."""

    max_parts: int = 1000  # MIME parts visited; more is MIME_TOO_MANY_PARTS
    max_depth: int = 50  # nesting of multipart / message parts; deeper is MIME_TOO_DEEP
    max_part_bytes: int = 20 * 1024 * 1024  # decoded bytes of one part read as text (hashes use all bytes)
    max_html_chars: int = 2_000_000  # characters of one HTML part given to the HTML parser
    max_html_depth: int = 256  # estimated element nesting; deeper HTML is flattened first (HTML_TOO_DEEP)
    max_headers: int = 500  # header fields kept in ``Message.headers``
    max_defects: int = 100  # MIME_DEFECT anomalies recorded; the rest are counted in MIME_DEFECTS_TRUNCATED
    max_address_chars: int = 4096  # characters of a From/To/Cc value parsed for addresses
    max_recipients: int = 1000
    max_attachment_text_chars: int = 100_000  # text kept from an HTML or text attachment


DEFAULT_EMAIL_LIMITS = EmailLimits()

# The policy the MIME tree is parsed with; the module docstring says why it is not policy.default.
_PARSE_POLICY: Policy = email_policy.compat32
_BASE64_DEFECTS = (
    email_errors.InvalidBase64PaddingDefect,
    email_errors.InvalidBase64CharactersDefect,
    email_errors.InvalidBase64LengthDefect,
)
# Machine blobs wrapped in encoded words (kilobytes each on Microsoft 365 mail): decoding them yields
# binary noise and was half of the header decoding time on the corpus, so they are kept as received.
_OPAQUE_HEADERS = ("x-microsoft-antispam", "x-ms-exchange-antispam")
_KNOWN_CTE = frozenset(["", "7bit", "8bit", "binary", "base64", "quoted-printable",
                        "x-uuencode", "uuencode", "uue", "x-uue"])
# Codecs that are not character sets, or whose decoders are slow on long input (punycode is quadratic):
# a declared charset must never turn into a denial of service.
_REFUSED_CODECS = frozenset(["idna", "punycode", "raw-unicode-escape", "unicode-escape", "undefined"])
_CHARSET_ALIASES = {"iso-8859-8-i": "iso8859_8", "iso-8859-6-i": "iso8859_6", "x-mac-roman": "mac_roman",
                    "unicode-1-1-utf-7": "utf_7", "x-user-defined": "cp1252", "utf8mb4": "utf_8",
                    "x-sjis": "shift_jis", "x-euc-jp": "euc_jp"}
# A boundary declaration (``boundary=``, RFC 2231 ``boundary*0=``) or a closing delimiter line ``--b--``.
_DECLARATION = re.compile(rb"boundary\*?[0-9]*\*?\s*=|^--[^\r\n]{0,200}?--[ \t]*\r?$",
                          re.IGNORECASE | re.MULTILINE)

# Pictures read by OCR (``Limits.email_picture_ocr``): only when the e-mail's own text has fewer words than
# this, and only pictures of this many bytes or more (logos, pixels and icons are smaller).
_FEW_WORDS = 40
_MIN_OCR_BYTES = 8_000
# The empty line that ends a header block (after a LF or CRLF line end).
_HEADER_END_TEXT = re.compile(r"\n\r?\n")
# The fields of a header block the feed parser reads without a defect (its ``headerRE`` line by line), after an
# optional Unix "From " line: each a name of printable characters but the colon, its value, and its continuation
# lines (starting with a blank). Any other line is matched whole by the second branch with empty groups, so
# ``findall`` reads the block in one pass, never skipping a character (it replaces a validating ``fullmatch``
# of the whole block: a third fewer instructions on the corpus), and a ("", "") item marks a block the feed
# parser would record a defect for. ``[^\n]`` rather than ``[^\r\n]``: ``re`` runs a single excluded
# character as a tight loop and a class as a call per character (twice the instructions on a header block).
_HEADER_FIELD = re.compile(r"([\041-\071\073-\176]+):[ \t]*([^\n]*(?:\n[ \t][^\n]*)*)\n|[^\n]*\n")
_NOT_A_FIELD = ("", "")
# A carriage return that does not start a CRLF: the feed parser takes it for a line break of its own.
_BARE_CR = re.compile(r"\r(?!\n)")
# After "--boundary" at the start of a line: the rest of a delimiter line (the feed parser's boundary rule).
# Multipart levels read by the fast path; deeper messages (rare, and hostile when very deep) take the feed parser.
_FAST_PATH_DEPTH = 8
_DELIMITER_TAIL = re.compile(r"(--)?[ \t]*(?:\r?\n|\Z)")
# An address in a To/Cc list (linear; the stdlib address parser is a Python loop and cost 5 % of a parse).
_ADDRESS = re.compile(r"[^\s<>()\[\],;:\"@]+@[^\s<>()\[\],;:\"@]+")
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')
_MAILBOX_SPECIALS = re.compile(r'[\\"()<]')
_TEXT_CONTROLS = bytes(range(9)) + bytes(range(14, 32))
_NO_CONTROLS = dict.fromkeys([*range(32), 127])
_HTML_TYPES = frozenset(["text/html", "text/xhtml", "text/x-html", "text/htm"])
_PHONE_SCHEMES = ("tel:", "callto:", "sms:")
_SKIPPED_SCHEMES = ("mailto:", "cid:", "mid:", "javascript:", "about:", "#")
_TEXT_SEPARATOR = "\n\n"


# --------------------------------------------------------------------------------------------------------
# Public helpers


def detect_file_type(data: bytes) -> str:
    """The type of a file from its first bytes: the name and declared type are chosen by the sender.

    Returns one of ``pdf zip rar 7z gzip png jpeg gif html svg ole exe elf text unknown``. ``ole`` is the
    compound file format of Outlook ``.msg`` and old Office documents; ``zip`` includes Office Open XML.
    """
    head = data[:2048]
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return name
    if b"%PDF-" in head[:1024]:  # readers accept junk before the PDF header
        return "pdf"
    sniff = head.lstrip(b" \t\r\n\x00\xef\xbb\xbf").lower()
    if sniff.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<script", b"<meta", b"<form",
                         b"<iframe", b"<div", b"<a ", b"<!--")) or b"<html" in sniff[:1024]:
        return "html"
    if sniff.startswith(b"<svg") or (sniff.startswith(b"<?xml") and b"<svg" in sniff):
        return "svg"
    sample = head[:512]
    if sample and len(sample.translate(None, _TEXT_CONTROLS)) == len(sample):
        return "text"
    return "unknown"


_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "pdf"),
    (b"PK\x03\x04", "zip"), (b"PK\x05\x06", "zip"), (b"PK\x07\x08", "zip"),
    (b"Rar!\x1a\x07", "rar"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"\x1f\x8b", "gzip"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"), (b"GIF89a", "gif"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
    (b"MZ", "exe"),
    (b"\x7fELF", "elf"),
)


# --------------------------------------------------------------------------------------------------------
# Entry point


def parse_email(data: bytes, *, limits: Limits, callback_cues: tuple[str, ...], known_short: frozenset[str],
                email_limits: EmailLimits = DEFAULT_EMAIL_LIMITS) -> Message:
    """Build the normalised ``Message`` of an e-mail (``kind=Kind.EMAIL``); never raises on content."""
    return _parse_email(data, limits=limits, callback_cues=callback_cues, known_short=known_short,
                        email_limits=email_limits, policy=_PARSE_POLICY)


def _parse_email(data: bytes, *, limits: Limits, callback_cues: tuple[str, ...], known_short: frozenset[str],
                 email_limits: EmailLimits, policy: Policy) -> Message:
    """``parse_email`` with the parsing policy as a parameter, so the benchmark can compare policies."""
    builder = _Builder(limits, email_limits)
    if len(data) > limits.max_input_bytes:
        builder.add("INPUT_TRUNCATED", limit=limits.max_input_bytes)
        data = data[: limits.max_input_bytes]
    root = builder.parse_tree(bytes(data), policy)
    headers = builder.collect_headers(root)
    builder.walk(root)
    return builder.finish(headers, callback_cues=callback_cues, known_short=known_short)


@dataclass(frozen=True, slots=True)
class _HeaderFields:
    """A message's header fields as three parallel lists: names, decoded values, raw (unfolded) values.

    ``Message.headers`` pairs the first two; the raw values are what From, To and Cc addresses are read from.
    """

    names: list[str]
    values: list[str]
    raws: list[str]


_CONTENT_FIELDS = frozenset(["content-type", "content-disposition", "content-transfer-encoding"])


class _ContentFields(MimeMessage):
    """A part's Content-Type, Content-Disposition and Content-Transfer-Encoding fields in a message of their own.

    ``Message``'s accessors scan every field of the part for each question, lowering every name (a top-level
    part holds about 40 fields and is asked half a dozen questions), and parse a field's parameters again for
    each parameter asked (file name, charset, boundary). Here the three fields are copied once, in order,
    with the part's default type, and each field's parameter list is kept after its first parsing: the
    standard methods then give their own answers (RFC 2231, odd quoting and errors included) for less
    (``tests/parsing/test_content_fields.py`` compares them on random fields).
    """

    def __init__(self, part: MimeMessage) -> None:
        super().__init__(policy=part.policy)
        for name, value in part.raw_items():
            if name.lower() in _CONTENT_FIELDS:
                self.set_raw(name, value)
        self.set_default_type(part.get_default_type())
        self._params: dict[str, object] = {}

    def _get_params_preserve(self, failobj: object, header: str) -> object:
        """``Message._get_params_preserve``, remembered per field (its callers never change the list)."""
        key = header.lower()
        params = self._params.get(key)
        if params is None:
            params = super()._get_params_preserve(failobj, header)  # type: ignore[misc]
            if params is failobj:  # no such field: nothing to remember
                return failobj
            self._params[key] = params
        return params


_Views = dict[int, tuple[MimeMessage, _ContentFields]]


def _fields(part: MimeMessage, views: _Views) -> _ContentFields:
    """The ``_ContentFields`` of a part, made once per part (the part is kept with it: its id stays its own)."""
    known = views.get(id(part))
    if known is None:
        known = views[id(part)] = (part, _ContentFields(part))
    return known[1]


def _single_part(data: bytes, policy: Policy, views: _Views | None = None) -> MimeMessage | None:
    """The MIME tree of a plain, well-formed message, or None for anything else (then the standard parser).

    The feed parser walks the body line by line, testing each line against the boundaries, even where it
    only joins the lines back together. Here, for a single part (any type but ``multipart/*`` and
    ``message/*``) or a multipart (its parts single or multipart, a few levels deep), the header blocks are
    read by the feed parser's own rules (its header-line pattern, its policy's ``header_source_parse``) and
    the bodies are cut at the delimiter lines found with ``str.find``, with the feed parser's conventions (the
    line break before a delimiter belongs to it, preamble and epilogue kept): the same ``Message`` tree as a full parse
    (``tests/parsing/test_email_fast_path.py`` compares them). Anything the feed parser would record as a
    defect, a bare carriage return (a line break for the feed parser), deep nesting, digests and
    ``message/*`` parts go to the standard parser.
    """
    if policy is not email_policy.compat32:
        return None
    if views is None:
        views = {}
    text = data.decode("ascii", "surrogateescape")
    if "\r" in text and _BARE_CR.search(text):
        return None
    if text.startswith(("\n", "\r\n")):
        return None
    root = _headed_part(text, 0, len(text), policy)
    if root is None:
        return None
    msg, body = root
    maintype = _fields(msg, views).get_content_maintype()
    if maintype == "message":
        return None
    if maintype != "multipart":
        msg.set_payload(text[body:])
        return msg
    return msg if _multipart(msg, text, body, len(text), policy, 1, views) else None


def _headed_part(text: str, start: int, stop: int, policy: Policy) -> tuple[MimeMessage, int] | None:
    """A part's headers read from ``text[start:stop]`` (up to the first empty line) and where its body starts."""
    if text.startswith("\n", start) or text.startswith("\r\n", start):  # no header at all
        return MimeMessage(policy=policy), start + (1 if text[start] == "\n" else 2)
    end = _HEADER_END_TEXT.search(text, start, stop)
    if end is None:
        return None
    block = text[start : end.start() + 1]  # every line with its line end
    unixfrom = block.startswith("From ")  # a field name has no blank: this is an mbox "From " line
    first_field = block.find("\n") + 1 if unixfrom else 0
    # compat32's ``header_source_parse``: the name before the first colon, the value with its blanks after the
    # colon stripped, continuation lines kept with their line breaks, the final line break removed.
    found = _HEADER_FIELD.findall(block, first_field)
    if _NOT_A_FIELD in found:  # a line the feed parser would record as a defect: it parses the message itself
        return None
    if "\r" in block:  # without a CR, a value never ends with a line break: nothing to strip
        found = [(name, value.rstrip("\r\n")) for name, value in found]
    msg = MimeMessage(policy=policy)
    if unixfrom:
        msg.set_unixfrom(block[:first_field].rstrip("\r\n"))
    # The (name, value) pairs ``set_raw`` would append one call at a time (40 fields in a top-level part).
    msg._headers.extend(found)  # type: ignore[attr-defined]
    return msg, end.end()


def _multipart(msg: MimeMessage, text: str, body: int, stop: int, policy: Policy, depth: int,
               views: _Views) -> bool:
    """Attach the parts of the multipart ``msg`` (body ``text[body:stop]``), as the feed parser would; False
    when the structure is anything else (then nothing is kept: the caller parses the message the standard way).

    A part that is itself a multipart is read the same way within its own region: the feed parser ends every
    line of a nested part at the enclosing delimiters too, and the region between two delimiters holds none.
    After a nested multipart, as after a leaf, the line break before the next delimiter is cut (from its
    epilogue, an empty epilogue becoming ``None``).
    """
    fields = _fields(msg, views)
    boundary = fields.get_boundary()
    if boundary is None or fields.get_content_type() == "multipart/digest":
        return False
    if "\n" in boundary or "\r" in boundary:  # a folded boundary never matches a line for the feed parser
        return False
    if str(fields.get("content-transfer-encoding", "8bit")).lower() not in ("7bit", "8bit", "binary"):
        return False
    marker = "--" + boundary
    delimiters: list[tuple[int, int]] = []  # (start of the delimiter line, start of the next line)
    closed = False
    pos = body
    while (found := text.find(marker, pos, stop)) >= 0:
        if found == body or text[found - 1] == "\n":
            tail = _DELIMITER_TAIL.match(text, found + len(marker), stop)
            if tail is not None:
                delimiters.append((found, tail.end()))
                if tail.group(1):
                    closed = True
                    break
                pos = tail.end()
                continue
        pos = found + 1
    if not closed or len(delimiters) < 2:
        return False
    first = text[body : delimiters[0][0]]
    if first:  # the preamble, without the line break that belongs to the first delimiter
        msg.preamble = _without_final_eol(first)
    for (_, part_start), (next_start, _) in zip(delimiters, delimiters[1:], strict=False):
        if part_start == next_start:  # two delimiters in a row: the feed parser skips them its own way
            return False
        headed = _headed_part(text, part_start, next_start, policy)
        if headed is None:
            return False
        part, part_body = headed
        maintype = _fields(part, views).get_content_maintype()
        if maintype == "message":
            return False
        if maintype != "multipart":
            part.set_payload(_without_final_eol(text[part_body:next_start]))
        elif depth >= _FAST_PATH_DEPTH or not _multipart(part, text, part_body, next_start, policy, depth + 1,
                                                         views):
            return False
        elif part.epilogue:
            part.epilogue = _without_final_eol(part.epilogue)
        else:
            part.epilogue = None
        msg.attach(part)
    msg.epilogue = text[delimiters[-1][1] : stop]
    return True


def _without_final_eol(text: str) -> str:
    """``text`` without its last line break (CRLF, CR or LF), as the feed parser cuts a part before a delimiter.

    ``str.endswith`` rather than a regular expression anchored at the end: ``re`` tries such a pattern at
    every position of the part (a fifth of the fast path's time on the corpus).
    """
    if text.endswith("\r\n"):
        return text[:-2]
    if text.endswith(("\n", "\r")):
        return text[:-1]
    return text


# --------------------------------------------------------------------------------------------------------
# The builder: one per message, collects what the walk finds


class _Builder:
    """Accumulates text, links, attachments and anomalies while the MIME tree is walked."""

    def __init__(self, limits: Limits, email_limits: EmailLimits) -> None:
        self.limits = limits
        self.elimits = email_limits
        self.anomalies: list[Anomaly] = []
        self.texts: list[str] = []
        self.hidden_texts: list[str] = []  # plain alternatives of an HTML part (used if the HTML has no text)
        self.links = _LinkBag(limits.max_links)
        self.tel_phones: list[PhoneNumber] = []
        self.bad_tel: set[str] = set()
        self.attachments: list[Attachment] = []
        self.defects_recorded = 0
        self.defects_dropped = 0
        self.raw_body_fallback: str | None = None
        self.pictures_read = 0
        self.pictures_skipped = 0
        self.media_extra_missing = False
        self.ocr_candidates: list[tuple[int, int, bytes]] = []  # (size, part index, payload) of pictures
        self.views: _Views = {}  # each part's content fields (``_ContentFields``)

    def add(self, code: str, location: str | None = None, **params: object) -> None:
        """Record an anomaly; parameters are strings (the model's contract) without control characters."""
        self.anomalies.append(Anomaly(code, {k: str(v).translate(_NO_CONTROLS) for k, v in params.items()},
                                      location))

    # -- parsing -----------------------------------------------------------------------------------------

    def parse_tree(self, data: bytes, policy: Policy) -> MimeMessage:
        """Parse the MIME tree, or only the headers when the structure is too deep to parse safely."""
        depth = _estimated_depth(data, self.elimits.max_depth)
        if depth > self.elimits.max_depth:
            self.add("MIME_TOO_DEEP", limit=self.elimits.max_depth)
            return self._headers_only(data, policy)
        try:
            single = _single_part(data, policy, self.views)
            return single if single is not None else BytesParser(policy=policy).parsebytes(data)
        except RecursionError:
            # The feed parser recurses once per nested message/rfc822 level; no boundary to count before.
            self.add("MIME_UNPARSABLE", error="RecursionError")
            return self._headers_only(data, policy)
        except (TypeError, ValueError, LookupError, UnicodeError, IndexError) as exc:
            # Reading a multipart's boundary can raise inside the standard library itself: ``boundary*0*=``
            # next to ``boundary*=`` makes ``email.utils.decode_params`` compare None with an int (TypeError).
            self.add("MIME_UNPARSABLE", error=type(exc).__name__)
            return self._headers_only(data, policy)

    def _headers_only(self, data: bytes, policy: Policy) -> MimeMessage:
        """Headers parsed, the body kept as raw text: what can be read still is."""
        msg = BytesParser(policy=policy).parsebytes(data, headersonly=True)
        payload = msg.get_payload()
        raw = payload if isinstance(payload, str) else ""
        self.raw_body_fallback = _fix_surrogates(raw[: self.limits.max_text_chars])
        return msg

    # -- headers -----------------------------------------------------------------------------------------

    def collect_headers(self, msg: MimeMessage) -> _HeaderFields:
        """All header fields, decoded and unfolded, capped at ``max_headers``."""
        items = list(msg.raw_items())
        if len(items) > self.elimits.max_headers:
            self.add("HEADERS_TRUNCATED", limit=self.elimits.max_headers)
            items = items[: self.elimits.max_headers]
        modern = msg.policy is not email_policy.compat32
        if not modern:
            plain = self._ascii_headers(items)
            if plain is not None:
                return plain
        names: list[str] = []
        values: list[str] = []
        raws: list[str] = []
        for name, value in items:
            if not modern and isinstance(value, str) and value.isascii() and "\x00" not in value:
                # Nothing to clean, at most a folded line to join (Received, DKIM...), then nothing to decode
                # (the test comes after unfolding, as in the general case below).
                plain_value = _unfold(value)
                if "=?" not in plain_value:
                    names.append(name)
                    values.append(plain_value)
                    raws.append(plain_value)
                    continue
            # NUL never belongs in a header and breaks stores downstream (PostgreSQL text refuses it).
            name = _fix_surrogates(str(name)).replace("\x00", "")
            raw = _fix_surrogates(_unfold(str(value))).replace("\x00", "")
            names.append(name)
            values.append(self._modern_value(msg, name, raw) if modern else self.decode_words(raw, name))
            raws.append(raw)
        return _HeaderFields(names, values, raws)

    def _ascii_headers(self, items: list[tuple[str, str]]) -> _HeaderFields | None:
        """The fields of a header whose values are all ASCII strings without NUL (nine messages in ten), or None.

        The general loop of ``collect_headers`` asks half a dozen questions of every field (40 in a top-level
        part of a mail from a large provider); here the questions are asked once of all the values joined, only
        folded values are unfolded and only the fields holding encoded words are decoded, one by one, with the
        general loop's own steps, so the result is the loop's (``tests/parsing/test_header_fields.py``). Header
        bytes, not fields, dominate (unfolding is most of the rest): 229,000 -> 215,000 instructions per
        held-out e-mail, header decoding left out. (Joining values can make an "=?" across two fields: then
        the fields are only asked one by one.)
        """
        names = [name for name, _ in items]
        values = [value for _, value in items]
        try:
            flat = "".join(values)
        except TypeError:  # a value that is not a string (a ``Header`` a program set): the general loop
            return None
        if not flat.isascii() or "\x00" in flat:
            return None
        if "\n" in flat or "\r" in flat:
            values = [_unfold(value) for value in values]
            flat = "".join(values)
        decoded = values
        if "=?" in flat:
            decoded = values.copy()
            for k in [k for k, raw in enumerate(values) if "=?" in raw]:
                # the general loop's own steps (the name may hold raw bytes)
                names[k] = name = _fix_surrogates(str(names[k])).replace("\x00", "")
                decoded[k] = self.decode_words(values[k], name)
        return _HeaderFields(names, decoded, values)

    def _modern_value(self, msg: MimeMessage, name: str, raw: str) -> str:
        """A header decoded by ``policy.default`` (benchmark comparison only; it may raise on odd input)."""
        try:
            return _fix_surrogates(str(msg.policy.header_fetch_parse(name, raw)))
        except Exception as exc:  # the modern header parser has raised on hostile input before
            self.add("BAD_HEADER_ENCODING", location=f"header:{name[:64]}", error=type(exc).__name__)
            return raw

    def decode_words(self, value: str, name: str) -> str:
        """Decode RFC 2047 encoded words (``=?utf-8?b?...?=``); keep the raw text when they are broken."""
        if "=?" not in value or name.lower().startswith(_OPAQUE_HEADERS):
            return value
        try:
            decoded = str(make_header(decode_header(value)))
        except (email_errors.MessageError, LookupError, UnicodeError, ValueError, binascii.Error) as exc:
            self.add("BAD_HEADER_ENCODING", location=f"header:{name[:64]}", error=type(exc).__name__)
            return value
        return _fix_surrogates(decoded)

    # -- the tree walk -----------------------------------------------------------------------------------

    def walk(self, root: MimeMessage) -> None:
        """Visit every part with an explicit stack (depth-first, in message order)."""
        if self.raw_body_fallback is not None:
            self._raw_body(self.raw_body_fallback)
            self._record_defects(root, 0)
            return
        stack: list[tuple[MimeMessage, int, bool]] = [(root, 0, True)]
        index = 0
        too_deep = too_many = False
        while stack:
            part, depth, shown = stack.pop()
            if index >= self.elimits.max_parts:
                if not too_many:
                    self.add("MIME_TOO_MANY_PARTS", limit=self.elimits.max_parts)
                    too_many = True
                break
            children = _children(part)
            if children is None:
                self._leaf(part, index, shown)
            elif depth >= self.elimits.max_depth:
                if not too_deep:
                    self.add("MIME_TOO_DEEP", limit=self.elimits.max_depth)
                    too_deep = True
            else:
                chosen = _shown_alternative(part, children, self.views)
                for pos in range(len(children) - 1, -1, -1):
                    stack.append((children[pos], depth + 1, shown and (chosen is None or pos == chosen)))
            self._record_defects(part, index)
            index += 1

    def _raw_body(self, raw: str) -> None:
        """The undecoded body of a message too deep to parse: read as HTML if it has links, else as text."""
        lowered = raw.lower()
        if "<" in lowered and ("href" in lowered or "<html" in lowered):
            view = self._render(raw, 0)
            self.texts.append(view.text)
            self._html_links(view, 0, attachment=False)
        else:
            self.texts.append(raw)
            self._text_links(raw, 0, LinkSource.TEXT)

    def _leaf(self, part: MimeMessage, index: int, shown: bool) -> None:
        """A leaf part: body text (plain or HTML) or an attachment."""
        fields = _fields(part, self.views)
        ctype = _safe_content_type(fields)
        maintype = ctype.split("/", 1)[0]
        if maintype == "multipart":  # a multipart without a usable boundary: the parser kept it as text
            ctype, maintype = "text/plain", "text"
        disposition = _safe_disposition(fields)
        filename = self._filename(fields)
        payload = self._payload(part, index)
        if _is_attachment(maintype, disposition, filename):
            self._attachment(part, index, ctype, filename, payload)
        elif maintype == "text":  # any inline text/* is shown as text by mail clients
            self._body_text(part, index, ctype, payload, shown)
        elif maintype == "image" and is_picture(payload):  # a picture in the body: its QR codes
            self._picture(payload, index)

    def _payload(self, part: MimeMessage, index: int) -> bytes:
        """Decoded bytes of a leaf (lenient base64 / quoted-printable), flagging unknown encodings."""
        cte = str(_fields(part, self.views).get("content-transfer-encoding", "") or "").strip().lower()
        if cte not in _KNOWN_CTE:
            self.add("BAD_TRANSFER_ENCODING", location=f"part{index}", part=index, encoding=cte[:40])
        try:
            payload = part.get_payload(decode=True)
        except (ValueError, LookupError, UnicodeError, binascii.Error, AssertionError) as exc:
            self.add("PART_UNREADABLE", location=f"part{index}", part=index, error=type(exc).__name__)
            return b""
        if isinstance(payload, bytes):
            return payload
        return b""

    def _body_text(self, part: MimeMessage, index: int, ctype: str, payload: bytes, shown: bool) -> None:
        """Readable text of a body part; links are taken even from the alternative the client hides."""
        text = self._decode(part, index, self._cap_part(payload, index))
        if ctype in _HTML_TYPES:
            view = self._render(text, index)
            if shown:
                self.texts.append(view.text)
            self._html_links(view, index, attachment=False)
        else:
            (self.texts if shown else self.hidden_texts).append(text)
            self._text_links(text, index, LinkSource.TEXT)

    def _attachment(self, part: MimeMessage, index: int, ctype: str, filename: str | None,
                    payload: bytes) -> None:
        """Describe an attached file; HTML and text attachments are also read (a common phishing carrier)."""
        detected = detect_file_type(payload)
        extracted: str | None = None
        if detected in ("html", "svg", "text") and payload:
            text = self._decode(part, index, self._cap_part(payload, index))
            if detected == "text":
                extracted = text[: self.elimits.max_attachment_text_chars]
                self._text_links(extracted, index, LinkSource.ATTACHMENT)
            else:
                view = self._render(text, index)
                extracted = view.text[: self.elimits.max_attachment_text_chars]
                self._html_links(view, index, attachment=True)
        members: tuple[str, ...] = ()
        if detected == "pdf":
            for url in pdf_links(payload):
                self._text_links(url, index, LinkSource.ATTACHMENT)
            extracted = self._pdf(payload, index) or extracted
        elif is_picture(payload):
            self._picture(payload, index)
        elif detected == "zip":
            names, cut = archive_members(payload)
            members = tuple(names)
            if cut:
                self.add("ARCHIVE_LISTING_TRUNCATED", location=f"part{index}", part=index, limit=MAX_ARCHIVE_MEMBERS)
        self.attachments.append(Attachment(
            filename=filename, content_type=ctype, size=len(payload),
            sha256=hashlib.sha256(payload).hexdigest(), detected_type=detected, extracted_text=extracted,
            members=members))

    def _picture(self, payload: bytes, index: int) -> None:
        """QR codes of an inline or attached picture (``image`` extra), a bounded number per message."""
        if self.pictures_read >= MAX_PICTURES:
            self.pictures_skipped += 1
            return
        self.pictures_read += 1
        location = f"part{index}"
        self._media(picture_findings(payload, max_pixels=self.limits.max_image_pixels, location=location), index)
        if self.limits.email_picture_ocr > 0 and len(payload) >= _MIN_OCR_BYTES:
            self.ocr_candidates.append((len(payload), index, payload))

    def _picture_words(self) -> None:
        """OCR of the largest pictures of an e-mail whose own text says little (``Limits.email_picture_ocr``):
        the words of an image-only e-mail become its text, marked as read from a picture."""
        if not self.ocr_candidates:  # most e-mails: no word count needed (it splits the whole text)
            return
        words = sum(len(t.split()) for t in self.texts) or sum(len(t.split()) for t in self.hidden_texts)
        if words >= _FEW_WORDS:
            return
        chosen = sorted(self.ocr_candidates, key=lambda c: (-c[0], c[1]))[: self.limits.email_picture_ocr]
        for _, index, payload in sorted(chosen, key=lambda c: c[1]):
            location = f"part{index}:ocr"
            found = picture_text(payload, max_pixels=self.limits.max_image_pixels, location=location)
            self.media_extra_missing = self.media_extra_missing or found.extra_missing
            self.anomalies.extend(found.anomalies)
            if found.text:
                self.add("EMAIL_PICTURE_TEXT_READ", location=location, part=index,
                         words=len(found.text.split()), text=found.text[:300])
                self.texts.append(found.text)
                self._text_links(found.text, index, LinkSource.TEXT)

    def _pdf(self, payload: bytes, index: int) -> str | None:
        """Text, link annotations and QR codes of a PDF attachment (``image`` extra); returns its text."""
        found = pdf_findings(payload, max_pages=self.limits.max_pdf_pages, location=f"part{index}")
        self._media(found, index)
        if found.text:
            text = found.text[: self.elimits.max_attachment_text_chars]
            self._text_links(text, index, LinkSource.ATTACHMENT)
            return text
        return None

    def _media(self, found: MediaFindings, index: int) -> None:
        """Fold what a picture or PDF held into the message: QR addresses as links, the rest as anomalies."""
        self.media_extra_missing = self.media_extra_missing or found.extra_missing
        self.anomalies.extend(found.anomalies)
        for url in found.uris:
            self._text_links(url, index, LinkSource.ATTACHMENT)
        for k, payload in enumerate(found.codes):
            target = url_of(payload)
            if target is not None:
                self._href(target, None, LinkSource.QR_CODE, f"part{index}:qr[{k}]")
            else:
                self.add("QR_CODE_TEXT", location=f"part{index}:qr[{k}]", text=payload[:200])

    def _filename(self, part: MimeMessage) -> str | None:
        """The attachment's file name, RFC 2231 and RFC 2047 decoded; ``None`` when it has none."""
        try:
            name = part.get_filename()
        except (ValueError, LookupError, UnicodeError, TypeError):
            return None
        if name is None:
            return None
        name = _fix_surrogates(str(name))
        return self.decode_words(name, "filename")[:512]

    def _cap_part(self, payload: bytes, index: int) -> bytes:
        if len(payload) > self.elimits.max_part_bytes:
            self.add("PART_TRUNCATED", location=f"part{index}", part=index, limit=self.elimits.max_part_bytes)
            return payload[: self.elimits.max_part_bytes]
        return payload

    def _decode(self, part: MimeMessage, index: int, payload: bytes) -> str:
        """Bytes -> text with the declared charset; a missing, unknown or lying charset falls back."""
        try:
            declared = _fields(part, self.views).get_content_charset()
        except (ValueError, LookupError, UnicodeError, TypeError):
            declared = "?"
        codec = _codec(declared) if declared else None
        if codec is not None:
            try:
                return _fix_surrogates(payload.decode(codec))
            except (UnicodeError, ValueError, LookupError):
                pass
        if declared:
            self.add("BAD_CHARSET", location=f"part{index}", part=index,
                     charset=_fix_surrogates(declared)[:64])
        try:
            return payload.decode("utf-8")
        except UnicodeDecodeError:
            return payload.decode("cp1252", errors="replace")

    def _render(self, html: str, index: int) -> HtmlView:
        if len(html) > self.elimits.max_html_chars:
            self.add("HTML_TRUNCATED", location=f"part{index}", part=index, limit=self.elimits.max_html_chars)
            html = html[: self.elimits.max_html_chars]
        deep = _html_depth(html, self.elimits.max_html_depth) > self.elimits.max_html_depth
        if deep:
            self.add("HTML_TOO_DEEP", location=f"part{index}", part=index, limit=self.elimits.max_html_depth)
        view = html_to_text(html, max_targets=self.limits.max_links, flatten=deep)
        self.links.seen += view.skipped
        return view

    # -- links -------------------------------------------------------------------------------------------

    def _html_links(self, view: HtmlView, index: int, *, attachment: bool) -> None:
        """Anchors, forms, remote images (and, in attachments, meta refreshes) as ``Link`` objects."""
        prefix = f"part{index}"
        anchor_source = LinkSource.ATTACHMENT if attachment else LinkSource.HTML_ANCHOR
        for k, (href, shown_text) in enumerate(view.anchors):
            self._href(href, shown_text, anchor_source, f"{prefix}:a[{k}]")
        forms = list(enumerate(zip(view.forms, view.form_collects, strict=True)))
        # collecting forms first: links are de-duplicated by target, and a search box must not hide a login form
        for k, (action, collects) in sorted(forms, key=lambda form: not form[1][1]):
            self._href(action, None, LinkSource.ATTACHMENT if attachment else LinkSource.HTML_FORM,
                       f"{prefix}:form[{k}]", form_collects_data=collects)
        for k, src in enumerate(view.images):
            self._href(src, None, LinkSource.ATTACHMENT if attachment else LinkSource.HTML_IMAGE,
                       f"{prefix}:img[{k}]")
        if attachment:
            for k, target in enumerate(view.refreshes):
                self._href(target, None, LinkSource.ATTACHMENT, f"{prefix}:meta[{k}]")

    def _href(self, href: str, shown_text: str | None, source: LinkSource, location: str,
              form_collects_data: bool | None = None) -> None:
        """One HTML target: phone schemes become callback numbers, mail/cid/script targets are skipped."""
        lower = href[:12].lower()
        if lower.startswith(_PHONE_SCHEMES):
            self._tel(href, location)
            return
        if lower.startswith(_SKIPPED_SCHEMES):
            return
        key = (href, shown_text or None, source)
        if not self.links.wants(key):
            return
        scheme_present = "://" in href[:16] or lower.startswith("data:")
        link = make_link(href, source, displayed_text=shown_text or None, scheme_present=scheme_present,
                         location=location)
        if link is not None:
            if form_collects_data is not None:
                link = replace(link, form_collects_data=form_collects_data)
            self.links.add(key, link)

    def _tel(self, href: str, location: str) -> None:
        """``tel:`` and ``sms:`` targets: numbers the reader is invited to call or text back."""
        raw = unquote(href.split(":", 1)[1]).split("?", 1)[0].split(";", 1)[0].strip()[:64]
        normalized = normalise_number(raw) if raw else None
        if normalized is None:
            if raw not in self.bad_tel:  # a footer repeats its number in every link
                self.bad_tel.add(raw)
                self.add("UNPARSABLE_PHONE", location=location, value=raw)
            return
        if any(p.normalized == normalized for p in self.tel_phones):
            return
        self.tel_phones.append(PhoneNumber(raw=raw, normalized=normalized,
                                           is_short=not normalized.startswith("+"), role=PhoneRole.CALLBACK,
                                           context="tel:", location=location))

    def _text_links(self, text: str, index: int, source: LinkSource) -> None:
        """Links written in a plain-text part (bare domains and defanged forms included)."""
        found, seen = find_links(text, limit=self.limits.max_links, location_prefix=f"part{index}")
        self.links.seen += max(0, seen - len(found))  # links beyond find_links' own cap still count
        for link in found:
            if source is not LinkSource.TEXT:
                link = replace(link, source=source)
            key = (link.url, link.displayed_text, link.source)
            if self.links.wants(key):
                self.links.add(key, link)

    # -- defects -----------------------------------------------------------------------------------------

    def _record_defects(self, part: MimeMessage, index: int) -> None:
        """Every parser defect of the part (read after decoding: base64 defects appear only then)."""
        defects = getattr(part, "defects", None) or []
        bad_base64 = False
        for defect in defects:
            bad_base64 = bad_base64 or isinstance(defect, _BASE64_DEFECTS)
            if self.defects_recorded >= self.elimits.max_defects:
                self.defects_dropped += 1
                continue
            self.defects_recorded += 1
            self.add("MIME_DEFECT", location=f"part{index}", defect=type(defect).__name__, part=index)
        if bad_base64:
            self.add("BAD_TRANSFER_ENCODING", location=f"part{index}", part=index, encoding="base64")

    # -- assembly ----------------------------------------------------------------------------------------

    def finish(self, headers: _HeaderFields, *, callback_cues: tuple[str, ...],
               known_short: frozenset[str]) -> Message:
        """Assemble the ``Message``: text cleaned and capped, numbers found, limits reported."""
        self._picture_words()
        if self.defects_dropped:
            self.add("MIME_DEFECTS_TRUNCATED", limit=self.elimits.max_defects, dropped=self.defects_dropped)
        if self.pictures_skipped:
            self.add("PICTURES_NOT_READ", limit=MAX_PICTURES, count=self.pictures_skipped)
        if self.media_extra_missing:
            self.add("MEDIA_EXTRA_MISSING")
        text = _TEXT_SEPARATOR.join(t for t in self.texts if t.strip())
        if not text.strip() and any(t.strip() for t in self.hidden_texts):
            # An HTML alternative without text (pictures only) hides the words the sender still wrote.
            self.add("TEXT_FROM_HIDDEN_ALTERNATIVE")
            text = _TEXT_SEPARATOR.join(t for t in self.hidden_texts if t.strip())
        if len(text) > self.limits.max_text_chars:
            self.add("TEXT_TRUNCATED", limit=self.limits.max_text_chars)
            text = text[: self.limits.max_text_chars]
        cleaned = clean_text(text)
        if len(cleaned.text) > self.limits.max_text_chars:  # NFKC can turn one character into eighteen
            if len(text) <= self.limits.max_text_chars:
                self.add("TEXT_TRUNCATED", limit=self.limits.max_text_chars)
            cleaned = replace(cleaned, text=cleaned.text[: self.limits.max_text_chars])
        if cleaned.invisible_removed:
            self.add("INVISIBLE_CHARACTERS_REMOVED", count=cleaned.invisible_removed)
        if cleaned.bidi_removed:
            self.add("BIDI_CONTROLS_REMOVED", count=cleaned.bidi_removed)
        if cleaned.controls_replaced:
            self.add("CONTROL_CHARACTERS_REPLACED", count=cleaned.controls_replaced)
        body = cleaned.text
        names = [name.lower() for name in headers.names]  # one pass for Subject, From, To and Cc
        subject = headers.values[names.index("subject")] if "subject" in names else None
        hidden = cleaned.invisible_removed + cleaned.bidi_removed
        if subject is not None:
            cleaned_subject = clean_text(subject)
            # One line: detectors read "subject + newline + body" and count lines from there.
            subject = " ".join(cleaned_subject.text.split("\n")).strip()
            hidden += cleaned_subject.invisible_removed + cleaned_subject.bidi_removed
            if cleaned_subject.invisible_removed or cleaned_subject.bidi_removed:
                self.add("INVISIBLE_CHARACTERS_REMOVED", location="subject",
                         count=cleaned_subject.invisible_removed + cleaned_subject.bidi_removed)
        if not body.strip() and not self.attachments:
            self.add("EMPTY_INPUT")
        if self.links.seen > self.limits.max_links:
            self.add("LINKS_TRUNCATED", limit=self.limits.max_links)
        phones = self._phones(body, callback_cues, known_short)
        return Message(
            kind=Kind.EMAIL,
            text=body,
            subject=subject,
            sender=self._sender(headers, names),
            recipients=self._recipients(headers, names),
            headers=tuple(zip(headers.names, headers.values, strict=True)),
            links=tuple(self.links.items),
            phones=tuple(phones),
            attachments=tuple(self.attachments),
            anomalies=tuple(self.anomalies),
            hidden_characters=hidden,
        )

    def _phones(self, body: str, callback_cues: tuple[str, ...],
                known_short: frozenset[str]) -> list[PhoneNumber]:
        """Numbers written in the text, then ``tel:`` targets not already seen, within ``max_phones``."""
        limit = self.limits.max_phones
        phones, seen = find_phones(body, cues=callback_cues, known_short=known_short, limit=limit)
        known = {p.normalized for p in phones}
        extra = [p for p in self.tel_phones if p.normalized not in known]
        total = seen + len(extra)
        phones.extend(extra[: max(0, limit - len(phones))])
        if total > limit:
            self.add("PHONES_TRUNCATED", limit=limit)
        return phones

    def _sender(self, headers: _HeaderFields, names: list[str]) -> Sender | None:
        """The From mailbox; a malformed header keeps its raw text as the display name."""
        if "from" not in names:
            return None
        raw = headers.raws[names.index("from")]
        display, address = split_mailbox(raw[: self.elimits.max_address_chars])
        if address is not None:  # control characters (NUL...) are never part of an address
            address = address.translate(_NO_CONTROLS)[:320] or None
        if display is not None:
            display = " ".join(clean_text(self.decode_words(display, "From")).text.split()) or None
        if address is None and display is None and raw.strip():
            display = self.decode_words(raw.strip(), "From")[:512]
        return Sender(display_name=display, address=address)

    def _recipients(self, headers: _HeaderFields, names: list[str]) -> tuple[str, ...]:
        """To and Cc addresses, in order, without duplicates."""
        cap = self.elimits.max_address_chars
        values = [raw[:cap] for raw, name in zip(headers.raws, names, strict=True) if name in ("to", "cc")]
        if not values:
            return ()
        out: dict[str, None] = {}
        for value in values:
            # Addresses only: quoted display names go first, so '"x@ameli.fr" <y@evil>' gives y@evil.
            for address in _ADDRESS.findall(_QUOTED.sub(" ", value)):
                if len(out) >= self.elimits.max_recipients:
                    return tuple(out)
                out.setdefault(address.strip("."), None)
        return tuple(out)


class _LinkBag:
    """Links in order, deduplicated on (url, displayed text, source), counted beyond the cap."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.items: list[Link] = []
        self.keys: set[tuple[str, str | None, LinkSource]] = set()
        self.seen = 0

    def wants(self, key: tuple[str, str | None, LinkSource]) -> bool:
        """True when a link with this key is new and fits; a new one that does not fit is only counted."""
        if key in self.keys:
            return False
        if len(self.items) >= self.limit:
            self.seen += 1
            return False
        return True

    def add(self, key: tuple[str, str | None, LinkSource], link: Link) -> None:
        self.keys.add(key)
        self.items.append(link)
        self.seen += 1


# --------------------------------------------------------------------------------------------------------
# Small pure helpers


def _estimated_depth(data: bytes, limit: int) -> int:
    """Upper bound of multipart nesting: boundary declarations still open (not closed by ``--b--``).

    The feed parser costs (lines x open boundaries) and recurses per level, so a deep message must be
    recognised before it is parsed. Counting is linear; most messages are settled by the first count.
    """
    lowered = data.lower()
    if lowered.count(b"boundary") <= limit:
        return 0
    return _deepest((match.group(0)[:2] != b"--" for match in _DECLARATION.finditer(data)), limit)


def _children(part: MimeMessage) -> list[MimeMessage] | None:
    """Sub-parts of a multipart or message/* part, ``None`` for a leaf."""
    if not part.is_multipart():
        return None
    payload = part.get_payload()
    if isinstance(payload, list):
        return [p for p in payload if isinstance(p, MimeMessage)]
    return None


def _shown_alternative(part: MimeMessage, children: list[MimeMessage], views: _Views) -> int | None:
    """In multipart/alternative, the child a mail client displays: the last HTML one, else the last text.

    The check looks one level down so that multipart/related (HTML plus its images) counts as HTML.
    """
    if _safe_content_type(_fields(part, views)) != "multipart/alternative" or not children:
        return None
    best, best_rank = len(children) - 1, -1
    for pos, child in enumerate(children):
        rank = _alternative_rank(child, views)
        if rank >= best_rank:
            best, best_rank = pos, rank
    return best


def _alternative_rank(part: MimeMessage, views: _Views) -> int:
    """2 for HTML (or a multipart holding HTML), 1 for other text, 0 for anything else."""
    ctype = _safe_content_type(_fields(part, views))
    if ctype.startswith("multipart/"):
        types = {_safe_content_type(_fields(k, views)) for k in (_children(part) or [])[:20]}
        return 2 if types & _HTML_TYPES else (1 if any(t.startswith("text/") for t in types) else 0)
    return 2 if ctype in _HTML_TYPES else (1 if ctype.startswith("text/") else 0)


def _safe_content_type(part: MimeMessage) -> str:
    """The declared type, lower case; ``text/html charset=x`` (a missing ";") still reads as ``text/html``."""
    try:
        ctype = _fix_surrogates(part.get_content_type())
    except (ValueError, LookupError, UnicodeError, TypeError, IndexError):
        return "text/plain"
    words = ctype.split(None, 1)
    return words[0][:128] if words else "text/plain"


def _is_attachment(maintype: str, disposition: str | None, filename: str | None) -> bool:
    """Whether a leaf is a file rather than body text.

    Text is body unless marked as an attachment or named; an image is body when inline (logos, pictures
    in the HTML); any other type (PDF, archives, programs) is a file even when marked inline, because mail
    clients offer it as one.
    """
    if disposition == "attachment":
        return True
    if maintype == "text":
        return disposition != "inline" and filename is not None
    if maintype == "image":
        return disposition != "inline"
    return True


def _safe_disposition(part: MimeMessage) -> str | None:
    try:
        return part.get_content_disposition()
    except (ValueError, LookupError, UnicodeError, TypeError, IndexError):
        return None


@lru_cache(maxsize=256)
def _codec(charset: str) -> str | None:
    """Python codec for a declared charset, or ``None`` when unknown, not a text encoding, or refused."""
    name = charset.strip().strip("\"'").lower()
    name = _CHARSET_ALIASES.get(name, name)
    return text_codec(name, _REFUSED_CODECS)


def _unfold(value: str) -> str:
    """RFC 5322 unfolding: line breaks inside a header value are removed, the following blank kept."""
    if "\n" not in value and "\r" not in value:
        return value
    return "".join(value.splitlines())


def split_mailbox(raw: str) -> tuple[str | None, str | None]:
    """(display name, address) of a From value, still RFC 2047-encoded; tolerant of broken syntax.

    Quotes and comments are honoured, so ``"ameli.fr <x@ameli.fr>" <y@evil.example>`` gives the address
    ``y@evil.example``; the name is what precedes the angle address (``Trouver une femme russe ,`` stays
    whole, where ``getaddresses`` would split it into two mailboxes).
    """
    angle_start = angle_end = -1
    in_quote = False
    comment = 0
    escaped_until = 0
    # Only backslashes, quotes, brackets and "<" change the state: the others are skipped by the regex.
    for special in _MAILBOX_SPECIALS.finditer(raw):
        i = special.start()
        if i < escaped_until:  # the character after a backslash
            continue
        ch = raw[i]
        if ch == "\\":
            escaped_until = i + 2
            continue
        if in_quote:
            in_quote = ch != '"'
        elif comment:
            comment += 1 if ch == "(" else -1 if ch == ")" else 0
        elif ch == '"':
            in_quote = True
        elif ch == "(":
            comment = 1
        elif ch == "<":
            end = raw.find(">", i + 1)
            if end != -1 and "@" in raw[i + 1:end]:
                angle_start, angle_end = i, end
                break
    if angle_start != -1:
        address = raw[angle_start + 1:angle_end].strip().strip('"') or None
        return _display_name(raw[:angle_start]), address
    for token in raw.replace(",", " ").split():
        if "@" in token:
            address = token.strip("<>\"'();")
            rest = raw.replace(token, " ", 1)
            return _display_name(rest), address or None
    return _display_name(raw.replace("<>", " ")), None  # "<>" is the null sender of bounces


def _display_name(value: str) -> str | None:
    """A display name without its quotes, escapes, comment brackets and trailing separators."""
    value = value.strip().strip(",;").strip()
    if len(value) >= 2 and value[0] == "(" and value[-1] == ")":
        value = value[1:-1]
    if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
        value = value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    value = value.strip()
    return value[:512] or None


