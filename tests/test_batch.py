"""Batch scanning through ``sentinelle scan``: folders, mbox, Maildir, JSONL, bad items, workers."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from sentinelle.batch import scan
from sentinelle.cli import EXIT_FLAGGED, EXIT_INPUT, main

EMAIL = Path(__file__).parent / "fixtures" / "email"


def _tree(tmp_path: Path) -> Path:
    root = tmp_path / "reports"
    (root / "sub").mkdir(parents=True)
    shutil.copy(EMAIL / "ameli_notification_dmarc_pass.eml", root / "a.eml")
    shutil.copy(EMAIL / "ameli_notification_dmarc_fail_foreign_link.eml", root / "sub" / "b.eml")
    seed = (EMAIL / "displayed_ameli_link_to_lookalike.eml").read_bytes()
    genuine = (EMAIL / "mutual_insurer_newsletter.eml").read_bytes()
    (root / "box.mbox").write_bytes(
        b"From x@y Mon Jan  1 00:00:00 2024\n" + seed + b"\n" + b"From x@y Mon Jan  1 00:00:01 2024\n" + genuine + b"\n"
    )
    maildir = root / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    (maildir / "new" / "1700000000.M1.host").write_bytes(seed)
    (root / "garbage.eml").write_bytes(b"\x00\xff" * 500)
    return root


def test_scan_finds_every_message_with_a_source_label(tmp_path: Path) -> None:
    records = list(scan([_tree(tmp_path)]))
    sources = [r["source"] for r in records]
    assert len(records) == 6
    assert any(s.endswith("box.mbox#1") for s in sources)
    assert any(s.endswith("box.mbox#2") for s in sources)
    assert any("Maildir" in s for s in sources)
    by_name = {
        Path(r["source"].split("#")[0]).name + ("#" + r["source"].split("#")[1] if "#" in r["source"] else ""): r
        for r in records
    }
    assert by_name["b.eml"]["level"] == "fraud"
    assert by_name["a.eml"]["level"] == "no_sign"
    assert by_name["box.mbox#1"]["level"] == "fraud"
    assert by_name["box.mbox#2"]["level"] == "no_sign"
    assert "level" in by_name["garbage.eml"]  # garbage still gets a verdict line, never stops the run


def test_parallel_scan_gives_the_same_records_in_the_same_order(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    assert list(scan([root], workers=2)) == list(scan([root], workers=1))


def test_cli_scan_jsonl_and_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = io.StringIO()
    code = main(["scan", str(_tree(tmp_path)), "--jsonl", "--workers", "1", "--no-progress"], stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert code == EXIT_FLAGGED
    assert len(lines) == 6
    assert all("source" in line for line in lines)
    assert "6 messages" in capsys.readouterr().err


def test_unreadable_file_becomes_an_error_line(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    dangling = tmp_path / "gone.eml"
    dangling.symlink_to(tmp_path / "does-not-exist.eml")  # unreadable even for root
    records = list(scan([dangling, root]))
    assert records[0]["source"].endswith("gone.eml")
    assert "FileNotFoundError" in records[0]["error"]
    assert len(records) == 7  # the six readable messages are still analysed


def test_missing_path_is_an_input_error() -> None:
    assert main(["scan", "/nonexistent/box.mbox"], stdout=io.StringIO()) == EXIT_INPUT


def test_outlook_files_in_folders_are_scanned(tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from msgfixtures import build_msg

    (tmp_path / "seed.msg").write_bytes(
        build_msg(
            subject="Remboursement",
            sender_name="Assurance Maladie",
            sender_email="service@ameli-info.com",
            to=[("A", "a@example.fr")],
            html='<a href="https://ameli-rembourse.com/x">https://www.ameli.fr/assure</a>',
        )
    )
    records = list(scan([tmp_path]))
    assert [Path(r["source"]).name for r in records] == ["seed.msg"]
    assert records[0]["level"] == "fraud"
    assert records[0]["kind"] == "email"


def test_report_folders_mix_screenshots_pages_and_e_mails(tmp_path: Path) -> None:
    """A fraud team's folder of reports: each kind is read by content, and an mbox is still split."""
    pytest.importorskip("tesserocr", reason="extra 'image' not installed")
    from media.screens import screenshot

    (tmp_path / "capture.png").write_bytes(
        screenshot("AMELI : votre carte Vitale expire, mettez-la à jour : https://ameli-servicepublique.com/info")
    )
    (tmp_path / "page.html").write_text(
        "<!doctype html><html><head><title>ameli - Mon compte</title></head><body><h1>Mon compte ameli</h1>"
        "<form action='https://api.telegram.org/bot1/sendMessage'><input name='nir'><input type='password'>"
        "</form></body></html>",
        encoding="utf-8",
    )
    (tmp_path / "notes.txt").write_text("not a report", encoding="utf-8")  # unknown suffix: left alone
    records = {Path(r["source"]).name: r for r in scan([tmp_path])}
    assert set(records) == {"capture.png", "page.html"}
    assert records["capture.png"]["kind"] == "image"
    assert records["capture.png"]["level"] == "fraud"
    assert records["page.html"]["kind"] == "webpage"
    assert "error" not in records["page.html"]
