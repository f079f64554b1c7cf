"""The pure parts of benchmarks/bench_peers.py: sampling, verdict mapping, answer parsing, metrics.

None of these tests needs SpamAssassin or Rspamd: the peers' answers are the shapes their daemons really send
(copied from spamd 4.0.1 and Rspamd 3.4 on this machine), read by the benchmark's own parsers. The one
network test talks to a Sentinelle server the test starts itself on loopback.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

from sentinelle import Engine, Level

_PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_peers.py"
FIXTURES = Path(__file__).parent / "fixtures" / "email"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_peers", _PATH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_peers"] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


bp = _load()


def outcome(folder: str, flagged: bool, ms: float = 1.0, error: str | None = None) -> object:
    return bp.Outcome(f"{folder}/x.eml", folder, bp.SEGMENTS[folder][1], flagged, 0.0, ms, error=error)


# ------------------------------------------------------------------------------------------------ sampling
FILES = {
    "phish": [f"sample-{i}.eml" for i in range(50)],
    "phish_fr": [f"fr-{i}.eml" for i in range(7)],
    "ham": [f"ham-{i}.eml" for i in range(40)],
}


def test_sample_is_the_same_for_the_same_seed_whatever_the_listing_order() -> None:
    shuffled = {k: list(reversed(v)) for k, v in FILES.items()}
    assert bp.draw_sample(FILES, 10, seed=1) == bp.draw_sample(shuffled, 10, seed=1)


def test_another_seed_draws_another_sample() -> None:
    assert {i.file for i in bp.draw_sample(FILES, 10, seed=1)} != {i.file for i in bp.draw_sample(FILES, 10, seed=2)}


def test_limit_is_per_folder_and_a_small_folder_is_taken_whole() -> None:
    items = bp.draw_sample(FILES, 10, seed=3)
    counts = {f: sum(i.folder == f for i in items) for f in FILES}
    assert counts == {"phish": 10, "phish_fr": 7, "ham": 10}
    assert len({i.file for i in items}) == len(items)
    assert all(i.name in FILES[i.folder] for i in items)


def test_full_sample_holds_every_file_with_its_label_and_mixes_the_folders() -> None:
    items = bp.draw_sample(FILES, None, seed=1)
    assert sorted(i.file for i in items) == sorted(f"{f}/{n}" for f, names in FILES.items() for n in names)
    assert {i.positive for i in items if i.folder == "ham"} == {False}
    assert {i.positive for i in items if i.folder != "ham"} == {True}
    assert [i.folder for i in items[:20]] != sorted(i.folder for i in items[:20])  # not folder after folder


# ------------------------------------------------------------------------------------------------ mapping
@pytest.mark.parametrize("level", list(Level))
def test_every_sentinelle_level_has_a_decision(level: Level) -> None:
    assert bp.sentinelle_flagged(level.value) is (level in (Level.FRAUD, Level.SUSPICIOUS))


@pytest.mark.parametrize(
    ("action", "flagged"),
    [
        ("reject", True),
        ("add header", True),
        ("rewrite subject", True),
        ("greylist", False),
        ("soft reject", False),
        ("no action", False),
        (None, False),
    ],
)
def test_rspamd_actions_that_count_as_flagged(action: str | None, flagged: bool) -> None:
    assert bp.rspamd_flagged(action) is flagged


THRESHOLDS = {"greylist": 4.0, "add header": 6.0, "reject": 15.0, "rewrite subject": None, "no action": None}


@pytest.mark.parametrize(
    ("score", "action"),
    [(-1.0, "no action"), (3.99, "no action"), (4.0, "greylist"), (6.0, "add header"), (20.0, "reject")],
)
def test_rspamd_action_is_the_highest_threshold_reached(score: float, action: str) -> None:
    assert bp.rspamd_action(score, THRESHOLDS) == action


def test_removing_date_in_past_can_drop_a_message_below_add_header() -> None:
    symbols = {"DATE_IN_PAST": 1.0, "PHISHING": 5.5}
    assert bp.rspamd_without(6.5, "add header", symbols, ["DATE_IN_PAST"], THRESHOLDS) == (5.5, "greylist")
    # a message without the symbol keeps its score and action
    assert bp.rspamd_without(6.5, "add header", {"PHISHING": 6.5}, ["DATE_IN_PAST"], THRESHOLDS) == (
        6.5,
        "add header",
    )


def test_an_action_the_score_does_not_explain_is_kept() -> None:
    # a pre-filter forced "reject" at a low score: taking a symbol away cannot undo it
    assert bp.rspamd_without(2.0, "reject", {"DATE_IN_PAST": 1.0}, ["DATE_IN_PAST"], THRESHOLDS) == (1.0, "reject")


def test_the_mapping_is_stated_for_every_system_the_benchmark_prints() -> None:
    for name in ("sentinelle-lib", "sentinelle-http", "spamassassin", "rspamd", "rspamd-no-date"):
        assert bp.MAPPING[name.removesuffix("-lib").removesuffix("-http")]


# ------------------------------------------------------------------------------------------------ peers' answers
SPAMD_HAM = (
    b"SPAMD/1.1 0 EX_OK\r\nContent-length: 956\r\nSpam: False ; 0.0 / 5.0\r\n\r\n"
    b'Spam detection software, running on the system "vm",\nhas NOT identified this incoming email as spam.\n\n'
    b"Content preview:  Date: Wed, 21 Aug 2002 10:54:46 -0500 From: Chris\n\n"
    b"Content analysis details:   (0.0 points, 5.0 required)\n\n"
    b" pts rule name              description\n"
    b"---- ---------------------- --------------------------------------------------\n"
    b" 1.0 HEADER_FROM_DIFFERENT_DOMAINS From and EnvelopeFrom 2nd level mail\n"
    b"                            domains are different\n"
    b"-1.0 MAILING_LIST_MULTI     Multiple indicators imply a widely-seen list\n"
    b"                            manager\n\n"
)


def test_spamd_report_gives_verdict_threshold_and_rules_with_points() -> None:
    answer = bp.parse_spamd(SPAMD_HAM)
    assert (answer.spam, answer.score, answer.required) == (False, 0.0, 5.0)
    assert answer.rules == {"HEADER_FROM_DIFFERENT_DOMAINS": 1.0, "MAILING_LIST_MULTI": -1.0}


def test_spamd_spam_verdict() -> None:
    raw = b"SPAMD/1.1 0 EX_OK\r\nSpam: True ; 7.3 / 5.0\r\n\r\n pts rule\n---- ---\n 7.3 HTML_MESSAGE x\n"
    answer = bp.parse_spamd(raw)
    assert (answer.spam, answer.score, answer.rules) == (True, 7.3, {"HTML_MESSAGE": 7.3})


@pytest.mark.parametrize(
    "raw",
    [
        b"SPAMD/1.0 76 Bad header line: x\r\n\r\n",
        b"SPAMD/1.1 0 EX_OK\r\nContent-length: 0\r\n\r\n",
        b"",
        b"HTTP/1.1 200",
    ],
)
def test_spamd_failures_are_errors_not_verdicts(raw: bytes) -> None:
    with pytest.raises(ValueError, match="spamd"):
        bp.parse_spamd(raw)


def test_rspamd_answer_gives_action_score_and_symbol_scores() -> None:
    body = json.dumps(
        {
            "is_skipped": False,
            "score": 7.2,
            "required_score": 15.0,
            "action": "add header",
            "symbols": {
                "DATE_IN_PAST": {"name": "DATE_IN_PAST", "score": 1.0, "metric_score": 1.0, "options": ["212"]},
                "MIME_GOOD": {"name": "MIME_GOOD", "score": -0.1, "metric_score": -0.1},
                "PHISHING": {"name": "PHISHING", "score": 6.3, "metric_score": 4.0},
            },
        }
    ).encode()
    assert bp.parse_rspamd(body) == ("add header", 7.2, {"DATE_IN_PAST": 1.0, "MIME_GOOD": -0.1, "PHISHING": 6.3})
    with pytest.raises(ValueError, match="Rspamd"):
        bp.parse_rspamd(b'{"error": "bad request"}')


# ------------------------------------------------------------------------------------------------ metrics
def test_quality_counts_and_ratios() -> None:
    outs = (
        [outcome("phish", True)] * 6
        + [outcome("phish_fr", False)] * 2
        + [outcome("ham", True)] * 2
        + [outcome("ham", False)] * 8
    )
    q = bp.quality(outs)
    assert (q["tp"], q["fn"], q["fp"], q["tn"]) == (6, 2, 2, 8)
    assert q["precision"] == pytest.approx(0.75)
    assert q["recall"] == pytest.approx(0.75)
    assert q["f1"] == pytest.approx(0.75)
    assert q["false_positive_rate"] == pytest.approx(0.2)


def test_quality_of_nothing_flagged_is_zero_not_a_division_error() -> None:
    q = bp.quality([outcome("phish", False), outcome("ham", False)])
    assert (q["precision"], q["recall"], q["f1"], q["false_positive_rate"]) == (0.0, 0.0, 0.0, 0.0)


def test_an_errored_message_counts_as_missed() -> None:
    q = bp.quality([outcome("phish", False, error="OSError: refused"), outcome("phish", True)])
    assert (q["tp"], q["fn"]) == (1, 1)


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert bp.percentile(values, 0.95) == 95.0
    assert bp.percentile(values, 0.5) == 50.0
    assert bp.percentile([3.0], 0.95) == 3.0
    assert bp.percentile([], 0.95) == 0.0


def test_speed_from_wall_time_and_latencies() -> None:
    outs = [outcome("ham", False, ms=float(ms)) for ms in range(1, 21)]
    s = bp.speed(outs, wall_s=0.5)
    assert s["per_second"] == pytest.approx(40.0)
    assert s["median_ms"] == pytest.approx(10.5)
    assert s["p95_ms"] == 19.0
    assert s["max_ms"] == 20.0


def test_segments_report_flagged_rates_and_f1_of_each_phishing_folder_against_ham() -> None:
    outs = (
        [outcome("phish", True)] * 3
        + [outcome("phish", False)]
        + [outcome("phish_fr", True)]
        + [outcome("phish_fr", False)] * 3
        + [outcome("ham", True)]
        + [outcome("ham", False)] * 3
    )
    seg = bp.by_segment(outs)
    assert seg["phish"]["flagged_rate"] == pytest.approx(0.75)
    assert seg["phish_fr"]["flagged_rate"] == pytest.approx(0.25)
    assert seg["ham"]["flagged_rate"] == pytest.approx(0.25)
    assert "against_ham" not in seg["ham"]
    assert seg["phish"]["against_ham"]["f1"] == pytest.approx(0.75)  # P 3/4, R 3/4
    assert seg["phish_fr"]["against_ham"]["f1"] == pytest.approx(1 / 3)  # P 1/2, R 1/4


def test_rspamd_variant_rereads_the_same_requests_without_the_clock_symbol() -> None:
    out = bp.Outcome("ham/a.eml", "ham", False, True, 6.2, 3.0, "add header", {"DATE_IN_PAST": 1.0, "X": 5.2})
    run = bp.Run("rspamd", "", [out], 1.0, 0.0, 0.0)
    variant = bp.rspamd_no_date(run, THRESHOLDS)
    (again,) = variant.outcomes
    assert (again.flagged, again.detail, again.score, again.ms) == (False, "greylist", pytest.approx(5.2), 3.0)
    assert "DATE_IN_PAST" not in again.symbols
    assert bp.date_in_past(run) == {"ham": "1/1"}


def test_top_symbols_count_messages_that_got_points_from_them() -> None:
    outs = [
        bp.Outcome("ham/a", "ham", False, True, 9.0, 1.0, symbols={"RDNS_NONE": 3.6, "X": 1.0, "MIME_TRACE": 0.0}),
        bp.Outcome("ham/b", "ham", False, True, 9.0, 1.0, symbols={"RDNS_NONE": 3.6}),
    ]
    assert bp.top_symbols(outs) == [("RDNS_NONE", 2), ("X", 1)]


def test_summary_takes_quality_from_the_first_round_and_speed_from_the_median_round() -> None:
    def run(wall: float, flagged: bool) -> object:
        return bp.Run("x", "", [outcome("phish", flagged), outcome("ham", False)], wall, 1.0, 1.0, 0.01, None)

    summary = bp.summarise([run(1.0, True), run(4.0, False), run(2.0, True)])
    assert summary["quality"]["tp"] == 1
    assert summary["speed"]["per_second"] == pytest.approx(1.0)  # 2 messages in 2 s: the middle of 2, 0.5, 1
    assert summary["speed"]["server_cpu_ms_per_msg"] == pytest.approx(5.0)
    assert summary["speed"]["client_cpu_ms_per_msg"] is None
    assert summary["verdicts_changed_between_rounds"] == 1
    assert len(summary["rounds"]) == 3


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_process_tree_cpu_is_read_from_proc() -> None:
    mine = bp.tree_cpu([os.getpid()])
    assert mine is not None
    assert mine > 0  # this interpreter has imported pytest and sentinelle: it has used CPU
    assert bp.tree_cpu([2**22 + 7]) is None  # above the largest pid Linux hands out


# ------------------------------------------------------------------------------------------------ HTTP client
def test_http_client_gets_the_verdict_the_library_gives(engine: Engine) -> None:
    web = pytest.importorskip("sentinelle.web", reason="the web door needs the 'web' extra")
    from sentinelle.web.server import running

    raw = (FIXTURES / "displayed_ameli_link_to_lookalike.eml").read_bytes()
    expected = engine.analyze(raw, kind="email")
    with running(web.create_app(engine, web.WebSettings(rate_per_minute=0))) as url:
        level, score, symbols = bp.sentinelle_http_scan([url], 30.0)(raw)
    assert level == expected.level.value
    assert score == pytest.approx(expected.score, abs=1e-4)
    assert set(symbols) == expected.signals
    assert bp.sentinelle_flagged(level)


# ------------------------------------------------------------------------------------------------ held-out part
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "email"


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent")
def test_the_three_parts_of_the_split_share_no_message_and_cover_the_readable_ones() -> None:
    files = {f: sorted(p.name for p in (CORPUS / f).iterdir())[:15] for f in ("phish", "phish_fr", "ham")}
    parts = {split: bp.keep_split(CORPUS, files, split) for split in ("train", "calib", "test")}
    for folder, names in files.items():
        seen = [n for split in parts.values() for n in split[folder]]
        assert len(seen) == len(set(seen))  # a message is in one part only
        assert set(seen) <= set(names)
        assert len(seen) == len(names)  # every message has a part (these are all readable)
    assert bp.keep_split(CORPUS, files, "all") == files
    assert sum(len(v) for v in parts["train"].values()) > sum(len(v) for v in parts["test"].values())
