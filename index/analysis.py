"""The Norwegian text analyser: one object, built once, that every lexical reading of a text goes through.

Citizens write "kæm kan få heimesjukepleie" as often as "hvem kan få hjemmesykepleie". :class:`Analyzer` maps
the first onto the second (lower-case and NFC, phrases, the nynorsk/dialect lexicon and compound prefixes of
``index/language/``), then drops stopwords and stems (Snowball, Norwegian), so both hit the same terms.

One instance (:func:`default_analyzer`) serves the BM25 index of the guide, the need and emergency indexes of
the meaning banks, the writer's sentence choice, the understanding step and the hashing embedder. A question
is analysed once per ask, and its :class:`Analysis` is carried through the steps. The analyser's
:attr:`~Analyzer.fingerprint` (a hash of its data files, its stopwords, the stemmer's version and
:data:`ANALYZER_VERSION`) is stored in the index manifest; a generation built by another analyser is stale.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from corpus.text import nfc
from index.language import DATA_DIR, LanguageRules, read_rules, rules

__all__ = ["ANALYZER_VERSION", "Analysis", "Analyzer", "analyzer_for", "default_analyzer"]

#: Bumped whenever the analysis itself changes (not its data, which the fingerprint hashes), so an index
#: built by the old code is rebuilt rather than searched with other terms.
ANALYZER_VERSION = 1
_TOKEN = re.compile(r"[0-9a-zæøåäöéèüA-ZÆØÅÄÖÉÈÜ]+")


@dataclass(frozen=True)
class Analysis:
    """One text as the analyser reads it.

    Attributes:
        text: The text analysed.
        normalised: Lower-case, NFC, nynorsk/dialect forms rewritten to bokmål, punctuation dropped.
        tokens: The words of ``normalised``.
        terms: The lexical terms: tokens without stopwords and one-letter words, stemmed.
        analyzer: The fingerprint of the analyser that read it (an index refuses another analyser's terms).
    """

    text: str
    normalised: str
    tokens: tuple[str, ...]
    terms: tuple[str, ...]
    analyzer: str

    @property
    def rewritten(self) -> bool:
        """Whether normalising mapped a word of ``text`` to another (a dialect, nynorsk or inflected form)."""
        return list(self.tokens) != _TOKEN.findall(nfc(self.text).lower())


@dataclass(frozen=True)
class Analyzer:
    """Normalise, rewrite phrases, map the lexicon, drop stopwords and stem, from one set of language data.

    Attributes:
        rules: The lexicon, compound prefixes and phrases.
        stopwords: Words that are never terms (bm25s' Norwegian list, and the language folder's stopwords.txt).
        language: The Snowball stemmer's language.
        fingerprint: A hash of everything that decides the terms, for the index manifest.
    """

    rules: LanguageRules
    stopwords: frozenset[str]
    language: str = "norwegian"
    fingerprint: str = field(init=False, default="")
    _phrases: tuple[tuple[str, re.Pattern[str], str], ...] = field(init=False, default=(), repr=False, compare=False)
    _local: threading.local = field(init=False, default_factory=threading.local, repr=False, compare=False)

    def __post_init__(self) -> None:
        phrases = tuple((old, re.compile(rf"\b{old}\b"), new) for old, new in self.rules.phrases)
        object.__setattr__(self, "_phrases", phrases)
        blob = json.dumps([ANALYZER_VERSION, *self.rules.sources, sorted(self.stopwords), self.language,
                           _stemmer_version()], ensure_ascii=False)
        object.__setattr__(self, "fingerprint", hashlib.sha256(blob.encode()).hexdigest()[:12])

    @classmethod
    def from_folder(cls, folder: Path = DATA_DIR) -> Analyzer:
        """The analyser of the language data in ``folder`` (``index/language/`` by default)."""
        from bm25s.stopwords import STOPWORDS_NORWEGIAN

        data = rules() if folder == DATA_DIR else read_rules(folder)
        return cls(data, frozenset(STOPWORDS_NORWEGIAN) | data.stopwords)

    # -- reading a text ---------------------------------------------------------------------------------

    def _stemmer(self):  # noqa: ANN202 - PyStemmer's type
        # a PyStemmer instance must not be used by two threads at once: one per thread
        stemmer = getattr(self._local, "stemmer", None)
        if stemmer is None:
            try:
                import Stemmer
            except ImportError as exc:  # pragma: no cover - depends on the environment
                raise ImportError("PyStemmer is not installed: pip install PyStemmer") from exc
            stemmer = self._local.stemmer = Stemmer.Stemmer(self.language)
        return stemmer

    def _map_word(self, word: str) -> str:
        if word in self.rules.lexicon:
            return self.rules.lexicon[word]
        for old, new in self.rules.prefixes:
            if word.startswith(old):
                return new + word[len(old):]
        return word

    def _rewrite_phrases(self, value: str) -> str:
        for old, pattern, new in self._phrases:
            if old in value:
                value = pattern.sub(new, value)
        return value

    def normalise(self, text: str) -> str:
        """Lower-case, NFC, nynorsk/dialect forms rewritten to bokmål; punctuation dropped.

        >>> default_analyzer().normalise("Kæm kan få heimesjukepleie?")
        'hvem kan få hjemmesykepleie'
        """
        # phrases run before word mapping ("day care") and after it ("itj råd" -> "ikke råd")
        words = _TOKEN.findall(self._rewrite_phrases(" ".join(_TOKEN.findall(nfc(text).lower()))))
        return self._rewrite_phrases(" ".join(self._map_word(w) for w in words))

    def analyse(self, text: str) -> Analysis:
        """The text normalised, split and reduced to its lexical terms, in one pass."""
        normalised = self.normalise(text)
        tokens = tuple(normalised.split())
        words = [w for w in tokens if w not in self.stopwords and len(w) > 1]
        return Analysis(text, normalised, tokens, tuple(self._stemmer().stemWords(words)), self.fingerprint)

    def terms(self, text: str) -> tuple[str, ...]:
        """Only the lexical terms of ``text`` (for corpus texts read once, at build or load time)."""
        return self.analyse(text).terms


def _stemmer_version() -> str:
    import Stemmer

    return str(Stemmer.version() if callable(Stemmer.version) else Stemmer.version)


@lru_cache(maxsize=8)
def _analyzer_of(folder: Path) -> Analyzer:
    return Analyzer.from_folder(folder)


def analyzer_for(folder: Path | None = None) -> Analyzer:
    """The analyser of the language data in ``folder`` (None: ``index/language/``), built once per process and
    folder, and shared by every reader."""
    return _analyzer_of(Path(folder).resolve() if folder is not None else DATA_DIR)


def default_analyzer() -> Analyzer:
    """The analyser of ``index/language/`` (see :func:`analyzer_for`)."""
    return _analyzer_of(DATA_DIR)
