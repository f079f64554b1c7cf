"""Whose ``Authentication-Results`` count (``Config.trusted_authserv_ids``, ``--trusted-authserv-id``).

A sender writes any header it likes into its own message, "dmarc=pass header.from=ameli.fr" included; only
the receiving server's word is worth anything. A deployment that knows its servers names them, and then a
header from anyone else is ignored, wherever it stands.
"""

from __future__ import annotations

import io
from pathlib import Path

from sentinelle import Config, Engine
from sentinelle.cli import main
from sentinelle.detectors.email_auth import authserv_id

BODY = (
    "From: Votre Assurance Maladie <assurance-maladie@info.ameli.fr>\nTo: a@example.fr\nSubject: Info\n"
    "Content-Type: text/plain; charset=utf-8\n\nVotre attestation est disponible dans votre compte ameli.\n"
)
FORGED = "Authentication-Results: mx.ameli.fr; dmarc=pass header.from=info.ameli.fr\n"  # written by the sender
OURS = "Authentication-Results: mx.example.fr; dmarc=fail header.from=info.ameli.fr\n"  # our server's verdict
RECEIVED = "Received: from sender.example (unknown [203.0.113.9]) by mx.example.fr; Sat, 28 Nov 2026 10:00:00 +0000\n"


def test_authserv_id_is_the_first_word_before_the_semicolon() -> None:
    assert authserv_id(" MX.Example.fr 1; dkim=pass") == "mx.example.fr"
    assert authserv_id("spf=pass smtp.mailfrom=x") == "spf=pass"  # no authserv-id: never a trusted name
    assert authserv_id("") == ""


def test_without_trusted_ids_the_topmost_header_counts() -> None:
    verdict = Engine().analyze(FORGED + RECEIVED + BODY, kind="email")
    assert "AUTH_ALIGNED_PASS_OFFICIAL" in verdict.signals


def test_a_forged_pass_from_an_untrusted_server_is_ignored() -> None:
    engine = Engine(Config(trusted_authserv_ids=frozenset({"mx.example.fr"})))
    verdict = engine.analyze(FORGED + RECEIVED + BODY, kind="email")
    assert not {"AUTH_ALIGNED_PASS_OFFICIAL", "DMARC_FAIL_OFFICIAL"} & verdict.signals


def test_the_trusted_servers_header_counts_wherever_the_forgery_stands() -> None:
    engine = Engine(Config(trusted_authserv_ids=frozenset({"MX.example.FR "})))  # case and blanks ignored
    verdict = engine.analyze(FORGED + OURS + RECEIVED + BODY, kind="email")
    assert "DMARC_FAIL_OFFICIAL" in verdict.signals
    assert "AUTH_ALIGNED_PASS_OFFICIAL" not in verdict.signals


def test_cli_check_and_scan_take_trusted_ids(tmp_path: Path) -> None:
    message = tmp_path / "m.eml"
    message.write_text(FORGED + RECEIVED + BODY, encoding="utf-8")
    for argv in (["check", str(message), "--json"], ["scan", str(message), "--jsonl", "--workers", "1"]):
        plain, trusted = io.StringIO(), io.StringIO()
        main(argv, stdout=plain)
        main([*argv, "--trusted-authserv-id", "mx.example.fr"], stdout=trusted)
        assert "AUTH_ALIGNED_PASS_OFFICIAL" in plain.getvalue()
        assert "AUTH_ALIGNED_PASS_OFFICIAL" not in trusted.getvalue()
