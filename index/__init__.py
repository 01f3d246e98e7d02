"""Retrieval: embedders, FAISS dense index, BM25 lexical index, fusion and persistence."""

from index.embedding import Embedder, make_embedder
from index.errors import (
    DimensionMismatch,
    EmbedderError,
    IndexBusy,
    IndexCorrupt,
    IndexReadOnly,
    IndexStale,
    SearchIndexError,
)
from index.retriever import Hit, Retriever
from index.settings import IndexSettings

__all__ = [
    "DimensionMismatch",
    "Embedder",
    "EmbedderError",
    "Hit",
    "IndexBusy",
    "IndexCorrupt",
    "IndexReadOnly",
    "IndexSettings",
    "IndexStale",
    "Retriever",
    "SearchIndexError",
    "make_embedder",
]
