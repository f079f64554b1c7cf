"""Is an organisation's brand hidden in a domain name? A first lookalike check (the full engine is later).

``ameli-remboursement.com``, ``amelicartevitale.fr``, ``ameli.fr.secure-login.xyz``: a brand word of a
profile inside a domain that the profile does not own. Labels are folded (homoglyphs and accents undone),
split on hyphens and digits, and each piece must split entirely into known words (``data/keywords.toml``
``domain_words``) with at least one brand token, so that ``amelie-fleurs.fr`` (a first name) does not match
``ameli``. Weak brand words (``vitale``, ``amelie``) count only beside another word of the scam vocabulary:
``energie-vitale.fr`` is a wellness shop, ``infosante-vitale.com`` and ``serviceamelie.fr`` are scams.
"""

from __future__ import annotations

from functools import lru_cache

from .extract.urls import public_suffix_list
from .profiles import Profile
from .textnorm import fold

# Host words that say nothing about the brand: "www.amelie-fleurs.fr" is still a flower shop.
_NEUTRAL = frozenset({"www", "fr", "com", "net", "en", "la", "le"})


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
        found.extend(segments)
    return tuple(found)


def brand_in_host(host: str, profile: Profile, domain_words: frozenset[str]) -> str | None:
    """The brand word of ``profile`` hidden in ``host`` (a Unicode or ASCII host), or None."""
    strong = frozenset(profile.brand_tokens)
    weak = frozenset(profile.brand_weak_tokens)
    found = _brand_words(host, strong, weak, frozenset(profile.brand_context_words), domain_words)
    strong_found = [w for w in found if w in strong]
    if strong_found:
        return strong_found[0]
    # A weak brand word counts beside any other scam-vocabulary word of the host: "renouvellement-vitale",
    # "amelie-service" carry the brand; "energie-vitale", "amelie-scott" do not (their other word is unknown).
    distinct = [w for w in dict.fromkeys(found) if w not in _NEUTRAL]
    weak_found = [w for w in distinct if w in weak]
    if weak_found and len(distinct) >= 2:
        return "-".join(distinct[:3])
    return None
