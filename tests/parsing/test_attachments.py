"""Reading attachments without opening them: PDF link annotations and ZIP directories."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import sentinelle
from sentinelle import Level
from sentinelle.parsing.attachments import MAX_ARCHIVE_MEMBERS, archive_members, pdf_links, risky_members

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "email" / "pdf_link_and_zip_with_executable.eml"


def _zip(names: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, b"x")
    return buffer.getvalue()


def test_pdf_link_annotations_are_read_in_order_without_duplicates() -> None:
    pdf = (
        b"%PDF-1.4\n<< /S /URI /URI (https://ameli-remboursement.com/a) >>\n<</URI(http://evil.example/b)>>"
        b"\n<< /URI (https://ameli-remboursement.com/a) >>"
    )
    assert pdf_links(pdf) == ["https://ameli-remboursement.com/a", "http://evil.example/b"]


def test_pdf_without_links_or_with_unclosed_strings_gives_nothing_quickly() -> None:
    started = time.perf_counter()
    assert pdf_links(b"%PDF-1.4\n" + b"/URI (" * 500_000) == []
    assert pdf_links(b"%PDF-1.7 no annotations") == []
    assert time.perf_counter() - started < 5


def test_zip_directory_is_listed_and_risky_members_found() -> None:
    names, cut = archive_members(_zip(["facture.pdf.exe", "lisez-moi.txt", "script.JS"]))
    assert names == ["facture.pdf.exe", "lisez-moi.txt", "script.JS"]
    assert not cut
    assert risky_members(names) == ["facture.pdf.exe", "script.JS"]


def test_zip_listing_is_capped_and_garbage_is_not_an_error() -> None:
    names, cut = archive_members(_zip([f"f{i}.txt" for i in range(MAX_ARCHIVE_MEMBERS + 5)]))
    assert len(names) == MAX_ARCHIVE_MEMBERS
    assert cut
    assert archive_members(b"PK\x03\x04 not really a zip") == ([], False)


def test_email_with_pdf_link_and_zipped_executable_is_fraud() -> None:
    v = sentinelle.analyze(FIXTURE)
    assert v.level is Level.FRAUD
    assert {"ATTACHMENT_ARCHIVE", "ATTACHMENT_EXECUTABLE", "LINK_BRAND_IN_DOMAIN"} <= v.signals
    executable = next(e for e in v.evidence if e.signal == "ATTACHMENT_EXECUTABLE")
    assert executable.observed == ("documents.zip/facture.pdf.exe",)
    message = sentinelle.default_engine().parse(FIXTURE)
    assert any(link.host == "ameli-remboursement.com" and link.source.value == "attachment" for link in message.links)
    archive = next(a for a in message.attachments if a.detected_type == "zip")
    assert archive.members == ("facture.pdf.exe", "lisez-moi.txt")
