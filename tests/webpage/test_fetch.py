"""The safe fetcher against loopback servers the tests start themselves (never the network).

The page server listens on 127.0.0.3, which the tests allow explicitly (``FetchOptions.allow``); a second
server on 127.0.0.1 stands for every refused address and counts the connections it accepts: it must see
none, whatever the redirects and DNS answers try.
"""

from __future__ import annotations

import gzip
import ipaddress
import socket
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from webpages import fake_ameli_login

import sentinelle
from sentinelle import Level
from sentinelle.cli import main
from sentinelle.fetch import FetchError, FetchOptions, check_address, fetch_page

ALLOWED_IP = "127.0.0.3"


@dataclass
class Servers:
    port: int  # the page server, on ALLOWED_IP
    refused_port: int  # the counting server, on 127.0.0.1
    refused_connections: list[str] = field(default_factory=list)
    hosts: list[str] = field(default_factory=list)  # Host headers the page server received
    stop: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str, host: str = ALLOWED_IP) -> str:
        return f"http://{host}:{self.port}{path}"


class _CountingServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], log: list[str]) -> None:
        super().__init__(address, handler)
        self.log = log

    def process_request(self, request: Any, client_address: Any) -> None:
        self.log.append(str(client_address))  # every accepted connection, before any byte is read
        super().process_request(request, client_address)


def _page_handler(state: Servers) -> type[BaseHTTPRequestHandler]:
    routes: dict[str, Callable[[BaseHTTPRequestHandler], None]] = {}

    def send(h: BaseHTTPRequestHandler, status: int, headers: dict[str, str], body: bytes = b"") -> None:
        h.send_response(status)
        for k, v in headers.items():
            h.send_header(k, v)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    def redirect(target: str) -> Callable[[BaseHTTPRequestHandler], None]:
        return lambda h: send(h, 302, {"Location": target})

    def endless(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.end_headers()
        chunk = b"<p>ameli " + b"x" * 65_000 + b"</p>"
        while not state.stop.is_set():
            h.wfile.write(chunk)

    def drip(h: BaseHTTPRequestHandler, head_too: bool) -> None:
        data = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" if head_too else b""
        if not head_too:
            h.send_response(200)
            h.send_header("Content-Type", "text/html")
            h.end_headers()
            h.wfile.flush()
        data += b"<p>" + b"a" * 1000
        for byte in data:
            if state.stop.wait(1.0):
                return
            h.wfile.write(bytes([byte]))
            h.wfile.flush()

    routes["/page"] = lambda h: send(h, 200, {"Content-Type": "text/html; charset=utf-8"},
                                     fake_ameli_login().encode("utf-8"))
    routes["/r1"] = redirect("/r2")
    routes["/r2"] = redirect("/page")
    routes["/to-refused"] = redirect(f"http://127.0.0.1:{state.refused_port}/secret")
    routes["/to-metadata"] = redirect("http://169.254.169.254/latest/meta-data/iam/")
    routes["/to-mapped"] = redirect(f"http://[::ffff:127.0.0.1]:{state.refused_port}/")
    routes["/to-decimal"] = redirect(f"http://2130706433:{state.refused_port}/")
    routes["/to-file"] = redirect("file:///etc/passwd")
    routes["/endless"] = endless
    routes["/slow-body"] = lambda h: drip(h, head_too=False)
    routes["/gzip"] = lambda h: send(h, 200, {"Content-Type": "text/html", "Content-Encoding": "gzip"},
                                     gzip.compress(b"<p>" + b"a" * 30_000_000))

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            state.hosts.append(self.headers.get("Host", ""))
            path = self.path.split("?", 1)[0]
            if path == "/loop":
                n = int(self.path.partition("n=")[2] or "0")
                send(self, 302, {"Location": f"/loop?n={n + 1}"})
            elif path == "/slow-head":
                self.close_connection = True
                data = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>"
                for byte in data:
                    if state.stop.wait(1.0):
                        return
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
            elif path in routes:
                routes[path](self)
            else:
                send(self, 404, {}, b"no")

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


class _Refused(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"internal secret")

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def servers() -> Iterator[Servers]:
    refused_log: list[str] = []
    refused = _CountingServer(("127.0.0.1", 0), _Refused, refused_log)
    state = Servers(port=0, refused_port=refused.server_address[1], refused_connections=refused_log)
    page = _CountingServer((ALLOWED_IP, 0), _page_handler(state), [])
    state.port = page.server_address[1]
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in (refused, page)]
    for t in threads:
        t.start()
    yield state
    state.stop.set()
    for s in (refused, page):
        s.shutdown()
        s.server_close()
    assert refused_log == [], "a refused address was connected to"


def _options(**overrides: Any) -> FetchOptions:
    base: dict[str, Any] = {"allow": (ipaddress.ip_network(f"{ALLOWED_IP}/32"),), "total_timeout": 20.0}
    base.update(overrides)
    return FetchOptions(**base)


def _resolver(answers: dict[str, Sequence[str]], calls: list[str]) -> Callable[[str, int], Sequence[str]]:
    def resolve(host: str, port: int) -> Sequence[str]:
        calls.append(host)
        return answers[host]

    return resolve


def test_a_page_is_fetched_through_its_redirects_and_analysed(servers: Servers) -> None:
    calls: list[str] = []
    options = _options(resolve=_resolver({"ameli-compte.test": [ALLOWED_IP]}, calls))
    page = fetch_page(servers.url("/r1", "ameli-compte.test"), options)
    assert page.status == 200
    assert page.url.endswith("/page")
    assert [r.rsplit("/", 1)[1] for r in page.redirects] == ["r1", "r2"]
    assert page.address == ALLOWED_IP
    assert calls == ["ameli-compte.test"] * 3  # resolved once per hop, by the fetcher itself
    assert servers.hosts[-1] == f"ameli-compte.test:{servers.port}"  # connected to the vetted IP, named by host
    v = sentinelle.analyze(page)
    assert v.level is Level.FRAUD
    assert "PAGE_FORM_BOT_API" in v.signals
    msg = sentinelle.default_engine().parse(page)
    assert msg.page is not None
    assert msg.page.fetched
    assert [lk.location for lk in msg.links[:3]] == ["page", "redirect[0]", "redirect[1]"]


@pytest.mark.parametrize("path", ["/to-refused", "/to-mapped", "/to-decimal"])
def test_a_redirect_to_a_refused_address_is_never_followed(servers: Servers, path: str) -> None:
    with pytest.raises(FetchError) as caught:
        fetch_page(servers.url(path), _options())
    assert caught.value.code == "refused_address"
    assert caught.value.redirects == (servers.url(path),)
    assert servers.refused_connections == []


def test_a_redirect_to_the_metadata_address_is_refused_before_any_connection(
    servers: Servers, monkeypatch: pytest.MonkeyPatch
) -> None:
    attempted: list[tuple[str, int]] = []
    real = socket.create_connection

    def spy(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        attempted.append(address)
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", spy)
    with pytest.raises(FetchError, match="169.254.169.254") as caught:
        fetch_page(servers.url("/to-metadata"), _options())
    assert caught.value.code == "refused_address"
    assert [a[0] for a in attempted] == [ALLOWED_IP]


def test_dns_answers_are_vetted_and_never_asked_twice(servers: Servers) -> None:
    calls: list[str] = []
    rebinding = iter([[ALLOWED_IP], ["127.0.0.1"]])  # a second answer would point inside

    def resolve(host: str, port: int) -> Sequence[str]:
        calls.append(host)
        return next(rebinding)

    page = fetch_page(f"http://rebind.test:{servers.port}/page", _options(resolve=resolve))
    assert page.status == 200
    assert calls == ["rebind.test"]
    with pytest.raises(FetchError) as caught:
        fetch_page(f"http://inside.test:{servers.refused_port}/",
                   _options(resolve=_resolver({"inside.test": ["10.0.0.7", "127.0.0.1"]}, [])))
    assert caught.value.code == "refused_address"
    assert servers.refused_connections == []


def test_a_page_that_redirects_forever_stops_after_a_few(servers: Servers) -> None:
    with pytest.raises(FetchError) as caught:
        fetch_page(servers.url("/loop"), _options(max_redirects=4))
    assert caught.value.code == "too_many_redirects"
    assert len(caught.value.redirects) == 5


def test_endless_bytes_are_cut_at_the_size_cap(servers: Servers) -> None:
    page = fetch_page(servers.url("/endless"), _options(max_bytes=300_000))
    assert page.truncated
    assert len(page.body) == 300_000
    msg = sentinelle.default_engine().parse(page)
    assert "PAGE_FETCH_TRUNCATED" in {a.code for a in msg.anomalies}


@pytest.mark.parametrize("path", ["/slow-body", "/slow-head"])
def test_one_byte_a_second_hits_the_total_deadline(servers: Servers, path: str) -> None:
    with pytest.raises(FetchError) as caught:
        fetch_page(servers.url(path), _options(total_timeout=2.5, read_timeout=2.0))
    assert caught.value.code == "timeout"


def test_a_compressed_answer_is_inflated_only_up_to_the_cap(servers: Servers) -> None:
    page = fetch_page(servers.url("/gzip"), _options(max_bytes=1_000_000))
    assert page.truncated
    assert len(page.body) == 1_000_000


def test_only_http_and_https(servers: Servers) -> None:
    with pytest.raises(FetchError) as caught:
        fetch_page(servers.url("/to-file"), _options())
    assert caught.value.code == "scheme"
    for url in ("ftp://example.org/", "javascript:alert(1)", "file:///etc/passwd", "gopher://x/"):
        with pytest.raises(FetchError):
            fetch_page(url)


def test_refusals_without_a_connection() -> None:
    with pytest.raises(FetchError) as port:
        fetch_page("http://8.8.8.8:22/")
    assert port.value.code == "port"
    with pytest.raises(FetchError, match="user@host"):
        fetch_page("http://ameli.fr@8.8.8.8/")
    with pytest.raises(FetchError) as local:
        fetch_page("http://localhost/")
    assert local.value.code == "refused_address"


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1", "127.5.5.5", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1",
        "100.100.100.200", "0.0.0.0", "224.0.0.1", "255.255.255.255", "192.0.2.1", "198.18.0.1",
        "::1", "::", "fe80::1", "fc00::1", "fd00:ec2::254", "ff02::1", "::ffff:127.0.0.1", "::ffff:169.254.169.254",
        "64:ff9b::7f00:1", "2002:7f00:1::1", "2001:0:4136:e378:8000:63bf:80ff:fffe", "not-an-ip",
    ],
)
def test_refused_addresses(address: str) -> None:
    assert check_address(address) is not None


@pytest.mark.parametrize("address", ["8.8.8.8", "193.51.46.1", "2001:4860:4860::8888", "::ffff:8.8.8.8"])
def test_global_addresses_are_allowed(address: str) -> None:
    assert check_address(address) is None


def test_the_command_line_never_fetches_a_refused_address(servers: Servers, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--url", f"http://127.0.0.1:{servers.refused_port}/", "--fetch"]) == 2
    assert "127.0.0.1" in capsys.readouterr().err
    assert main(["check", "--url", servers.url("/page"), "--fetch"]) == 2  # no allow-list on the command line
    assert servers.refused_connections == []
