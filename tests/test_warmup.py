"""``Engine.warm_up``: a long-lived worker loads its readers and tables at start, not inside its first messages.

Each check runs in a fresh interpreter: in this test process other tests have long since imported everything.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from sentinelle import Engine

EMAIL = Path(__file__).parent / "fixtures" / "email"


def _fresh(code: str) -> dict[str, object]:
    """Run ``code`` in a new interpreter; it prints one JSON object as its last line."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120, check=True
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_after_warm_up_an_email_with_a_picture_and_a_pdf_loads_nothing_new() -> None:
    out = _fresh(
        f"""
        import json, sys
        from pathlib import Path
        from sentinelle import Engine
        engine = Engine()
        lazy = ["PIL.Image", "PIL.PngImagePlugin", "zxingcpp", "pypdfium2", "idna.uts46data", "encodings.cp1251"]
        before = [m for m in lazy if m in sys.modules]
        report = engine.warm_up()
        after_warm_up = [m for m in lazy if m not in sys.modules]
        loaded = set(sys.modules)
        for name in ("attachments_typed_by_content.eml", "pdf_link_and_zip_with_executable.eml"):
            engine.analyze((Path({str(EMAIL)!r}) / name).read_bytes(), kind="email")
        print(json.dumps({{"before": before, "not_loaded": after_warm_up, "new": sorted(set(sys.modules) - loaded),
                          "loaded": report.loaded, "missing": report.missing}}))
        """
    )
    assert out["before"] == []  # Engine() alone loads none of them: a one-off check does not pay for them
    assert out["not_loaded"] == []
    assert out["new"] == []
    assert out["missing"] == []
    assert {"pillow", "pdfium", "analysis"} <= set(out["loaded"])  # type: ignore[arg-type]


def test_without_the_image_extra_warm_up_says_so_and_emails_are_still_analysed() -> None:
    out = _fresh(
        f"""
        import json, sys
        sys.modules["PIL"] = None  # the extra is not installed: importing it raises ImportError
        sys.modules["pypdfium2"] = None
        from pathlib import Path
        from sentinelle import Engine
        engine = Engine()
        report = engine.warm_up()
        raw = (Path({str(EMAIL)!r}) / "pdf_link_and_zip_with_executable.eml").read_bytes()
        verdict = engine.analyze(raw, kind="email")
        print(json.dumps({{"missing": report.missing, "anomalies": [a.code for a in verdict.anomalies]}}))
        """
    )
    assert out["missing"] == ["pillow", "pdfium"]
    assert "MEDIA_EXTRA_MISSING" in out["anomalies"]  # type: ignore[operator]


def test_warm_up_changes_no_verdict() -> None:
    cold, warm = Engine(), Engine()
    warm.warm_up()
    for path in sorted(EMAIL.glob("*.eml")):
        raw = path.read_bytes()
        assert cold.analyze(raw, kind="email").to_dict() == warm.analyze(raw, kind="email").to_dict(), path.name
