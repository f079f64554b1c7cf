"""The data model: one normalised ``Message`` for every channel, ``Evidence`` and the ``Verdict``.

Every input (SMS, call, voicemail transcript, e-mail, URL, phone number, screenshot, web page) becomes the
same ``Message`` so that a detector written once works for all channels. Objects are frozen dataclasses:
detectors cannot alter what other detectors see, and verdicts can be cached and compared.

This module imports nothing from the rest of the package (imports flow parsing -> model <- detectors).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


class Kind(enum.StrEnum):
    """What the input is. ``StrEnum`` so that ``Kind("sms")`` and JSON round-trips are trivial."""

    SMS = "sms"
    CALL = "call"
    VOICEMAIL = "voicemail"
    EMAIL = "email"
    URL = "url"
    PHONE = "phone"
    WEBPAGE = "webpage"
    IMAGE = "image"
    AUDIO = "audio"


class Level(enum.StrEnum):
    """The verdict. There is deliberately no "safe": absence of evidence is not proof of honesty."""

    FRAUD = "fraud"
    SUSPICIOUS = "suspicious"
    NO_SIGN = "no_sign"
    UNKNOWN = "unknown"


class LinkSource(enum.StrEnum):
    """Where a link was seen: what the user sees differs by place (a QR code shows no text at all)."""

    TEXT = "text"
    HTML_ANCHOR = "html_anchor"
    HTML_FORM = "html_form"
    HTML_IMAGE = "html_image"
    QR_CODE = "qr_code"
    ATTACHMENT = "attachment"
    INPUT = "input"  # the URL the user asked us to check


class PhoneRole(enum.StrEnum):
    """What a number is doing in the message: the same number is harmless as a mention, not as a callback."""

    CALLER_ID = "caller_id"  # shown on screen by the network (spoofable)
    SENDER = "sender"  # SMS sender number or short code
    CALLBACK = "callback"  # the message asks you to call or text it
    MENTIONED = "mentioned"
    INPUT = "input"  # the number the user asked us to check


@dataclass(frozen=True, slots=True)
class Anomaly:
    """Something that could not be read, or was cut by a limit: the verdict says what was skipped."""

    code: str  # UPPER_SNAKE, e.g. "TEXT_TRUNCATED", "INVALID_UTF8"
    params: Mapping[str, str] = field(default_factory=dict)
    location: str | None = None
    detail: str = ""  # rendered by the engine from data/messages_<lang>.toml

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "detail": self.detail, "location": self.location}


@dataclass(frozen=True, slots=True)
class Link:
    """A link as the user meets it: what is displayed, where it really goes, and where it was found.

    ``host`` is the lower-cased ASCII (punycode) host; ``unicode_host`` its Unicode form when it differs
    (an internationalised name); ``registrable_domain`` the public-suffix-list registrable domain.
    """

    url: str
    host: str
    registrable_domain: str
    source: LinkSource = LinkSource.TEXT
    displayed_text: str | None = None
    unicode_host: str | None = None
    obfuscated: bool = False  # written as hxxp://, example[.]com, ... in the original
    scheme_present: bool = True  # False for a bare domain such as "cpam-dossier.fr"
    location: str | None = None
    wrapped_by: str | None = None  # a redirect wrapper that was decoded (SafeLinks...): ``url`` is the target
    # forms only: False when the form takes no more than an e-mail address, search words or a name (a subscription
    # or search box: parsing.html._collects_data), None when unknown (read as collecting data)
    form_collects_data: bool | None = None


@dataclass(frozen=True, slots=True)
class PhoneNumber:
    """A phone number seen in or around the message.

    ``normalized`` is E.164 (``+33899234567``) for long numbers and the digits for short ones (``3646``).
    ``context`` holds the words just before the number, which decide its role.
    """

    raw: str
    normalized: str
    is_short: bool
    role: PhoneRole
    context: str = ""
    location: str | None = None


@dataclass(frozen=True, slots=True)
class Sender:
    """Who the message says it comes from: an e-mail address, an SMS number or sender ID, a caller ID."""

    display_name: str | None = None
    address: str | None = None  # e-mail address
    number: str | None = None  # phone number or SMS short code, as given
    sender_id: str | None = None  # alphanumeric SMS sender ID ("AMELI")


@dataclass(frozen=True, slots=True)
class Attachment:
    """An attached file: described, hashed, never executed. ``kind`` is guessed from content, not name."""

    filename: str | None
    content_type: str
    size: int
    sha256: str
    detected_type: str | None = None
    extracted_text: str | None = None
    members: tuple[str, ...] = ()  # names listed in an archive's directory (never extracted)


@dataclass(frozen=True, slots=True)
class FormField:
    """One input of a web form: its name, its type and the words shown with it (label, placeholder...)."""

    name: str  # name or id attribute, as written (kits use "cc", "cvv", "nir"...)
    type: str  # input type ("text", "password", "file", "hidden"...), "select" or "textarea"
    label: str = ""  # label, placeholder, aria-label, title and accepted file types, joined
    autocomplete: str = ""


@dataclass(frozen=True, slots=True)
class PageForm:
    """A form of a web page: where it sends what is typed, and what it asks for.

    ``action`` is the resolved target (the page's own address when the form has none); ``hidden`` is true
    when the form sits inside an element hidden at load, the later step of a step-by-step flow.
    """

    action: str
    method: str
    fields: tuple[FormField, ...] = ()
    location: str = ""
    hidden: bool = False
    text: str = ""  # the words inside the form (labels, buttons), capped


@dataclass(frozen=True, slots=True)
class Page:
    """What a web page is besides its text: its address, how it presents itself, its forms and scripts.

    Filled by ``parsing/webpage.py`` for ``Kind.WEBPAGE``; every tuple is capped there. ``url`` is the page's
    address (given by the user, read from a WARC or MHTML file, or the last hop of a fetch); ``redirects``
    the addresses a fetch went through before it. ``scripts`` holds inline script text, ``resources`` every
    address the page loads by itself (pictures, stylesheets, scripts, icons).
    """

    url: str = ""
    host: str = ""
    registrable_domain: str = ""
    title: str = ""
    headings: tuple[str, ...] = ()  # site name (og:site_name...) and h1 headings
    images: tuple[tuple[str, str], ...] = ()  # (absolute address, alt or title text)
    icons: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
    scripts: tuple[str, ...] = ()
    forms: tuple[PageForm, ...] = ()
    emails: tuple[str, ...] = ()  # contact addresses: mailto: targets and addresses written in the page
    redirects: tuple[str, ...] = ()
    fetched: bool = False
    status: int | None = None


@dataclass(frozen=True, slots=True)
class Message:
    """One normalised message, whatever the channel.

    ``text`` is what the person reads (HTML rendered to text, transcript, OCR output), Unicode-normalised
    with zero-width and bidi characters removed (their removal is recorded in ``anomalies``). ``page``
    describes a web page beyond its text (``Kind.WEBPAGE``).
    """

    kind: Kind
    text: str
    subject: str | None = None
    sender: Sender | None = None
    recipients: tuple[str, ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    links: tuple[Link, ...] = ()
    phones: tuple[PhoneNumber, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    anomalies: tuple[Anomaly, ...] = ()
    # Characters removed from the text by normalisation (zero-width, bidi controls), counted: a word broken
    # by invisible characters is an evasion trick, not an accident.
    hidden_characters: int = 0
    # A web page's address, forms, scripts and presentation (``Kind.WEBPAGE`` only).
    page: Page | None = None

    def header(self, name: str) -> list[str]:
        """All values of a header, case-insensitively, in message order."""
        lname = name.lower()
        return [v for k, v in self.headers if k.lower() == lname]


@dataclass(frozen=True, slots=True)
class Evidence:
    """One explained observation. Every point of score is one of these; there are no hidden points.

    Detectors fill ``detector``, ``signal``, ``observed``, ``location`` and ``params`` (values for the
    explanation template). The engine fills ``explanation`` (rendered from data in the verdict's language),
    ``weight`` and ``group`` (from ``weights.toml``). A negative weight is trust evidence, shown too.
    """

    detector: str
    signal: str
    observed: tuple[str, ...] = ()
    location: str | None = None
    params: Mapping[str, str] = field(default_factory=dict)
    explanation: str = ""
    weight: float = 0.0
    group: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.signal,
            "detector": self.detector,
            "weight": round(self.weight, 3),
            "explanation": self.explanation,
            "observed": list(self.observed),
            "location": self.location,
        }


@dataclass(frozen=True, slots=True)
class DetectorFailure:
    """A detector that raised: recorded, never silent, never fatal to the verdict."""

    detector: str
    error_type: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"detector": self.detector, "error_type": self.error_type, "message": self.message}


@dataclass(frozen=True, slots=True)
class ReportChannel:
    """Where to report: a public channel with its address (URL, SMS number or e-mail)."""

    id: str
    name: str
    url: str
    why: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "url": self.url}


@dataclass(frozen=True, slots=True)
class Meta:
    """Provenance of a verdict: which code and data produced it, what ran, how long it took."""

    version: str
    data_digest: str
    lang: str
    detectors_run: tuple[str, ...] = ()
    duration_ms: float = 0.0


@dataclass(frozen=True, slots=True)
class Verdict:
    """The answer: a level, a score in 0..1, the evidence ranked by contribution, and what to do now."""

    level: Level
    score: float
    kind: Kind
    organisation: str | None
    evidence: tuple[Evidence, ...]
    advice: tuple[str, ...]
    report_to: tuple[ReportChannel, ...]
    anomalies: tuple[Anomaly, ...]
    failures: tuple[DetectorFailure, ...]
    meta: Meta
    points: float = 0.0

    @property
    def signals(self) -> frozenset[str]:
        """The evidence codes present, for quick tests such as ``"LINK_NOT_OFFICIAL" in v.signals``."""
        return frozenset(e.signal for e in self.evidence)

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON contract (CLI ``--json``, REST API, batch lines). Keys never change meaning."""
        return {
            "level": self.level.value,
            "score": round(self.score, 4),
            "organisation": self.organisation,
            "kind": self.kind.value,
            "evidence": [e.to_dict() for e in self.evidence],
            "advice": list(self.advice),
            "report_to": [c.to_dict() for c in self.report_to],
            "anomalies": [a.to_dict() for a in self.anomalies],
            "failures": [f.to_dict() for f in self.failures],
            "version": self.meta.version,
        }
