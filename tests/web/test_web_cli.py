"""``sentinelle serve``: bad options are usage errors; the real command starts the page and the API."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx
import pytest

from sentinelle.cli import EXIT_INPUT, main


@pytest.mark.parametrize("argv", [["--port", "0"], ["--port", "70000"], ["--rate-per-minute", "-1"], ["--port", "x"]])
def test_bad_options_are_usage_errors(argv: list[str]) -> None:
    assert main(["serve", *argv]) == EXIT_INPUT


def test_short_secret_is_refused(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SENTINELLE_SECRET_KEY", "short")
    assert main(["serve", "--port", "8123"]) == EXIT_INPUT
    assert "16 bytes" in capsys.readouterr().err


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_starts_the_page_and_the_api() -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "SENTINELLE_SECRET_KEY"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "sentinelle.cli", "serve", "--port", str(port)],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        env=env,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                health = httpx.get(f"{base}/api/v1/health", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None, "sentinelle serve exited"
                assert time.monotonic() < deadline, "sentinelle serve did not answer within 60 s"
                time.sleep(0.2)
        assert health.json()["status"] == "ok"
        assert "server" not in health.headers
        page = httpx.get(f"{base}/", timeout=5)
        assert 'name="csrf"' in page.text
        verdict = httpx.post(f"{base}/api/v1/analyze", json={"text": "AMELI : carte vitale expirée, ameli-vital.fr"})
        assert verdict.json()["level"] == "fraud"
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=20)
    assert f"http://127.0.0.1:{port}/" in err
