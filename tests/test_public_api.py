"""The public API surface: what ``import sentinelle`` offers is deliberate (httpx's exported-members test)."""

from __future__ import annotations

from pathlib import Path

import sentinelle


def test_exported_members() -> None:
    assert sentinelle.__all__ == sorted(sentinelle.__all__)
    for name in sentinelle.__all__:
        assert hasattr(sentinelle, name), name
    assert {"analyze", "analyze_many", "Engine", "Verdict", "Evidence", "Message", "Level", "Kind"} <= set(
        sentinelle.__all__
    )


def test_level_values_are_the_contract() -> None:
    assert [lv.value for lv in sentinelle.Level] == ["fraud", "suspicious", "no_sign", "unknown"]
    assert {k.value for k in sentinelle.Kind} == {
        "sms",
        "call",
        "voicemail",
        "email",
        "url",
        "phone",
        "webpage",
        "image",
        "audio",
    }


def test_analyze_accepts_str_bytes_and_path(tmp_path: Path) -> None:
    text = "Ameli : votre nouvelle carte vitale est disponible, commandez-la sur ameli-vital.fr"
    f = tmp_path / "sms.txt"
    f.write_text(text, encoding="utf-8")
    levels = {sentinelle.analyze(text).level, sentinelle.analyze(text.encode()).level, sentinelle.analyze(f).level}
    assert levels == {sentinelle.Level.FRAUD}


def test_analyze_many_is_lazy_and_ordered() -> None:
    verdicts = list(sentinelle.analyze_many(["3646", "https://ameli-remboursement.com/login"]))
    assert [v.kind.value for v in verdicts] == ["phone", "url"]
    assert verdicts[1].level is sentinelle.Level.FRAUD


def test_verdict_records_provenance() -> None:
    v = sentinelle.analyze("bonjour")
    assert v.meta.version.startswith(sentinelle.__version__ + "+data.")
    assert v.to_dict()["version"] == v.meta.version
    assert "claims.organisation" in v.meta.detectors_run


def test_docstring_example_of_the_package_holds() -> None:
    import doctest

    assert doctest.testmod(sentinelle).failed == 0
