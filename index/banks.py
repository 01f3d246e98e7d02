"""Banks: sets of short texts in users' own words, embedded like queries and compared with a question.

The understanding layer keeps several: the needs each service answers (from the guide's ``situations:``),
emergency phrasings and ordinary sentences with the same words, and topics the guide does not cover. They are
embedded once, when the index is built, and stored in the index generation beside the chunks, so a question
costs one embedding whatever number of banks it is compared with.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.embedding import Embedder
from index.errors import IndexCorrupt

__all__ = ["Bank", "BankEntry", "banks_fingerprint"]


@dataclass(frozen=True)
class BankEntry:
    """One sentence of a bank.

    Attributes:
        text: The sentence, as a person would write it.
        label: What it stands for: a service id, an emergency kind, a topic.
        against: A service this sentence is *not* for (``not_for:`` in the guide), or "".
    """

    text: str
    label: str = ""
    against: str = ""


def entries_fingerprint(entries: Sequence[BankEntry]) -> str:
    """A hash of a bank's entries; a change means its vectors must be recomputed."""
    blob = json.dumps([[e.text, e.label, e.against] for e in entries], ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def banks_fingerprint(banks: Mapping[str, Sequence[BankEntry]]) -> dict[str, str]:
    """Name -> fingerprint, as recorded in the index manifest."""
    return {name: entries_fingerprint(entries) for name, entries in sorted(banks.items())}


class Bank:
    """A named bank with one L2-normalised vector per entry."""

    def __init__(self, name: str, entries: Sequence[BankEntry], vectors: np.ndarray) -> None:
        if len(entries) != len(vectors):
            raise IndexCorrupt(f"bank {name}: {len(entries)} entries but {len(vectors)} vectors")
        self.name = name
        self.entries = tuple(entries)
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.labels = np.array([e.label for e in self.entries], dtype=object)

    @classmethod
    def build(cls, name: str, entries: Sequence[BankEntry], embedder: Embedder, *, batch: int = 32,
              memo: dict[str, np.ndarray] | None = None) -> Bank:
        """Embed every entry as a query (banks hold what people write, not passages).

        ``memo`` (text -> vector) is shared between the banks of one build, so a sentence that stands in two
        banks (a labelled question trains both classifiers) is embedded once.
        """
        memo = {} if memo is None else memo
        todo = list(dict.fromkeys(e.text for e in entries if e.text not in memo))
        for i in range(0, len(todo), batch):
            for text, vector in zip(todo[i : i + batch], embedder.encode_queries(todo[i : i + batch]), strict=True):
                memo[text] = vector
        vectors = (np.vstack([memo[e.text] for e in entries]) if entries
                   else np.zeros((0, embedder.dim), np.float32))
        return cls(name, entries, vectors)

    def __len__(self) -> int:
        return len(self.entries)

    def subset(self, keep: Sequence[bool]) -> Bank:
        """The bank restricted to the entries where ``keep`` is true (for held-out evaluation)."""
        mask = np.asarray(keep, dtype=bool)
        return Bank(self.name, [e for e, k in zip(self.entries, mask, strict=True) if k], self.vectors[mask])

    def cosines(self, query_vector: np.ndarray) -> np.ndarray:
        """Cosine of the query with every entry."""
        if not len(self):
            return np.zeros(0, dtype=np.float32)
        return self.vectors @ np.asarray(query_vector, dtype=np.float32)

    @staticmethod
    def top_mean(cosines: np.ndarray, k: int) -> float:
        """Mean of the ``k`` largest cosines (a smoothed nearest-neighbour similarity); 0 for an empty bank."""
        if not len(cosines):
            return 0.0
        k = min(k, len(cosines))
        return float(np.mean(np.partition(cosines, -k)[-k:]))

    # -- persistence: entries as JSON lines, vectors as .npy without pickle --------------------------------

    def save(self, folder: Path) -> list[Path]:
        """Write ``<name>.jsonl`` and ``<name>.npy`` into ``folder``; returns the paths."""
        folder.mkdir(parents=True, exist_ok=True)
        text_path, vec_path = folder / f"{self.name}.jsonl", folder / f"{self.name}.npy"
        text_path.write_text("".join(json.dumps({"text": e.text, "label": e.label, "against": e.against},
                                                ensure_ascii=False) + "\n" for e in self.entries), encoding="utf-8")
        np.save(vec_path, self.vectors, allow_pickle=False)
        return [text_path, vec_path]

    @classmethod
    def load(cls, folder: Path, name: str) -> Bank:
        """Read a bank written by :meth:`save`.

        Raises:
            IndexCorrupt: Missing or unreadable files.
        """
        try:
            lines = (folder / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
            entries = [BankEntry(**json.loads(line)) for line in lines if line.strip()]
            vectors = np.load(folder / f"{name}.npy", allow_pickle=False)
        except (OSError, ValueError, TypeError) as exc:
            raise IndexCorrupt(f"bank {name} unreadable: {exc}") from exc
        return cls(name, entries, vectors)
