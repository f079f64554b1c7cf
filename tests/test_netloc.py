"""The fast reading of a URL's network location gives exactly what ``urllib.parse.urlsplit`` gives.

``extract.netloc.http_netloc`` replaces ``urlsplit`` for ordinary web links in ``split_url`` and in the
unwrapping of redirect wrappers; these properties compare both, and the two callers with their reference
versions (the code before the fast path), on generated URLs rich in the characters that matter: delimiters,
brackets, user info, ports, blanks that urlsplit removes, percent signs, upper case and non-ASCII letters
(some of which NFKC turns into delimiters).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from hypothesis import given, settings
from hypothesis import strategies as st

from sentinelle.extract import redirects
from sentinelle.extract.netloc import hostname_of, http_netloc
from sentinelle.extract.urls import UrlParts, is_ip_host, normalise_host, public_suffix_list, split_url

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
    assert split_url.__wrapped__(url) == _reference_split_url(url)


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
