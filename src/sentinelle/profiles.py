"""Organisation profiles: who an impersonated body is, as data.

A profile (``data/profiles/<id>.toml``) lists the official domains, senders, numbers, what the organisation
says it never asks, the lures used in its name and where to report. Supporting a new organisation is a new
file, not new code: profiles are discovered in the package's ``data/profiles`` folder and in any extra
folder given to the engine.

The loader is the schema: it checks types and required keys and raises ``DataError`` naming the file and
the key, so a broken profile fails at load time, never in the middle of an analysis.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import DataError

CONFIDENCES = frozenset({"confirmed", "likely", "uncertain"})
REQUEST_CATEGORIES = frozenset(
    {
        "bank_details",
        "card",
        "card_security",
        "otp",
        "credentials",
        "identity_document",
        "proof_of_address",
        "nir",
        "fees",
        "medical",
    }
)
CHANNELS = frozenset({"email", "sms", "call", "voicemail", "webpage", "image", "url", "phone", "audio"})


@dataclass(frozen=True, slots=True)
class SourcedValue:
    """A fact with where it comes from and how sure we are."""

    value: str
    confidence: str
    source: str


@dataclass(frozen=True, slots=True)
class OfficialPhone:
    """A number the organisation really uses; ``inbound`` = you may call it, ``outbound`` = it may call you."""

    number: str  # E.164 or short code digits
    inbound: bool
    outbound: bool
    role: str
    confidence: str
    source: str


@dataclass(frozen=True, slots=True)
class NeverAsks:
    """One thing the organisation states it never asks for, on which channels, in its own words."""

    category: str
    channels: frozenset[str]
    statement_fr: str
    statement_en: str
    confidence: str
    source: str


@dataclass(frozen=True, slots=True)
class Lure:
    """A scam theme used in the organisation's name, with the fact that exposes it."""

    theme: str
    phrases: tuple[str, ...]
    unless: tuple[str, ...]  # phrases that, in the same sentence, make the wording genuine advice
    fact_fr: str
    fact_en: str
    confidence: str
    source: str
    # Phrases of ``phrases`` that are a lure only when an amount follows ("un remboursement de 245,50 €", not
    # "bénéficier d'un remboursement de l'administration").
    amount_after: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LocalText:
    """A text in French and English."""

    id: str
    fr: str
    en: str


@dataclass(frozen=True, slots=True)
class ProfileChannel:
    """A reporting channel specific to the organisation (its abuse team, say)."""

    id: str
    name: str
    url: str
    why_fr: str
    why_en: str
    kinds: frozenset[str]


@dataclass(frozen=True, slots=True)
class Profile:
    """Everything Sentinelle knows about one organisation that scammers impersonate."""

    id: str
    display_name: str
    display_name_en: str
    names: tuple[str, ...]
    topics: tuple[str, ...]
    brand_tokens: tuple[str, ...]
    brand_weak_tokens: tuple[str, ...]
    brand_context_words: tuple[str, ...]
    official_domains: tuple[SourcedValue, ...]
    unrelated_domains: frozenset[str]  # carry a brand word, belong to someone else (cnam.fr)
    website: str
    sender_domains: tuple[str, ...]
    sender_addresses: tuple[SourcedValue, ...]
    sms_sender_ids: tuple[SourcedValue, ...]
    mobile_sender_is_suspicious: bool
    phones: tuple[OfficialPhone, ...]
    never_asks: tuple[NeverAsks, ...]
    lures: tuple[Lure, ...]
    advice: tuple[LocalText, ...]
    reporting: tuple[ProfileChannel, ...]
    path: str
    # Strong brand words read even glued to unread letters (dgfipca3, geodgfip): no name or word contains them.
    brand_glued_tokens: tuple[str, ...] = ()
    # Brand words read when a French department number follows them (caf94, caf-13: a local office).
    brand_numbered_tokens: tuple[str, ...] = ()

    # Derived once (``__post_init__``): the link checks ask about them for every link and every profile.
    _domains: frozenset[str] = field(init=False, repr=False, compare=False, default=frozenset())
    _inbound: frozenset[str] = field(init=False, repr=False, compare=False, default=frozenset())
    _outbound: frozenset[str] = field(init=False, repr=False, compare=False, default=frozenset())

    def __post_init__(self) -> None:
        object.__setattr__(self, "_domains", frozenset(d.value for d in self.official_domains))
        object.__setattr__(self, "_inbound", frozenset(p.number for p in self.phones if p.inbound))
        object.__setattr__(self, "_outbound", frozenset(p.number for p in self.phones if p.outbound))

    @property
    def domains(self) -> frozenset[str]:
        """Registrable domains that are official (any subdomain of them is official)."""
        return self._domains

    def is_official_domain(self, registrable_domain: str) -> bool:
        return registrable_domain in self.domains

    def is_unrelated_domain(self, registrable_domain: str) -> bool:
        """A domain whose name looks like the brand but that belongs to another body (listed in the profile)."""
        return registrable_domain in self.unrelated_domains

    @property
    def inbound_numbers(self) -> frozenset[str]:
        return self._inbound

    @property
    def outbound_numbers(self) -> frozenset[str]:
        return self._outbound

    def name(self, lang: str) -> str:
        return self.display_name_en if lang == "en" else self.display_name


class _Reader:
    """Typed access to a TOML table that reports the file and key on every mistake."""

    def __init__(self, data: Mapping[str, Any], where: str) -> None:
        self.data = data
        self.where = where

    def fail(self, key: str, problem: str) -> DataError:
        return DataError(f"{self.where}: {key}: {problem}")

    def text(self, key: str, default: str | None = None) -> str:
        value = self.data.get(key, default)
        if not isinstance(value, str) or not value:
            raise self.fail(key, "expected a non-empty string")
        return value

    def strs(self, key: str, *, required: bool = True) -> tuple[str, ...]:
        value = self.data.get(key, None if required else [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.fail(key, "expected a list of non-empty strings")
        return tuple(value)

    def flag(self, key: str, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(key, "expected true or false")
        return value

    def table(self, key: str) -> _Reader:
        value = self.data.get(key, {})
        if not isinstance(value, dict):
            raise self.fail(key, "expected a table")
        return _Reader(value, f"{self.where}: [{key}]")

    def tables(self, key: str) -> list[_Reader]:
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.fail(key, "expected an array of tables")
        return [_Reader(v, f"{self.where}: {key}[{i}]") for i, v in enumerate(value)]

    def confidence(self) -> str:
        value = self.text("confidence")
        if value not in CONFIDENCES:
            raise self.fail("confidence", f"must be one of {sorted(CONFIDENCES)}")
        return value


def _phone(r: _Reader) -> OfficialPhone:
    number = r.text("number").replace(" ", "")
    if not (number.isdigit() or (number.startswith("+") and number[1:].isdigit())):
        raise r.fail("number", "expected E.164 (+33...) or short-code digits")
    direction = set(r.strs("direction"))
    if not direction or not direction <= {"inbound", "outbound"}:
        raise r.fail("direction", "expected inbound and/or outbound")
    return OfficialPhone(
        number, "inbound" in direction, "outbound" in direction, r.text("role"), r.confidence(), r.text("source")
    )


def _never_asks(r: _Reader) -> NeverAsks:
    category = r.text("category")
    if category not in REQUEST_CATEGORIES:
        raise r.fail("category", f"unknown request category {category!r}")
    channels = frozenset(r.strs("channels"))
    if not channels <= CHANNELS:
        raise r.fail("channels", f"unknown channels {sorted(channels - CHANNELS)}")
    return NeverAsks(
        category, channels, r.text("statement_fr"), r.text("statement_en"), r.confidence(), r.text("source")
    )


def parse_profile(data: Mapping[str, Any], where: str) -> Profile:
    """Build a ``Profile`` from parsed TOML, or raise ``DataError`` naming what is wrong."""
    root = _Reader(data, where)
    if data.get("schema_version") != 1:
        raise root.fail("schema_version", "expected 1")
    org = root.table("organisation")
    email = root.table("email")
    sms = root.table("sms")
    website = root.table("website")
    domains = tuple(
        SourcedValue(d.text("domain").lower(), d.confidence(), d.text("source")) for d in root.tables("domains")
    )
    if not domains:
        raise root.fail("domains", "a profile needs at least one official domain")
    lures = tuple(
        Lure(
            r.text("theme"),
            r.strs("phrases"),
            r.strs("unless", required=False),
            r.text("fact_fr"),
            r.text("fact_en"),
            r.confidence(),
            r.text("source"),
            amount_after=r.strs("amount_after", required=False),
        )
        for r in root.tables("lures")
    )
    for lure in lures:
        for phrase in lure.phrases + lure.unless:
            if phrase != phrase.lower() or not phrase.isascii():
                raise root.fail("lures", f"phrase {phrase!r} must be folded (lower case ASCII)")
        stray = set(lure.amount_after) - set(lure.phrases)
        if stray:
            raise root.fail("lures", f"amount_after phrases {sorted(stray)} are not phrases of {lure.theme}")
    glued = org.strs("brand_glued_tokens", required=False)
    if not set(glued) <= set(org.strs("brand_tokens")):
        raise org.fail("brand_glued_tokens", "expected strong brand words (brand_tokens)")
    numbered = org.strs("brand_numbered_tokens", required=False)
    if not set(numbered) <= set(org.strs("brand_tokens")) | set(org.strs("brand_weak_tokens", required=False)):
        raise org.fail("brand_numbered_tokens", "expected brand words (brand_tokens or brand_weak_tokens)")
    return Profile(
        id=org.text("id"),
        display_name=org.text("display_name"),
        display_name_en=org.text("display_name_en", org.data.get("display_name")),
        names=org.strs("names"),
        topics=org.strs("topics", required=False),
        brand_tokens=org.strs("brand_tokens"),
        brand_weak_tokens=org.strs("brand_weak_tokens", required=False),
        brand_context_words=org.strs("brand_context_words", required=False),
        official_domains=domains,
        unrelated_domains=frozenset(u.text("domain").lower() for u in root.tables("unrelated_domains")),
        website=website.text("address", domains[0].value),
        sender_domains=email.strs("sender_domains", required=False),
        sender_addresses=tuple(
            SourcedValue(a.text("address").lower(), a.confidence(), a.text("source"))
            for a in email.tables("sender_addresses")
        ),
        sms_sender_ids=tuple(
            SourcedValue(s.text("id"), s.confidence(), s.text("source")) for s in sms.tables("sender_ids")
        ),
        mobile_sender_is_suspicious=sms.flag("mobile_sender_is_suspicious", False),
        phones=tuple(_phone(p) for p in root.tables("phones")),
        never_asks=tuple(_never_asks(n) for n in root.tables("never_asks")),
        lures=lures,
        advice=tuple(LocalText(a.text("id"), a.text("fr"), a.text("en")) for a in root.tables("advice")),
        reporting=tuple(
            ProfileChannel(
                c.text("id"),
                c.text("name"),
                c.text("url"),
                c.text("why_fr"),
                c.text("why_en"),
                frozenset(c.strs("kinds")),
            )
            for c in root.tables("reporting")
        ),
        path=where,
        brand_glued_tokens=glued,
        brand_numbered_tokens=numbered,
    )


def load_profile(path: Path) -> Profile:
    """Read and validate one profile file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise DataError(f"{path}: cannot read profile: {exc}") from exc
    return parse_profile(data, str(path))


def discover_profiles(folders: Iterable[Path]) -> tuple[Profile, ...]:
    """Load every ``*.toml`` profile in the folders, in name order; two profiles with one id is an error."""
    profiles: dict[str, Profile] = {}
    for folder in folders:
        for path in sorted(folder.glob("*.toml")):
            profile = load_profile(path)
            if profile.id in profiles:
                raise DataError(f"{path}: profile id {profile.id!r} already defined in {profiles[profile.id].path}")
            profiles[profile.id] = profile
    return tuple(profiles.values())
