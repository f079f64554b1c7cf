"""A small learned text model: how much a message's wording resembles known scam wording.

What it is: a logistic regression over hashed features of the message's words, calibrated on held-out data
(Platt scaling), trained by ``scripts/train_text_model.py`` on the corpus described in ``docs/benchmarks.md``.
It is one signal among others (``detectors/text_model.py``), never a verdict on its own.

Features, computed the same way at training and at analysis time (this module is the only implementation):

* the text is the folded skeleton of subject and body (``textnorm.fold``: lower case, accents and homoglyphs
  undone), cut to ``max_chars``;
* volatile parts are removed before anything is counted, so that the model cannot learn the corpus's
  shortcuts (old English legitimate mail against recent phishing): every digit becomes ``0`` (dates, years,
  amounts, numbers), links become one placeholder token, e-mail addresses another, quoted-reply markers and
  ``Date:``/``Sent:`` lines are blanked. These replacements keep every character at its offset, so a
  contributing word can be quoted from the original text;
* tokens are runs of word characters or single punctuation marks; each token contributes its character
  3-, 4- and 5-grams (padded with spaces, within the token) and itself; each pair of neighbouring tokens
  contributes a bigram. Features are hashed into ``2**bits`` weights (CRC-32, deterministic across runs);
* an e-mail's subject line is counted a second time, as a subject: its tokens marked with ``\x04``
  (``subject_tokens``) follow the text's, so "urgent" or "account suspended" in a subject has its own weight;
* the raw score is ``bias + (sum of the token and bigram weights) / sqrt(tokens + length_prior)`` (short
  texts stay nearer the prior: a few words are little evidence); the probability is
  ``sigmoid(platt_a * raw + platt_b)``.

The model file is a NumPy ``.npz`` holding plain arrays only (a float32 weight vector and a JSON string),
read here with the standard library (``zipfile`` and the ``.npy`` header, object arrays refused: no code can
come from it) and equally by ``numpy.load(..., allow_pickle=False)``; NumPy is needed to train, not to
analyse. Token scores are memoised in a bounded table (a token's score is a pure function of the model).

Speed: the hot loops (tokenising, the token and pair lookups, the choice of quoted phrases) also exist compiled,
in ``_textmodel_speedups.c``, built at install time when a C compiler is there. The compiled code must return
exactly what this module's Python returns (``tests/test_text_model_speedups.py`` compares both on the corpus
and on generated text); this module stays the specification and the fallback.
"""

from __future__ import annotations

import array
import ast
import heapq
import io
import json
import math
import re
import sys
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import DataError

try:
    from . import _textmodel_speedups as _compiled
except ImportError:  # no C compiler at install time: the Python code below does the same, slower
    _compiled = None  # type: ignore[assignment]

FORMAT = "sentinelle-text-model/2"  # 2: subject tokens (FEATURES["subject"])
MODEL_FILE = "text_model.npz"

# Feature configuration. Changing any of these means retraining (the model records them and is refused when
# they differ).
FEATURES: dict[str, Any] = {
    "char_ngrams": [3, 4, 5],
    "bits": 18,
    "max_chars": 3000,
    "max_tokens": 600,
    "length_prior": 16,
    "hash": "crc32",
    "norm": "digits->0, link or address chunks->\\x01/\\x02, quote markers and date lines blanked",
    "subject": "subject tokens again after the text's, each marked with \\x04 (subject_tokens), at most 40",
}

_QUOTE = re.compile(r"(?m)^[ \t]*(?:>[ \t>]*)+")
_DATE_LINE = re.compile(r"(?m)^[ \t]*(?:date|sent|envoye|le)[ \t]*:[^\n]*")
_DATE_CUES = ("date", "sent", "envoye", "le:", "le ", "le\t")  # a _DATE_LINE match contains one of these
_TOKEN = re.compile(r"\w+|[^\w\s]")
_NONBLANK = re.compile(r"\S")  # str.split's notion of white space (Unicode), as ``tokens`` cuts chunks
_BLANK = re.compile(r"\s")
# Applied to one white-space-delimited chunk of bounded length (so their backtracking is bounded too).
_EMAIL_IN_CHUNK = re.compile(r"[^\s@]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+")
_DOMAIN_CHUNK = re.compile(
    r"[(\[<\"'«]*[a-z0-9-]+(?:(?:\.|\[\.\])[a-z0-9-]+)*(?:\.|\[\.\])[a-z]{2,12}(?:[/?#]\S*)?[)\]>\"'».,;:!?]*"
)
_MAX_CHUNK_MATCH = 160
_DIGITS = str.maketrans("123456789", "000000000")
LINK_TOKEN = "\x01"
EMAIL_TOKEN = "\x02"
_PLACEHOLDERS = frozenset((LINK_TOKEN, EMAIL_TOKEN))
_BIGRAM_MIX = 0x9E3779B1
_TOKEN_SALT = b"\x03"
_CACHE_LIMIT = 200_000
SUBJECT_MARK = "\x04"
_MAX_SUBJECT_TOKENS = 40
_DAMP_2 = 1 + 0.35 * 1  # a phrase of two tokens counts for its score / 1.35, of three / 1.7
_DAMP_3 = 1 + 0.35 * 2
MIN_TOKENS = 5  # below this, wording says too little (a greeting, a one-word reply): not scored


def _blank(match: re.Match[str]) -> str:
    return " " * (match.end() - match.start())


def _blank_lines(folded: str, max_chars: int) -> str:
    """The text cut to ``max_chars`` with quote markers and date lines blanked (offsets kept)."""
    if _compiled is not None:
        return _compiled.blank(folded, max_chars)
    return python_blank_lines(folded, max_chars)


def python_blank_lines(folded: str, max_chars: int) -> str:
    """``_blank_lines`` in Python: the specification the compiled ``blank`` follows."""
    text = folded[:max_chars]
    if ">" in text:
        text = _QUOTE.sub(_blank, text)
    if ":" in text and any(cue in text for cue in _DATE_CUES):  # the regex alone costs more than these scans
        text = _DATE_LINE.sub(_blank, text)
    return text


def _placeholder(chunk: str) -> str | None:
    """LINK_TOKEN or EMAIL_TOKEN when a white-space-delimited chunk is a link or an address, else None."""
    if "." not in chunk and "/" not in chunk and "@" not in chunk:
        return None
    if "://" in chunk or chunk.startswith(("www.", "(www.", "<www.")):
        return LINK_TOKEN
    if len(chunk) > _MAX_CHUNK_MATCH:
        return None
    if "@" in chunk and _EMAIL_IN_CHUNK.search(chunk):
        return EMAIL_TOKEN
    if _DOMAIN_CHUNK.fullmatch(chunk):
        return LINK_TOKEN
    return None


def tokens(folded: str) -> list[str]:
    """The model's tokens of a folded text: runs of word characters and single punctuation marks, digits as
    ``0``, each link or e-mail address one placeholder, quote markers and date lines gone."""
    if _compiled is not None:
        return _compiled.tokenize(_blank_lines(folded, FEATURES["max_chars"]), FEATURES["max_tokens"], _placeholder)
    return python_tokens(folded)


def python_tokens(folded: str) -> list[str]:
    """``tokens`` in Python: the specification the compiled tokenizer follows."""
    chunks = python_blank_lines(folded, FEATURES["max_chars"]).split()
    for i, chunk in enumerate(chunks):
        if "." in chunk or "/" in chunk or "@" in chunk:
            ph = _placeholder(chunk)
            if ph is not None:
                chunks[i] = ph
    return _TOKEN.findall(" ".join(chunks).translate(_DIGITS))[: FEATURES["max_tokens"]]


def subject_tokens(folded_subject: str) -> list[str]:
    """A subject line's tokens, marked (``SUBJECT_MARK`` prefixed): appended after the text's tokens, the same
    words weigh apart in a subject ("urgent", "votre compte", "facture") with their own features and pairs.
    The text already holds the subject as its first line; this is the subject a second time, as a subject."""
    return [SUBJECT_MARK + t for t in tokens(folded_subject)[:_MAX_SUBJECT_TOKENS]]


def token_offsets(folded: str, toks: Sequence[str], count: int) -> list[tuple[int, int]]:
    """(start, end) in ``folded`` of the first ``count`` tokens of ``toks == tokens(folded)``.

    Walks the text as ``tokens`` cut it: a placeholder stands for the whole white-space-delimited chunk it
    replaced (the link or address as written), any other token is at its first occurrence after the previous
    one (only blanks lie between). Only as far as ``count``: the phrase search needs the first few
    (``tests/test_text_model.py`` checks them against the text)."""
    if _compiled is not None:
        flat = _spans(_compiled_tokens(folded, min(count, FEATURES["max_tokens"]))[1])
        return list(zip(flat[0::2], flat[1::2], strict=True))
    return python_token_offsets(folded, toks, count)


def _compiled_tokens(folded: str, max_tokens: int) -> tuple[list[str], bytes]:
    """``tokens`` by the compiled tokenizer, with each token's span packed (read them with ``_spans``)."""
    assert _compiled is not None
    return _compiled.tokenize(_blank_lines(folded, FEATURES["max_chars"]), max_tokens, _placeholder, offsets=True)


def _spans(packed: bytes) -> memoryview[int]:
    """The compiled tokenizer's packed spans as start, end, start, end... (native int64)."""
    return memoryview(packed).cast("q")


def python_token_offsets(folded: str, toks: Sequence[str], count: int) -> list[tuple[int, int]]:
    """``token_offsets`` in Python: the specification the compiled tokenizer follows."""
    text = python_blank_lines(folded, FEATURES["max_chars"]).translate(_DIGITS)
    find, size = text.find, len(text)
    out: list[tuple[int, int]] = []
    end = 0
    for tok in toks[:count]:
        if tok in _PLACEHOLDERS:
            chunk = _NONBLANK.search(text, end)
            start = chunk.start() if chunk is not None else size
            blank = _BLANK.search(text, start)
            end = blank.start() if blank is not None else size
        else:
            start = find(tok, end)
            end = start + len(tok)
        out.append((start, end))
    return out


def token_features(token: str, char_ngrams: Sequence[int], mask: int) -> tuple[list[int], int]:
    """Bucket indices of a token's features (its character n-grams and itself) and its own hash."""
    own = zlib.crc32(token.encode("utf-8", "surrogatepass"), zlib.crc32(_TOKEN_SALT))
    padded = " " + token + " "
    out = [own & mask]
    if token not in _PLACEHOLDERS and len(token) > 1:
        for n in char_ngrams:
            for i in range(len(padded) - n + 1):
                out.append(zlib.crc32(padded[i : i + n].encode("utf-8", "surrogatepass")) & mask)
    return out, own


def bigram_feature(left_hash: int, right_hash: int, mask: int) -> int:
    """Bucket of a pair of neighbouring tokens, from the two tokens' own hashes."""
    return (((left_hash * _BIGRAM_MIX) ^ right_hash) * 0x85EBCA6B >> 7) & mask


def featurise(toks: Sequence[str], char_ngrams: Sequence[int], mask: int) -> list[int]:
    """Every bucket index a token list touches, duplicates included (training uses this; scoring is faster)."""
    out: list[int] = []
    hashes: list[int] = []
    for tok in toks:
        feats, own = token_features(tok, char_ngrams, mask)
        out.extend(feats)
        hashes.append(own)
    out.extend(bigram_feature(a, b, mask) for a, b in zip(hashes, hashes[1:], strict=False))
    return out


def scale(token_count: int) -> float:
    """Short texts are pulled towards the prior: a dozen words are less evidence than a page."""
    return 1.0 / math.sqrt(token_count + FEATURES["length_prior"])


@dataclass(frozen=True, slots=True)
class Assessment:
    probability: float
    raw: float
    token_count: int
    # The text's own tokens (subject tokens excluded) and their table entries, kept for ``top_phrases``: the
    # evidence quotes the words that weighed most, and reading them again cost as much as the assessment.
    text_tokens: tuple[str, ...] = field(default=(), repr=False, compare=False)
    text_entries: tuple[tuple[float, int, int], ...] = field(default=(), repr=False, compare=False)
    # With the compiled loops: where each text token lies in the text (read with ``_spans``), found while
    # tokenising, so that quoting the phrases does not tokenise again.
    text_spans: bytes = field(default=b"", repr=False, compare=False)


class TextModel:
    """A loaded model. ``probability(folded_text)`` is the calibrated probability of scam wording."""

    def __init__(self, weights: Sequence[float], meta: dict[str, Any], *, compiled: bool = True) -> None:
        """``compiled``: use the compiled loops when they are built (False: this module's Python, for tests)."""
        features = meta.get("features")
        if meta.get("format") != FORMAT:
            raise DataError(f"text model: format {meta.get('format')!r}, expected {FORMAT!r}")
        if features != FEATURES:
            raise DataError("text model: trained with another feature configuration; retrain it")
        self.meta = meta
        self.bits = int(features["bits"])
        if len(weights) != 1 << self.bits:
            raise DataError(f"text model: {len(weights)} weights for {self.bits} bits")
        self._mask = (1 << self.bits) - 1
        self._ngrams = tuple(int(n) for n in features["char_ngrams"])
        self._w = weights if isinstance(weights, array.array) else array.array("f", weights)
        self.bias = float(meta["bias"])
        self.platt_a = float(meta["platt_a"])
        self.platt_b = float(meta["platt_b"])
        self.threshold = float(meta["threshold"])
        self._cache: dict[str, tuple[float, int, int]] = {}
        self._scorer = (
            _compiled.Scorer(self._w, self.bits, self._ngrams, _CACHE_LIMIT)
            if compiled and _compiled is not None
            else None
        )

    @property
    def compiled(self) -> bool:
        """Whether this model scores with the compiled loops."""
        return self._scorer is not None

    def _token(self, tok: str) -> tuple[float, int, int]:
        """(sum of the token's own weights, its hash, its hash pre-mixed as the left side of a bigram)."""
        hit = self._cache.get(tok)
        if hit is None:
            feats, own = token_features(tok, self._ngrams, self._mask)
            w = self._w
            hit = (sum([w[i] for i in feats]), own, own * _BIGRAM_MIX)
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            self._cache[tok] = hit
        return hit

    def raw_score(self, toks: Sequence[str]) -> float:
        """``bias + scale * (token weights + bigram weights)``; the hot path, hence its plain-loop shape."""
        if not toks:
            return self.bias
        if self._scorer is not None:
            token_sum, pair_sum = self._scorer.raw_sums(toks)
            return self.bias + (token_sum + pair_sum) * scale(len(toks))
        return self._raw(self._entries(toks))

    def _entries(self, toks: Sequence[str]) -> list[tuple[float, int, int]]:
        get, token = self._cache.get, self._token
        return [get(t) or token(t) for t in toks]

    def _raw(self, entries: Sequence[tuple[float, int, int]]) -> float:
        w, mask = self._w, self._mask
        total = sum([e[0] for e in entries])
        pairs = zip(entries, entries[1:], strict=False)
        total += sum([w[((a[2] ^ b[1]) * 0x85EBCA6B >> 7) & mask] for a, b in pairs])
        return self.bias + total * scale(len(entries))

    def calibrate(self, raw: float) -> float:
        z = self.platt_a * raw + self.platt_b
        if z >= 0:
            return 1.0 / (1.0 + math.exp(-z))
        e = math.exp(z)
        return e / (1.0 + e)

    def assess(self, folded: str, folded_subject: str = "") -> Assessment:
        """``folded``: the folded text (subject line first, as ``Context.text``); ``folded_subject``: the folded
        subject alone, when the message has one (e-mails), for ``subject_tokens``."""
        spans = b""
        if self._scorer is not None:
            toks, spans = _compiled_tokens(folded, FEATURES["max_tokens"])
        else:
            toks = tokens(folded)
        if len(toks) < MIN_TOKENS:
            return Assessment(self.calibrate(self.bias), self.bias, len(toks))
        own = len(toks)
        if folded_subject:
            toks += subject_tokens(folded_subject)
        if self._scorer is not None:  # top_phrases asks the compiled memo again: nothing to keep
            raw = self.raw_score(toks)
            return Assessment(self.calibrate(raw), raw, len(toks), tuple(toks[:own]), text_spans=spans)
        entries = self._entries(toks)
        raw = self._raw(entries)
        return Assessment(self.calibrate(raw), raw, len(toks), tuple(toks[:own]), tuple(entries[:own]))

    def probability(self, folded: str, folded_subject: str = "") -> float:
        return self.assess(folded, folded_subject).probability

    def top_phrases(
        self, folded: str, limit: int = 3, assessment: Assessment | None = None
    ) -> list[tuple[int, int, float]]:
        """The spans that pushed most towards scam: each word with its neighbours' pair weights, merged into
        short non-overlapping phrases, strongest first (only positive contributions).

        ``assessment``: this text's ``assess`` result, whose tokens and entries are then reused. Windows are
        chosen on token positions; only the tokens up to the last chosen one are then located in the text."""
        toks: Sequence[str] = assessment.text_tokens if assessment is not None else ()
        if not toks:
            toks = tokens(folded)
        if not toks:
            return []
        if self._scorer is not None:
            chosen = self._scorer.top_windows(toks, scale(len(toks)), limit, _PLACEHOLDERS)
        else:
            entries = assessment.text_entries if assessment is not None and assessment.text_entries else ()
            chosen = self._python_windows(toks, entries or self._entries(toks), limit)
        if not chosen:
            return []
        if assessment is not None and assessment.text_spans:
            flat = _spans(assessment.text_spans)
            return [(flat[2 * i], flat[2 * j - 1], value) for i, j, value in chosen]
        offsets = token_offsets(folded, toks, max(j for _, j, _ in chosen))
        return [(offsets[i][0], offsets[j - 1][1], value) for i, j, value in chosen]

    def _python_windows(
        self, toks: Sequence[str], entries: Sequence[tuple[float, int, int]], limit: int
    ) -> list[tuple[int, int, float]]:
        """``top_phrases``'s choice of token windows in Python: the specification of ``Scorer.top_windows``."""
        factor = scale(len(toks))
        singles = [0.0 if t in _PLACEHOLDERS else e[0] * factor for t, e in zip(toks, entries, strict=True)]
        w, mask = self._w, self._mask
        pairs = [w[((a[2] ^ b[1]) * 0x85EBCA6B >> 7) & mask] * factor 
                 for a, b in zip(entries, entries[1:], strict=False)]
        # Windows of one, two and three tokens, scored by their tokens and the pairs inside them (summed in this
        # order: a + (b + pair), then + (c + pair)), longer ones damped; windows made only of punctuation are not
        # phrases. Entries are (-score, first, end): tuple order is strongest, then leftmost, then shortest.
        wordy = [tok[0].isalnum() for tok in toks]
        windows = [(-v, i, i + 1) for i, v in enumerate(singles) if v > 0 and wordy[i]]
        two = [a + (b + p) for a, b, p in zip(singles, singles[1:], pairs, strict=False)]
        two_wordy = [x or y for x, y in zip(wordy, wordy[1:], strict=False)]
        windows += [(-(v / _DAMP_2), i, i + 2) for i, v in enumerate(two) if v > 0 and two_wordy[i]]
        three = [v + (c + p) for v, c, p in zip(two, singles[2:], pairs[1:], strict=False)]
        windows += [
            (-(v / _DAMP_3), i, i + 3) for i, v in enumerate(three) if v > 0 and (two_wordy[i] or wordy[i + 2])
        ]
        heapq.heapify(windows)  # only the first few are wanted: popped in order rather than all sorted
        chosen: list[tuple[int, int, float]] = []
        used: set[int] = set()
        while windows and len(chosen) < limit:
            negative, i, j = heapq.heappop(windows)
            if used.intersection(range(i, j)):
                continue
            used.update(range(i, j))
            chosen.append((i, j, -negative))
        return chosen


def _read_npy(raw: bytes, where: str) -> tuple[str, tuple[int, ...], bytes]:
    """The dtype, shape and data of a ``.npy`` member, parsed with the standard library (no pickle is possible:
    object arrays are refused)."""
    if raw[:6] != b"\x93NUMPY" or len(raw) < 10:
        raise DataError(f"{where}: not an .npy array")
    major = raw[6]
    if major == 1:
        hlen, start = int.from_bytes(raw[8:10], "little"), 10
    elif major in (2, 3):
        hlen, start = int.from_bytes(raw[8:12], "little"), 12
    else:
        raise DataError(f"{where}: .npy version {major} unknown")
    try:
        header = ast.literal_eval(raw[start : start + hlen].decode("latin-1"))
        descr, fortran, shape = str(header["descr"]), bool(header["fortran_order"]), tuple(header["shape"])
    except (ValueError, SyntaxError, KeyError, TypeError) as exc:
        raise DataError(f"{where}: bad .npy header") from exc
    if fortran or "O" in descr or not all(isinstance(n, int) for n in shape):
        raise DataError(f"{where}: unsupported array ({descr}, fortran={fortran})")
    return descr, shape, raw[start + hlen :]


def load_model_file(path: Path | None = None) -> TextModel:
    """Read a model written by ``save_model`` (the packaged one when ``path`` is None), with the standard
    library only: the weights are a little-endian float32 array, the metadata a JSON string."""
    try:
        if path is None:
            raw = resources.files("sentinelle").joinpath("data", MODEL_FILE).read_bytes()
        else:
            raw = Path(path).read_bytes()
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            w_descr, w_shape, w_data = _read_npy(zf.read("weights.npy"), "weights")
            m_descr, m_shape, m_data = _read_npy(zf.read("meta.npy"), "meta")
    except (OSError, KeyError, zipfile.BadZipFile) as exc:
        raise DataError(f"text model unreadable: {exc}") from exc
    if w_descr != "<f4" or len(w_shape) != 1:
        raise DataError(f"text model: weights must be a flat little-endian float32 array, not {w_descr} {w_shape}")
    if not m_descr.startswith("<U") or m_shape != ():
        raise DataError("text model: metadata must be one unicode string")
    weights = array.array("f")
    weights.frombytes(w_data[: 4 * w_shape[0]])
    if sys.byteorder != "little":
        weights.byteswap()
    try:
        meta = json.loads(m_data.decode("utf-32-le").rstrip("\x00"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise DataError(f"text model: metadata unreadable: {exc}") from exc
    if not isinstance(meta, dict):
        raise DataError("text model: metadata must be a JSON object")
    return TextModel(weights, meta)


def save_model(path: Path, weights: Any, meta: dict[str, Any]) -> None:
    """Write the weights (float32) and the metadata (JSON text) as plain arrays; no pickle."""
    import numpy as np

    np.savez_compressed(
        path,
        weights=np.asarray(weights, dtype=np.float32),
        meta=np.array(json.dumps(meta, sort_keys=True, ensure_ascii=True)),
    )
