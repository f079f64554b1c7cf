"""Regenerate the README's screenshot of the web page (``docs/img/web.png``).

Usage (from the repository root)::

    .venv/bin/python scripts/screenshot_web.py                    # docs/img/web.png
    .venv/bin/python scripts/screenshot_web.py --out /tmp/web.png --width 420   # a phone-sized one

Serves the app on loopback (a free port), opens Debian's Chromium headless through Playwright, pastes the
sample SMS of ``tests/fixtures/sms`` (the README's first example), submits the form and captures the full
result page. Nothing leaves the machine: the page loads only its own assets.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

from sentinelle.web import WebSettings, create_app
from sentinelle.web.server import HEADLESS_CHROMIUM_ARGS, running

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tests" / "fixtures" / "sms" / "carte_vitale_expiry_lookalike_link.txt"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img" / "web.png")
    parser.add_argument("--width", type=int, default=900, help="viewport width in CSS pixels")
    parser.add_argument("--height", type=int, default=1500, help="height of the capture (clipped)")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with running(create_app(settings=WebSettings(rate_per_minute=0))) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, args=list(HEADLESS_CHROMIUM_ARGS))
        page = browser.new_page(viewport={"width": args.width, "height": 900}, device_scale_factor=1)
        page.goto(f"{base}/")
        page.get_by_label("SMS", exact=True).check()
        page.get_by_label("Le message").fill(SAMPLE.read_text(encoding="utf-8").strip())
        page.get_by_label("Expéditeur affiché (numéro ou nom)").fill("+33 6 12 34 56 78")
        with page.expect_navigation():
            page.get_by_role("button", name="Analyser").click()
        height = min(args.height, page.evaluate("document.documentElement.scrollHeight"))
        page.screenshot(path=str(args.out), clip={"x": 0, "y": 0, "width": args.width, "height": height})
        browser.close()
    print(f"{args.out} ({args.width}x{height})")


if __name__ == "__main__":
    main()
