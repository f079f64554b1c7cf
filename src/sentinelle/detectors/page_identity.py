"""Web pages: the organisation a page dresses up as, against the address it is served from.

* PAGE_PRESENTS_AS_ORGANISATION: the page presents itself as a profiled organisation (its title, headings or
  site name, banner, logo alt text or file name, favicon, address: ``presentation.py``) while its address is
  not on one of that organisation's official domains. The page address itself is judged by the link
  detector and the lookalike engine (``LINK_NOT_OFFICIAL``, ``LINK_BRAND_IN_DOMAIN``,
  ``LINK_LOOKALIKE_DOMAIN`` with the official domain imitated and how).
* PAGE_ASSETS_FROM_OFFICIAL_SITE: pictures, style sheets, scripts or the icon loaded straight from the
  organisation's official site by a page that is not on it; kits hot-link the genuine logo and styles.
* PAGE_OFFICIAL_HOST (trust): the page is served from an official domain of the organisation it presents
  itself as; its forms are the organisation's own.

Known false positives: a partner's page (a mutual insurer, a pharmacy) that puts the Assurance Maladie's name
in its title or shows its logo ("remboursé par l'Assurance Maladie"); a saved page analysed without its
address is not judged on its host at all (``PAGE_ADDRESS_UNKNOWN`` says so).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import ClassVar

from ..model import Evidence, Kind, Message
from ..presentation import presentations
from .base import Context, register

_WHERE = {
    "fr": {"title": "titre", "heading": "en-tête", "banner": "bandeau", "image": "image", "icon": "icône",
           "asset": "ressource", "address": "adresse"},
    "en": {"title": "title", "heading": "heading", "banner": "banner", "image": "picture", "icon": "icon",
           "asset": "asset", "address": "address"},
}


@register
class PageIdentity:
    """Emits PAGE_PRESENTS_AS_ORGANISATION, PAGE_ASSETS_FROM_OFFICIAL_SITE and PAGE_OFFICIAL_HOST."""

    id: ClassVar[str] = "page.identity"
    applies_to: ClassVar[frozenset[Kind]] = frozenset({Kind.WEBPAGE})
    signals: ClassVar[Mapping[str, str]] = {
        "PAGE_PRESENTS_AS_ORGANISATION": "the page presents itself as an organisation on a domain it does not own",
        "PAGE_ASSETS_FROM_OFFICIAL_SITE": "the page loads the organisation's own pictures or styles from its site",
        "PAGE_OFFICIAL_HOST": "the page is served from an official domain of the organisation it presents",
    }

    def detect(self, msg: Message, ctx: Context) -> Iterable[Evidence]:
        page = msg.page
        claim = ctx.claim
        if page is None or claim is None:
            return
        profile = claim.profile
        if page.registrable_domain and profile.is_official_domain(page.registrable_domain):
            yield Evidence(self.id, "PAGE_OFFICIAL_HOST", observed=(page.host,), location="page",
                           params={"official": ", ".join(sorted(profile.domains))})
            return
        pres = next((p for p in presentations(msg, ctx.knowledge) if p.profile.id == profile.id), None)
        if pres is None:
            return
        names = _WHERE.get(ctx.lang, _WHERE["fr"])
        shown = [f"{names.get(c.where, c.where)} : {c.observed}" for c in pres.cues if c.where != "address"]
        if page.host and shown:
            yield Evidence(self.id, "PAGE_PRESENTS_AS_ORGANISATION", observed=tuple(shown[:5]), location="page",
                           params={"host": page.host, "official": ", ".join(sorted(profile.domains))})
        if pres.hotlinked:
            yield Evidence(self.id, "PAGE_ASSETS_FROM_OFFICIAL_SITE", observed=tuple(pres.hotlinked[:3]),
                           location="page")
