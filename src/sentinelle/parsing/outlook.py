"""Outlook ``.msg`` (OLE compound file) -> RFC 5322 bytes -> ``Message``, through the e-mail parser.

A ``.msg`` file is a MAPI message saved in a compound file: properties in streams, recipients and
attachments in storages, the body as plain text, HTML and/or compressed RTF. Rather than a second message
model, the file is rewritten as the e-mail it stands for and handed to ``parse_email``, so every detector
sees a ``.msg`` exactly like an ``.eml`` (same link, sender and attachment handling, same limits).

What the rewrite keeps, and how:

* **Headers.** The transport headers stream (PR_TRANSPORT_MESSAGE_HEADERS: the headers the message arrived
  with, ``Received`` and ``Authentication-Results`` included) when present, minus its own MIME structure
  fields (``Content-Type``...), which describe a body that is not there any more; a missing ``From`` or
  ``Subject`` is taken from the MAPI properties. Without transport headers (drafts, messages saved from the
  sent folder, files made by tools), ``From``/``Sender``/``To``/``Cc``/``Subject``/``Date``/``Message-ID``
  are built from the MAPI properties. Header lines that are not header fields are dropped (a blank line in
  the stream would otherwise start a forged body) and counted.
* **Bodies.** A ``multipart/alternative`` with ``text/plain`` (PR_BODY) and ``text/html`` (PR_HTML). A
  message whose body only exists as RTF (PR_RTF_COMPRESSED) gets the HTML that the RTF encapsulates
  (``\\fromhtml1``, de-encapsulated by RTFDE as extract-msg does it), or, for a native RTF body, a rendering
  of its text in which ``HYPERLINK`` fields stay links: a link in an RTF mail keeps its displayed text
  and its real target, like an HTML anchor.
* **Attachments.** Every file attachment is a MIME part with its name, declared type and exact bytes (the
  e-mail parser hashes and types it by content). An attached Outlook message (``afEmbeddedMessage``) is
  converted the same way and attached as ``message/rfc822``, so the e-mail parser reads its text, links and
  attachments: a phishing mail forwarded as an attachment is analysed, not just hashed. A reference
  attachment (a cloud "shared file", ``afByWebReference``) becomes a small ``text/uri-list`` part holding
  its URL, so the link is judged. A clear-signed message (``IPM.Note.SMIME.MultipartSigned``) keeps the
  signed MIME entity Outlook stored as its only attachment as the body.

Hostile input: nothing here raises on content. A file that is not a readable compound file gives
``MSG_UNREADABLE``. Before extract-msg reads anything, the directory is checked so that declared stream
sizes cannot exceed what the file holds (a FAT chain that loops would otherwise make a 1 MB file read as
gigabytes), entries, attachments, recipients and nesting are capped, and the output never exceeds
``max_bytes`` (an attachment that does not fit is left out and named in an anomaly). RTFDE is slow
(about 25 s per MB of RTF, measured), so an RTF body larger than ``_RTFDE_MAX_BYTES`` is de-encapsulated by
the small linear RTF reader of this module instead.

extract-msg is an optional dependency (the ``outlook`` extra), imported on first use. Its loggers, and those
of RTFDE, are silenced while a file is read (unless the application set their level itself) and restored
afterwards: importing this module changes nothing.
"""

from __future__ import annotations

import base64
import codecs
import datetime as dt
import hashlib
import html as html_lib
import importlib
import logging
import re
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from email.header import Header
from email.utils import encode_rfc2231, format_datetime, formataddr
from typing import Any

from ..config import Limits
from ..errors import UnsupportedInput
from ..model import Anomaly, Kind, Message
from .email import parse_email

__all__ = ["RtfView", "msg_to_rfc822", "parse_msg", "rtf_to_html"]

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_INSTALL_HINT = (
    "La lecture des fichiers Outlook (.msg) demande l'extension « outlook », qui n'est pas "
    "installée. Installez-la avec : pip install 'sentinelle[outlook]'"
)

# Bounds on hostile files (each cut is an anomaly). extract-msg looks streams up by a linear scan of the
# directory, so the entry count bounds the cost of every lookup.
_MAX_OLE_ENTRIES = 20_000
_MAX_ATTACHMENTS = 200  # over the whole file, embedded messages included
_MAX_RECIPIENTS = 500
_MAX_NESTING = 8  # Outlook messages attached to attached messages...
_MAX_COMPRESSED_RTF = 8 * 1024 * 1024  # compressed_rtf decompresses in pure Python (about 3 MB/s)
_RTFDE_MAX_BYTES = 256 * 1024  # RTFDE measured at about 25 s per MB; above this, the linear reader here
_MAX_RTF_CHARS = 2_000_000  # characters produced from one RTF body
_MAX_RTF_DEPTH = 512  # RTF group nesting followed; deeper groups are read as part of their parent
_STREAM_SLACK = 1024 * 1024  # declared stream sizes may exceed twice the file size by this much

_NOISY_LOGGERS = ("extract_msg", "RTFDE", "olefile")
_DROPPED_HEADERS = frozenset(["content-type", "content-transfer-encoding", "mime-version", "content-disposition"])
_HEADER_FIELD = re.compile(r"[!-9;-~]+:")
_MIME_TYPE = re.compile(r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,63}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_META_CHARSET = re.compile(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]{1,40})", re.IGNORECASE)
_FILETIME_UNIX_EPOCH = 116444736000000000

# MAPI property tags ([MS-OXPROPS]) read from the fixed-size part of ``__properties_version1.0``.
_TAG_MESSAGE_FLAGS = 0x0E070003
_TAG_CLIENT_SUBMIT_TIME = 0x00390040
_TAG_DELIVERY_TIME = 0x0E060040
_TAG_INTERNET_CPID = 0x3FDE0003
_TAG_MESSAGE_CODEPAGE = 0x3FFD0003
_TAG_RECIPIENT_TYPE = 0x0C150003
_MSGFLAG_UNSENT = 0x8


# --------------------------------------------------------------------------------------------------------
# Entry points


def parse_msg(data: bytes, *, limits: Limits, callback_cues: tuple[str, ...], known_short: frozenset[str]) -> Message:
    """Build the ``Message`` of an Outlook ``.msg`` file (``kind=Kind.EMAIL``); never raises on content.

    The anomalies of the conversion (``MSG_*``) come first, then those of the e-mail parser. A file that
    cannot be read at all gives an empty text and ``MSG_UNREADABLE``.

    Raises ``UnsupportedInput`` when the ``outlook`` extra (extract-msg) is not installed.
    """
    raw, anomalies = msg_to_rfc822(data, max_bytes=limits.max_input_bytes)
    if not raw:
        return Message(kind=Kind.EMAIL, text="", anomalies=tuple(anomalies))
    parsed = parse_email(raw, limits=limits, callback_cues=callback_cues, known_short=known_short)
    return replace(parsed, anomalies=tuple(anomalies) + parsed.anomalies)


def msg_to_rfc822(data: bytes, *, max_bytes: int) -> tuple[bytes, list[Anomaly]]:
    """The e-mail (RFC 5322 bytes, at most ``max_bytes``) a ``.msg`` file stands for, and what was not read.

    Returns ``(b"", [MSG_UNREADABLE or MSG_TOO_LARGE])`` when the file cannot be read at all. A compound
    file cannot be cut and still be read, so a file over ``max_bytes`` is refused, not truncated.

    Raises ``UnsupportedInput`` when extract-msg (the ``outlook`` extra) is not installed.
    """
    libs = _load_libraries()
    data = bytes(data)
    if len(data) > max_bytes:
        return b"", [_anomaly("MSG_TOO_LARGE", limit=max_bytes, size=len(data))]
    if not data.startswith(_OLE_MAGIC):
        return b"", [_anomaly("MSG_UNREADABLE", error="not an OLE compound file")]
    with _quiet_logs():
        # The MIME structure (boundaries, part headers) is not counted part by part: keep room for it.
        converter = _Converter(libs, data, max_bytes - min(65536, max_bytes // 8))
        try:
            problem = _check_directory(libs, data)
            if problem:
                return b"", [_anomaly("MSG_UNREADABLE", error=problem)]
            raw = converter.convert_file()
        except Exception as exc:  # hostile content: olefile and extract-msg raise many types; recorded
            return b"", [_anomaly("MSG_UNREADABLE", error=_short_error(exc))]
    return raw, converter.anomalies


# --------------------------------------------------------------------------------------------------------
# Optional dependency, logging


@dataclass(frozen=True, slots=True)
class _Libraries:
    """The modules of the ``outlook`` extra, imported on first use."""

    extract_msg: Any
    olefile: Any
    compressed_rtf: Any
    rtfde: Any
    not_encapsulated: Any
    strip_rtf: Any
    init_attachment: Any
    error_behavior: Any
    attachment_type: Any
    lookup_code_page: Any


def _load_libraries() -> _Libraries:
    """Import extract-msg and what it brings (olefile, compressed_rtf, RTFDE), or say how to install it."""
    # importlib rather than import statements: olefile, compressed_rtf and RTFDE ship no type information,
    # and the extra may be absent where the type checker runs.
    try:
        extract_msg = importlib.import_module("extract_msg")
        olefile = importlib.import_module("olefile")
        compressed_rtf = importlib.import_module("compressed_rtf")
        rtfde = importlib.import_module("RTFDE")
        rtfde_errors = importlib.import_module("RTFDE.exceptions")
        attachments = importlib.import_module("extract_msg.attachments")
        encoding = importlib.import_module("extract_msg.encoding")
        enums = importlib.import_module("extract_msg.enums")
        utils = importlib.import_module("extract_msg.utils")
    except ImportError as exc:
        raise UnsupportedInput(f"{_INSTALL_HINT} ({type(exc).__name__}: {exc})") from exc
    return _Libraries(
        extract_msg,
        olefile,
        compressed_rtf,
        rtfde,
        rtfde_errors.NotEncapsulatedRtf,
        utils.stripRtf,
        attachments.initStandardAttachment,
        enums.ErrorBehavior,
        enums.AttachmentType,
        encoding.lookupCodePage,
    )


_quiet_lock = threading.Lock()
_quiet_users = 0
_quiet_saved: dict[str, int] = {}


@contextmanager
def _quiet_logs() -> Iterator[None]:
    """Silence extract-msg, RTFDE and olefile while a file is read; restore their levels afterwards.

    They log at WARNING and ERROR (with tracebacks) about what hostile files contain, which we report as
    anomalies instead. A logger whose level the application set is left alone. Concurrent conversions
    share one silencing: the first sets it, the last restores it.
    """
    global _quiet_users
    with _quiet_lock:
        if _quiet_users == 0:
            for name in _NOISY_LOGGERS:
                logger = logging.getLogger(name)
                if logger.level == logging.NOTSET:
                    _quiet_saved[name] = logger.level
                    logger.setLevel(logging.CRITICAL + 1)
        _quiet_users += 1
    try:
        yield
    finally:
        with _quiet_lock:
            _quiet_users -= 1
            if _quiet_users == 0:
                for name, level in _quiet_saved.items():
                    logging.getLogger(name).setLevel(level)
                _quiet_saved.clear()


def _anomaly(code: str, location: str | None = None, **params: object) -> Anomaly:
    return Anomaly(code, {k: str(v)[:200] for k, v in params.items()}, location)


def _short_error(exc: BaseException) -> str:
    text = " ".join(str(exc).split())[:160]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _check_directory(libs: _Libraries, data: bytes) -> str | None:
    """Why the compound file must not be read (too many entries, sizes it cannot hold), or ``None``.

    Each sector belongs to one stream, small streams live inside the root's mini stream: the declared
    sizes of a sound file add up to at most twice its size. A loop in a FAT chain lets a small file claim
    gigabytes; olefile follows such a chain for as long as the declared size asks.
    """
    ole = libs.olefile.OleFileIO(data, raise_defects=libs.olefile.DEFECT_INCORRECT)
    try:
        entries = [e for e in ole.direntries if e is not None]
        if len(entries) > _MAX_OLE_ENTRIES:
            return f"{len(entries)} directory entries (limit {_MAX_OLE_ENTRIES})"
        total = sum(e.size for e in entries if e.entry_type in (libs.olefile.STGTY_STREAM, libs.olefile.STGTY_ROOT))
        if total > 2 * len(data) + _STREAM_SLACK:
            return f"declared stream sizes ({total} bytes) exceed what the file can hold"
        return None
    finally:
        ole.close()


# --------------------------------------------------------------------------------------------------------
# The conversion


@dataclass(slots=True)
class _Failed:
    """Stands for an attachment extract-msg could not load (or that is over the cap) in its list."""

    dir: str
    error: str | None  # None: not loaded because of the attachment cap
    type: None = None


@dataclass(slots=True)
class _Body:
    """The readable bodies of one message, as text."""

    plain: str | None = None
    html: str | None = None


@dataclass(slots=True)
class _Converter:
    """One conversion: the shared output budget, counters and anomalies of a file and its embedded ones."""

    libs: _Libraries
    data: bytes
    budget: int
    anomalies: list[Anomaly] = field(default_factory=list)
    seed: str = ""
    boundaries: int = 0
    attachments_loaded: int = 0
    attachments_capped: int = 0

    def __post_init__(self) -> None:
        # Boundaries derive from a hash of the file: content cannot contain a line it would have to predict.
        self.seed = hashlib.sha256(self.data).hexdigest()[:24]

    def add(self, code: str, location: str | None = None, **params: object) -> None:
        self.anomalies.append(_anomaly(code, location, **params))

    def boundary(self) -> str:
        self.boundaries += 1
        return f"=_sentinelle_{self.seed}_{self.boundaries}"

    def spend(self, size: int) -> bool:
        """Take ``size`` bytes of the output budget; ``False`` (nothing taken) when they do not fit."""
        if size > self.budget:
            return False
        self.budget -= size
        return True

    # -- file --------------------------------------------------------------------------------------------

    def convert_file(self) -> bytes:
        """Open the file with extract-msg, convert it, always close it (it holds the OLE file)."""
        behaviour = self.libs.error_behavior
        # Every "log instead of raise" switch, except the lenient OLE mode: it lets olefile follow a stream
        # past its own FAT, which is how a small hostile file claims gigabytes.
        tolerant = behaviour.SUPPRESS_ALL & ~behaviour.OLE_DEFECT_INCORRECT
        # The base class: ``openMsg`` would build a ``Message``, which parses the header and body streams
        # while opening and fails the whole file on one badly encoded string (strict UTF-16 decoding).
        # ``strict=False`` reaches the embedded messages, which extract-msg opens with ``openMsg``: one of an
        # unknown class is then read as a plain message instead of failing.
        msg = self.libs.extract_msg.MSGFile(
            self.data, errorBehavior=tolerant, delayAttachments=True, initAttachment=self._init_attachment, strict=False
        )
        try:
            out = self.convert(msg, 0, "msg")
        finally:
            msg.close()
        if self.attachments_capped:
            self.add("MSG_ATTACHMENTS_TRUNCATED", limit=_MAX_ATTACHMENTS, dropped=self.attachments_capped)
        return out

    def _init_attachment(self, msg: Any, dir_: str) -> Any:
        """extract-msg's attachment loader, with a cap and without letting one attachment fail the list."""
        if self.attachments_loaded >= _MAX_ATTACHMENTS:
            self.attachments_capped += 1
            return _Failed(dir_, None)
        self.attachments_loaded += 1
        try:
            return self.libs.init_attachment(msg, dir_)
        except Exception as exc:  # hostile attachment storage; reported by ``_attachment_parts``
            return _Failed(dir_, _short_error(exc))

    def convert(self, msg: Any, depth: int, where: str) -> bytes:
        """One message (top-level or embedded) as RFC 5322 bytes."""
        reader = _Reader(self, msg, where)
        head = _header_lines(self, reader)
        signed = self._clear_signed_entity(reader)
        if signed is not None:
            return head + b"MIME-Version: 1.0\r\n" + signed
        body = self._bodies(reader)
        parts = [self._alternative(body)]
        parts.extend(self._attachment_parts(reader, depth))
        boundary = self.boundary()
        return (
            head
            + b"MIME-Version: 1.0\r\n"
            + f'Content-Type: multipart/mixed; boundary="{boundary}"\r\n\r\n'.encode("ascii")
            + _join_parts(parts, boundary)
        )

    # -- bodies ------------------------------------------------------------------------------------------

    def _bodies(self, reader: _Reader) -> _Body:
        """Plain and HTML bodies; when there is no HTML body, what the RTF body shows."""
        body = _Body(plain=reader.string(0x1000, "PR_BODY"), html=reader.html())
        if body.html is None:
            compressed = reader.stream("__substg1.0_10090102")
            if compressed:
                rtf = self._decompress_rtf(compressed, reader.where)
                if rtf:
                    from_rtf = self._rtf_body(rtf, reader.where)
                    body.html = from_rtf.html
                    if body.plain is None:
                        body.plain = from_rtf.plain
        return body

    def _decompress_rtf(self, compressed: bytes, where: str) -> bytes | None:
        if len(compressed) > _MAX_COMPRESSED_RTF:
            self.add("MSG_RTF_UNREADABLE", f"{where}:rtf", error=f"compressed RTF over {_MAX_COMPRESSED_RTF} bytes")
            return None
        try:
            rtf: bytes = self.libs.compressed_rtf.decompress(compressed)
        except Exception as exc:  # corrupt header, CRC or stream: compressed_rtf raises bare Exception
            self.add("MSG_RTF_UNREADABLE", f"{where}:rtf", error=_short_error(exc))
            return None
        return rtf

    def _rtf_body(self, rtf: bytes, where: str) -> _Body:
        """HTML encapsulated in the RTF (RTFDE, as extract-msg does it), else the RTF's own text and links.

        Native RTF (no ``\\fromhtml1``/``\\fromtext`` marker) goes straight to ``rtf_to_html``: RTFDE
        only de-encapsulates, and fails on some native bodies with errors that are not "not encapsulated".
        """
        if _rtf_encapsulation(rtf) is None:
            view = rtf_to_html(rtf, detect_encapsulation=False)
            return _Body(plain=view.text, html=view.html)
        if len(rtf) <= _RTFDE_MAX_BYTES:
            end = rtf.rfind(b"}")  # extract-msg's fix: some RTF bodies carry bytes after the last group
            try:
                deencapsulator = self.libs.rtfde.DeEncapsulator(self.libs.strip_rtf(rtf[: end + 1]))
                deencapsulator.deencapsulate()
            except self.libs.not_encapsulated:
                view = rtf_to_html(rtf, detect_encapsulation=False)
                return _Body(plain=view.text, html=view.html)
            except Exception as exc:  # RTFDE (lark) on malformed RTF: many types, RecursionError included
                self.add("MSG_RTF_UNREADABLE", f"{where}:rtf", error=_short_error(exc))
            else:
                if deencapsulator.content_type == "html":
                    return _Body(html=_as_text(deencapsulator.html))
                return _Body(plain=_as_text(deencapsulator.text))
        view = rtf_to_html(rtf)
        if view.encapsulated == "html":
            return _Body(html=view.html)
        return _Body(plain=view.text, html=None if view.encapsulated == "text" else view.html)

    def _alternative(self, body: _Body) -> bytes:
        """The ``multipart/alternative`` part of the bodies (an empty text part when there is none)."""
        parts: list[bytes] = []
        for subtype, text in (("plain", body.plain), ("html", body.html)):
            if text is None:
                continue
            payload = text.encode("utf-8", errors="replace")
            room = (self.budget * 3) // 4 - 1024
            if _b64_size(len(payload)) > self.budget:
                self.add("MSG_BODY_TRUNCATED", part=f"text/{subtype}", limit=max(room, 0))
                payload = payload[: max(room, 0)]
            self.spend(_b64_size(len(payload)))
            parts.append(_leaf(f'text/{subtype}; charset="utf-8"', payload))
        if not parts:
            parts.append(_leaf('text/plain; charset="utf-8"', b""))
        boundary = self.boundary()
        return f'Content-Type: multipart/alternative; boundary="{boundary}"\r\n\r\n'.encode("ascii") + _join_parts(
            parts, boundary
        )

    def _clear_signed_entity(self, reader: _Reader) -> bytes | None:
        """The stored MIME entity of a clear-signed message, which holds its real body and attachments."""
        message_class = (reader.string(0x001A, "PR_MESSAGE_CLASS") or "").strip().lower()
        if not message_class.startswith("ipm.note.smime.multipartsigned"):
            return None
        attachments = reader.attachments()
        if len(attachments) != 1 or isinstance(attachments[0], _Failed):
            return None
        try:
            data = reader.attachment_data(attachments[0])
        except Exception:  # read again, and reported, when the message is converted the ordinary way
            return None
        if not data or not re.match(rb"(?i)\s*(content-|mime-version)", data[:64]):
            return None
        if not self.spend(len(data)):
            return None
        return data

    # -- attachments -------------------------------------------------------------------------------------

    def _attachment_parts(self, reader: _Reader, depth: int) -> list[bytes]:
        parts: list[bytes] = []
        kinds = self.libs.attachment_type
        for index, att in enumerate(reader.attachments()):
            where = f"{reader.where}:attachment[{index}]"
            if isinstance(att, _Failed):
                if att.error is not None:
                    self.add(
                        "MSG_ATTACHMENT_UNREADABLE", where, name=reader.attachment_name(att) or "", error=att.error
                    )
                continue
            name = reader.attachment_name(att)
            try:
                kind = att.type
                if kind == kinds.MSG:
                    part = self._embedded_part(att.data, name, depth, where)
                elif kind == kinds.WEB:
                    part = self._reference_part(att, name, where)
                else:
                    part = self._data_part(reader, att, name, where)
            except Exception as exc:  # hostile attachment content read lazily by extract-msg
                self.add("MSG_ATTACHMENT_UNREADABLE", where, name=name or "", error=_short_error(exc))
                continue
            if part is not None:
                parts.append(part)
        return parts

    def _data_part(self, reader: _Reader, att: Any, name: str | None, where: str) -> bytes | None:
        data = reader.attachment_data(att)
        if data is None:
            kind = getattr(att.type, "name", str(att.type))
            self.add("MSG_ATTACHMENT_UNREADABLE", where, name=name or "", error=f"no data ({kind})")
            return None
        if not self.spend(_b64_size(len(data)) + 512):
            self.add("MSG_ATTACHMENT_SKIPPED", where, name=name or "", size=len(data), limit=self.budget)
            return None
        declared = reader.string(0x370E, "PR_ATTACH_MIME_TAG", att.dir) or ""
        declared = declared.strip().lower()
        ctype = declared if _MIME_TYPE.fullmatch(declared) else "application/octet-stream"
        if ctype.startswith(("multipart/", "message/")):  # bytes, not a structure to parse as ours
            ctype = "application/octet-stream"
        extra = ""
        content_id = _clean(reader.string(0x3712, "PR_ATTACH_CONTENT_ID", att.dir) or "")[:200]
        if content_id and re.fullmatch(r"[!-~]+", content_id):
            extra = f"Content-ID: <{content_id.strip('<>')}>\r\n"
        return _leaf(
            ctype + _name_param("name", name),
            data,
            extra=f"Content-Disposition: attachment{_name_param('filename', name)}\r\n{extra}",
        )

    def _embedded_part(self, inner: Any, name: str | None, depth: int, where: str) -> bytes | None:
        if depth + 1 > _MAX_NESTING:
            self.add("MSG_NESTING_TOO_DEEP", where, limit=_MAX_NESTING)
            return None
        converted = self.convert(inner, depth + 1, where)
        return (
            b"Content-Type: message/rfc822\r\nContent-Transfer-Encoding: 8bit\r\n"
            + f"Content-Disposition: attachment{_name_param('filename', name)}\r\n\r\n".encode("ascii")
            + converted
        )

    def _reference_part(self, att: Any, name: str | None, where: str) -> bytes | None:
        url = _clean(str(att.url or "")).strip()
        if not url:
            self.add("MSG_ATTACHMENT_UNREADABLE", where, name=name or "", error="web attachment without URL")
            return None
        payload = (url + "\r\n").encode("utf-8", errors="replace")
        if not self.spend(_b64_size(len(payload)) + 512):
            self.add("MSG_ATTACHMENT_SKIPPED", where, name=name or "", size=len(payload), limit=self.budget)
            return None
        return _leaf(
            'text/uri-list; charset="utf-8"' + _name_param("name", name),
            payload,
            extra=f"Content-Disposition: attachment{_name_param('filename', name)}\r\n",
        )


# --------------------------------------------------------------------------------------------------------
# Reading one message object


class _Reader:
    """Streams and properties of one message object (top-level or embedded), read leniently.

    Strings are read here rather than through extract-msg's properties, which decode UTF-16 strictly and
    raise on one odd byte; a badly encoded string is decoded with replacement characters and reported.
    """

    def __init__(self, conv: _Converter, msg: Any, where: str) -> None:
        self.conv = conv
        self.msg = msg
        self.where = where
        self.embedded = bool(getattr(msg, "prefix", ""))
        self._props: dict[int, bytes] | None = None
        self._attachments: list[Any] | None = None

    def stream(self, path: str | list[str]) -> bytes | None:
        try:
            data = self.msg.getStream(path)
        except Exception as exc:  # a broken FAT chain, a stream past the end of the file...
            shown = path if isinstance(path, str) else "/".join(path)
            self.conv.add("MSG_STREAM_UNREADABLE", self.where, stream=shown, error=_short_error(exc))
            return None
        return data if isinstance(data, bytes) else None

    def props(self, storage: str | None = None) -> dict[int, bytes]:
        """Fixed-size property values (8 bytes) of the message, or of one of its recipients/attachments."""
        if storage is None and self._props is not None:
            return self._props
        path: str | list[str] = [storage, "__properties_version1.0"] if storage else "__properties_version1.0"
        raw = self.stream(path) or b""
        skip = 8 if storage else (24 if self.embedded else 32)  # [MS-OXMSG] 2.4.1
        out: dict[int, bytes] = {}
        for pos in range(skip, len(raw) - 15, 16):
            tag = struct.unpack_from("<I", raw, pos)[0]
            out.setdefault(tag, raw[pos + 8 : pos + 16])
        if storage is None:
            self._props = out
        return out

    def integer(self, tag: int, storage: str | None = None) -> int | None:
        value = self.props(storage).get(tag)
        return struct.unpack("<I", value[:4])[0] if value else None

    def string(self, prop_id: int, label: str, storage: str | None = None) -> str | None:
        """A string property: Unicode (``001F``) stream, else 8-bit (``001E``) in the message's code page."""
        prefix = [storage] if storage else []
        raw = self.stream([*prefix, f"__substg1.0_{prop_id:04X}001F"])
        if raw is not None:
            text = raw.decode("utf-16-le", errors="replace")
            if len(raw) % 2 or ("\ufffd" in text and "\ufffd".encode("utf-16-le") not in raw):
                self.conv.add("MSG_BAD_STRING", self.where, property=label)
        else:
            raw = self.stream([*prefix, f"__substg1.0_{prop_id:04X}001E"])
            if raw is None:
                return None
            text = raw.decode(self.codec(_TAG_MESSAGE_CODEPAGE) or "cp1252", errors="replace")
        return text.rstrip("\x00")

    def codec(self, tag: int) -> str | None:
        """The Python codec of a code page property (PR_INTERNET_CPID, PR_MESSAGE_CODEPAGE), if usable."""
        page = self.integer(tag)
        if page is None:
            return None
        try:
            return codecs.lookup(self.conv.libs.lookup_code_page(page)).name
        except Exception:  # unknown or unsupported code page: the caller falls back
            return None

    def html(self) -> str | None:
        """PR_HTML as text: its code page (PR_INTERNET_CPID), else its ``<meta charset>``, else UTF-8/1252."""
        raw = self.stream("__substg1.0_10130102")
        if raw is None:
            return self.string(0x1013, "PR_HTML")
        for name in (self.codec(_TAG_INTERNET_CPID), _meta_charset(raw)):
            if name:
                return raw.decode(name, errors="replace")
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw.decode("cp1252", errors="replace")

    def attachments(self) -> list[Any]:
        if self._attachments is None:
            try:
                self._attachments = list(self.msg.attachments)
            except Exception as exc:  # the attachment list itself (named properties storage...) is broken
                self.conv.add("MSG_ATTACHMENT_UNREADABLE", self.where, name="", error=_short_error(exc))
                self._attachments = []
        return self._attachments

    def attachment_name(self, att: Any) -> str | None:
        for prop_id, label in (
            (0x3707, "PR_ATTACH_LONG_FILENAME"),
            (0x3704, "PR_ATTACH_FILENAME"),
            (0x3001, "PR_DISPLAY_NAME"),
        ):
            name = _clean(self.string(prop_id, label, att.dir) or "").strip()
            if name:
                return name[:255]
        return None

    def attachment_data(self, att: Any) -> bytes | None:
        data = att.data
        return data if isinstance(data, bytes) else None

    def recipients(self) -> Iterator[tuple[int, str | None, str | None]]:
        """(type, display name, SMTP address) of each recipient storage: 1 To, 2 Cc, 3 Bcc."""
        try:
            dirs = sorted(
                {
                    path[0]
                    for path in self.msg.listDir(False, True, False)
                    if path and path[0].lower().startswith("__recip_version1.0_")
                }
            )
        except Exception as exc:
            self.conv.add("MSG_STREAM_UNREADABLE", self.where, stream="recipients", error=_short_error(exc))
            return
        if len(dirs) > _MAX_RECIPIENTS:
            self.conv.add("MSG_RECIPIENTS_TRUNCATED", self.where, limit=_MAX_RECIPIENTS)
            dirs = dirs[:_MAX_RECIPIENTS]
        for storage in dirs:
            kind = self.integer(_TAG_RECIPIENT_TYPE, storage)
            kind = 1 if kind is None else kind & 0xF  # MAPI_TO when the type is missing
            name = self.string(0x3001, "PR_DISPLAY_NAME", storage)
            address = self.string(0x39FE, "PR_SMTP_ADDRESS", storage)
            if not address or "@" not in address:
                address = self.string(0x3003, "PR_EMAIL_ADDRESS", storage)
            yield kind, name, address


# --------------------------------------------------------------------------------------------------------
# Headers


def _header_lines(conv: _Converter, reader: _Reader) -> bytes:
    """The header block (without the blank line): transport headers when stored, else built from MAPI."""
    transport = reader.string(0x007D, "PR_TRANSPORT_MESSAGE_HEADERS")
    mapi = _mapi_headers(reader)
    fields: list[str] = []
    if transport and transport.strip():
        fields, dropped = _split_header_block(transport)
        if dropped:
            conv.add("MSG_HEADERS_MALFORMED", f"{reader.where}:headers", dropped=dropped)
        present = {f.split(":", 1)[0].strip().lower() for f in fields}
        fields = [f for f in fields if f.split(":", 1)[0].strip().lower() not in _DROPPED_HEADERS]
        for name in ("From", "Subject"):  # what Outlook shows, when the stored headers lack it
            if name.lower() not in present and name in mapi:
                fields.append(mapi[name])
    else:
        fields = list(mapi.values())
    block = "".join(f + "\r\n" for f in fields)
    encoded = block.encode("utf-8", errors="replace")
    conv.spend(len(encoded))
    return encoded


def _split_header_block(text: str) -> tuple[list[str], int]:
    """Header fields (continuation lines folded back with CRLF) and the count of lines that are not fields."""
    if text.startswith("Microsoft Mail Internet Headers Version 2.0"):
        text = text[len("Microsoft Mail Internet Headers Version 2.0") :]
    fields: list[list[str]] = []
    dropped = 0
    for line in re.split(r"\r\n|\r|\n", text):
        if not line.strip():
            continue  # never a body separator: what follows could forge a body
        if line[0] in " \t":
            if fields:
                fields[-1].append(line)
            else:
                dropped += 1
        elif _HEADER_FIELD.match(line):
            fields.append([line])
        else:
            dropped += 1
    return ["\r\n".join(lines) for lines in fields], dropped


def _mapi_headers(reader: _Reader) -> dict[str, str]:
    """Header fields built from MAPI properties, keyed by field name, in the usual order."""
    out: dict[str, str] = {}
    # "Sent representing" is what Outlook shows as From; "sender" is who actually sent it (on behalf of).
    shown_name = reader.string(0x0042, "PR_SENT_REPRESENTING_NAME")
    shown_addr = _smtp(
        reader.string(0x5D02, "PR_SENT_REPRESENTING_SMTP_ADDRESS"),
        reader.string(0x0065, "PR_SENT_REPRESENTING_EMAIL_ADDRESS"),
    )
    sender_name = reader.string(0x0C1A, "PR_SENDER_NAME")
    sender_addr = _smtp(
        reader.string(0x5D01, "PR_SENDER_SMTP_ADDRESS"), reader.string(0x0C1F, "PR_SENDER_EMAIL_ADDRESS")
    )
    if not (shown_name or shown_addr):
        shown_name, shown_addr = sender_name, sender_addr
    if shown_name or shown_addr:
        out["From"] = "From: " + _mailbox(shown_name, shown_addr)
    if sender_addr and shown_addr and sender_addr.lower() != shown_addr.lower():
        out["Sender"] = "Sender: " + _mailbox(sender_name, sender_addr)
    groups: dict[int, list[str]] = {1: [], 2: [], 3: []}
    for kind, name, address in reader.recipients():
        if kind in groups:
            groups[kind].append(_mailbox(name, _smtp(address)))
    for kind, label in ((1, "To"), (2, "Cc"), (3, "Bcc")):
        if groups[kind]:
            out[label] = f"{label}: " + ", ".join(groups[kind])
    subject = reader.string(0x0037, "PR_SUBJECT")
    if subject is not None:
        out["Subject"] = "Subject: " + _encode_words(subject)
    flags = reader.integer(_TAG_MESSAGE_FLAGS)
    if flags is None or not flags & _MSGFLAG_UNSENT:
        when = _filetime(reader.props().get(_TAG_CLIENT_SUBMIT_TIME)) or _filetime(
            reader.props().get(_TAG_DELIVERY_TIME)
        )
        if when is not None:
            out["Date"] = "Date: " + format_datetime(when)
    message_id = _clean(reader.string(0x1035, "PR_INTERNET_MESSAGE_ID") or "").strip()
    if message_id:
        out["Message-ID"] = "Message-ID: " + message_id[:998]
    return out


def _smtp(*candidates: str | None) -> str | None:
    """The first candidate that looks like an SMTP address (Exchange "EX" addresses do not)."""
    for value in candidates:
        value = _clean(value or "").strip().strip("<>")
        if "@" in value and " " not in value:
            return value[:320]
    return None


def _mailbox(name: str | None, address: str | None) -> str:
    """``Name <address>``, or the name alone (quoted or encoded) when there is no SMTP address."""
    name = " ".join(_clean(name or "").split())[:512]
    if address:
        return formataddr((name, address), charset="utf-8")
    if not name.isascii():
        return Header(name, "utf-8").encode(linesep="\r\n")
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"' if name else ""


def _encode_words(value: str) -> str:
    value = " ".join(_clean(value).split())
    if value.isascii():
        return value
    return Header(value, "utf-8").encode(linesep="\r\n")


def _clean(value: str) -> str:
    """Control characters (CR and LF included: header injection) replaced by spaces."""
    return _CONTROL.sub(" ", value)


def _filetime(raw: bytes | None) -> dt.datetime | None:
    """A FILETIME property as an aware UTC datetime (never the local time zone), or ``None``."""
    if not raw or len(raw) < 8:
        return None
    ticks = struct.unpack("<Q", raw[:8])[0]
    if ticks == 0:
        return None
    try:
        when = dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=(ticks - _FILETIME_UNIX_EPOCH) // 10)
    except OverflowError:
        return None
    return when if 1980 <= when.year <= 2100 else None


# --------------------------------------------------------------------------------------------------------
# MIME assembly


def _b64_size(n: int) -> int:
    encoded = 4 * ((n + 2) // 3)
    return encoded + 2 * ((encoded + 75) // 76) + 256  # CRLF per 76-character line, part headers


def _leaf(content_type: str, payload: bytes, *, extra: str = "") -> bytes:
    body = base64.encodebytes(payload).replace(b"\n", b"\r\n")
    head = f"Content-Type: {content_type}\r\n{extra}Content-Transfer-Encoding: base64\r\n\r\n"
    return head.encode("ascii") + body


def _join_parts(parts: list[bytes], boundary: str) -> bytes:
    delimiter = f"\r\n--{boundary}\r\n".encode("ascii")
    return delimiter[2:] + delimiter.join(parts) + f"\r\n--{boundary}--\r\n".encode("ascii")


def _name_param(param: str, name: str | None) -> str:
    """``; filename="..."`` (RFC 2231 encoded when not ASCII), or nothing."""
    if not name:
        return ""
    name = _clean(name)
    if name.isascii():
        escaped = name.replace("\\", "\\\\").replace('"', '\\"')
        return f'; {param}="{escaped}"'
    return f"; {param}*={encode_rfc2231(name, 'utf-8')}"


def _meta_charset(raw: bytes) -> str | None:
    match = _META_CHARSET.search(raw[:4096])
    if match is None:
        return None
    try:
        info = codecs.lookup(match.group(1).decode("ascii"))
    except (LookupError, UnicodeError):
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in ("idna", "punycode", "utf-7"):
        return None
    return info.name


def _as_text(value: str | bytes | None) -> str | None:
    """RTFDE output (UTF-8 bytes) as text."""
    if value is None or isinstance(value, str):
        return value
    return value.decode("utf-8", errors="replace")


# --------------------------------------------------------------------------------------------------------
# RTF


@dataclass(slots=True)
class RtfView:
    """What an RTF body shows: ``text`` (links as their displayed text) and ``html`` (links as anchors).

    ``encapsulated`` is ``"html"`` or ``"text"`` when the RTF carries another body ([MS-OXRTFEX]
    ``\\fromhtml1`` / ``\\fromtext``); for ``"html"``, ``html`` is that HTML and ``text`` is empty.
    """

    text: str
    html: str
    encapsulated: str | None = None
    links: list[tuple[str, str]] = field(default_factory=list)  # (target, displayed text)


# Tokens: control word (+ parameter, + the one space that ends it), hex byte, control symbol, brace,
# line break (ignored in RTF), text run.
_RTF_TOKEN = re.compile(
    rb"\\([a-zA-Z]{1,32})(-?[0-9]{1,10})? ?|\\'([0-9a-fA-F]{2})|\\([^a-zA-Z'])|([{}])"
    rb"|[\r\n]+|([^\\{}\r\n]+)"
)
# Destinations whose content is never shown (tables, pictures, metadata, page headers, comments).
_RTF_SKIPPED = frozenset(
    [
        "fonttbl",
        "colortbl",
        "stylesheet",
        "info",
        "pict",
        "object",
        "objdata",
        "themedata",
        "colorschememapping",
        "datastore",
        "latentstyles",
        "listtable",
        "listoverridetable",
        "rsidtbl",
        "generator",
        "xmlnstbl",
        "filetbl",
        "revtbl",
        "pgdsctbl",
        "mmathPr",
        "header",
        "footer",
        "headerl",
        "headerr",
        "headerf",
        "footerl",
        "footerr",
        "footerf",
        "ftnsep",
        "ftnsepc",
        "ftncn",
        "aftnsep",
        "aftnsepc",
        "aftncn",
        "bkmkstart",
        "bkmkend",
        "template",
        "xe",
        "tc",
        "txe",
        "private",
        "userprops",
        "wgrffmtfilter",
        "pnseclvl",
        "shppict",
        "nonshppict",
        "blipuid",
        "fldtype",
        "mhtmltag",
        "htmlbase",
        "annotation",
        "atnid",
        "atnauthor",
        "comment",
    ]
)
_RTF_BREAKS = frozenset(["par", "line", "sect", "page", "row"])
_RTF_CHARS = {
    "tab": "\t",
    "cell": " ",
    "emdash": "\u2014",
    "endash": "\u2013",
    "lquote": "\u2018",
    "rquote": "\u2019",
    "ldblquote": "\u201c",
    "rdblquote": "\u201d",
    "bullet": "\u2022",
    "emspace": " ",
    "enspace": " ",
    "qmspace": " ",
}
_RTF_SYMBOLS = {
    "~": "\u00a0",
    "_": "\u2011",
    "-": "",
    "\\": "\\",
    "{": "{",
    "}": "}",
    "\n": "\n",
    "\r": "\n",
    "\t": "\t",
}
_HYPERLINK = re.compile(r"^\s*HYPERLINK\s+(.*)$", re.IGNORECASE | re.DOTALL)
_FIELD_ARG = re.compile(r'"([^"]*)"|(\\[A-Za-z])|(\S+)')


@dataclass(slots=True)
class _Field:
    """A ``{\\field{\\*\\fldinst ...}{\\fldrslt ...}}`` being read."""

    instruction: list[str] = field(default_factory=list)
    result: list[str | tuple[str, str]] = field(default_factory=list)


@dataclass(slots=True)
class _Group:
    """Reader state scoped to one RTF group ``{...}``."""

    skip: bool = False  # inside a destination that is not shown
    uc: int = 1  # characters that follow \\uN as its fallback
    htmlrtf: bool = False  # [MS-OXRTFEX]: RTF-only content, not part of the encapsulated HTML
    target: list[str | tuple[str, str]] | None = None  # where shown text goes (None: the document)
    capture: list[str] | None = None  # field instruction or HTML tag being collected
    raw_html: bool = False  # the capture is an \\*\\htmltag: emitted as HTML, unescaped
    field: _Field | None = None  # set on the group that opened a field
    star: bool = False  # the last token was \\*: the next control word names an optional destination


def rtf_to_html(rtf: bytes, *, detect_encapsulation: bool = True) -> RtfView:
    """Read an RTF body linearly: its text and links, or the HTML or text it encapsulates.

    Linear in the input and bounded (``_MAX_RTF_CHARS`` out, ``_MAX_RTF_DEPTH`` nesting followed): this
    is the fallback for RTF that RTFDE cannot read or is too slow for, and the reader of native RTF bodies
    (which RTFDE does not render). Fonts' own charsets (``\\fcharset``) are ignored: text is decoded with
    the document code page (``\\ansicpg``), which is right for the Western European mail this project reads.
    With ``detect_encapsulation=False`` the body is read as native RTF even if its header says otherwise.
    """
    mode = _rtf_encapsulation(rtf) if detect_encapsulation else None
    reader = _RtfReader(mode == "html")
    reader.feed(rtf)
    segments = reader.finish()
    links = [seg for seg in segments if isinstance(seg, tuple)]
    if mode == "html":
        markup = "".join(seg if isinstance(seg, str) else seg[1] for seg in segments)
        return RtfView(text="", html=markup, encapsulated="html", links=links)
    text = "".join(seg if isinstance(seg, str) else seg[1] for seg in segments)
    markup = "".join(
        html_lib.escape(seg).replace("\n", "<br>\n")
        if isinstance(seg, str)
        else f'<a href="{html_lib.escape(seg[0], quote=True)}">{html_lib.escape(seg[1])}</a>'
        for seg in segments
    )
    return RtfView(text=text, html=f"<html><body>{markup}</body></html>", encapsulated=mode, links=links)


class _RtfReader:
    """The state machine behind ``rtf_to_html`` (one instance per body)."""

    def __init__(self, html_mode: bool) -> None:
        self.html_mode = html_mode
        self.out: list[str | tuple[str, str]] = []
        self.stack: list[_Group] = []
        self.group = _Group()
        self.overflow = 0  # groups opened beyond _MAX_RTF_DEPTH, read as part of their parent
        self.codec = "cp1252"
        self.pending = bytearray()  # bytes of text waiting to be decoded with the code page
        self.to_skip = 0  # fallback characters still to drop after a \\uN
        self.size = 0

    def feed(self, rtf: bytes) -> None:
        pos, end = 0, len(rtf)
        while pos < end and self.size < _MAX_RTF_CHARS:
            match = _RTF_TOKEN.match(rtf, pos)
            if match is None:  # a lone backslash at the very end
                break
            pos = match.end()
            word, param, hexa, symbol, brace, text = match.groups()
            if text is not None:
                self.text_bytes(text)
            elif hexa is not None:
                self.text_bytes(bytes([int(hexa, 16)]))
            elif word is not None:
                self.flush()
                if word == b"bin":  # binary data: skip it whole, it is never text
                    pos += max(0, min(int(param or 0), end - pos))
                    continue
                self.control(word.decode("ascii"), int(param) if param is not None else None)
            elif symbol is not None:
                self.flush()
                self.control_symbol(symbol.decode("latin-1"))
            elif brace is not None:
                self.flush()
                if brace == b"{":
                    self.open_group()
                else:
                    self.close_group()

    def finish(self) -> list[str | tuple[str, str]]:
        self.flush()
        while self.stack:  # unclosed groups: close them, fields included
            self.close_group()
        out: list[str | tuple[str, str]] = []
        for seg in self.out:
            if isinstance(seg, str) and out and isinstance(out[-1], str):
                out[-1] += seg
            else:
                out.append(seg)
        return [_join_surrogates(seg) if isinstance(seg, str) else seg for seg in out]

    # -- text --------------------------------------------------------------------------------------------

    def text_bytes(self, data: bytes) -> None:
        if self.to_skip:
            dropped = min(self.to_skip, len(data))
            self.to_skip -= dropped
            data = data[dropped:]
        if data and not self.group.skip:
            self.pending += data

    def flush(self) -> None:
        if self.pending:
            text = bytes(self.pending).decode(self.codec, errors="replace")
            self.pending.clear()
            self.emit(text)

    def emit(self, text: str) -> None:
        group = self.group
        if group.skip or not text:
            return
        if group.capture is not None:
            group.capture.append(text)
            return
        if self.html_mode and group.htmlrtf:
            return
        self.size += len(text)
        target = group.target if group.target is not None else self.out
        target.append(text)

    # -- control words -----------------------------------------------------------------------------------

    def control(self, word: str, param: int | None) -> None:
        group = self.group
        if group.star:
            group.star = False
            if word in ("fldinst", "htmltag") or (word.startswith("htmltag") and word[7:].isdigit()):
                pass  # handled below as a destination we read
            else:
                group.skip = True
                return
        if group.skip:
            return
        if word in _RTF_SKIPPED:
            group.skip = True
        elif word == "fldinst":
            if self.html_mode:  # encapsulated HTML: fields are the RTF rendering of <a>, already in the HTML
                group.skip = True
            elif group.field is None and self.stack and self.stack[-1].field is not None:
                group.capture = self.stack[-1].field.instruction
            else:
                group.capture = []
        elif word == "htmltag":
            if self.html_mode:
                group.capture, group.raw_html = [], True
            else:
                group.skip = True
        elif word == "fldrslt":
            owner = self.stack[-1].field if self.stack else None
            if owner is not None:
                group.target = owner.result
        elif word == "field" and not self.html_mode:
            group.field = _Field()
        elif word == "htmlrtf":
            group.htmlrtf = param != 0
        elif word == "uc" and param is not None:
            group.uc = max(0, min(param, 16))
        elif word == "u" and param is not None:
            self.emit(chr(param % 65536))
            self.to_skip = group.uc
        elif word == "ansicpg" and param is not None:
            self.codec = _rtf_codec(param) or self.codec
        elif word in ("mac", "pc", "pca"):
            self.codec = {"mac": "mac_roman", "pc": "cp437", "pca": "cp850"}[word]
        elif word in _RTF_BREAKS:
            self.emit("\r\n" if self.html_mode else "\n")
        elif word in _RTF_CHARS:
            self.emit(_RTF_CHARS[word])

    def control_symbol(self, symbol: str) -> None:
        if symbol == "*":
            self.group.star = True
            return
        value = _RTF_SYMBOLS.get(symbol)
        if value is not None:
            self.emit(value)

    # -- groups ------------------------------------------------------------------------------------------

    def open_group(self) -> None:
        self.to_skip = 0
        if len(self.stack) >= _MAX_RTF_DEPTH:
            self.overflow += 1
            return
        parent = self.group
        self.stack.append(parent)
        self.group = _Group(
            skip=parent.skip,
            uc=parent.uc,
            htmlrtf=parent.htmlrtf,
            target=parent.target,
            capture=parent.capture,
            raw_html=parent.raw_html,
        )

    def close_group(self) -> None:
        self.to_skip = 0
        if self.overflow:
            self.overflow -= 1
            return
        if not self.stack:
            return  # unbalanced closing brace
        closing = self.group
        self.group = self.stack.pop()
        if closing.raw_html and closing.capture is not None and not self.group.raw_html:
            html = "".join(closing.capture)
            if not closing.skip and html:
                self.size += len(html)
                target = self.group.target if self.group.target is not None else self.out
                target.append(html)
        if closing.field is not None:
            self.close_field(closing.field)

    def close_field(self, fld: _Field) -> None:
        """A finished field: a HYPERLINK becomes a link over its result text, any other field its result."""
        shown = _join_surrogates("".join(seg if isinstance(seg, str) else seg[1] for seg in fld.result))
        target = self.group.target if self.group.target is not None else self.out
        if self.group.skip:
            return
        url = _hyperlink_target("".join(fld.instruction))
        if url and not (self.html_mode and self.group.htmlrtf):
            target.append((url, " ".join(shown.split())))
        elif not (self.html_mode and self.group.htmlrtf):
            target.extend(fld.result)


def _rtf_encapsulation(rtf: bytes) -> str | None:
    """``"html"`` or ``"text"`` when the RTF header carries [MS-OXRTFEX]'s ``\\fromhtml1``/``\\fromtext``."""
    cut = rtf.find(b"{\\fonttbl", 0, 4096)
    header = rtf[:cut] if cut != -1 else rtf[:1024]  # the marker precedes the font table
    if b"\\fromhtml1" in header:
        return "html"
    return "text" if b"\\fromtext" in header else None


def _join_surrogates(text: str) -> str:
    """Text in which ``\\uN`` surrogate pairs become one character and lone surrogates U+FFFD."""
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def _hyperlink_target(instruction: str) -> str | None:
    """The URL of a ``HYPERLINK "url" \\o "tip"`` field instruction; ``None`` for bookmarks (``\\l``)."""
    match = _HYPERLINK.match(instruction)
    if match is None:
        return None
    args = _FIELD_ARG.findall(match.group(1)[:4096])
    skip_next = False
    for quoted, switch, bare in args:
        if switch:
            if switch[1].lower() == "l":
                return None
            skip_next = switch[1].lower() in ("o", "t")  # switches with an argument
            continue
        if skip_next:
            skip_next = False
            continue
        url = (quoted or bare).strip()
        return url[:2048] or None
    return None


def _rtf_codec(page: int) -> str | None:
    """Python codec of an RTF ``\\ansicpg``; ``None`` when unknown."""
    name = {
        65001: "utf-8",
        10000: "mac_roman",
        20127: "ascii",
        28591: "latin-1",
        28605: "iso8859_15",
        1200: "utf-16-le",
    }.get(page, f"cp{page}")
    try:
        info = codecs.lookup(name)
    except LookupError:
        return None
    return info.name if getattr(info, "_is_text_encoding", True) else None
