"""Building an index generation: embed the guide's chunks and the banks, index them, train the classifiers,
write the files with a manifest and publish the generation atomically.

Embeddings and classifiers come from the data folder's caches (:mod:`index.embed_cache`,
:mod:`index.model_cache`) where an earlier build made them, so a rebuild embeds only new or changed text."""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

import numpy as np

from corpus.guide import Guide
from corpus.model import Chunk
from index.banks import Bank, BankEntry, banks_fingerprint
from index.classifier import TextClassifier, classifier_fingerprint
from index.dense import DenseIndex
from index.embed_cache import CachePolicy, EmbeddingCache
from index.embedding import Embedder
from index.analysis import analyzer_for
from index.lexical import LexicalIndex
from index.lock import WriterLock
from index.model_cache import ModelCache
from index.search import SearchIndex
from index.settings import IndexSettings
from index.store import FORMAT_VERSION, Manifest, atomic_write_text, chunks_to_jsonl, file_digest, new_generation_dir, publish

#: Called with (chunks embedded, chunks in all) while a build embeds; the CLI draws a progress bar with it.
Progress = Callable[[int, int], None]
S = TypeVar("S", bound=SearchIndex)
log = logging.getLogger(__name__)


def passage_text(chunk: Chunk) -> str:
    """What the embedder sees: title and heading give a short passage its context."""
    return f"{chunk.title} – {chunk.section}: {chunk.text}"


def lexical_text(chunk: Chunk, aliases: tuple[str, ...]) -> str:
    """What BM25 sees: the passage plus the service's everyday names, so "hjemmehjelp" finds it."""
    return f"{chunk.title} {chunk.section} {chunk.text} {' '.join(aliases)}"


def _package_version() -> str:
    try:
        from importlib.metadata import version

        return version("levanger-helse-assistent")
    except Exception:  # noqa: BLE001 - running from a source tree without installation
        return "0+source"


def train_classifier(bank: Bank, bank_fingerprint: str) -> TextClassifier:
    """The classifier of one bank: its labels from its texts and vectors (seeded, deterministic)."""
    return TextClassifier.train(bank.name, bank.vectors, [e.text for e in bank.entries],
                                [e.label for e in bank.entries], fingerprint=classifier_fingerprint(bank_fingerprint))


def wanted_models(banks: Mapping[str, Sequence[BankEntry]], classify: Sequence[str]) -> dict[str, str]:
    """The classifier fingerprints a generation built from ``banks`` must hold (one per bank in ``classify``)."""
    fingerprints = banks_fingerprint(banks)
    return {name: classifier_fingerprint(fingerprints[name]) for name in sorted(set(classify))}


def build(cls: type[S], guide: Guide, embedder: Embedder, *, settings: IndexSettings,
          progress: Progress | None = None, banks: Mapping[str, Sequence[BankEntry]] | None = None,
          classify: Sequence[str] = (), cache: EmbeddingCache | None = None) -> S:
    """Embed and index the guide (and the given banks), train a classifier on each bank named in
    ``classify``, write a new generation and switch to it.

    ``cache``: the embedding cache to use (default: the data folder's, for ``embedder``); its ``embedded`` and
    ``reused`` counts say what this build cost.
    """
    start = time.perf_counter()
    policy = CachePolicy(keep_builds=settings.cache_keep_builds, lock_timeout_s=settings.lock_timeout_s)
    cache = cache or EmbeddingCache(settings.data_dir, embedder, policy=policy)
    cached = cache.embedder
    chunks = guide.chunks(max_chars=settings.max_chunk_chars)
    aliases = {d.service_id: d.aliases + d.search_terms for d in guide.documents}
    texts = [passage_text(c) for c in chunks]
    batches = []
    for i in range(0, len(texts), 16):
        batches.append(cached.encode_passages(texts[i : i + 16]))
        if progress:
            progress(min(i + 16, len(texts)), len(texts))
    vectors = np.vstack(batches) if batches else np.zeros((0, embedder.dim), np.float32)
    dense = DenseIndex.build(vectors, kind=settings.dense_kind)
    lexical = LexicalIndex.build([lexical_text(c, aliases.get(c.service_id, ())) for c in chunks],
                                 k1=settings.bm25_k1, b=settings.bm25_b, analyzer=analyzer_for(settings.language_dir))
    memo: dict[str, np.ndarray] = {}
    built_banks = {name: Bank.build(name, entries, cached, memo=memo)
                   for name, entries in sorted((banks or {}).items())}
    fingerprints = banks_fingerprint(banks or {})
    trained = ModelCache(settings.data_dir, cache.fingerprint, keep=settings.cache_keep_builds)
    models = {name: trained.get(name, classifier_fingerprint(fingerprints[name]))
              or train_classifier(built_banks[name], fingerprints[name]) for name in sorted(set(classify))}
    log.info("index build: %d texts embedded, %d from the cache; %d of %d classifiers from the cache",
             cache.embedded, cache.reused, len(trained.reused), len(models))

    corpus_hash = guide.content_hash(max_chars=settings.max_chunk_chars)
    building = new_generation_dir(settings.data_dir, corpus_hash)
    lock = WriterLock(settings.data_dir, timeout_s=settings.lock_timeout_s)
    try:
        lock.acquire()  # one writer at a time: a second rebuild waits here
        cache.save()  # logs instead of failing: a cache makes builds faster, never makes one fail
        for model in models.values():
            trained.put(model)
        atomic_write_text(building / "chunks.jsonl", chunks_to_jsonl(chunks))
        dense.save(building / "dense.faiss")
        (building / "bm25").mkdir()
        lexical.save(building / "bm25")
        for bank in built_banks.values():
            bank.save(building / "banks")
        for model in models.values():
            model.save(building / "models")
        files = {str(p.relative_to(building)): file_digest(p)
                 for p in sorted(building.rglob("*")) if p.is_file()}
        manifest = Manifest(
            format_version=FORMAT_VERSION,
            package_version=_package_version(),
            embedder_backend=embedder.backend,
            embedder_name=embedder.name,
            dim=embedder.dim,
            dense_kind=settings.dense_kind,
            corpus_hash=corpus_hash,
            analyzer=lexical.fingerprint,
            chunk_count=len(chunks),
            created=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            build_seconds=round(time.perf_counter() - start, 3),
            files=files,
            banks=fingerprints,
            models={name: m.fingerprint for name, m in models.items()},
        )
        atomic_write_text(building / "manifest.json", manifest.to_json())
        final = publish(settings.data_dir, building, keep=settings.keep_generations, grace_s=settings.gc_grace_s)
    except BaseException:
        # a half-written generation (disk full, crash) must not keep taking space; CURRENT still names the
        # old one, which keeps serving
        shutil.rmtree(building, ignore_errors=True)
        raise
    finally:
        lock.release()
    return cls(chunks=chunks, dense=dense, lexical=lexical, embedder=embedder, manifest=manifest,
               settings=settings, banks=built_banks, classifiers=models, generation=final.name)
