"""The learned text model: safe loading, normalisation, determinism, calibration sanity, languages, detector.

The model under test is the packaged one (``data/text_model.npz``); held-out fixtures are written here, never
taken from the training corpus. The last test recomputes the training data digest from ``../shared/corpus``
(skipped when absent) to prove the committed model was trained on that corpus with this code's features.
"""

from __future__ import annotations

import importlib.util
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sentinelle import Engine, analyze, textmodel
from sentinelle.detectors.text_model import TextModelResemblance, packaged_model
from sentinelle.errors import DataError
from sentinelle.textmodel import (
    EMAIL_TOKEN,
    FEATURES,
    FORMAT,
    LINK_TOKEN,
    TextModel,
    load_model_file,
    token_offsets,
    tokens,
)
from sentinelle.textnorm import fold

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"

# Written for these tests (not in any corpus): the shapes of common scams and of ordinary messages.
SCAMS = {
    "en": [
        "Dear customer, your account has been suspended due to unusual activity. Click here to verify your "
        "identity and restore access within 24 hours or your account will be permanently closed.",
        "Congratulations! You have been selected as the winner of our monthly draw. Claim your reward now "
        "by confirming your details on the secure page below.",
        "Your package could not be delivered. Please confirm your shipping address and pay the small "
        "redelivery fee to receive your parcel.",
    ],
    "fr": [
        "Cher client, votre compte a été suspendu suite à une activité inhabituelle. Cliquez ici pour "
        "vérifier votre identité et réactiver votre accès sous 24 heures.",
        "Félicitations ! Vous avez été sélectionné pour recevoir une récompense. Confirmez vos "
        "coordonnées bancaires sur la page sécurisée ci-dessous pour recevoir votre gain.",
        "Votre colis n'a pas pu être livré. Veuillez confirmer votre adresse et régler les frais de "
        "réexpédition pour recevoir votre colis.",
    ],
}
LEGIT = {
    "en": [
        "Hi Tom, thanks for the notes from yesterday's meeting. I think the second option makes more sense, "
        "let's discuss it on Monday with the rest of the team.",
        "The build failed again on the test server; it looks like the new version of the library changed "
        "its interface. I'll push a fix tonight.",
    ],
    "fr": [
        "Coucou, on se retrouve à quelle heure demain pour le cinéma ? Je pense arriver vers 19h avec Julie.",
        "Rappel : votre rendez-vous au centre de PMI est prévu le mardi 12 mars à 14h30. En cas "
        "d'empêchement, merci de prévenir le secrétariat.",
        "La carte Vitale est valable toute la vie. En cas de changement de situation, vous devez mettre "
        "à jour votre carte dans une pharmacie ou une borne multiservice de votre caisse.",
    ],
}


def _prob(text: str) -> float:
    return packaged_model().probability(fold(text))


# ------------------------------------------------------------------------------------------------ loading
def test_packaged_model_declares_its_format_and_features() -> None:
    model = packaged_model()
    assert model.meta["format"] == FORMAT
    assert model.meta["features"] == FEATURES
    assert 0.5 <= model.threshold < 1.0
    assert model.platt_a > 0  # a higher raw score must mean a higher probability
    for key in ("seed", "data_digest", "documents", "heldout", "segment_weights"):
        assert key in model.meta


def test_model_file_is_plain_arrays_and_numpy_reads_it_without_pickle() -> None:
    np = pytest.importorskip("numpy")
    raw = (REPO / "src" / "sentinelle" / "data" / "text_model.npz").read_bytes()
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        assert sorted(zf.namelist()) == ["meta.npy", "weights.npy"]
    with np.load(io.BytesIO(raw), allow_pickle=False) as npz:
        weights, meta = npz["weights"], json.loads(str(npz["meta"]))
    assert weights.dtype == np.float32
    assert weights.shape == (1 << FEATURES["bits"],)
    model = packaged_model()
    assert meta == model.meta
    assert list(weights[:1000]) == list(model._w[:1000])  # noqa: SLF001 - the stdlib reader reads the same
    assert (REPO / "src" / "sentinelle" / "data" / "text_model.npz").stat().st_size < 3 * 1024 * 1024


def _npz(tmp_path: Path, members: dict[str, bytes]) -> Path:
    path = tmp_path / "model.npz"
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _npy(obj: object, allow_pickle: bool = False) -> bytes:
    np = pytest.importorskip("numpy")
    buf = io.BytesIO()
    np.save(buf, obj, allow_pickle=allow_pickle)
    return buf.getvalue()


def test_a_pickled_object_array_is_refused(tmp_path: Path) -> None:
    np = pytest.importorskip("numpy")
    evil = np.array([{"a": 1}], dtype=object)
    path = _npz(tmp_path, {"weights.npy": _npy(evil, allow_pickle=True), "meta.npy": _npy(np.array("{}"))})
    with pytest.raises(DataError, match="weights|unsupported"):
        load_model_file(path)


@pytest.mark.parametrize(
    "members",
    [
        {},
        {"weights.npy": b"not an array", "meta.npy": b"\x93NUMPY"},
        {"weights.npy": b"\x93NUMPY\x09\x00" + b"x" * 20, "meta.npy": b""},
    ],
    ids=["empty-zip", "garbage", "bad-version"],
)
def test_broken_model_files_are_data_errors(tmp_path: Path, members: dict[str, bytes]) -> None:
    with pytest.raises(DataError):
        load_model_file(_npz(tmp_path, members))


def test_not_a_zip_is_a_data_error(tmp_path: Path) -> None:
    path = tmp_path / "model.npz"
    path.write_bytes(b"\x00" * 100)
    with pytest.raises(DataError):
        load_model_file(path)


def test_a_model_trained_with_other_features_is_refused(tmp_path: Path) -> None:
    np = pytest.importorskip("numpy")
    meta = dict(packaged_model().meta)
    meta["features"] = {**FEATURES, "char_ngrams": [2, 3]}
    path = _npz(
        tmp_path,
        {
            "weights.npy": _npy(np.zeros(1 << FEATURES["bits"], dtype=np.float32)),
            "meta.npy": _npy(np.array(json.dumps(meta))),
        },
    )
    with pytest.raises(DataError, match="feature configuration"):
        load_model_file(path)


# ----------------------------------------------------------------------------------------- normalisation
def test_tokens_leave_out_volatile_parts() -> None:
    text = fold(
        "Date: Mon, 23 Sep 2002 10:12:00\n> quoted reply\n"
        "Voir https://exemple.fr/a?b=1 ou (www.test.com) ou cpam-dossier.fr, ecrire a x.y@mail.com, 1 999 EUR"
    )
    toks = tokens(text)
    assert "2002" not in toks
    assert "sep" not in toks  # the whole date line is gone
    assert "quoted" in toks
    assert ">" not in toks
    assert toks.count(LINK_TOKEN) == 3
    assert EMAIL_TOKEN in toks
    assert not {"exemple", "test", "cpam", "dossier", "mail"} & set(toks)
    assert "0" in toks
    assert "000" in toks  # amounts keep their shape, not their value


@pytest.mark.parametrize(
    "text",
    [
        "Bonjour,\u00a0voir\u2003www.x.fr\u3000et\x1cici e.g. etc. 1.99€ mr.smith a@b",
        "a" * 5000 + "." + "b" * 300 + " x.y.z.w.v.u.t.s.r.q.p.o.n.m.l.k.j.i.h.g.f.e.d.c.b.a.fr",
        "[" * 500 + "x" * 100 + ".fr" + "]" * 500,
        "> > >\n>> date: 12\nle : rien\n" * 50,
    ],
    ids=["unicode-spaces", "long-chunks", "brackets", "quotes-and-dates"],
)
def test_token_offsets_quote_the_same_tokens(text: str) -> None:
    _check_offsets(fold(text))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a", "é", "1", ".", "/", "@", "www.", "x.fr", "://", " ", "\u00a0", "\u2003",
                                 "\n", "\x1c", ">", "date:", "le ", "(", ")", "«", "-", "'"]), max_size=60))
def test_token_offsets_on_any_text(pieces: list[str]) -> None:
    _check_offsets(fold("".join(pieces)))


def _check_offsets(folded: str) -> None:
    """Every token is where ``token_offsets`` says: the same characters (digits as 0), or for a link or address
    placeholder the whole white-space-delimited chunk it replaced; in order, without overlap."""
    toks = tokens(folded)
    offsets = token_offsets(folded, toks, len(toks))
    assert len(offsets) == len(toks)
    blanked = textmodel._blank_lines(folded, FEATURES["max_chars"])  # quote marks and date lines as blanks
    previous = 0
    for (start, end), tok in zip(offsets, toks, strict=True):
        assert previous <= start < end
        assert not blanked[previous:start].strip()
        if tok in (LINK_TOKEN, EMAIL_TOKEN):
            chunk = blanked[start:end]
            assert chunk.split() == [chunk]
            assert start == 0 or blanked[start - 1].isspace()
            assert end == len(blanked) or blanked[end].isspace()
        else:
            assert folded[start:end].translate(str.maketrans("123456789", "000000000")) == tok
        previous = end


def test_years_and_numbers_do_not_change_the_probability() -> None:
    a = "Rappel : votre rendez-vous est prévu le 12/03/2002 à 14h30, appelez le 01 23 45 67 89."
    b = "Rappel : votre rendez-vous est prévu le 28/11/2026 à 09h05, appelez le 04 67 89 12 34."
    assert _prob(a) == _prob(b)


def test_probability_does_not_depend_on_the_process_hash_seed() -> None:
    text = SCAMS["fr"][0]
    code = (
        "from sentinelle.detectors.text_model import packaged_model; from sentinelle.textnorm import fold; "
        f"print(repr(packaged_model().probability(fold({text!r}))))"
    )
    outs = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={"PYTHONHASHSEED": seed, "PATH": ""},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in ("1", "12345")
    }
    assert outs == {repr(_prob(text))}


# ----------------------------------------------------------------------------------------- calibration
def test_probabilities_are_monotone_in_the_raw_score_and_bounded() -> None:
    model = packaged_model()
    values = [model.calibrate(z / 4) for z in range(-80, 81)]
    assert all(0.0 <= v <= 1.0 for v in values)
    assert values == sorted(values)
    assert values[0] < 0.05
    assert values[-1] > 0.95


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_scam_wording_scores_above_ordinary_wording(lang: str) -> None:
    scams = [_prob(t) for t in SCAMS[lang]]
    legit = [_prob(t) for t in LEGIT[lang]]
    assert min(scams) > max(legit), (scams, legit)
    assert sum(scams) / len(scams) > 0.5
    assert max(legit) < packaged_model().threshold


def test_recorded_held_out_figures_meet_the_floor() -> None:
    """The committed model's own held-out figures (written by the training script) are not a regression."""
    heldout = packaged_model().meta["heldout"]
    assert heldout["phish_vs_ham"]["f1"] >= 0.85
    segments = heldout["segments"]
    for name in ("sms_88milsms", "fiches_sante"):
        assert segments[name]["rate"] <= 0.005, name
    assert segments["phish_fr"]["rate"] >= 0.6  # French phishing is caught too: no "French = honest" shortcut


# -------------------------------------------------------------------------------------------- detector
def test_detector_explains_with_the_words_of_the_message() -> None:
    text = SCAMS["en"][0]
    verdict = analyze(text, kind="sms")
    ev = next(e for e in verdict.evidence if e.signal == "TEXT_MODEL_SCAM_LIKE")
    assert ev.observed
    flat = " ".join(text.split())
    for quote in ev.observed:
        assert quote.rstrip("…") in flat
    assert "ressemble statistiquement" in ev.explanation
    assert f"probabilité {ev.params['probability']} %" in ev.explanation
    assert ev.weight > 0


def test_detector_is_silent_on_ordinary_and_too_short_messages() -> None:
    for text in (*LEGIT["fr"], *LEGIT["en"], "ok merci", "Click here now"):
        assert "TEXT_MODEL_SCAM_LIKE" not in analyze(text, kind="sms").signals, text


def test_detector_threshold_and_model_are_parameters() -> None:
    model = packaged_model()
    engine_low = Engine(detectors=[TextModelResemblance(model, threshold=0.0)])
    engine_high = Engine(detectors=[TextModelResemblance(model, threshold=1.01)])
    text = LEGIT["fr"][0]
    assert engine_low.analyze(text, kind="sms").signals == {"TEXT_MODEL_SCAM_LIKE"}
    assert not engine_high.analyze(SCAMS["fr"][0], kind="sms").signals


def test_same_input_same_evidence() -> None:
    a = analyze(SCAMS["fr"][1], kind="sms")
    b = analyze(SCAMS["fr"][1], kind="sms")
    assert [e.to_dict() for e in a.evidence] == [e.to_dict() for e in b.evidence]


def test_hostile_text_is_bounded() -> None:
    model = packaged_model()
    for text in ("\x00" * 50_000, "a" * 200_000, "é\u0301" * 30_000, "<" * 10_000 + ">" * 10_000, "http://" * 5000):
        p = model.probability(fold(text))
        assert 0.0 <= p <= 1.0
        model.top_phrases(fold(text))


# ------------------------------------------------------------------------------------------- training
def _train_module() -> ModuleType:
    pytest.importorskip("numpy")
    spec = importlib.util.spec_from_file_location("train_text_model", REPO / "scripts" / "train_text_model.py")
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_training_is_deterministic_and_the_scorer_agrees_with_it() -> None:
    train = _train_module()
    np = pytest.importorskip("numpy")
    rows = [tokens(fold(t)) for t in (*SCAMS["en"], *SCAMS["fr"], *LEGIT["en"], *LEGIT["fr"])]
    y = np.array([1.0] * 6 + [0.0] * 5)
    mask = (1 << FEATURES["bits"]) - 1
    doc, idx, val, scales = train.design(rows, mask)
    first = train.fit(doc, idx, val, scales, y, np.ones(len(y)), mask + 1)
    second = train.fit(doc, idx, val, scales, y, np.ones(len(y)), mask + 1)
    assert np.array_equal(first[0], second[0])
    assert first[1] == second[1]
    w, bias = first
    meta = {**packaged_model().meta, "bias": bias, "platt_a": 1.0, "platt_b": 0.0}
    model = TextModel(w.astype(np.float32).tolist(), meta)
    expected = train.raw_scores(w.astype(np.float32).astype(np.float64), bias, doc, idx, val, scales)
    for toks, z in zip(rows, expected, strict=True):
        assert model.raw_score(toks) == pytest.approx(float(z), abs=1e-6)


@pytest.mark.corpus
@pytest.mark.skipif(not (CORPUS / "email" / "ham").is_dir(), reason="../shared/corpus is absent")
def test_committed_model_was_trained_on_this_corpus_with_these_features() -> None:
    """The data digest recorded in the model is recomputed from the corpus with this code's normalisation and
    split (a full retrain, ``scripts/train_text_model.py --check``, is too slow for the test suite)."""
    train = _train_module()
    meta = packaged_model().meta
    assert meta["seed"] == train.cs.SEED
    assert meta["features"] == FEATURES
    assert meta["segment_weights"] == train.SEGMENT_WEIGHTS
    assert train.data_digest(train.load(CORPUS)) == meta["data_digest"]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_phrases_from_the_assessment_are_the_phrases_found_afresh(lang: str) -> None:
    model = packaged_model()
    for text in SCAMS[lang]:
        folded = fold(text)
        assessment = model.assess(folded)
        assert model.top_phrases(folded, limit=5, assessment=assessment) == model.top_phrases(folded, limit=5)


def test_quoted_phrases_never_show_a_piece_of_an_iban_nir_or_card(analyze) -> None:  # type: ignore[no-untyped-def]
    # The model weighs the digit groups of an IBAN ("0000 0000 0000") and would quote them: a fragment of an
    # IBAN is no longer an IBAN to the redaction of the verdict, so the quote itself is withheld.
    text = ("Votre remboursement est en attente. Confirmez votre IBAN FR76 3000 6000 0112 3456 7890 189 et votre "
            "carte 4970 1012 3456 7893 sur le lien")
    for kind in ("sms", "email"):
        shown = json.dumps(analyze(text, kind=kind).to_dict(), ensure_ascii=False)
        for fragment in ("3000", "6000", "0112", "7890", "4970", "7893"):
            assert fragment not in shown, (kind, fragment)
