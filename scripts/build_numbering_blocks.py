"""Build the allocated-number-block table shipped in ``src/sentinelle/data`` from ARCEP's open data.

Usage (from the repository root)::

    .venv/bin/python scripts/build_numbering_blocks.py
    .venv/bin/python scripts/build_numbering_blocks.py --source ../shared/corpus/numbering_arcep --build-date 2026-04-20

Reads ``MAJNUM.csv`` (one row per allocated block: ``EZABPQM;Tranche_Debut;Tranche_Fin;Mnémo;Territoire;
Date_Attribution``), keeps the 10-digit national numbers (the 4-digit 3BPQ short numbers and the 13/14-digit
M2M numbers are left out: ``numbering_fr.toml`` handles short numbers), merges contiguous blocks of the same
operator and writes two derived files:

* ``numbering_blocks_fr.csv.gz``: ``start,end,operator`` (inclusive ranges of national numbers with the
  leading 0, sorted, non-overlapping), gzip with a fixed timestamp so that a rebuild is byte-identical;
* ``numbering_blocks_fr.operators.csv``: ``code,name`` for every operator code used by the ranges. ARCEP's
  MAJNUM only carries a 4-letter code (Mnémo); the names come from the other ARCEP registers of the same
  folder that pair a code with the holder's name (RIO operator codes, R1R2, SDT, signalling point codes,
  MCC-MNC). Codes found in none of them get an empty name.

Both files start with ``#`` comment lines giving the source, the licence (Licence Ouverte / Etalab 2.0,
attribution ARCEP) and the build date. The raw CSVs are not shipped.

The upstream ARCEP files are Latin-1; the copy in ``../shared`` was converted to UTF-8. Both are accepted.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import io
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = REPO_ROOT.parent / "shared" / "corpus" / "numbering_arcep"
DEFAULT_OUT = REPO_ROOT / "src" / "sentinelle" / "data"
BLOCKS_NAME = "numbering_blocks_fr.csv.gz"
OPERATORS_NAME = "numbering_blocks_fr.operators.csv"
SOURCE_REF = (
    "ARCEP open data 'Ressources en numérotation téléphonique' (data.gouv.fr), as committed in "
    "Protofox-Digital-3PROJ/phone-blocks @ c0b135d0a35f1cf4d6905629ea9604dddfcc77b1, data/"
)
LICENCE = "Licence Ouverte / Open Licence Etalab 2.0 (https://www.etalab.gouv.fr/licence-ouverte-open-licence)"
ATTRIBUTION = "Données : ARCEP (Autorité de régulation des communications électroniques). Table dérivée."

# Registers of the source folder that pair an operator code with its name, in order of preference.
# (file, code column, name column)
NAME_REGISTERS: tuple[tuple[str, str, str], ...] = (
    ("MAJRIO.csv", "Code Attributaire", "Attributaire"),
    ("MAJR1R2.csv", "Code Attributaire", "Attributaire"),
    ("MAJSDT.csv", "Code Attributaire", "Attributaire"),
    ("MAJCPSN.csv", "Code Attributaire", "Attributaire"),
    ("MAJCPSI.csv", "Code Attributaire", "Attributaire"),
    ("MAJMNC.csv", "Mnémo", "Nom"),
)
NATIONAL_LENGTH = 10


class BuildError(Exception):
    """The source does not look like ARCEP's MAJNUM (missing column, malformed block, overlap)."""


def read_register(path: Path) -> list[dict[str, str]]:
    """Rows of one ARCEP ``;``-separated register, decoded from UTF-8 or, failing that, Latin-1."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))


def read_blocks(rows: Iterable[dict[str, str]]) -> list[tuple[int, int, str]]:
    """10-digit blocks ``(start, end, code)`` sorted by start; ``BuildError`` on a malformed row or an overlap."""
    blocks: list[tuple[int, int, str]] = []
    for i, row in enumerate(rows, start=2):
        try:
            start, end, code = row["Tranche_Debut"].strip(), row["Tranche_Fin"].strip(), row["Mnémo"].strip()
        except (KeyError, AttributeError) as exc:
            raise BuildError(f"MAJNUM.csv line {i}: missing column {exc}") from exc
        if len(start) != NATIONAL_LENGTH and len(end) != NATIONAL_LENGTH:
            continue  # short numbers (3BPQ) and 13/14-digit M2M numbers
        if not (len(start) == len(end) == NATIONAL_LENGTH and start.isdigit() and end.isdigit() and code):
            raise BuildError(f"MAJNUM.csv line {i}: malformed block {start!r}-{end!r} {code!r}")
        if int(end) < int(start):
            raise BuildError(f"MAJNUM.csv line {i}: block ends before it starts: {start}-{end}")
        blocks.append((int(start), int(end), code))
    blocks.sort()
    for (s1, e1, _), (s2, _, _) in zip(blocks, blocks[1:], strict=False):
        if s2 <= e1:
            raise BuildError(f"MAJNUM.csv: overlapping blocks at {s1:010d}-{e1:010d} and {s2:010d}")
    return blocks


def merge_blocks(blocks: Sequence[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Merge blocks that follow each other without a gap and belong to the same operator."""
    merged: list[tuple[int, int, str]] = []
    for start, end, code in blocks:
        if merged and merged[-1][2] == code and merged[-1][1] + 1 == start:
            merged[-1] = (merged[-1][0], end, code)
        else:
            merged.append((start, end, code))
    return merged


def operator_names(source: Path, codes: Iterable[str]) -> dict[str, str]:
    """``code -> name`` for the given codes, from the first register that names them ("" when none does)."""
    known: dict[str, str] = {}
    for file_name, code_col, name_col in NAME_REGISTERS:
        path = source / file_name
        if not path.is_file():
            continue
        for row in read_register(path):
            code, name = (row.get(code_col) or "").strip(), " ".join((row.get(name_col) or "").split())
            if code and name:
                known.setdefault(code, name)
    return {code: known.get(code, "") for code in sorted(set(codes))}


def _header(title: str, build_date: str, extra: Sequence[str]) -> str:
    lines = [
        title,
        f"Source: {SOURCE_REF}",
        f"Licence: {LICENCE}",
        f"Attribution: {ATTRIBUTION}",
        *extra,
        f"Built: {build_date} by scripts/build_numbering_blocks.py (do not edit by hand: rerun the script)",
    ]
    return "".join(f"# {line}\n" for line in lines)


def render_blocks(merged: Sequence[tuple[int, int, str]], n_blocks: int, latest: str, build_date: str) -> str:
    """The text of the ranges file (before compression)."""
    header = _header(
        "Allocated 10-digit French numbers (ARCEP MAJNUM.csv): contiguous blocks of one operator merged.",
        build_date,
        [
            f"{n_blocks} blocks -> {len(merged)} ranges; latest attribution in the source: {latest}",
            "Columns: start,end (inclusive national numbers with the leading 0),operator (ARCEP code, see "
            f"{OPERATORS_NAME})",
        ],
    )
    body = "".join(f"{s:010d},{e:010d},{c}\n" for s, e, c in merged)
    return header + "start,end,operator\n" + body


def render_operators(names: dict[str, str], build_date: str) -> str:
    """The text of the operator-names file."""
    header = _header(
        "Operator codes used in numbering_blocks_fr.csv.gz and their holders' names.",
        build_date,
        [
            "Names from MAJRIO, MAJR1R2, MAJSDT, MAJCPSN, MAJCPSI, MAJMNC (first that names the code); "
            "empty when no register names it.",
        ],
    )
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["code", "name"])
    writer.writerows(sorted(names.items()))
    return header + out.getvalue()


def _latest(rows: Iterable[dict[str, str]]) -> str:
    dates = []
    for row in rows:
        try:
            dates.append(dt.datetime.strptime(row.get("Date_Attribution", "").strip(), "%d/%m/%Y").date())
        except ValueError:
            continue
    return max(dates).isoformat() if dates else "unknown"


def build(source: Path, out_dir: Path, build_date: str) -> tuple[Path, Path, int, int]:
    """Write both files; returns their paths, the number of source blocks and of merged ranges."""
    rows = read_register(source / "MAJNUM.csv")
    blocks = read_blocks(rows)
    merged = merge_blocks(blocks)
    names = operator_names(source, (c for _, _, c in merged))
    text = render_blocks(merged, len(blocks), _latest(rows), build_date)
    blocks_path, operators_path = out_dir / BLOCKS_NAME, out_dir / OPERATORS_NAME
    # mtime=0 and no file name in the gzip header: the same input gives the same bytes.
    with blocks_path.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
        gz.write(text.encode("utf-8"))
    operators_path.write_text(render_operators(names, build_date), encoding="utf-8", newline="\n")
    return blocks_path, operators_path, len(blocks), len(merged)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="folder holding MAJNUM.csv")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder to write the derived files to")
    parser.add_argument("--build-date", default=dt.date.today().isoformat(), help="date written in the headers")
    args = parser.parse_args(argv)
    if not (args.source / "MAJNUM.csv").is_file():
        print(f"error: {args.source / 'MAJNUM.csv'} not found", file=sys.stderr)
        return 2
    try:
        blocks_path, operators_path, n_blocks, n_ranges = build(args.source, args.out, args.build_date)
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{n_blocks} blocks -> {n_ranges} ranges: {blocks_path} ({blocks_path.stat().st_size} bytes)")
    print(f"operators: {operators_path} ({operators_path.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
