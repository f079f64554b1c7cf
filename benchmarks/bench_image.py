"""Seconds per screenshot, per QR code and per PDF page, and peak memory, on one core.

    OMP_THREAD_LIMIT=1 taskset -c 0 .venv/bin/python benchmarks/bench_image.py [--corpus DIR] [--repeat 3]

Screenshots: the real ones of ../shared/corpus/sms_screenshots (read_image: decoding, QR search, two or
three Tesseract passes, post-processing). QR codes: generated with segno (plain, rotated + blurred + JPEG,
small), decoded from a 1240 x 1754 page. PDF: a one-page PDF with a QR code, text and render. Peak memory is
the process's maximum resident set size at the end (Tesseract models and PDFium included).
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # Tesseract on one core, as the goal is stated

import segno  # noqa: E402
from PIL import Image, ImageFilter  # noqa: E402

from sentinelle.config import Limits  # noqa: E402
from sentinelle.media.image import read_image  # noqa: E402
from sentinelle.media.pdf import read_pdf  # noqa: E402
from sentinelle.media.qr import read_codes  # noqa: E402

DEFAULT_CORPUS = HERE.parents[1] / "shared" / "corpus" / "sms_screenshots"


def page_with_code(variant: str) -> Image.Image:
    out = io.BytesIO()
    segno.make("https://ameli-remboursement.fr-secu.info/r?c=FR29X8&t=1").save(out, kind="png", scale=6, border=4)
    code = Image.open(io.BytesIO(out.getvalue())).convert("RGB")
    page = Image.new("RGB", (1240, 1754), "white")
    page.paste(code, (300, 500))
    if variant == "damaged":
        page = page.rotate(15, expand=True, fillcolor="white").filter(ImageFilter.GaussianBlur(1))
        buffer = io.BytesIO()
        page.save(buffer, "JPEG", quality=40)
        page = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    elif variant == "small":
        page = page.resize((620, 877))
    return page


def timed(function: object, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        function()  # type: ignore[operator]
        best = min(best, time.perf_counter() - started)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    limits = Limits()
    if args.corpus.is_dir():
        files = sorted(args.corpus.iterdir())
        read_image(files[0].read_bytes(), limits=limits)  # loads the Tesseract models once
        per_file = [timed(lambda f=f: read_image(f.read_bytes(), limits=limits), args.repeat) for f in files]
        print(f"screenshots: {len(files)}, seconds each (best of {args.repeat}): "
              f"median {statistics.median(per_file):.3f}, "
              f"mean {statistics.mean(per_file):.3f}, p90 {sorted(per_file)[int(len(per_file) * 0.9)]:.3f}, "
              f"max {max(per_file):.3f}; under 1 s: {sum(t < 1 for t in per_file)}/{len(files)}")
    for variant in ("plain", "damaged", "small"):
        page = page_with_code(variant)
        seconds = timed(lambda page=page: read_codes(page), args.repeat)
        print(f"QR code ({variant}, {page.width}x{page.height}): {seconds * 1000:.1f} ms")
    buffer = io.BytesIO()
    page_with_code("plain").save(buffer, "PDF", resolution=150)
    pdf = buffer.getvalue()
    pdf_seconds = timed(lambda: read_pdf(pdf, max_pages=20), args.repeat)
    print(f"PDF page (text, annotations, render, QR): {pdf_seconds * 1000:.1f} ms")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS): {peak:.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
