"""The engine: input -> Message -> detectors -> evidence -> score -> verdict with advice.

``Engine`` is the API every door uses (Python, CLI, REST, gateway, batch): doors translate I/O only. An
engine loads and validates its data once, then analyses any number of messages; it holds no per-message
state, so one engine can serve many threads. A detector that raises is recorded in ``Verdict.failures``
and the others still run.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from . import _version
from .advice import choose_advice, choose_channels
from .attribution import attribute
from .config import Config
from .errors import DataError, InputError, UnsupportedInput
from .fetch import FetchedPage
from .media.merge import with_reading
from .model import (
    Anomaly,
    DetectorFailure,
    Evidence,
    Kind,
    Level,
    Message,
    Meta,
    Verdict,
)
from .parsing.decode import decode_bytes
from .parsing.detect_kind import kind_from_bytes, kind_from_path, kind_from_text
from .parsing.text import parse_text_message
from .presentation import attribute_page
from .privacy import redact
from .resources import LANGS, Knowledge, load_knowledge
from .scoring import score

if TYPE_CHECKING:
    from .warmup import WarmUp

Source = str | bytes | Path | FetchedPage
_SUPPORTED_KINDS = frozenset(
    {Kind.SMS, Kind.CALL, Kind.VOICEMAIL, Kind.URL, Kind.PHONE, Kind.EMAIL, Kind.IMAGE, Kind.AUDIO, Kind.WEBPAGE}
)
_MEDIA_KINDS = frozenset({Kind.IMAGE, Kind.AUDIO})
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Outlook .msg (compound file)
_DEFAULT_ORG = {"fr": "l'organisme dont il se réclame", "en": "the organisation it claims to be"}


class _Template(dict[str, str]):
    """Fills a template; an unknown placeholder stays visible instead of raising."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _kind(value: Kind | str | None) -> Kind | None:
    if value is None or isinstance(value, Kind):
        return value
    try:
        return Kind(value.lower())
    except ValueError:
        raise InputError(f"type d'entrée inconnu : {value!r} (attendu : {', '.join(k.value for k in Kind)})") from None


class Engine:
    """Analyses messages. Build once (it loads and checks the data), call ``analyze`` many times."""

    def __init__(
        self,
        config: Config | None = None,
        *,
        detectors: Sequence[object] | None = None,
        knowledge: Knowledge | None = None,
        profile_dirs: Iterable[Path] = (),
    ) -> None:
        self.config = config or Config()
        if self.config.lang not in LANGS:
            raise DataError(f"unsupported language {self.config.lang!r}")
        self.knowledge = knowledge or load_knowledge(profile_dirs)
        if detectors is None:
            from .detectors import registered

            detectors = [cls() for cls in registered().values()]
        self.detectors = tuple(detectors)
        self._check_weights()
        # Which detectors run for each kind, decided once (not per message).
        self._by_kind: dict[Kind, tuple[tuple[str, Mapping[str, str], object], ...]] = {
            kind: tuple(
                (getattr(det, "id", type(det).__name__), getattr(det, "signals", {}), det)
                for det in self.detectors
                if kind in getattr(det, "applies_to", frozenset(Kind))
            )
            for kind in Kind
        }
        k = self.knowledge
        self._known_short = frozenset(k.numbering.known_short) | frozenset(
            p.number for prof in k.profiles for p in prof.phones if not p.number.startswith("+")
        )
        self._version = f"{_version.__version__}+data.{k.digest}"
        self._trusted_authserv_ids = frozenset(i.strip().lower() for i in self.config.trusted_authserv_ids if i.strip())

    def warm_up(self) -> WarmUp:
        """Load now what the first messages would load (codecs, phone metadata, the picture and PDF readers) and
        analyse one synthetic e-mail and SMS: for long-lived workers, so start-up stays out of their first
        messages' time. One-off checks need not call it. See ``warmup``."""
        from .warmup import warm_up

        return warm_up(self)

    def _check_weights(self) -> None:
        weights = self.knowledge.weights.signals
        for det in self.detectors:
            missing = [code for code in getattr(det, "signals", {}) if code not in weights]
            if missing:
                raise DataError(f"weights.toml has no weight for {missing} of detector {getattr(det, 'id', det)!r}")

    # ------------------------------------------------------------------ parsing
    def parse(
        self,
        source: Source,
        *,
        kind: Kind | str | None = None,
        sender: str | None = None,
        caller_id: str | None = None,
        url: str | None = None,
    ) -> Message:
        """Turn raw input into a ``Message``; ``InputError`` only when nothing at all can be read."""
        wanted = _kind(kind)
        limits = self.config.limits
        data: bytes | None = None
        # --- web pages (issue 9): a page's address makes the input a web page; a fetched page is one.
        if isinstance(source, FetchedPage):
            return self._parse_fetched(source, url)
        if url is not None:
            if wanted not in (None, Kind.WEBPAGE):
                raise InputError(
                    f"l'adresse (url) est celle d'une page web : type « webpage » attendu, pas « {wanted} »"
                )
            wanted = Kind.WEBPAGE
        if isinstance(source, Path):
            try:
                if not source.is_file():
                    raise InputError(f"fichier introuvable ou qui n'est pas un fichier : {source}")
                with source.open("rb") as fh:
                    data = fh.read(limits.max_input_bytes + 1)
            except OSError as exc:
                raise InputError(f"impossible de lire {source} : {exc.strerror or exc}") from exc
            sniffed = kind_from_path(source, data[:4096])
            found = wanted or sniffed
        elif isinstance(source, bytes | bytearray | memoryview):
            data = bytes(source)
            sniffed = kind_from_bytes(data[:4096])
            found = wanted or sniffed
        elif isinstance(source, str):
            found = wanted or kind_from_bytes(source[:4096].encode("utf-8", "replace"))
            if found in _MEDIA_KINDS:
                raise InputError(f"une entrée de type « {found.value} » se donne en fichier ou en octets, pas en texte")
            if found is Kind.WEBPAGE:  # already text: its <meta charset> no longer applies
                return self._parse_webpage(source.encode("utf-8", "surrogatepass"), url, charset="utf-8")
            if found is Kind.EMAIL:
                data = source.encode("utf-8", "surrogateescape")
            else:
                found = found or kind_from_text(source)
                self._require_supported(found)
                return self._parse_text(source, found, [], sender, caller_id)
        else:
            raise InputError(f"entrée non prise en charge : {type(source).__name__} (texte, octets ou fichier)")
        self._require_supported(found)
        if found is Kind.EMAIL:
            return self._parse_email(data)
        if found is Kind.WEBPAGE:
            return self._parse_webpage(data, url)
        # A picture or a recording is read as such when its bytes say so, or when nothing else was asked
        # (then the file name may decide); a text file named .mp3 and checked as a voicemail stays text.
        media = kind_from_bytes(data[:4096]) if sniffed in _MEDIA_KINDS else None
        if media is None and found in _MEDIA_KINDS:
            media = found
        if media in _MEDIA_KINDS:
            return self._parse_media(data, media, found, sender, caller_id)
        text, anomalies = decode_bytes(data, max_bytes=limits.max_input_bytes)
        found = found or kind_from_text(text)
        self._require_supported(found)
        return self._parse_text(text, found, anomalies, sender, caller_id)

    def _parse_text(
        self, text: str, kind: Kind, anomalies: list[Anomaly], sender: str | None, caller_id: str | None
    ) -> Message:
        return parse_text_message(
            text,
            kind,
            limits=self.config.limits,
            callback_cues=self.knowledge.keywords.callback_cues,
            known_short=self._known_short,
            sender=sender,
            caller_id=caller_id,
            anomalies=anomalies,
        )

    def _parse_email(self, data: bytes) -> Message:
        """RFC 5322 messages, mbox excerpts and Outlook .msg files (recognised by their OLE signature)."""
        options = {
            "limits": self.config.limits,
            "callback_cues": self.knowledge.keywords.callback_cues,
            "known_short": self._known_short,
        }
        if data.startswith(_OLE_MAGIC):
            from .parsing.outlook import parse_msg

            return parse_msg(data, **options)  # type: ignore[arg-type]
        from .parsing.email import parse_email

        return parse_email(data, **options)  # type: ignore[arg-type]

    def _parse_webpage(self, data: bytes, url: str | None, **fetch: object) -> Message:
        """A saved page (HTML, MHTML, WARC) or a fetched one, with its address (``parsing/webpage.py``)."""
        from .parsing.webpage import parse_webpage

        return parse_webpage(
            data,
            url=url,
            limits=self.config.limits,
            callback_cues=self.knowledge.keywords.callback_cues,
            known_short=self._known_short,
            **fetch,  # type: ignore[arg-type]
        )

    def _parse_fetched(self, page: FetchedPage, url: str | None) -> Message:
        """A page brought back by ``sentinelle.fetch.fetch_page``: its redirects are links of their own."""
        msg = self._parse_webpage(
            page.body, url or page.url, redirects=page.redirects, status=page.status, charset=page.charset, fetched=True
        )
        if page.truncated:
            cut = Anomaly("PAGE_FETCH_TRUNCATED", {"limit": str(len(page.body))}, "page")
            msg = replace(msg, anomalies=(*msg.anomalies, cut))
        return msg

    def _parse_media(
        self, data: bytes, media: Kind | None, wanted: Kind | None, sender: str | None, caller_id: str | None
    ) -> Message:
        """Pictures are read (OCR, QR codes) and recordings transcribed; the result is analysed as text.

        A screenshot stays ``Kind.IMAGE`` (the SMS detectors apply to it); a recording becomes the call or
        voicemail it holds (voicemail unless the caller said ``call``).
        """
        if media is Kind.IMAGE:
            from .media.image import read_image

            reading = read_image(data, limits=self.config.limits)
            kind = Kind.IMAGE
        else:
            from .media.audio import read_audio

            reading = read_audio(data, limits=self.config.limits, speech=self.config.speech)
            kind = Kind.CALL if wanted is Kind.CALL else Kind.VOICEMAIL
        msg = self._parse_text(reading.text, kind, list(reading.anomalies), sender or reading.sender, caller_id)
        return with_reading(msg, reading)

    @staticmethod
    def _require_supported(kind: Kind | None) -> None:
        if kind is not None and kind not in _SUPPORTED_KINDS:
            raise UnsupportedInput(
                f"les entrées de type « {kind.value} » ne sont pas encore prises en charge par cette version ; "
                "collez le texte du message (--text) pour l'analyser"
            )

    # ------------------------------------------------------------------ analysis
    def analyze(
        self,
        source: Source,
        *,
        kind: Kind | str | None = None,
        sender: str | None = None,
        caller_id: str | None = None,
        profile: str | None = None,
        lang: str | None = None,
        url: str | None = None,
    ) -> Verdict:
        """Parse then analyse one input. See ``sentinelle.analyze`` for the parameters."""
        started = time.perf_counter()
        msg = self.parse(source, kind=kind, sender=sender, caller_id=caller_id, url=url)
        return self.analyze_message(msg, profile=profile, lang=lang, started=started)

    def analyze_many(self, sources: Iterable[Source], **options: str | None) -> Iterator[Verdict]:
        """Analyse inputs one after the other with the same options (lazy)."""
        for source in sources:
            yield self.analyze(source, **options)

    def analyze_message(
        self, msg: Message, *, profile: str | None = None, lang: str | None = None, started: float | None = None
    ) -> Verdict:
        """Run every applicable detector on a parsed message and build the verdict."""
        from .detectors.base import Context

        started = time.perf_counter() if started is None else started
        lang = lang or self.config.lang
        if lang not in LANGS:
            raise InputError(f"langue non prise en charge : {lang!r} (fr ou en)")
        if profile is not None and profile not in {p.id for p in self.knowledge.profiles}:
            raise InputError(f"profil inconnu : {profile!r}")
        # A web page claims an organisation by how it presents itself, not by a mention in its text.
        claimer = attribute_page if msg.kind is Kind.WEBPAGE else attribute
        ctx = Context(msg, self.knowledge, lang=lang, forced_profile=profile, attribute=claimer,
                      trusted_authserv_ids=self._trusted_authserv_ids)
        evidence: list[Evidence] = []
        failures: list[DetectorFailure] = []
        ran: list[str] = []
        weights = self.knowledge.weights
        for det_id, declared, det in self._by_kind[msg.kind]:
            ran.append(det_id)
            try:
                produced = list(det.detect(msg, ctx))  # type: ignore[attr-defined]
            except Exception as exc:  # noqa: BLE001 - isolate any detector bug, report it in the verdict
                failures.append(DetectorFailure(det_id, type(exc).__name__, str(exc)[:300]))
                continue
            for ev in produced:
                if ev.signal not in declared:
                    failures.append(DetectorFailure(det_id, "UndeclaredSignal", ev.signal))
                    continue
                evidence.append(weights.weigh(ev))
        present = frozenset(e.signal for e in evidence)
        composites = [
            Evidence("composite", c.code, weight=c.weight, group=c.group)
            for c in weights.composites
            if c.matches(present)
        ]
        result = score(evidence, weights, composites)
        claim = ctx.claim
        level = result.level
        if level is Level.NO_SIGN and self._too_little(msg) and not result.evidence:
            level = Level.UNKNOWN
        org_name = claim.profile.name(lang) if claim else _DEFAULT_ORG[lang]
        rendered = tuple(self._render(e, org_name, lang) for e in result.evidence)
        signals = frozenset(e.signal for e in rendered)
        return Verdict(
            level=level,
            score=result.score,
            kind=msg.kind,
            organisation=claim.profile.id if claim else None,
            evidence=rendered,
            advice=choose_advice(self.knowledge, level, msg.kind, signals, claim.profile if claim else None, lang),
            report_to=choose_channels(self.knowledge, level, msg.kind, signals, claim.profile if claim else None, lang),
            anomalies=tuple(self._render_anomaly(a, lang) for a in msg.anomalies),
            failures=tuple(failures),
            meta=Meta(
                version=self._version,
                data_digest=self.knowledge.digest,
                lang=lang,
                detectors_run=tuple(ran),
                duration_ms=(time.perf_counter() - started) * 1000,
            ),
            points=round(result.points, 3),
        )

    def _too_little(self, msg: Message) -> bool:
        if msg.links or msg.phones:
            return False
        if any(a.code == "BINARY_CONTENT" for a in msg.anomalies):
            return True
        return len(msg.text.strip()) < self.config.limits.min_text_chars

    def _render(self, ev: Evidence, organisation: str, lang: str) -> Evidence:
        template = self.knowledge.texts[lang].signals.get(ev.signal, ev.signal)
        # Whatever the verdict repeats from the message is redacted first (privacy.py): exports and stores
        # never see a victim's IBAN, card number or NIR.
        observed = tuple(redact(o) for o in ev.observed)
        params = {k: redact(v) for k, v in ev.params.items()}
        values = _Template({"organisation": organisation, "observed": ", ".join(observed)})
        values.update(params)
        # Built directly rather than with dataclasses.replace, which is several times slower (hot path).
        return Evidence(
            ev.detector,
            ev.signal,
            observed,
            ev.location,
            params,
            template.format_map(values),
            ev.weight,
            ev.group,
        )

    def _render_anomaly(self, anomaly: Anomaly, lang: str) -> Anomaly:
        template = self.knowledge.texts[lang].anomalies.get(anomaly.code, anomaly.code)
        params = {k: redact(v) for k, v in anomaly.params.items()}
        return Anomaly(anomaly.code, params, anomaly.location, template.format_map(_Template(params)))
