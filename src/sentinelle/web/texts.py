"""Texts of the web page, from ``data/web_fr.toml`` and ``data/web_en.toml`` (French first, English beside).

Loaded and checked once per app: both languages must hold the same keys, so a missing English text is a
``DataError`` at start-up, not a blank on the page.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from ..errors import DataError
from ..resources import LANGS


@dataclass(frozen=True, slots=True)
class Link:
    name: str
    url: str


@dataclass(frozen=True, slots=True)
class Situation:
    """A "what if I already answered" case: steps in order, official links."""

    id: str
    title: str
    steps: tuple[str, ...]
    links: tuple[Link, ...]


@dataclass(frozen=True, slots=True)
class PageTexts:
    lang: str
    ui: Mapping[str, str]
    kinds: Mapping[str, str]
    levels: Mapping[str, Mapping[str, str]]
    errors: Mapping[str, str]
    situations: tuple[Situation, ...]

    def error(self, code: str, params: Mapping[str, str] | None = None) -> str:
        template = self.errors.get(code, self.errors["invalid"])
        try:
            return template.format_map(dict(params or {}))
        except (KeyError, ValueError):
            return template


def _strings(table: Any, where: str) -> dict[str, str]:
    if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
        raise DataError(f"{where}: expected a table of strings")
    return dict(table)


def _situation(item: Any, where: str) -> Situation:
    try:
        return Situation(
            id=str(item["id"]),
            title=str(item["title"]),
            steps=tuple(str(s) for s in item["steps"]),
            links=tuple(Link(str(link["name"]), str(link["url"])) for link in item.get("links", [])),
        )
    except (KeyError, TypeError) as exc:
        raise DataError(f"{where}: invalid [[victim]] entry ({exc})") from None


def load_texts(lang: str) -> PageTexts:
    """The page texts of one language, checked."""
    where = f"sentinelle/data/web_{lang}.toml"
    try:
        raw = resources.files("sentinelle").joinpath("data", f"web_{lang}.toml").read_text(encoding="utf-8")
        data = tomllib.loads(raw)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise DataError(f"{where}: {exc}") from exc
    levels = data.get("levels")
    if not isinstance(levels, dict):
        raise DataError(f"{where}: [levels] missing")
    return PageTexts(
        lang=lang,
        ui=_strings(data.get("ui"), f"{where} [ui]"),
        kinds=_strings(data.get("kinds"), f"{where} [kinds]"),
        levels={k: _strings(v, f"{where} [levels.{k}]") for k, v in levels.items()},
        errors=_strings(data.get("errors"), f"{where} [errors]"),
        situations=tuple(_situation(s, where) for s in data.get("victim", [])),
    )


def load_all_texts() -> dict[str, PageTexts]:
    """Every language, with the same keys in each (else ``DataError``)."""
    texts = {lang: load_texts(lang) for lang in LANGS}
    first = texts[LANGS[0]]
    for lang, t in texts.items():
        for name in ("ui", "kinds", "levels", "errors"):
            if set(getattr(t, name)) != set(getattr(first, name)):
                diff = set(getattr(t, name)) ^ set(getattr(first, name))
                raise DataError(f"web_{lang}.toml [{name}] keys differ from web_{LANGS[0]}.toml: {sorted(diff)}")
        if [s.id for s in t.situations] != [s.id for s in first.situations]:
            raise DataError(f"web_{lang}.toml [[victim]] ids differ from web_{LANGS[0]}.toml")
    return texts
