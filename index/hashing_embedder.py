"""A model-free embedder: hashed character n-grams of normalised words (the text analyser's normalisation).

Deterministic and fast, so most tests use it instead of a real model; it also keeps the assistant usable
when no model package is installed. It captures spelling overlap, not meaning.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np

from index.analysis import default_analyzer
from index.vectors import bound_query, normalise_rows


class HashingEmbedder:
    """Character 3- and 4-grams of each normalised token, hashed into ``dim`` buckets with a sign."""

    backend = "hashing"

    def __init__(self, dim: int = 512) -> None:
        self.dim = dim
        self.name = f"hashing-char34-{dim}"

    def _vector(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dim, dtype=np.float32)
        for token in default_analyzer().normalise(text).split():
            padded = f"<{token}>"
            for n in (3, 4):
                for i in range(max(1, len(padded) - n + 1)):
                    h = zlib.crc32(padded[i : i + n].encode())
                    vec[h % self.dim] += 1.0 if (h >> 31) & 1 else -1.0
        return vec

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return normalise_rows(np.stack([self._vector(t) for t in texts]))

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed queries (same function as passages: the hashing space is symmetric), bounded in characters."""
        return self._encode([bound_query(t) for t in texts])

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Embed passages."""
        return self._encode(texts)
