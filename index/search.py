"""Search over an index in memory: dense and lexical scores of every chunk, calibrated and fused into typed hits.

Building an index is :mod:`index.building`; loading one, with the staleness and read-only policy, is
:mod:`index.opening`; :class:`index.retriever.Retriever` puts the three together.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from corpus.model import Chunk
from index.analysis import Analysis, Analyzer
from index.banks import Bank
from index.classifier import TextClassifier
from index.dense import DenseIndex
from index.embedding import Embedder
from index.errors import IndexCorrupt
from index.fusion import calibrate_dense, calibrate_lexical, fuse
from index.lexical import LexicalIndex
from index.settings import IndexSettings
from index.store import Manifest, current_generation

MODES = ("fused", "dense", "lexical")


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


class SearchIndex:
    """Dense + lexical search over the guide's chunks, with the banks and classifiers of the same generation."""

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
        #: The text analyser of the lexical index; callers analyse a question with it once and pass the analysis.
        self.analyzer: Analyzer = lexical.analyzer
        self.embedder = embedder
        self.manifest = manifest
        self.settings = settings
        #: Embedded banks stored with this generation (see :mod:`index.banks`), by name.
        self.banks: dict[str, Bank] = dict(banks or {})
        #: Classifiers trained on some of the banks at build time (see :mod:`index.classifier`), by bank name.
        self.classifiers: dict[str, TextClassifier] = dict(classifiers or {})
        #: The generation folder's name (``g-...``) this index was loaded from or written to; "" if neither.
        self.generation = generation

    def search(self, query: str | Analysis, *, k: int = 10, mode: str = "fused",
               query_vector: np.ndarray | None = None) -> list[Hit]:
        """The ``k`` best chunks for ``query``.

        Args:
            query: The (already masked) question, or its analysis by :attr:`analyzer` (not analysed again).
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
                text = query.text if isinstance(query, Analysis) else query
                query_vector = self.embedder.encode_queries([text])[0]
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
