"""Loading ahead, once, what a long-lived worker would otherwise load inside its first messages.

The engine loads its heavy parts on first use: Pillow and its format plugins, zxing-cpp and PDFium (extra
``image``) the first time an e-mail carries a picture or a PDF; Python a codec the first time a charset is
met; libphonenumber a region's metadata the first time a number of that region is read; idna its UTS #46 table
on the first non-ASCII host. A one-off check (``sentinelle check``) should not pay for what it never reads. A
daemon (the web service, batch workers, a mail filter) should pay once, at start, like Rspamd loading its maps:
measured over a worker's first 450 corpus e-mails, these loads cost 50-100 ms of CPU in the middle of the
stream, the first PDF attachment alone 35 ms of imports.

``warm_up`` loads them, then analyses a small synthetic e-mail (HTML with a link, a picture, a PDF when the
extra is there) and an SMS, so the lazily compiled patterns and tables of every stage are ready too. It
loads no speech model and no Tesseract instance: those are per-thread or large, and only the doors that read
recordings or screenshots need them.
"""

from __future__ import annotations

import codecs
import encodings.aliases
import importlib
import io
import pkgutil
import time
from dataclasses import dataclass
from email.message import EmailMessage
from typing import TYPE_CHECKING

import idna
from phonenumbers.phonemetadata import PhoneMetadata

from .textnorm import fold_table

if TYPE_CHECKING:
    from .engine import Engine


@dataclass(frozen=True, slots=True)
class WarmUp:
    """What ``warm_up`` loaded, which optional readers were missing, and the CPU time it took."""

    loaded: tuple[str, ...]
    missing: tuple[str, ...]
    cpu_ms: float


def warm_up(engine: Engine) -> WarmUp:
    """Load the engine's lazily loaded parts and run one analysis of each common kind; never raises on a
    missing optional reader (it is listed in ``missing``, and messages that need it say so as before)."""
    started = time.process_time()
    loaded = ["codecs", "phone-metadata", "idna", "fold-table"]
    _load_codecs()
    PhoneMetadata.load_all()
    idna.encode("sécurité-sociale.fr", uts46=True)
    fold_table()
    missing: list[str] = []
    picture = _png()
    (loaded if picture else missing).append("pillow")
    document = _pdf()
    (loaded if document else missing).append("pdfium")
    engine.analyze(_email(picture, document), kind="email")
    engine.analyze("Votre carte Vitale expire : rappelez le 08 99 19 00 00 ou https://ameli-vitale.info/", kind="sms")
    loaded.append("analysis")
    return WarmUp(tuple(loaded), tuple(missing), (time.process_time() - started) * 1000)


def _load_codecs() -> None:
    """Every codec of the standard library: mail names its charsets freely (cp1251, iso-2022-jp, koi8-r...)."""
    names = set(encodings.aliases.aliases.values())
    names.update(module.name for module in pkgutil.iter_modules(encodings.__path__))
    for name in sorted(names - {"aliases", "mbcs", "oem"}):
        try:
            codecs.lookup(name)
        except LookupError:  # an alias of a codec this build lacks (mbcs off Windows)
            continue


def _png() -> bytes | None:
    """A small grey PNG drawn with Pillow, or None without the ``image`` extra."""
    try:
        from PIL import Image
    except ImportError:
        return None
    Image.init()  # every format plugin, as the first unknown picture would
    out = io.BytesIO()
    Image.new("L", (64, 64), 255).save(out, format="PNG")
    return out.getvalue()


def _pdf() -> bytes | None:
    """A one-page blank PDF written by PDFium itself, or None without the ``image`` extra."""
    try:
        pypdfium2 = importlib.import_module("pypdfium2")  # untyped, as in media.pdf
    except ImportError:
        return None
    document = pypdfium2.PdfDocument.new()
    try:
        document.new_page(200, 200).close()
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()
    finally:
        document.close()


def _email(picture: bytes | None, document: bytes | None) -> bytes:
    """A multipart e-mail with a text and an HTML alternative, a link, and the picture and PDF when given."""
    msg = EmailMessage()
    msg["From"] = "Assurance Maladie <ne-pas-repondre@ameli-remboursement.info>"
    msg["To"] = "assure@example.fr"
    msg["Subject"] = "=?utf-8?q?Votre_remboursement_est_en_attente?="
    msg.set_content("Bonjour, un remboursement de 48,70 € vous attend : https://ameli-remboursement.info/")
    msg.add_alternative(
        '<p>Bonjour, un remboursement vous attend : <a href="https://ameli-remboursement.info/">ameli.fr</a></p>',
        subtype="html",
    )
    if picture is not None:
        msg.add_attachment(picture, maintype="image", subtype="png", filename="logo.png")
    if document is not None:
        msg.add_attachment(document, maintype="application", subtype="pdf", filename="attestation.pdf")
    return msg.as_bytes()
