"""``sentinelle serve``: bad options are usage errors; the real command starts the page and the API."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

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


def _get(url: str, data: dict[str, str] | None = None) -> tuple[dict[str, str], bytes]:
    body = json.dumps(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers={"content-type": "application/json"} if body else {})
    with urllib.request.urlopen(request, timeout=5) as response:  # loopback only
        return {k.lower(): v for k, v in response.headers.items()}, response.read()


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
                headers, health = _get(f"{base}/api/v1/health")
                break
            except (urllib.error.URLError, ConnectionError):
                assert proc.poll() is None, "sentinelle serve exited"
                assert time.monotonic() < deadline, "sentinelle serve did not answer within 60 s"
                time.sleep(0.2)
        assert json.loads(health)["status"] == "ok"
        assert "server" not in headers
        _, page = _get(f"{base}/")
        assert b'name="csrf"' in page
        _, verdict = _get(f"{base}/api/v1/analyze", {"text": "AMELI : carte vitale expirée, ameli-vital.fr"})
        assert json.loads(verdict)["level"] == "fraud"
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=20)
    assert f"http://127.0.0.1:{port}/" in err
