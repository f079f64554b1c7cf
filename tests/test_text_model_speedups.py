"""The compiled text-model loops (``_textmodel_speedups.c``) against their specification, ``textmodel.py``.

The compiled code must return exactly what the Python returns: the same tokens, the same offsets, the same
sums to the last bit (hence the same probabilities and verdicts) and the same quoted phrases. Compared here on
every e-mail of ``../shared/corpus`` (when present) and on generated hostile text: every kind of Unicode white
space, digits of other scripts, lone surrogates, tokens longer than the compiled code's stack buffers, links
and addresses in every shape the placeholder rules know.
"""

from __future__ import annotations

import array
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sentinelle import Engine, textmodel
from sentinelle.detectors.text_model import packaged_model
from sentinelle.textmodel import FEATURES, TextModel, python_token_offsets, python_tokens, token_offsets, tokens
from sentinelle.textnorm import fold

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "email"


def _compiled_module():  # type: ignore[no-untyped-def]
    if textmodel._compiled is None:
        pytest.fail(
            "sentinelle._textmodel_speedups is not built: install with a C compiler (`pip install -e .` runs "
            "setup.py), or the e-mail path is about 0.3 ms slower than measured in docs/benchmarks.md"
        )
    return textmodel._compiled


def _models() -> tuple[TextModel, TextModel]:
    shipped = packaged_model()
    compiled = TextModel(shipped._w, shipped.meta)
    python = TextModel(shipped._w, shipped.meta, compiled=False)
    assert compiled.compiled
    assert not python.compiled
    return compiled, python


def _same(folded: str, subject: str, compiled: TextModel, python: TextModel) -> None:
    blanked = textmodel._blank_lines(folded, int(FEATURES["max_chars"]))
    assert blanked == textmodel.python_blank_lines(folded, int(FEATURES["max_chars"]))
    assert tokens(folded) == python_tokens(folded)
    toks = python_tokens(folded)
    assert token_offsets(folded, toks, len(toks)) == python_token_offsets(folded, toks, len(toks))
    fast, slow = compiled.assess(folded, subject), python.assess(folded, subject)
    assert (fast.raw, fast.probability, fast.token_count) == (slow.raw, slow.probability, slow.token_count)
    assert compiled.top_phrases(folded, 5, fast) == python.top_phrases(folded, 5, slow)
    assert compiled.top_phrases(folded, 3) == python.top_phrases(folded, 3)


def test_the_compiled_loops_are_built() -> None:
    module = _compiled_module()
    assert packaged_model().compiled
    assert module.tokenize("Votre carte Vitale 2024.", 600, textmodel._placeholder) == [
        "Votre", "carte", "Vitale", "0000", ".",
    ]


# Characters chosen to reach every branch: white space Python knows (\x1c-\x1f, \x85, \u2028, \u3000), word
# characters of other scripts and numbers (Arabic-Indic digits, superscripts, Roman numerals), the underscore,
# the placeholder triggers (. / @ [ ] : www), quote markers and date-line cues at line starts, a lone surrogate,
# an emoji, combining marks, the folded quote.
# Not the placeholders themselves (\x01, \x02): message text never holds them (``clean_text`` turns control
# characters into spaces), and where it would, Python's ``token_offsets`` could not tell them from a link.
_ALPHABET = st.sampled_from(
    list("abcdeflmorstuvwz019_ .,;:!?'\"-/@[]()<>#\n\t")
    + ["\x1c", "\x1f", "\x85", "\u2028", "\u3000", "\u00a0", "\x04"]
    + ["\u0663", "\u00b2", "\u2167", "\u00e9", "\u0301", "\u0430", "\u4e2d", "\ud800", "\U0001f600", "\u00df"]
    + ["www.", "http://", "ameli.fr", "x@y.fr", "[.]", "> ", "\n>", "\ndate: ", "le: ", "\nsent\t:", "\n le :"]
)
_TEXT = st.lists(_ALPHABET, max_size=120).map("".join)


@settings(max_examples=400, deadline=None)
@given(text=_TEXT, subject=_TEXT)
def test_compiled_and_python_agree_on_generated_text(text: str, subject: str) -> None:
    _compiled_module()
    compiled, python = _models()
    _same(text, subject, compiled, python)
    _same(fold(text), fold(subject), compiled, python)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t ",
        "a" * 70 + " " + "é" * 300 + " " + "\U0001f600" * 65,  # longer than the stack buffers
        "mot " * 700,  # more tokens than max_tokens
        "x" * 5000,  # longer than max_chars
        "www. (www. <www.x w.w. ww.x",  # the prefixes alone
        "ameli.fr amelie[.]fr x@y a@b.c fin. point.:: /chemin http://a",
        "\ud800\udfff \ud83d lone surrogates",
        "tel 06 12 34 56 78, montant 123,45 \u0663\u0664 \u00b2",
        # the widest characters only in blanked lines: the blanked text is narrower (equality checks the kind)
        "date: \u4e2d\u00e9\nabc def",
        "> \U0001f600 cite\n\t>>\t> encore\nenvoye :\u00e9\nle mot",
    ],
)
def test_compiled_and_python_agree_on_edges(text: str) -> None:
    _compiled_module()
    compiled, python = _models()
    _same(text, "", compiled, python)
    _same(text, text[:200], compiled, python)


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent")
def test_compiled_and_python_agree_on_every_corpus_email() -> None:
    _compiled_module()
    compiled, python = _models()
    engine = Engine()
    files = sorted(p for folder in ("ham", "phish", "phish_fr") for p in (CORPUS / folder).iterdir())
    assert len(files) > 3000
    for path in files:
        msg = engine.parse(path.read_bytes(), kind="email")
        text = msg.subject + "\n" + msg.text if msg.subject else msg.text
        _same(fold(text), fold(msg.subject or ""), compiled, python)


def test_scorer_refuses_what_it_cannot_read() -> None:
    module = _compiled_module()
    bits = int(FEATURES["bits"])
    with pytest.raises(ValueError, match="2\\*\\*bits"):
        module.Scorer(array.array("f", [0.0] * 10), bits, (3, 4, 5), 10)
    with pytest.raises(ValueError, match="2\\*\\*bits"):
        module.Scorer(array.array("d", [0.0] * (1 << bits)), bits, (3, 4, 5), 10)
    with pytest.raises(ValueError, match="range"):
        module.Scorer(array.array("f", [0.0] * 4), 2, (0,), 10)
    scorer = module.Scorer(array.array("f", [1.0] * 4), 2, (3,), 10)
    with pytest.raises(TypeError):
        scorer.raw_sums(["a", 3])
    with pytest.raises(TypeError):
        module.tokenize("a.fr", 10, lambda chunk: 3)


def test_a_small_memo_changes_nothing() -> None:
    """The memo is emptied when full (bounded memory on hostile streams of unique words); sums stay exact."""
    module = _compiled_module()
    shipped = packaged_model()
    small = module.Scorer(shipped._w, shipped.bits, shipped._ngrams, 3)
    large = module.Scorer(shipped._w, shipped.bits, shipped._ngrams, 1000)
    words = [f"mot{i}" for i in range(50)] * 2
    assert small.raw_sums(words) == large.raw_sums(words)
    assert small.cache_size() <= 3
