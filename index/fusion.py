"""Fusing dense and lexical scores into one calibrated score in [0, 1].

Plain reciprocal-rank fusion throws the scores away and cannot say "nothing matches". Here each side is
first mapped onto [0, 1] with a fixed, model-specific calibration (cosine band for the embedder, a
saturating curve for BM25), then mixed linearly. The fused top score is comparable across questions, so
the assistant can put a threshold on it.
"""

from __future__ import annotations

import numpy as np


def calibrate_dense(cosines: np.ndarray, *, floor: float, ceiling: float) -> np.ndarray:
    """Map cosines onto [0, 1]: ``floor`` and below -> 0, ``ceiling`` and above -> 1."""
    return np.clip((cosines - floor) / max(ceiling - floor, 1e-6), 0.0, 1.0)


def calibrate_lexical(bm25: np.ndarray, *, half: float) -> np.ndarray:
    """Map BM25 scores onto [0, 1) with ``s / (s + half)``: no match -> 0, ``half`` -> 0.5."""
    bm25 = np.maximum(bm25, 0.0)
    return bm25 / (bm25 + half)


def fuse(dense: np.ndarray, lexical: np.ndarray, *, dense_weight: float) -> np.ndarray:
    """Weighted sum of two calibrated score arrays of the same rows."""
    return dense_weight * dense + (1.0 - dense_weight) * lexical
