"""Permutations of an official domain that a fraud team should watch or pre-register.

Two generators, deduplicated into one sorted list:

* **dnstwist's fuzzers**, used as a library (``dnstwist.Fuzzer``; no DNS query is made): homoglyphs, typos
  (addition, insertion, omission, repetition, replacement, transposition, vowel swap), bit flips,
  hyphenation, dots, other endings, the ending glued into the name; its dictionary fuzzer is fed with the
  French lure words below.
* **the combosquat lexicon** of the profiles: every strong brand token (``ameli``, ``cpam``, ``cartevitale``...)
  and every official label, combined with every lure word (the profile's ``brand_context_words`` and the
  ``domain_words`` of ``data/keywords.toml``), before and after, hyphenated and glued; every weak brand token
  (``vitale``) with the profile's context words only (a weak token alone is someone's name).

Each permutation is combined with the official ending and the endings of ``data/lookalikes.toml``, and carries
its attack type, the generator that made it, and a **self-check**: whether Sentinelle's own screen (the
checks of the link detector, ``domains.screen``) flags it, and by which check. A permutation that Sentinelle
does not flag is either a gap in the engine or a name too far from the brand to be a lookalike: the
self-check column makes both visible.

Brands and official domains come from the organisation profiles only. Given a domain no profile owns, the
generator still works (the domain's own label is the brand) and the self-check column is then empty of hits.
"""

from __future__ import annotations

import socket
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from types import ModuleType
from typing import Any

import idna

from ..errors import DataError, InputError, UnsupportedInput
from ..extract.urls import normalise_host, public_suffix_list
from ..profiles import Profile
from ..textnorm import fold
from .screen import DomainScreen

# Attack types (stable codes): lookalike.TECHNIQUES where they coincide, plus the generator-only ones.
COMBOSQUAT = "combosquat"
BITSQUATTING = "bitsquatting"
DOT_INSERTION = "dot_insertion"  # am.eli.fr: a dot that makes a subdomain of another registrable domain
_FUZZER_ATTACK = {
    "addition": "insertion",
    "bitsquatting": BITSQUATTING,
    "cyrillic": "homoglyph",
    "homoglyph": "homoglyph",
    "hyphenation": "hyphen",
    "insertion": "insertion",
    "omission": "omission",
    "plural": "insertion",
    "repetition": "repetition",
    "replacement": "replacement",
    "subdomain": DOT_INSERTION,
    "transposition": "transposition",
    "vowel-swap": "replacement",
    "dictionary": COMBOSQUAT,
    "tld-swap": "tld_swap",
    "various": "suffix_game",
}
LEXICON = "lexicon"


@dataclass(frozen=True, slots=True)
class Permutation:
    """One name to watch: what it is, how it was made, and whether Sentinelle flags it."""

    domain: str  # as registered: ASCII, punycode for internationalised names
    unicode_domain: str  # as read
    attack: str
    generator: str  # "dnstwist:<fuzzer>" or "lexicon"
    official: str  # the official domain (or the given domain) it derives from
    flagged: bool  # the self-check: Sentinelle's screen reports it
    check: str  # "lookalike:<technique>" or "brand_word:<attack>", empty when not flagged

    def to_dict(self) -> dict[str, str | bool]:
        """Plain JSON-ready fields."""
        return {
            "domain": self.domain,
            "unicode_domain": self.unicode_domain,
            "attack": self.attack,
            "generator": self.generator,
            "official": self.official,
            "flagged": self.flagged,
            "check": self.check,
        }


@dataclass(frozen=True, slots=True)
class GeneratorSettings:
    """``data/lookalikes.toml``: endings to combine, lure words to leave out."""

    tlds: tuple[str, ...]
    skip_words: frozenset[str]


def load_settings() -> GeneratorSettings:
    """Read and check ``data/lookalikes.toml`` (``DataError`` naming the key on a mistake)."""
    where = "sentinelle/data/lookalikes.toml"
    try:
        data: dict[str, Any] = tomllib.loads(
            resources.files("sentinelle").joinpath("data", "lookalikes.toml").read_text(encoding="utf-8")
        )
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DataError(f"{where}: {exc}") from exc
    generator = data.get("generator")
    if data.get("schema_version") != 1 or not isinstance(generator, dict):
        raise DataError(f"{where}: expected schema_version = 1 and a [generator] table")
    values: dict[str, tuple[str, ...]] = {}
    for key in ("tlds", "skip_words"):
        value = generator.get(key)
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise DataError(f"{where}: generator.{key}: expected a list of non-empty strings")
        values[key] = tuple(v.lower() for v in value)
    return GeneratorSettings(values["tlds"], frozenset(values["skip_words"]))


def import_dnstwist() -> ModuleType:
    """dnstwist, imported without its side effect (it sets the process-wide socket timeout at import)."""
    before = socket.getdefaulttimeout()
    try:
        import dnstwist  # type: ignore[import-untyped]
    except ImportError as exc:
        raise UnsupportedInput(
            "le générateur de permutations a besoin de dnstwist : pip install 'sentinelle[lookalikes]'"
        ) from exc
    finally:
        socket.setdefaulttimeout(before)
    module: ModuleType = dnstwist
    return module


@dataclass(frozen=True, slots=True)
class _Target:
    official: str  # registrable domain
    label: str  # the name before the ending: "ameli", "impots" (of impots.gouv.fr)
    suffix: str  # "fr", "gouv.fr"
    profile: Profile | None


def targets_for(name: str, profiles: Sequence[Profile]) -> list[_Target]:
    """The official domains behind ``name``: a profile id (all its domains) or a domain (its registrable part)."""
    name = name.strip()
    by_id = [p for p in profiles if p.id == name]
    if by_id:
        return [_target(d, by_id[0]) for d in sorted(by_id[0].domains)]
    host, _ = normalise_host(name.split("://", 1)[-1].split("/", 1)[0])
    registrable = public_suffix_list().privatesuffix(host) if host else None
    if registrable is None:
        raise InputError(f"pas un nom de domaine enregistrable : {name[:80]!r}")
    owner = next((p for p in profiles if registrable in p.domains), None)
    return [_target(registrable, owner)]


def _target(domain: str, profile: Profile | None) -> _Target:
    suffix = public_suffix_list().publicsuffix(domain) or domain.partition(".")[2]
    return _Target(domain, domain[: -len(suffix) - 1], suffix, profile)


def lure_words(profile: Profile | None, domain_words: Iterable[str], settings: GeneratorSettings) -> list[str]:
    """The lexicon combined with brands: the profile's context words, then the shared domain words."""
    context = profile.brand_context_words if profile else ()
    words = dict.fromkeys(w for w in (*context, *sorted(domain_words)) if w.isalpha() and w not in settings.skip_words)
    return list(words)


def _combos(brand: str, words: Iterable[str]) -> set[str]:
    out: set[str] = set()
    for word in words:
        if word == brand or word in brand:
            continue
        out.update((f"{brand}-{word}", f"{brand}{word}", f"{word}-{brand}", f"{word}{brand}"))
    return out


class PermutationGenerator:
    """Builds the watch list of a domain or a profile; ``screen`` answers the self-check column."""

    def __init__(
        self,
        profiles: Sequence[Profile],
        domain_words: frozenset[str],
        settings: GeneratorSettings | None = None,
    ) -> None:
        self.profiles = tuple(profiles)
        self.domain_words = domain_words
        self.settings = settings or load_settings()
        self.screen = DomainScreen(self.profiles, domain_words)

    def generate(
        self, name: str, *, tlds: Sequence[str] | None = None, dnstwist: bool = True, lexicon: bool = True
    ) -> list[Permutation]:
        """Deduplicated permutations of ``name`` (a domain or a profile id), sorted by attack then domain."""
        seen: dict[str, Permutation] = {}
        for target in targets_for(name, self.profiles):
            endings = list(
                dict.fromkeys([target.suffix, *(t.lower().strip(".") for t in (tlds or self.settings.tlds))])
            )
            raw: list[tuple[str, str, str]] = []  # (domain, attack, generator)
            words = lure_words(target.profile, self.domain_words, self.settings)
            if dnstwist:
                raw += self._dnstwist(target, endings, words)
            if lexicon:
                raw += self._lexicon(target, endings, words)
            for domain, attack, generator in raw:
                ascii_domain = _ascii(domain)
                if ascii_domain is None or ascii_domain in seen or ascii_domain == target.official:
                    continue
                if any(ascii_domain in p.domains for p in self.profiles):
                    continue  # another official domain of the organisation (ameli.fr from assurance-maladie.fr)
                seen[ascii_domain] = self._checked(ascii_domain, attack, generator, target.official)
        return sorted(seen.values(), key=lambda p: (p.official, p.attack, p.domain))

    def _checked(self, domain: str, attack: str, generator: str, official: str) -> Permutation:
        match = self.screen.match(domain)
        unicode_domain = normalise_host(domain)[1] or domain
        check = f"{match.check}:{match.attack}" if match else ""
        return Permutation(domain, unicode_domain, attack, generator, official, match is not None, check)

    @staticmethod
    def _dnstwist(target: _Target, endings: list[str], words: list[str]) -> list[tuple[str, str, str]]:
        module = import_dnstwist()
        fuzzer = module.Fuzzer(target.official, dictionary=list(words), tld_dictionary=list(endings))
        # dnstwist splits names with a short list of its own ("impots.gouv.fr" would fuzz "gouv"): use ours.
        fuzzer.subdomain, fuzzer.domain, fuzzer.tld = "", idna.decode(target.label), target.suffix
        fuzzer.generate()
        out: list[tuple[str, str, str]] = []
        for perm in fuzzer.domains:
            name, kind = str(perm["domain"]), str(perm["fuzzer"])
            attack = _FUZZER_ATTACK.get(kind)
            if attack is None:  # "*original" and any fuzzer a later dnstwist adds: named, not guessed
                continue
            label, _, suffix = name.partition(".")
            variants = [name]
            if attack != "tld_swap" and suffix == target.suffix and kind != "subdomain":
                variants += [f"{label}.{ending}" for ending in endings if ending != target.suffix]
            out += [(v, attack, f"dnstwist:{kind}") for v in variants]
        return out

    def _lexicon(self, target: _Target, endings: list[str], words: list[str]) -> list[tuple[str, str, str]]:
        profile = target.profile
        brands = dict.fromkeys([target.label, *(profile.brand_tokens if profile else ())])
        labels = set()
        for brand in brands:
            labels |= _combos(fold(brand), words)
        if profile is not None:
            for weak in profile.brand_weak_tokens:
                labels |= _combos(fold(weak), profile.brand_context_words)
        return [(f"{label}.{ending}", COMBOSQUAT, LEXICON) for label in labels for ending in endings]


def _ascii(domain: str) -> str | None:
    """The registrable ASCII form of a generated name, or None if it is not a valid host name."""
    host, _ = normalise_host(domain)
    if not host or len(host) > 253 or any(len(label) > 63 or not label for label in host.split(".")):
        return None
    if host.startswith("-") or "-." in host or ".-" in host:
        return None
    return host
