"""Unwrapping link wrappers (SafeLinks, Proofpoint, Google...) so that the real target is judged.

A gateway rewrites ``https://www.ameli.fr`` as ``https://eur01.safelinks.protection.outlook.com/?url=...``;
judging the wrapper would call every protected genuine mail a phishing attempt. The wrappers are data
(``data/redirect_wrappers.toml``); unwrapping never fetches anything, it only decodes the URL.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from urllib.parse import parse_qs, unquote, urlsplit

from .netloc import hostname_of, http_netloc

_MAX_DEPTH = 3


@dataclass(frozen=True, slots=True)
class Wrapper:
    name: str
    host_suffix: str
    path_prefix: str
    decoder: str
    params: tuple[str, ...]

    def matches(self, host: str, path: str) -> bool:
        suffix = self.host_suffix
        return (host == suffix or host.endswith("." + suffix)) and path.startswith(self.path_prefix)


@cache
def wrappers() -> tuple[Wrapper, ...]:
    raw = resources.files("sentinelle").joinpath("data", "redirect_wrappers.toml").read_text("utf-8")
    return tuple(
        Wrapper(w["name"], w["host_suffix"], w.get("path_prefix", ""), w["decoder"], tuple(w.get("params", [])))
        for w in tomllib.loads(raw)["wrappers"]
    )


@cache
def _wrapper_suffixes() -> tuple[frozenset[str], tuple[str, ...]]:
    return frozenset(w.host_suffix for w in wrappers()), tuple("." + w.host_suffix for w in wrappers())


def _wrapper_host(host: str) -> bool:
    """True when some wrapper's host matches ``host`` (``Wrapper.matches`` without the path test)."""
    names, endings = _wrapper_suffixes()
    return host in names or host.endswith(endings)


def _decode(wrapper: Wrapper, url: str, query: str, path: str) -> str | None:
    if wrapper.decoder == "query":
        values = parse_qs(query)
        for name in wrapper.params:
            if values.get(name):
                return values[name][0]
        return None
    if wrapper.decoder == "proofpoint_v2":
        values = parse_qs(query)
        if not values.get("u"):
            return None
        return unquote(values["u"][0].replace("-", "%").replace("_", "/"))
    if wrapper.decoder == "proofpoint_v3":
        start = url.find("/v3/__")
        end = url.find("__;", start + 6)
        if start == -1 or end == -1:
            return None
        return url[start + 6 : end]
    return None


def unwrap(url: str) -> tuple[str, str | None]:
    """The real target of a wrapped link and the wrapper's name (``None`` when the link is not wrapped)."""
    if "?" not in url and "/v3/__" not in url:
        return url, None  # fast path: every decoder (``_decode``) reads the query or a Proofpoint v3 path
    return _unwrap(url)


@lru_cache(maxsize=4096)  # a tracked link recurs in a message's text and HTML versions, and across a campaign
def _unwrap(url: str) -> tuple[str, str | None]:
    via: str | None = None
    for _ in range(_MAX_DEPTH):
        netloc = http_netloc(url)
        if netloc is not None and not _wrapper_host(hostname_of(netloc).lower()):
            break  # the common case, an ordinary link: no need to split the whole URL
        try:
            parts = urlsplit(url)
            host = (parts.hostname or "").lower()
        except ValueError:
            break
        wrapper = next((w for w in wrappers() if w.matches(host, parts.path)), None)
        if wrapper is None:
            break
        target = _decode(wrapper, url, parts.query, parts.path)
        if not target or "://" not in target[:12]:
            break
        url, via = target, wrapper.name
    return url, via
