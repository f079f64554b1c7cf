"""``sentinelle watch``: names and certstream messages in, flagged lookalikes out as JSON lines.

The websocket tests start a real server on loopback (``websockets``) that replays the recorded sample
``fixtures/watch/certstream_recorded_sample.jsonl`` (certstream message format: lookalikes from the confirmed
ameli corpus, honest and official names, a heartbeat, two malformed messages, a repeated name), then closes:
the client must read everything, reconnect with backoff, and stop when told.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import sentinelle
from sentinelle.cli import main
from sentinelle.domains.watch import MAX_NAMES_PER_MESSAGE, SeenCache, Watcher, watch_stream, watch_websocket

websockets = pytest.importorskip("websockets")
from websockets.asyncio.server import ServerConnection, serve  # noqa: E402

SAMPLE = Path(__file__).parent / "fixtures" / "watch" / "certstream_recorded_sample.jsonl"
# What the sample must produce: each registrable lookalike once, with the check that caught it.
EXPECTED = {
    "actualisation-ameli.fr": ("brand_word", "combosquat", "*.actualisation-ameli.fr"),
    "regularisation-cpam.info": ("brand_word", "combosquat", None),
    "amelir.fr": ("lookalike", "insertion", None),
    "xn--amli-w4d.fr": ("lookalike", "homoglyph", None),
    "amelicartevitale.fr": ("brand_word", "combosquat", None),
    "ameli.fr.secure-verif.com": ("lookalike", "subdomain", None),
}
HONEST = {"lemonde.fr", "amelie-fleurs.fr", "ameliorer-sa-maison.fr", "assure.ameli.fr", "ameli.fr", "cnam.fr"}


@pytest.fixture(scope="module")
def engine() -> sentinelle.Engine:
    return sentinelle.Engine()


def _records(watcher: Watcher, lines: list[str]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for line in lines:
        out += watcher.feed_line(line)
    return out


def test_recorded_sample_reports_each_lookalike_once_with_attribution(engine: sentinelle.Engine) -> None:
    watcher = Watcher(engine)
    records = _records(watcher, SAMPLE.read_text(encoding="utf-8").splitlines())
    assert {r["host"] for r in records} == set(EXPECTED)
    for r in records:
        check, attack, seen_as = EXPECTED[r["host"]]
        assert (r["attribution"]["check"], r["attribution"]["attack"]) == (check, attack)
        assert r["level"] in ("fraud", "suspicious")
        assert 0 < r["score"] <= 1
        assert r["organisation"] == "assurance_maladie"
        assert r["explanation"].startswith("Le nom de domaine")
        assert r.get("seen_as") == seen_as
        assert r["certificate"]["url"]
        assert isinstance(r["certificate"]["cert_index"], int)
    homoglyph = next(r for r in records if r["host"] == "xn--amli-w4d.fr")
    assert homoglyph["unicode_host"] == "am\u0435li.fr"
    assert "Cyrillic" in homoglyph["attribution"]["how"]
    assert not HONEST & {r["host"] for r in records}
    stats = watcher.stats
    assert (stats.messages, stats.malformed, stats.flagged) == (15, 2, 6)
    # *.actualisation-ameli.fr then actualisation-ameli.fr, the same name in another log, *.amelicartevitale.fr,
    # and www.regularisation-cpam.info (its registrable domain was already reported)
    assert stats.duplicates == 4


def test_plain_lines_csv_rows_comments_and_english(engine: sentinelle.Engine) -> None:
    watcher = Watcher(engine, lang="en")
    records = _records(watcher, ["# new names", "", "1,ameli-remboursement.com", "google.com", "AMEL1.FR."])
    assert [r["host"] for r in records] == ["ameli-remboursement.com", "amel1.fr"]
    assert records[1]["attribution"]["how"] == "1→i"
    assert "imitates" in records[1]["explanation"] or "ameli.fr" in records[1]["explanation"]
    assert watcher.stats.names == 3


HOSTILE_LINES = [
    "a" * 10_000 + ".fr",
    "ameli" + "x" * 10_000 + ".com",
    "xn--zzzz.fr",
    "xn--ameli-.fr",
    "am\u0435li\u0301.fr",
    "ameli..fr",
    ".",
    "...",
    "ameli.fr....",
    "1.2.3.4",
    "[2001:db8::1]",
    "::1",
    "12345",
    "*",
    "*.",
    "*.*.fr",
    "\x00\x01.fr",
    "\ud800.fr",
    "{",
    "[1, 2]",
    '{"message_type": "certificate_update"}',
    '{"message_type": "certificate_update", "data": []}',
    '{"message_type": "certificate_update", "data": {"leaf_cert": {"all_domains": [1, null, {}, ["x"]]}}}',
    '{"message_type": "dns_entries", "data": ["amelii.fr", 7]}',
    '{"message_type": "unknown"}',
    "[" * 50_000 + "]" * 50_000,
    '{"a": ' * 10_000 + "1" + "}" * 10_000,
]


@pytest.mark.parametrize("line", HOSTILE_LINES, ids=[repr(h[:24]) for h in HOSTILE_LINES])
def test_hostile_lines_are_counted_never_fatal(engine: sentinelle.Engine, line: str) -> None:
    watcher = Watcher(engine)
    records = watcher.feed_line(line)
    assert all(r["level"] in ("fraud", "suspicious") for r in records)
    stats = watcher.stats
    assert stats.names + stats.malformed + stats.messages >= 1


def test_dns_entries_form_and_per_message_cap(engine: sentinelle.Engine) -> None:
    watcher = Watcher(engine, dedupe=0)
    names = ["amelii.fr"] + [f"host{i}.example.com" for i in range(MAX_NAMES_PER_MESSAGE + 500)]
    records = watcher.feed_message(json.dumps({"message_type": "dns_entries", "data": names}))
    assert [r["host"] for r in records] == ["amelii.fr"]
    assert watcher.stats.names == MAX_NAMES_PER_MESSAGE


def test_an_oversized_line_is_skipped_whole(engine: sentinelle.Engine) -> None:
    watcher = Watcher(engine)
    stream = io.StringIO("amel1.fr\n" + "x" * (1 << 21) + "\n" + "ameli-remboursement.com\n")
    records: list[dict[str, Any]] = []
    watch_stream(watcher, stream, records.append)
    assert [r["host"] for r in records] == ["amel1.fr", "ameli-remboursement.com"]
    assert watcher.stats.malformed == 1


def test_seen_cache_is_bounded_and_forgets_the_oldest() -> None:
    cache = SeenCache(2)
    assert [cache.seen(k) for k in ("a", "b", "a", "c")] == [False, False, True, False]
    assert len(cache) == 2
    assert cache.seen("a")
    assert not cache.seen("b")
    assert not SeenCache(0).seen("a")
    assert not SeenCache(0).seen("a")
    with pytest.raises(ValueError, match="size"):
        SeenCache(-1)


# ------------------------------------------------------------------------------------ websocket source
@pytest.fixture
def replay_server() -> Iterator[tuple[str, list[int]]]:
    """A loopback certstream server in its own thread: replays the sample (plus one binary garbage frame)
    to each connection, then closes it. Yields (uri, connection counter)."""
    messages = SAMPLE.read_text(encoding="utf-8").splitlines()
    connections = [0]
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    stop = asyncio.Event()
    port: list[int] = []

    async def replay(ws: ServerConnection) -> None:
        connections[0] += 1
        await ws.send(b"\xff\xfe not json")
        for message in messages:
            await ws.send(message)
        await ws.close()

    async def run() -> None:
        async with serve(replay, "127.0.0.1", 0) as server:
            port.append(server.sockets[0].getsockname()[1])
            ready.set()
            await stop.wait()

    thread = threading.Thread(target=loop.run_until_complete, args=(run(),), daemon=True)
    thread.start()
    assert ready.wait(10)
    yield f"ws://127.0.0.1:{port[0]}/", connections
    loop.call_soon_threadsafe(stop.set)
    thread.join(10)
    loop.close()


def test_websocket_replay_then_reconnect_then_stop(engine: sentinelle.Engine, replay_server: Any) -> None:
    uri, connections = replay_server
    watcher = Watcher(engine)
    records: list[dict[str, Any]] = []
    logs: list[str] = []
    asyncio.run(watch_websocket(watcher, uri, records.append, max_reconnects=1, backoff=0.01, log=logs.append))
    assert connections[0] == 2
    assert {r["host"] for r in records} == set(EXPECTED)  # the second replay brings only duplicates
    assert len(records) == len(EXPECTED)
    assert watcher.stats.reconnects == 1
    assert watcher.stats.messages == 2 * 16
    assert watcher.stats.malformed == 2 * 3
    assert any("nouvelle tentative" in line for line in logs)


def test_websocket_server_down_backs_off_and_gives_up(engine: sentinelle.Engine) -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    watcher = Watcher(engine)
    logs: list[str] = []
    asyncio.run(
        watch_websocket(
            watcher, f"ws://127.0.0.1:{port}/", lambda r: None, max_reconnects=3, backoff=0.001, log=logs.append
        )
    )
    assert watcher.stats.reconnects == 3
    delays = [float(line.rsplit("dans ", 1)[1].split(" s")[0]) for line in logs if "dans" in line]
    assert delays == [0.001, 0.002, 0.004]  # doubling while connections deliver nothing
    assert "fin" in logs[-1]


def test_cli_watch_over_websocket(replay_server: Any, capsys: pytest.CaptureFixture[str]) -> None:
    uri, _ = replay_server
    out = io.StringIO()
    code = main(["watch", "--source", uri, "--max-reconnects", "0"], stdout=out)
    assert code == 1  # something was flagged
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert {r["host"] for r in lines} == set(EXPECTED)
    assert "6 signalés" in capsys.readouterr().err


def test_cli_watch_file_and_bad_options(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = io.StringIO()
    assert main(["watch", "--source", str(SAMPLE)], stdout=out) == 1
    assert len(out.getvalue().splitlines()) == len(EXPECTED)
    honest = tmp_path / "honest.txt"
    honest.write_text("google.com\nameli.fr\namelie-fleurs.fr\n", encoding="utf-8")
    assert main(["watch", "--source", str(honest)], stdout=io.StringIO()) == 0
    assert main(["watch", "--source", str(tmp_path / "absent.txt")], stdout=io.StringIO()) == 2
    assert main(["watch", "--dedupe", "-1"], stdout=io.StringIO()) == 2
    assert "introuvable" in capsys.readouterr().err


def test_ctrl_c_stops_cleanly_with_a_summary() -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "sentinelle.cli", "watch"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdin is not None
    assert proc.stdout is not None
    proc.stdin.write("ameli-remboursement.com\n")
    proc.stdin.flush()
    first = json.loads(proc.stdout.readline())  # the watch is running and has answered
    assert first["host"] == "ameli-remboursement.com"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 1
    assert "Traceback" not in err
    assert "interrompu" in err
    assert "1 signalés" in err
