"""Is an organisation's brand hidden in a domain name? A first lookalike check (the full engine is later).

``ameli-remboursement.com``, ``amelicartevitale.fr``, ``ameli.fr.secure-login.xyz``: a brand word of a
profile inside a domain that the profile does not own. Labels are folded (homoglyphs and accents undone),
split on hyphens and digits, and each piece must split entirely into known words (``data/keywords.toml``
``domain_words``) with at least one brand token, so that ``amelie-fleurs.fr`` (a first name) does not match
``ameli``. Weak brand words (``vitale``, ``sante``) count only in pairs: ``energie-vitale.fr`` is a
wellness shop, ``infosante-vitale.com`` a scam.
"""

from __future__ import annotations

from functools import lru_cache

from .extract.urls import public_suffix_list
from .profiles import Profile
from .textnorm import fold


def _segment(piece: str, vocabulary: frozenset[str], max_word: int) -> list[str] | None:
    """Split ``piece`` into vocabulary words (fewest words), or None. Dynamic programming, O(n * max_word)."""
    n = len(piece)
    if n > 63:
        return None
    best: list[list[str] | None] = [None] * (n + 1)
    best[0] = []
    for end in range(1, n + 1):
        for start in range(max(0, end - max_word), end):
            prefix = best[start]
            if prefix is not None and piece[start:end] in vocabulary:
                candidate = [*prefix, piece[start:end]]
                current = best[end]
                if current is None or len(candidate) < len(current):
                    best[end] = candidate
    return best[n]


def _pieces(host: str) -> list[str]:
    """Folded words of the host's labels, without the public suffix: ``ameli.fr.x-y.com`` -> ameli, fr, x, y."""
    suffix = public_suffix_list().publicsuffix(host) or ""
    name = host[: -len(suffix) - 1] if suffix and host.endswith("." + suffix) else host
    folded = fold(name)
    out: list[str] = []
    for label in folded.split("."):
        word = ""
        for ch in label:
            if ch.isalpha():
                word += ch
            else:
                if word:
                    out.append(word)
                word = ""
        if word:
            out.append(word)
    return out


@lru_cache(maxsize=4096)
def _brand_words(
    host: str, strong: frozenset[str], weak: frozenset[str], context: frozenset[str], words: frozenset[str]
) -> tuple[str, ...]:
    vocabulary = strong | weak | context | words
    max_word = max(len(w) for w in vocabulary)
    found: list[str] = []
    for piece in _pieces(host):
        segments = [piece] if piece in vocabulary else _segment(piece, vocabulary, max_word)
        if segments is None:
            continue
        found.extend(s for s in segments if s in strong or s in weak or s in context)
    return tuple(found)


def brand_in_host(host: str, profile: Profile, domain_words: frozenset[str]) -> str | None:
    """The brand word of ``profile`` hidden in ``host`` (a Unicode or ASCII host), or None."""
    strong = frozenset(profile.brand_tokens)
    weak = frozenset(profile.brand_weak_tokens)
    found = _brand_words(host, strong, weak, frozenset(profile.brand_context_words), domain_words)
    strong_found = [w for w in found if w in strong]
    if strong_found:
        return strong_found[0]
    distinct = list(dict.fromkeys(found))
    if len(distinct) >= 2 and any(w in weak for w in distinct):
        return "-".join(distinct)
    return None
