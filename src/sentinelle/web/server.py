"""Running the app with uvicorn: ``serve`` for ``sentinelle serve``, ``running`` for tests, benchmarks and scripts.

Defaults keep what citizens send out of logs: no access log (it would record addresses and times of
people checking a message), no ``Server`` header. Proxy headers (``X-Forwarded-For``) are trusted from
``127.0.0.1`` only (uvicorn's default), so rate limiting keys on the real client behind a local proxy.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn

_UVICORN_OPTIONS: dict[str, Any] = {
    "ws": "none",  # no WebSocket route: do not load a WebSocket implementation at all
    "lifespan": "off",
    "server_header": False,
    "proxy_headers": True,
    "timeout_keep_alive": 5,
}


def serve(app: Any, host: str = "127.0.0.1", port: int = 8000, *, access_log: bool = False) -> None:
    """Serve ``app`` until interrupted (Ctrl+C)."""
    uvicorn.run(app, host=host, port=port, access_log=access_log, log_level="info", **_UVICORN_OPTIONS)


# Debian's Chromium driven headless against a page ``running`` serves (the browser test, the README's
# screenshot): no sandbox (CI runs as root), no network of its own (updates, sync, QUIC), nothing on first run.
HEADLESS_CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
)


@contextmanager
def running(app: Any, host: str = "127.0.0.1", *, timeout_s: float = 20.0) -> Iterator[str]:
    """Serve ``app`` in a background thread on a free port of ``host``; yields its base URL.

    The socket is bound before the server starts (no race for the port); the server is stopped and the
    thread joined on exit.
    """
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, access_log=False, log_level="warning", **_UVICORN_OPTIONS)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="sentinelle-web", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout_s
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            raise RuntimeError("the web server did not start")
        time.sleep(0.02)
    try:
        yield f"http://{host if ':' not in host else f'[{host}]'}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout_s)
        sock.close()
