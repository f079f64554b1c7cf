"""Mail stores -> raw messages: mbox files, Maildir folders and directory trees of ``.eml`` files.

Every iterator yields ``(label, raw bytes)`` pairs, one per message, for ``parse_email``; the label says
where the message came from (``inbox.mbox#12``, ``Maildir/cur/1700000000.M1.host:2,S``, a file path).

Batch runs meet mail stores of many gigabytes, so nothing here loads a whole store: an mbox is read line
by line (in bounded chunks, so that a file without line breaks cannot exhaust memory) and each message is
cut at ``max_bytes`` (the parser reports the cut as ``INPUT_TRUNCATED`` when ``max_bytes`` exceeds its own
input limit). A file that cannot be read is reported to ``on_error`` and skipped: one bad item never stops
a run.

mbox has no single standard. A separator is a line starting with ``From `` at the start of the file or
after an empty line, which is what the writers put there; a ``From `` line inside a paragraph is body text
(unescaped "mboxo" files are full of them). Escaped body lines (``>From ``, ``>>From ``) lose one ``>``,
the "mboxrd" rule; applied to an "mboxo" file it only changes quoted text.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

__all__ = ["DEFAULT_MAX_MESSAGE_BYTES", "is_maildir", "is_mbox", "iter_email_sources", "iter_maildir",
           "iter_mbox"]

log = logging.getLogger(__name__)

# One more byte than the parser's default input limit, so that the parser sees the cut and says so.
DEFAULT_MAX_MESSAGE_BYTES = 50 * 1024 * 1024 + 1
_CHUNK = 1024 * 1024  # longest piece of a line read at once
_EMAIL_SUFFIXES = (".eml",)

ErrorHandler = Callable[[str, OSError], None]
EmailSource = tuple[str, bytes]


def _log_error(label: str, exc: OSError) -> None:
    """Default error handler: say which item was skipped and why, and carry on."""
    log.warning("skipped %s: %s", label, exc.strerror or exc)


def is_maildir(path: Path) -> bool:
    """A Maildir folder has ``cur`` and ``new`` subfolders (``tmp`` holds deliveries in progress)."""
    return (path / "cur").is_dir() and (path / "new").is_dir()


def is_mbox(path: Path) -> bool:
    """An mbox file starts with a ``From `` separator line (content decides, not the file name)."""
    try:
        with path.open("rb") as fh:
            return fh.read(5) == b"From "
    except OSError:
        return False


def iter_mbox(path: Path | str, *, max_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
              on_error: ErrorHandler = _log_error) -> Iterator[EmailSource]:
    """Messages of an mbox file, read incrementally, labelled ``<file name>#<n>`` (n from 1)."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            yield from _split_mbox(fh, path.name, max_bytes)
    except OSError as exc:
        on_error(str(path), exc)


def _split_mbox(fh: BinaryIO, name: str, max_bytes: int) -> Iterator[EmailSource]:
    """The separator logic of ``iter_mbox`` over an open binary file."""
    buffer: list[bytes] = []
    size = 0
    count = 0
    in_message = False
    previous_blank = True  # the start of the file counts as "after an empty line"
    at_line_start = True
    for piece in _pieces(fh):
        if at_line_start and previous_blank and piece.startswith(b"From "):
            if in_message:
                count += 1
                yield f"{name}#{count}", _finish(buffer)
            buffer, size, in_message = [], 0, True
            at_line_start = piece.endswith(b"\n")
            previous_blank = False
            continue  # the separator line is not part of the message (a long one is skipped in pieces)
        if not in_message:
            in_message = True  # text before the first separator: keep it rather than lose a message
        if at_line_start:
            previous_blank = piece in (b"\n", b"\r\n")  # a long line's later pieces leave it False
            if piece.startswith(b">") and piece.lstrip(b">").startswith(b"From "):
                piece = piece[1:]
        at_line_start = piece.endswith(b"\n")
        if size < max_bytes:
            piece = piece[: max_bytes - size]
            buffer.append(piece)
            size += len(piece)
    if in_message and (buffer or count == 0):
        count += 1
        yield f"{name}#{count}", _finish(buffer)


def _pieces(fh: BinaryIO) -> Iterator[bytes]:
    """Lines of a binary file, a very long line cut into pieces of at most ``_CHUNK`` bytes."""
    while True:
        piece = fh.readline(_CHUNK)
        if not piece:
            return
        yield piece


def _finish(buffer: list[bytes]) -> bytes:
    """A message's bytes without the blank line that precedes the next separator."""
    data = b"".join(buffer)
    if data.endswith(b"\r\n\r\n"):
        return data[:-2]
    if data.endswith(b"\n\n"):
        return data[:-1]
    return data


def iter_maildir(path: Path | str, *, max_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
                 on_error: ErrorHandler = _log_error) -> Iterator[EmailSource]:
    """Messages of a Maildir folder (``cur`` then ``new``, by file name), labelled by their path."""
    root = Path(path)
    for sub in ("cur", "new"):
        folder = root / sub
        try:
            names = sorted(entry.name for entry in os.scandir(folder)
                           if not entry.name.startswith(".") and entry.is_file())
        except OSError as exc:
            on_error(str(folder), exc)
            continue
        for filename in names:
            file_path = folder / filename
            data = _read_file(file_path, max_bytes, on_error)
            if data is not None:
                yield str(file_path), data


def iter_email_sources(paths: Iterable[Path | str], *, max_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
                       on_error: ErrorHandler = _log_error) -> Iterator[EmailSource]:
    """Messages from files and folders, in a stable (sorted) order.

    A file named on the command line is one message, unless it is an mbox. In folders, walked
    recursively without following symbolic links: ``.eml`` files, mbox files (recognised by their first
    line), and Maildir folders (recognised by ``cur``/``new``), whose inside is not walked again.
    """
    for item in paths:
        path = Path(item)
        if path.is_dir():
            yield from _iter_directory(path, max_bytes, on_error)
        elif is_mbox(path):
            yield from iter_mbox(path, max_bytes=max_bytes, on_error=on_error)
        else:
            data = _read_file(path, max_bytes, on_error)
            if data is not None:
                yield str(path), data


def _iter_directory(root: Path, max_bytes: int, on_error: ErrorHandler) -> Iterator[EmailSource]:
    """Recursive walk of a folder, Maildir folders taken whole."""
    if is_maildir(root):
        yield from iter_maildir(root, max_bytes=max_bytes, on_error=on_error)
        return

    def report(exc: OSError) -> None:
        on_error(str(exc.filename or root), exc)

    for folder, dirnames, filenames in os.walk(root, onerror=report):
        here = Path(folder)
        dirnames.sort()
        for dirname in [d for d in dirnames if is_maildir(here / d)]:
            dirnames.remove(dirname)
            yield from iter_maildir(here / dirname, max_bytes=max_bytes, on_error=on_error)
        for filename in sorted(filenames):
            file_path = here / filename
            if file_path.is_symlink() or filename.startswith("."):
                continue
            if filename.lower().endswith(_EMAIL_SUFFIXES):
                data = _read_file(file_path, max_bytes, on_error)
                if data is not None:
                    yield str(file_path), data
            elif is_mbox(file_path):
                yield from iter_mbox(file_path, max_bytes=max_bytes, on_error=on_error)


def _read_file(path: Path, max_bytes: int, on_error: ErrorHandler) -> bytes | None:
    """At most ``max_bytes`` of a file, or ``None`` (reported) when it cannot be read."""
    try:
        with path.open("rb") as fh:
            return fh.read(max_bytes)
    except OSError as exc:
        on_error(str(path), exc)
        return None
