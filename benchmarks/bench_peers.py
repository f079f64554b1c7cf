"""Side by side with SpamAssassin and Rspamd (a script, not a test): the same e-mails, one run, same concurrency.

Draws a labelled sample with a fixed seed from ``../shared/corpus/email/{phish,phish_fr,ham}`` (``--limit`` files
per folder, or ``--full`` for every file), by default only from the text model's held-out test part (``--split``:
Sentinelle's text model was trained on the same folders), then sends it through each system in turn (never two
at once):

* ``sentinelle-lib``: the library in long-lived worker processes (``--jobs`` of them, one ``Engine`` built and
  warmed up, ``Engine.warm_up``, once in each before the clock starts); the latency is ``Engine.analyze`` alone,
  the throughput is the wall time of the whole sample including handing messages to the workers and results back.
* ``sentinelle-http``: ``--jobs`` long-lived ``sentinelle serve`` processes (rate limit off), ``POST /api/v1/analyze``
  with the raw message as the body (``Content-Type: message/rfc822``, as Rspamd's client sends it), client
  threads spread over the servers round-robin as a load balancer would. Needs the ``sentinelle.web`` package (the
  ``web`` extra); skipped with a message when it is missing.
* ``spamassassin``: spamd (``--max-children 2``) over its own protocol (``REPORT``), one connection per message as
  ``spamc`` does.
* ``rspamd``: ``POST /checkv2`` to the normal worker (``count = 2``), one connection per message.

The peers are the Debian packages set up offline by ``../shared/tools/peers`` (network checks and Bayes off, see
its README). Unless ``--no-setup``, this script runs that folder's ``install.sh`` when the daemons are missing and
``start.sh`` when they are not answering; ``--stop`` runs ``stop.sh`` at the end.

Each system gets ``--warmup`` untimed messages first, then ``--jobs`` concurrent clients over the sample; the
peers' and HTTP latencies are measured by the client (round trip on loopback). What counts as "flagged" for each
system is printed with the results (``MAPPING``). Rspamd's ``DATE_IN_PAST`` fires on every message older than a
day (the machine's clock is in 2026, the legitimate mail is from 2002), so Rspamd is also reported with that
symbol's score taken out and its action recomputed from its own thresholds (``rspamd-no-date``).

    .venv/bin/python benchmarks/bench_peers.py [--limit 200 | --full] [--split test|all] [--seed 1] [--jobs 2]
        [--rounds 1] [--systems sentinelle-lib,sentinelle-http,spamassassin,rspamd] [--json OUT] [--stop]
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.client
import itertools
import json
import math
import multiprocessing as mp
import os
import platform
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

#: Corpus folder -> (segment name in the tables, is it phishing?)
SEGMENTS: dict[str, tuple[str, bool]] = {
    "phish": ("phishing, multi-brand, mostly English", True),
    "phish_fr": ("phishing in French", True),
    "ham": ("legitimate (2002, mostly English)", False),
}

SENTINELLE_FLAGGED = frozenset({"fraud", "suspicious"})
RSPAMD_FLAGGED_ACTIONS = frozenset({"reject", "add header", "rewrite subject"})
#: Rspamd's stock action thresholds (``actions.conf``), used when its controller cannot be asked.
RSPAMD_STOCK_THRESHOLDS: dict[str, float] = {"greylist": 4.0, "add header": 6.0, "reject": 15.0}
#: Symbols whose firing depends on the clock of the machine rather than on the message.
CLOCK_SYMBOLS = ("DATE_IN_PAST",)

MAPPING: dict[str, str] = {
    "sentinelle": "flagged = level fraud or suspicious (points >= the 'suspicious' threshold of weights.toml)",
    "spamassassin": "flagged = spamd's 'Spam: True' (score >= required_score, 5.0 in the shared zz_offline.cf)",
    "rspamd": "flagged = action reject, add header or rewrite subject (stock: score >= 6); "
    "greylist, soft reject and no action = not flagged",
    "rspamd-no-date": "as rspamd, after subtracting DATE_IN_PAST's score and re-reading the action off Rspamd's "
    "own thresholds (a forced action, from a pre-filter, is kept as is)",
}


# ------------------------------------------------------------------------------------------------ pure parts
@dataclass(frozen=True, slots=True)
class Item:
    """One message of the sample: its folder (segment) and whether it is phishing."""

    folder: str
    name: str

    @property
    def positive(self) -> bool:
        return SEGMENTS[self.folder][1]

    @property
    def file(self) -> str:
        return f"{self.folder}/{self.name}"


def draw_sample(files: Mapping[str, Iterable[str]], limit: int | None, seed: int) -> list[Item]:
    """At most ``limit`` names per folder (``None``: all), drawn with ``seed``, then shuffled together.

    The draw depends only on the set of names, the limit and the seed (names are sorted first), so the same
    corpus gives the same sample on every machine; a larger limit draws a superset's worth of new names.
    """
    rng = random.Random(seed)
    items: list[Item] = []
    for folder in sorted(files):
        names = sorted(set(files[folder]))
        chosen = names if limit is None or limit >= len(names) else rng.sample(names, limit)
        items.extend(Item(folder, n) for n in chosen)
    rng.shuffle(items)
    return items


def sentinelle_flagged(level: str) -> bool:
    """A Sentinelle verdict counts as flagged when its level is ``fraud`` or ``suspicious``."""
    return level in SENTINELLE_FLAGGED


def rspamd_flagged(action: str | None) -> bool:
    """An Rspamd result counts as flagged when its action would divert or mark the message."""
    return action in RSPAMD_FLAGGED_ACTIONS


def rspamd_action(score: float, thresholds: Mapping[str, float | None]) -> str:
    """The action Rspamd takes for ``score``: the highest-threshold action reached, else ``no action``."""
    reached = [(t, a) for a, t in thresholds.items() if t is not None and not math.isnan(t) and score >= t]
    return max(reached)[1] if reached else "no action"


def rspamd_without(
    score: float, action: str, symbols: Mapping[str, float], drop: Iterable[str], thresholds: Mapping[str, float | None]
) -> tuple[float, str]:
    """Score and action with the ``drop`` symbols' contributions removed.

    An action that the score does not explain (a pre-filter forced it) is kept, since removing a symbol cannot
    undo it.
    """
    removed = sum(symbols.get(s, 0.0) for s in drop)
    if rspamd_action(score, thresholds) != action:
        return score - removed, action
    adjusted = score - removed
    return adjusted, rspamd_action(adjusted, thresholds)


_SPAM_HEADER = re.compile(r"^Spam:\s*(\w+)\s*;\s*(-?[\d.]+)\s*/\s*(-?[\d.]+)\s*$", re.MULTILINE)
_REPORT_RULER = re.compile(r"^----[- ]*$", re.MULTILINE)
_REPORT_RULE = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s+([A-Z][A-Z0-9_]+)(?:\s|$)", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class SpamdAnswer:
    """What spamd answered to ``REPORT``: its verdict, score, threshold and the rules that fired with points."""

    spam: bool
    score: float
    required: float
    rules: dict[str, float]


def parse_spamd(response: bytes) -> SpamdAnswer:
    """Read a ``SPAMD/1.x`` response to ``REPORT``; ``ValueError`` when it is not a successful one."""
    text = response.decode("utf-8", "replace")
    head, _, body = text.partition("\r\n\r\n")
    status = head.split("\r\n", 1)[0].split()
    if len(status) < 3 or not status[0].startswith("SPAMD/") or status[1] != "0":
        raise ValueError(f"spamd answered {head[:120]!r}")
    found = _SPAM_HEADER.search(head)
    if found is None:
        raise ValueError(f"spamd answer without a Spam header: {head[:120]!r}")
    ruler = _REPORT_RULER.search(body)  # the rules table starts below a line of dashes
    table = body[ruler.end() :] if ruler else ""
    rules = {m.group(2): float(m.group(1)) for m in _REPORT_RULE.finditer(table)}
    return SpamdAnswer(found.group(1).lower() in ("true", "yes"), float(found.group(2)), float(found.group(3)), rules)


def parse_rspamd(body: bytes) -> tuple[str, float, dict[str, float]]:
    """Action, score and every symbol with its score from Rspamd's ``/checkv2`` JSON answer."""
    data = json.loads(body)
    if not isinstance(data, dict) or "action" not in data:
        raise ValueError(f"not an Rspamd answer: {body[:120]!r}")
    symbols = {name: float(s.get("score", 0.0)) for name, s in (data.get("symbols") or {}).items()}
    return str(data["action"]), float(data.get("score", 0.0)), symbols


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..1) of an already sorted sequence; 0.0 when it is empty."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(q * len(sorted_values)))
    return sorted_values[rank - 1]


@dataclass(frozen=True, slots=True)
class Outcome:
    """One message through one system."""

    file: str
    folder: str
    positive: bool
    flagged: bool
    score: float | None
    ms: float
    detail: str = ""  # Sentinelle's level, SpamAssassin's verdict, Rspamd's action
    symbols: dict[str, float] = field(default_factory=dict)
    error: str | None = None


def quality(outcomes: Iterable[Outcome]) -> dict[str, Any]:
    """Confusion counts, precision, recall, F1 and false-positive rate (errors count as not flagged)."""
    tp = fp = fn = tn = 0
    for o in outcomes:
        if o.positive:
            tp, fn = (tp + 1, fn) if o.flagged else (tp, fn + 1)
        else:
            fp, tn = (fp + 1, tn) if o.flagged else (fp, tn + 1)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "false_positive_rate": fp / (fp + tn) if fp + tn else 0.0,
    }


def speed(outcomes: Sequence[Outcome], wall_s: float) -> dict[str, float]:
    """Messages per second over the timed wall clock, median and p95 latency in milliseconds."""
    lat = sorted(o.ms for o in outcomes)
    return {
        "wall_s": wall_s,
        "per_second": len(lat) / wall_s if wall_s > 0 else 0.0,
        "median_ms": statistics.median(lat) if lat else 0.0,
        "p95_ms": percentile(lat, 0.95),
        "max_ms": lat[-1] if lat else 0.0,
    }


def by_segment(outcomes: Sequence[Outcome]) -> dict[str, dict[str, Any]]:
    """Per folder: messages, flagged, flagged rate; for phishing folders also P/R/F1 against the ham folder."""
    out: dict[str, dict[str, Any]] = {}
    ham = [o for o in outcomes if not o.positive]
    for folder in SEGMENTS:
        mine = [o for o in outcomes if o.folder == folder]
        if not mine:
            continue
        flagged = sum(o.flagged for o in mine)
        entry: dict[str, Any] = {"messages": len(mine), "flagged": flagged, "flagged_rate": flagged / len(mine)}
        if SEGMENTS[folder][1] and ham:
            entry["against_ham"] = quality([*mine, *ham])
        out[folder] = entry
    return out


def top_symbols(outcomes: Iterable[Outcome], n: int = 6) -> list[tuple[str, int]]:
    """The symbols (rules, evidence codes) that most often added points (informational zero scores left out)."""
    counts: Counter[str] = Counter()
    for o in outcomes:
        counts.update(k for k, v in o.symbols.items() if v > 0)
    return counts.most_common(n)


# ------------------------------------------------------------------------------------------------ clients
def _http(
    url: str, body: bytes | None, headers: Mapping[str, str], timeout: float, method: str = "POST"
) -> tuple[int, bytes]:
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port or 80, timeout=timeout)
    try:
        conn.request(method, parts.path or "/", body=body, headers=dict(headers))
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def spamd_scan(host: str, port: int, timeout: float) -> Callable[[bytes], tuple[bool, float, str, dict[str, float]]]:
    """A client for spamd's ``REPORT`` command (the SPAMC/1.5 protocol), one connection per message."""

    def scan(raw: bytes) -> tuple[bool, float, str, dict[str, float]]:
        request = b"REPORT SPAMC/1.5\r\nContent-length: %d\r\nUser: bench\r\n\r\n" % len(raw)
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.sendall(request + raw)
            sock.shutdown(socket.SHUT_WR)
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        answer = parse_spamd(b"".join(chunks))
        return answer.spam, answer.score, f"{'spam' if answer.spam else 'ham'} (>= {answer.required:g})", answer.rules

    return scan


def spamd_ping(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2) as sock:
            sock.sendall(b"PING SPAMC/1.5\r\n\r\n")
            return b"PONG" in sock.recv(256)
    except OSError:
        return False


def rspamd_scan(url: str, timeout: float) -> Callable[[bytes], tuple[str, float, dict[str, float]]]:
    """A client for Rspamd's ``/checkv2``: action, score and every symbol with its score."""

    def scan(raw: bytes) -> tuple[str, float, dict[str, float]]:
        status, body = _http(url, raw, {}, timeout)
        if status != 200:
            raise RuntimeError(f"rspamd HTTP {status}: {body[:120]!r}")
        return parse_rspamd(body)

    return scan


def rspamd_thresholds(controller: str) -> tuple[dict[str, float | None], str]:
    """Rspamd's action thresholds from its controller (``/actions``), or the stock ones when it cannot be asked."""
    try:
        status, body = _http(controller.rstrip("/") + "/actions", None, {}, 5.0, method="GET")
        if status == 200:
            return {a["action"]: a.get("value") for a in json.loads(body)}, f"{controller}/actions"
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return dict(RSPAMD_STOCK_THRESHOLDS), "stock actions.conf (controller not reachable)"


def ping_http(url: str) -> bool:
    try:
        return _http(url, None, {}, 2.0, method="GET")[0] == 200
    except OSError:
        return False


def sentinelle_http_scan(urls: Sequence[str], timeout: float) -> Callable[[bytes], tuple[str, float, dict[str, float]]]:
    """A client for ``POST /api/v1/analyze`` spread over ``urls`` round-robin: the raw message as the body
    (``Content-Type: message/rfc822``), as the Rspamd client posts it."""
    counter = itertools.count()

    def scan(raw: bytes) -> tuple[str, float, dict[str, float]]:
        base = urls[next(counter) % len(urls)]
        status, answer = _http(base + "/api/v1/analyze", raw, {"Content-Type": "message/rfc822"}, timeout)
        if status != 200:
            raise RuntimeError(f"sentinelle HTTP {status}: {answer[:160]!r}")
        data = json.loads(answer)
        symbols = {e["code"]: float(e.get("weight", 0.0)) for e in data.get("evidence", [])}
        return str(data["level"]), float(data["score"]), symbols

    return scan


# ------------------------------------------------------------------------------------------------ running
@dataclass
class Run:
    """One system's pass over the sample.

    ``server_cpu_s`` is the CPU time the system itself spent during the timed pass (the daemons' process trees,
    the Sentinelle servers or library workers), ``client_cpu_s`` that of this script's clients: on a shared
    machine, CPU milliseconds per message are steadier than wall-clock throughput.
    """

    name: str
    how: str
    outcomes: list[Outcome]
    wall_s: float
    load_before: float
    load_after: float
    server_cpu_s: float | None = None
    client_cpu_s: float | None = None


_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def tree_cpu(roots: Iterable[int]) -> float | None:
    """CPU seconds (user + system) of the processes ``roots`` and all their descendants, from ``/proc``.

    Each live process counts its own time plus that of its children already waited for (``cutime``), so a
    worker that exited during the pass (spamd recycles its children) is still counted, once. ``None`` when
    ``/proc`` cannot be read or no root is alive.
    """
    stats: dict[int, tuple[int, float]] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return None
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            raw = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = raw[raw.rindex(")") + 2 :].split()  # the command name may hold spaces and parentheses
        ppid, times = int(fields[1]), sum(int(v) for v in fields[11:15])  # utime stime cutime cstime
        stats[int(entry)] = (ppid, times / _TICK)
    wanted = {pid for pid in roots if pid in stats}
    if not wanted:
        return None
    grew = True
    while grew:
        children = {pid for pid, (ppid, _) in stats.items() if ppid in wanted} - wanted
        wanted |= children
        grew = bool(children)
    return sum(stats[pid][1] for pid in wanted)


def _pid_file(path: Path) -> list[int]:
    try:
        return [int(path.read_text().split()[0])]
    except (OSError, ValueError, IndexError):
        return []


@dataclass(frozen=True, slots=True)
class Client:
    """A system reached over the network: how to scan one message and which processes do the work."""

    name: str
    how: str
    scan: Callable[[bytes], tuple[bool, float | None, str, dict[str, float]]]
    processes: Path | tuple[int, ...]  # a daemon's pid file (read at each pass: it may restart) or process ids

    def server_pids(self) -> list[int]:
        return _pid_file(self.processes) if isinstance(self.processes, Path) else list(self.processes)


def run_client(client: Client, items: Sequence[Item], raws: Sequence[bytes], jobs: int, warmup: int) -> Run:
    """Time ``client.scan`` over the sample with ``jobs`` client threads, after an untimed warm-up."""

    def one(item: Item, raw: bytes) -> Outcome:
        t = time.perf_counter()
        try:
            flagged, score, detail, symbols = client.scan(raw)
            error = None
        except Exception as exc:  # noqa: BLE001 - a failed message is recorded, the run goes on
            flagged, score, detail, symbols, error = False, None, "error", {}, f"{type(exc).__name__}: {exc}"
        ms = (time.perf_counter() - t) * 1000
        return Outcome(item.file, item.folder, item.positive, flagged, score, ms, detail, symbols, error)

    with ThreadPoolExecutor(jobs) as pool:
        list(pool.map(one, items[:warmup], raws[:warmup]))
        load = os.getloadavg()[0]
        pids = client.server_pids()
        server0, client0 = tree_cpu(pids), time.process_time()
        started = time.perf_counter()
        outcomes = list(pool.map(one, items, raws))
        wall = time.perf_counter() - started
        server1, client1 = tree_cpu(pids), time.process_time()
    server = server1 - server0 if server0 is not None and server1 is not None else None
    return Run(client.name, client.how, outcomes, wall, load, os.getloadavg()[0], server, client1 - client0)


def _library_worker(
    raws: Sequence[bytes], warmup: int, tasks: Any, results: Any, go: Any
) -> None:  # pragma: no cover - runs in a child process
    from sentinelle import Engine

    engine = Engine()
    engine.warm_up()  # what a daemon does at start (sentinelle serve, batch workers): readers and tables loaded
    for raw in raws[:warmup]:
        engine.analyze(raw, kind="email")
    results.put(("ready", os.getpid()))
    go.wait()
    cpu = time.process_time()
    while (chunk := tasks.get()) is not None:
        done = []
        for i in chunk:
            t = time.perf_counter()
            try:
                v = engine.analyze(raws[i], kind="email")
                row: tuple[Any, ...] = (i, v.level.value, v.score, {e.signal: e.weight for e in v.evidence}, None)
            except Exception as exc:  # noqa: BLE001 - recorded as this message's error
                row = (i, "error", None, {}, f"{type(exc).__name__}: {exc}")
            done.append((*row, (time.perf_counter() - t) * 1000))
        results.put(("done", done))
    results.put(("cpu", time.process_time() - cpu))


def run_library(items: Sequence[Item], raws: Sequence[bytes], jobs: int, warmup: int, chunk: int = 4) -> Run:
    """Sentinelle as a library in ``jobs`` long-lived worker processes (fork), each with one ``Engine``."""
    ctx = mp.get_context("fork")
    tasks, results, go = ctx.Queue(), ctx.Queue(), ctx.Event()
    workers = [ctx.Process(target=_library_worker, args=(raws, warmup, tasks, results, go)) for _ in range(jobs)]
    for w in workers:
        w.start()
    rows: list[tuple[Any, ...]] = []
    worker_cpu = 0.0
    try:
        for _ in workers:
            kind, _pid = results.get(timeout=300)
            assert kind == "ready"
        for start in range(0, len(items), chunk):
            tasks.put(list(range(start, min(start + chunk, len(items)))))
        for _ in workers:
            tasks.put(None)
        time.sleep(0.2)  # let the queue's feeder thread fill the pipe before the clock starts
        load = os.getloadavg()[0]
        client0 = time.process_time()
        started = time.perf_counter()
        go.set()
        wall = client = 0.0
        reported = 0
        while len(rows) < len(items) or reported < jobs:  # every verdict, then every worker's CPU time
            kind, payload = results.get(timeout=600)
            if kind == "cpu":
                worker_cpu += payload
                reported += 1
                continue
            rows.extend(payload)
            if len(rows) == len(items):
                wall, client = time.perf_counter() - started, time.process_time() - client0
    finally:
        for w in workers:
            w.join(10)
            if w.is_alive():
                w.terminate()
    outcomes = []
    for i, level, score, symbols, error, ms in sorted(rows, key=lambda r: int(r[0])):
        it = items[i]
        flagged = sentinelle_flagged(level)
        outcomes.append(Outcome(it.file, it.folder, it.positive, flagged, score, ms, level, symbols, error))
    how = f"library, {jobs} worker process(es), one Engine each; latency = Engine.analyze only"
    return Run("sentinelle-lib", how, outcomes, wall, load, os.getloadavg()[0], worker_cpu, client)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_servers(count: int, timeout_s: float = 60.0) -> tuple[list[subprocess.Popen[bytes]], list[str]]:
    """``count`` ``sentinelle serve`` processes on free loopback ports, rate limit off; waits for their health."""
    exe = Path(sys.executable).with_name("sentinelle")
    cmd0 = [str(exe)] if exe.exists() else [sys.executable, "-c", "from sentinelle.cli import main; main()"]
    procs, urls, logs = [], [], []
    for _ in range(count):
        port = _free_port()
        cmd = [*cmd0, "serve", "--host", "127.0.0.1", "--port", str(port), "--rate-per-minute", "0"]
        log = tempfile.TemporaryFile()  # noqa: SIM115 - open while the server runs; a full pipe would stall it
        procs.append(subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=log))
        logs.append(log)
        urls.append(f"http://127.0.0.1:{port}")
    deadline = time.monotonic() + timeout_s
    for proc, url in zip(procs, urls, strict=True):
        while not ping_http(url + "/api/v1/health"):
            if proc.poll() is not None or time.monotonic() > deadline:
                stop_servers(procs)
                log = logs[procs.index(proc)]
                log.seek(0)
                err = log.read().decode("utf-8", "replace")[-400:]
                raise RuntimeError(f"sentinelle serve did not start on {url}: {err}")
            time.sleep(0.1)
    return procs, urls


def stop_servers(procs: Iterable[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


def setup_peers(peers_dir: Path, sa: tuple[str, int], rspamd_url: str, allow: bool) -> list[str]:
    """Make sure both peers answer: ``install.sh`` if missing, ``start.sh`` if not running. Returns what was done."""
    ping = urllib.parse.urljoin(rspamd_url, "/ping")
    if spamd_ping(*sa) and ping_http(ping):
        return ["peers already running"]
    if not allow:
        raise SystemExit(f"peers not running: start them with {peers_dir / 'start.sh'} (or drop --no-setup)")
    done = []
    if not (shutil.which("spamd") and shutil.which("rspamd")):
        print(f"installing the peers: {peers_dir / 'install.sh'}", file=sys.stderr)
        subprocess.run([str(peers_dir / "install.sh")], check=True)
        done.append("install.sh")
    print(f"starting the peers: {peers_dir / 'start.sh'}", file=sys.stderr)
    subprocess.run([str(peers_dir / "start.sh")], check=True, stdout=subprocess.DEVNULL)
    done.append("start.sh")
    if not (spamd_ping(*sa) and ping_http(ping)):
        raise SystemExit("peers still not answering after start.sh")
    return done


def _version(cmd: Sequence[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return "?"
    return out.strip().splitlines()[0] if out.strip() else "?"


def machine() -> dict[str, Any]:
    cpu = "?"
    with contextlib.suppress(OSError, StopIteration):
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    from sentinelle import Engine, __version__

    engine = Engine()
    w = engine.knowledge.weights
    return {
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "kernel": platform.release(),
        "sentinelle": f"{__version__}+data.{engine.knowledge.digest}",
        "sentinelle_thresholds": {"suspicious": w.suspicious, "fraud": w.fraud},
        "spamassassin": _version(["spamd", "--version"]),
        "rspamd": _version(["rspamd", "--version"]),
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }


# ------------------------------------------------------------------------------------------------ report
def flips(runs: Sequence[Run]) -> int:
    """Messages whose verdict was not the same in every round (0 for deterministic systems)."""
    seen: dict[str, set[bool]] = {}
    for run in runs:
        for o in run.outcomes:
            seen.setdefault(o.file, set()).add(o.flagged)
    return sum(len(v) > 1 for v in seen.values())


def summarise(runs: Sequence[Run]) -> dict[str, Any]:
    """Quality from the first round; speed of the round with the median throughput, every round kept."""
    first = runs[0]
    errors = [o for o in first.outcomes if o.error]
    rounds: list[dict[str, Any]] = []
    for run in runs:
        n = len(run.outcomes) or 1
        rounds.append(
            speed(run.outcomes, run.wall_s)
            | {
                "server_cpu_ms_per_msg": run.server_cpu_s * 1000 / n if run.server_cpu_s is not None else None,
                "client_cpu_ms_per_msg": run.client_cpu_s * 1000 / n if run.client_cpu_s is not None else None,
                "load_before": run.load_before,
                "load_after": run.load_after,
            }
        )
    middle = sorted(range(len(rounds)), key=lambda i: rounds[i]["per_second"])[(len(rounds) - 1) // 2]
    return {
        "how": first.how,
        "messages": len(first.outcomes),
        "errors": len(errors),
        "first_error": f"{errors[0].file}: {errors[0].error}" if errors else None,
        "quality": quality(first.outcomes),
        "speed": rounds[middle],
        "rounds": rounds,
        "verdicts_changed_between_rounds": flips(runs),
        "segments": by_segment(first.outcomes),
        "top_symbols_on_ham_flagged": top_symbols(o for o in first.outcomes if not o.positive and o.flagged),
        "top_symbols_on_phish_flagged": top_symbols(o for o in first.outcomes if o.positive and o.flagged),
    }


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def print_tables(summary: Mapping[str, Mapping[str, Any]], jobs: int) -> None:
    print(
        f"\n| system | msgs | TP | FP | FN | TN | precision | recall | F1 | FP rate | msg/s ({jobs} clients) "
        "| median ms | p95 ms | system CPU ms/msg | errors |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name, s in summary.items():
        q, sp = s["quality"], s["speed"]
        print(
            f"| {name} | {s['messages']} | {q['tp']} | {q['fp']} | {q['fn']} | {q['tn']} | {q['precision']:.3f} "
            f"| {q['recall']:.3f} | {q['f1']:.3f} | {q['false_positive_rate']:.3f} | {sp['per_second']:,.0f} "
            f"| {sp['median_ms']:.2f} | {sp['p95_ms']:.2f} | {_ms(sp['server_cpu_ms_per_msg'])} | {s['errors']} |"
        )
    folders = [f for f in SEGMENTS if any(f in s["segments"] for s in summary.values())]
    print("\nPer segment: flagged / messages (rate); for phishing, F1 against the ham of the sample")
    print("| system | " + " | ".join(f"{f}: {SEGMENTS[f][0]}" for f in folders) + " |")
    print("|---|" + "---|" * len(folders))
    for name, s in summary.items():
        cells = []
        for f in folders:
            seg = s["segments"].get(f)
            if seg is None:
                cells.append("")
                continue
            cell = f"{seg['flagged']}/{seg['messages']} ({seg['flagged_rate']:.3f})"
            if "against_ham" in seg:
                cell += f", F1 {seg['against_ham']['f1']:.3f}"
            cells.append(cell)
        print(f"| {name} | " + " | ".join(cells) + " |")
    if any(len(s["rounds"]) > 1 for s in summary.values()):
        print("\nEvery round: msg/s (load average before)")
        for name, s in summary.items():
            each = ", ".join(f"{r['per_second']:,.0f} ({r['load_before']:.1f})" for r in s["rounds"])
            print(f"  {name}: {each}; verdicts changed between rounds: {s['verdicts_changed_between_rounds']}")


def _folder_files(corpus: Path) -> dict[str, list[str]]:
    files: dict[str, list[str]] = {}
    for folder in SEGMENTS:
        d = corpus / folder
        if d.is_dir():
            files[folder] = [p.name for p in d.iterdir() if p.is_file() and not p.name.startswith(".")]
    return files


def keep_split(corpus: Path, files: Mapping[str, list[str]], split: str) -> dict[str, list[str]]:
    """Only the files of the text model's ``split`` part (``test``: messages its training never saw).

    The part is the one ``scripts/train_text_model.py`` and ``benchmarks/eval_quality.py`` use: a hash of each
    message's normalised wording and the seed of ``benchmarks/corpus_segments.py``. ``all`` keeps every file (the
    model was trained on 60 % of them, so Sentinelle's figures are then flattered).
    """
    if split == "all":
        return {k: list(v) for k, v in files.items()}
    here = str(Path(__file__).resolve().parent)
    if here not in sys.path:
        sys.path.insert(0, here)
    import corpus_segments as cs

    from sentinelle import Engine, SentinelleError
    from sentinelle.textmodel import tokens
    from sentinelle.textnorm import fold

    engine = Engine()
    kept: dict[str, list[str]] = {}
    for folder, names in files.items():
        kept[folder] = []
        for name in names:
            try:
                msg = engine.parse(corpus / folder / name)
            except SentinelleError:
                continue  # unreadable: the model never trained on it either, but nobody can score it fairly
            text = msg.subject + "\n" + msg.text if msg.subject else msg.text
            if cs.split_of(" ".join(tokens(fold(text)))) == split:
                kept[folder].append(name)
    return kept


def rspamd_no_date(run: Run, thresholds: Mapping[str, float | None]) -> Run:
    """The Rspamd run re-read with the clock-dependent symbols' scores removed (no new requests)."""
    outcomes = []
    for o in run.outcomes:
        if o.error or o.score is None:
            outcomes.append(o)
            continue
        score, action = rspamd_without(o.score, o.detail, o.symbols, CLOCK_SYMBOLS, thresholds)
        symbols = {k: v for k, v in o.symbols.items() if k not in CLOCK_SYMBOLS}
        outcomes.append(
            Outcome(o.file, o.folder, o.positive, rspamd_flagged(action), score, o.ms, action, symbols, o.error)
        )
    how = f"the rspamd run re-read without {', '.join(CLOCK_SYMBOLS)} (same requests, same timing)"
    return Run(
        "rspamd-no-date", how, outcomes, run.wall_s, run.load_before, run.load_after, run.server_cpu_s, run.client_cpu_s
    )


def date_in_past(run: Run) -> dict[str, str]:
    """Per folder, how many messages Rspamd gave DATE_IN_PAST."""
    out: dict[str, str] = {}
    for folder in SEGMENTS:
        mine = [o for o in run.outcomes if o.folder == folder]
        if mine:
            out[folder] = f"{sum('DATE_IN_PAST' in o.symbols for o in mine)}/{len(mine)}"
    return out


SYSTEMS = ("sentinelle-lib", "sentinelle-http", "spamassassin", "rspamd")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=SHARED / "corpus" / "email")
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--limit", type=int, default=200, help="files drawn per folder (default 200)")
    size.add_argument("--full", action="store_true", help="every file of the three folders")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--split",
        choices=("test", "calib", "train", "all"),
        default="test",
        help="draw from this part of the text model's split (default: test, the messages its training never saw)",
    )
    parser.add_argument("--jobs", type=int, default=2, help="concurrent clients / workers for every system")
    parser.add_argument("--warmup", type=int, default=20, help="untimed messages sent to each system first")
    parser.add_argument(
        "--rounds", type=int, default=1, help="passes over the sample, systems in a rotated order each time"
    )
    parser.add_argument("--systems", default=",".join(SYSTEMS), help=f"comma-separated subset of {', '.join(SYSTEMS)}")
    parser.add_argument("--http-url", action="append", default=[], help="use running Sentinelle servers (base URL)")
    parser.add_argument("--peers-dir", type=Path, default=SHARED / "tools" / "peers")
    parser.add_argument(
        "--peers-state", type=Path, default=Path(os.environ.get("PEERS_STATE", "/tmp/sentinelle-peers"))
    )
    parser.add_argument("--no-setup", action="store_true", help="only check that the peers run, never install/start")
    parser.add_argument("--stop", action="store_true", help="run the peers' stop.sh at the end")
    parser.add_argument("--spamd", default="127.0.0.1:7830")
    parser.add_argument("--rspamd-url", default="http://127.0.0.1:11333/checkv2")
    parser.add_argument("--rspamd-controller", default="http://127.0.0.1:11334")
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--json", type=Path, default=ROOT / "bench-results" / "bench_peers.json")
    args = parser.parse_args(argv)

    systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    unknown = set(systems) - set(SYSTEMS)
    if unknown or min(args.jobs, args.limit, args.rounds) < 1:
        parser.error(f"unknown systems {sorted(unknown)}" if unknown else "--jobs, --limit, --rounds must be >= 1")
    files = _folder_files(args.corpus)
    if not files:
        print(f"corpus not found under {args.corpus}", file=sys.stderr)
        return 2
    files = keep_split(args.corpus, files, args.split)
    items = draw_sample(files, None if args.full else args.limit, args.seed)
    raws = [(args.corpus / it.file).read_bytes() for it in items]
    warmup = min(args.warmup, len(items))
    counts = Counter(it.folder for it in items)
    host, _, port = args.spamd.rpartition(":")
    info = machine()
    print(
        f"sample: {dict(counts)} of split {args.split} (seed {args.seed}, "
        f"{'every file' if args.full else f'limit {args.limit}/folder'}), "
        f"{sum(map(len, raws)) / len(raws) / 1024:.1f} KiB mean; {args.jobs} clients; {info['cpus']} CPUs "
        f"({info['cpu']}); sentinelle {info['sentinelle']}",
        file=sys.stderr,
    )

    setup: list[str] = []
    skipped: dict[str, str] = {}
    procs: list[subprocess.Popen[bytes]] = []
    runners: dict[str, Callable[[], Run]] = {}
    thresholds: dict[str, float | None] = {}
    threshold_source = ""
    peers = {"spamassassin", "rspamd"} & set(systems)
    runs: dict[str, list[Run]] = {}
    try:
        if peers:
            setup = setup_peers(args.peers_dir, (host, int(port)), args.rspamd_url, not args.no_setup)
            info["spamassassin"], info["rspamd"] = _version(["spamd", "--version"]), _version(["rspamd", "--version"])
        for system in systems:
            if system == "sentinelle-lib":
                runners[system] = functools.partial(run_library, items, raws, args.jobs, warmup)
            elif system == "sentinelle-http":
                try:
                    import sentinelle.web  # noqa: F401  (the web extra: fastapi, uvicorn)
                except ImportError as exc:
                    skipped[system] = f"sentinelle.web not importable ({exc}); install the web extra"
                    print(f"  skipped: {skipped[system]}", file=sys.stderr)
                    continue
                urls = [u.rstrip("/") for u in args.http_url]
                if not urls:
                    procs, urls = start_servers(args.jobs)
                http_scan = sentinelle_http_scan(urls, args.timeout)

                def sentinelle_one(raw: bytes, scan: Any = http_scan) -> tuple[bool, float, str, dict[str, float]]:
                    level, score, symbols = scan(raw)
                    return sentinelle_flagged(level), score, level, symbols

                how = (
                    f"HTTP POST /api/v1/analyze (raw message/rfc822 body), {len(urls)} `sentinelle serve` process(es) "
                    "round-robin, rate limit off; latency = client round trip"
                )
                client = Client(system, how, sentinelle_one, tuple(p.pid for p in procs))
                runners[system] = functools.partial(run_client, client, items, raws, args.jobs, warmup)
            elif system == "spamassassin":
                how = f"spamd {args.spamd} (2 children), REPORT over SPAMC/1.5, one connection per message"
                sa_pids = args.peers_state / "sa" / "run" / "spamd.pid"
                client = Client(system, how, spamd_scan(host, int(port), args.timeout), sa_pids)
                runners[system] = functools.partial(run_client, client, items, raws, args.jobs, warmup)
            else:
                thresholds, threshold_source = rspamd_thresholds(args.rspamd_controller)
                rscan = rspamd_scan(args.rspamd_url, args.timeout)

                def rspamd_one(raw: bytes, scan: Any = rscan) -> tuple[bool, float, str, dict[str, float]]:
                    action, score, symbols = scan(raw)
                    return rspamd_flagged(action), score, action, symbols

                how = f"POST {args.rspamd_url} (2 normal workers), one connection per message"
                rs_pids = args.peers_state / "rspamd" / "run" / "rspamd.pid"
                client = Client(system, how, rspamd_one, rs_pids)
                runners[system] = functools.partial(run_client, client, items, raws, args.jobs, warmup)
        order = list(runners)
        for r in range(args.rounds):
            for system in order[r % len(order) :] + order[: r % len(order)]:
                print(f"round {r + 1}: {system} ...", file=sys.stderr)
                run = runners[system]()
                runs.setdefault(system, []).append(run)
                if system == "rspamd":
                    runs.setdefault("rspamd-no-date", []).append(rspamd_no_date(run, thresholds))
    finally:
        stop_servers(procs)
        if args.stop and peers:
            subprocess.run([str(args.peers_dir / "stop.sh")], check=False)

    summary = {name: summarise(runs[name]) for name in [*order, "rspamd-no-date"] if name in runs}
    date_fired = date_in_past(runs["rspamd"][0]) if "rspamd" in runs else {}
    print(f"\nmachine: {info}")
    print_tables(summary, args.jobs)
    print("\nWhat counts as flagged:")
    for name in summary:
        print(f"  {name}: {MAPPING[name.removesuffix('-lib').removesuffix('-http')]}")
    if thresholds:
        print(f"  rspamd thresholds: {thresholds} (from {threshold_source})")
    for name, reason in skipped.items():
        print(f"  {name}: skipped, {reason}")
    if date_fired:
        print(f"\nRspamd DATE_IN_PAST fired on: {date_fired}")
    for name, s in summary.items():
        if s["errors"]:
            print(f"{name}: {s['errors']} errors, first: {s['first_error']}")
        print(f"{name}: most frequent on flagged ham {s['top_symbols_on_ham_flagged']}")
        print(f"{name}: most frequent on flagged phishing {s['top_symbols_on_phish_flagged']}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        doc = {
            "machine": info,
            "sample": {
                "split": args.split,
                "split_sizes": {k: len(v) for k, v in files.items()},
                "seed": args.seed,
                "limit": None if args.full else args.limit,
                "counts": dict(counts),
            },
            "jobs": args.jobs,
            "warmup": warmup,
            "rounds": args.rounds,
            "setup": setup,
            "mapping": MAPPING,
            "rspamd_thresholds": {"values": thresholds, "source": threshold_source},
            "skipped": skipped,
            "rspamd_date_in_past": date_fired,
            "systems": summary,
            "messages": {name: [asdict(o) for o in rs[0].outcomes] for name, rs in runs.items()},
        }
        args.json.write_text(json.dumps(doc, indent=1))
        print(f"wrote {args.json}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
