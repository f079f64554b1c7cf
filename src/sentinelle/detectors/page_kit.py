"""Web pages: traits of phishing kits. Each is a modest signal; together they describe a kit.

* PAGE_SCRIPT_OBFUSCATED: inline code hidden from readers: ``eval(atob(...))`` and other eval chains
  (``unescape``, ``String.fromCharCode``, ``decodeURIComponent``), the "p,a,c,k,e,d" packer,
  ``document.write(unescape(...))``, long base64 blobs decoded at run time, walls of ``\\x`` escapes.
  Known false positives: minified analytics rarely use eval; some old ad scripts do.
* PAGE_BOT_FILTER: code that hides the page from crawlers, security scanners or foreign visitors: checks of
  ``navigator.webdriver`` and headless browsers, lists of bot user agents, geolocation services
  (``ip-api.com``, ``ipapi.co``, ``ipinfo.io``...) with country checks, "antibot" scripts.
* PAGE_MULTI_STEP_FLOW: a step-by-step fake login: a visible form followed by forms hidden at load (shown by
  a script once the first is sent), the later ones asking for more (card after password).
* PAGE_FAKE_SECURE_BADGE: "paiement sécurisé", "100 % sécurisé", "Verified by Visa", Norton or McAfee seals,
  on a page that presents itself as an organisation it does not belong to: badges are pictures anyone can
  paste (a shop's checkout shows them honestly, and is not judged on them).

Scripts are read within the parser's caps; patterns are linear-time (RE2).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from typing import ClassVar

import re2

from ..model import Evidence, Kind, Message
from ..presentation import file_name
from ..textnorm import fold
from .base import Context, register
from .page_forms import form_categories

_MAX_SCAN = 200_000  # characters of script text scanned per page
_BADGES = ("paiement securise", "paiement 100% securise", "100% securise", "100 % securise", "site securise",
           "transaction securisee", "secure payment", "secured payment", "ssl secure", "ssl securise",
           "verified by visa", "mastercard securecode", "mastercard identity check", "norton secured",
           "mcafee secure", "securise par ssl", "certifie ssl", "trusted site")
_BADGE_FILES = ("secure", "securise", "ssl", "norton", "mcafee", "verifiedbyvisa", "verified-by-visa",
                "securecode", "trust")


@cache
def _patterns() -> dict[str, re2._Regexp]:
    return {
        "eval(atob)": re2.compile(r"eval\s*\(\s*(?:window\.)?atob\s*\("),
        "eval(unescape)": re2.compile(r"eval\s*\(\s*(?:unescape|decodeURIComponent|escape)\s*\("),
        "eval(String.fromCharCode)": re2.compile(r"eval\s*\(\s*String\.fromCharCode\s*\("),
        "packer p,a,c,k,e,d": re2.compile(r"eval\s*\(\s*function\s*\(\s*p\s*,\s*a\s*,\s*c\s*,\s*k\s*,\s*e\s*,"),
        "document.write(unescape)": re2.compile(r"document\.write\s*\(\s*(?:unescape|atob|decodeURIComponent)\s*\("),
        "Function(atob)": re2.compile(r"(?:new\s+)?Function\s*\(\s*atob\s*\("),
        "atob(long base64)": re2.compile(r"atob\s*\(\s*['\"][A-Za-z0-9+/=]{1000}"),
        "\\x escapes": re2.compile(r"(?:\\x[0-9a-fA-F]{2}){200}"),
        "String.fromCharCode chain": re2.compile(r"String\.fromCharCode\s*\((?:\s*\d{2,3}\s*,){40}"),
    }


@cache
def _filters() -> dict[str, re2._Regexp]:
    return {
        "navigator.webdriver": re2.compile(r"navigator\.webdriver"),
        "headless": re2.compile(r"(?i)headless|phantomjs|_phantom|callPhantom|__nightmare|selenium"),
        "bot user agents": re2.compile(r"(?i)(?:googlebot|bingbot|crawler|spider|curl|wget|python-requests)[^;\n]{0,80}"
                                       r"(?:userAgent|user_agent)|userAgent[^;\n]{0,120}(?:bot|crawl|spider)"),
        "geolocation": re2.compile(r"(?i)ip-api\.com|ipapi\.co|ipinfo\.io|ipgeolocation|geoplugin|freegeoip|"
                                   r"ipwhois|db-ip\.com|extreme-ip-lookup|geolocation-db"),
        "country check": re2.compile(r"(?i)(?:country_?code|countryCode|country)\s*[!=]==?\s*['\"][A-Z]{2}['\"]"),
        "antibot": re2.compile(r"(?i)anti-?bot|killbot|blocker\.js|bot-?detect"),
    }


def _scan(texts: Iterable[str], patterns: Mapping[str, re2._Regexp]) -> list[str]:
    found: list[str] = []
    budget = _MAX_SCAN
    for text in texts:
        if budget <= 0:
            break
        chunk = text[:budget]
        budget -= len(chunk)
        for name, pattern in patterns.items():
            if name not in found and pattern.search(chunk):
                found.append(name)
    return found


@register
class PageKit:
    """Emits the kit traits listed in the module docstring."""

    id: ClassVar[str] = "page.kit"
    applies_to: ClassVar[frozenset[Kind]] = frozenset({Kind.WEBPAGE})
    signals: ClassVar[Mapping[str, str]] = {
        "PAGE_SCRIPT_OBFUSCATED": "the page hides its code (eval, atob chains, packers)",
        "PAGE_BOT_FILTER": "the page hides from robots, scanners or foreign visitors",
        "PAGE_MULTI_STEP_FLOW": "a step-by-step form flow, later steps hidden at load",
        "PAGE_FAKE_SECURE_BADGE": "security badges pasted on a page that impersonates an organisation",
    }

    def detect(self, msg: Message, ctx: Context) -> Iterable[Evidence]:
        page = msg.page
        if page is None:
            return
        official = bool(page.registrable_domain) and any(
            p.is_official_domain(page.registrable_domain) for p in ctx.knowledge.profiles
        )
        tricks = _scan(page.scripts, _patterns())
        if tricks:
            yield Evidence(self.id, "PAGE_SCRIPT_OBFUSCATED", observed=tuple(tricks[:5]), location="page:script")
        filters = _scan((*page.scripts, *page.resources), _filters())
        if filters:
            yield Evidence(self.id, "PAGE_BOT_FILTER", observed=tuple(filters[:5]), location="page:script")
        if official:
            return
        steps = [(form, form_categories(form, ctx)) for form in page.forms if form.fields]
        asking = [(form, cats) for form, cats in steps if cats]
        visible = [form for form, _ in asking if not form.hidden]
        later = [form for form, _ in asking if form.hidden]
        if visible and later:
            yield Evidence(self.id, "PAGE_MULTI_STEP_FLOW",
                           observed=tuple(f.location.removeprefix("page:") for f in (visible[0], *later[:3])),
                           location=later[0].location, params={"steps": str(1 + len(later))})
        if ctx.claim is not None:  # shops show the same badges honestly: only a counterfeit body's page counts
            badges = self._badges(msg, ctx)
            if badges:
                yield Evidence(self.id, "PAGE_FAKE_SECURE_BADGE", observed=tuple(badges[:3]), location="page")

    @staticmethod
    def _badges(msg: Message, ctx: Context) -> list[str]:
        page = msg.page
        assert page is not None
        out: list[str] = []
        for hit in ctx.folded[:50_000].split("\n"):
            for badge in _BADGES:
                if badge in hit and badge not in out:
                    out.append(badge)
        for src, alt in page.images[:100]:
            name = fold(f"{file_name(src)} {alt}")
            if any(word in name for word in _BADGE_FILES) and any(w in name for w in ("badge", "logo", "seal",
                                                                                     "sceau", "secure", "ssl")):
                out.append(file_name(src) or alt)
        return out
