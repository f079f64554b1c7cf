"""The REST API with web pages: a saved page uploaded with its address, and fetching, which only an operator
can switch on (``WebSettings.allow_fetch``)."""

from __future__ import annotations

import ipaddress
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the web door needs the 'web' extra")

from fastapi.testclient import TestClient  # noqa: E402
from webpages import BOT_TOKEN, KIT_URL, OFFICIAL_URL, fake_ameli_login, official_login  # noqa: E402

from sentinelle import Engine  # noqa: E402
from sentinelle.fetch import FetchOptions  # noqa: E402
from sentinelle.web import WebSettings, create_app  # noqa: E402

API = "/api/v1/analyze"


@pytest.fixture(scope="module")
def client(engine: Engine) -> TestClient:
    return TestClient(create_app(engine, WebSettings(rate_per_minute=0)), raise_server_exceptions=False)


@pytest.fixture(scope="module")
def page_server() -> Iterator[tuple[str, list[str]]]:
    """A loopback server on 127.0.0.3 serving the kit; it records the paths asked."""
    asked: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            asked.append(self.path)
            body = fake_ameli_login().encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.3", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.3:{server.server_address[1]}/connexion", asked
    server.shutdown()
    server.server_close()


def test_a_saved_page_uploaded_with_its_address(client: TestClient) -> None:
    response = client.post(
        API, data={"url": KIT_URL}, files={"file": ("connexion.html", fake_ameli_login().encode(), "text/html")}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["kind"] == "webpage"
    assert body["level"] == "fraud"
    assert BOT_TOKEN not in response.text
    assert any(e["code"] == "PAGE_FORM_BOT_API" for e in body["evidence"])
    official = client.post(
        API, data={"url": OFFICIAL_URL}, files={"file": ("assure.html", official_login().encode(), "text/html")}
    )
    assert official.json()["level"] == "no_sign"


def test_fetch_is_off_unless_the_operator_enables_it(client: TestClient, page_server: tuple[str, list[str]]) -> None:
    url, asked = page_server
    response = client.post(API, json={"url": url, "fetch": True})
    assert response.status_code == 403
    assert response.json()["code"] == "fetch_disabled"
    assert asked == []
    assert client.post(API, json={"fetch": True}).status_code == 422


def test_an_enabled_fetch_is_still_ssrf_checked(engine: Engine, page_server: tuple[str, list[str]]) -> None:
    url, asked = page_server
    default = TestClient(create_app(engine, WebSettings(rate_per_minute=0, allow_fetch=True)))
    refused = default.post(API, json={"url": url, "fetch": True})
    assert refused.status_code == 400  # loopback is refused by the fetcher's own checks
    assert "127.0.0.3" in refused.json()["detail"]
    assert asked == []
    lab = FetchOptions(allow=(ipaddress.ip_network("127.0.0.3/32"),))
    allowed = TestClient(create_app(engine, WebSettings(rate_per_minute=0, allow_fetch=True, fetch_options=lab)))
    response = allowed.post(API, json={"url": url, "fetch": True})
    assert response.status_code == 200, response.text
    assert response.json()["kind"] == "webpage"
    assert response.json()["level"] == "fraud"
    assert asked == ["/connexion"]
