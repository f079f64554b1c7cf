"""What can be read from an attachment without opening it for real: links in a PDF, the names in an archive.

Phishing mails increasingly carry the link inside a PDF ("votre attestation en pièce jointe") or the
payload inside a ZIP. Sentinelle never renders, runs or decompresses attachments:

* PDF: link annotations are ``/URI (...)`` strings; they are read from the raw bytes with a linear-time
  pattern. Links inside compressed object streams (PDF 1.5+) are not seen: the limitation is stated in
  the verdict only by their absence, so this is a floor, not a full PDF parser.
* ZIP: the member names come from the central directory (``zipfile`` reads only the directory, no member
  is decompressed), capped in count. Encrypted archives list their names too.
"""

from __future__ import annotations

import io
import zipfile
from functools import cache

import re2

MAX_PDF_LINKS = 50
MAX_ARCHIVE_MEMBERS = 200
# Extensions that run code when opened on Windows or macOS: inside an archive they are the payload.
RISKY_EXTENSIONS = frozenset(
    {".exe", ".scr", ".com", ".bat", ".cmd", ".js", ".jse", ".vbs", ".vbe", ".wsf", ".hta", ".lnk", ".iso",
     ".img", ".msi", ".ps1", ".jar", ".dll", ".cpl", ".app", ".html", ".htm", ".svg"}
)


@cache
def _uri_pattern() -> re2._Regexp:
    # A plain class keeps RE2's automaton small (an alternation for escaped parentheses made its DFA run out
    # of memory on hostile input): a URL holding an escaped ")" is cut there, which is rare and harmless.
    return re2.compile(rb"/URI\s*\(([^)]{1,1000})\)")


def pdf_links(payload: bytes) -> list[str]:
    """URLs of the link annotations written in clear in a PDF, at most ``MAX_PDF_LINKS``, in order."""
    found: list[str] = []
    for match in _uri_pattern().finditer(payload):
        raw = match.group(1).replace(b"\\(", b"(").replace(b"\\)", b")").replace(b"\\\\", b"\\")
        url = raw.decode("latin-1", "replace").strip()
        if url and url not in found:
            found.append(url)
            if len(found) >= MAX_PDF_LINKS:
                break
    return found


def archive_members(payload: bytes) -> tuple[list[str], bool]:
    """Names listed in a ZIP's central directory (no extraction) and whether the listing was cut."""
    try:
        with zipfile.ZipFile(io.BytesIO(payload)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
        return [], False
    names = [info.filename[:256] for info in infos[:MAX_ARCHIVE_MEMBERS]]
    return names, len(infos) > MAX_ARCHIVE_MEMBERS


def risky_members(names: list[str]) -> list[str]:
    """Archive members whose extension runs code when opened (double extensions included)."""
    return [n for n in names if "." in n and "." + n.rsplit(".", 1)[-1].lower() in RISKY_EXTENSIONS]
