"""Opening the served index generation: load and verify it, refuse what is stale, mismatched or damaged, rebuild
when the folder can be written, and say why not when it cannot (the read-only policy)."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path

from corpus.guide import Guide, load_guide
from index.banks import Bank, BankEntry, banks_fingerprint
from index.building import Progress, S, build, wanted_models
from index.classifier import TextClassifier
from index.dense import DenseIndex
from index.embedding import Embedder, make_embedder
from index.errors import IndexCorrupt, IndexReadOnly, IndexStale
from index.analysis import analyzer_for
from index.lexical import LexicalIndex, lexical_fingerprint
from index.lock import WriterLock
from index.settings import IndexSettings
from index.store import chunks_from_jsonl, current_generation, verify_generation

log = logging.getLogger(__name__)
#: A load that loses a race with a publish (its generation was collected meanwhile) tries the new CURRENT.
LOAD_ATTEMPTS = 3


def load(cls: type[S], guide: Guide, embedder: Embedder, *, settings: IndexSettings,
         banks: Mapping[str, Sequence[BankEntry]] | None = None, allow_stale: bool = False,
         classify: Sequence[str] = ()) -> S:
    """Load the served generation, refusing anything stale, mismatched or damaged.

    A load that races a publish (its generation is collected while being read) retries on the new
    ``CURRENT``; any file error on the way is an IndexCorrupt.

    Args:
        banks: The banks the generation must have been built with (None: whatever it holds).
        allow_stale: Serve an intact generation built from another corpus or analyzer (read-only folders
            with ``stale_read_only="serve"``); damaged or mismatched ones are still refused.

    Raises:
        IndexStale: An intact index built from another corpus or analyzer.
        IndexCorrupt: No index, a damaged one, or one built with another embedder.
    """
    for attempt in range(1, LOAD_ATTEMPTS + 1):
        path = current_generation(settings.data_dir)
        try:
            return _load_generation(cls, path, guide, embedder, settings=settings, banks=banks,
                                    allow_stale=allow_stale, classify=classify)
        except IndexStale:
            raise
        except (IndexCorrupt, OSError) as exc:
            try:
                moved = current_generation(settings.data_dir) != path
            except IndexCorrupt:
                moved = False
            if not moved or attempt == LOAD_ATTEMPTS:
                if isinstance(exc, IndexCorrupt):
                    raise
                raise IndexCorrupt(f"{path.name}: {exc.__class__.__name__}: {exc}") from exc
            log.info("the index was replaced while loading it; loading the new generation")
    raise AssertionError("unreachable")  # pragma: no cover

def _load_generation(cls: type[S], path: Path, guide: Guide, embedder: Embedder, *, settings: IndexSettings,
                     banks: Mapping[str, Sequence[BankEntry]] | None = None,
                     allow_stale: bool = False, classify: Sequence[str] = ()) -> S:
    manifest = verify_generation(path)
    expected_hash = guide.content_hash(max_chars=settings.max_chunk_chars)
    stale = None
    analyzer = analyzer_for(settings.language_dir)
    if manifest.corpus_hash != expected_hash:
        stale = f"stale: built from corpus {manifest.corpus_hash}, the guide is now {expected_hash}"
    elif manifest.analyzer != lexical_fingerprint(analyzer, k1=settings.bm25_k1, b=settings.bm25_b):
        stale = ("stale: the Norwegian text analyzer (lexicon, stopwords, stemmer) or the BM25 parameters "
                 "(k1, b) have changed")
    elif banks is not None and manifest.banks != banks_fingerprint(banks):
        stale = "stale: the banks (situations, emergency, out-of-scope) have changed"
    elif banks is not None and manifest.models != wanted_models(banks, classify):
        stale = "stale: the classifiers' training data or version have changed"
    if stale and not allow_stale:
        raise IndexStale(stale)
    if (manifest.embedder_name, manifest.dim) != (embedder.name, embedder.dim):
        raise IndexCorrupt(
            f"built with {manifest.embedder_name} ({manifest.dim}d), configured {embedder.name} ({embedder.dim}d)"
        )
    if manifest.dense_kind != settings.dense_kind:
        raise IndexCorrupt(f"built as {manifest.dense_kind}, configured {settings.dense_kind}")
    chunks = chunks_from_jsonl(path / "chunks.jsonl")
    if len(chunks) != manifest.chunk_count:
        raise IndexCorrupt(f"{len(chunks)} chunks on disk, the manifest says {manifest.chunk_count}")
    dense = DenseIndex.load(path / "dense.faiss")
    if dense.dim != manifest.dim:
        raise IndexCorrupt(f"dense.faiss has dimension {dense.dim}, the manifest says {manifest.dim}")
    try:
        lexical = LexicalIndex.load(path / "bm25", analyzer)
    except (OSError, ValueError, KeyError) as exc:
        raise IndexCorrupt(f"bm25 arrays unreadable: {exc}") from exc
    loaded = {name: Bank.load(path / "banks", name) for name in manifest.banks}
    models = {name: TextClassifier.load(path / "models", name) for name in manifest.models}
    return cls(chunks=chunks, dense=dense, lexical=lexical, embedder=embedder, manifest=manifest,
               settings=settings, banks=loaded, classifiers=models, generation=path.name)

def open_index(cls: type[S], *, settings: IndexSettings | None = None, guide: Guide | None = None,
         embedder: Embedder | None = None, rebuild: bool = False,
         progress: Progress | None = None,
         banks: Mapping[str, Sequence[BankEntry]] | None = None, classify: Sequence[str] = ()) -> S:
    """Load the index, or build it when missing, stale, mismatched or damaged (never serve those).

    ``banks`` are embedded and stored with the generation, with a classifier trained on each bank named in
    ``classify``; when given, a generation built from other banks or classifiers counts as stale.
    """
    settings = settings or IndexSettings()
    guide = guide or load_guide()
    embedder = embedder or make_embedder(settings.backend, model=settings.model)
    if rebuild:
        return build(cls, guide, embedder, settings=settings, progress=progress, banks=banks, classify=classify)
    try:
        return load(cls, guide, embedder, settings=settings, banks=banks, classify=classify)
    except IndexCorrupt as exc:
        problem = exc
    try:
        lock = WriterLock(settings.data_dir, timeout_s=settings.lock_timeout_s).acquire()
    except IndexReadOnly as exc:
        return _read_only_fallback(cls, guide, embedder, settings=settings, problem=problem, read_only=exc)
    try:
        # another process may have rebuilt while this one waited for the lock: look again before building
        try:
            return load(cls, guide, embedder, settings=settings, banks=banks, classify=classify)
        except IndexCorrupt as exc:
            log.warning("rebuilding the index: %s", exc)
        return build(cls, guide, embedder, settings=settings, progress=progress, banks=banks, classify=classify)
    finally:
        lock.release()

def _read_only_fallback(cls: type[S], guide: Guide, embedder: Embedder, *, settings: IndexSettings,
                        problem: IndexCorrupt, read_only: IndexReadOnly) -> S:
    """A bad index in a folder that cannot be written: serve it stale (if so configured) or say why not."""
    if isinstance(problem, IndexStale) and settings.stale_read_only == "serve":
        try:
            retriever = load(cls, guide, embedder, settings=settings, allow_stale=True)
        except IndexCorrupt as exc:
            problem = exc  # stale and also mismatched or damaged: never served
        else:
            log.warning("serving a stale index: %s; it cannot be rebuilt because %s", problem, read_only)
            return retriever
    message = (f"the index cannot be used ({problem}) and cannot be rebuilt: {read_only}. "
               f"Rebuild it where it can be written (python -m assistant index --rebuild)")
    log.error("%s", message)  # the edges show only a Norwegian summary; the operator needs the reason
    raise IndexReadOnly(message) from problem
