"""sentence-transformers backend: any model name or local path, with the model's query/passage prefixes."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from index.vectors import MAX_QUERY_TOKENS, bound_query, normalise_rows
from index.errors import EmbedderError

#: Prefixes that models were trained with; a model missing here gets none.
KNOWN_PREFIXES: dict[str, tuple[str, str]] = {
    "e5": ("query: ", "passage: "),
    "bge-m3": ("", ""),
    "bge": ("Represent this sentence for searching relevant passages: ", ""),
}


def prefixes_for(model: str) -> tuple[str, str]:
    """The (query, passage) prefixes for a model name or path, matched on its last path part."""
    base = model.rstrip("/").split("/")[-1].lower()
    for key in sorted(KNOWN_PREFIXES, key=len, reverse=True):
        if key in base:
            return KNOWN_PREFIXES[key]
    return "", ""


class SentenceTransformerEmbedder:
    """Wraps ``sentence_transformers.SentenceTransformer``; torch is imported only here."""

    backend = "sentence-transformers"

    def __init__(self, model: str, *, query_prefix: str | None = None, passage_prefix: str | None = None,
                 device: str = "cpu", max_query_tokens: int = MAX_QUERY_TOKENS) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise EmbedderError(
                "sentence-transformers is not installed: pip install sentence-transformers torch"
            ) from exc
        try:
            self._model = SentenceTransformer(model, device=device)
        except (OSError, ValueError) as exc:
            raise EmbedderError(
                f"could not load the model {model!r}: {exc}. With HF_HUB_OFFLINE=1 only local paths and "
                "cached models work."
            ) from exc
        q, p = prefixes_for(model)
        self.query_prefix = q if query_prefix is None else query_prefix
        self.passage_prefix = p if passage_prefix is None else passage_prefix
        getter = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        dim = getter()
        if not dim:
            raise EmbedderError(f"the model {model!r} does not report an embedding dimension")
        self.dim = int(dim)
        self.name = f"sentence-transformers/{model}"
        self.max_query_tokens = max_query_tokens

    def query_tokens(self, text: str) -> int:
        """Tokens the model is fed for ``text`` as a query (prefix and special tokens included)."""
        return len(self._model.tokenizer(self.query_prefix + text)["input_ids"])

    def _encode(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode([prefix + t for t in texts], batch_size=32, convert_to_numpy=True,
                                     normalize_embeddings=True, show_progress_bar=False)
        return normalise_rows(vectors)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed queries with the model's query prefix, each bounded in tokens (index.vectors.bound_query)."""
        bounded = [bound_query(t, count_tokens=self.query_tokens, max_tokens=self.max_query_tokens) for t in texts]
        return self._encode(bounded, self.query_prefix)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Embed passages with the model's passage prefix."""
        return self._encode(texts, self.passage_prefix)
