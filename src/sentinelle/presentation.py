"""How a web page presents itself: which organisation it dresses up as, and with what.

A web page does not claim an organisation by mentioning it: a mutual insurer's login page says "vos
remboursements Sécurité sociale" and an article quotes "ameli". It claims one by its *identity*: the title
in the browser tab, the headings and the site name, the logo (its alt text and file name), the favicon,
the first words of the page (the banner), its address, and the assets it loads from the organisation's own
site (phishing kits hot-link the official logo and style sheets rather than copying them). ``presentations``
lists, per profile, these cues; ``attribute_page`` is the engine's attribution step for web pages.

Cues are not equal. The title, the ``h1`` headings and site name, the favicon and the address are the
page's name for itself (*primary* cues); the banner, the pictures and the hot-linked assets may show a
partner ("remboursé par l'Assurance Maladie", a logo linking to ameli.fr) and count only beside a primary
cue, or two of them together (a logo *and* the official style sheets).

A name inside a request phrase is not a cue ("numéro de sécurité sociale" names no sender), as in
``attribution.py``. Work is bounded by the parser's caps on headings, pictures and resources.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from posixpath import basename
from urllib.parse import unquote, urlsplit

from .brand import brand_in_host
from .detectors.base import Claim, Context
from .extract.urls import split_url
from .lookalike import resemblance
from .model import Message
from .profiles import Profile
from .resources import Knowledge
from .textnorm import fold

__all__ = ["Cue", "Presentation", "attribute_page", "presentations"]

_BANNER_CHARS = 300  # the first words of the page: the header band with the organisation's name
_MAX_CUES = 8
_MAX_IMAGES = 100
_MAX_RESOURCES = 300
PRIMARY = frozenset(["title", "heading", "icon", "address"])


@dataclass(frozen=True, slots=True)
class Cue:
    """One piece of the page's identity: where it was seen (``title``, ``heading``, ``banner``, ``image``,
    ``icon``, ``asset``, ``address``) and what was seen."""

    where: str
    observed: str


@dataclass(slots=True)
class Presentation:
    """The cues by which a page presents itself as one organisation, and its assets loaded from that
    organisation's official domains (``hotlinked``)."""

    profile: Profile
    cues: list[Cue] = field(default_factory=list)
    hotlinked: list[str] = field(default_factory=list)

    @property
    def claims(self) -> bool:
        """Whether the cues are enough to say the page presents itself as the organisation."""
        kinds = {c.where for c in self.cues}
        return bool(kinds & PRIMARY) or len(kinds - PRIMARY) >= 2

    def add(self, where: str, observed: str) -> None:
        if len(self.cues) < _MAX_CUES and all(c.observed != observed for c in self.cues):
            self.cues.append(Cue(where, observed))


def presentations(msg: Message, knowledge: Knowledge) -> list[Presentation]:
    """Organisations the page presents itself as (``Presentation.claims``), the most cues first."""
    page = msg.page
    if page is None:
        return []
    found: dict[str, Presentation] = {}

    def entry(profile: Profile) -> Presentation:
        return found.setdefault(profile.id, Presentation(profile))

    texts = [("title", page.title), *(("heading", h) for h in page.headings), ("banner", msg.text[:_BANNER_CHARS])]
    texts += [("image", alt) for _, alt in page.images[:_MAX_IMAGES] if alt]
    for where, text in texts:
        for profile_id, words in _named(text, knowledge):
            entry(knowledge.profile(profile_id)).add(where, words)
    pictures = [("image", src) for src, _ in page.images[:_MAX_IMAGES] if src] + [("icon", u) for u in page.icons]
    for where, url in pictures:
        name = fold(file_name(url))
        if name:
            for profile in knowledge.profiles:
                if any(token in name for token in profile.brand_tokens):
                    entry(profile).add(where, file_name(url))
    icons = frozenset(page.icons)
    for url in (*page.icons, *page.resources[:_MAX_RESOURCES]):
        parts = split_url(url)
        if parts is None or (page.registrable_domain and parts.registrable_domain == page.registrable_domain):
            continue
        for profile in knowledge.profiles:
            if profile.is_official_domain(parts.registrable_domain):
                pres = entry(profile)
                if url not in pres.hotlinked and len(pres.hotlinked) < _MAX_CUES:
                    pres.hotlinked.append(url)
                pres.add("icon" if url in icons else "asset", parts.host)
    if page.host:
        for profile in knowledge.profiles:
            domain = page.registrable_domain
            official = profile.is_official_domain(domain)
            branded = not profile.is_unrelated_domain(domain) and brand_in_host(
                page.host, profile, knowledge.keywords.domain_words
            )
            if official or branded:
                entry(profile).add("address", page.host)
        imitated = resemblance(page.host, knowledge.profiles)
        if imitated is not None:
            entry(knowledge.profile(imitated.profile_id)).add("address", page.host)
    return sorted((p for p in found.values() if p.claims), key=lambda p: -len(p.cues))


def file_name(url: str) -> str:
    """The last path segment of an address, decoded (``logo-ameli.png``); empty when it has none."""
    try:
        return unquote(basename(urlsplit(url).path))[:200]
    except ValueError:
        return ""


def _named(text: str, knowledge: Knowledge) -> list[tuple[str, str]]:
    """(profile id, words as written) for each organisation name in ``text``, outside request phrases."""
    if not text:
        return []
    hits = knowledge.matcher.find(fold(text))
    requests = [(h.start, h.end) for h in hits if h.tag[0] == "request"]
    out: dict[str, str] = {}  # the first name of each organisation in this text
    for hit in hits:
        if hit.tag[0] != "claim" or hit.tag[1] in out:
            continue
        if any(start <= hit.start and hit.end <= end for start, end in requests):
            continue
        out[hit.tag[1]] = text[hit.start : hit.end]
    return list(out.items())


def attribute_page(ctx: Context) -> Claim | None:
    """The organisation a web page presents itself as (see the module docstring), or ``None``.

    A profile forced by the user, or a message that is not a parsed page, goes to the general attribution.
    """
    if ctx.forced_profile or ctx.msg.page is None:
        from .attribution import attribute  # here: attribution imports the detectors, which import this module

        return attribute(ctx)
    found = presentations(ctx.msg, ctx.knowledge)
    if not found:
        return None
    best = found[0]
    return Claim(best.profile, tuple(c.observed for c in best.cues[:5]), "page")
