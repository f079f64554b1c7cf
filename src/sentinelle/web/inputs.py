"""From an HTTP request to what the engine needs: bounded body reading, JSON or multipart, checked fields.

Everything here is hostile input. The body is read with a hard cap (``Content-Length`` is checked first, then
the bytes actually received); multipart bodies are parsed **in memory** by python-multipart's streaming
parser (Starlette's form parser spools files over 1 MB to a temporary file, and nothing submitted may be
stored); uploads are typed by their content, not their name. Every failure is a ``WebError`` with an HTTP
status and a stable code whose text lives in ``data/web_<lang>.toml``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from ..model import Kind
from ..parsing.detect_kind import kind_from_bytes
from ..resources import LANGS

TextKind = Literal["sms", "call", "voicemail", "email", "url", "phone"]
UploadKind = Literal["sms", "call", "voicemail", "email", "url", "phone", "image", "audio", "webpage"]
_UPLOAD_KINDS = frozenset({Kind.EMAIL, Kind.IMAGE, Kind.AUDIO, Kind.WEBPAGE})  # web pages: issue 9
_TEXT_SUFFIXES = (".eml", ".txt", ".msg", ".text", ".mbox")
# Binary formats people may pick by mistake: refused by content rather than passed to the text decoder.
_BINARY_MAGIC = (b"PK\x03\x04", b"%PDF", b"MZ", b"\x7fELF", b"\x1f\x8b", b"7z\xbc\xaf", b"Rar!", b"\xca\xfe\xba\xbe")
MAX_PARTS = 12


class WebError(Exception):
    """A request the door refuses: HTTP ``status``, stable ``code`` (key of ``[errors]`` in the page texts),
    ``params`` for that text, and an optional ``detail`` (the engine's own message, in French)."""

    def __init__(
        self,
        status: int,
        code: str,
        *,
        detail: str = "",
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        errors: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.detail = detail
        self.params = dict(params or {})
        self.headers = dict(headers or {})
        self.errors = errors or []


class AnalyzeRequest(BaseModel):
    """JSON body of ``POST /api/v1/analyze``. Give ``text`` (any kind), or ``url``, or just ``caller_id``."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(None, description="The message as received (SMS, transcript, raw e-mail, URL, number).")
    kind: TextKind | None = Field(None, description="What the text is; guessed from the text when omitted.")
    sender: str | None = Field(None, max_length=256, description="SMS sender number or name, e.g. +33612345678.")
    caller_id: str | None = Field(None, max_length=64, description="Number shown for a call or voicemail.")
    url: str | None = Field(None, max_length=8192, description="A link to check (same as text with kind=url).")
    lang: Literal["fr", "en"] = Field("fr", description="Language of explanations and advice.")
    fetch: bool = Field(
        False, description="Fetch the page at `url` and analyse it (only where the operator enabled fetching)."
    )


class UploadFields(BaseModel):
    """Text fields that may come with a multipart upload (``file``), or replace it (``text``)."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = None
    kind: UploadKind | None = None
    sender: str | None = Field(None, max_length=256)
    caller_id: str | None = Field(None, max_length=64)
    lang: Literal["fr", "en"] = "fr"
    url: str | None = Field(None, max_length=8192)  # the address of an uploaded web page (issue 9)


@dataclass(slots=True)
class Part:
    """One part of a multipart body, held in memory."""

    name: str
    filename: str | None
    content_type: str
    data: bytearray = field(default_factory=bytearray)


@dataclass(frozen=True, slots=True)
class AnalyzeInput:
    """One analysis to run: ``source`` is text or uploaded bytes; ``media`` is the sniffed kind of bytes."""

    source: str | bytes
    kind: str | None
    sender: str | None
    caller_id: str | None
    lang: str
    filename: str | None = None
    media: Kind | None = None
    url: str | None = None  # a web page's address (issue 9)
    fetch: bool = False  # fetch the page at ``url`` (refused unless the operator enabled it)


def content_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


async def read_body(request: Request, limit: int) -> bytes:
    """The whole body, or ``WebError(413)`` as soon as it would exceed ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise WebError(400, "input", detail="Content-Length invalide")
        if int(declared) > limit:
            raise WebError(413, "too_large", params={"limit": human_size(limit)})
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise WebError(413, "too_large", params={"limit": human_size(limit)})
        chunks.append(chunk)
    return b"".join(chunks)


def human_size(n: int) -> str:
    """A size in mebibytes for the error texts ("20", "0.25"), which add the unit in their language."""
    return f"{n / (1024 * 1024):.3g}"


def validation_errors(exc: ValidationError) -> list[dict[str, Any]]:
    """Pydantic's errors reduced to what a client needs (no echo of the rejected input)."""
    return [{"field": ".".join(str(p) for p in e["loc"]) or "body", "message": e["msg"]} for e in exc.errors()]


def _invalid(exc: ValidationError) -> WebError:
    errors = validation_errors(exc)
    return WebError(422, "invalid", detail="; ".join(f"{e['field']}: {e['message']}" for e in errors), errors=errors)


def parse_json(body: bytes, max_text_chars: int) -> AnalyzeInput:
    """A JSON body -> ``AnalyzeInput``; 400 for what is not JSON, 422 for what JSON does not fit the schema."""
    if not body.strip():
        raise WebError(400, "empty")
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise WebError(400, "bad_json", detail=str(exc)[:200]) from None
    if not isinstance(data, dict):
        raise WebError(422, "invalid", detail='le corps JSON doit être un objet, par exemple {"text": "..."}')
    try:
        req = AnalyzeRequest.model_validate(data)
    except ValidationError as exc:
        raise _invalid(exc) from None
    text = req.text
    kind: str | None = req.kind
    if req.url is not None:
        if text is not None:
            raise WebError(422, "text_and_url")
        if kind not in (None, "url"):
            raise WebError(422, "invalid", detail="url: kind doit être « url » ou absent")
        if req.fetch:  # issue 9: the door checks that the operator enabled fetching
            return AnalyzeInput("", "webpage", None, None, req.lang, url=req.url, fetch=True)
        text, kind = req.url, "url"
    elif req.fetch:
        raise WebError(422, "invalid", detail="fetch: donnez l'adresse de la page (url)")
    return _text_input(text, kind, req.sender, req.caller_id, req.lang, max_text_chars)


def _text_input(
    text: str | None, kind: str | None, sender: str | None, caller_id: str | None, lang: str, max_chars: int
) -> AnalyzeInput:
    sender = sender.strip() or None if sender else None
    caller_id = caller_id.strip() or None if caller_id else None
    if text is None or not text.strip():
        if caller_id is None:
            raise WebError(422, "empty")
        # A number that called, with nothing said: judged as a call from that caller ID.
        return AnalyzeInput("", kind or "call", sender, caller_id, lang)
    if len(text) > max_chars:
        raise WebError(422, "text_too_long", params={"limit": f"{max_chars:,}".replace(",", " ")})
    return AnalyzeInput(text, kind, sender, caller_id, lang)


def parse_multipart(body: bytes, header: str) -> list[Part]:
    """Parts of a ``multipart/form-data`` body, in memory; ``WebError(400)`` when it cannot be parsed."""
    _, options = parse_options_header(header)
    boundary = options.get(b"boundary")
    if not boundary:
        raise WebError(400, "bad_multipart", detail="boundary manquant dans Content-Type")
    parts: list[Part] = []
    current: list[Part] = []
    headers: dict[str, str] = {}
    name_buf = bytearray()
    value_buf = bytearray()

    def on_part_begin() -> None:
        headers.clear()
        if len(parts) >= MAX_PARTS:
            raise WebError(400, "bad_multipart", detail=f"plus de {MAX_PARTS} parties")

    def on_header_field(data: bytes, start: int, end: int) -> None:
        name_buf.extend(data[start:end])

    def on_header_value(data: bytes, start: int, end: int) -> None:
        value_buf.extend(data[start:end])

    def on_header_end() -> None:
        headers[name_buf.decode("latin-1").lower()] = value_buf.decode("utf-8", "replace")
        name_buf.clear()
        value_buf.clear()

    def on_headers_finished() -> None:
        _, disposition = parse_options_header(headers.get("content-disposition", ""))
        name = disposition.get(b"name", b"").decode("utf-8", "replace")
        raw_filename = disposition.get(b"filename")
        filename = raw_filename.decode("utf-8", "replace") if raw_filename is not None else None
        current[:] = [Part(name, filename, headers.get("content-type", "").split(";", 1)[0].strip().lower())]

    def on_part_data(data: bytes, start: int, end: int) -> None:
        current[0].data.extend(data[start:end])

    def on_part_end() -> None:
        parts.append(current[0])

    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": on_part_begin,
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_headers_finished": on_headers_finished,
            "on_part_data": on_part_data,
            "on_part_end": on_part_end,
        },
    )
    try:
        parser.write(body)
        parser.finalize()
    except WebError:
        raise
    except Exception as exc:  # noqa: BLE001 - python-multipart raises several types on malformed bodies
        raise WebError(400, "bad_multipart", detail=str(exc)[:200]) from None
    return parts


def form_input(parts: list[Part], max_text_chars: int, max_upload_bytes: int) -> AnalyzeInput:
    """Multipart parts (API upload or the page's form) -> ``AnalyzeInput``.

    A ``file`` part with content wins over nothing; a file and a non-empty text together are refused (which
    one did the person mean?). Empty file inputs (a form sent without choosing a file) are ignored.
    """
    fields: dict[str, str] = {}
    upload: Part | None = None
    for part in parts:
        if part.name == "file":
            if part.data:
                if upload is not None:
                    raise WebError(422, "invalid", detail="un seul fichier à la fois")
                upload = part
            continue
        if part.name in fields:
            raise WebError(422, "invalid", detail=f"champ en double : {part.name[:40]}")
        if len(part.data) > max_text_chars * 4:
            raise WebError(422, "text_too_long", params={"limit": f"{max_text_chars:,}".replace(",", " ")})
        fields[part.name] = part.data.decode("utf-8", "replace")
    fields.pop("csrf", None)  # the page's token, checked before
    values = {k: v for k, v in fields.items() if v.strip() or k == "text"}
    if values.get("kind") == "auto":
        values.pop("kind")
    try:
        form = UploadFields.model_validate(values)
    except ValidationError as exc:
        raise _invalid(exc) from None
    if upload is None:
        if form.kind in ("image", "audio"):
            raise WebError(422, "empty")
        if form.url and not (form.text and form.text.strip()):
            return _text_input(form.url, "url", form.sender, form.caller_id, form.lang, max_text_chars)
        return _text_input(form.text, form.kind, form.sender, form.caller_id, form.lang, max_text_chars)
    if form.text and form.text.strip():
        raise WebError(422, "both")
    if len(upload.data) > max_upload_bytes:
        raise WebError(413, "too_large", params={"limit": human_size(max_upload_bytes)})
    data = bytes(upload.data)
    media = upload_kind(data, upload.filename, upload.content_type)
    return AnalyzeInput(data, form.kind, form.sender, form.caller_id, form.lang, upload.filename, media, form.url)


def raw_email_input(body: bytes, lang: str | None) -> AnalyzeInput:
    """A raw RFC 5322 message sent as the body (``Content-Type: message/rfc822``), the language in the query.

    What a mail gateway or a script posts, without building a multipart form: the message is analysed as an
    e-mail whatever its first bytes look like (the sender said what it is).
    """
    if not body.strip():
        raise WebError(400, "empty")
    if lang is not None and lang not in LANGS:
        raise WebError(422, "invalid", detail="lang : fr ou en")
    return AnalyzeInput(body, Kind.EMAIL.value, None, None, lang or "fr", media=Kind.EMAIL)


def upload_kind(data: bytes, filename: str | None, declared_type: str) -> Kind | None:
    """What an uploaded file is, by content: e-mail, image, audio, or ``None`` for plain text.

    Anything else (archives, PDFs, executables, HTML pages, binary data) is refused with 415 before the
    engine sees it.
    """
    head = data[:4096]
    sniffed = kind_from_bytes(head)
    if sniffed in _UPLOAD_KINDS:
        return sniffed
    name = (filename or "").lower()
    if sniffed is None and not head.startswith(_BINARY_MAGIC) and b"\x00" not in head:
        if name.endswith(_TEXT_SUFFIXES) or declared_type.startswith(("text/", "message/")) or not name:
            return None
        if "." not in name.rsplit("/", 1)[-1]:
            return None
    raise WebError(415, "file_type")
