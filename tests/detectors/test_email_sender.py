"""sender.email: the From address against the organisation its display name or its text claims.

The sender's registrable domain decides several checks at once (official sender, replies and bounces sent
elsewhere): a subdomain of an official domain is official, and a reply or bounce address on the sender's own
registrable domain is not "elsewhere". Near-misses: a bounce on a subdomain of the sender's own domain, a
reply on another official domain.
"""

from __future__ import annotations

from sentinelle import Verdict

_BODY = "Content-Type: text/plain; charset=utf-8\n\nVotre attestation est disponible dans votre compte ameli.\n"


def _email(sender: str, *headers: str) -> str:
    return "".join(h + "\n" for h in (f"From: {sender}", "To: assure@example.fr", "Subject: Information", *headers))


def _signals(verdict: Verdict) -> set[str]:
    return {ev.signal for ev in verdict.evidence if ev.detector == "sender.email"}


def test_subdomain_of_an_official_domain_sends_officially(analyze) -> None:
    v = analyze(_email("Assurance Maladie <info@mail.ameli.fr>", "Return-Path: <rebond@bounce.ameli.fr>") + _BODY)
    assert _signals(v) == {"SENDER_OFFICIAL_DOMAIN"}


def test_replies_and_bounces_elsewhere(analyze, evidence) -> None:
    v = analyze(
        _email(
            "Assurance Maladie <info@mail.ameli.fr>",
            "Reply-To: dossier@collecte-ameli.example, copie@ameli.fr",
            "Return-Path: <rebond@envoi.example>",
        )
        + _BODY
    )
    assert _signals(v) == {"SENDER_OFFICIAL_DOMAIN", "REPLY_TO_ELSEWHERE", "RETURN_PATH_ELSEWHERE"}
    assert evidence(v, "REPLY_TO_ELSEWHERE").observed == ("dossier@collecte-ameli.example",)
    assert evidence(v, "RETURN_PATH_ELSEWHERE").observed == ("envoi.example",)


def test_name_claiming_the_organisation_on_a_lookalike_domain(analyze, evidence) -> None:
    v = analyze(_email("Service Ameli <remboursement@ameli-assure.com>") + _BODY)
    assert {"SENDER_NAME_CLAIMS_ORG", "SENDER_LOOKALIKE_DOMAIN"} <= _signals(v)
    assert "SENDER_OFFICIAL_DOMAIN" not in _signals(v)
    assert evidence(v, "SENDER_LOOKALIKE_DOMAIN").observed == ("ameli-assure.com",)
