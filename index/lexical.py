"""BM25 lexical index (bm25s) over Norwegian-normalised, stemmed terms."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from index.normalize import analyzer_fingerprint, lexical_terms

#: Okapi BM25's defaults as bm25s uses them: term-frequency saturation and length normalisation.
DEFAULT_K1 = 1.2
DEFAULT_B = 0.75


def lexical_fingerprint(*, k1: float = DEFAULT_K1, b: float = DEFAULT_B) -> str:
    """What decides the BM25 index besides the texts: the analyzer's hash and the BM25 parameters.

    Stored in the manifest (readable, e.g. ``"3f2a9c0d1e4b+bm25(k1=1.2,b=0.75)"``); a change of either means
    the lexical index must be rebuilt.
    """
    return f"{analyzer_fingerprint()}+bm25(k1={k1:g},b={b:g})"


class LexicalIndex:
    """BM25 over one text per chunk. Scores are raw BM25 (0 when no query term matches)."""

    def __init__(self, retriever) -> None:
        self._bm25 = retriever

    @classmethod
    def build(cls, texts: Sequence[str], *, k1: float = DEFAULT_K1, b: float = DEFAULT_B) -> LexicalIndex:
        """Index ``texts`` (one per chunk, in chunk order) with BM25 parameters ``k1`` and ``b``."""
        import bm25s

        corpus = [lexical_terms(t) or [""] for t in texts]
        retriever = bm25s.BM25(k1=k1, b=b)
        retriever.index(corpus, show_progress=False)
        return cls(retriever)

    @property
    def size(self) -> int:
        """Number of indexed texts."""
        return int(self._bm25.scores["num_docs"])

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every chunk for ``query``; all zeros when no term is known."""
        terms = [t for t in lexical_terms(query) if t in self._bm25.vocab_dict]
        if not terms:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(terms), dtype=np.float32)

    def save(self, folder: Path) -> None:
        """Write the BM25 arrays (``.npy``, no pickle) and vocabulary (JSON) into ``folder``."""
        self._bm25.save(str(folder), allow_pickle=False, show_progress=False)

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        """Read an index written by :meth:`save`."""
        import bm25s

        return cls(bm25s.BM25.load(str(folder), allow_pickle=False, show_progress=False))
