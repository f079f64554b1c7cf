"""Web pages: indicators for fraud teams (no points), so a verdict can be reported and blocked as it is.

PAGE_INDICATORS lists, machine-readably in ``observed`` (one ``kind:value`` string each, the kinds being
stable), what a fraud team blocks or reports: ``host:`` the page's host, ``redirect:`` the hosts a fetch went
through, ``form:`` the hosts forms send to, ``contact:`` the e-mail addresses the page gives, ``bot:`` the
messaging bots it sends to, as redacted fingerprints (``indicators.py``: the token itself is never
repeated). Its weight is zero: it is information, not evidence. It is given for pages that present
themselves as an organisation on a domain that is not that organisation's, and for pages that send data to
a bot or another domain; an official page or an ordinary one gets none.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import ClassVar

from ..extract.urls import split_url
from ..indicators import bot_endpoints
from ..model import Evidence, Kind, Message
from .base import Context, register

_MAX_OBSERVED = 20


@register
class PageIndicators:
    """Emits PAGE_INDICATORS (weight 0) with the page's indicators of compromise."""

    id: ClassVar[str] = "page.indicators"
    applies_to: ClassVar[frozenset[Kind]] = frozenset({Kind.WEBPAGE})
    signals: ClassVar[Mapping[str, str]] = {
        "PAGE_INDICATORS": "indicators for fraud teams: host, form targets, contacts, bots (fingerprinted)",
    }

    def detect(self, msg: Message, ctx: Context) -> Iterable[Evidence]:
        page = msg.page
        if page is None:
            return
        domain = page.registrable_domain
        if domain and any(p.is_official_domain(domain) for p in ctx.knowledge.profiles):
            return
        out: dict[str, None] = {}
        if page.host:
            out[f"host:{page.host}"] = None
        for hop in page.redirects:
            parts = split_url(hop)
            if parts is not None:
                out.setdefault(f"redirect:{parts.host}", None)
        foreign = False
        for form in page.forms:
            parts = split_url(form.action) if "://" in form.action[:16] else None
            if parts is not None and parts.registrable_domain != domain:
                foreign = True
                out.setdefault(f"form:{parts.host}", None)
        bots: dict[str, None] = {}
        for text in (*(f.action for f in page.forms), *page.scripts, *page.resources):
            for endpoint in bot_endpoints(text):
                bots.setdefault(f"bot:{endpoint}", None)
        out.update(bots)
        for address in page.emails:
            out.setdefault(f"contact:{address}", None)
        if ctx.claim is None and not foreign and not bots:
            return
        if out:
            yield Evidence(self.id, "PAGE_INDICATORS", observed=tuple(out)[:_MAX_OBSERVED], location="page")
