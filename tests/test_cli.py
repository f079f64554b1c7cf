"""The command line, driven through ``main([...])``: exit codes, JSON contract, readable French report."""

from __future__ import annotations

import io
import json
import wave
from pathlib import Path

import pytest

from sentinelle import analyze
from sentinelle.cli import EXIT_FLAGGED, EXIT_INPUT, EXIT_NO_SIGN, main

FIXTURES = Path(__file__).parent / "fixtures"
SCAM = FIXTURES / "sms" / "carte_vitale_expiry_lookalike_link.txt"
DOCTOR = FIXTURES / "sms" / "doctor_reminder_carte_vitale.txt"


def run(argv: list[str], stdin: str | None = None) -> tuple[int, str]:
    out = io.StringIO()
    code = main(argv, stdin=io.StringIO(stdin) if stdin is not None else None, stdout=out)
    return code, out.getvalue()


def test_scam_file_gives_fraud_report_in_french_and_exit_1() -> None:
    code, out = run(["check", str(SCAM)])
    assert code == EXIT_FLAGGED
    assert out.startswith("FRAUDE")
    assert "Pourquoi" in out
    assert "Que faire maintenant" in out
    assert "Où signaler" in out
    assert "sante-infos.net" in out
    assert "3646" in out  # the organisation's own advice: call 3646 yourself


def test_genuine_reminder_exits_0() -> None:
    code, out = run(["check", str(DOCTOR)])
    assert code == EXIT_NO_SIGN
    assert out.startswith("AUCUN SIGNE DE FRAUDE")


def test_json_output_is_exactly_the_verdict_dict() -> None:
    code, out = run(["check", "--json", "--kind", "sms", str(SCAM)])
    assert code == EXIT_FLAGGED
    data = json.loads(out)
    assert data == analyze(SCAM, kind="sms").to_dict()
    assert set(data) == {
        "level",
        "score",
        "organisation",
        "kind",
        "evidence",
        "advice",
        "report_to",
        "anomalies",
        "failures",
        "version",
    }
    assert data["level"] == "fraud"
    assert data["organisation"] == "assurance_maladie"
    first = data["evidence"][0]
    assert set(first) == {"code", "detector", "weight", "explanation", "observed", "location"}


def test_text_option_with_sender_and_english() -> None:
    code, out = run(
        [
            "check",
            "--text",
            "Ameli: votre remboursement de 89 euros est en attente, cliquez sur ameli-rembourse.com",
            "--sender",
            "06 12 34 56 78",
            "--lang",
            "en",
        ]
    )
    assert code == EXIT_FLAGGED
    assert out.startswith("FRAUD: this message is a scam")
    assert "mobile number" in out


def test_stdin_dash() -> None:
    code, out = run(["check", "-", "--json"], stdin="3646")
    assert code == EXIT_NO_SIGN
    assert json.loads(out)["kind"] == "phone"


def test_voicemail_with_caller_id() -> None:
    code, out = run(
        [
            "check",
            "--kind",
            "call",
            "--caller-id",
            "3646",
            "--json",
            "--text",
            "Bonjour, c'est votre CPAM, pour sécuriser votre dossier donnez-moi votre RIB "
            "et le numéro de votre carte bancaire",
        ]
    )
    data = json.loads(out)
    assert code == EXIT_FLAGGED
    assert data["level"] == "fraud"
    assert "CALLER_ID_OFFICIAL" in {e["code"] for e in data["evidence"]}
    assert any(c["url"] == "https://jalerte.arcep.fr" for c in data["report_to"])


@pytest.mark.parametrize(
    "argv",
    [
        ["check"],  # nothing to analyse
        ["check", "does-not-exist.txt"],
        ["check", "--kind", "fax", "--text", "x"],
        ["check", str(SCAM), "--text", "both"],
        ["nonsense"],
        ["check", "--text", "x", "--profile", "no_such_org"],
    ],
)
def test_usage_and_input_errors_exit_2(argv: list[str]) -> None:
    code, _ = run(argv)
    assert code == EXIT_INPUT


def test_broken_picture_is_a_clear_input_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    image = tmp_path / "capture.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    code, _ = run(["check", str(image)])
    assert code == EXIT_INPUT
    assert "image illisible" in capsys.readouterr().err


def test_a_number_checked_on_its_own_says_what_it_is_and_costs() -> None:
    code, out = run(["check", "--kind", "phone", "08 99 23 45 67"])
    assert code == EXIT_FLAGGED
    assert "surtaxé" in out
    assert "opérateur" in out  # the ARCEP block holder


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["check", "--kind", "phone", "3646"], "Assurance Maladie"),
        (["check", "3230"], "CAF"),
        (["check", "01 84 60 22 17"], "au prix d'un appel normal"),
    ],
)
def test_genuine_numbers_say_whose_they_are(argv: list[str], expected: str) -> None:
    code, out = run(argv)
    assert code == EXIT_NO_SIGN
    assert expected in out


def test_a_speech_model_directory_without_a_model_is_an_input_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("av", reason="extra 'voicemail' not installed")
    audio = tmp_path / "message.wav"
    with wave.open(str(audio), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16_000)
        out.writeframes(bytes(range(256)) * 250)  # two seconds of noise
    code, _ = run(["check", str(audio), "--speech-model", str(tmp_path)])
    assert code == EXIT_INPUT
    assert "model.bin" in capsys.readouterr().err
