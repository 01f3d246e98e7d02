"""The trained text classifier (index/classifier.py): learns, is deterministic, persists without pickle."""

from __future__ import annotations

import numpy as np
import pytest

from index.classifier import Prediction, TextClassifier, char_ngrams
from index.errors import IndexCorrupt
from index.hashing_embedder import HashingEmbedder

TEXTS = {
    "cost": ["hva koster det", "hva må jeg betale", "er det gratis", "kor mykje kostar det", "pris per måned",
             "how much does it cost", "egenandel for dette", "må vi betale noe"],
    "apply": ["hvordan søker jeg", "hvor sender jeg søknaden", "korleis søkjer eg", "hvem søker for mor",
              "how do I apply", "hvor finner jeg skjemaet", "søknadsskjema", "kan fastlegen søke for meg"],
}


def _data():
    embedder = HashingEmbedder()
    texts = [t for label in TEXTS for t in TEXTS[label]]
    labels = [label for label in TEXTS for _ in TEXTS[label]]
    return embedder, embedder.encode_queries(texts), texts, labels


def test_learns_the_labels_and_generalises_to_new_wordings() -> None:
    embedder, vectors, texts, labels = _data()
    model = TextClassifier.train("asked", vectors, texts, labels)
    for text, want in [("hva koster middagen", "cost"), ("hvordan søker vi om plass", "apply")]:
        prediction = model.predict(embedder.encode_queries([text])[0], text)
        assert prediction.top == want, (text, prediction)
        assert abs(sum(prediction.probs) - 1.0) < 1e-5
        assert list(prediction.probs) == sorted(prediction.probs, reverse=True)


def test_training_is_deterministic() -> None:
    _, vectors, texts, labels = _data()
    a = TextClassifier.train("asked", vectors, texts, labels)
    b = TextClassifier.train("asked", vectors, texts, labels)
    assert np.array_equal(a.dense_w, b.dense_w) and np.array_equal(a.ngram_w, b.ngram_w)


def test_round_trip_and_refuses_damage(tmp_path) -> None:
    embedder, vectors, texts, labels = _data()
    model = TextClassifier.train("asked", vectors, texts, labels, fingerprint="abc")
    model.save(tmp_path)
    assert not list(tmp_path.glob("*.pkl"))
    loaded = TextClassifier.load(tmp_path, "asked")
    v = embedder.encode_queries(["hva koster det"])[0]
    assert loaded.predict(v, "hva koster det") == model.predict(v, "hva koster det")
    assert loaded.fingerprint == "abc"
    np.save(tmp_path / "asked.npy", np.zeros((3, 2), np.float32), allow_pickle=False)
    with pytest.raises(IndexCorrupt):
        TextClassifier.load(tmp_path, "asked")


def test_without_a_vector_the_ngrams_still_decide() -> None:
    _, vectors, texts, labels = _data()
    model = TextClassifier.train("asked", vectors, texts, labels)
    assert model.predict(None, "hva koster det").top == "cost"


def test_ngrams_are_stable_and_cover_any_script() -> None:
    idx1, val1 = char_ngrams("Скільки це коштує?", n_hash=1024)
    idx2, val2 = char_ngrams("Скільки це коштує?", n_hash=1024)
    assert len(idx1) > 5 and np.array_equal(idx1, idx2) and np.allclose(val1, val2)
    assert abs(float(np.linalg.norm(val1)) - 1.0) < 1e-5
    assert len(char_ngrams("", n_hash=16)[0]) == 0


def test_prediction_restricted_renormalises() -> None:
    p = Prediction(("greeting", "cost", "who"), (0.5, 0.3, 0.2))
    r = p.restricted(("cost", "who"))
    assert r.labels == ("cost", "who") and abs(r.p - 0.6) < 1e-9
    assert p.prob("who") == 0.2 and p.prob("law") == 0.0
