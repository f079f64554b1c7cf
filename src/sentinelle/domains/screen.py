"""Screen bare host names for an organisation's brand or a lookalike of its official domains, at bulk speed.

``DomainScreen.match(host)`` answers with the same two checks that the link detector runs on every link
(``brand.brand_in_host``: the brand word inside the name; ``lookalike.resemblance``: a typo, homoglyph,
other ending or hyphen game on an official domain), so a name that the screen reports is a name that
``Engine.analyze("https://NAME/", kind="url")`` flags, and the other way round for these two signals.

What makes it fast enough for a Certificate Transparency stream (most names are unique, so caches do not
help): the brand check, a word segmentation, runs only when a brand token of some profile appears in the
folded name (one regular-expression scan over a short string); the lookalike check is a public-suffix
lookup and a dictionary probe. Names are read leniently: a wildcard (``*.example.com``), a trailing dot,
capitals and Unicode or punycode forms are accepted; IP addresses, names without a known public suffix,
names longer than 253 characters and empty labels are not names anyone can register, and are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..brand import brand_in_host
from ..extract.urls import is_ip_host, normalise_host, public_suffix_list
from ..lookalike import LookalikeIndex, index_for, split_host
from ..profiles import Profile
from ..textnorm import fold

BRAND_WORD = "brand_word"  # check: a brand word of a profile inside the name
LOOKALIKE = "lookalike"  # check: the name imitates an official domain (lookalike.TECHNIQUES)
COMBOSQUAT = "combosquat"  # attack of a brand-word hit in the registrable label: ameli-remboursement.com
BRAND_SUBDOMAIN = "brand_subdomain"  # the brand only in a subdomain: ameli.secure-verif.com
_MAX_NAME = 253  # the DNS limit on a whole name
_NOT_IN_NAMES = re.compile(r"[\s/:@\[\]\\*]")  # URLs, IPv6 literals, user@host, leftover wildcards


@dataclass(frozen=True, slots=True)
class Match:
    """Why a host name belongs on a fraud team's watch list.

    ``attack`` is a ``lookalike`` technique (``homoglyph``, ``tld_swap``...) or ``combosquat`` /
    ``brand_subdomain``; ``official`` is the imitated official domain (for a brand word, the profile's
    website); ``how`` the short formula of the trick (``"1→i"``) or the brand words found
    (``"ameli-remboursement"``).
    """

    host: str  # ASCII (punycode) form, lower case, without wildcard or trailing dot
    unicode_host: str  # what a person reads
    registrable_domain: str
    profile_id: str
    check: str  # BRAND_WORD or LOOKALIKE
    attack: str
    official: str
    how: str

    def to_dict(self) -> dict[str, str]:
        """Plain JSON-ready fields (explicit, stable names)."""
        return {
            "host": self.host,
            "unicode_host": self.unicode_host,
            "registrable_domain": self.registrable_domain,
            "organisation": self.profile_id,
            "check": self.check,
            "attack": self.attack,
            "official": self.official,
            "how": self.how,
        }


def normalise_name(name: str) -> tuple[str, str] | None:
    """(ASCII host, Unicode host) of a name as found in a list or a certificate, or None if it is not one."""
    name = name.strip()
    while name.startswith("*."):
        name = name[2:]
    name = name.rstrip(".")
    if not name or len(name) > _MAX_NAME or _NOT_IN_NAMES.search(name):
        return None
    host, unicode_host = normalise_host(name)
    if not host or ".." in host or host.startswith(".") or is_ip_host(host):
        return None
    return host, unicode_host or host


class DomainScreen:
    """The brand and lookalike checks of some profiles, prepared once; ``match`` is thread-safe."""

    def __init__(self, profiles: Sequence[Profile], domain_words: frozenset[str]) -> None:
        self.profiles = tuple(profiles)
        self.domain_words = domain_words
        self.index: LookalikeIndex = index_for(profiles)
        self.official = frozenset(d for p in self.profiles for d in p.domains)
        tokens = sorted(
            {fold(t) for p in self.profiles for t in (*p.brand_tokens, *p.brand_weak_tokens)}, key=len, reverse=True
        )
        # Literal alternatives only: linear-time in practice on names of at most 253 characters.
        self._tokens = re.compile("|".join(re.escape(t) for t in tokens)) if tokens else None
        self._website = {p.id: p.website or min(p.domains) for p in self.profiles}

    def match(self, name: str) -> Match | None:
        """The reason ``name`` imitates an organisation, or None (official, unrelated, honest, or not a name)."""
        found = normalise_name(name)
        return None if found is None else self.match_normalised(*found)

    def match_normalised(self, host: str, unicode_host: str) -> Match | None:
        """``match`` on a name already passed through ``normalise_name`` (callers that dedupe on it)."""
        parts = split_host(unicode_host)
        if parts is None:
            return None
        labels, suffix = parts
        if f"{labels[-1].lower()}.{suffix}" in self.official:
            return None
        resembles = self.index.resemblance_of(labels, suffix)
        if resembles is not None:
            return Match(
                host,
                unicode_host,
                _registrable(host),
                resembles.profile_id,
                LOOKALIKE,
                resembles.technique,
                resembles.official,
                resembles.how,
            )
        if self._tokens is None or self._tokens.search(fold(unicode_host)) is None:
            return None
        registrable = _registrable(host)
        for profile in self.profiles:
            if profile.is_unrelated_domain(registrable):
                continue
            brand = brand_in_host(unicode_host, profile, self.domain_words)
            if brand is None:
                continue
            unicode_registrable = normalise_host(registrable)[1] or registrable
            in_label = unicode_registrable == unicode_host or brand_in_host(
                unicode_registrable, profile, self.domain_words
            )
            attack = COMBOSQUAT if in_label else BRAND_SUBDOMAIN
            return Match(
                host, unicode_host, registrable, profile.id, BRAND_WORD, attack, self._website[profile.id], brand
            )
        return None


def _registrable(host: str) -> str:
    return public_suffix_list().privatesuffix(host) or host
