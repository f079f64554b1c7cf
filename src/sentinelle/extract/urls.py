"""Finding links in plain text, including bare domains and the obfuscations scammers use.

SMS scams rarely write ``https://``: "mettez à jour via sante-infos.net/index.php" or "ameli-vital.fr" are
links to a reader and to a phone, which turns them into links. So the finder accepts:

* URLs with a scheme (``http``, ``https``, also defanged ``hxxp``/``hxxps``) or starting with ``www.``;
* bare domains whose ending is a real public suffix (``cpam-dossier.fr``), never ``M.Dupont`` or ``1.99``;
* defanged dots: ``example[.]com``, ``example(.)com``, ``example[dot]com``.

The scan splits on white space (linear, no regular expression backtracking) and every link goes through
``make_link``, which normalises the host (IDNA, lower case, trailing dot) and finds its registrable domain
with the bundled public suffix list, offline.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from urllib.parse import urlsplit

import idna
from publicsuffixlist import PublicSuffixList

from ..model import Link, LinkSource
from .netloc import hostname_of, http_netloc
from .redirects import unwrap
from .suffixes import SuffixList

_STRIP = "()[]{}<>«»\"'`,;:!?.…*|"
_DEFANG = (("[.]", "."), ("(.)", "."), ("{.}", "."), ("[dot]", "."), ("(dot)", "."), ("[:]", ":"), ("[://]", "://"))
_DEFANG_MAP = dict(_DEFANG)
_DEFANG_RE = re.compile("|".join(re.escape(bad) for bad, _ in _DEFANG), re.IGNORECASE)  # literals: linear
_SCHEMES = ("http://", "https://", "hxxp://", "hxxps://", "ftp://", "data:")


@cache
def public_suffix_list() -> SuffixList:
    """The public suffix list bundled with ``publicsuffixlist`` (no download), strict about unknown TLDs.

    Answered by ``suffixes.SuffixList`` (the same rules and answers, a few dictionary probes per name)."""
    return SuffixList.from_publicsuffixlist(PublicSuffixList(accept_unknown=False))


@dataclass(frozen=True, slots=True)
class UrlParts:
    host: str
    unicode_host: str | None
    registrable_domain: str
    has_userinfo: bool


def normalise_host(host: str) -> tuple[str, str | None]:
    """Lower-case ASCII host and its Unicode form when it is an internationalised name."""
    host = host.strip().rstrip(".").lower()
    if not host.isascii():
        unicode_host = host
        try:
            host = idna.encode(host, uts46=True).decode("ascii")
        except idna.IDNAError:
            host = host.encode("punycode").decode("ascii")  # keep something comparable, flagged as punycode
            return "xn--" + host, unicode_host
        return host, unicode_host
    if "xn--" in host:
        try:
            return host, idna.decode(host)
        except idna.IDNAError:
            return host, None
    return host, None


def is_ip_host(host: str) -> bool:
    """IPv4/IPv6 literals, and the integer or hex forms browsers accept (``http://3232235777/``)."""
    h = host.strip("[]")
    if ":" not in h and not h[-1:].isdigit() and not h.startswith("0x"):
        return False  # a name ending in a letter: skip the costly failed parse below
    try:
        ipaddress.ip_address(h)
        return True
    except ValueError:
        pass
    if h.isdigit() and len(h) <= 10:
        return True
    return h.startswith("0x") and all(c in "0123456789abcdefx." for c in h)


def split_url(url: str) -> UrlParts | None:
    """Host, registrable domain and user-info flag of a URL, or ``None`` if it has no usable host."""
    found = _split(url)
    return None if found is None else UrlParts(*found)


@lru_cache(maxsize=4096)  # the same URLs recur in a message's text and HTML versions, and across a campaign
def _split(url: str) -> tuple[str, str | None, str, bool] | None:
    """``split_url``'s answer as a plain tuple: ``make_link`` reads it for every link (no object to build)."""
    if "://" not in url[:12]:
        url = "http://" + url
    netloc = http_netloc(url)
    if netloc is not None:
        hostname: str | None = hostname_of(netloc)  # normalise_host lowers it, as urlsplit's hostname would
    else:
        try:
            parts = urlsplit(url)  # another scheme, an IPv6 literal, a non-ASCII name...
            netloc = parts.netloc
            hostname = parts.hostname
        except ValueError:
            return None
    if not hostname:
        return None
    named = _host_parts(hostname)
    if named is None:
        return None
    return (*named, "@" in netloc)


@lru_cache(maxsize=1024)  # a message's links share a few hosts: its images, its click tracker, its own site
def _host_parts(hostname: str) -> tuple[str, str | None, str] | None:
    """Normalised host, its Unicode form and its registrable domain; ``None`` for a name that is no web site."""
    host, unicode_host = normalise_host(hostname)
    if not host:
        return None
    if is_ip_host(host):
        return host, unicode_host, host
    found = public_suffix_list().privatesuffix(host)
    if found is None and "." not in host:  # "top" (from href="top"), "localhost": not a site on the web
        return None
    return host, unicode_host, found or host  # an unknown ending ("example.test") stays comparable as a whole


def make_link(
    url: str,
    source: LinkSource,
    *,
    displayed_text: str | None = None,
    obfuscated: bool = False,
    scheme_present: bool = True,
    location: str | None = None,
) -> Link | None:
    """Build a ``Link`` from a URL string, or ``None`` if no host can be read from it."""
    if url[:5].lower() == "data:":
        return Link(
            url=url[:200],
            host="",
            registrable_domain="",
            source=source,
            displayed_text=displayed_text,
            location=location,
        )
    url, wrapped_by = unwrap(url)
    parts = _split(url)
    if parts is None:
        return None
    host, unicode_host, registrable_domain, _ = parts
    return Link(
        url=url,
        host=host,
        registrable_domain=registrable_domain,
        source=source,
        displayed_text=displayed_text,
        unicode_host=unicode_host,
        obfuscated=obfuscated,
        scheme_present=scheme_present,
        location=location,
        wrapped_by=wrapped_by,
    )


def _defang(token: str) -> tuple[str, bool]:
    # One pass: rebuilding the token at each "[.]" was quadratic ("a[.]" * 100_000 took seconds).
    original = token
    if token[:4].lower() == "hxxp":
        token = "http" + token[4:]
    if "[" in token or "(" in token or "{" in token:
        token = _DEFANG_RE.sub(lambda m: _DEFANG_MAP[m.group(0).lower()], token)
    return token, token != original


def _looks_like_bare_domain(token: str) -> bool:
    host = token.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    if "@" in host or "." not in host or host.startswith(".") or ".." in host:
        return False
    if ":" in host:  # host:port is fine, anything else is not a domain
        host, _, port = host.partition(":")
        if not port.isdigit():
            return False
    tld = host.rsplit(".", 1)[-1]
    if not tld.isalpha() and not tld.startswith("xn--"):
        return False
    if not host.replace(".", "").replace("-", "").replace("_", "").isalnum():
        return False  # "+.bt", "a$b.de": not a host name (random bytes are full of such tokens)
    psl = public_suffix_list()
    try:
        ascii_host = normalise_host(host)[0]
    except (UnicodeError, ValueError):
        return False
    return psl.privatesuffix(ascii_host) is not None


def find_links(text: str, *, limit: int, location_prefix: str = "body") -> tuple[list[Link], int]:
    """Links written in ``text``, at most ``limit``; also returns how many were seen in all."""
    links: list[Link] = []
    seen = 0
    for line_no, line in enumerate(text.split("\n"), start=1):
        if "." not in line and ":" not in line and "[" not in line and "(" not in line:
            continue
        for raw in line.split():
            if "." not in raw and "[" not in raw and "(" not in raw and ":" not in raw:
                continue  # fast path for ordinary words: cannot pass the test below
            token = raw.strip(_STRIP)
            if len(token) < 4:
                continue
            if "." not in token:
                # Without a dot, only a defanged one ("[dot]") or a scheme (each has a ":") makes a link; a link
                # with a scheme may have a dotless host: http://3232235777/ is an IP address. The common
                # "fin." (stripped) has none of "])": and needs no lower-casing to be dropped.
                if "]" not in token and ")" not in token and ":" not in token:
                    continue
                lower = token.lower()
                if "dot]" not in lower and "dot)" not in lower and not lower.startswith(_SCHEMES):
                    continue
            token, obfuscated = _defang(token)
            lower = token.lower()
            scheme_present = lower.startswith(_SCHEMES)
            if not scheme_present:
                if "@" in token.split("/", 1)[0]:
                    continue  # an e-mail address, not a link
                if not (lower.startswith("www.") or _looks_like_bare_domain(token)):
                    continue
            seen += 1
            if len(links) >= limit:
                continue
            link = make_link(
                token,
                LinkSource.TEXT,
                obfuscated=obfuscated,
                scheme_present=scheme_present,
                location=f"{location_prefix}:l.{line_no}",
            )
            if link is not None:
                links.append(link)
    return links, seen
