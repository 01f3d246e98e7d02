"""BM25 lexical index (bm25s) over the terms of :class:`index.analysis.Analyzer`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from index.analysis import Analysis, Analyzer, default_analyzer

#: Okapi BM25's defaults as bm25s uses them: term-frequency saturation and length normalisation.
DEFAULT_K1 = 1.2
DEFAULT_B = 0.75


def lexical_fingerprint(analyzer: Analyzer | None = None, *, k1: float = DEFAULT_K1, b: float = DEFAULT_B) -> str:
    """What decides the BM25 index besides the texts: the analyser's fingerprint and the BM25 parameters.

    Stored in the manifest's ``analyzer`` field (readable, e.g. ``"3f2a9c0d1e4b+bm25(k1=1.2,b=0.75)"``); a
    change of either means the lexical index must be rebuilt.
    """
    return f"{(analyzer or default_analyzer()).fingerprint}+bm25(k1={k1:g},b={b:g})"


class LexicalIndex:
    """BM25 over one text per chunk. Scores are raw BM25 (0 when no query term matches)."""

    def __init__(self, retriever, analyzer: Analyzer | None = None) -> None:
        self._bm25 = retriever
        #: The analyser whose terms the index holds; queries are read by it too.
        self.analyzer = analyzer or default_analyzer()

    @classmethod
    def build(cls, texts: Sequence[str], *, k1: float = DEFAULT_K1, b: float = DEFAULT_B,
              analyzer: Analyzer | None = None) -> LexicalIndex:
        """Index ``texts`` (one per chunk, in chunk order) with BM25 parameters ``k1`` and ``b``."""
        import bm25s

        analyzer = analyzer or default_analyzer()
        corpus = [list(analyzer.terms(t)) or [""] for t in texts]
        retriever = bm25s.BM25(k1=k1, b=b)
        retriever.index(corpus, show_progress=False)
        return cls(retriever, analyzer)

    @property
    def size(self) -> int:
        """Number of indexed texts."""
        return int(self._bm25.scores["num_docs"])

    @property
    def fingerprint(self) -> str:
        """The analyser and BM25 parameters of this index (the manifest's ``analyzer`` field)."""
        return lexical_fingerprint(self.analyzer, k1=self._bm25.k1, b=self._bm25.b)

    def scores(self, query: str | Analysis) -> np.ndarray:
        """BM25 score of every chunk for ``query`` (a text, or its analysis by this index's analyser); all zeros
        when no term is known.

        Raises:
            ValueError: ``query`` was analysed by another analyser.
        """
        if isinstance(query, str):
            query = self.analyzer.analyse(query)
        elif query.analyzer != self.analyzer.fingerprint:
            raise ValueError(f"the query was analysed by analyser {query.analyzer}, the index uses "
                             f"{self.analyzer.fingerprint}")
        terms = [t for t in query.terms if t in self._bm25.vocab_dict]
        if not terms:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(terms), dtype=np.float32)

    def save(self, folder: Path) -> None:
        """Write the BM25 arrays (``.npy``, no pickle) and vocabulary (JSON) into ``folder``."""
        self._bm25.save(str(folder), allow_pickle=False, show_progress=False)

    @classmethod
    def load(cls, folder: Path, analyzer: Analyzer | None = None) -> LexicalIndex:
        """Read an index written by :meth:`save` (the caller has checked that ``analyzer`` built it)."""
        import bm25s

        return cls(bm25s.BM25.load(str(folder), allow_pickle=False, show_progress=False), analyzer)
