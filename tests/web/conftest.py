"""Fixtures of the web door's tests: one app over the shared engine and a client (helpers: webhelpers.py)."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the web door needs the 'web' extra (fastapi, uvicorn, jinja2)")

from fastapi import FastAPI  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from sentinelle import Engine  # noqa: E402
from sentinelle.web import WebSettings, create_app  # noqa: E402


@pytest.fixture(scope="session")
def app(engine: Engine) -> FastAPI:
    """The app over the shared engine, without rate limiting (tests of the limiter build their own)."""
    return create_app(engine, WebSettings(rate_per_minute=0))


@pytest.fixture
def client(app: FastAPI) -> TestClient:
    return TestClient(app, raise_server_exceptions=False)
