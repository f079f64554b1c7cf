"""Mail stores: mbox splitting, Maildir folders, and directory walks yield one raw message per item."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sentinelle.parsing import mailbox as mailbox_module
from sentinelle.parsing.mailbox import iter_email_sources, iter_maildir, iter_mbox

MBOX = (
    b"From alice@example.org Mon Mar  4 09:12:00 2024\n"
    b"From: alice@example.org\nSubject: un\n\nPremier message.\n"
    b">From the escaped line of mboxrd.\n"
    b"\n"
    b"From bob@example.org Mon Mar  4 09:13:00 2024\n"
    b"From: bob@example.org\nSubject: deux\n\nDeuxieme message, une ligne\n"
    b"From inside a paragraph is body text, not a separator.\n"
    b"\n"
    b"From carol@example.org Mon Mar  4 09:14:00 2024\r\n"
    b"From: carol@example.org\r\nSubject: trois\r\n\r\nTroisieme.\r\n"
)


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_mbox_is_split_on_separator_lines(tmp_path: Path) -> None:
    path = write(tmp_path / "inbox.mbox", MBOX)
    items = list(iter_mbox(path))
    assert [label for label, _ in items] == ["inbox.mbox#1", "inbox.mbox#2", "inbox.mbox#3"]
    first, second, third = (data for _, data in items)
    assert first == (b"From: alice@example.org\nSubject: un\n\nPremier message.\nFrom the escaped line of mboxrd.\n")
    assert b"From inside a paragraph is body text" in second
    assert third.startswith(b"From: carol@example.org\r\n")
    assert third.endswith(b"Troisieme.\r\n")


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 7, 8, 13, 64])
def test_mbox_separators_cut_by_a_read_are_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  chunk: int) -> None:
    path = write(tmp_path / "inbox.mbox", MBOX + b"\nFrom dave\n\nFrom eve\nSubject: cinq\n")
    expected = list(iter_mbox(path))
    assert len(expected) == 5
    assert expected[3][1] == b"\n"  # an empty message between two separators
    monkeypatch.setattr(mailbox_module, "_CHUNK", chunk)
    assert list(iter_mbox(path)) == expected


def test_mbox_long_line_and_size_cap(tmp_path: Path) -> None:
    long_line = b"x" * (3 * 1024 * 1024)  # longer than one read: no line is ever held whole
    data = b"From a\nSubject: long\n\n" + long_line + b"\n\nFrom b\nSubject: court\n\nok\n"
    path = write(tmp_path / "big.mbox", data)
    items = list(iter_mbox(path, max_bytes=1000))
    assert len(items) == 2
    assert len(items[0][1]) == 1000
    assert items[1][1] == b"Subject: court\n\nok\n"


def test_mbox_without_separator_is_one_message(tmp_path: Path) -> None:
    path = write(tmp_path / "odd.mbox", b"Subject: sans separateur\n\ntexte\n")
    assert list(iter_mbox(path)) == [("odd.mbox#1", b"Subject: sans separateur\n\ntexte\n")]


def test_empty_mbox_has_no_message(tmp_path: Path) -> None:
    assert list(iter_mbox(write(tmp_path / "empty.mbox", b""))) == []


def test_unreadable_mbox_is_reported_not_raised(tmp_path: Path) -> None:
    errors: list[str] = []
    items = list(iter_mbox(tmp_path / "missing.mbox", on_error=lambda label, exc: errors.append(label)))
    assert items == []
    assert errors == [str(tmp_path / "missing.mbox")]


def test_maildir_reads_cur_then_new(tmp_path: Path) -> None:
    box = tmp_path / "Maildir"
    write(box / "new" / "2.host", b"Subject: nouveau\n\nb\n")
    write(box / "cur" / "1.host:2,S", b"Subject: lu\n\na\n")
    write(box / "cur" / ".hidden", b"ignored")
    (box / "tmp").mkdir()
    items = list(iter_maildir(box))
    assert [Path(label).relative_to(box).as_posix() for label, _ in items] == ["cur/1.host:2,S", "new/2.host"]


def test_email_sources_walk_directories(tmp_path: Path) -> None:
    write(tmp_path / "a" / "one.eml", b"Subject: eml\n\nx\n")
    write(tmp_path / "a" / "deeper" / "TWO.EML", b"Subject: eml2\n\nx\n")
    write(tmp_path / "a" / "archive", MBOX)  # no extension: recognised by its first line
    write(tmp_path / "a" / "notes.txt", b"not an e-mail")
    write(tmp_path / "a" / "box" / "cur" / "m1", b"Subject: maildir\n\nx\n")
    (tmp_path / "a" / "box" / "new").mkdir()
    write(tmp_path / "single.txt", b"Subject: named explicitly\n\nx\n")
    labels = [label for label, _ in iter_email_sources([tmp_path / "a", tmp_path / "single.txt"])]
    names = [label if "#" in label else Path(label).relative_to(tmp_path).as_posix() for label in labels]
    assert names == [
        "a/box/cur/m1",
        "archive#1",
        "archive#2",
        "archive#3",
        "a/one.eml",
        "a/deeper/TWO.EML",
        "single.txt",
    ]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads every file")
def test_unreadable_file_is_skipped(tmp_path: Path) -> None:
    path = write(tmp_path / "locked.eml", b"Subject: x\n\n")
    path.chmod(0)
    errors: list[str] = []
    assert list(iter_email_sources([tmp_path], on_error=lambda label, exc: errors.append(label))) == []
    assert errors == [str(path)]
