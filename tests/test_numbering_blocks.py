"""Allocated number blocks (ARCEP MAJNUM, ``data/numbering_blocks_fr.*``): the shipped table, the lookup, and
what it changes in the classification (a valid-looking number in no allocated block is invalid).

Near-misses: the Assurance Maladie's own numbers (3646, 05 53 35 62 37, 01 84 90 36 46) keep their category;
08 numbers are not checked against the blocks.
"""

from __future__ import annotations

import dataclasses
import gzip
import importlib.util
import re
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

import sentinelle
from sentinelle import resources
from sentinelle.errors import DataError
from sentinelle.numbering import Category, NumberBlocks, NumberingPlan

REPO_ROOT = Path(__file__).resolve().parents[1]
DATA = REPO_ROOT / "src" / "sentinelle" / "data"
ARCEP_SOURCE = REPO_ROOT.parent / "shared" / "corpus" / "numbering_arcep"
BUILD_SCRIPT = REPO_ROOT / "scripts" / "build_numbering_blocks.py"
OPERATORS_HEADER = "# x\ncode,name\n"


@pytest.fixture(scope="module")
def plan() -> NumberingPlan:
    return resources.load_knowledge().numbering


@pytest.fixture(scope="module")
def blocks(plan: NumberingPlan) -> NumberBlocks:
    assert plan.blocks is not None
    return plan.blocks


def _gaps(blocks: NumberBlocks, first_digits: str) -> Iterator[str]:
    """The first number after each allocated range that no range holds, for national prefixes 0<first_digits>."""
    ranges = blocks.ranges()
    for (_, end, _), (start, _, _) in zip(ranges, ranges[1:], strict=False):
        candidate = f"{int(end) + 1:010d}"
        if candidate < start and candidate[1] in first_digits:
            yield candidate


@pytest.fixture(scope="module")
def unallocated_geographic(plan: NumberingPlan, blocks: NumberBlocks) -> str:
    """A 01-05 number that libphonenumber alone finds valid but that no operator holds."""
    without_blocks = dataclasses.replace(plan, blocks=None)
    for national in _gaps(blocks, "12345"):
        normalized = "+33" + national[1:]
        if without_blocks.classify(normalized).category is Category.GEOGRAPHIC:
            return national
    pytest.fail("no unallocated valid-looking 01-05 number in the table")


def test_shipped_table_loads_sorted_and_non_overlapping(blocks: NumberBlocks) -> None:
    ranges = blocks.ranges()
    assert len(ranges) > 5_000
    for start, end, code in ranges:
        assert len(start) == len(end) == 10
        assert start <= end
        assert code
    for (_, end, _), (start, _, _) in zip(ranges, ranges[1:], strict=False):
        assert int(end) < int(start)
    operators = blocks.operators()
    assert {code for _, _, code in ranges} == set(operators)


def test_shipped_table_carries_source_and_licence() -> None:
    head = gzip.decompress((DATA / "numbering_blocks_fr.csv.gz").read_bytes()).decode("utf-8")[:2000]
    for text in (head, (DATA / "numbering_blocks_fr.operators.csv").read_text("utf-8")):
        assert "ARCEP" in text
        assert "Licence Ouverte" in text
        assert "c0b135d0" in text
        assert re.search(r"^# Built: \d{4}-\d{2}-\d{2}", text, re.M)


@pytest.mark.parametrize(
    ("national", "code", "name"),
    [
        # MAJNUM rows: 018490;0184900000;0184909999;ODIG / 0612;0612000000;0612999999;SFR0 /
        # 0698;0698000000;0698999999;BOUY / 017003;0170030000;0170039999;HUBT
        ("0184903646", "ODIG", "Odigo"),
        ("0612345678", "SFR0", "Société française du radiotéléphone"),
        ("0698000000", "BOUY", "Bouygues Telecom"),
        ("0170039999", "HUBT", "Hub One"),
    ],
)
def test_known_allocations(plan: NumberingPlan, national: str, code: str, name: str) -> None:
    assert plan.block_of(national) == (code, name)


def test_adjacent_block_of_another_operator(plan: NumberingPlan) -> None:
    last_of_hubt, first_of_upcf = plan.block_of("0170039999"), plan.block_of("0170040000")
    assert last_of_hubt is not None
    assert first_of_upcf is not None
    assert (last_of_hubt[0], first_of_upcf[0]) == ("HUBT", "UPCF")


@pytest.mark.parametrize("national", ["+33184903646", "184903646", "01849036461", "０１８４９０３６４６", ""])
def test_block_of_needs_ten_ascii_digits(plan: NumberingPlan, national: str) -> None:
    assert plan.block_of(national) is None


def test_unallocated_number_is_invalid(plan: NumberingPlan, unallocated_geographic: str) -> None:
    assert plan.block_of(unallocated_geographic) is None
    assert plan.classify("+33" + unallocated_geographic[1:]).category is Category.INVALID


@pytest.mark.parametrize("normalized", ["+33123456789", "+33712345678"])
def test_well_known_fake_numbers_are_unallocated(plan: NumberingPlan, normalized: str) -> None:
    assert plan.classify(normalized).category is Category.INVALID


def test_special_service_numbers_are_not_checked(plan: NumberingPlan, blocks: NumberBlocks) -> None:
    normalized = "+33" + next(_gaps(blocks, "8"))[1:]
    assert plan.classify(normalized) == dataclasses.replace(plan, blocks=None).classify(normalized)


def test_digest_covers_the_block_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    original = resources._data_file
    before = resources.load_knowledge().digest

    def altered(name: str) -> tuple[str, bytes]:
        where, raw = original(name)
        return (where, raw + b"# altered\n") if name == "numbering_blocks_fr.operators.csv" else (where, raw)

    monkeypatch.setattr(resources, "_data_file", altered)
    assert resources.load_knowledge().digest != before


@pytest.mark.parametrize(
    ("number", "category", "operator"),
    [
        ("3646", Category.SHORT_KNOWN, None),
        ("+33553356237", Category.GEOGRAPHIC, "Orange"),
        ("+33184903646", Category.GEOGRAPHIC, "Odigo"),
        ("+33612345678", Category.MOBILE, "Société française du radiotéléphone"),
    ],
)
def test_official_numbers_unaffected(plan: NumberingPlan, number: str, category: Category, operator: str) -> None:
    info = plan.classify(number)
    before = dataclasses.replace(plan, blocks=None).classify(number)
    assert info.category is before.category is category
    assert info.owner == before.owner
    assert info.operator == operator


@pytest.mark.parametrize("written", ["3646", "+33553356237", "+33184903646"])
def test_official_numbers_not_flagged_invalid(written: str) -> None:
    assert "NUMBER_INVALID" not in sentinelle.analyze(written, kind="phone").signals


def test_analyze_unallocated_number(unallocated_geographic: str) -> None:
    written = " ".join(unallocated_geographic[i : i + 2] for i in range(0, 10, 2))
    verdict = sentinelle.analyze(written, kind="phone")
    assert "NUMBER_INVALID" in verdict.signals


def test_unallocated_mobile_sender_still_looks_mobile(plan: NumberingPlan) -> None:
    assert plan.classify("+33712345678").category is Category.INVALID
    assert plan.prefix_category("+33712345678") is Category.MOBILE


def _gz(text: str) -> bytes:
    return gzip.compress(text.encode("utf-8"), mtime=0)


@pytest.mark.parametrize(
    ("blocks_text", "operators_text"),
    [
        pytest.param("start,end,operator\n0100000000,0100009999,XXXX\n", OPERATORS_HEADER, id="unknown-operator"),
        pytest.param(
            "start,end,operator\n0100000000,0100009999,AAAA\n0100005000,0100019999,AAAA\n",
            OPERATORS_HEADER + "AAAA,A\n",
            id="overlap",
        ),
        pytest.param("start,end,operator\n0100000000,01000,AAAA\n", OPERATORS_HEADER + "AAAA,A\n", id="short"),
        pytest.param("start,end,operator\n", OPERATORS_HEADER, id="empty"),
    ],
)
def test_malformed_table_is_a_data_error(blocks_text: str, operators_text: str) -> None:
    table = NumberBlocks(_gz(blocks_text), operators_text.encode(), "test")
    with pytest.raises(DataError):
        table.lookup("0100000001")


def test_not_gzip_is_a_data_error() -> None:
    table = NumberBlocks(b"start,end,operator\n", OPERATORS_HEADER.encode(), "test")
    with pytest.raises(DataError):
        table.lookup("0100000001")


def test_lookup_bounds_are_inclusive() -> None:
    table = NumberBlocks(_gz("start,end,operator\n0100000000,0100009999,AAAA\n"), b"code,name\nAAAA,\n", "t")
    assert table.lookup("0100000001") == ("AAAA", None)
    assert table.lookup("0100010000") is None
    assert table.lookup("0099999999") is None


def _load_build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_numbering_blocks", BUILD_SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not (ARCEP_SOURCE / "MAJNUM.csv").is_file(), reason="ARCEP corpus (../shared) not present")
def test_build_script_reproduces_shipped_files(tmp_path: Path) -> None:
    shipped_ops = (DATA / "numbering_blocks_fr.operators.csv").read_text("utf-8")
    built = re.search(r"^# Built: (\S+)", shipped_ops, re.M)
    assert built is not None
    script = _load_build_script()
    assert script.main(["--source", str(ARCEP_SOURCE), "--out", str(tmp_path), "--build-date", built[1]]) == 0
    # Compared decompressed: another zlib build may compress the same text to other bytes.
    assert gzip.decompress((tmp_path / "numbering_blocks_fr.csv.gz").read_bytes()) == gzip.decompress(
        (DATA / "numbering_blocks_fr.csv.gz").read_bytes()
    )
    assert (tmp_path / "numbering_blocks_fr.operators.csv").read_text("utf-8") == shipped_ops
