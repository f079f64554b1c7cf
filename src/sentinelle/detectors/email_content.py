"""What an e-mail carries besides words: forms, brand images served from elsewhere, dossier references in
the subject, and attachments that are web pages, programs or archives.

* EMAIL_HTML_FORM: a form inside the mail posts what you type straight to its author; genuine senders send
  you to their site instead.
* BRAND_IMAGE_FOREIGN_HOST: the organisation's logo (a brand word in the image's address or alt text)
  loaded from a host it does not own, the "ameli logo" of the notice.
* SUBJECT_DOSSIER_REFERENCE: "REMBOURSEMENT : DOSSIER AML-591783021"; the Assurance Maladie says it never
  puts a file reference in a subject.
* ATTACHMENT_HTML / ATTACHMENT_EXECUTABLE / ATTACHMENT_ARCHIVE / ATTACHMENT_DISGUISED: types are judged by
  content, never by name; a name that lies about the content is evidence of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import ClassVar

import re2

from ..model import Evidence, Kind, LinkSource, Message
from ..parsing.attachments import risky_members
from ..textnorm import fold
from .base import Context, register

_DOSSIER = re2.compile(r"(?i)\b(?:dossier|ref(?:erence)?|reference|n[o°])\s*[:#n°.]*\s*[a-z]{0,4}[-_ ]?\d{5,}")
_EXTENSIONS = {
    "pdf": {".pdf"},
    "zip": {".zip"},
    "rar": {".rar"},
    "7z": {".7z"},
    "gzip": {".gz", ".tgz"},
    "png": {".png"},
    "jpeg": {".jpg", ".jpeg"},
    "gif": {".gif"},
    "html": {".html", ".htm", ".shtml", ".xhtml"},
    "ole": {".doc", ".xls", ".ppt", ".msg"},
    "exe": {".exe", ".dll", ".scr", ".com"},
}
_ARCHIVES = frozenset({"zip", "rar", "7z", "gzip"})
_MAX_OBSERVED = 5


@register
class EmailContent:
    """Emits the e-mail content evidence listed in the module docstring."""

    id: ClassVar[str] = "email.content"
    applies_to: ClassVar[frozenset[Kind]] = frozenset({Kind.EMAIL})
    signals: ClassVar[Mapping[str, str]] = {
        "EMAIL_HTML_FORM": "the e-mail contains a form that sends what you type elsewhere",
        "BRAND_IMAGE_FOREIGN_HOST": "the organisation's logo is loaded from a host it does not own",
        "SUBJECT_DOSSIER_REFERENCE": "a file reference in the subject, which the organisation never uses",
        "ATTACHMENT_HTML": "an attached web page (a local phishing form)",
        "ATTACHMENT_EXECUTABLE": "an attached program",
        "ATTACHMENT_ARCHIVE": "an attached archive (listed, not opened)",
        "ATTACHMENT_DISGUISED": "an attachment whose name lies about its content",
    }

    def detect(self, msg: Message, ctx: Context) -> Iterable[Evidence]:
        k = ctx.knowledge
        forms = [link for link in msg.links if link.source is LinkSource.HTML_FORM]
        if forms:
            yield Evidence(
                self.id,
                "EMAIL_HTML_FORM",
                observed=tuple(dict.fromkeys(f.host or "?" for f in forms))[:3],
                location=forms[0].location,
            )
        brand_images: list[str] = []
        for link in msg.links:
            if link.source is not LinkSource.HTML_IMAGE or len(brand_images) >= _MAX_OBSERVED:
                continue
            words = fold(f"{link.url} {link.displayed_text or ''}")
            for profile in k.profiles:
                if profile.is_official_domain(link.registrable_domain):
                    continue
                if any(token in words for token in profile.brand_tokens):
                    brand_images.append(link.host)
                    break
        if brand_images:
            yield Evidence(
                self.id, "BRAND_IMAGE_FOREIGN_HOST", observed=tuple(dict.fromkeys(brand_images)), location="body:html"
            )
        if msg.subject and ctx.claim is not None:
            match = _DOSSIER.search(msg.subject)
            if match:
                yield Evidence(self.id, "SUBJECT_DOSSIER_REFERENCE", observed=(match.group(0),), location="subject")
        yield from self._attachments(msg)

    def _attachments(self, msg: Message) -> Iterable[Evidence]:
        found: dict[str, list[str]] = {}
        for att in msg.attachments:
            name = att.filename or "(sans nom)"
            detected = att.detected_type or "unknown"
            label = f"{name} [{detected}, {att.size} B, sha256:{att.sha256[:12]}]"
            if detected == "html":
                found.setdefault("ATTACHMENT_HTML", []).append(label)
            elif detected == "exe":
                found.setdefault("ATTACHMENT_EXECUTABLE", []).append(label)
            elif detected in _ARCHIVES:
                listed = f" : {', '.join(att.members[:5])}" if att.members else ""
                found.setdefault("ATTACHMENT_ARCHIVE", []).append(label + listed)
                for member in risky_members(list(att.members))[:3]:
                    found.setdefault("ATTACHMENT_EXECUTABLE", []).append(f"{name}/{member}")
            suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
            expected = _EXTENSIONS.get(detected)
            if expected and suffix and suffix not in expected and any(suffix in exts for exts in _EXTENSIONS.values()):
                found.setdefault("ATTACHMENT_DISGUISED", []).append(label)
        for signal, labels in found.items():
            yield Evidence(self.id, signal, observed=tuple(labels[:_MAX_OBSERVED]), location="attachments")
