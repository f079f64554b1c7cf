"""Links: where they really go, compared with where the claimed organisation lives.

* LINK_NOT_OFFICIAL: a message in an organisation's name links to a registrable domain it does not own.
  Domains under ``gouv.fr`` belong to the State and are not counted (a genuine mail may cite
  service-public.fr).
* LINK_BRAND_IN_DOMAIN: a brand word of any profile inside a domain that profile does not own
  (``ameli-remboursement.com``, ``ameli.fr.secure-login.xyz``): a first lookalike check.
* LINK_LOOKALIKE_DOMAIN: a domain that imitates an official domain without containing its brand word
  (``amel1.fr``, ``arneli.fr``, ``amеli.fr`` with a Cyrillic е, ``ameli.com``, ``assurancemaladie.fr``):
  ``lookalike.resemblance`` says which official domain and how (``params``: official, how, technique).
  Known false positives: a genuine site one typo away from an official domain (none in the Tranco top 10k).
* Technique flags: shorteners, raw IP addresses, internationalised (punycode) names, ``user@host`` tricks,
  ``data:`` URLs, defanged spellings, top-level domains favoured by scammers.
* LINKS_ALL_OFFICIAL (trust): every link of a message in an organisation's name stays on its domains.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import ClassVar

from ..brand import brands_in_host
from ..extract.urls import is_ip_host, public_suffix_list
from ..lookalike import Resemblance, resemblance
from ..model import Evidence, Kind, Link, LinkSource, Message
from .base import ALL_KINDS, Context, Flags, register

_STATE_SUFFIX = ".gouv.fr"
_MAX_OBSERVED = 5


def _authority(url: str) -> str:
    """What a URL holds between its scheme and its path, query or fragment, as written: ``user@host:port``.

    Read once per link: the user@host check and the host as typed both need it."""
    rest = url.split("://", 1)[-1]
    return rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]


def on_free_hosting(host: str, free_hosts: frozenset[str]) -> bool:
    """True for a subdomain of a free hosting or site-builder service (``x.firebaseapp.com``): anyone can
    publish there, so the service's reputation says nothing about the page."""
    labels = host.rsplit(".", 5)  # listed services have at most four labels: bounded work on "a.a.a...."
    # Strict subdomains only: the last k labels form the service, something must stand before them.
    return any(".".join(labels[-k:]) in free_hosts for k in range(2, min(5, len(labels) - 1) + 1))


def _shown_host(link: Link) -> str:
    return link.unicode_host or link.host


def _typed_host(link: Link, authority: str) -> str:
    """The host as written in the message, case kept (``ameIi.fr`` shows its capital I), else the shown host.

    ``authority``: ``_authority(link.url)``; its first 300 characters are read."""
    shown = _shown_host(link)
    written = authority[:300].rsplit("@", 1)[-1]
    typed = written.rsplit(":", 1)[0] if written.count(":") == 1 else written
    typed = typed.rstrip(".")
    return typed if typed.lower() in (link.host, shown) else shown


@register
class LinkDestinations:
    """Emits the link evidence listed in the module docstring."""

    id: ClassVar[str] = "links.destinations"
    applies_to: ClassVar[frozenset[Kind]] = ALL_KINDS - {Kind.PHONE}
    signals: ClassVar[Mapping[str, str]] = {
        "LINK_NOT_OFFICIAL": "links to a domain the claimed organisation does not own",
        "LINK_BRAND_IN_DOMAIN": "a brand word inside a domain its organisation does not own",
        "LINK_LOOKALIKE_DOMAIN": "a domain that imitates an official domain (typo, homoglyph, other ending)",
        "LINK_SHORTENER": "the link goes through a URL shortener",
        "LINK_IP_ADDRESS": "the link points to a raw IP address",
        "LINK_PUNYCODE": "the link's domain is internationalised (punycode)",
        "LINK_USERINFO": "the link hides its destination behind user@host",
        "LINK_DATA_URL": "the link embeds content as a data: URL",
        "LINK_SUSPICIOUS_TLD": "the link's top-level domain is often abused",
        "LINK_OBFUSCATED": "the link is written in a defanged or mangled form",
        "LINK_FREE_HOSTING": "the link leads to a free hosting service anyone can publish on",
        "LINKS_ALL_OFFICIAL": "every link stays on the claimed organisation's domains",
    }

    def detect(self, msg: Message, ctx: Context) -> Iterable[Evidence]:
        if not msg.links:
            return
        k = ctx.knowledge
        claim = ctx.claim
        flags = Flags(self.id, _MAX_OBSERVED)

        def flag(signal: str, value: str, link: Link) -> None:
            flags.add(signal, value, link.location)

        brand_hits: list[tuple[Link, str, str]] = []
        lookalikes: dict[str, tuple[Link, Resemblance]] = {}
        resemblance_checked: set[str] = set()
        not_official: list[Link] = []
        # A message repeats its hosts (a newsletter's twenty links to two sites): what depends on the host alone
        # is worked out once per host, and so are its flags: raising a flag again with the same value changes
        # nothing (``Flags`` keeps each value once and the first location), so a repeated host only raises the
        # flags that depend on the link itself (user info, defanged spelling), in the same order as before.
        host_facts: dict[tuple[str, str | None], tuple[bool, tuple[tuple[str, str], ...]]] = {}
        for link in msg.links:
            url = link.url
            if url[:5].lower() == "data:":
                flag("LINK_DATA_URL", url[:40], link)
                continue
            host = link.host
            key = (host, link.unicode_host)
            facts = host_facts.get(key)
            new_host = facts is None
            if facts is None:
                ip_host = is_ip_host(host)
                brands = brands_in_host(_shown_host(link), link.registrable_domain, k.profiles, k.keywords.domain_words)
                facts = host_facts[key] = (ip_host, brands)
                if ip_host:
                    flag("LINK_IP_ADDRESS", host, link)
                elif "xn--" in host:
                    flag("LINK_PUNYCODE", f"{link.unicode_host or host} ({host})", link)
            ip_host, brands = facts
            authority = _authority(url)
            if "@" in authority:
                flag("LINK_USERINFO", url[:80], link)
            if new_host:
                shortener = link.registrable_domain in k.shorteners or host in k.shorteners
                if shortener:
                    flag("LINK_SHORTENER", host, link)
                # A known shortener's own name (bit.ly, cutt.ly) says "shortener", already counted, not "a domain
                # registered where names are cheap": counting both made the shorteners' home pages suspicious.
                if not shortener:
                    suffix = public_suffix_list().publicsuffix(host) or ""
                    if suffix and suffix.rsplit(".", 1)[-1] in k.suspicious_tlds or suffix in k.suspicious_tlds:
                        flag("LINK_SUSPICIOUS_TLD", "." + suffix, link)
            if link.obfuscated:
                flag("LINK_OBFUSCATED", url[:80], link)
            if new_host and on_free_hosting(host, k.free_subdomain_hosts):
                flag("LINK_FREE_HOSTING", host, link)
            for brand, profile_id in brands:
                if len(brand_hits) < _MAX_OBSERVED:
                    brand_hits.append((link, brand, profile_id))
            if host and len(lookalikes) < _MAX_OBSERVED and not ip_host:
                typed = _typed_host(link, authority)
                if typed not in resemblance_checked:  # a host that imitates nothing is asked about once too
                    resemblance_checked.add(typed)
                    found = resemblance(typed, k.profiles)
                    if found is not None:
                        lookalikes[typed] = (link, found)
            if (
                claim is not None
                and link.source is not LinkSource.HTML_IMAGE  # pixels and logos: BRAND_IMAGE_FOREIGN_HOST's job
                # A web page's own anchors (social networks, partners) say little; its address and forms do.
                and not (msg.kind is Kind.WEBPAGE and link.source is LinkSource.HTML_ANCHOR)
                and not claim.profile.is_official_domain(link.registrable_domain)
                and not ("." + link.registrable_domain).endswith(_STATE_SUFFIX)
            ):
                not_official.append(link)

        for link, brand, profile_id in brand_hits:
            profile = k.profile(profile_id)
            yield Evidence(
                self.id,
                "LINK_BRAND_IN_DOMAIN",
                observed=(_shown_host(link),),
                location=link.location,
                params={"brand": brand, "organisation": profile.name(ctx.lang)},
            )
        for typed, (link, found) in lookalikes.items():
            yield Evidence(
                self.id,
                "LINK_LOOKALIKE_DOMAIN",
                observed=(typed,),
                location=link.location,
                params={
                    "official": found.official,
                    "how": found.how,
                    "technique": found.technique,
                    "organisation": k.profile(found.profile_id).name(ctx.lang),
                },
            )
        clickable = [lk for lk in msg.links if lk.source is not LinkSource.HTML_IMAGE]
        if claim is not None:
            official = ", ".join(sorted(claim.profile.domains))
            if not_official:
                domains = tuple(dict.fromkeys(lk.unicode_host or lk.registrable_domain for lk in not_official))
                yield Evidence(
                    self.id,
                    "LINK_NOT_OFFICIAL",
                    observed=domains[:_MAX_OBSERVED],
                    location=not_official[0].location,
                    params={"official": official},
                )
            elif clickable and all(claim.profile.is_official_domain(lk.registrable_domain) for lk in clickable):
                yield Evidence(
                    self.id,
                    "LINKS_ALL_OFFICIAL",
                    observed=tuple(dict.fromkeys(lk.host for lk in clickable))[:_MAX_OBSERVED],
                    location=clickable[0].location,
                )
        yield from flags.evidence()
