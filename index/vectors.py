"""Vector helpers shared by every embedder backend and the dense index.

Kept apart from :mod:`index.embedding` (the protocol and the factory): the factory imports the backends, so
the backends must not import the factory's module back.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def normalise_rows(vectors: np.ndarray) -> np.ndarray:
    """L2-normalise each row (zero rows stay zero) as contiguous float32, the layout FAISS wants."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors[None, :]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(vectors / norms, dtype=np.float32)


#: A query's cost grows with its length in tokens, not characters: 2,000 characters of Norwegian are ~490
#: tokens, of CJK ~1,100, of emoji ~2,000, and embedding time grows about linearly with them. The guide's
#: questions are 19 tokens at the median and 34 at most (all 256 evaluation questions, e5's tokenizer). A
#: query is cut to this many tokens (prefix and special tokens included) for the embedding only; BM25 and
#: the reply still see the whole question. 64 keeps any question within ~3x the cost of a normal one
#: (``python -m tools.bench --long-only``: 2.9-3.2x; 128 tokens measured 5.7-6.0x).
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
