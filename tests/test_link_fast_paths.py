"""The link stage's fast paths give exactly what the reference code gives.

``extract.netloc.http_netloc`` replaces ``urlsplit`` for ordinary web links in ``split_url`` and in the
unwrapping of redirect wrappers; these properties compare both, and the two callers with their reference
versions (the code before the fast path), on generated URLs rich in the characters that matter: delimiters,
brackets, user info, ports, blanks that urlsplit removes, percent signs, upper case and non-ASCII letters
(some of which NFKC turns into delimiters). ``find_links`` (its cheaper token filter) is compared with the
reference scan on generated texts.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from hypothesis import given, settings
from hypothesis import strategies as st

from sentinelle.extract import redirects
from sentinelle.extract.netloc import hostname_of, http_netloc
from sentinelle.extract.urls import (
    _SCHEMES,
    _STRIP,
    UrlParts,
    _defang,
    _looks_like_bare_domain,
    _split,
    find_links,
    is_ip_host,
    make_link,
    normalise_host,
    public_suffix_list,
    split_url,
)
from sentinelle.model import Link, LinkSource

_PIECES = ["http", "https", "HTTP", "hTtPs", "ftp", "www.", "://", ":", "/", "//", "?", "#", "@", "[", "]", "%",
           ".", "..", "-", "_", " ", "\t", "\n", "\r", "\x00", "\x1f", "8080", "::1", "127.0.0.1", "0x7f",
           "ameli.fr", "AMELI.FR", "exemple.com", "co.uk", "xn--mli-9oa.fr", "é", "İ", "ß", "\u2100", "\uff0f",
           "\u2488", "a", "Z", "9", "user:pw", "safelinks.protection.outlook.com", "?url=", "google.com/url?q=",
           "https%3A%2F%2Fameli.fr", "/v3/__https://x.fr__;", "urldefense.com", "localhost", "top"]
_PREFIXES = ["", "http://", "https://", "HTTPS://", " http://", "http:/", "https:", "http://[", "http://a@"]

urls = st.builds(lambda prefix, pieces: prefix + "".join(pieces), st.sampled_from(_PREFIXES),
                 st.lists(st.sampled_from(_PIECES) | st.text(max_size=3), max_size=12))


def _reference_split_url(url: str) -> UrlParts | None:
    """``split_url`` as it was before the fast path: urlsplit for every URL."""
    try:
        parts = urlsplit(url if "://" in url[:12] else "http://" + url)
        netloc = parts.netloc
        hostname = parts.hostname
    except ValueError:
        return None
    if not hostname:
        return None
    host, unicode_host = normalise_host(hostname)
    if not host:
        return None
    if is_ip_host(host):
        registrable = host
    else:
        found = public_suffix_list().privatesuffix(host)
        if found is None and "." not in host:
            return None
        registrable = found or host
    return UrlParts(host, unicode_host, registrable, "@" in netloc)


def _reference_unwrap(url: str) -> tuple[str, str | None]:
    """``redirects._unwrap`` as it was before the fast path."""
    via: str | None = None
    for _ in range(redirects._MAX_DEPTH):
        try:
            parts = urlsplit(url)
            host = (parts.hostname or "").lower()
        except ValueError:
            break
        wrapper = next((w for w in redirects.wrappers() if w.matches(host, parts.path)), None)
        if wrapper is None:
            break
        target = redirects._decode(wrapper, url, parts.query, parts.path)
        if not target or "://" not in target[:12]:
            break
        url, via = target, wrapper.name
    return url, via


@settings(max_examples=2000, deadline=None)
@given(urls)
def test_http_netloc_is_urlsplit_netloc(url: str) -> None:
    netloc = http_netloc(url)
    if netloc is None:
        return  # the caller asks urlsplit
    parts = urlsplit(url)  # must not raise where the fast path answered
    assert netloc == parts.netloc
    # urlsplit lowers the host only up to a "%" (an IPv6 zone); both callers lower it all
    assert hostname_of(netloc).lower() == (parts.hostname or "").lower()


@settings(max_examples=2000, deadline=None)
@given(urls)
def test_split_url_matches_reference(url: str) -> None:
    reference = _reference_split_url(url)
    found = _split.__wrapped__(url)  # uncached: the computation itself
    assert (None if found is None else UrlParts(*found)) == reference
    assert split_url(url) == reference


@settings(max_examples=2000, deadline=None)
@given(urls)
def test_unwrap_matches_reference(url: str) -> None:
    assert redirects._unwrap.__wrapped__(url) == _reference_unwrap(url)


def test_fast_path_taken_for_ordinary_links_only() -> None:
    assert http_netloc("https://user@www.Ameli.fr:443/path?q=1#f") == "user@www.Ameli.fr:443"
    assert http_netloc("HTTP://exemple.com") == "exemple.com"
    assert http_netloc("http://exemple.com#x/y") == "exemple.com"
    for odd in ("ftp://exemple.com", " http://exemple.com", "http://[::1]/", "http://ex\tample.com/",
                "http://amélie.fr/", "http://a\u2100b.fr/", "exemple.com"):
        assert http_netloc(odd) is None, odd


def test_wrapped_links_still_unwrapped() -> None:
    wrapped = "https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fameli-rembourse.com%2Fx&data=1"
    assert redirects.unwrap(wrapped) == ("https://ameli-rembourse.com/x", "Microsoft Defender SafeLinks")
    assert redirects.unwrap("https://www.google.com/url?q=https://evil.example.com/&sa=D")[0] == (
        "https://evil.example.com/")
    assert redirects.unwrap("https://www.ameli.fr/?q=1") == ("https://www.ameli.fr/?q=1", None)


_WORDS = ["fin.", "Bonjour", "M.Dupont", "1.99", "ameli.fr", "AMELI.FR.", "www.ameli.fr", "hxxps://evil.fr/x",
          "exemple[.]com", "exemple(dot)com", "exemple[DOT]com", "http://3232235777/", "data:text/html,x",
          "jean@ameli.fr", "(voir", "ici:", "[1]", "a)", "x.y", "cpam-dossier.fr/index.php", "https://a.b/c?d=e",
          "«ameli.fr»", "…", "sante-infos.net", "ftp://x", "HTTP://", "İ.fr", "dot]", "a:b", "(.)", "x[:]y"]
texts = st.lists(st.sampled_from(_WORDS) | st.sampled_from([" ", "\n", "\xa0", "\u2028", "\t"]) | st.text(max_size=4),
                 max_size=30).map("".join)


def _reference_find_links(text: str, *, limit: int, location_prefix: str = "body") -> tuple[list[Link], int]:
    """``find_links`` as it was before its cheaper token filter."""
    links: list[Link] = []
    seen = 0
    for line_no, line in enumerate(text.split("\n"), start=1):
        for raw in line.split():
            token = raw.strip(_STRIP)
            lower = token.lower()
            if len(token) < 4 or (
                "." not in token and "dot]" not in lower and "dot)" not in lower and not lower.startswith(_SCHEMES)
            ):
                continue
            token, obfuscated = _defang(token)
            lower = token.lower()
            scheme_present = lower.startswith(_SCHEMES)
            if not scheme_present:
                if "@" in token.split("/", 1)[0]:
                    continue
                if not (lower.startswith("www.") or _looks_like_bare_domain(token)):
                    continue
            seen += 1
            if len(links) >= limit:
                continue
            link = make_link(token, LinkSource.TEXT, obfuscated=obfuscated, scheme_present=scheme_present,
                             location=f"{location_prefix}:l.{line_no}")
            if link is not None:
                links.append(link)
    return links, seen


@settings(max_examples=1500, deadline=None)
@given(texts, st.integers(min_value=0, max_value=4))
def test_find_links_matches_reference(text: str, limit: int) -> None:
    assert find_links(text, limit=limit, location_prefix="part1") == _reference_find_links(
        text, limit=limit, location_prefix="part1")
