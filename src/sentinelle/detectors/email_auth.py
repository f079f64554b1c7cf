"""E-mail authentication results: DMARC, DKIM and SPF as recorded by the receiving server.

Only one ``Authentication-Results`` header is read. With ``Config.trusted_authserv_ids`` set (a gateway, a
team that knows its servers), it is the topmost header whose authserv-id is one of them, and a message
without one has no authentication evidence at all: a sender can write "dmarc=pass header.from=ameli.fr"
into its own message, and only the receiving server's word counts. Without it, the topmost header is read:
it is the one the last receiving server added (a citizen's mailbox export carries its provider's first);
deeper ones may have been written by the sender. An aligned DMARC or DKIM pass for an official sending
domain is trust evidence; a DMARC failure on an official From address is strong evidence of spoofing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import ClassVar

from ..model import Evidence, Kind, Message
from .base import Context, register
from .email_sender import address_domain, is_official_sender, registrable


@dataclass(frozen=True, slots=True)
class AuthResult:
    method: str  # dmarc, dkim, spf
    result: str  # pass, fail, none, softfail, ...
    domain: str  # header.from / header.d / smtp.mailfrom domain, lower case ("" if absent)


def parse_authentication_results(value: str) -> list[AuthResult]:
    """``method=result`` clauses with their domain property, from one header value (RFC 8601, leniently)."""
    results: list[AuthResult] = []
    for clause in value.replace("\n", " ").split(";")[1:] if ";" in value else [value]:
        words = clause.strip().split()
        if not words or "=" not in words[0]:
            continue
        method, _, result = words[0].partition("=")
        domain = ""
        for word in words[1:]:
            key, _, val = word.partition("=")
            if key.lower() in ("header.from", "header.d", "smtp.mailfrom", "header.i"):
                domain = address_domain(val) if "@" in val else val.strip("();").lower()
                break
        results.append(AuthResult(method.lower(), result.lower().strip("();"), domain))
    return results


def authserv_id(value: str) -> str:
    """The authserv-id of a header value (RFC 8601: the first word, before the first ";"), lower case."""
    head = value.split(";", 1)[0].split()
    return head[0].lower() if head else ""


def _believed(headers: list[str], trusted: frozenset[str]) -> str | None:
    """The header whose results are believed: the topmost from a trusted server, or the topmost at all."""
    if not trusted:
        return headers[0]
    return next((value for value in headers if authserv_id(value) in trusted), None)


@register
class EmailAuthentication:
    """Emits AUTH_ALIGNED_PASS_OFFICIAL (trust) and DMARC_FAIL_OFFICIAL."""

    id: ClassVar[str] = "sender.authentication"
    applies_to: ClassVar[frozenset[Kind]] = frozenset({Kind.EMAIL})
    signals: ClassVar[Mapping[str, str]] = {
        "AUTH_ALIGNED_PASS_OFFICIAL": "DMARC or aligned DKIM passes for an official sending domain",
        "DMARC_FAIL_OFFICIAL": "DMARC fails for a From address on an official domain: spoofing",
    }

    def detect(self, msg: Message, ctx: Context) -> Iterable[Evidence]:
        headers = msg.header("Authentication-Results")
        if not headers or msg.sender is None:
            return
        from_domain = address_domain(msg.sender.address)
        owner = next((p for p in ctx.knowledge.profiles if is_official_sender(p, from_domain)), None)
        if owner is None:
            return
        header = _believed(headers, ctx.trusted_authserv_ids)
        if header is None:
            return
        results = parse_authentication_results(header)
        dmarc = [r for r in results if r.method == "dmarc"]
        if any(r.result == "fail" for r in dmarc):
            yield Evidence(
                self.id,
                "DMARC_FAIL_OFFICIAL",
                observed=(from_domain,),
                location="header:Authentication-Results",
                params={"organisation": owner.name(ctx.lang)},
            )
            return
        aligned_dkim = [
            r
            for r in results
            if r.method == "dkim"
            and r.result == "pass"
            and r.domain
            and registrable(r.domain) == registrable(from_domain)
        ]
        if any(r.result == "pass" for r in dmarc) or aligned_dkim:
            yield Evidence(
                self.id,
                "AUTH_ALIGNED_PASS_OFFICIAL",
                observed=(from_domain,),
                location="header:Authentication-Results",
                params={"organisation": owner.name(ctx.lang)},
            )
