"""How alike two short texts are in meaning, for matching a guide's chapters to catalogue services.

:class:`NgramScorer` compares character n-grams (3-5 letters inside words) weighted by TF-IDF, the weights
learnt from the texts being compared (the edition's chapters and the catalogue's service descriptions), so the
guide's own words decide what is rare. N-grams tolerate inflection, compounds and nynorsk spellings
("sjukepleie" ~ "sykepleie", "omsorgsarbeid" ~ "omsorg") without a word list or a model.

Any other scorer (an embedding model, injected by a caller above ``corpus/``) fits :class:`ChapterScorer`.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

_WORD = re.compile(r"\w+")


@runtime_checkable
class ChapterScorer(Protocol):
    """Scores every chapter text against every service text; higher is more alike."""

    #: Shown in ``corpus check`` beside each score ("n-gram TF-IDF cosine").
    name: str

    def score(self, chapters: Sequence[str], services: Sequence[str]) -> np.ndarray:
        """Shape (len(chapters), len(services)); comparable within a row."""
        ...


def _grams(text: str, lo: int, hi: int) -> Counter[str]:
    out: Counter[str] = Counter()
    for word in _WORD.findall(unicodedata.normalize("NFC", text).casefold()):
        padded = f" {word} "
        for n in range(lo, hi + 1):
            out.update(padded[i:i + n] for i in range(max(1, len(padded) - n + 1)))
    return out


@dataclass(frozen=True)
class NgramScorer:
    """Cosine of character n-gram TF-IDF vectors (sublinear term frequency, smoothed IDF).

    Attributes:
        shortest, longest: N-gram lengths, word boundaries included as a space.
    """

    shortest: int = 3
    longest: int = 5
    name: str = "n-gram TF-IDF cosine"

    def score(self, chapters: Sequence[str], services: Sequence[str]) -> np.ndarray:
        """Cosine similarity in [0, 1]; an empty text scores 0 against everything."""
        grams = [_grams(t, self.shortest, self.longest) for t in (*chapters, *services)]
        df: Counter[str] = Counter()
        for g in grams:
            df.update(g.keys())
        vocab = {gram: i for i, gram in enumerate(df)}
        idf = np.array([math.log((1 + len(grams)) / (1 + df[g])) + 1 for g in vocab])
        rows = np.zeros((len(grams), len(vocab)))
        for r, g in enumerate(grams):
            for gram, count in g.items():
                rows[r, vocab[gram]] = 1 + math.log(count)
        rows *= idf
        norms = np.linalg.norm(rows, axis=1, keepdims=True)
        rows = np.divide(rows, norms, out=np.zeros_like(rows), where=norms > 0)
        return rows[:len(chapters)] @ rows[len(chapters):].T
