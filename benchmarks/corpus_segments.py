"""The labelled corpus as segments, shared by ``eval_quality.py`` and ``scripts/train_text_model.py``.

Each segment is a list of ``Doc`` (a file path or a text, the kind to analyse it as, and the label: 1 for a
scam, 0 for a legitimate message). Segments read ``../shared/corpus`` (see its README and caveats) and are
empty when their files are absent. Nothing here is packaged: the corpus is development material.

The split into train / calibration / test is a function of each document's normalised wording and a seed
(``split_of``), so exact duplicates always land in the same part and the held-out part is the same for the
training script and the evaluation.
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

# How much each segment weighs in training (the text model) and in the weight fit: a share of its class's total
# weight, so that the French legitimate texts count as hard negatives and the 74 French phishing e-mails are not
# drowned by the 1,499 multilingual ones. One table for both scripts.
SEGMENT_WEIGHTS = {
    "phish": 0.65,
    "phish_fr": 0.35,
    "ham": 0.40,
    "sms_88milsms": 0.25,
    "fiches_sante": 0.15,
    "rdv_templates": 0.10,
    "ds_templates": 0.10,
}

REPO_ROOT = Path(__file__).resolve().parents[1]
CORPUS = REPO_ROOT.parent / "shared" / "corpus"
SEED = 8
SPLITS = (("train", 0.60), ("calib", 0.75), ("test", 1.0))  # cumulative bounds


@dataclass(frozen=True, slots=True)
class Doc:
    segment: str
    id: str
    source: str | Path
    kind: str | None  # None: let the engine recognise it (e-mail files)
    label: int  # 1 scam, 0 legitimate
    lang: str  # "en", "fr" or "multi"


def split_of(key: str, seed: int = SEED) -> str:
    """``train``, ``calib`` or ``test`` from a document key (its normalised wording) and the seed."""
    digest = hashlib.sha256(f"{seed}\0{key}".encode("utf-8", "surrogatepass")).digest()
    u = int.from_bytes(digest[:8], "big") / 2**64
    return next(name for name, bound in SPLITS if u < bound)


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []


def email_segments(corpus: Path = CORPUS) -> dict[str, list[Doc]]:
    """``phish`` (multi-brand, multi-language; the French ones removed), ``phish_fr`` and ``ham``."""
    root = corpus / "email"
    fr = _files(root / "phish_fr")
    fr_digests = {hashlib.sha256(p.read_bytes()).digest() for p in fr}
    phish = [p for p in _files(root / "phish") if hashlib.sha256(p.read_bytes()).digest() not in fr_digests]
    return {
        "phish": [Doc("phish", p.name, p, None, 1, "multi") for p in phish],
        "phish_fr": [Doc("phish_fr", p.name, p, None, 1, "fr") for p in fr],
        "ham": [Doc("ham", p.name, p, None, 0, "en") for p in _files(root / "ham")],
    }


# 88milSMS anonymisation tags -> fillers (the same table as benchmarks/bench_core.py, reused from there).
def _fill_tags() -> Callable[[str], str]:
    import bench_core

    return lambda text: bench_core._TAG.sub(bench_core._fill_tag, text).strip()


def sms_segment(corpus: Path = CORPUS) -> list[Doc]:
    path = corpus / "legit_fr" / "sms_88milsms.csv"
    if not path.is_file():
        return []
    fill = _fill_tags()
    with path.open(encoding="utf-8", newline="") as fh:
        rows = [(row["num_sms"], fill(row["text"])) for row in csv.DictReader(fh) if row.get("text", "").strip()]
    return [Doc("sms_88milsms", num, text, "sms", 0, "fr") for num, text in rows if text]


def fiches_segment(corpus: Path = CORPUS, chunk_chars: int = 700) -> list[Doc]:
    """service-public.fr health pages, cut into chunks of whole paragraphs (about a message's length)."""
    path = corpus / "legit_fr" / "fiches_service_public_sante.jsonl"
    if not path.is_file():
        return []
    out: list[Doc] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            fiche = json.loads(line)
            chunk: list[str] = []
            size = part = 0
            seen: set[str] = set()
            for para in (p.strip() for p in fiche["text"].split("\n")):
                if not para or para in seen:  # pages repeat their lead paragraph
                    continue
                seen.add(para)
                chunk.append(para)
                size += len(para)
                if size >= chunk_chars:
                    out.append(Doc("fiches_sante", f"{fiche['id']}#{part}", "\n".join(chunk), "sms", 0, "fr"))
                    chunk, size, part = [], 0, part + 1
            if size >= 80:
                out.append(Doc("fiches_sante", f"{fiche['id']}#{part}", "\n".join(chunk), "sms", 0, "fr"))
    return out


# ----------------------------------------------------------------- notification templates (rendered roughly)
_FILL = (
    (re.compile(r"date|starts_at|ends_at|time|jour|day|l\(", re.I), "le mardi 12 mars à 14h30"),
    (re.compile(r"url|link|href|path", re.I), "https://www.rdv-solidarites.fr/r/82/cr?tkn=12324"),
    (re.compile(r"phone|tel", re.I), "01 23 45 67 89"),
    (re.compile(r"address|adresse|lieu|location", re.I), "3 avenue de la Gare, 34000 Montpellier"),
    (re.compile(r"domain|application_name|app_name", re.I), "RDV Service Public"),
    (re.compile(r"name|user|author|agent|nom|prenom|email", re.I), "Julie Martin"),
    (re.compile(r"dossier|number|numero|id\b|_id|count", re.I), "12345"),
    (re.compile(r"procedure|demarche|libelle|title|motif|service", re.I), "Aide au logement"),
)
_SLOT = re.compile(r"#\{((?:[^{}]|\{[^{}]*\})*)\}|%\{(\w+)\}|--([^-\n]{2,40})--|<%=?(.*?)%>")
_HTML_TAG = re.compile(r"<[^>]{0,300}>")
_RUBY_STRING = re.compile(r'"((?:[^"\\]|\\.){12,})"')
_MARKUP_LINE = re.compile(r"^[-=/]|^\s*$")
_TAG_PREFIX = re.compile(r"^(?:[%.#][\w.#-]*(?:\{[^}]*\}|\([^)]*\))?|[a-z][\w.#-]*(?:\[[^]]*\])?)\s+(?=\S)")
_TAG_PREFIX_CODE = re.compile(r"^(?:[%.#]?[\w.#-]*(?:\{[^}]*\}|\([^)]*\))?)[=~-]")
_SLIM_TAGS = frozenset(
    [
        "div",
        "p",
        "span",
        "b",
        "i",
        "strong",
        "em",
        "a",
        "td",
        "tr",
        "table",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "small",
        "br",
    ]
)


def _fill_slot(match: re.Match[str]) -> str:
    expr = next(g for g in match.groups() if g is not None)
    for pattern, filler in _FILL:
        if pattern.search(expr):
            return filler
    return ""


def _markup_text(source: str) -> str:
    """Plain text of a HAML, Slim or ERB template: markup and code lines dropped, slots filled."""
    lines: list[str] = []
    for raw in source.splitlines():
        line = raw.strip()
        head = _TAG_PREFIX_CODE.match(line)
        if head is not None or _MARKUP_LINE.match(line):
            label = re.search(r'link_to\s*\(?\s*"([^"]+)"', line)
            if label:
                lines.append(label.group(1) + " : https://www.demarches-simplifiees.fr/dossiers/12345")
            continue
        if line.startswith(("|", "'")):
            line = line[1:].strip()
        else:
            first = line.split(" ", 1)[0]
            if first.startswith(("%", ".", "#")) or first in _SLIM_TAGS:
                line = _TAG_PREFIX.sub("", line) if " " in line else ""
        line = _HTML_TAG.sub(" ", _SLOT.sub(_fill_slot, line)).strip()
        if line and any(c.isalpha() for c in line) and not line.startswith(("{", "}", "(")):
            lines.append(line)
    return "\n".join(lines)


def _yaml_texts(source: str) -> list[str]:
    """One text per group of sibling strings of a locale file (a mailer's subject and body lines)."""
    import yaml

    try:
        data = yaml.safe_load(source)
    except yaml.YAMLError:
        return []
    out: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            leaves = [v for v in node.values() if isinstance(v, str)]
            text = "\n".join(_HTML_TAG.sub(" ", _SLOT.sub(_fill_slot, v)).strip() for v in leaves)
            if len(text.split()) >= 4:
                out.append(text)
            for v in node.values():
                if isinstance(v, dict | list):
                    walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(data)
    return out


def _ruby_text(source: str) -> str:
    found = [_SLOT.sub(_fill_slot, m.group(1)).replace("\\n", "\n") for m in _RUBY_STRING.finditer(source)]
    return "\n".join(s for s in found if len(s.split()) >= 3)


def template_segments(corpus: Path = CORPUS) -> dict[str, list[Doc]]:
    """``rdv_templates`` and ``ds_templates``: official notification wording, rendered from the templates."""
    out: dict[str, list[Doc]] = {}
    for name, folder in (
        ("rdv_templates", corpus / "legit_fr" / "rdv-service-public_templates"),
        ("ds_templates", corpus / "legit_fr" / "demarches-simplifiees_templates"),
    ):
        docs: list[Doc] = []
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if not path.is_file() or path.name.startswith("README"):
                continue
            rel = str(path.relative_to(folder))
            source = path.read_text(encoding="utf-8", errors="replace")
            if path.suffix == ".yml":
                texts = _yaml_texts(source)
            elif path.suffix == ".rb":
                texts = [_ruby_text(source)]
            else:
                texts = [_markup_text(source)]
            for i, text in enumerate(t for t in texts if len(t.split()) >= 4):
                docs.append(Doc(name, f"{rel}#{i}", text, "sms", 0, "fr"))
        out[name] = docs
    return out


def press_segment(corpus: Path = CORPUS) -> list[Doc]:
    """Scam wordings quoted by the French press (SMS, e-mail, voicemail): a probe, never trained on."""
    path = corpus / "press_quoted_messages.csv"
    if not path.is_file():
        return []
    kinds = {"sms": "sms", "email": "sms", "voicemail": "voicemail", "call": "call"}
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [
        Doc("press_fr", f"row{i}", r["quoted_text"], kinds.get(r["channel"], "sms"), 1, "fr")
        for i, r in enumerate(rows, 1)
        if r.get("quoted_text", "").strip()
    ]


def screenshot_segment(corpus: Path = CORPUS) -> list[Doc]:
    """Real screenshots of French scam SMS, only when the image reader is installed."""
    try:
        import sentinelle.media.image  # noqa: F401
    except ImportError:
        return []
    folder = corpus / "sms_screenshots"
    return [Doc("screenshots", p.name, p, "image", 1, "fr") for p in _files(folder)]


def text_segments(corpus: Path = CORPUS, *, screenshots: bool = False) -> dict[str, list[Doc]]:
    """Every text segment, scams first (the lookalike domains are evaluated apart, as URLs)."""
    segments = email_segments(corpus)
    segments["press_fr"] = press_segment(corpus)
    if screenshots:
        segments["screenshots"] = screenshot_segment(corpus)
    segments["sms_88milsms"] = sms_segment(corpus)
    segments["fiches_sante"] = fiches_segment(corpus)
    segments.update(template_segments(corpus))
    return {name: docs for name, docs in segments.items() if docs}


def sample(docs: list[Doc], limit: int | None, seed: int = SEED) -> list[Doc]:
    """At most ``limit`` documents, drawn with the seed (all of them when ``limit`` is None)."""
    if limit is None or len(docs) <= limit:
        return docs
    picked = random.Random(seed).sample(range(len(docs)), limit)
    return [docs[i] for i in sorted(picked)]


# ----------------------------------------------------------------------------------------------- metrics
@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    tn: int = 0
    fn: int = 0

    def add(self, label: int, flagged: bool) -> None:
        if label:
            self.tp += flagged
            self.fn += not flagged
        else:
            self.fp += flagged
            self.tn += not flagged

    def __iadd__(self, other: Counts) -> Counts:
        self.tp += other.tp
        self.fp += other.fp
        self.tn += other.tn
        self.fn += other.fn
        return self

    @property
    def n(self) -> int:
        return self.tp + self.fp + self.tn + self.fn

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p and r else (0.0 if p is not None and r is not None else None)

    @property
    def fpr(self) -> float | None:
        return self.fp / (self.fp + self.tn) if self.fp + self.tn else None

    def row(self) -> dict[str, object]:
        return {
            "n": self.n,
            "tp": self.tp,
            "fp": self.fp,
            "tn": self.tn,
            "fn": self.fn,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "fpr": self.fpr,
        }


def fmt(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def total(counts: Iterable[Counts]) -> Counts:
    out = Counts()
    for c in counts:
        out += c
    return out
