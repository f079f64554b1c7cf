"""Outlook ``.msg`` files built from scratch for tests: a small compound file writer, a MAPI message builder.

No real ``.msg`` file may be downloaded into the test suite, so the tests write their own. The writer follows
[MS-CFB] (compound file binary format) version 3 with 512-byte sectors; the builder follows [MS-OXMSG]
(the ``.msg`` layout of MAPI properties in storages and streams). Both are deliberately small but honest:

* **Compound file.** Header, FAT, mini FAT, directory and data sectors are laid out as the specification
  says (no DIFAT sectors, so files up to about 7 MB). Streams under the 4096-byte cutoff live in the mini
  stream (64-byte mini sectors) held by the root entry; larger ones in regular sectors. Each storage's
  children form a *valid* red-black tree: a balanced binary search tree in the specification's order (shorter
  names first, then upper-case code units) whose deepest incomplete level is red and every other node black,
  so every path from the root has the same number of black nodes. ``check_red_black`` verifies it.
* **Message.** ``__properties_version1.0`` streams (32-byte header at the top, 24 bytes in an embedded
  message, 8 in recipients and attachments, then 16-byte entries), the named-property storage with its three
  required streams, string properties as UTF-16LE ``001F`` streams, binary ones as ``0102`` streams, the
  compressed RTF body made with the ``compressed_rtf`` package, recipients and attachments (data or embedded
  message) in their numbered storages.

The output is read back by ``olefile`` and ``extract_msg`` in ``tests/parsing/test_outlook.py``.
"""

from __future__ import annotations

import datetime as dt
import importlib
import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

__all__ = ["Embedded", "Reference", "build_msg", "check_red_black", "write_cfb"]

Tree = Mapping[str, "bytes | Tree"]
Attached = tuple[str, "bytes | Embedded | Reference"]  # (file name, content)

# [MS-CFB] 2.1 special sector numbers and 2.6.1 object types.
_FREESECT = 0xFFFFFFFF
_ENDOFCHAIN = 0xFFFFFFFE
_FATSECT = 0xFFFFFFFD
_NOSTREAM = 0xFFFFFFFF
_SECTOR = 512
_MINI_SECTOR = 64
_MINI_CUTOFF = 4096
_OBJ_STORAGE, _OBJ_STREAM, _OBJ_ROOT = 1, 2, 5
_RED, _BLACK = 0, 1
_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# CLSID of an Outlook message root storage ({00020D0B-0000-0000-C000-000000000046}), as Outlook writes it.
_MSG_CLSID = bytes.fromhex("0b0d020000000000c000000000000046")


# --------------------------------------------------------------------------------------------------------
# Compound file writer


@dataclass
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    children: list[int] = field(default_factory=list)
    left: int = _NOSTREAM
    right: int = _NOSTREAM
    child: int = _NOSTREAM
    color: int = _BLACK
    start: int = _ENDOFCHAIN
    clsid: bytes = bytes(16)


def _cfb_key(name: str) -> tuple[int, str]:
    """[MS-CFB] 2.6.4 order: shorter names first, then code units compared upper-cased (simple mapping)."""
    return len(name), "".join(ch.upper() if len(ch.upper()) == 1 else ch for ch in name)


def _balanced(ids: list[int], entries: list[_Entry], depth: int, red_depth: int | None) -> int:
    """Root of a balanced tree over ``ids`` (sorted); nodes at ``red_depth`` are red, all others black."""
    if not ids:
        return _NOSTREAM
    mid = len(ids) // 2
    node = entries[ids[mid]]
    node.color = _RED if depth == red_depth else _BLACK
    node.left = _balanced(ids[:mid], entries, depth + 1, red_depth)
    node.right = _balanced(ids[mid + 1 :], entries, depth + 1, red_depth)
    return ids[mid]


def _tree_root(ids: list[int], entries: list[_Entry]) -> int:
    """Children of one storage as a red-black tree (see the module docstring for the colouring)."""
    ids = sorted(ids, key=lambda i: _cfb_key(entries[i].name))
    n = len(ids)
    perfect = (n + 1) & n == 0  # n + 1 is a power of two: every level full, all black
    red_depth = None if perfect else (n + 1).bit_length() - 1  # the deepest, incomplete level
    return _balanced(ids, entries, 0, red_depth)


def check_red_black(entries: Sequence[tuple[str, int, int, int]], root: int) -> int:
    """Check one storage's sibling tree; ``entries[i]`` is (name, left, right, color). Returns black height.

    Raises ``AssertionError`` when the order, the red rule or the black-height rule of [MS-CFB] 2.6.4 fails.
    """

    def walk(node: int, low: tuple[int, str] | None, high: tuple[int, str] | None, parent_red: bool) -> int:
        if node == _NOSTREAM:
            return 1
        name, left, right, color = entries[node]
        key = _cfb_key(name)
        assert low is None or low < key, f"order broken at {name!r}"
        assert high is None or key < high, f"order broken at {name!r}"
        red = color == _RED
        assert not (red and parent_red), f"two reds in a row at {name!r}"
        hl = walk(left, low, key, red)
        hr = walk(right, key, high, red)
        assert hl == hr, f"black height differs under {name!r}"
        return hl + (0 if red else 1)

    assert root == _NOSTREAM or entries[root][3] == _BLACK, "the root of a tree must be black"
    return walk(root, None, None, False)


def write_cfb(tree: Tree, *, root_clsid: bytes = bytes(16)) -> bytes:
    """A compound file (MS-CFB v3) of ``tree``: names mapped to bytes (streams) or mappings (storages)."""
    entries: list[_Entry] = [_Entry("Root Entry", _OBJ_ROOT, clsid=root_clsid)]
    pending: list[tuple[int, Tree]] = [(0, tree)]
    while pending:  # breadth first: ids are assigned storage by storage
        parent, content = pending.pop(0)
        for name, value in content.items():
            if len(name) > 31 or any(ch in name for ch in "/\\:!"):
                raise ValueError(f"invalid compound file name {name!r}")
            entries.append(_Entry(name, _OBJ_STREAM if isinstance(value, bytes) else _OBJ_STORAGE))
            idx = len(entries) - 1
            entries[parent].children.append(idx)
            if isinstance(value, bytes):
                entries[idx].data = value
            else:
                pending.append((idx, value))
    for entry in entries:
        if entry.kind != _OBJ_STREAM:
            entry.child = _tree_root(entry.children, entries)
    for entry in entries:
        if entry.kind != _OBJ_STREAM:
            check_red_black([(e.name, e.left, e.right, e.color) for e in entries], entry.child)

    # Mini stream: small streams, each in whole 64-byte mini sectors, chained in the mini FAT.
    mini = bytearray()
    minifat: list[int] = []
    big: list[_Entry] = []
    for entry in entries:
        if entry.kind != _OBJ_STREAM or not entry.data:
            continue
        if len(entry.data) >= _MINI_CUTOFF:
            big.append(entry)
            continue
        count = -(-len(entry.data) // _MINI_SECTOR)
        entry.start = len(minifat)
        minifat.extend(range(entry.start + 1, entry.start + count))
        minifat.append(_ENDOFCHAIN)
        mini += entry.data.ljust(count * _MINI_SECTOR, b"\x00")

    sectors: list[bytes] = []  # regular sectors in file order; sector i is at offset 512 * (i + 1)
    fat: list[int] = []

    def allocate(data: bytes) -> int:
        """Append ``data`` as a chain of whole sectors; returns its first sector (ENDOFCHAIN when empty)."""
        if not data:
            return _ENDOFCHAIN
        first = len(sectors)
        count = -(-len(data) // _SECTOR)
        for k in range(count):
            sectors.append(data[k * _SECTOR : (k + 1) * _SECTOR].ljust(_SECTOR, b"\x00"))
        fat.extend(range(first + 1, first + count))
        fat.append(_ENDOFCHAIN)
        return first

    for entry in big:
        entry.start = allocate(entry.data)
    root = entries[0]
    root.start = allocate(bytes(mini))
    root.data = bytes(mini)  # only its size is written: the root entry's stream is the mini stream
    minifat_bytes = struct.pack(f"<{len(minifat)}I", *minifat) if minifat else b""
    if minifat_bytes:
        minifat_bytes = minifat_bytes.ljust(-(-len(minifat_bytes) // _SECTOR) * _SECTOR, b"\xff")
    first_minifat = allocate(minifat_bytes)
    directory = b"".join(_direntry(e) for e in entries)
    while len(directory) % _SECTOR:
        directory += _free_direntry()
    first_dir = allocate(directory)

    # FAT sectors describe every sector, themselves included (marked FATSECT).
    n_fat = 1
    while n_fat * (_SECTOR // 4) < len(sectors) + n_fat:
        n_fat += 1
    if n_fat > 109:
        raise ValueError("file too large for a header-only DIFAT (no DIFAT sectors in this writer)")
    fat_start = len(sectors)
    fat.extend([_FATSECT] * n_fat)
    fat.extend([_FREESECT] * (n_fat * (_SECTOR // 4) - len(fat)))
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)
    for k in range(n_fat):
        sectors.append(fat_bytes[k * _SECTOR : (k + 1) * _SECTOR])

    difat = [fat_start + k for k in range(n_fat)] + [_FREESECT] * (109 - n_fat)
    header = b"".join(
        [
            _MAGIC,
            bytes(16),
            struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6),  # minor, major v3, byte order, 2^9, 2^6
            bytes(6),
            struct.pack(
                "<IIIIIIIII",
                0,
                n_fat,
                first_dir,
                0,
                _MINI_CUTOFF,
                first_minifat,
                len(minifat_bytes) // _SECTOR,
                _ENDOFCHAIN,
                0,
            ),
            struct.pack("<109I", *difat),
        ]
    )
    assert len(header) == _SECTOR
    return header + b"".join(sectors)


def _direntry(entry: _Entry) -> bytes:
    """One 128-byte directory entry ([MS-CFB] 2.6.1)."""
    name = entry.name.encode("utf-16-le")
    size = len(entry.data) if entry.kind != _OBJ_STORAGE else 0
    start = entry.start if entry.kind != _OBJ_STORAGE else 0
    return b"".join(
        [
            name.ljust(64, b"\x00"),
            struct.pack("<HBB", len(name) + 2, entry.kind, entry.color),
            struct.pack("<III", entry.left, entry.right, entry.child),
            entry.clsid,
            struct.pack("<I", 0),  # state bits
            bytes(16),  # creation and modification times (none)
            struct.pack("<IQ", start, size),
        ]
    )


def _free_direntry() -> bytes:
    return (
        bytes(64)
        + struct.pack("<HBB", 0, 0, 0)
        + struct.pack("<III", _NOSTREAM, _NOSTREAM, _NOSTREAM)
        + bytes(16 + 4 + 16)
        + struct.pack("<IQ", 0, 0)
    )


# --------------------------------------------------------------------------------------------------------
# MAPI message builder ([MS-OXMSG])

# Property types ([MS-OXCDATA] 2.11.1).
_PT_LONG, _PT_BOOLEAN, _PT_SYSTIME = 0x0003, 0x000B, 0x0040
_PT_OBJECT, _PT_UNICODE, _PT_BINARY = 0x000D, 0x001F, 0x0102
_READABLE_WRITABLE = 0x00000006
_UNIX_EPOCH_AS_FILETIME = 116444736000000000


@dataclass(frozen=True)
class Embedded:
    """An Outlook message attached to another one (attach method 5, ``afEmbeddedMessage``)."""

    subject: str
    sender_name: str | None = None
    sender_email: str | None = None
    to: Sequence[tuple[str, str]] = ()
    body: str | None = None
    html: str | bytes | None = None
    rtf: bytes | None = None
    attachments: Sequence[Attached] = ()


@dataclass(frozen=True)
class Reference:
    """A reference attachment: a link to a shared file (attach method 7, ``afByWebReference``)."""

    url: str


def build_msg(
    subject: str | None,
    sender_name: str | None,
    sender_email: str | None,
    to: Sequence[tuple[str, str]] = (),
    body: str | None = None,
    html: str | bytes | None = None,
    rtf: bytes | None = None,
    headers: str | None = None,
    attachments: Sequence[Attached] = (),
    *,
    message_class: str = "IPM.Note",
    sent: dt.datetime | None = None,
    internet_cpid: int | None = None,
    extra_streams: Mapping[str, bytes] | None = None,
) -> bytes:
    """The bytes of an Outlook ``.msg`` file with these properties.

    ``to`` holds (display name, SMTP address) pairs. ``html`` as ``str`` is stored as UTF-8 and
    ``internet_cpid`` defaults to 65001 then; as ``bytes`` it is stored as given. ``rtf`` is the raw RTF,
    stored compressed. ``headers`` is the transport header block (PR_TRANSPORT_MESSAGE_HEADERS).
    ``extra_streams`` adds or replaces top-level streams as given (to build malformed files on purpose).
    """
    if isinstance(html, str) and internet_cpid is None:
        internet_cpid = 65001
    tree = _message_tree(
        subject,
        sender_name,
        sender_email,
        to,
        body,
        html,
        rtf,
        headers,
        attachments,
        message_class=message_class,
        sent=sent,
        internet_cpid=internet_cpid,
        embedded=False,
    )
    tree["__nameid_version1.0"] = {
        "__substg1.0_00020102": b"",  # GUID stream
        "__substg1.0_00030102": b"",  # entry stream
        "__substg1.0_00040102": b"",  # string stream
    }
    if extra_streams:
        tree.update(extra_streams)
    return write_cfb(tree, root_clsid=_MSG_CLSID)


def _message_tree(
    subject: str | None,
    sender_name: str | None,
    sender_email: str | None,
    to: Sequence[tuple[str, str]],
    body: str | None,
    html: str | bytes | None,
    rtf: bytes | None,
    headers: str | None,
    attachments: Sequence[Attached],
    *,
    message_class: str,
    sent: dt.datetime | None,
    internet_cpid: int | None,
    embedded: bool,
) -> dict[str, bytes | Tree]:
    """The storages and streams of one message object (top-level or embedded)."""
    props = _Props()
    tree: dict[str, bytes | Tree] = {}

    def string(prop_id: int, value: str | None) -> None:
        if value is not None:
            tree[f"__substg1.0_{prop_id:04X}001F"] = props.string(prop_id, value)

    def binary(prop_id: int, value: bytes | None) -> None:
        if value is not None:
            tree[f"__substg1.0_{prop_id:04X}0102"] = props.binary(prop_id, value)

    string(0x001A, message_class)  # PR_MESSAGE_CLASS
    string(0x0037, subject)  # PR_SUBJECT
    string(0x0C1A, sender_name)  # PR_SENDER_NAME
    string(0x0C1F, sender_email)  # PR_SENDER_EMAIL_ADDRESS
    string(0x0C1E, "SMTP" if sender_email else None)  # PR_SENDER_ADDRTYPE
    string(0x5D01, sender_email)  # PR_SENDER_SMTP_ADDRESS
    string(0x0042, sender_name)  # PR_SENT_REPRESENTING_NAME
    string(0x0065, sender_email)  # PR_SENT_REPRESENTING_EMAIL_ADDRESS
    string(0x1000, body)  # PR_BODY
    string(0x007D, headers)  # PR_TRANSPORT_MESSAGE_HEADERS
    if html is not None:
        binary(0x1013, html.encode("utf-8") if isinstance(html, str) else html)  # PR_HTML
    if rtf is not None:
        compressed_rtf = importlib.import_module("compressed_rtf")  # installed with extract-msg; untyped
        binary(0x1009, compressed_rtf.compress(rtf, compressed=True))  # PR_RTF_COMPRESSED
        props.fixed(0x0E1F, _PT_BOOLEAN, 1)  # PR_RTF_IN_SYNC
    props.fixed(0x0E07, _PT_LONG, 0x1 if sent else 0x9)  # PR_MESSAGE_FLAGS: read (+ unsent when no date)
    props.fixed(0x340D, _PT_LONG, 0x00040000)  # PR_STORE_SUPPORT_MASK: STORE_UNICODE_OK
    if internet_cpid is not None:
        props.fixed(0x3FDE, _PT_LONG, internet_cpid)  # PR_INTERNET_CPID
    if sent is not None:
        props.fixed(0x0039, _PT_SYSTIME, _filetime(sent))  # PR_CLIENT_SUBMIT_TIME
        props.fixed(0x0E06, _PT_SYSTIME, _filetime(sent))  # PR_MESSAGE_DELIVERY_TIME

    for n, (name, address) in enumerate(to):
        rprops = _Props()
        rtree: dict[str, bytes | Tree] = {
            "__substg1.0_3001001F": rprops.string(0x3001, name),  # PR_DISPLAY_NAME
            "__substg1.0_3002001F": rprops.string(0x3002, "SMTP"),  # PR_ADDRTYPE
            "__substg1.0_3003001F": rprops.string(0x3003, address),  # PR_EMAIL_ADDRESS
            "__substg1.0_39FE001F": rprops.string(0x39FE, address),  # PR_SMTP_ADDRESS
        }
        rprops.fixed(0x0C15, _PT_LONG, 1)  # PR_RECIPIENT_TYPE: MAPI_TO
        rprops.fixed(0x3000, _PT_LONG, n)  # PR_ROWID
        rtree["__properties_version1.0"] = rprops.stream(header=bytes(8))
        tree[f"__recip_version1.0_#{n:08X}"] = rtree

    for n, (name, content) in enumerate(attachments):
        aprops = _Props()
        atree: dict[str, bytes | Tree] = {
            "__substg1.0_3707001F": aprops.string(0x3707, name),  # PR_ATTACH_LONG_FILENAME
            "__substg1.0_3704001F": aprops.string(0x3704, _short_name(name)),  # PR_ATTACH_FILENAME
            "__substg1.0_3001001F": aprops.string(0x3001, name),  # PR_DISPLAY_NAME
        }
        if "." in name:
            atree["__substg1.0_3703001F"] = aprops.string(0x3703, "." + name.rsplit(".", 1)[1])  # extension
        if isinstance(content, Embedded):
            aprops.fixed(0x3705, _PT_LONG, 5)  # PR_ATTACH_METHOD: afEmbeddedMessage
            aprops.object(0x3701)
            atree["__substg1.0_3701000D"] = _message_tree(
                content.subject,
                content.sender_name,
                content.sender_email,
                content.to,
                content.body,
                content.html,
                content.rtf,
                None,
                content.attachments,
                message_class="IPM.Note",
                sent=None,
                internet_cpid=65001 if isinstance(content.html, str) else None,
                embedded=True,
            )
        elif isinstance(content, Reference):
            aprops.fixed(0x3705, _PT_LONG, 7)  # PR_ATTACH_METHOD: afByWebReference
            atree["__substg1.0_370D001F"] = aprops.string(0x370D, content.url)  # PR_ATTACH_LONG_PATHNAME
        else:
            aprops.fixed(0x3705, _PT_LONG, 1)  # PR_ATTACH_METHOD: afByValue
            atree["__substg1.0_37010102"] = aprops.binary(0x3701, content)  # PR_ATTACH_DATA_BIN
            aprops.fixed(0x0E20, _PT_LONG, len(content))  # PR_ATTACH_SIZE (approximation: data only)
        aprops.fixed(0x0E21, _PT_LONG, n)  # PR_ATTACH_NUM
        aprops.fixed(0x370B, _PT_LONG, 0xFFFFFFFF)  # PR_RENDERING_POSITION: not rendered in the body
        atree["__properties_version1.0"] = aprops.stream(header=bytes(8))
        tree[f"__attach_version1.0_#{n:08X}"] = atree

    # [MS-OXMSG] 2.4.1.1 / 2.4.1.2: reserved, next recipient id, next attachment id, counts, (reserved).
    counts = struct.pack("<8xIIII", len(to), len(attachments), len(to), len(attachments))
    tree["__properties_version1.0"] = props.stream(header=counts if embedded else counts + bytes(8))
    return tree


class _Props:
    """Entries of a ``__properties_version1.0`` stream ([MS-OXMSG] 2.4.2): 16 bytes per property."""

    def __init__(self) -> None:
        self.entries: list[bytes] = []

    def _add(self, prop_id: int, prop_type: int, value: bytes) -> None:
        self.entries.append(struct.pack("<II", (prop_id << 16) | prop_type, _READABLE_WRITABLE) + value)

    def fixed(self, prop_id: int, prop_type: int, value: int) -> None:
        self._add(prop_id, prop_type, struct.pack("<Q", value))

    def string(self, prop_id: int, value: str) -> bytes:
        data = value.encode("utf-16-le")
        self._add(prop_id, _PT_UNICODE, struct.pack("<II", len(data) + 2, 0))  # size counts the terminator
        return data

    def binary(self, prop_id: int, value: bytes) -> bytes:
        self._add(prop_id, _PT_BINARY, struct.pack("<II", len(value), 0))
        return value

    def object(self, prop_id: int) -> None:
        self._add(prop_id, _PT_OBJECT, struct.pack("<II", 0xFFFFFFFF, 0))

    def stream(self, *, header: bytes) -> bytes:
        return header + b"".join(self.entries)


def _filetime(when: dt.datetime) -> int:
    """100-nanosecond intervals since 1601-01-01 UTC."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return _UNIX_EPOCH_AS_FILETIME + int(when.timestamp() * 10_000_000)


def _short_name(name: str) -> str:
    """An 8.3 name, as PR_ATTACH_FILENAME holds."""
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    stem = "".join(ch for ch in stem.upper() if ch.isalnum())[:6] + "~1"
    return f"{stem}.{ext.upper()[:3]}" if ext else stem
