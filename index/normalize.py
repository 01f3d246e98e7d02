"""Norwegian text normalisation for search: nynorsk and trøndersk forms mapped to bokmål, then stemmed.

Citizens write "kæm kan få heimesjukepleie" as often as "hvem kan få hjemmesykepleie"; the lexicon
(``index/language/lexicon.tsv``) maps the first onto the second before stemming, so both hit the same index terms.
"""

from __future__ import annotations

import re
from functools import lru_cache

from corpus.text import nfc
from index.language import rules

_TOKEN = re.compile(r"[0-9a-zæøåäöéèüA-ZÆØÅÄÖÉÈÜ]+")


def _map_word(word: str) -> str:
    r = rules()
    if word in r.lexicon:
        return r.lexicon[word]
    for old, new in r.prefixes:
        if word.startswith(old):
            return new + word[len(old):]
    return word


def normalise_text(text: str) -> str:
    """Lower-case, NFC, nynorsk/dialect forms rewritten to bokmål; punctuation dropped.

    >>> normalise_text("Kæm kan få heimesjukepleie?")
    'hvem kan få hjemmesykepleie'
    """
    def phrases(value: str) -> str:
        for old, new in rules().phrases:
            if old in value:
                value = re.sub(rf"\b{old}\b", new, value)
        return value

    # phrases run before word mapping ("day care") and after it ("itj råd" -> "ikke råd")
    words = _TOKEN.findall(phrases(" ".join(_TOKEN.findall(nfc(text).lower()))))
    return phrases(" ".join(_map_word(w) for w in words))


def normalise_tokens(text: str) -> list[str]:
    """The words of :func:`normalise_text`, split."""
    return normalise_text(text).split()


@lru_cache(maxsize=1)
def _stemmer():
    try:
        import Stemmer
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("PyStemmer is not installed: pip install PyStemmer") from exc
    return Stemmer.Stemmer("norwegian")


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_NORWEGIAN

    return frozenset(STOPWORDS_NORWEGIAN)


def analyzer_fingerprint() -> str:
    """A hash of everything that decides lexical terms; a change means the BM25 index must be rebuilt."""
    import hashlib
    import json

    import Stemmer

    stemmer_version = Stemmer.version() if callable(Stemmer.version) else Stemmer.version
    blob = json.dumps([*rules().sources, sorted(_stopwords()), str(stemmer_version)],
                      ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:12]


def lexical_terms(text: str) -> list[str]:
    """Terms for the BM25 index: normalised words, stopwords removed, Snowball-stemmed (Norwegian)."""
    stop = _stopwords()
    words = [w for w in normalise_tokens(text) if w not in stop and len(w) > 1]
    return _stemmer().stemWords(words)
