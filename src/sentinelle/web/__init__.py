"""The web door (extra ``web``): a REST API and a French web page over one ``Engine``.

``create_app()`` builds a FastAPI application; ``sentinelle serve`` runs it with uvicorn. The door only
translates HTTP to ``Engine`` calls and back: ``POST /api/v1/analyze`` answers exactly ``Verdict.to_dict()``,
the page renders the same verdict for people. Nothing submitted is stored; untrusted content is only ever
rendered as escaped text (links defanged, never clickable); the page runs under a strict
Content-Security-Policy with local assets only.

Modules: ``settings`` (limits, rate, secret), ``security`` (CSRF tokens, rate limiting, headers),
``inputs`` (bounded body reading, JSON and in-memory multipart), ``present`` (verdict -> page view:
highlights, defanging), ``texts`` (page texts from ``data/web_<lang>.toml``), ``app`` (routes).
"""

from __future__ import annotations

from .app import create_app
from .settings import WebSettings

__all__ = ["WebSettings", "create_app"]
