"""Web page forms: what each one asks for, and where it sends it.

A form is read field by field: its type (``password``, ``file``), its ``autocomplete`` token (``cc-number``,
``cc-csc``), its name as the kit author wrote it (``cc``, ``cvv``, ``nir``, ``iban``) and the words shown
with it (label, placeholder, title, accepted files), read with the same request phrases as messages
(``data/keywords.toml``). Where it sends: the resolved ``action``.

* PAGE_FORM_SENSITIVE_DATA: a form asks for card, bank, social security, one-time-code or document data (a
  password alone counts only on a page that presents itself as an organisation it does not belong to).
* PAGE_FORM_CARD_DETAILS: card number together with its expiry date or security code.
* PAGE_FORM_DOCUMENT_UPLOAD: an identity document or proof of address to upload.
* PAGE_FORM_SMALL_PAYMENT: a card form beside a small amount (1,99 €), the "shipping fee" of a fake card, on a
  page that presents itself as an organisation (shops charge small sums honestly).
* PAGE_FORM_EXTERNAL_TARGET: the form sends what is typed to another domain than the page's.
* PAGE_FORM_BOT_API: the page sends data to a messaging bot or chat webhook (Telegram bot API, Discord or
  Slack webhooks), from a form or a script: genuine sites do not hand their visitors' data to a chat bot.
  Tokens are never repeated, only their fingerprint (``indicators.py``).
* PAGE_FORM_MAIL_SCRIPT: the form posts to a mail script (``mail.php``, ``send.php``...) or a ``mailto:``.
* PAGE_FORM_NEVER_ASKED: on a page that presents itself as an organisation, a form asks for what that
  organisation states it never asks for on a web page (its profile's ``never_asks`` for the ``webpage``
  channel), quoting the statement and its source. A field is a demand by itself, whatever its label says,
  so this does not depend on the wording of the page (shares the ``policy`` cap with NEVER_ASKS_VIOLATION).

Forms of a page on the official domain of the organisation it presents are that organisation's own: only
the bot API check applies there (a compromised site). Known false positives: shops and payment providers
have card forms (modest weights; the strong combinations need an impersonated organisation).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import ClassVar

from ..extract.urls import split_url
from ..indicators import bot_endpoints
from ..model import Evidence, FormField, Kind, Message, PageForm
from ..textnorm import fold
from .base import Context, register

_SPLIT = re.compile(r"[^a-z0-9]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_NAME_TOKENS: dict[str, frozenset[str]] = {
    "card": frozenset(["cc", "ccnum", "ccnumber", "cardnumber", "card", "carte", "cb", "pan", "numcarte",
                       "creditcard", "numerocarte", "cardno"]),
    "card_security": frozenset(["cvv", "cvc", "csc", "cvv2", "ccv", "crypto", "cryptogramme", "exp", "expiry",
                                "expiration", "expdate", "ccexp", "dateexp", "mm", "yy", "aa"]),
    "bank_details": frozenset(["iban", "bic", "rib", "swift"]),
    "nir": frozenset(["nir", "secu", "ssn", "numsecu", "securitesociale", "nss", "insee"]),
    "otp": frozenset(["otp", "smscode", "codesms", "sms", "verificationcode", "token3ds", "code3ds"]),
    "credentials": frozenset(["password", "pass", "pwd", "mdp", "motdepasse", "passwd"]),
}
_AUTOCOMPLETE = {"cc-number": "card", "cc-csc": "card_security", "cc-exp": "card_security",
                 "cc-exp-month": "card_security", "cc-exp-year": "card_security", "one-time-code": "otp",
                 "current-password": "credentials", "new-password": "credentials"}
_IDENTITY_WORDS = ("identite", "passeport", "passport", "cni", "recto", "verso", "permis", "titre de sejour",
                   "selfie", "identity")
_ADDRESS_WORDS = ("domicile", "facture", "quittance", "justificatif", "utility", "address")
_SMALL_AMOUNT = re.compile(r"(?<![\d,.])(\d{1,2})[,.](\d{2})\s?(?:€|eur\b|euros?\b)", re.IGNORECASE)
_MAX_SMALL_EUROS = 10
_MAILERS = frozenset(["mail.php", "mailer.php", "send.php", "sendmail.php", "send_mail.php", "post.php",
                      "next.php", "submit.php", "action.php", "res.php", "result.php", "log.php", "save.php",
                      "process.php", "telegram.php", "tg.php", "envoi.php", "envoyer.php"])
_NAMES = {
    "fr": {"card": "numéro de carte", "card_security": "date d'expiration ou cryptogramme",
           "bank_details": "coordonnées bancaires", "nir": "numéro de sécurité sociale", "otp": "code reçu par SMS",
           "credentials": "mot de passe", "identity_document": "pièce d'identité",
           "proof_of_address": "justificatif de domicile", "fees": "paiement de frais", "medical": "données médicales"},
    "en": {"card": "card number", "card_security": "expiry date or security code", "bank_details": "bank details",
           "nir": "social security number", "otp": "one-time code", "credentials": "password",
           "identity_document": "identity document", "proof_of_address": "proof of address", "fees": "fee payment",
           "medical": "medical data"},
}
_ORDER = tuple(_NAMES["fr"])
_MAX_OBSERVED = 5


def _tokens(name: str) -> set[str]:
    return {t for t in _SPLIT.split(_CAMEL.sub("_", name).lower()) if t} | {_SPLIT.sub("", name.lower())}


def field_categories(field: FormField, ctx: Context) -> set[str]:
    """Request categories one field asks for (see module docstring)."""
    out: set[str] = set()
    if field.type == "hidden":
        return out
    if field.type == "password":
        out.add("credentials")
    token = _AUTOCOMPLETE.get(field.autocomplete.strip().lower())
    if token:
        out.add(token)
    names = _tokens(field.name)
    for category, tokens in _NAME_TOKENS.items():
        if names & tokens:
            out.add(category)
    label = fold(field.label)
    if label:
        for hit in ctx.knowledge.matcher.find(label):
            if hit.tag[0] == "request":
                out.add(hit.tag[1])
    if field.type == "file":
        words = f"{label} {fold(field.name)}"
        if any(w in words for w in _ADDRESS_WORDS):
            out.add("proof_of_address")
        if any(w in words for w in _IDENTITY_WORDS) or "proof_of_address" not in out:
            out.add("identity_document")
    return out


def form_categories(form: PageForm, ctx: Context) -> set[str]:
    """Request categories a whole form asks for: its fields, plus a small amount beside a card form."""
    out: set[str] = set()
    for field in form.fields:
        out |= field_categories(field, ctx)
    if out & {"card", "card_security"} and any(
        int(m.group(1)) < _MAX_SMALL_EUROS for m in _SMALL_AMOUNT.finditer(form.text + " " + ctx.msg.text[:20_000])
    ):
        out.add("fees")
    return out


@register
class PageForms:
    """Emits the form evidence listed in the module docstring."""

    id: ClassVar[str] = "page.forms"
    applies_to: ClassVar[frozenset[Kind]] = frozenset({Kind.WEBPAGE})
    signals: ClassVar[Mapping[str, str]] = {
        "PAGE_FORM_SENSITIVE_DATA": "a form of the page asks for card, bank, identity or social security data",
        "PAGE_FORM_CARD_DETAILS": "a form asks for a card number with its expiry date or security code",
        "PAGE_FORM_DOCUMENT_UPLOAD": "a form asks to upload an identity document or proof of address",
        "PAGE_FORM_SMALL_PAYMENT": "a card form beside a small amount to pay",
        "PAGE_FORM_EXTERNAL_TARGET": "a form sends what is typed to another domain",
        "PAGE_FORM_BOT_API": "the page sends data to a messaging bot or chat webhook",
        "PAGE_FORM_MAIL_SCRIPT": "a form sends what is typed to a mail script",
        "PAGE_FORM_NEVER_ASKED": "a form asks, in an organisation's name, for what it states it never asks",
    }

    def detect(self, msg: Message, ctx: Context) -> Iterable[Evidence]:
        page = msg.page
        if page is None:
            return
        bots: dict[str, str] = {}
        for form in page.forms:
            for endpoint in bot_endpoints(form.action):
                bots.setdefault(endpoint, form.location)
        for text in (*page.scripts, *page.resources):
            for endpoint in bot_endpoints(text):
                bots.setdefault(endpoint, "page:script")
        if bots:
            yield Evidence(self.id, "PAGE_FORM_BOT_API", observed=tuple(bots)[:_MAX_OBSERVED],
                           location=next(iter(bots.values())))
        claim = ctx.claim
        official = bool(page.registrable_domain) and any(
            p.is_official_domain(page.registrable_domain) for p in ctx.knowledge.profiles
        )
        if official:
            return
        names = _NAMES.get(ctx.lang, _NAMES["fr"])
        sensitive: list[tuple[PageForm, list[str]]] = []
        card = uploads = small = False
        external: dict[str, str] = {}
        mailers: dict[str, str] = {}
        for form in page.forms:
            found = form_categories(form, ctx)
            secret = found - {"credentials"}
            if secret or (found and claim is not None):
                sensitive.append((form, [c for c in _ORDER if c in found]))
            card = card or ("card" in found and bool(found & {"card_security"}))
            uploads = uploads or bool(found & {"identity_document", "proof_of_address"} and any(
                f.type == "file" for f in form.fields))
            small = small or ("fees" in found)
            action = form.action
            if action[:7].lower() == "mailto:":
                mailers.setdefault(action[:80], form.location)
                continue
            parts = split_url(action) if "://" in action[:16] else None
            if parts is None:
                continue
            if page.registrable_domain and parts.registrable_domain != page.registrable_domain:
                external.setdefault(parts.host, form.location)
            script = action.split("?", 1)[0].split("#", 1)[0].rsplit("/", 1)[-1].lower()
            if script in _MAILERS:
                mailers.setdefault(script, form.location)
        if claim is not None:
            asked = {c for _, cats in sensitive for c in cats}
            for rule in claim.profile.never_asks:
                if rule.category in asked and msg.kind.value in rule.channels:
                    form = next(f for f, cats in sensitive if rule.category in cats)
                    statement = rule.statement_en if ctx.lang == "en" else rule.statement_fr
                    params = {"statement": statement, "source": rule.source.split(" ; ")[0], "category": rule.category}
                    yield Evidence(self.id, "PAGE_FORM_NEVER_ASKED", observed=(names[rule.category],),
                                   location=form.location, params=params)
        if sensitive:
            observed = tuple(
                f"{form.location.removeprefix('page:')} → {_target(form.action)} : {', '.join(names[c] for c in cats)}"
                for form, cats in sensitive[:_MAX_OBSERVED]
            )
            yield Evidence(self.id, "PAGE_FORM_SENSITIVE_DATA", observed=observed, location=sensitive[0][0].location)
        if card:
            yield Evidence(self.id, "PAGE_FORM_CARD_DETAILS", observed=(names["card"], names["card_security"]),
                           location=next(f.location for f, c in sensitive if "card" in c))
        if uploads:
            kinds = {c for _, cats in sensitive for c in cats} & {"identity_document", "proof_of_address"}
            yield Evidence(self.id, "PAGE_FORM_DOCUMENT_UPLOAD", observed=tuple(names[c] for c in sorted(kinds)),
                           location=sensitive[0][0].location if sensitive else "page")
        if small and claim is not None:  # a shop charges small sums; a public body's "shipping fee" is the scam
            found_amounts = _SMALL_AMOUNT.finditer(msg.text[:20_000])
            amounts = list(dict.fromkeys(m.group(0) for m in found_amounts if int(m.group(1)) < _MAX_SMALL_EUROS))[:3]
            yield Evidence(self.id, "PAGE_FORM_SMALL_PAYMENT", observed=tuple(amounts) or ("?",), location="page")
        if external:
            yield Evidence(self.id, "PAGE_FORM_EXTERNAL_TARGET", observed=tuple(external)[:_MAX_OBSERVED],
                           location=next(iter(external.values())), params={"host": page.host or "?"})
        if mailers:
            yield Evidence(self.id, "PAGE_FORM_MAIL_SCRIPT", observed=tuple(mailers)[:_MAX_OBSERVED],
                           location=next(iter(mailers.values())))


def _target(action: str) -> str:
    """Where a form sends, shortly: its host, or ``script`` for fields sent by a script."""
    if not action:
        return "script"
    parts = split_url(action) if "://" in action[:16] else None
    return parts.host if parts is not None else action[:60]
