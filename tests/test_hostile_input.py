"""Hostile input: every case ends in a clear ``InputError`` or in a verdict, in bounded time.

A verdict on damaged input is partial: its anomalies say what was cut, removed or could not be read, and
what could be read is still analysed (a scam hidden in binary noise or behind zero-width characters is
still a scam). Nothing here may crash, hang, or make a detector fail; the known exceptions are strict
xfails that name the code to fix.

Time bounds are asserted only where time is the point (inputs built to make a parser quadratic or a
regular expression backtrack); they are generous, this is not a benchmark (see benchmarks/bench_core.py).
"""

from __future__ import annotations

import contextlib
import json
import random
import signal
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sentinelle
from sentinelle import Engine, InputError, Level, Limits, UnsupportedInput, Verdict

SCAM = "AMELI : votre carte vitale arrive à expiration, mettez-la à jour sur ameli-vital.fr"
SECONDS = 10.0  # generous: the linear code takes well under a second on each of these inputs


def check(source: str | bytes | Path, **options: str) -> Verdict:
    """Analyse, then check what must hold for any input: no detector failure, a JSON-serialisable verdict."""
    verdict = sentinelle.analyze(source, **options)  # type: ignore[arg-type]
    assert verdict.failures == (), verdict.failures
    json.dumps(verdict.to_dict())
    return verdict


def codes(verdict: Verdict) -> set[str]:
    return {a.code for a in verdict.anomalies}


def timed(source: str | bytes, **options: str) -> tuple[Verdict, float]:
    """The verdict and the CPU seconds it took: CPU, not wall time, so that a loaded machine (CI, parallel
    work) does not fail a bound meant for super-linear code; a wait that uses no CPU is pytest-timeout's job."""
    started = time.process_time()
    verdict = check(source, **options)
    return verdict, time.process_time() - started


@pytest.fixture(scope="module", autouse=True)
def _warm_engine() -> None:
    """Build the default engine before any timing (loading data is not what is measured)."""
    sentinelle.analyze("bonjour")


# ---------------------------------------------------------------- empty, huge, badly encoded, binary


@pytest.mark.parametrize("source", ["", b"", "   \n\t ", b"\xef\xbb\xbf"], ids=["str", "bytes", "blank", "bom-only"])
def test_empty_input_is_unknown(source: str | bytes) -> None:
    verdict = check(source)
    assert verdict.level is Level.UNKNOWN
    assert "EMPTY_INPUT" in codes(verdict)


def test_empty_file_is_unknown(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    verdict = check(empty)
    assert verdict.level is Level.UNKNOWN
    assert "EMPTY_INPUT" in codes(verdict)


def test_ten_megabytes_of_text_are_cut_and_the_start_still_read() -> None:
    filler = "Bonjour, je passe te voir demain vers 14 h, on ira au marché ensemble. "
    text = SCAM + "\n" + filler * (10 * 1024 * 1024 // len(filler))
    verdict, elapsed = timed(text)
    assert elapsed < SECONDS
    assert "TEXT_TRUNCATED" in codes(verdict)
    assert verdict.level is Level.FRAUD


def test_ten_megabytes_of_bytes_beyond_the_input_limit_are_cut() -> None:
    engine = Engine(sentinelle.Config(limits=Limits(max_input_bytes=1024 * 1024)))
    data = (SCAM + "\n").encode() + b"rien a signaler " * (10 * 1024 * 1024 // 16)
    started = time.perf_counter()
    verdict = engine.analyze(data)
    assert time.perf_counter() - started < SECONDS
    assert "INPUT_TRUNCATED" in codes(verdict)
    assert verdict.level is Level.FRAUD
    assert verdict.failures == ()


def test_invalid_utf8_is_read_as_windows_1252() -> None:
    verdict = check(SCAM.encode("cp1252"))
    assert "INVALID_UTF8" in codes(verdict)
    assert verdict.level is Level.FRAUD
    assert "LURE_CARD_EXPIRY" in verdict.signals  # "arrive à expiration": the "à" was decoded, not lost


def test_utf16_with_byte_order_mark_is_text_not_binary() -> None:
    verdict = check(SCAM.encode("utf-16"))  # what Windows Notepad saves as "Unicode"
    assert "BINARY_CONTENT" not in codes(verdict)
    assert "INVALID_UTF8" not in codes(verdict)
    assert verdict.level is Level.FRAUD


@pytest.mark.parametrize("size", [4096, 1024 * 1024])
def test_binary_garbage_is_flagged_and_gives_no_verdict(size: int) -> None:
    data = random.Random(20240611).randbytes(size)
    verdict, elapsed = timed(data)
    assert elapsed < SECONDS
    assert "BINARY_CONTENT" in codes(verdict)
    assert verdict.level in {Level.UNKNOWN, Level.NO_SIGN}
    assert verdict.signals == frozenset(), "noise read as evidence"


def test_text_inside_binary_garbage_is_still_read() -> None:
    rng = random.Random(7)
    data = rng.randbytes(5000) + b"\n" + SCAM.encode("cp1252") + b"\n" + rng.randbytes(5000)
    verdict = check(data)
    assert "BINARY_CONTENT" in codes(verdict)
    assert verdict.level is Level.FRAUD


# ---------------------------------------------------------------- characters that hide or reorder text


def test_zero_width_characters_inside_the_brand_are_removed() -> None:
    verdict = check(
        "a\u200bm\u200be\u200bli : votre carte vitale arrive à expiration, mettez-la à jour sur ameli-vital.fr"
    )
    assert "INVISIBLE_CHARACTERS_REMOVED" in codes(verdict)
    assert verdict.organisation == "assurance_maladie"
    assert "CLAIMS_ORGANISATION" in verdict.signals
    assert verdict.level is Level.FRAUD


def test_right_to_left_override_is_removed() -> None:
    verdict = check(
        "\u202eAMELI\u202c : votre carte vitale arrive à expiration, mettez-la à jour sur ameli-\u202evital.fr"
    )
    assert "BIDI_CONTROLS_REMOVED" in codes(verdict)
    assert "CLAIMS_ORGANISATION" in verdict.signals
    assert verdict.level is Level.FRAUD


@pytest.mark.parametrize(
    "source",
    [
        "AMELI\x00 : votre carte vitale\x00 arrive à expiration, mettez-la à jour sur ameli-vital.fr",
        "AMELI\x00 : votre carte vitale\x00 arrive à expiration, mettez-la à jour sur ameli-vital.fr".encode(),
    ],
    ids=["str", "bytes"],
)
def test_nul_characters_are_replaced_and_the_text_read(source: str | bytes) -> None:
    verdict = check(source)
    assert "CONTROL_CHARACTERS_REPLACED" in codes(verdict)
    assert "LURE_CARD_EXPIRY" in verdict.signals  # the space left by the NUL does not split the phrase
    assert verdict.level is Level.FRAUD


def test_mostly_nul_bytes_are_binary_but_the_text_is_read() -> None:
    verdict = check(b"\x00" * 2000 + SCAM.encode() + b"\x00" * 2000)
    assert "BINARY_CONTENT" in codes(verdict)
    assert verdict.level is Level.FRAUD


def test_lone_surrogates_in_a_str_do_not_crash() -> None:
    verdict = check("AMELI\ud800 : votre carte vitale arrive à expiration\udfff, mettez-la à jour sur ameli-vital.fr")
    assert "CONTROL_CHARACTERS_REPLACED" in codes(verdict)
    assert verdict.level is Level.FRAUD


def test_windows_line_breaks_are_not_control_characters() -> None:
    verdict = check("AMELI : votre carte vitale arrive à expiration\r\nmettez-la à jour\r\nsur ameli-vital.fr")
    assert "CONTROL_CHARACTERS_REPLACED" not in codes(verdict)
    link_locations = {e.location for e in verdict.evidence if e.signal == "LINK_NOT_OFFICIAL"}
    assert link_locations == {"body:l.3"}  # "\r\n" is one line break, not two


# ---------------------------------------------------------------- too many links and numbers


def test_ten_thousand_lookalike_links_are_cut_and_still_fraud() -> None:
    links = " ".join(f"https://ameli-vital{i}.fr/maj" for i in range(10_000))
    verdict, elapsed = timed("AMELI : votre carte vitale arrive à expiration, mettez-la à jour : " + links)
    assert elapsed < SECONDS
    assert "LINKS_TRUNCATED" in codes(verdict)
    assert verdict.level is Level.FRAUD


def test_ten_thousand_harmless_links_are_cut() -> None:
    links = " ".join(f"https://site{i}.example.org/page" for i in range(10_000))
    verdict = check("Liste des sites : " + links)
    assert "LINKS_TRUNCATED" in codes(verdict)


def _mobiles(n: int) -> str:
    """``n`` different mobile numbers, spaced the French way: "06 00 00 01 23"."""
    numbers = (f"{i:08d}" for i in range(n))
    return " ".join(f"06 {d[0:2]} {d[2:4]} {d[4:6]} {d[6:8]}" for d in numbers)


def test_ten_thousand_phone_numbers_are_cut() -> None:
    text = "Assurance Maladie : votre dossier est bloqué, rappelez vite le " + _mobiles(10_000)
    verdict, elapsed = timed(text)
    assert elapsed < SECONDS
    assert "PHONES_TRUNCATED" in codes(verdict)
    assert verdict.level is Level.FRAUD  # the first 200 numbers are enough: mobiles, not the CPAM's


# ---------------------------------------------------------------- inputs built to make parsers backtrack

PATHOLOGICAL = {
    "zero-space-zero": "0" + " 0" * 50_000,
    "a-dot": "a." * 200_000,
    "scheme-then-one-million-a": "http://" + "a" * 1_000_000,
    "digit-dash": "1-" * 300_000,
    "zero-space-six": "0 6" * 300_000,
    "zero-six-dot": "06." * 300_000,
    "digits-no-separator": "0" * 1_000_000,
    "plus-digits": "+3" * 400_000,
    "defanged-dots-alone": "[.]" * 100_000,
    "defanged-dots-in-one-token": "a[.]" * 250_000,
    "defanged-dot-words": "x(dot)" * 150_000,
    "hxxp-repeated": "hxxp://" * 140_000,
    "hxxp-spaced": "hxxp:// " * 120_000,
    "hxxp-defanged": "hxxp://a[.]" * 90_000,
    "www-repeated": "www." * 250_000,
    "punycode-labels": "xn--a." * 160_000,
    "short-numbers-with-cue": "appelez le 3646 " * 60_000,
    "spaced-short-numbers": "3 6 4 6 " * 120_000,
    "international-numbers": "+44 20 7946 0958 " * 55_000,
    "0033-numbers": "00 33 6 12 34 56 78 " * 50_000,
    "at-signs": "a@b.fr/" * 140_000,
    "one-url-long-query": "http://a.fr/?" + "a=b&" * 240_000,
    "lines-of-domains": "ameli-vital.fr\n" * 60_000,
    "brand-repeated": "ameli " * 160_000,
    "cyrillic-brand-repeated": "аmeli " * 160_000,
    "combining-accents": "a" + "\u0301" * 999_999,
    "nfkc-expands-eighteen-fold": "\ufdfa" * 1_000_000,
}


@pytest.mark.parametrize("text", list(PATHOLOGICAL.values()), ids=list(PATHOLOGICAL))
def test_pathological_text_is_analysed_in_bounded_time(text: str) -> None:
    _, elapsed = timed(text)
    assert elapsed < SECONDS


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        ("http://" + "a." * 400_000 + "fr", "url"),
        ("hxxp://" + "a[.]" * 200_000 + "fr", "url"),
        ("0" * 1_000_000, "phone"),
        ("+" + "3" * 999_999, "phone"),
    ],
    ids=["url", "defanged-url", "phone-zeros", "phone-plus"],
)
def test_huge_single_url_or_number_is_analysed_in_bounded_time(source: str, kind: str) -> None:
    _, elapsed = timed(source, kind=kind)
    assert elapsed < SECONDS


class _OverTime(Exception):
    pass


def analyze_within(cpu_seconds: float, source: str) -> Verdict:
    """Analyse, interrupting the analysis after ``cpu_seconds`` of CPU time.

    For inputs that were once quadratic (claims x requests, negation look-ups, lure sentences): were the
    bug back, each would cost minutes of the suite at the default 1,000,000-character limit. Once the cap
    is reached the timer fires every 0.1 s,
    so each remaining step is interrupted too; the engine records an interrupted detector as a failure.
    A CPU-time timer (SIGVTALRM) is used so that pytest-timeout's wall-clock SIGALRM is left alone.
    """
    if not hasattr(signal, "setitimer"):
        pytest.skip("needs signal.setitimer (POSIX)")

    def _raise(signum: int, frame: object) -> None:
        raise _OverTime(f"over {cpu_seconds} s of CPU")

    previous = signal.signal(signal.SIGVTALRM, _raise)
    signal.setitimer(signal.ITIMER_VIRTUAL, cpu_seconds, 0.1)
    try:
        return check(source)
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, previous)


QUADRATIC_CPU_SECONDS = 3.0  # a linear pass over these ~200,000 characters takes well under a second


def test_many_claims_and_requests_are_analysed_in_bounded_time() -> None:
    analyze_within(QUADRATIC_CPU_SECONDS, "ameli RIB " * 20_000)


def test_many_negated_requests_are_analysed_in_bounded_time() -> None:
    analyze_within(QUADRATIC_CPU_SECONDS, "ne donnez jamais votre RIB. " * 8_000)


def test_many_lures_are_analysed_in_bounded_time() -> None:
    analyze_within(QUADRATIC_CPU_SECONDS, "votre carte vitale arrive à expiration " * 6_000)


def test_repeated_claims_requests_and_lures_at_the_text_limit() -> None:
    analyze_within(QUADRATIC_CPU_SECONDS, "ameli : ne donnez jamais votre RIB, votre carte vitale expire " * 16_000)


def test_text_that_normalisation_expands_is_cut_after_expanding() -> None:
    verdict = check("\ufdfa" * 100_000, kind="sms")  # NFKC turns each character into 18: 1.8 million
    assert "TEXT_TRUNCATED" in codes(verdict)


def test_huge_sender_and_caller_id_are_read_safely() -> None:
    verdict = check("Rappelez-nous", sender="0" * 1_000_000, caller_id="+" + "3" * 1_000_000, kind="call")
    assert "UNPARSABLE_PHONE" in codes(verdict)


# ---------------------------------------------------------------- inputs that are errors, not messages


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        sentinelle.analyze(tmp_path / "absent.txt")


def test_directory_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        sentinelle.analyze(tmp_path)


def test_unknown_kind_is_an_input_error() -> None:
    with pytest.raises(InputError):
        sentinelle.analyze(SCAM, kind="fax")


@pytest.mark.parametrize("source", [42, None, ["texte"]], ids=["int", "none", "list"])
def test_source_of_another_type_is_an_input_error(source: object) -> None:
    with pytest.raises(InputError):
        sentinelle.analyze(source)  # type: ignore[arg-type]


def test_broken_image_bytes_are_a_clear_input_error() -> None:
    with pytest.raises(InputError, match="image illisible") as info:
        sentinelle.analyze(b"\x89PNG\r\n\x1a\n" + random.Random(1).randbytes(1000))
    assert not isinstance(info.value, UnsupportedInput)  # the extra is there: the picture itself is bad


# ---------------------------------------------------------------- anything at all

PROPERTY = settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(st.text())
def test_any_text_gives_a_verdict(text: str) -> None:
    check(text)


@PROPERTY
@given(st.binary())
def test_any_bytes_give_a_verdict_or_an_input_error(data: bytes) -> None:
    with contextlib.suppress(InputError):  # e.g. bytes that start like an image: a clear refusal is fine
        check(data)


@PROPERTY
@given(st.text(), st.text(max_size=40), st.text(max_size=40), st.sampled_from(["sms", "call", "voicemail"]))
def test_any_sender_and_caller_id_give_a_verdict(text: str, sender: str, caller_id: str, kind: str) -> None:
    check(text, sender=sender, caller_id=caller_id, kind=kind)


@PROPERTY
@given(st.text(alphabet=st.sampled_from(list("0123456789 .-+()[]/:@hxtpsw\u200b\u202e\n")), max_size=2000))
def test_any_mix_of_link_and_number_characters_gives_a_verdict(text: str) -> None:
    check(text)


@pytest.mark.parametrize("caller_id", ["010¹", "٠٦١٢٣٤٥٦٧٨", "０６１２３４５６７８", "+³³"])
def test_non_ascii_digits_in_caller_id_or_sender_never_fail_a_detector(caller_id: str) -> None:
    # Found by Hypothesis: "¹".isdigit() is True but int("¹") raises, which failed the phone detector.
    check("Ici votre CPAM", kind="call", caller_id=caller_id, sender=caller_id)
