"""The network location of an ordinary web URL, read without ``urllib.parse.urlsplit`` when that is safe.

Nearly every link of a message is a plain ``http(s)://`` ASCII URL, and link extraction only needs its network
location (host, user info) — ``urlsplit`` builds all five parts, strips and scans for characters such a URL
does not have, and accounts for about a fifth of the link stage's instructions. ``http_netloc`` gives exactly
what ``urlsplit(url).netloc`` gives for that common shape, and ``None`` for anything else (another scheme,
leading blanks, tabs or line breaks, brackets of an IPv6 literal, non-ASCII characters), so the caller asks
``urlsplit`` for the rest: the odd input keeps its reference behaviour, its ``ValueError`` included.
``tests/test_netloc.py`` checks the equality on generated URLs.
"""

from __future__ import annotations


def http_netloc(url: str) -> str | None:
    """``urlsplit(url).netloc`` of an ``http://`` or ``https://`` URL with a plain ASCII authority; else ``None``."""
    head = url[:8].lower()
    if head.startswith("http://"):
        start = 7
    elif head == "https://":
        start = 8
    else:
        return None
    if "\t" in url or "\r" in url or "\n" in url:
        return None  # urlsplit removes them anywhere in the URL, which can join two parts
    # the authority ends at the first "/", "?" or "#" (urllib.parse._splitnetloc)
    end = len(url)
    for delimiter in "/?#":
        found = url.find(delimiter, start, end)
        if found >= 0:
            end = found
    netloc = url[start:end]
    if "[" in netloc or "]" in netloc or not netloc.isascii():
        return None  # an IPv6 literal or a malformed one; a non-ASCII name urlsplit checks under NFKC
    return netloc


def hostname_of(netloc: str) -> str:
    """The host part of a bracket-free network location, case kept (``urlsplit``'s ``hostname`` lowers it)."""
    return netloc.rpartition("@")[2].partition(":")[0]
