"""The query embeddings of one assistant: a bounded, locked cache in front of the embedder.

A question costs one batch: its own text, its sentences (for safety), its parts and a few readings of them are
embedded together, and a text seen again in the same or a later turn (an earlier turn, a repeated part) is not
embedded twice. Nothing here is written to disk: a question lives only in memory, for at most ``capacity`` texts.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence

import numpy as np

__all__ = ["QueryVectors"]


class QueryVectors:
    """Query embeddings by text, least recently used out; safe for concurrent callers."""

    def __init__(self, encode: Callable[[Sequence[str]], np.ndarray], *, capacity: int = 512) -> None:
        self._encode = encode
        self._capacity = capacity
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._cache)

    def many(self, texts: Sequence[str]) -> list[np.ndarray]:
        """The vectors of ``texts`` in order; the ones not cached are encoded in one batch (outside the lock, so a
        slow batch does not hold up a caller whose texts are all known)."""
        with self._lock:
            known = {t: self._cache[t] for t in texts if t in self._cache}
            for t in known:
                self._cache.move_to_end(t)
        todo = list(dict.fromkeys(t for t in texts if t not in known))
        if todo:
            vectors = self._encode(todo)
            with self._lock:
                for t, v in zip(todo, vectors, strict=True):
                    self._cache[t] = v
                    known[t] = v
                while len(self._cache) > self._capacity:
                    self._cache.popitem(last=False)
        return [known[t] for t in texts]
