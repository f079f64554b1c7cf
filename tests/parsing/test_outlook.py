"""Outlook ``.msg`` files: converted to the e-mail they stand for, then read like any e-mail.

The ``.msg`` files are built by ``tests/msgfixtures.py`` (a compound file writer and MAPI builder written for
these tests, since no real file may be downloaded); the first tests check that olefile and extract-msg
read them back, so that the parser tests below rest on honest files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import random
import struct
import sys

import pytest

# Module objects (typed as such): olefile ships no type information, extract-msg's classes are dynamic.
extract_msg = pytest.importorskip("extract_msg", reason="the 'outlook' extra (extract-msg) is not installed")
olefile = pytest.importorskip("olefile")

from msgfixtures import Embedded, Reference, build_msg, check_red_black  # noqa: E402
from sentinelle.config import Limits  # noqa: E402
from sentinelle.errors import UnsupportedInput  # noqa: E402
from sentinelle.model import Kind, LinkSource, Message  # noqa: E402
from sentinelle.parsing import outlook  # noqa: E402
from sentinelle.parsing.outlook import msg_to_rfc822, parse_msg, rtf_to_html  # noqa: E402

LIMITS = Limits()
SEED_HTML = (
    "<html><body><p>Bonjour, vous avez un remboursement en attente.</p>"
    '<p><a href="https://ameli-remboursement.com/login">https://www.ameli.fr/assure</a></p>'
    "</body></html>"
)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + bytes(range(256)) * 20
NATIVE_RTF = (
    rb"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0\fswiss Arial;}}{\colortbl;\red0\green0\blue255;}"
    rb"{\*\generator Riched20 10.0;}\f0\fs20 Votre carte Vitale expire, r\'e9glez 2\'80 de frais."
    rb'\par Connectez-vous sur {\field{\*\fldinst{HYPERLINK "https://ameli-carte.example/vitale"}}'
    rb"{\fldrslt{\cf1\ul www.ameli.fr}}} avant vendredi.\par}"
)
ENCAPSULATED_RTF = (
    rb"{\rtf1\ansi\ansicpg1252\fromhtml1 \deff0{\fonttbl{\f0\fswiss Arial;}}"
    rb"{\*\htmltag19 <html>}{\*\htmltag50 <body>}{\*\htmltag64 <p>}\htmlrtf {\htmlrtf0 "
    rb"Votre remboursement de 42\'80 vous attend.\htmlrtf }\htmlrtf0 {\*\htmltag72 </p>}"
    rb'{\*\htmltag84 <a href="https://ameli-remboursement.com/login">}\htmlrtf '
    rb'{\field{\*\fldinst{HYPERLINK "https://ameli-remboursement.com/login"}}{\fldrslt\ul '
    rb"\htmlrtf0 https://www.ameli.fr/assure\htmlrtf }}\htmlrtf0 {\*\htmltag92 </a>}"
    rb"{\*\htmltag58 </body>}{\*\htmltag27 </html>}}"
)


def parse(data: bytes, limits: Limits = LIMITS) -> Message:
    return parse_msg(data, limits=limits, callback_cues=("appelez",), known_short=frozenset())


def codes(msg: Message) -> list[str]:
    return [a.code for a in msg.anomalies]


def seed_phishing(**extra: object) -> bytes:
    """The seed: "Assurance Maladie" writing from a foreign domain, an anchor that shows ameli.fr."""
    options: dict[str, object] = {
        "body": "Bonjour, vous avez un remboursement en attente.",
        "html": SEED_HTML,
        "sent": dt.datetime(2024, 5, 2, 8, 30, tzinfo=dt.UTC),
    }
    options.update(extra)
    return build_msg(
        "Remboursement",
        "Assurance Maladie",
        "remboursement@ameli-remboursement.com",
        [("Jean Dupont", "jean.dupont@example.fr")],
        **options,
    )  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------ the fixtures


def test_built_file_is_a_sound_compound_file() -> None:
    data = seed_phishing(attachments=[("remboursement.pdf", PDF)])
    ole = olefile.OleFileIO(data, raise_defects=olefile.DEFECT_INCORRECT)
    try:
        assert ole.parsing_issues == []
        assert ole.exists("__nameid_version1.0/__substg1.0_00020102")
        assert ole.openstream("__substg1.0_0037001F").read().decode("utf-16-le") == "Remboursement"
        big = ole.openstream("__attach_version1.0_#00000000/__substg1.0_37010102").read()
        assert big == PDF  # over the 4096-byte cutoff: regular sectors; the subject: mini stream
        entries = [
            (e.name, e.sid_left, e.sid_right, e.color) if e is not None else ("", 0, 0, 1) for e in ole.direntries
        ]
        for entry in ole.direntries:
            if entry is not None and entry.entry_type in (olefile.STGTY_ROOT, olefile.STGTY_STORAGE):
                check_red_black(entries, entry.sid_child)
    finally:
        ole.close()


def test_extract_msg_reads_the_built_file_back() -> None:
    data = seed_phishing(attachments=[("remboursement.pdf", PDF)], rtf=NATIVE_RTF)
    msg = extract_msg.openMsg(data)  # extract-msg (through olefile) accepts the bytes themselves
    try:
        assert msg.subject == "Remboursement"
        assert msg.body == "Bonjour, vous avez un remboursement en attente."
        assert msg.htmlBody == SEED_HTML.encode()
        assert msg.rtfBody == NATIVE_RTF
        assert msg.sender == "Assurance Maladie <remboursement@ameli-remboursement.com>"
        [attachment] = msg.attachments
        assert (attachment.longFilename, attachment.data) == ("remboursement.pdf", PDF)
    finally:
        msg.close()


# ------------------------------------------------------------------------------------------ the seed


def test_seed_phishing_keeps_the_anchor_that_shows_ameli() -> None:
    msg = parse(seed_phishing())
    assert msg.kind is Kind.EMAIL
    assert msg.subject == "Remboursement"
    assert msg.sender is not None
    assert msg.sender.display_name == "Assurance Maladie"
    assert msg.sender.address == "remboursement@ameli-remboursement.com"
    assert msg.recipients == ("jean.dupont@example.fr",)
    [anchor] = [link for link in msg.links if link.source is LinkSource.HTML_ANCHOR]
    assert anchor.host == "ameli-remboursement.com"
    assert anchor.displayed_text is not None
    assert "ameli.fr" in anchor.displayed_text
    assert "remboursement en attente" in msg.text
    assert msg.header("Date") == ["Thu, 02 May 2024 08:30:00 +0000"]
    assert msg.anomalies == ()


def test_transport_headers_are_kept_without_their_mime_fields_or_a_forged_body() -> None:
    headers = (
        "Microsoft Mail Internet Headers Version 2.0\r\n"
        "Received: from mail.ameli-remboursement.com (203.0.113.9)\r\n"
        "Authentication-Results: mx.example.fr; spf=fail smtp.mailfrom=ameli-remboursement.com\r\n"
        'From: "Assurance Maladie" <remboursement@ameli-remboursement.com>\r\n'
        "To: jean.dupont@example.fr\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/alternative;\r\n\tboundary="original"\r\n'
        "\r\nLigne de corps forgée https://forged.example/\r\n"
    )
    msg = parse(seed_phishing(headers=headers))
    assert msg.header("Received") == ["from mail.ameli-remboursement.com (203.0.113.9)"]
    assert msg.header("Authentication-Results")
    assert msg.subject == "Remboursement"  # absent from the stored headers: taken from PR_SUBJECT
    assert msg.sender is not None
    assert msg.sender.display_name == "Assurance Maladie"
    [content_type] = msg.header("Content-Type")
    assert "original" not in content_type
    assert "forgée" not in msg.text
    assert "forged.example" not in {link.host for link in msg.links}
    [malformed] = [a for a in msg.anomalies if a.code == "MSG_HEADERS_MALFORMED"]
    assert malformed.params["dropped"] == "1"


def test_header_injection_through_mapi_strings_is_neutralised() -> None:
    data = build_msg(
        "Remboursement\r\nBcc: victim@example.fr", "Assurance\r\nX-Evil: 1", "a@example.com", body="Bonjour"
    )
    msg = parse(data)
    assert msg.header("X-Evil") == []
    assert msg.header("Bcc") == []
    assert msg.subject == "Remboursement Bcc: victim@example.fr"


# ------------------------------------------------------------------------------------------ RTF bodies


def test_native_rtf_only_body_is_read_with_its_hyperlink() -> None:
    msg = parse(build_msg("Carte Vitale", "Ameli", "info@ameli-carte.example", rtf=NATIVE_RTF))
    assert "Votre carte Vitale expire, réglez 2€ de frais." in msg.text
    assert "avant vendredi" in msg.text
    assert "Riched20" not in msg.text  # a destination, never shown
    [anchor] = [link for link in msg.links if link.source is LinkSource.HTML_ANCHOR]
    assert (anchor.host, anchor.displayed_text) == ("ameli-carte.example", "www.ameli.fr")
    assert msg.anomalies == ()


def test_rtf_encapsulating_html_is_de_encapsulated() -> None:
    msg = parse(build_msg("Remboursement", "Ameli", "info@ameli-remboursement.com", rtf=ENCAPSULATED_RTF))
    assert "Votre remboursement de 42€ vous attend." in msg.text
    [anchor] = [link for link in msg.links if link.source is LinkSource.HTML_ANCHOR]
    assert anchor.host == "ameli-remboursement.com"
    assert anchor.displayed_text == "https://www.ameli.fr/assure"
    assert msg.anomalies == ()


def test_large_encapsulated_rtf_is_read_by_the_linear_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    # RTFDE is skipped above a size bound (it takes about 25 s per MB); the reader here gives the same HTML.
    monkeypatch.setattr(outlook, "_RTFDE_MAX_BYTES", 10)
    msg = parse(build_msg("Remboursement", "Ameli", "info@ameli-remboursement.com", rtf=ENCAPSULATED_RTF))
    assert "Votre remboursement de 42€ vous attend." in msg.text
    [anchor] = [link for link in msg.links if link.source is LinkSource.HTML_ANCHOR]
    assert (anchor.host, anchor.displayed_text) == ("ameli-remboursement.com", "https://www.ameli.fr/assure")


def test_rtf_that_rtfde_rejects_is_reported_and_still_read() -> None:
    rtf = (
        rb"{\rtf1\ansi\fromhtml1 {\*\htmltag64 <p>}Bonjour, votre dossier est incomplet."
        rb"{\*\htmltag72 </p>}}"
    )
    msg = parse(build_msg("Dossier", "Ameli", "info@example.com", rtf=rtf))
    assert "MSG_RTF_UNREADABLE" in codes(msg)  # RTFDE: no font table
    assert "votre dossier est incomplet" in msg.text


def test_corrupt_compressed_rtf_is_an_anomaly() -> None:
    data = build_msg(
        "Dossier",
        "Ameli",
        "info@example.com",
        body="Texte lisible",
        extra_streams={"__substg1.0_10090102": b"\x10\x00\x00\x00" + os.urandom(60)},
    )
    msg = parse(data)
    assert "MSG_RTF_UNREADABLE" in codes(msg)
    assert msg.text == "Texte lisible"


def test_rtf_reader_decodes_unicode_escapes_and_skips_binary() -> None:
    # \bin's payload holds braces and a backslash: read as RTF, they would break the groups.
    rtf = (
        rb"{\rtf1\ansi\ansicpg1252\uc1 Caf\u233e \u-10179?\u-8704?{\pict\bin5 "
        + b"\x00}{\\{"
        + rb"} fin{\*\unknowndest cach\'e9}\par}"
    )
    view = rtf_to_html(rtf)
    assert view.text == "Café \U0001f600 fin\n"
    assert view.encapsulated is None


def test_rtf_reader_is_bounded_on_deep_and_unbalanced_input() -> None:
    view = rtf_to_html(b"{\\rtf1 " + b"{" * 100_000 + b"profond" + b"}" * 10 + b"}}}}")
    assert "profond" in view.text
    assert rtf_to_html(b"}}}{\\rtf1 texte\\").text == "texte"


# ------------------------------------------------------------------------------------------ attachments


def test_attachment_is_listed_with_its_hash_and_detected_type() -> None:
    jpeg = b"\xff\xd8\xff\xe0" + bytes(64)
    msg = parse(seed_phishing(attachments=[("releve.pdf", PDF), ("photo.jpg", jpeg)]))
    by_name = {a.filename: a for a in msg.attachments}
    assert by_name["releve.pdf"].sha256 == hashlib.sha256(PDF).hexdigest()
    assert by_name["releve.pdf"].detected_type == "pdf"
    assert by_name["releve.pdf"].size == len(PDF)
    assert by_name["photo.jpg"].detected_type == "jpeg"


def test_html_attachment_links_are_read() -> None:
    page = b'<html><body><form action="https://ameli-form.example/post"></form></body></html>'
    msg = parse(seed_phishing(attachments=[("formulaire.html", page)]))
    assert "ameli-form.example" in {link.host for link in msg.links}


def test_embedded_message_is_converted_and_read() -> None:
    inner = Embedded(
        "Votre carte Vitale",
        "Assurance Maladie",
        "carte@vitale-renouvellement.example",
        html='<a href="https://vitale-renouvellement.example/">www.ameli.fr</a>',
        attachments=[("piece.pdf", PDF)],
    )
    raw, anomalies = msg_to_rfc822(seed_phishing(attachments=[("transfert.msg", inner)]), max_bytes=10**7)
    assert anomalies == []
    assert b"Content-Type: message/rfc822" in raw  # embedded messages are converted, not kept as .msg bytes
    msg = parse(seed_phishing(attachments=[("transfert.msg", inner)]))
    hosts = {link.host: link for link in msg.links}
    assert hosts["vitale-renouvellement.example"].displayed_text == "www.ameli.fr"
    assert [a.filename for a in msg.attachments] == ["piece.pdf"]


def test_reference_attachment_becomes_a_link() -> None:
    shared = "https://ameli-docs.sharepoint.example/releve"
    msg = parse(seed_phishing(attachments=[("Relevé de remboursement", Reference(shared))]))
    [link] = [link for link in msg.links if link.source is LinkSource.ATTACHMENT]
    assert link.url == shared
    assert [a.content_type for a in msg.attachments] == ["text/uri-list"]


def test_clear_signed_message_body_comes_from_its_signed_entity() -> None:
    entity = (
        b'Content-Type: multipart/signed; protocol="application/pkcs7-signature";\r\n'
        b' boundary="sig"\r\n\r\n'
        b"--sig\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        b"Texte signe: rappelez le 0899 00 00 00\r\n"
        b"--sig\r\nContent-Type: application/pkcs7-signature; name=smime.p7s\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\nAAAA\r\n--sig--\r\n"
    )
    data = build_msg(
        "Signe",
        "Ameli",
        "a@example.com",
        attachments=[("smime.p7m", entity)],
        message_class="IPM.Note.SMIME.MultipartSigned",
    )
    msg = parse(data)
    assert "Texte signe" in msg.text
    assert [a.filename for a in msg.attachments] == ["smime.p7s"]


def test_attachment_over_the_budget_is_named_not_silently_dropped() -> None:
    data = seed_phishing(attachments=[("gros.bin", os.urandom(300_000))])
    msg = parse(data, Limits(max_input_bytes=len(data) + 1000))
    assert "INPUT_TRUNCATED" not in codes(msg)  # the converted e-mail stays within the same limit
    assert msg.attachments == ()
    [skipped] = [a for a in msg.anomalies if a.code == "MSG_ATTACHMENT_SKIPPED"]
    assert skipped.params["name"] == "gros.bin"
    assert "remboursement en attente" in msg.text


# ------------------------------------------------------------------------------------------ hostile input


def test_corrupt_ole_file_is_unreadable_not_an_exception() -> None:
    msg = parse(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(4096))
    assert msg.text == ""
    assert codes(msg) == ["MSG_UNREADABLE"]
    assert msg.anomalies[0].params["error"]


@pytest.mark.parametrize("size", [0, 7, 512, 5000])
def test_random_bytes_do_not_raise(size: int) -> None:
    msg = parse(os.urandom(size))
    assert codes(msg) == ["MSG_UNREADABLE"]


def test_truncated_and_scrambled_files_do_not_raise() -> None:
    data = seed_phishing(attachments=[("releve.pdf", PDF)], rtf=NATIVE_RTF)
    rng = random.Random(1234)
    for cut in (600, 1536, len(data) // 2, len(data) - 100):
        parse(data[:cut])
    for _ in range(40):
        scrambled = bytearray(data)
        for _ in range(20):
            scrambled[rng.randrange(512, len(data))] = rng.randrange(256)
        parse(bytes(scrambled))


def test_stream_sizes_the_file_cannot_hold_are_refused() -> None:
    # A stream whose declared size exceeds the file: with a FAT loop, olefile would read it for that long.
    data = bytearray(seed_phishing(attachments=[("releve.pdf", PDF)]))
    entry = data.find("__substg1.0_37010102".encode("utf-16-le"))  # the name opens its directory entry
    assert entry > 0
    assert entry % 128 == 0
    struct.pack_into("<I", data, entry + 120, 0x7FFFFFF0)  # the entry's stream size
    msg = parse(bytes(data))
    assert codes(msg) == ["MSG_UNREADABLE"]


def test_badly_encoded_string_is_replaced_and_reported() -> None:
    data = build_msg(
        "Remboursement",
        "Ameli",
        "a@example.com",
        body="Bonjour",
        extra_streams={"__substg1.0_0037001F": "Rembourse".encode("utf-16-le") + b"\x41"},
    )
    msg = parse(data)
    assert msg.subject is not None
    assert msg.subject.startswith("Rembourse")
    assert "MSG_BAD_STRING" in codes(msg)
    assert msg.text == "Bonjour"


def test_too_large_file_is_refused_with_its_limit() -> None:
    data = seed_phishing()
    msg = parse(data, Limits(max_input_bytes=1000))
    assert codes(msg) == ["MSG_TOO_LARGE"]


# ------------------------------------------------------------------------------------------ environment


def test_missing_extra_raises_with_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "extract_msg", None)  # makes ``import extract_msg`` fail
    with pytest.raises(UnsupportedInput, match=r"pip install 'sentinelle\[outlook\]'"):
        parse(seed_phishing())


def test_library_logging_is_silenced_during_the_call_and_restored(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    before = {name: logging.getLogger(name).level for name in ("extract_msg", "RTFDE")}
    parse(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(4096))
    parse(build_msg("Dossier", "Ameli", "info@example.com", rtf=b"{\\rtf1\\ansi\\fromhtml1 x}"))
    assert [r for r in caplog.records if r.name.startswith(("extract_msg", "RTFDE"))] == []
    assert {name: logging.getLogger(name).level for name in ("extract_msg", "RTFDE")} == before
