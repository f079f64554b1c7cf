"""Which organisation does a message claim to speak for?

A message claims an organisation when it names it (``AMELI :``, ``votre CPAM``), when its sender's name
does, or when its links carry the brand (``ameli-vital.fr``) or imitate an official domain (``amel1.fr``,
``ameli.com``: ``lookalike.resemblance``). Words of the organisation's field alone
(``carte Vitale`` in a doctor's reminder) do not make a claim. With several candidates, the most named wins.
The claim matters because an organisation's own rules (its domains, its numbers, what it never asks) are
only checked against messages that speak in its name.
"""

from __future__ import annotations

from bisect import bisect_right

from .brand import brands_in_host
from .detectors.base import Claim, Context
from .lookalike import resemblance
from .model import Kind, PhoneRole
from .textnorm import fold

_MAX_CLAIM_HITS = 200  # enough to rank organisations; bounded work on a text that repeats a name


def _in_address_path(text: str, start: int) -> bool:
    """True when the word at ``start`` is in the path of a web address written in the text
    (``http://mit.fnal.gov/~msn/cdf/caf/``): a folder name, not a name the sender speaks under. The host part
    still counts (``ameli.fr/compte`` names the Assurance Maladie as much as "ameli" does)."""
    chunk_start = max(text.rfind(" ", 0, start), text.rfind("\n", 0, start), text.rfind("\t", 0, start)) + 1
    before = text[chunk_start:start]
    if "/" not in before:
        return False
    scheme = before.find("://")
    return "/" in (before[scheme + 3 :] if scheme >= 0 else before)


def attribute(ctx: Context) -> Claim | None:
    """The claimed organisation, or None."""
    knowledge = ctx.knowledge
    if ctx.forced_profile:
        return Claim(knowledge.profile(ctx.forced_profile), (), "user")
    found: dict[str, tuple[list[str], str]] = {}

    def add(profile_id: str, observed: str, via: str) -> None:
        entry = found.setdefault(profile_id, ([], via))
        if observed not in entry[0]:
            entry[0].append(observed)

    sender = ctx.msg.sender
    if sender is not None:
        label = " ".join(x for x in (sender.display_name, sender.sender_id) if x)
        if label:
            for hit in knowledge.matcher.find(fold(label)):
                if hit.tag[0] == "claim":
                    add(hit.tag[1], label[hit.start : hit.end], "sender")
    for phone in ctx.msg.phones:
        if phone.role in (PhoneRole.CALLER_ID, PhoneRole.SENDER):
            for profile in knowledge.profiles:
                known = profile.outbound_numbers | {s.value for s in profile.sms_sender_ids}
                if phone.normalized in known:
                    add(profile.id, phone.raw, "caller_id" if phone.role is PhoneRole.CALLER_ID else "sender")
        elif phone.role is PhoneRole.INPUT:  # the user asks "whose number is this?"
            for profile in knowledge.profiles:
                if phone.normalized in {p.number for p in profile.phones}:
                    add(profile.id, phone.raw, "number")
    # A name inside a request phrase is not a claim: "numéro de sécurité sociale" names no sender.
    # Request hits are sorted by start; a running maximum of their ends answers "is this offset covered?"
    # in logarithmic time (a pairwise check was quadratic on "ameli RIB " * 20000).
    request_starts: list[int] = []
    reach: list[int] = []
    for h in ctx.hits_tagged("request"):
        request_starts.append(h.start)
        reach.append(max(h.end, reach[-1]) if reach else h.end)
    claims_seen = 0
    # A URL checked on its own has no words besides the address: the address is judged as a link below
    # (brand word, lookalike), not read as a name ("www.cnam.fr" is the Conservatoire, not the CNAM).
    text_hits = [] if ctx.msg.kind is Kind.URL else ctx.hits_tagged("claim")
    folded = ctx.folded if text_hits else ""
    for hit in text_hits:
        i = bisect_right(request_starts, hit.start)
        if i and reach[i - 1] >= hit.end:
            continue
        if _in_address_path(folded, hit.start):
            continue
        add(hit.tag[1], ctx.original(hit), "text")
        claims_seen += 1
        if claims_seen >= _MAX_CLAIM_HITS:
            break
    # A message repeats its hosts (a newsletter's twenty links to one site). What follows depends on the host
    # and domain alone, and ``add`` ignores what it already holds: a host already judged adds nothing new.
    judged: set[tuple[str, str, str | None]] = set()
    for link in ctx.msg.links[:50]:
        key = (link.host, link.registrable_domain, link.unicode_host)
        if key in judged:
            continue
        judged.add(key)
        shown = link.unicode_host or link.host
        branded = brands_in_host(shown, link.registrable_domain, knowledge.profiles, knowledge.keywords.domain_words)
        if ctx.msg.kind is Kind.URL:
            # "Is this address really ameli's?": its owner is named too (yes, and say so), in the profiles' order.
            named = {profile_id for _, profile_id in branded}
            rd = link.registrable_domain
            for profile in knowledge.profiles:
                if profile.id in named or (rd and profile.is_official_domain(rd)):
                    add(profile.id, shown, "link")
        else:
            for _, profile_id in branded:
                add(profile_id, shown, "link")
        if link.host:
            imitated = resemblance(shown, knowledge.profiles)
            if imitated is not None:
                add(imitated.profile_id, shown, "link")
    if not found:
        return None
    best = max(found.items(), key=lambda item: len(item[1][0]))
    profile_id, (observed, via) = best
    return Claim(knowledge.profile(profile_id), tuple(observed[:5]), via)
