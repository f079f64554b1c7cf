"""The French numbering plan: what a number costs and what it is for, where libphonenumber falls short.

libphonenumber validates and types numbers, but for France it (1) calls the surcharged 0810/0820/0825
ranges "shared cost", (2) marks every 32xx-39xx short number premium, the genuine 3646 included, (3) has
no telemarketing category and (4) does not extract short numbers from text. The table in
``data/numbering_fr.toml`` fixes those; libphonenumber still decides validity and the number type.

libphonenumber also knows only which *ranges* are valid, not which blocks ARCEP has actually allocated:
``0123 45 67 89`` looks valid but belongs to no operator. ``data/numbering_blocks_fr.csv.gz`` (derived from
ARCEP's MAJNUM register by ``scripts/build_numbering_blocks.py``) lists the allocated 10-digit blocks and
their operator; a geographic (01-05, 09) or mobile (06, 07) number outside every block is classified invalid.
The table is parsed on the first lookup, then searched by bisection.
"""

from __future__ import annotations

import csv
import enum
import gzip
import threading
import tomllib
import zlib
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from typing import Any

import phonenumbers

from .errors import DataError


class Category(enum.StrEnum):
    """What calling the number means for the person, in the terms the explanations use."""

    FREE = "free"
    NORMAL_RATE_SERVICE = "normal_rate_service"
    SURCHARGED = "surcharged"
    TELEMARKETING = "telemarketing"
    TECHNICAL_PLATFORM = "technical_platform"
    MOBILE = "mobile"
    GEOGRAPHIC = "geographic"
    VOIP = "voip"
    SHORT_FREE = "short_free"
    SHORT_KNOWN = "short_known"  # a known public-service short number
    SHORT_UNKNOWN_COST = "short_unknown_cost"
    SHORT_SURCHARGED = "short_surcharged"
    SHORT_OPERATOR = "short_operator"
    EMERGENCY = "emergency"
    SMS_SHORTCODE = "sms_shortcode"
    FOREIGN = "foreign"
    INVALID = "invalid"


@dataclass(frozen=True, slots=True)
class KnownShortNumber:
    number: str
    owner: str
    confidence: str
    source: str


@dataclass(frozen=True, slots=True)
class NumberInfo:
    """The classification of one normalised number."""

    category: Category
    owner: str | None = None  # for known public-service short numbers
    operator: str | None = None  # holder of the allocated block (ARCEP name, else its code), 10-digit +33 only


# Second digit of the national numbers whose allocation is checked: geographic 01-05, 09 and mobile 06/07.
# 08 (special services) is left out: its cost, not its operator, is what matters and the prefix table has it.
_ALLOCATION_CHECKED = frozenset("12345679")
_NATIONAL_LENGTH = 10


@dataclass(frozen=True, slots=True)
class _BlockTable:
    starts: list[int]  # sorted, for bisect
    ends: list[int]
    blocks: list[tuple[str, str | None]]  # (operator code, operator name) of each range, shared tuples


class NumberBlocks:
    """Allocated 10-digit French number blocks and their operators (``data/numbering_blocks_fr.*``).

    Holds the raw file contents and parses them on the first lookup (about 10,000 ranges, a few
    milliseconds), thread-safely; later lookups are one bisection. A malformed table raises ``DataError``
    at that first lookup.
    """

    __slots__ = ("_blocks_gz", "_operators_csv", "_where", "_lock", "_table")

    def __init__(self, blocks_gz: bytes, operators_csv: bytes, where: str) -> None:
        self._blocks_gz = blocks_gz
        self._operators_csv = operators_csv
        self._where = where
        self._lock = threading.Lock()
        self._table: _BlockTable | None = None

    def lookup(self, national: str) -> tuple[str, str | None] | None:
        """``(operator code, operator name or None)`` of the block holding ``national`` (``0XXXXXXXXX``)."""
        if len(national) != _NATIONAL_LENGTH or not (national.isascii() and national.isdigit()):
            return None
        table = self._table or self._load()
        value = int(national)
        i = bisect_right(table.starts, value) - 1
        if i < 0 or value > table.ends[i]:
            return None
        return table.blocks[i]

    def ranges(self) -> list[tuple[str, str, str]]:
        """Every range as ``(first number, last number, operator code)``, in order (for checks and tests)."""
        t = self._table or self._load()
        return [(f"{s:010d}", f"{e:010d}", b[0]) for s, e, b in zip(t.starts, t.ends, t.blocks, strict=True)]

    def operators(self) -> dict[str, str | None]:
        """``operator code -> name`` (``None`` when ARCEP's registers do not name it)."""
        table = self._table or self._load()
        return dict(table.blocks)

    def _load(self) -> _BlockTable:
        with self._lock:
            if self._table is None:
                self._table = self._parse()
            return self._table

    def _rows(self, text: str) -> list[list[str]]:
        lines = [line for line in text.splitlines() if line and not line.startswith("#")]
        return list(csv.reader(lines))[1:]  # the first non-comment line is the column header

    def _parse(self) -> _BlockTable:
        where = self._where
        try:
            names: dict[str, str | None] = {
                code: (name or None) for code, name in self._rows(self._operators_csv.decode("utf-8"))
            }
            rows = self._rows(gzip.decompress(self._blocks_gz).decode("utf-8"))
        except (OSError, EOFError, zlib.error, UnicodeDecodeError, ValueError) as exc:
            raise DataError(f"{where}: unreadable number-block table: {exc!r}") from exc
        shared: dict[str, tuple[str, str | None]] = {}
        starts: list[int] = []
        ends: list[int] = []
        blocks: list[tuple[str, str | None]] = []
        for row in rows:
            if len(row) != 3 or not all(len(n) == _NATIONAL_LENGTH and n.isdigit() for n in row[:2]):
                raise DataError(f"{where}: malformed number-block row {row!r}")
            start, end, code = int(row[0]), int(row[1]), row[2]
            if code not in names:
                raise DataError(f"{where}: operator {code!r} has no entry in the operator table")
            if end < start or (ends and start <= ends[-1]):
                raise DataError(f"{where}: number blocks unsorted or overlapping at {row[0]}")
            starts.append(start)
            ends.append(end)
            blocks.append(shared.setdefault(code, (code, names[code])))
        if not starts:
            raise DataError(f"{where}: empty number-block table")
        return _BlockTable(starts, ends, blocks)


@dataclass(frozen=True, slots=True)
class NumberingPlan:
    """Prefix table and short-number rules for France (``data/numbering_fr.toml``)."""

    prefixes: tuple[tuple[str, Category], ...]  # longest first
    free_ranges: tuple[tuple[int, int], ...]
    general_range: tuple[int, int]
    surcharged_short_prefixes: tuple[str, ...]
    operator_prefix: str
    emergency: frozenset[str]
    report_numbers: frozenset[str]
    known_short: dict[str, KnownShortNumber]
    blocks: NumberBlocks | None = field(default=None, compare=False)  # allocated blocks; None: not checked

    def block_of(self, national_number: str) -> tuple[str, str | None] | None:
        """``(operator code, operator name or None)`` of the allocated block holding a national number.

        ``national_number`` is written with the leading 0 (``0184903646``). ``None`` when no allocated block
        holds it, when it is not a 10-digit number, or when the plan has no block table.
        """
        return self.blocks.lookup(national_number) if self.blocks is not None else None

    def classify(self, normalized: str) -> NumberInfo:
        """Classify an E.164 number (``+33...``) or short-code digits."""
        if not normalized.startswith("+"):
            return self._classify_short(normalized)
        if not normalized.startswith("+33"):
            return NumberInfo(Category.FOREIGN)
        national = "0" + normalized[3:]
        if self.blocks is None or len(national) != _NATIONAL_LENGTH:
            return self._classify_national(normalized, national)
        block = self.blocks.lookup(national)
        if block is None:
            if national[1] in _ALLOCATION_CHECKED:
                return NumberInfo(Category.INVALID)
            return self._classify_national(normalized, national)
        info = self._classify_national(normalized, national)
        return replace(info, operator=block[1] or block[0])

    def prefix_category(self, normalized: str) -> Category | None:
        """The category the prefix table alone gives a ``+33`` number, allocated or not (``None``: no prefix).

        Lets a detector tell an unallocated number that looks like a mobile (a spoofed ``07 12 ...`` caller
        ID) from other invalid numbers.
        """
        if not normalized.startswith("+33"):
            return None
        national = "0" + normalized[3:]
        for prefix, category in self.prefixes:
            if national.startswith(prefix):
                return category
        return None

    def _classify_national(self, normalized: str, national: str) -> NumberInfo:
        for prefix, category in self.prefixes:
            if national.startswith(prefix):
                return NumberInfo(category)
        try:
            parsed = phonenumbers.parse(normalized, None)
        except phonenumbers.NumberParseException:
            return NumberInfo(Category.INVALID)
        if not phonenumbers.is_valid_number(parsed):
            return NumberInfo(Category.INVALID)
        number_type = phonenumbers.number_type(parsed)
        if number_type == phonenumbers.PhoneNumberType.VOIP:
            return NumberInfo(Category.VOIP)
        if number_type in (phonenumbers.PhoneNumberType.PREMIUM_RATE, phonenumbers.PhoneNumberType.SHARED_COST):
            return NumberInfo(Category.SURCHARGED)
        return NumberInfo(Category.GEOGRAPHIC)

    def _classify_short(self, digits: str) -> NumberInfo:
        if digits in self.known_short:
            return NumberInfo(Category.SHORT_KNOWN, self.known_short[digits].owner)
        if digits in self.emergency:
            return NumberInfo(Category.EMERGENCY)
        if digits in self.report_numbers:
            return NumberInfo(Category.SHORT_FREE)
        if any(digits.startswith(p) for p in self.surcharged_short_prefixes) and len(digits) == 6:
            return NumberInfo(Category.SHORT_SURCHARGED)
        if len(digits) == 4 and digits.startswith(self.operator_prefix):
            return NumberInfo(Category.SHORT_OPERATOR)
        if len(digits) == 4:
            value = int(digits)
            if any(lo <= value <= hi for lo, hi in self.free_ranges):
                return NumberInfo(Category.SHORT_FREE)
            lo, hi = self.general_range
            if lo <= value <= hi:
                return NumberInfo(Category.SHORT_UNKNOWN_COST)
        if len(digits) == 5 and digits[0] in "345678":
            return NumberInfo(Category.SMS_SHORTCODE)
        return NumberInfo(Category.INVALID)


def parse_numbering(data: dict[str, Any], where: str, blocks: NumberBlocks | None = None) -> NumberingPlan:
    """Build the plan from parsed TOML (and the allocated-block table); ``DataError`` on a malformed table."""
    try:
        prefixes: list[tuple[str, Category]] = []
        for entry in data["prefixes"]:
            category = Category(entry["category"])
            prefixes.extend((p, category) for p in entry["prefix"])
        prefixes.sort(key=lambda pc: -len(pc[0]))
        short = data["short_numbers"]
        known = {
            k["number"]: KnownShortNumber(k["number"], k["owner"], k["confidence"], k["source"])
            for k in data.get("known_short_numbers", [])
        }
        return NumberingPlan(
            prefixes=tuple(prefixes),
            free_ranges=tuple((int(lo), int(hi)) for lo, hi in short["free_ranges"]),
            general_range=(int(short["general_range"][0]), int(short["general_range"][1])),
            surcharged_short_prefixes=tuple(short["surcharged_prefixes"]),
            operator_prefix=str(short["operator_prefix"]),
            emergency=frozenset(short["emergency"]),
            report_numbers=frozenset(short["report_numbers"]),
            known_short=known,
            blocks=blocks,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise DataError(f"{where}: invalid numbering plan: {exc!r}") from exc


def load_numbering(text: str, where: str, blocks: NumberBlocks | None = None) -> NumberingPlan:
    """Parse ``numbering_fr.toml``; ``blocks`` adds the allocated-block check (see ``NumberBlocks``)."""
    try:
        return parse_numbering(tomllib.loads(text), where, blocks)
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"{where}: {exc}") from exc
