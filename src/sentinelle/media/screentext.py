"""OCR lines of a phone screenshot -> the message text, its sender line, and what was read with doubt.

A phone breaks a long address over several lines (``https://ameli-`` / ``servicepublique.com/Info``,
``https://`` / ``bit.ly/xyz``, ``http://service-client-orange`` / ``.com/?page=``), and OCR adds its own
mistakes where characters look alike (``bit.1y``, ``Dit.|y``, ``https:/``). This module:

* **rejoins** an address cut by the phone: a line whose last word is an unfinished address (ending with
  ``://``, ``-``, ``/``, ``.``, ``?``...), or that the next line continues (starting with ``.``, ``/``,
  ``-``...), or a fragment after "via :" / "sur :" followed by a domain;
* **repairs** what OCR predictably breaks in an address, and records each repair as an anomaly: a broken
  scheme, ``|`` or a capital ``I`` inside a lower-case host (the phone's font draws ``l`` and ``I`` alike;
  the person reads ``l``), a top-level domain that exists only after undoing a look-alike digit
  (``bit.1y`` -> ``bit.ly``), a lost dot before the ending (``amendes-pvcom`` -> ``amendes-pv.com``),
  and a host one character away from a well-known URL shortener (``dit.ly`` -> ``bit.ly``; only towards a
  shortener, which can only add suspicion, never towards an official domain);
* **says what is uncertain**: addresses read with low confidence, and the code of a short link
  (``bit.ly/3xAmEl1``), which is case-sensitive and full of ``l``/``I``/``1`` that a picture cannot tell
  apart: the domain is judged, the exact address cannot be;
* **unwraps sentences**: lines of one paragraph become one line (the phone wrapped them, not the author),
  so that "ASSURANCE" / "MALADIE :" reads as the name it is;
* **finds the sender** when the screenshot shows it: a number or short code in the conversation header,
  or "Échange de SMS/MMS avec 07 ...".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from ..extract.phones import normalise_number
from ..extract.urls import public_suffix_list
from ..model import Anomaly
from ..textnorm import fold
from .ocr import Line

LOW_CONFIDENCE = 75.0  # Tesseract word confidence under which a link is reported as uncertain
_JUNK_CONFIDENCE = 40.0  # lines under this mean confidence, with no address or number, are screen furniture
_HEADER_SHARE = 0.3  # the conversation header (sender) is in the top part of the screen
_HEADER_LINES = 8
_UNFINISHED = ("-", "/", ".", "_", "?", "=", "&", "%", "#", "~", ":")
_CONTINUATION = (".", "/", "-", "?", "_", "=", "&", "#")
_SCHEME = re.compile(r"^(h[a-z]{2,4})[:;.,]?/{1,2}", re.IGNORECASE)
_SCHEME_ONLY = re.compile(r"^h[a-z]{2,4}[:;.,]?/{0,2}$", re.IGNORECASE)
_LEAD_IN = frozenset({":", "via", "sur", "sur:", "via:", "ici:", "ici", "->", "-->", ":-->", "lien"})
_PHONE = re.compile(r"(?:\+\s?\d[\d .]{7,16}\d|\b0\d(?:[ .]?\d\d){4}\b)")
_CLOCK = re.compile(r"\d:\d\d")
_SHORT_CODE = re.compile(r"^\d{4,6}$")
_WITH_NUMBER = re.compile(r"\bavec\s+(\+?[\d][\d .]{7,18}\d)", re.IGNORECASE)
_KNOWN_ENDINGS = (
    "com",
    "fr",
    "net",
    "org",
    "info",
    "xyz",
    "me",
    "io",
    "co",
    "eu",
    "be",
    "ru",
    "link",
    "online",
    "site",
)
# Characters OCR swaps inside an address, and what a phone's font most likely showed.
_TLD_REPAIRS = (("1", "l"), ("I", "l"), ("|", "l"), ("0", "o"), ("5", "s"), ("rn", "m"))
_AMBIGUOUS = frozenset("lI1|")
_MAX_REPORTED = 5


@dataclass(slots=True)
class Token:
    """A word of the output text with the lowest OCR confidence of the words it was built from."""

    text: str
    confidence: float


@dataclass(slots=True)
class ScreenText:
    """What the screenshot says, as text for the engine."""

    text: str
    sender: str | None = None
    anomalies: list[Anomaly] = field(default_factory=list)
    links_read: list[str] = field(default_factory=list)  # addresses as finally read (for benchmarks and tests)


@cache
def shorteners() -> frozenset[str]:
    """The URL shortener list shipped with the package (the same list the link detector uses)."""
    raw = resources.files("sentinelle.data").joinpath("lists/url_shorteners.txt").read_text("utf-8")
    return frozenset(line.strip().lower() for line in raw.splitlines() if line.strip() and not line.startswith("#"))


def _host_part(token: str) -> tuple[str, str, str]:
    """``(scheme, host, rest)`` of an address-like token (``scheme`` may be empty)."""
    match = _SCHEME.match(token)
    scheme, body = ("", token) if match is None else (match.group(0), token[match.end() :])
    cut = len(body)
    for sep in "/?#":
        pos = body.find(sep)
        if pos >= 0:
            cut = min(cut, pos)
    return scheme, body[:cut], body[cut:]


def _known_suffix(host: str) -> bool:
    """True when the host ends with a real public suffix and has a name before it."""
    host = host.lower().strip(".")
    if "." not in host or not host.isascii():
        return False
    try:
        return public_suffix_list().privatesuffix(host) is not None
    except (UnicodeError, ValueError):
        return False


def is_address(token: str) -> bool:
    """An address as a phone would make it clickable: a scheme, ``www.``, or a host with a real ending."""
    stripped = token.strip("()[]<>«»\"',;!")
    if _SCHEME.match(stripped) or stripped.lower().startswith("www."):
        return True
    host = _host_part(stripped)[1]
    return _known_suffix(host)


def _is_code(token: str) -> bool:
    """A short-link code or path piece on its own line (``TLNL2B5P7VEuTAR7MANQ6cuL0k``): not a word."""
    if len(token) < 6 or not token.isalnum():
        return False
    has_digit = any(ch.isdigit() for ch in token)
    mixed = any(ch.isupper() for ch in token[1:]) and any(ch.islower() for ch in token)
    return has_digit or mixed


def _is_symbol(text: str) -> bool:
    """A token with no letter or digit, or a lone letter-like glyph such as "|": an icon, not a word."""
    return not any(ch.isalnum() for ch in text) or text in ("|", "l", "I", "Q", "G", "©", "®")


def _joins(previous: list[Token], line: list[Token], new_paragraph: bool) -> bool:
    """Whether the first word of ``line`` continues the last word of ``previous`` (an address cut by the phone)."""
    if not previous or not line:
        return False
    prev, nxt = previous[-1].text, line[0].text
    if _SCHEME_ONLY.match(prev) or prev.endswith("://"):
        return nxt[:1].isalnum()
    if is_address(prev):
        unfinished = prev.endswith(_UNFINISHED) or nxt.startswith(_CONTINUATION)
        # A blank line inside an address happens when the picture's spacing misleads the OCR; only an
        # address with a scheme that is visibly unfinished is continued across it.
        if unfinished and (not new_paragraph or _SCHEME.match(prev)):
            return True
    if new_paragraph:
        return False
    if is_address(prev):
        # A lone code under an address with a path: the rest of a long short-link (``/t/?6qVt`` + ``TLNL2B5P``).
        return len(line) == 1 and bool(_host_part(prev)[2]) and _is_code(nxt)
    # "suivant : monespa" / "ce-secure.info": a fragment after a lead-in, completed by a domain.
    lead = previous[-2].text.lower() if len(previous) >= 2 else ""
    fragment = prev.replace("-", "").isalnum() and prev.isascii() and len(prev) >= 3
    return fragment and (lead in _LEAD_IN or lead.endswith(":")) and is_address(nxt) and not _SCHEME.match(nxt)


def _rejoin(lines: list[Line]) -> list[tuple[list[Token], bool]]:
    """Lines of tokens with cut addresses glued back, and whether each line starts a paragraph."""
    out: list[tuple[list[Token], bool]] = []
    for line in lines:
        tokens = [Token(w.text, w.confidence) for w in line.words]
        while len(tokens) > 1 and _is_symbol(tokens[0].text):
            tokens.pop(0)  # an icon read as "@", "©" or "(&)" before the text of the line
        if out and _joins(out[-1][0], tokens, line.paragraph_start):
            last = out[-1][0][-1]
            first = tokens.pop(0)
            last.text += first.text
            last.confidence = min(last.confidence, first.confidence)
            # The glued word may itself be unfinished: the rest of the line continues it only in the next
            # round (the line below), so here the remainder of this line simply follows.
            out[-1][0].extend(tokens)
            continue
        out.append((tokens, line.paragraph_start))
    return out


def _merge_split_endings(tokens: list[Token], notes: list[Anomaly]) -> list[Token]:
    """``https://service-public-amendes`` + ``fr``: a dot read as a space before the ending."""
    merged: list[Token] = []
    for token in tokens:
        if merged:
            prev = merged[-1]
            scheme, host, rest = _host_part(prev.text)
            ending = token.text.lstrip(".").rstrip(".,;:!/").lower()
            if scheme and "." not in host and not rest and ending in _KNOWN_ENDINGS:
                before = prev.text
                prev.text = f"{prev.text}.{ending}"
                prev.confidence = min(prev.confidence, token.confidence)
                notes.append(Anomaly("OCR_LINK_REPAIRED", {"read": f"{before} {token.text}", "judged": prev.text}))
                continue
        merged.append(token)
    return merged


def _repair(token: Token, notes: list[Anomaly]) -> None:
    """Undo OCR's predictable mistakes inside one address, recording each repair."""
    original = token.text
    text = original.strip("()[]<>«»\"',;!")
    match = _SCHEME.match(text)
    if match is not None:
        letters = match.group(1).lower()
        canonical = "https://" if letters.endswith("s") or len(letters) >= 5 else "http://"
        text = canonical + text[match.end() :]
    scheme, host, rest = _host_part(text)
    fixed = host.replace("|", "l")
    if any(ch.islower() for ch in fixed) and "I" in fixed:
        fixed = fixed.replace("I", "l")  # a capital I amid lower-case letters: the screen showed an l
    if "." not in fixed and scheme:
        fixed = _restore_dot(fixed)
    if not _known_suffix(fixed):
        fixed = _repair_ending(fixed)
    fixed = _snap_to_shortener(fixed.lower(), token.confidence) or fixed
    if fixed.lower() != host.lower() or (scheme and not original.startswith(scheme)):
        token.text = scheme + fixed + rest
        if fixed.lower() != host.lower():
            notes.append(Anomaly("OCR_LINK_REPAIRED", {"read": original[:120], "judged": token.text[:120]}))
    elif text != original:
        token.text = text


def _restore_dot(host: str) -> str:
    """``amendes-reglement-pvcom`` -> ``amendes-reglement-pv.com`` when the dot before a common ending was lost."""
    lower = host.lower()
    for ending in _KNOWN_ENDINGS:
        if lower.endswith(ending) and len(lower) > len(ending) + 2:
            candidate = f"{host[: -len(ending)]}.{host[-len(ending) :]}"
            if _known_suffix(candidate):
                return candidate
    return host


def _repair_ending(host: str) -> str:
    """``bit.1y`` -> ``bit.ly``: a look-alike character in the ending, when only the repaired ending exists."""
    if "." not in host:
        return host
    name, ending = host.rsplit(".", 1)
    for bad, good in _TLD_REPAIRS:
        if bad in ending:
            candidate = f"{name}.{ending.replace(bad, good)}"
            if _known_suffix(candidate):
                return candidate
    return host


def _snap_to_shortener(host: str, confidence: float) -> str | None:
    """A host one substituted character away from a URL shortener, read with doubt, is that shortener."""
    known = shorteners()
    if host in known or confidence >= 90 or len(host) > 12:
        return None
    for candidate in known:
        if len(candidate) == len(host) and sum(a != b for a, b in zip(candidate, host, strict=True)) == 1:
            return candidate
    return None


def _uncertainty(token: Token, notes: list[Anomaly]) -> None:
    """Say what cannot be trusted in an address: low confidence, or a short link's ambiguous code."""
    _, host, rest = _host_part(token.text)
    if token.confidence < LOW_CONFIDENCE:
        notes.append(
            Anomaly("OCR_LINK_LOW_CONFIDENCE", {"value": token.text[:120], "confidence": str(round(token.confidence))})
        )
    code = rest.lstrip("/")
    if host.lower() in shorteners() and any(ch in _AMBIGUOUS for ch in code):
        notes.append(Anomaly("OCR_SHORT_LINK_AMBIGUOUS", {"value": token.text[:120], "domain": host.lower()}))


def _is_junk(line: Line) -> bool:
    """Keyboards, icons and status bars read as letter soup: low confidence, no address, no number."""
    if line.confidence >= _JUNK_CONFIDENCE:
        letters = "".join(ch for ch in fold(line.text) if ch.isalpha())
        return any(row in letters for row in ("azertyuiop", "qsdfghjklm", "qwertyuiop", "asdfghjkl"))
    return not any(_maybe_address(w.text) for w in line.words) and not _PHONE.search(line.text)


def _maybe_address(token: str) -> bool:
    """An address, or something OCR may have garbled from one (``Dit.|y/=mx``): letters around a dot."""
    if is_address(token):
        return True
    if token[:1] in "./" and token[1:2].isalnum():
        return True  # the end of an address the phone wrapped (".com/?page=")
    head = token.split("/", 1)[0].replace("|", "l")
    return "." in head and head.split(".", 1)[0][-1:].isalnum() and head.rsplit(".", 1)[-1][:1].isalnum()


def find_sender(lines: list[Line], height: int) -> str | None:
    """The number or short code shown as the conversation's sender, when the screenshot shows one."""
    for line in lines:
        match = _WITH_NUMBER.search(line.text)
        if match and normalise_number(match.group(1)):
            return match.group(1).strip()
    for line in lines[:_HEADER_LINES]:
        if height and line.top > height * _HEADER_SHARE:
            break
        text = line.text
        if _CLOCK.search(text):  # the status bar (10:17), not a number
            continue
        match = _PHONE.search(text)
        if match and normalise_number(match.group(0)):
            return match.group(0).strip()
        words = [w.text.strip("<>()[]€@©®«» ") for w in line.words]
        codes = [w for w in words if _SHORT_CODE.match(w)]
        if len(codes) == 1 and all(len(w) <= 2 or w == codes[0] for w in words):
            return codes[0]  # "36179" beside icons read as "C3"
    return None


def compose(lines: Iterable[Line], *, height: int = 0) -> ScreenText:
    """The message text of a screenshot from its OCR lines (see the module docstring)."""
    kept = [line for line in lines if not _is_junk(line)]
    sender = find_sender(kept, height)
    notes: list[Anomaly] = []
    rendered: list[str] = []
    links: list[str] = []
    for tokens, paragraph in _rejoin(kept):
        tokens = _merge_split_endings(tokens, notes)
        for token in tokens:
            if _maybe_address(token.text):
                _repair(token, notes)
                if is_address(token.text):
                    _uncertainty(token, notes)
                    links.append(token.text)
        line_text = " ".join(t.text for t in tokens)
        if paragraph and rendered and _continues(rendered[-1], line_text):
            paragraph = False  # widely spaced bubble lines: Tesseract sees paragraphs, the sentence goes on
        if paragraph or not rendered:
            rendered.append(line_text)
        else:
            # The phone wrapped the sentence, its author did not: "ASSURANCE" / "MALADIE :" is one name.
            rendered[-1] = f"{rendered[-1]} {line_text}".strip()
    return ScreenText("\n".join(r for r in rendered if r).strip(), sender, _dedupe(notes), links)


def _continues(previous: str, line: str) -> bool:
    """A line starting in lower case after a line that does not end a sentence continues that sentence."""
    return bool(previous) and previous[-1:] not in ".!?:" and line[:1].islower()


def _dedupe(notes: list[Anomaly]) -> list[Anomaly]:
    seen: set[tuple[str, tuple[tuple[str, str], ...]]] = set()
    out: list[Anomaly] = []
    for note in notes:
        key = (note.code, tuple(sorted(note.params.items())))
        if key not in seen and len(out) < _MAX_REPORTED * 3:
            seen.add(key)
            out.append(note)
    return out
