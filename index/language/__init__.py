"""The lexical analyser's language data: the nynorsk/dialect lexicon, compound prefixes, phrases and the function
words that are never terms beside bm25s' Norwegian stopwords.

Read once from the files beside this module; they decide the lexical index's terms, so they are part of the
analyser fingerprint. The understanding layer's rules (aspect cues, safety patterns, language markers) live one
layer up, in ``assistant/rules.py`` and ``assistant/language/``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent

__all__ = ["DATA_DIR", "LanguageRules", "read_rules", "rules"]
FILES = ("lexicon.tsv", "prefixes.tsv", "phrases.tsv")


@dataclass(frozen=True)
class LanguageRules:
    """The loaded analyser data.

    Attributes:
        lexicon: Whole-word form -> bokmål.
        prefixes: Compound first parts -> bokmål, longest first.
        phrases: Multi-word expressions -> rewritten form.
        sources: The data files' texts, for fingerprints.
        stopwords: Function words that are never terms, beyond bm25s' list (``stopwords.txt``, optional).
    """

    lexicon: dict[str, str]
    prefixes: tuple[tuple[str, str], ...]
    phrases: tuple[tuple[str, str], ...]
    sources: tuple[str, ...]
    stopwords: frozenset[str] = frozenset()


def _read_pairs(text: str, name: str) -> list[tuple[str, str]]:
    pairs = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
            raise ValueError(f"{name}:{number}: expected two tab-separated fields")
        pairs.append((parts[0].strip(), parts[1].strip()))
    return pairs


def read_rules(folder: Path) -> LanguageRules:
    """The analyser data in ``folder`` (``lexicon.tsv``, ``prefixes.tsv``, ``phrases.tsv``, and
    ``stopwords.txt`` when there is one)."""
    texts = {name: (folder / name).read_text(encoding="utf-8") for name in FILES}
    extra = folder / "stopwords.txt"
    stop = extra.read_text(encoding="utf-8") if extra.exists() else ""
    return LanguageRules(
        lexicon=dict(_read_pairs(texts["lexicon.tsv"], "lexicon.tsv")),
        prefixes=tuple(sorted(_read_pairs(texts["prefixes.tsv"], "prefixes.tsv"), key=lambda p: len(p[0]),
                              reverse=True)),
        phrases=tuple(_read_pairs(texts["phrases.tsv"], "phrases.tsv")),
        sources=(*(texts[name] for name in FILES), stop),
        stopwords=frozenset(w.strip().lower() for w in stop.splitlines() if w.strip() and not w.startswith("#")),
    )


@lru_cache(maxsize=1)
def rules() -> LanguageRules:
    """The data beside this module, read once (cached for the process)."""
    return read_rules(DATA_DIR)
