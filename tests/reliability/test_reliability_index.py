"""Index faults on disk: every damaged, mismatched or stale generation is refused by ``Retriever.load``
(IndexCorrupt) and rebuilt by ``Retriever.open``, which then serves exactly the results of a clean build;
a failed rebuild (disk full) leaves the old generation serving; a pickle is never unpickled.
"""

from __future__ import annotations

import dataclasses
import errno
import json
import logging
import pickle
import types
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from tests.conftest import copy_index, hashing_index_settings, make_assistant, seed_cache

import index.store
from assistant.bank_texts import CLASSIFIED, all_banks
from corpus.guide import Guide, load_guide
from index.dense import DenseIndex
from index.errors import DimensionMismatch, IndexCorrupt
from index.hashing_embedder import HashingEmbedder
from index.lexical import LexicalIndex
from index.retriever import Retriever
from index.settings import IndexSettings
from index.store import current_generation, file_digest

QUERIES = ("Hva koster trygghetsalarm?", "hvem kan få hjemmesykepleie", "avlastning for pårørende",
           "klage på vedtak", "BPA")


def results(retriever: Retriever) -> list[list[tuple[str, float]]]:
    return [[(h.chunk.chunk_id, round(h.score, 6)) for h in retriever.search(q, k=8)] for q in QUERIES]


@pytest.fixture(scope="module")
def expected(hashing_retriever: Retriever) -> list[list[tuple[str, float]]]:
    """What a clean build of the shipped guide returns (the session index)."""
    return results(hashing_retriever)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory, hashing_guide: Guide, hashing_index_dir: Path) -> Path:
    """One fresh index of the shipped guide for the module, built as ``Assistant.load`` builds it (banks and
    classifiers included) from a copy of the session index's caches; ``built`` hands each test a copy."""
    settings = hashing_index_settings(tmp_path_factory.mktemp("pristine") / "index")
    settings.data_dir.mkdir(parents=True)
    seed_cache(hashing_index_dir, settings.data_dir)
    Retriever.build(hashing_guide, HashingEmbedder(), settings=settings, banks=all_banks(hashing_guide.documents),
                    classify=CLASSIFIED)
    return settings.data_dir


@pytest.fixture
def built(tmp_path: Path, pristine: Path) -> tuple[IndexSettings, Path]:
    """A fresh index of the shipped guide in its own folder (a copy of ``pristine``); returns its settings and
    generation folder.

    Only the served generation is kept and without a grace period, so a test can see what is left behind.
    """
    settings = dataclasses.replace(hashing_index_settings(tmp_path / "index"), keep_generations=1, gc_grace_s=0)
    copy_index(pristine, settings.data_dir)
    return settings, current_generation(settings.data_dir)


def load(settings: IndexSettings, guide: Guide) -> Retriever:
    return Retriever.load(guide, HashingEmbedder(), settings=settings)


def _folders(data_dir: Path) -> list[str]:
    """The folders in the data folder besides the caches (``cache/``, kept across generations)."""
    return [p.name for p in data_dir.iterdir() if p.is_dir() and p.name != "cache"]


# -- corruptions -------------------------------------------------------------------------------------------


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _edit_manifest(gen: Path, **changes: object) -> None:
    data = json.loads((gen / "manifest.json").read_text("utf-8"))
    data.update(changes)
    (gen / "manifest.json").write_text(json.dumps(data), "utf-8")


def _refresh_checksum(gen: Path, name: str, **changes: object) -> None:
    """Make the manifest agree with an altered file, so only the deeper checks can catch it."""
    data = json.loads((gen / "manifest.json").read_text("utf-8"))
    data["files"][name] = file_digest(gen / name)
    data.update(changes)
    (gen / "manifest.json").write_text(json.dumps(data), "utf-8")


def _drop_chunk_line(gen: Path, *, fix_count: bool) -> None:
    path = gen / "chunks.jsonl"
    lines = path.read_text("utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-1]), "utf-8")
    _refresh_checksum(gen, "chunks.jsonl", **({"chunk_count": len(lines) - 1} if fix_count else {}))


def _drop_vector(gen: Path) -> None:
    import faiss

    old = faiss.read_index(str(gen / "dense.faiss"))
    vectors = old.reconstruct_n(0, old.ntotal - 1)
    DenseIndex.build(vectors).save(gen / "dense.faiss")
    _refresh_checksum(gen, "dense.faiss")


def _other_dimension_faiss(gen: Path) -> None:
    import faiss

    ntotal = faiss.read_index(str(gen / "dense.faiss")).ntotal
    DenseIndex.build(np.eye(ntotal, 64, dtype=np.float32)).save(gen / "dense.faiss")
    _refresh_checksum(gen, "dense.faiss")


def _garbage_with_checksum(name: str, data: bytes) -> Callable[[Path], None]:
    def corrupt(gen: Path) -> None:
        (gen / name).write_bytes(data)
        _refresh_checksum(gen, name)
    return corrupt


def _truncate_with_checksum(name: str) -> Callable[[Path], None]:
    def corrupt(gen: Path) -> None:
        _truncate(gen / name)
        _refresh_checksum(gen, name)
    return corrupt


def _invalid_utf8_chunks(gen: Path) -> None:
    path = gen / "chunks.jsonl"
    path.write_bytes(b"\xff\xfe\x00 not utf-8\n" + path.read_bytes())
    _refresh_checksum(gen, "chunks.jsonl")


def _bm25_npy(gen: Path) -> str:
    return next(p.relative_to(gen).as_posix() for p in sorted((gen / "bm25").glob("*.npy")))


FAULTS: dict[str, tuple[Callable[[Path], None], str]] = {
    # name: (corruption of the served generation, what the IndexCorrupt message must say)
    "truncated dense.faiss": (lambda g: _truncate(g / "dense.faiss"), "dense.faiss"),
    "truncated chunks.jsonl": (lambda g: _truncate(g / "chunks.jsonl"), "chunks.jsonl"),
    "truncated bm25 array": (lambda g: _truncate(g / _bm25_npy(g)), "bm25"),
    "deleted dense.faiss": (lambda g: (g / "dense.faiss").unlink(), "missing"),
    "deleted manifest": (lambda g: (g / "manifest.json").unlink(), "manifest"),
    "garbage manifest": (lambda g: (g / "manifest.json").write_text("{not json", "utf-8"), "manifest"),
    "manifest lacks a field": (lambda g: (g / "manifest.json").write_text('{"format_version": 1}', "utf-8"),
                               "manifest"),
    "manifest names another model": (lambda g: _edit_manifest(g, embedder_name="intfloat/e5-large"), "built with"),
    "manifest names another dimension": (lambda g: _edit_manifest(g, dim=384), "built with"),
    "manifest of another format": (lambda g: _edit_manifest(g, format_version=99), "format"),
    "manifest of another analyzer": (lambda g: _edit_manifest(g, analyzer="0000"), "analyzer"),
    "manifest of another dense kind": (lambda g: _edit_manifest(g, dense_kind="hnsw"), "hnsw"),
    "stale corpus hash": (lambda g: _edit_manifest(g, corpus_hash="0123456789abcdef"), "stale"),
    "one chunk line fewer (checksum fixed)": (lambda g: _drop_chunk_line(g, fix_count=False), "chunks on disk"),
    "one chunk line fewer (checksum and count fixed)": (lambda g: _drop_chunk_line(g, fix_count=True),
                                                        "disagree"),
    "one vector fewer (checksum fixed)": (_drop_vector, "disagree"),
    "dense.faiss of another dimension (checksum fixed)": (_other_dimension_faiss, "dimension"),
    "truncated dense.faiss (checksum fixed)": (_truncate_with_checksum("dense.faiss"), "FAISS"),
    "garbage dense.faiss (checksum fixed)": (_garbage_with_checksum("dense.faiss", b"\x00" * 1000), "FAISS"),
    "malformed chunk line (checksum fixed)": (_garbage_with_checksum("chunks.jsonl", b'{"chunk_id": 1}\n'),
                                              "chunks.jsonl"),
    "chunks.jsonl not UTF-8 (checksum fixed)": (_invalid_utf8_chunks, "chunks.jsonl"),
    "truncated bm25 array (checksum fixed)": (lambda g: _truncate_with_checksum(_bm25_npy(g))(g), "bm25"),
    "garbage bm25 vocabulary (checksum fixed)": (_garbage_with_checksum("bm25/vocab.index.json", b"{]"), "bm25"),
    "stray pickle file": (lambda g: (g / "evil.pkl").write_bytes(pickle.dumps({"x": 1})), "pickle"),
    "stray pickle in bm25/": (lambda g: (g / "bm25" / "model.pickle").write_bytes(b"\x80\x04N."), "pickle"),
    "stray joblib file": (lambda g: (g / "dense.joblib").write_bytes(b"\x80\x04N."), "pickle"),
    "CURRENT names a missing folder": (lambda g: (g.parent / "CURRENT").write_text("g-gone\n", "utf-8"), "missing"),
    "CURRENT is empty": (lambda g: (g.parent / "CURRENT").write_text("", "utf-8"), "missing"),
    "CURRENT is deleted": (lambda g: (g.parent / "CURRENT").unlink(), "no index"),
    "CURRENT points outside": (lambda g: (g.parent / "CURRENT").write_text("../elsewhere\n", "utf-8"), "missing"),
    "CURRENT names the parent": (lambda g: (g.parent / "CURRENT").write_text("..\n", "utf-8"), "missing"),
    "generation folder deleted": (lambda g: __import__("shutil").rmtree(g), "missing"),
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_fault_is_refused_by_load_and_repaired_by_open(built, hashing_guide, expected, fault, caplog):
    settings, gen = built
    corrupt, message = FAULTS[fault]
    corrupt(gen)
    with pytest.raises(IndexCorrupt, match=message):
        load(settings, hashing_guide)
    with caplog.at_level(logging.WARNING, logger="index.opening"):
        repaired = Retriever.open(settings=settings, guide=hashing_guide, embedder=HashingEmbedder())
    assert "rebuilding the index" in caplog.text
    assert results(repaired) == expected
    # the repaired generation is complete and verifiable on its own, and the damaged one is gone
    assert results(load(settings, hashing_guide)) == expected
    assert _folders(settings.data_dir) == [current_generation(settings.data_dir).name]


def test_guide_changed_since_build_is_stale_and_rebuilt(built, tmp_path):
    settings, _ = built
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "trygghetsalarm.md").write_text(
        "---\nservice_id: trygghetsalarm\ntitle: Trygghetsalarm\n---\n\n## Hva er tjenesten?\n"
        "Trygghetsalarm med fallsensor gjør at du kan tilkalle hjelp.\n", "utf-8")
    changed = load_guide(pdf=[], markdown_dirs=(docs,))
    with pytest.raises(IndexCorrupt, match="stale"):
        load(settings, changed)
    rebuilt = Retriever.open(settings=settings, guide=changed, embedder=HashingEmbedder())
    assert [c.service_id for c in rebuilt.chunks] == ["trygghetsalarm"]
    assert rebuilt.search("fallsensor", k=1)[0].chunk.chunk_id == changed.chunks()[0].chunk_id


def test_other_embedder_configured_is_refused_and_rebuilt(built, hashing_guide):
    settings, _ = built
    with pytest.raises(IndexCorrupt, match=r"built with hashing-char34-512 \(512d\), configured .*\(128d\)"):
        Retriever.load(hashing_guide, HashingEmbedder(dim=128), settings=settings)
    rebuilt = Retriever.open(settings=settings, guide=hashing_guide, embedder=HashingEmbedder(dim=128))
    assert rebuilt.dense.dim == 128 and rebuilt.manifest.dim == 128


# -- pickles are never unpickled ---------------------------------------------------------------------------


class _Trap:
    """Unpickling this creates the marker file: proof that a pickle was executed."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def test_pickle_payloads_are_never_executed(built, hashing_guide, tmp_path):
    settings, gen = built
    marker = tmp_path / "pwned"
    (gen / "evil.pkl").write_bytes(pickle.dumps(_Trap(marker)))
    with pytest.raises(IndexCorrupt, match="pickle"):
        load(settings, hashing_guide)
    assert not marker.exists()
    (gen / "evil.pkl").unlink()
    # an object array inside an .npy is a pickle too; bm25s must load with allow_pickle=False
    npy = gen / _bm25_npy(gen)
    np.save(npy, np.array([_Trap(marker)], dtype=object), allow_pickle=True)
    _refresh_checksum(gen, _bm25_npy(gen))
    with pytest.raises(IndexCorrupt, match="bm25"):
        load(settings, hashing_guide)
    Retriever.open(settings=settings, guide=hashing_guide, embedder=HashingEmbedder())
    assert not marker.exists()


def test_a_fresh_generation_holds_no_pickle(built):
    _, gen = built
    assert not [p for p in gen.rglob("*") if p.suffix in index.store.FORBIDDEN_SUFFIXES]
    for npy in gen.rglob("*.npy"):
        np.load(npy, allow_pickle=False)


# -- disk full during a rebuild ---------------------------------------------------------------------------


def _enospc(*_args, **_kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


DISK_FULL = {
    "writing chunks.jsonl": ("index.building.atomic_write_text", True),
    "writing dense.faiss": ("index.dense.DenseIndex.save", True),
    "writing the bm25 arrays": ("index.lexical.LexicalIndex.save", True),
    "swapping CURRENT": ("index.store.atomic_write_text", False),
}


@pytest.mark.parametrize(("target", "no_leftovers"), list(DISK_FULL.values()), ids=list(DISK_FULL))
def test_disk_full_during_rebuild_keeps_the_old_index_serving(built, hashing_guide, expected, monkeypatch,
                                                              target, no_leftovers, hashing_index_dir):
    settings, gen = built
    serving = Retriever.load(hashing_guide, HashingEmbedder(), settings=settings)
    bot = make_assistant(hashing_guide, settings.data_dir, seed=hashing_index_dir)  # loads the generation built
    before = bot.ask("Hva koster trygghetsalarm?")
    monkeypatch.setattr(target, _enospc)
    with pytest.raises(OSError) as info:
        Retriever.open(settings=settings, guide=hashing_guide, embedder=HashingEmbedder(), rebuild=True)
    assert info.value.errno == errno.ENOSPC
    monkeypatch.undo()
    # CURRENT still names the old generation, which loads and serves the same results
    assert current_generation(settings.data_dir) == gen
    assert results(load(settings, hashing_guide)) == expected == results(serving)
    assert bot.ask("Hva koster trygghetsalarm?") == before
    if no_leftovers:  # the half-written generation does not keep taking space on a full disk
        assert _folders(settings.data_dir) == [gen.name]
    # and once there is space again, a rebuild succeeds and takes over
    rebuilt = Retriever.open(settings=settings, guide=hashing_guide, embedder=HashingEmbedder(), rebuild=True)
    assert current_generation(settings.data_dir) != gen and results(rebuilt) == expected
    assert _folders(settings.data_dir) == [current_generation(settings.data_dir).name]


def test_rebuilds_in_the_same_second_do_not_collide(built, hashing_guide, monkeypatch, expected):
    settings, first = built
    frozen = types.SimpleNamespace(**{k: getattr(index.store.time, k) for k in dir(index.store.time)
                                      if not k.startswith("__")})
    frozen.strftime = lambda fmt, *a: "20250101T000000"
    monkeypatch.setattr(index.store, "time", frozen)
    names = {first.name}
    for _ in range(3):
        Retriever.build(hashing_guide, HashingEmbedder(), settings=settings)
        names.add(current_generation(settings.data_dir).name)
    assert len(names) == 4
    assert results(load(settings, hashing_guide)) == expected


# -- query vectors of the wrong dimension -------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(7,), (128,), (1, 384), (2, 512)])
def test_query_vector_of_wrong_dimension_is_a_clear_error(hashing_retriever, shape):
    vector = np.ones(shape, dtype=np.float32)
    n = int(np.prod(shape))
    with pytest.raises(DimensionMismatch, match=rf"query vector has dimension {n}, the index has 512.*rebuild"):
        hashing_retriever.search("hjelp", query_vector=vector)
    with pytest.raises(DimensionMismatch, match=rf"dimension {n}"):
        hashing_retriever.dense.search(vector, 5)


@pytest.mark.slow  # the Assistant trains the classifiers afresh for the other embedder
def test_assistant_with_a_mismatched_embedder_raises_dimension_mismatch(hashing_retriever, hashing_guide,
                                                                        hashing_settings):
    from assistant.core import Assistant
    from assistant.errors import user_message

    r = hashing_retriever
    mismatched = Retriever(chunks=r.chunks, dense=r.dense, lexical=r.lexical, embedder=HashingEmbedder(dim=128),
                           manifest=r.manifest, settings=r.settings)
    bot = Assistant(mismatched, hashing_guide, settings=hashing_settings)
    with pytest.raises(DimensionMismatch) as info:
        bot.ask("Hva koster trygghetsalarm?")
    assert "128" in str(info.value) and "512" in str(info.value)
    assert user_message(info.value) == "Søkeindeksen passer ikke til språkmodellen. Bygg indeksen på nytt."


def test_index_parts_of_different_sizes_are_refused_in_memory(hashing_retriever):
    r = hashing_retriever
    with pytest.raises(IndexCorrupt, match="disagree"):
        Retriever(chunks=r.chunks[:-1], dense=r.dense, lexical=r.lexical, embedder=r.embedder,
                  manifest=r.manifest, settings=r.settings)
    small = LexicalIndex.build(["a", "b"])
    with pytest.raises(IndexCorrupt, match="disagree"):
        Retriever(chunks=r.chunks, dense=r.dense, lexical=small, embedder=r.embedder,
                  manifest=r.manifest, settings=r.settings)
