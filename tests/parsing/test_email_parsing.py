"""E-mail parsing: what the reader sees (text, displayed links), what is attached, and hostile structure.

Fixtures live in ``tests/fixtures/email/`` and are named by the behaviour they show. Hostile inputs
(deep nesting, floods of links) are generated here, so their size is visible in the test.
"""

from __future__ import annotations

import base64
import hashlib
import time
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sentinelle.config import Limits
from sentinelle.model import Kind, LinkSource, Message, PhoneRole
from sentinelle.parsing.email import EmailLimits, detect_file_type, html_to_text, parse_email, split_mailbox

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "email"
CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "email"
CUES = ("rappelez", "appelez", "appeler", "composez", "contactez")
KNOWN_SHORT = frozenset({"3646", "3230"})


def parse(data: bytes, limits: Limits | None = None, **kwargs: EmailLimits) -> Message:
    return parse_email(data, limits=limits or Limits(), callback_cues=CUES, known_short=KNOWN_SHORT, **kwargs)


def parse_fixture(name: str) -> Message:
    return parse((FIXTURES / name).read_bytes())


def codes(msg: Message) -> Counter[str]:
    return Counter(a.code for a in msg.anomalies)


def assert_clean_strings(msg: Message) -> None:
    """Every string leaving the parser encodes to UTF-8 and holds no NUL (libraries downstream need both)."""
    values = [msg.text, msg.subject or "", *(v for h in msg.headers for v in h), *msg.recipients]
    values += [link.url for link in msg.links] + [link.displayed_text or "" for link in msg.links]
    if msg.sender:
        values += [msg.sender.display_name or "", msg.sender.address or ""]
    values += [a.filename or "" for a in msg.attachments]
    for value in values:
        value.encode("utf-8")
    assert "\x00" not in msg.text
    assert "\x00" not in (msg.subject or "")


# ------------------------------------------------------------------------------------------ what is seen


def test_displayed_ameli_link_keeps_its_real_target() -> None:
    msg = parse_fixture("displayed_ameli_link_to_lookalike.eml")
    assert msg.kind is Kind.EMAIL
    anchors = [link for link in msg.links if link.source is LinkSource.HTML_ANCHOR]
    assert len(anchors) == 1  # mailto:, cid: and #fragment targets are not links to a site
    assert anchors[0].displayed_text == "https://www.ameli.fr/assure/compte"
    assert anchors[0].host == "ameli-remboursement-secu.com"
    assert anchors[0].url == "https://ameli-remboursement-secu.com/login?id=8841"
    assert anchors[0].location == "part2:a[0]"


def test_plain_alternative_links_are_kept_but_html_is_the_text() -> None:
    msg = parse_fixture("displayed_ameli_link_to_lookalike.eml")
    text_links = [link for link in msg.links if link.source is LinkSource.TEXT]
    assert [link.url for link in text_links] == ["https://ameli-remboursement-secu.com/rib?id=8841"]
    assert "connectez-vous à votre compte" in msg.text  # the HTML alternative, as displayed
    assert "confirmez vos coordonnées" not in msg.text  # the plain alternative is not shown to the reader
    assert "window.location" not in msg.text
    assert "font-family" not in msg.text


def test_headers_subject_sender_recipients_are_decoded() -> None:
    msg = parse_fixture("displayed_ameli_link_to_lookalike.eml")
    assert msg.subject == "Votre remboursement de 49,90 € est en attente"
    assert msg.sender is not None
    assert msg.sender.display_name == "Assurance Maladie"
    assert msg.sender.address == "securite@ameli-remboursement-secu.com"
    assert msg.recipients == ("marie.dupont@example.fr", "paul.martin@example.fr")
    assert msg.header("reply-to") == ["contact@ameli-remboursement-secu.com"]
    # Folded headers are unfolded: one logical value per field.
    (auth,) = msg.header("Authentication-Results")
    assert "\n" not in auth
    assert "dmarc=fail header.from=ameli.fr" in auth


def test_html_blocks_become_lines() -> None:
    msg = parse_fixture("displayed_ameli_link_to_lookalike.eml")
    lines = msg.text.split("\n")
    assert "Bonjour," in lines
    assert "Un remboursement de 49,90 € est en attente." in lines


def test_genuine_ameli_mail_parses_without_anomaly() -> None:
    msg = parse_fixture("ameli_genuine_dkim_pass.eml")
    assert msg.anomalies == ()
    assert msg.sender is not None
    assert msg.sender.address == "assurance-maladie@info.ameli.fr"
    assert msg.sender.display_name == "L'Assurance Maladie"
    assert "dkim=pass header.d=info.ameli.fr" in msg.header("authentication-results")[0]
    assert "rubrique « Mes démarches »." in msg.text
    anchors = [link for link in msg.links if link.source is LinkSource.HTML_ANCHOR]
    assert [(a.registrable_domain, a.displayed_text) for a in anchors] == [("ameli.fr", "ameli.fr")]
    images = [link for link in msg.links if link.source is LinkSource.HTML_IMAGE]
    assert [i.host for i in images] == ["info.ameli.fr"]


def test_image_links_show_alt_title_or_file_name() -> None:
    msg = parse_fixture("image_link_with_alt.eml")
    shown = {link.url: link.displayed_text for link in msg.links if link.source is LinkSource.HTML_ANCHOR}
    assert shown == {
        "https://secu-info-maj.com/vitale": "Accéder à mon compte ameli",
        "https://secu-info-maj.com/vitale2": "mettre-a-jour.png",
        "https://secu-info-maj.com/vitale3": "Valider",
    }
    images = [link.url for link in msg.links if link.source is LinkSource.HTML_IMAGE]
    assert images == ["https://secu-info-maj.com/img/bouton.png", "https://secu-info-maj.com/img/mettre-a-jour.png"]


def test_form_action_is_a_link() -> None:
    msg = parse_fixture("form_collecting_bank_details.eml")
    forms = [link for link in msg.links if link.source is LinkSource.HTML_FORM]
    assert [f.url for f in forms] == ["https://cpam-regularisation.net/collect.php"]
    assert "Montant 49,90 €" in msg.text.split("\n")  # table cells stay on one line
    assert msg.sender is not None
    assert msg.sender.display_name == "ameli.fr"


def test_tel_and_sms_links_are_callback_numbers() -> None:
    msg = parse_fixture("callback_tel_link.eml")
    assert not [link for link in msg.links if link.url.startswith(("tel:", "sms:"))]
    by_number = {p.normalized: p for p in msg.phones}
    assert by_number["+33899123456"].role is PhoneRole.CALLBACK
    assert by_number["+33612345678"].role is PhoneRole.CALLBACK  # sms: target, only in the href
    assert by_number["+33612345678"].location == "part0:a[1]"
    assert codes(msg)["UNPARSABLE_PHONE"] == 1  # the empty "tel:"


def test_multipart_alternative_prefers_html_and_keeps_plain_only_parts() -> None:
    data = (
        b"From: a@example.org\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=m\n\n"
        b"--m\nContent-Type: multipart/alternative; boundary=a\n\n"
        b"--a\nContent-Type: text/plain\n\nVERSION TEXTE\n"
        b"--a\nContent-Type: multipart/related; boundary=r\n\n"
        b"--r\nContent-Type: text/html\n\n<p>VERSION HTML <a href='https://x.example/'>ici</a></p>\n--r--\n"
        b"--a--\n"
        b"--m\nContent-Type: text/plain\n\nNOTE EN PIECE SEULE\n--m--\n"
    )
    msg = parse(data)
    assert "VERSION HTML ici" in msg.text
    assert "NOTE EN PIECE SEULE" in msg.text
    assert "VERSION TEXTE" not in msg.text


def test_picture_only_html_falls_back_to_the_plain_alternative() -> None:
    data = (b"From: a@example.org\nContent-Type: multipart/alternative; boundary=a\n\n"
            b"--a\nContent-Type: text/plain\n\nVotre remboursement vous attend.\n"
            b"--a\nContent-Type: text/html\n\n<a href='https://x.example/'><input type=image "
            b"src='https://img.example/bouton.png'></a>\n--a--\n")
    msg = parse(data)
    assert msg.text == "Votre remboursement vous attend."
    assert codes(msg)["TEXT_FROM_HIDDEN_ALTERNATIVE"] == 1
    shown = [(link.url, link.displayed_text) for link in msg.links if link.source is LinkSource.HTML_ANCHOR]
    assert shown == [("https://x.example/", "bouton.png")]  # a picture button shows its picture
    assert "https://img.example/bouton.png" in {link.url for link in msg.links if link.source is LinkSource.HTML_IMAGE}


def test_content_type_without_semicolon_is_still_html() -> None:
    msg = parse(b"From: a@example.org\nContent-Type: text/html charset=windows-1252\n\n<p>Bonjour <b>Marie</b></p>")
    assert msg.text == "Bonjour Marie"


def test_inline_pdf_is_an_attachment_and_inline_image_is_not() -> None:
    data = (b"From: a@example.org\nContent-Type: multipart/mixed; boundary=m\n\n"
            b"--m\nContent-Type: application/pdf\nContent-Disposition: inline\n\n%PDF-1.4 x\n"
            b"--m\nContent-Type: image/png\nContent-Disposition: inline\n\n\x89PNG\r\n\x1a\n\n--m--\n")
    msg = parse(data)
    assert [(a.content_type, a.detected_type) for a in msg.attachments] == [("application/pdf", "pdf")]


# ------------------------------------------------------------------------------------------ attachments


def test_attachments_are_typed_by_content_not_name() -> None:
    msg = parse_fixture("attachments_typed_by_content.eml")
    found = [(a.filename, a.content_type, a.detected_type) for a in msg.attachments]
    assert found == [
        ("attestation.pdf", "application/pdf", "html"),
        ("relevé.pdf", "application/octet-stream", "pdf"),  # RFC 2231 file name
        ("facture.zip", "application/zip", "zip"),  # RFC 2047 file name
        ("photo.jpg", "image/jpeg", "exe"),
    ]  # the inline logo is part of the body, not an attachment
    pdf = msg.attachments[1]
    assert pdf.size == 77
    assert (
        pdf.sha256
        == hashlib.sha256(
            base64.b64decode(
                b"JVBERi0xLjQKMSAwIG9iaiA8PCAvVHlwZSAvQ2F0YWxvZyA+PiBlbmRvYmoKdHJhaWxlciA8PCAvUm9vdCAxIDAgUiA+PgolJUVPRgo="
            )
        ).hexdigest()
    )


def test_html_attachment_is_read_for_links_and_text() -> None:
    msg = parse_fixture("attachments_typed_by_content.eml")
    html_attachment = msg.attachments[0]
    assert html_attachment.extracted_text is not None
    assert "Chargement de votre attestation" in html_attachment.extracted_text
    attached = {(link.url, link.location) for link in msg.links if link.source is LinkSource.ATTACHMENT}
    assert attached == {
        ("https://ameli-secure-login.top/doc", "part2:a[0]"),
        ("https://ameli-secure-login.top/post.php", "part2:form[0]"),
        ("https://ameli-secure-login.top/auth", "part2:meta[0]"),  # <meta http-equiv=refresh>
    }
    assert "Chargement" not in msg.text  # an attachment is not the message body


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"%PDF-1.7\n", "pdf"),
        (b"\r\n  junk %PDF-1.4", "pdf"),
        (b"PK\x03\x04rest", "zip"),
        (b"Rar!\x1a\x07\x00", "rar"),
        (b"7z\xbc\xaf\x27\x1c\x00", "7z"),
        (b"\x1f\x8b\x08", "gzip"),
        (b"\x89PNG\r\n\x1a\n", "png"),
        (b"\xff\xd8\xff\xe0", "jpeg"),
        (b"GIF89a", "gif"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
        (b"MZ\x90\x00", "exe"),
        (b"\xef\xbb\xbf  <!DOCTYPE html><html>", "html"),
        (b"<?xml version='1.0'?><svg xmlns='http://www.w3.org/2000/svg'>", "svg"),
        (b"Bonjour, voici le texte.\n", "text"),
        (b"\x00\x01\x02\x03binary", "unknown"),
        (b"", "unknown"),
    ],
)
def test_detect_file_type_by_magic_bytes(head: bytes, expected: str) -> None:
    assert detect_file_type(head) == expected


# ------------------------------------------------------------------------------------------ broken input


def test_broken_base64_is_decoded_and_flagged() -> None:
    msg = parse_fixture("broken_base64.eml")
    assert "carte-vitale-maj.com" in msg.text
    assert codes(msg)["BAD_TRANSFER_ENCODING"] == 1
    defects = {a.params["defect"] for a in msg.anomalies if a.code == "MIME_DEFECT"}
    assert "InvalidBase64CharactersDefect" in defects
    assert all(a.params.get("part") == "0" for a in msg.anomalies if a.code == "MIME_DEFECT")


def test_lying_and_unknown_charsets_fall_back() -> None:
    msg = parse_fixture("lying_charset.eml")
    charsets = [a.params["charset"] for a in msg.anomalies if a.code == "BAD_CHARSET"]
    assert charsets == ["utf-8", "x-klingon"]
    assert "dossier n° 4471" in msg.text
    assert "120 €" in msg.text
    assert "Réponse attendue" in msg.text  # UTF-8 fallback for the unknown charset


@pytest.mark.parametrize("charset", ["punycode", "zlib", "rot13", "x\x00y"])
def test_charsets_that_are_not_text_encodings_are_refused(charset: str) -> None:
    data = f'From: a@example.org\nContent-Type: text/plain; charset="{charset}"\n\nTexte clair.\n'.encode()
    msg = parse(data)
    assert "Texte clair." in msg.text
    refused = [a.params["charset"] for a in msg.anomalies if a.code == "BAD_CHARSET"]
    assert refused == [charset.replace("\x00", "")]  # parameters are shown to people: no control characters


def test_utf7_lone_surrogates_do_not_leak() -> None:
    msg = parse(b"From: a@example.org\nContent-Type: text/plain; charset=utf-7\n\nA+2D0-B +AOk-\n")
    assert_clean_strings(msg)
    assert "é" in msg.text


def test_subject_is_one_line() -> None:
    msg = parse(b"From: a@example.org\nSubject: =?utf-8?b?TGlnbmUgMQpMaWduZSAy?=\n\nCorps\n")
    assert msg.subject == "Ligne 1 Ligne 2"


def test_unknown_transfer_encoding_is_flagged() -> None:
    msg = parse(b"From: a@example.org\nContent-Transfer-Encoding: base65\n\nTexte lisible.\n")
    assert codes(msg)["BAD_TRANSFER_ENCODING"] == 1
    assert "Texte lisible." in msg.text


def test_missing_boundary_is_a_defect_and_text_survives() -> None:
    msg = parse_fixture("mime_defects_missing_boundary.eml")
    defects = {a.params["defect"] for a in msg.anomalies if a.code == "MIME_DEFECT"}
    assert "StartBoundaryNotFoundDefect" in defects
    assert "ameli-verification.com" in {link.host for link in msg.links}


def test_multipart_without_boundary_parameter_is_read_as_text() -> None:
    msg = parse_fixture("multipart_without_boundary.eml")
    defects = {a.params["defect"] for a in msg.anomalies if a.code == "MIME_DEFECT"}
    assert "NoBoundaryInMultipartDefect" in defects
    assert "Texte lisible" in msg.text


def test_nul_bytes_do_not_crash_or_leak() -> None:
    msg = parse_fixture("nul_bytes.eml")
    assert_clean_strings(msg)
    assert msg.subject == "Carte Vitale"
    assert msg.sender is not None
    assert msg.sender.address == "info@example.org"
    assert "carte-vitale-maj.com" in {link.host for link in msg.links}


def test_header_only_message() -> None:
    msg = parse_fixture("header_only.eml")
    assert msg.subject == "Objet seul"
    assert msg.text == ""
    assert codes(msg)["EMPTY_INPUT"] == 1
    assert msg.links == ()
    assert msg.attachments == ()


def test_empty_and_garbage_input() -> None:
    assert parse(b"").text == ""
    msg = parse(bytes(range(256)) * 40)
    assert_clean_strings(msg)


def test_hidden_characters_are_removed_and_counted() -> None:
    msg = parse_fixture("hidden_characters_and_encoded_display_name.eml")
    assert "Votre compte ameli est suspendu" in msg.text
    assert msg.subject == "ameli : action requise"
    assert msg.hidden_characters == 3  # two in the body, one in the subject
    removed = [a.location for a in msg.anomalies if a.code == "INVISIBLE_CHARACTERS_REMOVED"]
    assert removed == [None, "subject"]


def test_encoded_display_name_cannot_forge_the_address() -> None:
    msg = parse_fixture("hidden_characters_and_encoded_display_name.eml")
    assert msg.sender is not None
    assert msg.sender.display_name == "Ameli <securite@ameli.fr>"
    assert msg.sender.address == "alerte@secu-alerte.xyz"


def test_raw_eight_bit_headers_are_decoded() -> None:
    msg = parse_fixture("eight_bit_headers.eml")
    assert msg.subject == "Régularisation urgente"
    assert msg.sender is not None
    assert msg.sender.display_name == "Sécurité Sociale"
    assert msg.header("x-latin") == ["café"]  # not UTF-8: Windows-1252
    assert_clean_strings(msg)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Assurance Maladie <a@ameli.fr>", ("Assurance Maladie", "a@ameli.fr")),
        ('"ameli.fr <x@ameli.fr>" <y@evil.example>', ("ameli.fr <x@ameli.fr>", "y@evil.example")),
        (
            "Trouver une femme russe , <laredoute@KRJ.laredoute.fr>",
            ("Trouver une femme russe", "laredoute@KRJ.laredoute.fr"),
        ),
        ("a@ameli.fr (Assurance Maladie)", ("Assurance Maladie", "a@ameli.fr")),
        ("a@ameli.fr", (None, "a@ameli.fr")),
        ("Assurance Maladie", ("Assurance Maladie", None)),
        ("<>", (None, None)),
        ('"unterminated <a@b.c>', ('"unterminated', "a@b.c")),
        ('"a\\" <b@c>" <d@e.f>', ('a" <b@c>', "d@e.f")),
        # nested comments hide an angle address; an escaped "<" opens none; an escaped backslash ends nothing
        ("(a <x@y.fr> (b) c) <z@evil.example>", ("a <x@y.fr> (b) c", "z@evil.example")),
        ("a\\<x@y.fr> <z@w.fr>", ("a\\<x@y.fr>", "z@w.fr")),
        ('"q\\\\" <x@y.fr>', ("q\\", "x@y.fr")),
        (
            "=?utf-8?q?Ameli_=3Cx@ameli.fr=3E?= <y@evil.example>",
            ("=?utf-8?q?Ameli_=3Cx@ameli.fr=3E?=", "y@evil.example"),
        ),
    ],
)
def test_split_mailbox(raw: str, expected: tuple[str | None, str | None]) -> None:
    assert split_mailbox(raw) == expected


def test_html_to_text_resolves_base_and_strips_url_whitespace() -> None:
    view = html_to_text(
        '<base href="https://base.example/dir/"><a href=" ht\ntps://x.example/a ">x</a>'
        '<a href="page.html">rel</a><a href="//cdn.example/p">proto</a>'
    )
    assert view.anchors == [
        ("https://x.example/a", "x"),
        ("https://base.example/dir/page.html", "rel"),
        ("https://cdn.example/p", "proto"),
    ]


# ------------------------------------------------------------------------------------------ limits


def _nested_multipart(depth: int, inner: bytes = b"<a href='https://deep.example/'>ameli.fr</a>\n") -> bytes:
    head = b"".join(b'Content-Type: multipart/mixed; boundary="b%d"\n\n--b%d\n' % (i, i) for i in range(depth))
    tail = b"".join(b"\n--b%d--\n" % i for i in reversed(range(depth)))
    return b"From: a@example.org\nSubject: deep\n" + head + b"Content-Type: text/html\n\n" + inner + tail


def test_deep_multipart_nesting_is_cut_in_bounded_time() -> None:
    start = time.perf_counter()
    msg = parse(_nested_multipart(5000))
    assert time.perf_counter() - start < 5
    assert {"MIME_TOO_DEEP", "MIME_UNPARSABLE"} & set(codes(msg))
    assert msg.subject == "deep"
    assert "deep.example" in {link.host for link in msg.links}  # read from the raw body


def test_deep_message_rfc822_nesting_is_cut_in_bounded_time() -> None:
    data = b"From: a@example.org\nSubject: deep\n" + b"Content-Type: message/rfc822\n\nSubject: x\n" * 5000
    start = time.perf_counter()
    msg = parse(data + b"Content-Type: text/plain\n\nfin\n")
    assert time.perf_counter() - start < 5
    assert {"MIME_TOO_DEEP", "MIME_UNPARSABLE"} & set(codes(msg))


def test_nesting_within_the_limit_is_parsed() -> None:
    msg = parse(_nested_multipart(40, b"<p>au fond</p>\n"))
    assert "MIME_TOO_DEEP" not in codes(msg)
    assert msg.text == "au fond"


def test_deep_html_is_flattened_in_bounded_time() -> None:
    html = b"<blockquote>" * 100_000 + b"<a href='https://deep.example/'>ameli.fr</a>"
    start = time.perf_counter()
    msg = parse(b"From: a@example.org\nContent-Type: text/html\n\n" + html)
    assert time.perf_counter() - start < 5
    assert codes(msg)["HTML_TOO_DEEP"] == 1
    assert [(link.host, link.displayed_text) for link in msg.links] == [("deep.example", "ameli.fr")]


def test_too_many_parts() -> None:
    data = (
        b"From: a@example.org\nContent-Type: multipart/mixed; boundary=z\n\n"
        + b"--z\nContent-Type: text/plain\n\npartie\n" * 1500
        + b"--z--\n"
    )
    msg = parse(data)
    assert codes(msg)["MIME_TOO_MANY_PARTS"] == 1
    assert msg.text.count("partie") == 999  # the root is part 0


def test_hundred_thousand_links_are_truncated() -> None:
    anchors = b"".join(b'<a href="https://h%d.example.com/">lien</a> ' % i for i in range(100_000))
    start = time.perf_counter()
    msg = parse(b"From: a@example.org\nContent-Type: text/html\n\n" + anchors)
    assert time.perf_counter() - start < 10
    limits = Limits()
    assert len(msg.links) == limits.max_links
    truncated = [a.params for a in msg.anomalies if a.code == "LINKS_TRUNCATED"]
    assert truncated == [{"limit": str(limits.max_links)}]


def test_duplicate_links_are_kept_once() -> None:
    html = b"<a href='https://x.example/'>ici</a>" * 3 + b"<a href='https://x.example/'>la</a>"
    msg = parse(b"From: a@example.org\nContent-Type: text/html\n\n" + html)
    assert [(link.url, link.displayed_text) for link in msg.links] == [
        ("https://x.example/", "ici"),
        ("https://x.example/", "la"),
    ]


def test_input_over_the_limit_is_cut() -> None:
    data = b"From: a@example.org\n\n" + b"mot " * 1000
    msg = parse(data, Limits(max_input_bytes=100))
    assert [a.params for a in msg.anomalies if a.code == "INPUT_TRUNCATED"] == [{"limit": "100"}]


def test_email_limits_are_configurable() -> None:
    msg = parse(_nested_multipart(5, b"texte\n"), email_limits=EmailLimits(max_depth=2))
    assert codes(msg)["MIME_TOO_DEEP"] == 1


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000), st.integers(min_value=0, max_value=3000))
def test_mutated_fixture_never_raises(noise: bytes, position: int) -> None:
    base = (FIXTURES / "attachments_typed_by_content.eml").read_bytes()
    msg = parse(base[:position] + noise + base[position:])
    assert_clean_strings(msg)


_HTML_TOKENS = [*"<>/=\"' abcdiv\x00\x0b\u200b\u202e&#;", "<a href=", "<div>", "<td>", "<script>", "<br>", "tel:"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_HTML_TOKENS), max_size=200).map("".join))
def test_html_to_text_never_raises(html: str) -> None:
    view = html_to_text(html)
    assert "\x0b" not in view.text
    assert "\x00" not in view.text


# ------------------------------------------------------------------------------------------ corpus


@pytest.mark.corpus
def test_corpus_emails_parse_without_exception() -> None:
    folders = [CORPUS / name for name in ("ham", "phish", "phish_fr")]
    files = [p for folder in folders if folder.is_dir() for p in sorted(folder.iterdir()) if p.is_file()]
    if not files:
        pytest.skip(f"no corpus at {CORPUS}")
    with_anomalies = 0
    seen: Counter[str] = Counter()
    for path in files:
        msg = parse(path.read_bytes())
        assert msg.kind is Kind.EMAIL
        assert_clean_strings(msg)
        if msg.anomalies:
            with_anomalies += 1
            seen.update({a.code for a in msg.anomalies})
    print(f"\n{len(files)} corpus e-mails, {with_anomalies} with anomalies: {dict(seen.most_common())}")
    assert "MIME_UNPARSABLE" not in seen
