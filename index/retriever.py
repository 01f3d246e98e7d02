"""The retriever: an index in memory (:mod:`index.search`) that can also build (:mod:`index.building`) and open
(:mod:`index.opening`) itself. Callers use this class; each concern lives in its own module."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from corpus.guide import Guide
from index.banks import BankEntry
from index.building import Progress, build, passage_text, train_classifier
from index.embed_cache import EmbeddingCache
from index.embedding import Embedder
from index.opening import load, open_index
from index.search import MODES, Hit, SearchIndex
from index.settings import IndexSettings

__all__ = ["MODES", "Hit", "Progress", "Retriever", "passage_text", "train_classifier"]


class Retriever(SearchIndex):
    """Dense + lexical search over the guide's chunks, built or opened from the index folder."""

    @classmethod
    def build(cls, guide: Guide, embedder: Embedder, *, settings: IndexSettings, progress: Progress | None = None,
              banks: Mapping[str, Sequence[BankEntry]] | None = None, classify: Sequence[str] = (),
              cache: EmbeddingCache | None = None) -> Retriever:
        """Embed and index the guide and the banks, train the classifiers, publish a new generation (embedding
        only what ``cache``, by default the data folder's, does not hold)."""
        return build(cls, guide, embedder, settings=settings, progress=progress, banks=banks, classify=classify,
                     cache=cache)

    @classmethod
    def load(cls, guide: Guide, embedder: Embedder, *, settings: IndexSettings,
             banks: Mapping[str, Sequence[BankEntry]] | None = None, allow_stale: bool = False,
             classify: Sequence[str] = ()) -> Retriever:
        """Load the served generation, refusing anything stale, mismatched or damaged (see :func:`index.opening.load`)."""
        return load(cls, guide, embedder, settings=settings, banks=banks, allow_stale=allow_stale, classify=classify)

    @classmethod
    def open(cls, *, settings: IndexSettings | None = None, guide: Guide | None = None,
             embedder: Embedder | None = None, rebuild: bool = False, progress: Progress | None = None,
             banks: Mapping[str, Sequence[BankEntry]] | None = None, classify: Sequence[str] = ()) -> Retriever:
        """Load the index, or build it when missing, stale, mismatched or damaged (see :func:`index.opening.open_index`)."""
        return open_index(cls, settings=settings, guide=guide, embedder=embedder, rebuild=rebuild, progress=progress,
                          banks=banks, classify=classify)
