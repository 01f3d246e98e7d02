"""A small trained text classifier: multinomial logistic regression on a question's embedding and its
character n-grams.

Nearest neighbours over labelled questions follow the *topic* of a question ("hjemmesykepleie …"), not what it
asks ("… hva koster det?"); a linear model trained on the same questions learns which features separate the
labels. The classifier is trained when the index is built, from a bank's entries (their texts, labels and the
vectors already computed for the bank), deterministically, and stored in the index generation as plain
``.npy`` weights and a JSON header: never pickled.

Features: the L2-normalised query embedding, concatenated with hashed character 2–4-grams of the lower-cased
text (log term frequency, L2-normalised). The n-grams carry what the embedding blurs: cue words, inflections,
dialect spellings, scripts. Only training imports scikit-learn; prediction is two matrix products in numpy.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from index.errors import IndexCorrupt

__all__ = ["CLASSIFIER_VERSION", "Prediction", "TextClassifier"]

#: Bumped whenever features or training change, so a stored classifier is rebuilt rather than misread.
CLASSIFIER_VERSION = 1
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Prediction:
    """Labels with their probabilities, most probable first."""

    labels: tuple[str, ...]
    probs: tuple[float, ...]

    @property
    def top(self) -> str:
        """The most probable label ("" when there is none)."""
        return self.labels[0] if self.labels else ""

    @property
    def p(self) -> float:
        """The top label's probability."""
        return self.probs[0] if self.probs else 0.0

    def prob(self, label: str) -> float:
        """The probability of ``label`` (0 when unknown)."""
        try:
            return self.probs[self.labels.index(label)]
        except ValueError:
            return 0.0

    def restricted(self, allowed: Sequence[str]) -> Prediction:
        """The prediction over ``allowed`` labels only, renormalised (e.g. aspects without the intents)."""
        pairs = [(lab, p) for lab, p in zip(self.labels, self.probs, strict=True) if lab in set(allowed)]
        total = sum(p for _, p in pairs) or 1.0
        return Prediction(tuple(lab for lab, _ in pairs), tuple(p / total for _, p in pairs))


@lru_cache(maxsize=256)
def char_ngrams(text: str, *, n_hash: int, sizes: tuple[int, ...] = (2, 3, 4)) -> tuple[np.ndarray, np.ndarray]:
    """Hashed character n-grams of ``text``: (bucket indices, L2-normalised log-tf values). Cached: both
    classifiers read the same question, and the arrays are never changed by their readers."""
    text = _SPACE.sub(" ", unicodedata.normalize("NFC", text).lower()).strip()
    if not text:
        return np.zeros(0, np.int64), np.zeros(0, np.float32)
    text = f" {text} "
    counts: dict[int, int] = {}
    for n in sizes:
        for i in range(len(text) - n + 1):
            # crc32 is stable across processes and platforms, unlike hash()
            bucket = zlib.crc32(text[i : i + n].encode("utf-8")) % n_hash
            counts[bucket] = counts.get(bucket, 0) + 1
    if not counts:
        return np.zeros(0, np.int64), np.zeros(0, np.float32)
    idx = np.fromiter(counts, dtype=np.int64, count=len(counts))
    val = 1.0 + np.log(np.fromiter(counts.values(), dtype=np.float32, count=len(counts)))
    return idx, (val / np.linalg.norm(val)).astype(np.float32)


class TextClassifier:
    """Multinomial logistic regression over [embedding ; hashed character n-grams].

    Attributes:
        name: The bank it was trained on.
        labels: The classes, in weight-column order.
        dense_w: (dim, classes) weights of the embedding part.
        ngram_w: (n_hash, classes) weights of the n-gram part.
        bias: (classes,) intercepts.
    """

    def __init__(self, name: str, labels: Sequence[str], dense_w: np.ndarray, ngram_w: np.ndarray,
                 bias: np.ndarray, *, fingerprint: str = "") -> None:
        if not (dense_w.shape[1] == ngram_w.shape[1] == len(bias) == len(labels)):
            raise IndexCorrupt(f"classifier {name}: weight shapes disagree with {len(labels)} labels")
        self.name = name
        self.labels = tuple(labels)
        self.dense_w = np.ascontiguousarray(dense_w, np.float32)
        self.ngram_w = np.ascontiguousarray(ngram_w, np.float32)
        self.bias = np.asarray(bias, np.float32)
        self.fingerprint = fingerprint

    @property
    def n_hash(self) -> int:
        return self.ngram_w.shape[0]

    # -- training -------------------------------------------------------------------------------------

    @classmethod
    def train(cls, name: str, vectors: np.ndarray, texts: Sequence[str], labels: Sequence[str], *,
              n_hash: int = 8192, c: float = 4.0, seed: int = 0, fingerprint: str = "") -> TextClassifier:
        """Fit on labelled texts and their (L2-normalised) embeddings; deterministic for the same inputs.

        Raises:
            ImportError: scikit-learn is missing (it is needed to build the index, not to serve it).
        """
        try:
            from scipy import sparse
            from sklearn.linear_model import LogisticRegression
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError("training the classifiers needs scikit-learn: pip install scikit-learn") from exc
        if len(set(labels)) < 2:
            raise ValueError(f"classifier {name}: needs at least two labels")
        x = cls._matrix(np.asarray(vectors, np.float32), texts, n_hash=n_hash, sparse=sparse)
        model = LogisticRegression(C=c, max_iter=500, tol=1e-4, random_state=seed)
        model.fit(x, list(labels))
        coef = model.coef_.T.astype(np.float32)  # (features, classes)
        bias = np.asarray(model.intercept_, np.float32)
        if len(model.classes_) == 2:
            # two classes: sigmoid(w·x + b) is the softmax of the logits (0, w·x + b)
            coef = np.hstack([np.zeros_like(coef), coef])
            bias = np.array([0.0, bias[0]], np.float32)
        dim = vectors.shape[1]
        return cls(name, [str(c_) for c_ in model.classes_], coef[:dim], coef[dim:], bias, fingerprint=fingerprint)

    @staticmethod
    def _matrix(vectors: np.ndarray, texts: Sequence[str], *, n_hash: int, sparse):  # noqa: ANN001, ANN205
        rows, cols, vals = [], [], []
        for r, text in enumerate(texts):
            idx, val = char_ngrams(text, n_hash=n_hash)
            rows.append(np.full(len(idx), r))
            cols.append(idx)
            vals.append(val)
        grams = sparse.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                                  shape=(len(texts), n_hash))
        return sparse.hstack([sparse.csr_matrix(vectors), grams], format="csr")

    # -- prediction -----------------------------------------------------------------------------------

    def logits(self, vector: np.ndarray | None, text: str) -> np.ndarray:
        """Raw class scores; without a vector (lexical-only runs) the embedding part contributes nothing."""
        out = self.bias.copy()
        if vector is not None:
            out += np.asarray(vector, np.float32) @ self.dense_w
        idx, val = char_ngrams(text, n_hash=self.n_hash)
        if len(idx):
            out += val @ self.ngram_w[idx]
        return out

    def predict(self, vector: np.ndarray | None, text: str) -> Prediction:
        """Every label with its probability, most probable first."""
        z = self.logits(vector, text)
        p = np.exp(z - z.max())
        p /= p.sum()
        order = np.argsort(-p, kind="stable")
        return Prediction(tuple(self.labels[i] for i in order), tuple(float(p[i]) for i in order))

    # -- persistence ----------------------------------------------------------------------------------

    def save(self, folder: Path) -> list[Path]:
        """Write ``<name>.json`` (labels, version, fingerprint) and ``<name>.npy`` (all weights stacked)."""
        folder.mkdir(parents=True, exist_ok=True)
        head, weights = folder / f"{self.name}.json", folder / f"{self.name}.npy"
        head.write_text(json.dumps({"version": CLASSIFIER_VERSION, "labels": list(self.labels),
                                    "dim": int(self.dense_w.shape[0]), "n_hash": self.n_hash,
                                    "fingerprint": self.fingerprint}, ensure_ascii=False, indent=1),
                        encoding="utf-8")
        np.save(weights, np.vstack([self.dense_w, self.ngram_w, self.bias[None, :]]), allow_pickle=False)
        return [head, weights]

    @classmethod
    def load(cls, folder: Path, name: str) -> TextClassifier:
        """Read a classifier written by :meth:`save`.

        Raises:
            IndexCorrupt: Missing, unreadable or inconsistent files, or another classifier version.
        """
        try:
            head = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
            stacked = np.load(folder / f"{name}.npy", allow_pickle=False)
            dim, n_hash = int(head["dim"]), int(head["n_hash"])
            if head["version"] != CLASSIFIER_VERSION or stacked.shape[0] != dim + n_hash + 1:
                raise ValueError("version or shape mismatch")
            return cls(name, head["labels"], stacked[:dim], stacked[dim : dim + n_hash], stacked[-1],
                       fingerprint=str(head.get("fingerprint", "")))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise IndexCorrupt(f"classifier {name} unreadable: {exc}") from exc


def classifier_fingerprint(bank_fingerprint: str) -> str:
    """The stored classifier's identity: its training data and the classifier version."""
    return hashlib.sha256(f"{bank_fingerprint}:{CLASSIFIER_VERSION}".encode()).hexdigest()[:16]
