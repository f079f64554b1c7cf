"""Web page -> ``Message``: a saved page (HTML, MHTML, a WARC record) or a fetched one, with its address.

What a phishing page is made of is read once, bounded, from one parse of the document (``parsing/html.py``):

* **Containers.** MHTML (what browsers save as "one file") is read with the standard library's MIME parser:
  the root HTML part, its address (``Snapshot-Content-Location`` or ``Content-Location``) and the addresses of
  the resources saved with it. A WARC file (what crawlers write) is read record by record with a small
  bounded reader: the first ``response`` (or ``resource``) record holding HTML, its target address, the
  redirects recorded before it; chunked transfer and gzip/deflate content are undone within the size cap.
  Plain HTML may name its own address in the comment browsers write when saving (``saved from url=``).
* **Encoding.** Byte-order mark, then the declared charset (HTTP header, MIME part, ``<meta charset>``), then
  UTF-8, then Windows-1252; a wrong or unknown declaration is an anomaly, never an exception.
* **What the page shows.** The text as rendered (``parsing/html.py``) with what a visitor also reads in the
  fields themselves: placeholders and button captions. The title is the message's subject.
* **What the page is.** ``Message.page`` (``model.Page``): address, title, ``h1`` headings and site name,
  pictures with their alt text, icons, every resource the page loads, inline scripts (capped), forms with
  their fields (name, type, label, placeholder, accepted files) and whether they sit in an element hidden at
  load (the next step of a fake login flow), contact addresses.
* **Links.** The page's own address comes first (``LinkSource.INPUT``, location ``page``), so the link
  detectors and the lookalike engine judge the host; then redirect hops, anchors, form targets and pictures,
  resolved against ``<base href>`` or the page address.

Bounds (``PageLimits``): HTML characters given to the tree builder, estimated nesting (deeper documents are
flattened first, as in e-mails), scripts, forms, fields, pictures, resources, WARC records, MIME parts and
decompressed bytes. Each cut is an anomaly.
"""

from __future__ import annotations

import codecs
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from email import policy as email_policy
from email.message import Message as MimeMessage
from email.parser import BytesParser
from urllib.parse import unquote

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..config import Limits
from ..extract.phones import find_phones, normalise_number
from ..extract.urls import make_link, split_url
from ..indicators import redact_tokens
from ..model import Anomaly, FormField, Kind, Link, LinkSource, Message, Page, PageForm, PhoneNumber, PhoneRole
from ..textnorm import clean_text
from .decode import text_codec
from .html import BREAK, fix_surrogates, html_depth, parse_html, render_tree, resolve_url

__all__ = ["DEFAULT_PAGE_LIMITS", "PageLimits", "SavedPage", "parse_webpage", "read_container"]


@dataclass(frozen=True, slots=True)
class PageLimits:
    """Bounds specific to web pages. Each is a place where a hostile page is cut, and says so."""

    max_html_chars: int = 4_000_000  # characters of HTML given to the tree builder
    max_html_depth: int = 256  # estimated element nesting; deeper documents are flattened first
    max_scripts: int = 100  # inline scripts kept for the kit detectors
    max_script_chars: int = 100_000  # characters kept of one inline script
    max_total_script_chars: int = 400_000  # characters kept of all inline scripts together
    max_forms: int = 30
    max_fields: int = 300  # fields kept over all forms
    max_images: int = 300
    max_resources: int = 500
    max_headings: int = 40
    max_emails: int = 20
    max_warc_records: int = 2_000
    max_mime_parts: int = 500
    max_decoded_bytes: int = 20 * 1024 * 1024  # a gzip or chunked body is decoded up to this many bytes


DEFAULT_PAGE_LIMITS = PageLimits()

_REFUSED_CODECS = frozenset(["idna", "punycode", "raw-unicode-escape", "unicode-escape", "undefined", "utf-7"])
_META_CHARSET = re.compile(rb"""<meta[^>]{0,300}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]{1,40})""", re.IGNORECASE)
_HTTP_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9_.:\-]{1,40})""", re.IGNORECASE)
# Browsers write where a page came from when they save it: "<!-- saved from url=(0041)https://... -->" (Chrome,
# Internet Explorer), SingleFile: "<!-- Page saved with SingleFile url: https://... -->".
_SAVED_FROM = re.compile(r"saved from url=\(\d{1,5}\)(\S{1,2000}?)\s*-->|SingleFile\s+url:\s*(\S{1,2000})",
                         re.IGNORECASE)
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63}){1,8}")
_HIDING_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_HIDING_CLASS = frozenset(["hidden", "d-none", "hide", "is-hidden", "invisible"])
_FIELD_SELECTOR = "input, select, textarea"
_NO_TEXT_TYPES = frozenset(["hidden", "submit", "button", "image", "reset", "checkbox", "radio"])
_HEADING_SELECTOR = "h1"  # the page's name for itself; h2 and h3 are sections, often about other bodies
_REDIRECT_STATUSES = frozenset([301, 302, 303, 307, 308])
_MAX_ANCESTORS = 64  # ancestors inspected for "is this inside a hidden element / a form"
_MAX_TEXT_IN_FORM = 2_000
_MAX_LABEL = 300
_LINK_RELS = ("icon", "shortcut", "apple-touch-icon", "mask-icon")


@dataclass(slots=True)
class SavedPage:
    """What a container held: the HTML bytes and what is known about them."""

    html: bytes
    url: str = ""
    charset: str | None = None
    status: int | None = None
    redirects: list[str] = field(default_factory=list)
    resources: list[str] = field(default_factory=list)  # saved with the page (MHTML parts)
    anomalies: list[Anomaly] = field(default_factory=list)
    container: str = "html"


# --------------------------------------------------------------------------------------------------------
# Entry point


def parse_webpage(data: bytes, *, url: str | None, limits: Limits, callback_cues: tuple[str, ...],
                  known_short: frozenset[str], redirects: Sequence[str] = (), status: int | None = None,
                  charset: str | None = None, fetched: bool = False,
                  page_limits: PageLimits = DEFAULT_PAGE_LIMITS) -> Message:
    """Build the ``Message`` of a web page (``kind=Kind.WEBPAGE``); never raises on content.

    ``url`` is the page's address as the user gives it (it wins over one found in the file); ``redirects``,
    ``status`` and ``charset`` come from a fetch (``sentinelle.fetch``), ``fetched`` says the page was.
    """
    anomalies: list[Anomaly] = []
    if len(data) > limits.max_input_bytes:
        anomalies.append(Anomaly("INPUT_TRUNCATED", {"limit": str(limits.max_input_bytes)}))
        data = data[: limits.max_input_bytes]
    saved = read_container(data, page_limits)
    anomalies.extend(saved.anomalies)
    address = _clean_address(url) or saved.url
    hops = [*redirects, *saved.redirects]
    html = _decode_html(saved, charset, page_limits, anomalies)
    if not address:
        match = _SAVED_FROM.search(html[:4096])
        if match:
            address = _clean_address(match.group(1) or match.group(2)) or ""
    if not address:
        anomalies.append(Anomaly("PAGE_ADDRESS_UNKNOWN"))
    builder = _PageBuilder(address, limits, page_limits, anomalies)
    builder.read(html)
    for resource in saved.resources[: page_limits.max_resources]:
        builder.resource(resource)
    return builder.finish(hops, status if status is not None else saved.status, fetched, callback_cues, known_short)


def _clean_address(url: str | None) -> str:
    """A user-given address as a browser would read it; ``https://`` added to a bare host."""
    if not url:
        return ""
    url = fix_surrogates(url.strip().translate(dict.fromkeys(range(33))))[:4096]
    if not url:
        return ""
    if "://" not in url[:16]:
        url = "https://" + url.lstrip("/")
    return url


# --------------------------------------------------------------------------------------------------------
# Containers


def read_container(data: bytes, page_limits: PageLimits = DEFAULT_PAGE_LIMITS) -> SavedPage:
    """The HTML inside ``data``: a WARC file (gzipped or not), an MHTML file, or HTML itself."""
    head = data[:4096].lstrip()
    if head.startswith(b"\x1f\x8b"):
        unpacked, cut = _gunzip_members(data, page_limits.max_decoded_bytes)
        if unpacked.lstrip().startswith(b"WARC/"):
            saved = _read_warc(unpacked, page_limits)
            if cut:
                saved.anomalies.append(Anomaly("PAGE_DECODED_TRUNCATED", {"limit": str(page_limits.max_decoded_bytes)}))
            return saved
        return SavedPage(unpacked, anomalies=[Anomaly("PAGE_CONTAINER_UNKNOWN", {"container": "gzip"})])
    if head.startswith(b"WARC/"):
        return _read_warc(data, page_limits)
    lowered = head[:4096].lower()
    if b"multipart/related" in lowered and (b"mime-version" in lowered or b"snapshot-content-location" in lowered
                                            or lowered.startswith(b"from:")):
        return _read_mhtml(data, page_limits)
    return SavedPage(data)


def _gunzip_members(data: bytes, cap: int) -> tuple[bytes, bool]:
    """Concatenated gzip members (a .warc.gz is one per record) decompressed up to ``cap`` bytes."""
    out: list[bytes] = []
    total = 0
    rest = data
    while rest and total < cap:
        inflater = zlib.decompressobj(wbits=31)
        try:
            chunk = inflater.decompress(rest, cap - total)
        except zlib.error:
            break
        out.append(chunk)
        total += len(chunk)
        if inflater.unconsumed_tail:  # the cap was reached inside this member
            return b"".join(out), True
        rest = inflater.unused_data
        if not inflater.eof:
            break
    return b"".join(out), total >= cap


def _read_warc(data: bytes, page_limits: PageLimits) -> SavedPage:
    """The first HTML ``response`` or ``resource`` record of a WARC file (bounded, never raises)."""
    pos = 0
    redirects: list[str] = []
    seen = 0
    while pos < len(data) and seen < page_limits.max_warc_records:
        seen += 1
        start = data.find(b"WARC/", pos, pos + 4096)
        if start == -1:
            break
        end = data.find(b"\r\n\r\n", start, start + 65536)
        if end == -1:
            break
        headers = _header_lines(data[start:end])
        try:
            length = int(headers.get("content-length", "0"))
        except ValueError:
            break
        block = data[end + 4 : end + 4 + max(0, length)]
        pos = end + 4 + max(0, length)
        rtype = headers.get("warc-type", "").lower()
        target = headers.get("warc-target-uri", "").strip().strip("<>")
        if rtype == "resource" and _looks_html(headers.get("content-type", ""), block):
            return SavedPage(block, url=target, redirects=redirects, container="warc")
        if rtype != "response":
            continue
        status, http_headers, body = _split_http(block)
        if status in _REDIRECT_STATUSES:
            if target:
                redirects.append(target)
            continue
        ctype = http_headers.get("content-type", "")
        if not _looks_html(ctype, body[:1024]):
            continue
        saved = SavedPage(b"", url=target, status=status, redirects=redirects, container="warc")
        saved.html = _decode_transfer(body, http_headers, page_limits, saved.anomalies)
        match = _HTTP_CHARSET.search(ctype)
        saved.charset = match.group(1) if match else None
        return saved
    missing = Anomaly("PAGE_NOT_FOUND_IN_CONTAINER", {"container": "WARC"})
    return SavedPage(b"", redirects=redirects, anomalies=[missing], container="warc")


def _header_lines(block: bytes) -> dict[str, str]:
    """``Name: value`` lines (first occurrence wins), names lower-cased; the first line (version) skipped."""
    out: dict[str, str] = {}
    for line in block.decode("latin-1").split("\r\n")[1:200]:
        name, sep, value = line.partition(":")
        if sep:
            out.setdefault(name.strip().lower(), value.strip())
    return out


def _split_http(block: bytes) -> tuple[int | None, dict[str, str], bytes]:
    """Status, headers and body of a recorded HTTP response."""
    end = block.find(b"\r\n\r\n", 0, 65536)
    if end == -1:
        return None, {}, block
    head = block[:end]
    first = head.split(b"\r\n", 1)[0].split()
    status = int(first[1]) if len(first) > 1 and first[1].isdigit() and len(first[1]) == 3 else None
    return status, _header_lines(head), block[end + 4 :]


def _looks_html(ctype: str, body: bytes) -> bool:
    lowered = ctype.lower()
    if "html" in lowered:
        return True
    if lowered and not lowered.startswith("text/"):
        return False
    return b"<html" in body[:1024].lower() or b"<!doctype html" in body[:1024].lower()


def _decode_transfer(body: bytes, headers: dict[str, str], page_limits: PageLimits,
                     anomalies: list[Anomaly]) -> bytes:
    """Undo chunked transfer and gzip/deflate content coding, within ``max_decoded_bytes``."""
    cap = page_limits.max_decoded_bytes
    if "chunked" in headers.get("transfer-encoding", "").lower():
        body = _dechunk(body, cap)
    coding = headers.get("content-encoding", "").lower().strip()
    if coding in ("gzip", "x-gzip", "deflate"):
        inflater = zlib.decompressobj(wbits=47 if coding != "deflate" else 15)
        try:
            out = inflater.decompress(body, cap)
        except zlib.error:
            if coding == "deflate":  # raw deflate, as some servers send it
                try:
                    out = zlib.decompressobj(wbits=-15).decompress(body, cap)
                except zlib.error:
                    anomalies.append(Anomaly("PAGE_CONTENT_UNREADABLE", {"coding": coding}))
                    return b""
            else:
                anomalies.append(Anomaly("PAGE_CONTENT_UNREADABLE", {"coding": coding}))
                return b""
        if inflater.unconsumed_tail:
            anomalies.append(Anomaly("PAGE_DECODED_TRUNCATED", {"limit": str(cap)}))
        return out
    return body


def _dechunk(body: bytes, cap: int) -> bytes:
    """HTTP/1.1 chunked body decoded; a broken chunk ends the body (what was read is kept)."""
    out: list[bytes] = []
    pos = total = 0
    while pos < len(body) and total < cap:
        end = body.find(b"\r\n", pos, pos + 1024)
        if end == -1:
            break
        size_text = body[pos:end].split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            break
        if size == 0:
            break
        chunk = body[end + 2 : end + 2 + min(size, cap - total)]
        out.append(chunk)
        total += len(chunk)
        pos = end + 2 + size + 2
    return b"".join(out)


def _read_mhtml(data: bytes, page_limits: PageLimits) -> SavedPage:
    """The root HTML part of an MHTML file, its address and the addresses of the resources saved with it."""
    if data[:1_000_000].lower().count(b"boundary") > 20:  # browsers write one: deep nesting is hostile
        return SavedPage(b"", anomalies=[Anomaly("PAGE_NOT_FOUND_IN_CONTAINER", {"container": "MHTML"})],
                         container="mhtml")
    try:
        root = BytesParser(policy=email_policy.compat32).parsebytes(data)
    except (RecursionError, ValueError, LookupError, TypeError):
        return SavedPage(b"", anomalies=[Anomaly("PAGE_NOT_FOUND_IN_CONTAINER", {"container": "MHTML"})],
                         container="mhtml")
    snapshot = str(root.get("snapshot-content-location", "") or "").strip()
    parts: list[MimeMessage] = []
    stack = [root]
    while stack and len(parts) < page_limits.max_mime_parts:
        part = stack.pop()
        payload = part.get_payload()
        if part.is_multipart() and isinstance(payload, list):
            stack.extend(reversed([p for p in payload if isinstance(p, MimeMessage)]))
        else:
            parts.append(part)
    html_part: MimeMessage | None = None
    resources: list[str] = []
    for part in parts:
        location = str(part.get("content-location", "") or "").strip()
        try:
            ctype = part.get_content_type()
        except (ValueError, LookupError, TypeError):
            ctype = ""
        if ctype == "text/html" and (html_part is None or (snapshot and location == snapshot)):
            if html_part is None or location == snapshot:
                html_part = part
        elif location.startswith(("http://", "https://")):
            resources.append(location)
    if html_part is None:
        return SavedPage(b"", anomalies=[Anomaly("PAGE_NOT_FOUND_IN_CONTAINER", {"container": "MHTML"})],
                         container="mhtml")
    try:
        body = html_part.get_payload(decode=True)
    except (ValueError, LookupError, TypeError):
        body = b""
    location = str(html_part.get("content-location", "") or "").strip()
    try:
        charset = html_part.get_content_charset()
    except (ValueError, LookupError, TypeError):
        charset = None
    return SavedPage(body if isinstance(body, bytes) else b"", url=snapshot or location, charset=charset,
                     resources=resources, container="mhtml")


# --------------------------------------------------------------------------------------------------------
# Encoding


def _decode_html(saved: SavedPage, charset: str | None, page_limits: PageLimits, anomalies: list[Anomaly]) -> str:
    """HTML bytes -> text: BOM, declared charset, ``<meta charset>``, UTF-8, Windows-1252."""
    data = saved.html
    cap = page_limits.max_html_chars
    if len(data) > cap * 2:  # no charset spends more than 2 bytes on a character of an HTML page in practice
        data = data[: cap * 2]
    if data.startswith(codecs.BOM_UTF8):
        return _cap_html(data[3:].decode("utf-8", errors="replace"), cap, anomalies)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _cap_html(data[: len(data) // 2 * 2].decode("utf-16", errors="replace"), cap, anomalies)
    declared = charset or saved.charset
    if not declared:
        match = _META_CHARSET.search(data[:4096])
        declared = match.group(1).decode("ascii", "replace") if match else None
    codec = _codec(declared) if declared else None
    if codec is not None:
        try:
            return _cap_html(data.decode(codec), cap, anomalies)
        except UnicodeDecodeError:
            pass
    if declared and codec != "utf-8":
        anomalies.append(Anomaly("PAGE_BAD_CHARSET", {"charset": fix_surrogates(declared)[:40]}))
    try:
        return _cap_html(data.decode("utf-8"), cap, anomalies)
    except UnicodeDecodeError:
        bad = data[:200_000].decode("utf-8", errors="replace").count("\ufffd")
        anomalies.append(Anomaly("INVALID_UTF8", {"encoding": "Windows-1252", "count": str(bad)}))
        return _cap_html(data.decode("cp1252", errors="replace"), cap, anomalies)


def _cap_html(html: str, cap: int, anomalies: list[Anomaly]) -> str:
    if len(html) > cap:
        anomalies.append(Anomaly("PAGE_HTML_TRUNCATED", {"limit": str(cap)}))
        return html[:cap]
    return html


def _codec(charset: str) -> str | None:
    """Python codec of a declared charset; ``None`` for unknown names and codecs that are not charsets."""
    name = charset.strip().strip("\"'").lower()
    if not name or len(name) > 40:
        return None
    if name in ("x-user-defined", "iso-8859-1", "latin1", "us-ascii", "ascii"):
        name = "cp1252"  # what browsers do (WHATWG Encoding: these labels mean windows-1252)
    return text_codec(name, _REFUSED_CODECS)


# --------------------------------------------------------------------------------------------------------
# The document


class _PageBuilder:
    """Reads one document tree into a ``Page``, the visible text and the links."""

    def __init__(self, address: str, limits: Limits, page_limits: PageLimits, anomalies: list[Anomaly]) -> None:
        self.address = address
        self.limits = limits
        self.plimits = page_limits
        self.anomalies = anomalies
        parts = split_url(address) if address else None
        self.host = parts.host if parts else ""
        self.domain = parts.registrable_domain if parts else ""
        self.title = ""
        self.headings: list[str] = []
        self.images: list[tuple[str, str]] = []
        self.icons: list[str] = []
        self.resources: dict[str, None] = {}
        self.scripts: list[str] = []
        self.forms: list[PageForm] = []
        self.emails: dict[str, None] = {}
        self.text = ""
        self.anchors: list[tuple[str, str]] = []
        self.form_targets: list[str] = []
        self.picture_links: list[str] = []
        self.refreshes: list[str] = []
        self.skipped = 0
        self.base: str | None = address or None

    def add(self, code: str, **params: object) -> None:
        self.anomalies.append(Anomaly(code, {k: str(v) for k, v in params.items()}, "page"))

    def read(self, html: str) -> None:
        deep = html_depth(html, self.plimits.max_html_depth) > self.plimits.max_html_depth
        if deep:
            self.add("PAGE_HTML_TOO_DEEP", limit=self.plimits.max_html_depth)
        tree = parse_html(html, flatten=deep)
        base = tree.css_first("base[href]")
        if base is not None:
            href = resolve_url(base.attrs.get("href"), self.address or None)
            if href and "://" in href[:16]:
                self.base = href
        self._head(tree)
        self._scripts(tree)
        self._pictures(tree)
        self._forms(tree)
        self._show_field_words(tree)
        view = render_tree(tree, max_targets=self.limits.max_links, flatten=deep, base=self.base)
        self.text = view.text
        self.skipped = view.skipped
        self.refreshes = view.refreshes
        for href, shown in view.anchors:
            if href[:7].lower() == "mailto:":
                address = unquote(href[7:].split("?", 1)[0]).strip()[:320]
                if "@" in address and len(self.emails) < self.plimits.max_emails:
                    self.emails.setdefault(address, None)
            else:
                self.anchors.append((href, shown))
        self.picture_links = view.images
        for found in _EMAIL.finditer(self.text[:500_000]) if "@" in self.text else ():
            if len(self.emails) >= self.plimits.max_emails:
                break
            self.emails.setdefault(found.group(0), None)

    # -- the parts of the document -----------------------------------------------------------------------

    def _url(self, value: str | None) -> str | None:
        """An attribute address resolved against the page; bot tokens replaced by their fingerprint."""
        url = resolve_url(value, self.base)
        return redact_tokens(url) if url else url

    def resource(self, url: str | None) -> None:
        room = len(self.resources) < self.plimits.max_resources
        if url and room and url[:8].lower().startswith(("http://", "https://")):
            self.resources.setdefault(url[:2048], None)

    def _head(self, tree: LexborHTMLParser) -> None:
        node = tree.css_first("title")
        if node is not None:
            self.title = " ".join(node.text(separator=" ").split())[:300]
        for node in tree.css("meta[property], meta[name]")[:200]:
            key = (node.attrs.get("property") or node.attrs.get("name") or "").lower()
            if key in ("og:site_name", "og:title", "application-name", "apple-mobile-web-app-title"):
                content = " ".join((node.attrs.get("content") or "").split())[:200]
                if content and len(self.headings) < self.plimits.max_headings:
                    self.headings.append(content)
        for node in tree.css(_HEADING_SELECTOR)[: self.plimits.max_headings]:
            words = " ".join(node.text(separator=" ").split())[:200]
            if words and len(self.headings) < self.plimits.max_headings:
                self.headings.append(words)
        for node in tree.css("link[href]")[: self.plimits.max_resources]:
            href = self._url(node.attrs.get("href"))
            rel = (node.attrs.get("rel") or "").lower()
            if not href:
                continue
            if any(word in rel for word in _LINK_RELS):
                if len(self.icons) < 20:
                    self.icons.append(href)
                self.resource(href)
            elif "stylesheet" in rel or "preload" in rel or "modulepreload" in rel:
                self.resource(href)
        for node in tree.css("iframe[src], frame[src], embed[src], object[data], source[src], video[src]")[:100]:
            self.resource(self._url(node.attrs.get("src") or node.attrs.get("data")))

    def _scripts(self, tree: LexborHTMLParser) -> None:
        total = 0
        nodes = tree.css("script")
        for node in nodes:
            src = node.attrs.get("src")
            if src:
                self.resource(self._url(src))
                continue
            if len(self.scripts) >= self.plimits.max_scripts or total >= self.plimits.max_total_script_chars:
                continue
            code = node.text(deep=True, separator="")
            if not code.strip():
                continue
            keep = min(len(code), self.plimits.max_script_chars, self.plimits.max_total_script_chars - total)
            if keep < len(code):
                self.add("PAGE_SCRIPT_TRUNCATED", limit=self.plimits.max_script_chars)
            self.scripts.append(code[:keep])
            total += keep
        # Handlers written in attributes run like scripts ("onload", "onsubmit"): kits hide code there too.
        for node in tree.css("[onload], [onsubmit], [onclick]")[:200]:
            if total >= self.plimits.max_total_script_chars:
                break
            for key in ("onload", "onsubmit", "onclick"):
                code = node.attrs.get(key) or ""
                if len(code) > 20:
                    code = code[:5_000]
                    self.scripts.append(code)
                    total += len(code)

    def _pictures(self, tree: LexborHTMLParser) -> None:
        nodes = tree.css("img, input[type=image], svg image")
        for node in nodes[: self.plimits.max_images]:
            attrs = node.attrs
            src = self._url(attrs.get("src") or attrs.get("href") or attrs.get("data-src"))
            alt = " ".join(f"{attrs.get('alt') or ''} {attrs.get('title') or ''}".split())[:200]
            if src and src[:5].lower() != "data:":
                self.resource(src)
                self.images.append((src[:2048], alt))
            elif alt:
                self.images.append(("", alt))

    def _forms(self, tree: LexborHTMLParser) -> None:
        labels: dict[str, str] = {}
        for node in tree.css("label[for]")[:1000]:
            key = node.attrs.get("for") or ""
            if key:
                labels.setdefault(key, " ".join(node.text(separator=" ").split())[:_MAX_LABEL])
        forms = tree.css("form")
        if len(forms) > self.plimits.max_forms:
            self.add("PAGE_FORMS_TRUNCATED", limit=self.plimits.max_forms)
        budget = self.plimits.max_fields
        in_forms = 0
        for k, form in enumerate(forms[: self.plimits.max_forms]):
            nodes = form.css(_FIELD_SELECTOR)
            in_forms += len(nodes)
            fields = [self._field(n, labels) for n in nodes[: max(0, budget)]]
            budget -= len(fields)
            action = self._url(form.attrs.get("action")) or self.address
            method = (form.attrs.get("method") or "get").strip().lower()[:10]
            text = " ".join(form.text(separator=" ").split())[:_MAX_TEXT_IN_FORM]
            self.forms.append(PageForm(action=action[:2048], method=method, fields=tuple(fields),
                                       location=f"page:form[{k}]", hidden=_hidden(form), text=text))
            if form.attrs.get("action"):
                self.form_targets.append(action)
        # Fields outside any form: kits collect them with a script and send them themselves.
        every = tree.css(_FIELD_SELECTOR)
        if len(every) > in_forms and budget > 0:
            loose = [n for n in every[: self.plimits.max_fields * 4] if not _inside(n, "form")]
            fields = [self._field(n, labels) for n in loose[:budget] if (n.attrs.get("type") or "").lower() != "hidden"]
            if fields:
                self.forms.append(PageForm(action="", method="script", fields=tuple(fields),
                                           location="page:fields", hidden=False, text=""))
        if budget <= 0 and len(every) > self.plimits.max_fields:
            self.add("PAGE_FIELDS_TRUNCATED", limit=self.plimits.max_fields)

    def _field(self, node: LexborNode, labels: dict[str, str]) -> FormField:
        attrs = node.attrs
        tag = node.tag or "input"
        ftype = tag if tag in ("select", "textarea") else (attrs.get("type") or "text").strip().lower()[:20]
        name = (attrs.get("name") or attrs.get("id") or "")[:100]
        words = [labels.get(attrs.get("id") or "", "")]
        for key in ("placeholder", "aria-label", "title", "accept"):
            words.append(attrs.get(key) or "")
        parent = node.parent
        for _ in range(3):  # <label>Numéro de carte <input></label>
            if parent is None:
                break
            if parent.tag == "label":
                words.append(parent.text(separator=" "))
                break
            parent = parent.parent
        label = " ".join(" ".join(words).split())[:_MAX_LABEL]
        return FormField(name=name, type=ftype, label=label, autocomplete=(attrs.get("autocomplete") or "")[:60])

    def _show_field_words(self, tree: LexborHTMLParser) -> None:
        """Placeholders and button captions are read by the visitor: put them in the rendered text."""
        for node in tree.css("input[placeholder], textarea[placeholder], input[type=submit][value], "
                             "input[type=button][value]")[: self.plimits.max_fields]:
            words = " ".join((node.attrs.get("placeholder") or node.attrs.get("value") or "").split())[:_MAX_LABEL]
            if words:
                node.insert_after(f" {words} {BREAK}")

    # -- assembly ----------------------------------------------------------------------------------------

    def finish(self, redirects: Sequence[str], status: int | None, fetched: bool, callback_cues: tuple[str, ...],
               known_short: frozenset[str]) -> Message:
        links = _Links(self.limits.max_links, self.host)
        if self.address:
            links.add(redact_tokens(self.address), None, LinkSource.INPUT, "page")
        for k, hop in enumerate(redirects[:20]):
            links.add(redact_tokens(hop), None, LinkSource.INPUT, f"redirect[{k}]")
        for k, target in enumerate(self.refreshes[:20]):
            links.add(target, None, LinkSource.HTML_ANCHOR, f"page:meta[{k}]")
        tel: list[PhoneNumber] = []
        for k, (href, shown) in enumerate(self.anchors):
            if href[:4].lower() in ("tel:", "sms:"):
                number = unquote(href.split(":", 1)[1]).split("?", 1)[0].strip()[:64]
                normalized = normalise_number(number) if number else None
                if normalized and all(p.normalized != normalized for p in tel):
                    tel.append(PhoneNumber(raw=number, normalized=normalized, is_short=not normalized.startswith("+"),
                                           role=PhoneRole.CALLBACK, context="tel:", location=f"page:a[{k}]"))
                continue
            if href[:11].lower().startswith(("javascript:", "#", "about:", "cid:")):
                continue
            links.add(redact_tokens(href), shown or None, LinkSource.HTML_ANCHOR, f"page:a[{k}]")
        for k, target in enumerate(self.form_targets):
            links.add(target, None, LinkSource.HTML_FORM, f"page:form[{k}]")
        for k, src in enumerate(self.picture_links):
            links.add(redact_tokens(src), None, LinkSource.HTML_IMAGE, f"page:img[{k}]")
        seen_links = links.seen + self.skipped
        text = self.text
        if len(text) > self.limits.max_text_chars:
            self.anomalies.append(Anomaly("TEXT_TRUNCATED", {"limit": str(self.limits.max_text_chars)}))
            text = text[: self.limits.max_text_chars]
        cleaned = clean_text(text)
        if len(cleaned.text) > self.limits.max_text_chars:
            cleaned = replace(cleaned, text=cleaned.text[: self.limits.max_text_chars])
        if cleaned.invisible_removed:
            self.anomalies.append(Anomaly("INVISIBLE_CHARACTERS_REMOVED", {"count": str(cleaned.invisible_removed)}))
        if cleaned.bidi_removed:
            self.anomalies.append(Anomaly("BIDI_CONTROLS_REMOVED", {"count": str(cleaned.bidi_removed)}))
        title = " ".join(clean_text(self.title).text.split()) if self.title else None
        if not cleaned.text.strip() and not title and not self.forms:
            self.anomalies.append(Anomaly("EMPTY_INPUT"))
        if seen_links > self.limits.max_links:
            self.anomalies.append(Anomaly("LINKS_TRUNCATED", {"limit": str(self.limits.max_links)}))
        phones, seen = find_phones(cleaned.text, cues=callback_cues, known_short=known_short,
                                   limit=self.limits.max_phones)
        known = {p.normalized for p in phones}
        phones.extend(p for p in tel if p.normalized not in known)
        if seen > self.limits.max_phones:
            self.anomalies.append(Anomaly("PHONES_TRUNCATED", {"limit": str(self.limits.max_phones)}))
        page = Page(
            url=self.address, host=self.host, registrable_domain=self.domain, title=title or "",
            headings=tuple(self.headings), images=tuple(self.images), icons=tuple(self.icons),
            resources=tuple(self.resources), scripts=tuple(self.scripts), forms=tuple(self.forms),
            emails=tuple(self.emails), redirects=tuple(redirects[:20]), fetched=fetched, status=status,
        )
        return Message(
            kind=Kind.WEBPAGE,
            text=cleaned.text,
            subject=title,
            links=tuple(links.items),
            phones=tuple(phones[: self.limits.max_phones]),
            anomalies=tuple(self.anomalies),
            hidden_characters=cleaned.invisible_removed + cleaned.bidi_removed,
            page=page,
        )


class _Links:
    """Links in order, deduplicated on (url, displayed text, source), counted beyond the cap.

    Targets on the page's own host add nothing to what the page address says, and are left out, except
    anchors whose text shows an address (a link *showing* ``www.ameli.fr`` is judged for what it shows).
    """

    def __init__(self, limit: int, host: str) -> None:
        self.limit = limit
        self.host = host
        # Resolved relative links start with the page's own origin: recognised without parsing them.
        self.origins = (f"https://{host}/", f"http://{host}/") if host else ()
        self.items: list[Link] = []
        self.keys: set[tuple[str, str | None, LinkSource]] = set()
        self.seen = 0

    def add(self, url: str, shown: str | None, source: LinkSource, location: str) -> None:
        key = (url, shown, source)
        if key in self.keys:
            return
        self.keys.add(key)
        own = location.startswith("page:") and url[: len(self.host) + 9].lower().startswith(self.origins)
        if own and "." not in (shown or ""):
            return  # the page's own host, already judged as the page address
        self.seen += 1
        if len(self.items) >= self.limit:
            return
        link = make_link(url, source, displayed_text=shown, scheme_present="://" in url[:16], location=location)
        if link is None:
            return
        if location.startswith("page:") and link.host == self.host and "." not in (shown or ""):
            return
        self.items.append(link)


def _hidden(node: LexborNode) -> bool:
    """Whether an element or one of its ancestors is hidden at load (style, ``hidden`` attribute, class)."""
    current: LexborNode | None = node
    for _ in range(_MAX_ANCESTORS):
        if current is None or current.tag in (None, "html", "-document", "#document"):
            return False
        attrs = current.attrs
        if "hidden" in attrs or _HIDING_STYLE.search(attrs.get("style") or ""):
            return True
        classes = (attrs.get("class") or "").lower().split()
        if _HIDING_CLASS.intersection(classes):
            return True
        current = current.parent
    return False


def _inside(node: LexborNode, tag: str) -> bool:
    current = node.parent
    for _ in range(_MAX_ANCESTORS):
        if current is None:
            return False
        if current.tag == tag:
            return True
        current = current.parent
    return False

