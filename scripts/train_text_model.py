"""Train the text model (``src/sentinelle/data/text_model.npz``) on the corpus, calibrate it, report per segment.

    .venv/bin/python scripts/train_text_model.py [--corpus ../shared/corpus] [--seed 8] [--out PATH] [--check]

Training-only dependency: NumPy (no scikit-learn). Steps, all deterministic for a given corpus and seed:

1. every document of ``benchmarks/corpus_segments.py`` is parsed by the engine exactly as at analysis time
   (e-mails through the e-mail parser), folded, normalised and tokenised by ``sentinelle.textmodel``;
   documents whose normalised wording is identical are kept once;
2. each document falls in train (60 %), calibration (15 %) or test (25 %) by a hash of its wording and the
   seed (``corpus_segments.split_of``), the same split ``benchmarks/eval_quality.py --split test`` uses; the
   model learns from train and calibration together, the test part is only scored;
3. an L2-regularised logistic regression (full-batch Adam over the hashed features), each segment weighted
   (``SEGMENT_WEIGHTS``) so that the French legitimate texts count as hard negatives and the 74 French
   phishing e-mails are not drowned by the 1,499 others; the press quotes are never trained on (a probe).
   ``L2`` was chosen by ``--select-l2``: the out-of-fold scam recall within the false-positive budgets below,
   for each value of ``L2_GRID`` (4-fold cross-validation inside train + calibration);
4. calibration without a separate small part: the same 4 folds give every train and calibration document a
   score from a model that did not see it; Platt scaling is fitted on those out-of-fold scores, and the
   decision threshold is the lowest probability that keeps, out of fold, every French legitimate segment at
   or below 0.25 % false positives and legitimate e-mail at or below 0.5 %. The final model is then fitted
   on all train and calibration documents (a third more than each fold model: the held-out figures show how
   the out-of-fold threshold carries over to it);
5. the test part is scored per segment and everything (data digest, seed, feature configuration, figures)
   goes into the model's metadata.

``--check`` retrains and compares with the committed model instead of writing it (exit 1 when they differ).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

import corpus_segments as cs  # noqa: E402

from sentinelle import Engine  # noqa: E402
from sentinelle.textmodel import (  # noqa: E402
    FEATURES,
    FORMAT,
    MIN_TOKENS,
    bigram_feature,
    load_model_file,
    save_model,
    scale,
    subject_tokens,
    token_features,
    tokens,
)
from sentinelle.textnorm import fold  # noqa: E402

OUT = REPO / "src" / "sentinelle" / "data" / "text_model.npz"
PROBES = frozenset({"press_fr"})  # evaluated, never trained on
SEGMENT_WEIGHTS = cs.SEGMENT_WEIGHTS
L2 = 3e-5  # chosen with --select-l2 (see docs/benchmarks.md)
L2_GRID = (1e-5, 3e-5, 1e-4, 3e-4, 1e-3)
FOLDS = 4
FIT_SPLITS = ("train", "calib")
EPOCHS = 400
LEARNING_RATE = 0.05
FR_LEGIT_MAX_FPR = 0.0025
HAM_MAX_FPR = 0.005


def model_tokens(engine: Engine, doc: cs.Doc) -> tuple[list[str], list[str]]:
    """The text's tokens (which decide the split) and the subject's marked tokens, as the detector sees them."""
    msg = engine.parse(doc.source if isinstance(doc.source, Path) else str(doc.source), kind=doc.kind)
    text = msg.subject + "\n" + msg.text if msg.subject else msg.text
    return tokens(fold(text)), subject_tokens(fold(msg.subject)) if msg.subject else []


def load(corpus: Path) -> list[tuple[cs.Doc, list[str], str]]:
    """(doc, tokens, split) for every distinct document."""
    engine = Engine()
    out: list[tuple[cs.Doc, list[str], str]] = []
    seen: set[str] = set()
    for docs in cs.text_segments(corpus).values():
        for doc in docs:
            toks, subject = model_tokens(engine, doc)
            key = " ".join(toks)
            if not toks or key in seen:
                continue
            seen.add(key)
            out.append((doc, toks + subject if len(toks) >= MIN_TOKENS else toks, cs.split_of(key)))
    return out


def data_digest(data: list[tuple[cs.Doc, list[str], str]]) -> str:
    """SHA-256 of what the model learns from: every document's segment, id, label, split and normalised tokens."""
    digest = hashlib.sha256()
    for doc, toks, split in sorted(data, key=lambda r: (r[0].segment, r[0].id)):
        digest.update(f"{doc.segment}\0{doc.id}\0{doc.label}\0{split}\0".encode())
        digest.update(" ".join(toks).encode("utf-8", "surrogatepass") + b"\n")
    return digest.hexdigest()


def design(rows: list[list[str]], mask: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Sparse design matrix as (doc, bucket, count) triples with duplicates merged, and per-doc scale."""
    cache: dict[str, tuple[list[int], int]] = {}
    docs: list[np.ndarray] = []
    buckets: list[np.ndarray] = []
    scales = np.empty(len(rows))
    ngrams = FEATURES["char_ngrams"]
    for i, toks in enumerate(rows):
        feats: list[int] = []
        owns: list[int] = []
        for tok in toks:
            entry = cache.get(tok)
            if entry is None:
                entry = cache[tok] = token_features(tok, ngrams, mask)
            feats.extend(entry[0])
            owns.append(entry[1])
        feats.extend(bigram_feature(a, b, mask) for a, b in zip(owns, owns[1:], strict=False))
        buckets.append(np.asarray(feats, dtype=np.int64))
        docs.append(np.full(len(feats), i, dtype=np.int64))
        scales[i] = scale(len(toks))
    key = np.concatenate(docs) * (mask + 1) + np.concatenate(buckets)
    uniq, counts = np.unique(key, return_counts=True)
    return (
        (uniq // (mask + 1)).astype(np.int32),
        (uniq % (mask + 1)).astype(np.int32),
        counts.astype(np.float64),
        scales,
    )


def raw_scores(
    w: np.ndarray, bias: float, doc: np.ndarray, idx: np.ndarray, val: np.ndarray, scales: np.ndarray
) -> np.ndarray:
    return bias + scales * np.bincount(doc, weights=w[idx] * val, minlength=len(scales))


def fit(
    doc: np.ndarray,
    idx: np.ndarray,
    val: np.ndarray,
    scales: np.ndarray,
    y: np.ndarray,
    sw: np.ndarray,
    size: int,
    l2: float = 1e-4,
) -> tuple[np.ndarray, float]:
    """Weighted L2 logistic regression, full-batch Adam (deterministic)."""
    w = np.zeros(size)
    b = 0.0
    m, v = np.zeros(size + 1), np.zeros(size + 1)
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    sw = sw / sw.sum()
    xval = val * scales[doc]
    for t in range(1, EPOCHS + 1):
        z = b + np.bincount(doc, weights=w[idx] * xval, minlength=len(y))
        p = 1.0 / (1.0 + np.exp(-z))
        g_doc = (p - y) * sw
        grad = np.empty(size + 1)
        grad[:size] = np.bincount(idx, weights=g_doc[doc] * xval, minlength=size) + l2 * w
        grad[size] = g_doc.sum()
        m = beta1 * m + (1 - beta1) * grad
        v = beta2 * v + (1 - beta2) * grad * grad
        step = LEARNING_RATE * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
        w -= step[:size]
        b -= float(step[size])
        if t % 100 == 0:
            loss = -(sw * (y * np.log(p + 1e-12) + (1 - y) * np.log(1 - p + 1e-12))).sum()
            print(f"  epoch {t}: weighted log-loss {loss:.4f}", file=sys.stderr)
    return w, b


def platt(raw: np.ndarray, y: np.ndarray, sw: np.ndarray) -> tuple[float, float]:
    """Platt scaling by Newton's method on (a, b), with Platt's smoothed targets."""
    pos, neg = float((y == 1).sum()), float((y == 0).sum())
    target = np.where(y == 1, (pos + 1) / (pos + 2), 1 / (neg + 2))
    a, b = 1.0, 0.0
    for _ in range(100):
        p = 1 / (1 + np.exp(-(a * raw + b)))
        g = np.array([(sw * (p - target) * raw).sum(), (sw * (p - target)).sum()])
        d = sw * p * (1 - p)
        h = np.array([[(d * raw * raw).sum(), (d * raw).sum()], [(d * raw).sum(), d.sum()]]) + 1e-9 * np.eye(2)
        delta = np.linalg.solve(h, g)
        a, b = a - float(delta[0]), b - float(delta[1])
        if abs(delta).max() < 1e-10:
            break
    return a, b


def choose_threshold(prob: np.ndarray, y: np.ndarray, segments: list[str]) -> float:
    """The lowest threshold meeting the false-positive ceilings on the calibration part."""
    seg = np.array(segments)
    for threshold in np.round(np.arange(0.50, 0.9995, 0.005), 3):
        flagged = prob >= threshold
        ok = True
        for name in set(segments):
            sel = (seg == name) & (y == 0)
            if not sel.any():
                continue
            limit = HAM_MAX_FPR if name == "ham" else FR_LEGIT_MAX_FPR
            if flagged[sel].mean() > limit:
                ok = False
        if ok:
            return float(threshold)
    return 0.99


def per_segment(prob: np.ndarray, y: np.ndarray, segments: list[str], threshold: float) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    seg = np.array(segments)
    for name in dict.fromkeys(segments):
        sel = seg == name
        label = int(y[sel][0])
        flagged = int((prob[sel] >= threshold).sum())
        out[name] = {"n": int(sel.sum()), "label": label, "flagged": flagged, "rate": round(flagged / sel.sum(), 4)}
    return out


def pair_metrics(
    prob: np.ndarray, y: np.ndarray, segments: list[str], threshold: float, pos: set[str], neg: set[str]
) -> dict[str, float]:
    c = cs.Counts()
    for p, label, s in zip(prob, y, segments, strict=True):
        if s in pos or s in neg:
            c.add(int(label), bool(p >= threshold))
    return {k: round(float(v), 4) for k, v in c.row().items() if v is not None}


def fold_of(doc: cs.Doc, folds: int) -> int:
    """Cross-validation fold of a training document (a hash of its segment and id; the split is untouched)."""
    return int.from_bytes(hashlib.sha256(f"fold\0{doc.segment}\0{doc.id}".encode()).digest()[:8], "big") % folds


def sample_weights(rows: list[tuple[cs.Doc, list[str], str]]) -> np.ndarray:
    counts = Counter(d.segment for d, _, _ in rows)
    return np.array([SEGMENT_WEIGHTS[d.segment] / counts[d.segment] for d, _, _ in rows])


def train(rows: list[tuple[cs.Doc, list[str], str]], mask: int, l2: float) -> tuple[np.ndarray, float]:
    doc, idx, val, scales = design([t for _, t, _ in rows], mask)
    y = np.array([d.label for d, _, _ in rows], dtype=np.float64)
    print(f"  fit on {len(rows)} documents, {len(idx)} non-zero features, l2 {l2:g}", file=sys.stderr)
    w, bias = fit(doc, idx, val, scales, y, sample_weights(rows), mask + 1, l2)
    return w.astype(np.float32).astype(np.float64), bias  # what the file will hold


def scores(w: np.ndarray, bias: float, rows: list[tuple[cs.Doc, list[str], str]], mask: int) -> np.ndarray:
    d, i, v, s = design([t for _, t, _ in rows], mask)
    return raw_scores(w, bias, d, i, v, s)


def out_of_fold(rows: list[tuple[cs.Doc, list[str], str]], mask: int, l2: float) -> np.ndarray:
    """Raw scores of every document by the model trained on the other folds."""
    raw = np.zeros(len(rows))
    fold = np.array([fold_of(d, FOLDS) for d, _, _ in rows])
    for k in range(FOLDS):
        inside = [r for r, f in zip(rows, fold, strict=True) if f != k]
        w, bias = train(inside, mask, l2)
        raw[fold == k] = scores(w, bias, [r for r, f in zip(rows, fold, strict=True) if f == k], mask)
    return raw


def recall_within_budgets(prob: np.ndarray, y: np.ndarray, segments: list[str]) -> tuple[float, float]:
    """(threshold, weighted scam recall at it): the model-selection criterion of ``--select-l2``."""
    threshold = choose_threshold(prob, y, segments)
    seg = np.array(segments)
    recall = sum(
        SEGMENT_WEIGHTS[s] * float((prob[(seg == s)] >= threshold).mean()) for s in set(segments) if y[seg == s][0]
    )
    return threshold, recall


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=cs.CORPUS)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--check", action="store_true", help="compare with the committed model, write nothing")
    parser.add_argument(
        "--select-l2",
        action="store_true",
        help=f"print the cross-validated recall of each L2 in {L2_GRID}, write nothing",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    data = load(args.corpus)
    if not data:
        print(f"corpus not found under {args.corpus}", file=sys.stderr)
        return 2
    sizes = Counter((d.segment, s) for d, _, s in data)
    print(f"loaded {len(data)} distinct documents in {time.perf_counter() - started:.0f} s", file=sys.stderr)

    mask = (1 << FEATURES["bits"]) - 1
    # Everything but the test part is learned from: the folds give every such document a score from a model
    # that did not see it (calibration and threshold), then the final model is fitted on all of them.
    pool = [r for r in data if r[2] in FIT_SPLITS and r[0].segment not in PROBES]
    y = np.array([d.label for d, _, _ in pool], dtype=np.float64)
    seg = [d.segment for d, _, _ in pool]
    if args.select_l2:
        for l2 in L2_GRID:
            prob = 1 / (1 + np.exp(-out_of_fold(pool, mask, l2)))
            threshold, recall = recall_within_budgets(prob, y, seg)
            print(f"l2 {l2:g}: out-of-fold weighted recall {recall:.4f} at threshold {threshold}", file=sys.stderr)
        return 0
    raw_oof = out_of_fold(pool, mask, L2)
    a, b = platt(raw_oof, y, sample_weights(pool))
    prob_oof = 1 / (1 + np.exp(-(a * raw_oof + b)))
    threshold = choose_threshold(prob_oof, y, seg)
    w, bias = train(pool, mask, L2)

    test = [r for r in data if r[2] == "test"]
    yt = np.array([d.label for d, _, _ in test], dtype=np.float64)
    prob_t = 1 / (1 + np.exp(-(a * scores(w, bias, test, mask) + b)))
    seg_t = [d.segment for d, _, _ in test]
    legit_fr = {"sms_88milsms", "fiches_sante", "rdv_templates", "ds_templates"}
    results = {
        "threshold": threshold,
        "segments": per_segment(prob_t, yt, seg_t, threshold),
        "phish_vs_ham": pair_metrics(prob_t, yt, seg_t, threshold, {"phish", "phish_fr"}, {"ham"}),
        "all": pair_metrics(prob_t, yt, seg_t, threshold, {"phish", "phish_fr", "press_fr"}, {"ham", *legit_fr}),
    }
    meta = {
        "format": FORMAT,
        "features": FEATURES,
        "seed": cs.SEED,
        "splits": [list(s) for s in cs.SPLITS],
        "data_digest": data_digest(data),
        "documents": {f"{seg}/{split}": n for (seg, split), n in sorted(sizes.items())},
        "segment_weights": SEGMENT_WEIGHTS,
        "probes": sorted(PROBES),
        "training": {
            "l2": L2,
            "epochs": EPOCHS,
            "learning_rate": LEARNING_RATE,
            "optimiser": "adam, full batch",
            "fitted_on": list(FIT_SPLITS),
            "calibration": f"platt and threshold on {FOLDS}-fold out-of-fold scores of the same parts",
        },
        "bias": bias,
        "platt_a": a,
        "platt_b": b,
        "threshold": threshold,
        "heldout": results,
    }
    for name, r in results["segments"].items():
        print(f"  {name:14} n={r['n']:5} flagged={r['flagged']:4} rate={r['rate']:.4f}", file=sys.stderr)
    print(
        f"  threshold {threshold}, platt a={a:.3f} b={b:.3f}; phish vs ham {results['phish_vs_ham']}", file=sys.stderr
    )
    # The scorer in the package must give what the trainer computed.
    from sentinelle.textmodel import TextModel

    model = TextModel(w.tolist(), json.loads(json.dumps(meta)))
    for (d0, toks, _), p in list(zip(test, prob_t, strict=True))[:50]:
        assert abs(model.calibrate(model.raw_score(toks)) - p) < 1e-6, d0.id
    if args.check:
        committed = load_model_file(args.out)
        same = committed.meta == json.loads(json.dumps(meta)) and np.allclose(committed._w, w, atol=0)  # noqa: SLF001
        print("committed model matches the training script" if same else "committed model DIFFERS", file=sys.stderr)
        return 0 if same else 1
    save_model(args.out, w, meta)
    print(
        f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KiB) in {time.perf_counter() - started:.0f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
