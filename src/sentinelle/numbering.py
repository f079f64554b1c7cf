"""The French numbering plan: what a number costs and what it is for, where libphonenumber falls short.

libphonenumber validates and types numbers, but for France it (1) calls the surcharged 0810/0820/0825
ranges "shared cost", (2) marks every 32xx-39xx short number premium, the genuine 3646 included, (3) has
no telemarketing category and (4) does not extract short numbers from text. The table in
``data/numbering_fr.toml`` fixes those; libphonenumber still decides validity and the number type.
"""

from __future__ import annotations

import enum
import tomllib
from dataclasses import dataclass
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

    def classify(self, normalized: str) -> NumberInfo:
        """Classify an E.164 number (``+33...``) or short-code digits."""
        if not normalized.startswith("+"):
            return self._classify_short(normalized)
        if not normalized.startswith("+33"):
            return NumberInfo(Category.FOREIGN)
        national = "0" + normalized[3:]
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


def parse_numbering(data: dict[str, Any], where: str) -> NumberingPlan:
    """Build the plan from parsed TOML; ``DataError`` on a malformed table."""
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
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise DataError(f"{where}: invalid numbering plan: {exc!r}") from exc


def load_numbering(text: str, where: str) -> NumberingPlan:
    try:
        return parse_numbering(tomllib.loads(text), where)
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"{where}: {exc}") from exc
