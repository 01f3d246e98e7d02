"""The retriever: builds or loads the index, then answers ``search(query)`` with typed hits."""

from __future__ import annotations

import logging
import shutil
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from corpus.guide import Guide, load_guide
from corpus.model import Chunk
from index.banks import Bank, BankEntry, banks_fingerprint
from index.classifier import TextClassifier, classifier_fingerprint
from index.dense import DenseIndex
from index.embedding import Embedder, make_embedder
from index.errors import IndexCorrupt, IndexReadOnly, IndexStale
from index.fusion import calibrate_dense, calibrate_lexical, fuse
from index.lexical import LexicalIndex, lexical_fingerprint
from index.lock import WriterLock
from index.settings import IndexSettings
from index.store import (
    FORMAT_VERSION,
    Manifest,
    atomic_write_text,
    chunks_from_jsonl,
    chunks_to_jsonl,
    current_generation,
    file_digest,
    new_generation_dir,
    publish,
    verify_generation,
)

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
MODES = ("fused", "dense", "lexical")
#: A load that loses a race with a publish (its generation was collected meanwhile) tries the new CURRENT.
LOAD_ATTEMPTS = 3


@dataclass(frozen=True)
class Hit:
    """One retrieved chunk with its scores.

    Attributes:
        chunk: The passage.
        score: The score used for ranking in the chosen mode, in [0, 1].
        dense: Calibrated dense score in [0, 1].
        lexical: Calibrated lexical score in [0, 1].
        cosine: Raw cosine similarity, for reports.
    """

    chunk: Chunk
    score: float
    dense: float
    lexical: float
    cosine: float


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


def stderr_progress(done: int, total: int) -> None:
    """A one-line progress bar on stderr."""
    width = 30
    filled = int(width * done / max(total, 1))
    sys.stderr.write(f"\rBygger indeks [{'#' * filled}{'.' * (width - filled)}] {done}/{total} tekstbiter")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def train_classifier(bank: Bank, bank_fingerprint: str) -> TextClassifier:
    """The classifier of one bank: its labels from its texts and vectors (seeded, deterministic)."""
    return TextClassifier.train(bank.name, bank.vectors, [e.text for e in bank.entries],
                                [e.label for e in bank.entries], fingerprint=classifier_fingerprint(bank_fingerprint))


def _wanted_models(banks: Mapping[str, Sequence[BankEntry]], classify: Sequence[str]) -> dict[str, str]:
    fingerprints = banks_fingerprint(banks)
    return {name: classifier_fingerprint(fingerprints[name]) for name in sorted(set(classify))}


class Retriever:
    """Dense + lexical search over the guide's chunks."""

    def __init__(self, *, chunks: list[Chunk], dense: DenseIndex, lexical: LexicalIndex, embedder: Embedder,
                 manifest: Manifest, settings: IndexSettings, banks: Mapping[str, Bank] | None = None,
                 classifiers: Mapping[str, TextClassifier] | None = None, generation: str = "") -> None:
        if not (len(chunks) == dense.size == lexical.size):
            raise IndexCorrupt(
                f"index parts disagree: {len(chunks)} chunks, {dense.size} vectors, {lexical.size} BM25 rows"
            )
        self.chunks = chunks
        self.dense = dense
        self.lexical = lexical
        self.embedder = embedder
        self.manifest = manifest
        self.settings = settings
        #: Embedded banks stored with this generation (see :mod:`index.banks`), by name.
        self.banks: dict[str, Bank] = dict(banks or {})
        #: Classifiers trained on some of the banks at build time (see :mod:`index.classifier`), by bank name.
        self.classifiers: dict[str, TextClassifier] = dict(classifiers or {})
        #: The generation folder's name (``g-...``) this index was loaded from or written to; "" if neither.
        self.generation = generation

    # -- building and loading -------------------------------------------------------------------

    @classmethod
    def build(cls, guide: Guide, embedder: Embedder, *, settings: IndexSettings,
              progress: Progress | None = None, banks: Mapping[str, Sequence[BankEntry]] | None = None,
              classify: Sequence[str] = ()) -> Retriever:
        """Embed and index the guide (and the given banks), train a classifier on each bank named in
        ``classify``, write a new generation and switch to it."""
        start = time.perf_counter()
        chunks = guide.chunks(max_chars=settings.max_chunk_chars)
        aliases = {d.service_id: d.aliases + d.search_terms for d in guide.documents}
        texts = [passage_text(c) for c in chunks]
        batches = []
        for i in range(0, len(texts), 16):
            batches.append(embedder.encode_passages(texts[i : i + 16]))
            if progress:
                progress(min(i + 16, len(texts)), len(texts))
        vectors = np.vstack(batches) if batches else np.zeros((0, embedder.dim), np.float32)
        dense = DenseIndex.build(vectors, kind=settings.dense_kind)
        lexical = LexicalIndex.build([lexical_text(c, aliases.get(c.service_id, ())) for c in chunks],
                                     k1=settings.bm25_k1, b=settings.bm25_b)
        memo: dict[str, np.ndarray] = {}
        built_banks = {name: Bank.build(name, entries, embedder, memo=memo)
                       for name, entries in sorted((banks or {}).items())}
        fingerprints = banks_fingerprint(banks or {})
        models = {name: train_classifier(built_banks[name], fingerprints[name]) for name in sorted(set(classify))}

        corpus_hash = guide.content_hash(max_chars=settings.max_chunk_chars)
        building = new_generation_dir(settings.data_dir, corpus_hash)
        lock = WriterLock(settings.data_dir, timeout_s=settings.lock_timeout_s)
        try:
            lock.acquire()  # one writer at a time: a second rebuild waits here
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
                analyzer=lexical_fingerprint(k1=settings.bm25_k1, b=settings.bm25_b),
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

    @classmethod
    def load(cls, guide: Guide, embedder: Embedder, *, settings: IndexSettings,
             banks: Mapping[str, Sequence[BankEntry]] | None = None, allow_stale: bool = False,
             classify: Sequence[str] = ()) -> Retriever:
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
                return cls._load_generation(path, guide, embedder, settings=settings, banks=banks,
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

    @classmethod
    def _load_generation(cls, path: Path, guide: Guide, embedder: Embedder, *, settings: IndexSettings,
                         banks: Mapping[str, Sequence[BankEntry]] | None = None,
                         allow_stale: bool = False, classify: Sequence[str] = ()) -> Retriever:
        manifest = verify_generation(path)
        expected_hash = guide.content_hash(max_chars=settings.max_chunk_chars)
        stale = None
        if manifest.corpus_hash != expected_hash:
            stale = f"stale: built from corpus {manifest.corpus_hash}, the guide is now {expected_hash}"
        elif manifest.analyzer != lexical_fingerprint(k1=settings.bm25_k1, b=settings.bm25_b):
            stale = ("stale: the Norwegian text analyzer (lexicon, stopwords, stemmer) or the BM25 parameters "
                     "(k1, b) have changed")
        elif banks is not None and manifest.banks != banks_fingerprint(banks):
            stale = "stale: the banks (situations, emergency, out-of-scope) have changed"
        elif banks is not None and manifest.models != _wanted_models(banks, classify):
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
            lexical = LexicalIndex.load(path / "bm25")
        except (OSError, ValueError, KeyError) as exc:
            raise IndexCorrupt(f"bm25 arrays unreadable: {exc}") from exc
        loaded = {name: Bank.load(path / "banks", name) for name in manifest.banks}
        models = {name: TextClassifier.load(path / "models", name) for name in manifest.models}
        return cls(chunks=chunks, dense=dense, lexical=lexical, embedder=embedder, manifest=manifest,
                   settings=settings, banks=loaded, classifiers=models, generation=path.name)

    @classmethod
    def open(cls, *, settings: IndexSettings | None = None, guide: Guide | None = None,
             embedder: Embedder | None = None, rebuild: bool = False,
             progress: Progress | None = None,
             banks: Mapping[str, Sequence[BankEntry]] | None = None, classify: Sequence[str] = ()) -> Retriever:
        """Load the index, or build it when missing, stale, mismatched or damaged (never serve those).

        ``banks`` are embedded and stored with the generation, with a classifier trained on each bank named in
        ``classify``; when given, a generation built from other banks or classifiers counts as stale.
        """
        settings = settings or IndexSettings()
        guide = guide or load_guide()
        embedder = embedder or make_embedder(settings.backend, model=settings.model)
        if rebuild:
            return cls.build(guide, embedder, settings=settings, progress=progress, banks=banks, classify=classify)
        try:
            return cls.load(guide, embedder, settings=settings, banks=banks, classify=classify)
        except IndexCorrupt as exc:
            problem = exc
        try:
            lock = WriterLock(settings.data_dir, timeout_s=settings.lock_timeout_s).acquire()
        except IndexReadOnly as exc:
            return cls._read_only_fallback(guide, embedder, settings=settings, problem=problem, read_only=exc)
        try:
            # another process may have rebuilt while this one waited for the lock: look again before building
            try:
                return cls.load(guide, embedder, settings=settings, banks=banks, classify=classify)
            except IndexCorrupt as exc:
                log.warning("rebuilding the index: %s", exc)
            return cls.build(guide, embedder, settings=settings, progress=progress, banks=banks, classify=classify)
        finally:
            lock.release()

    @classmethod
    def _read_only_fallback(cls, guide: Guide, embedder: Embedder, *, settings: IndexSettings,
                            problem: IndexCorrupt, read_only: IndexReadOnly) -> Retriever:
        """A bad index in a folder that cannot be written: serve it stale (if so configured) or say why not."""
        if isinstance(problem, IndexStale) and settings.stale_read_only == "serve":
            try:
                retriever = cls.load(guide, embedder, settings=settings, allow_stale=True)
            except IndexCorrupt as exc:
                problem = exc  # stale and also mismatched or damaged: never served
            else:
                log.warning("serving a stale index: %s; it cannot be rebuilt because %s", problem, read_only)
                return retriever
        message = (f"the index cannot be used ({problem}) and cannot be rebuilt: {read_only}. "
                   f"Rebuild it where it can be written (python -m assistant index --rebuild)")
        log.error("%s", message)  # the edges show only a Norwegian summary; the operator needs the reason
        raise IndexReadOnly(message) from problem

    # -- searching ------------------------------------------------------------------------------

    def search(self, query: str, *, k: int = 10, mode: str = "fused",
               query_vector: np.ndarray | None = None) -> list[Hit]:
        """The ``k`` best chunks for ``query``.

        Args:
            query: The (already masked and normalised) question.
            k: Number of hits.
            mode: "fused" (default), "dense" or "lexical".
            query_vector: A precomputed query embedding, to avoid embedding the same text twice.
        """
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        s = self.settings
        if mode == "lexical":
            cosine = np.zeros(len(self.chunks), dtype=np.float32)  # no embedding needed
        else:
            if query_vector is None:
                query_vector = self.embedder.encode_queries([query])[0]
            cosine = self.dense.all_scores(query_vector,
                                           candidates=None if s.dense_kind == "flat" else max(200, 5 * k))
        dense = calibrate_dense(cosine, floor=s.dense_floor, ceiling=s.dense_ceiling)
        lexical = calibrate_lexical(self.lexical.scores(query), half=s.lexical_half)
        score = {"fused": lambda: fuse(dense, lexical, dense_weight=s.dense_weight),
                 "dense": lambda: dense, "lexical": lambda: lexical}[mode]()
        order = np.argsort(-score, kind="stable")[:k]
        return [Hit(self.chunks[i], float(score[i]), float(dense[i]), float(lexical[i]), float(cosine[i]))
                for i in order]

    @property
    def data_path(self) -> Path:
        """The served generation's folder."""
        return current_generation(self.settings.data_dir)
