"""The language rules, as data: lexicon, compound prefixes, phrases, aspect cues, safety and injection patterns.

Everything here is read once from the files beside this module; code elsewhere asks for :func:`rules` and never
spells out a word list of its own. ``lexicon.tsv``, ``prefixes.tsv`` and ``phrases.tsv`` decide the lexical
index's terms (so they are part of the analyzer fingerprint); ``patterns.yaml`` and ``languages.yaml`` are read
by the understanding layer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent

__all__ = ["DATA_DIR", "LanguageRules", "Topic", "rules"]


@dataclass(frozen=True)
class Topic:
    """An aspect no section heading holds (how long it takes): the sentences that state it, wherever they stand.

    Attributes:
        sentences: Finds such a sentence (run on the sentence as written, lower-cased).
        prefer: Of those, the ones that say it outright (a length of time) come first.
        fallback: The service whose description answers it when a service states nothing of it ("" for none).
    """

    sentences: re.Pattern[str]
    prefer: re.Pattern[str] | None = None
    fallback: str = ""


@dataclass(frozen=True)
class LanguageRules:
    """The loaded rules.

    Attributes:
        lexicon: Whole-word form -> bokmål.
        prefixes: Compound first parts -> bokmål, longest first.
        phrases: Multi-word expressions -> rewritten form.
        aspects: Aspect key -> one compiled cue pattern, in priority order.
        topics: The aspects answered by sentences wherever they stand, not by a section (see :class:`Topic`).
        emergency: Emergency kind -> one compiled pattern.
        injection: One compiled pattern for re-programming attempts.
        follow_up: One compiled pattern for messages that lean on the conversation.
        switch: One compiled pattern for messages that change the subject in so many words.
        question_opener: A sentence that opens with a question word or a verb (a Norwegian sentence that opens
            with its verb asks something: "Må legen henvise meg?").
        part_split: Where one message holds several questions: after a question mark, or at a conjunction
            followed by a question word.
        markers: Language code -> its frequent function words (for recognising the asker's language).
        identify: The languages the language identifier chooses among.
        norwegian: Of those, the ones that count as Norwegian.
        identify_min_words: Shorter messages are recognised by the marker words alone.
        sources: The data files' texts, for fingerprints.
    """

    lexicon: dict[str, str]
    prefixes: tuple[tuple[str, str], ...]
    phrases: tuple[tuple[str, str], ...]
    aspects: tuple[tuple[str, re.Pattern[str]], ...]
    topics: dict[str, Topic]
    emergency: dict[str, re.Pattern[str]]
    injection: re.Pattern[str]
    follow_up: re.Pattern[str]
    switch: re.Pattern[str]
    part_split: re.Pattern[str]
    question_opener: re.Pattern[str]
    markers: dict[str, frozenset[str]]
    identify: tuple[str, ...]
    norwegian: frozenset[str]
    identify_min_words: int
    sources: tuple[str, ...]


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


def _alternatives(patterns: list[str]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(f"(?:{p})" for p in patterns) + r")\b")


def _words(patterns: dict, key: str) -> str:
    return "(?:" + "|".join(map(re.escape, map(str, patterns.get(key) or ["(?!)"]))) + ")"


def _question_opener(patterns: dict) -> re.Pattern[str]:
    """Inside a sentence: a question word, or a verb followed by its subject (a yes/no question's word order:
    "og har hun rett", "og blir utgiftene dekket"; not "faller og må ha hjelp")."""
    return re.compile(rf"(?:{_words(patterns, 'question_words')}\b|{_words(patterns, 'question_verbs')}\s+"
                      rf"(?:{_words(patterns, 'question_subjects')}|\w{{3,}}(?:en|et|ene|a))\b)", re.IGNORECASE)


@lru_cache(maxsize=1)
def rules() -> LanguageRules:
    """Read every rule file once (cached for the process)."""
    import yaml  # lazy: only needed when the rules are first used

    texts = {name: (DATA_DIR / name).read_text(encoding="utf-8")
             for name in ("lexicon.tsv", "prefixes.tsv", "phrases.tsv", "patterns.yaml", "languages.yaml")}
    lexicon = dict(_read_pairs(texts["lexicon.tsv"], "lexicon.tsv"))
    prefixes = tuple(sorted(_read_pairs(texts["prefixes.tsv"], "prefixes.tsv"), key=lambda p: len(p[0]), reverse=True))
    phrases = tuple(_read_pairs(texts["phrases.tsv"], "phrases.tsv"))
    patterns = yaml.safe_load(texts["patterns.yaml"])
    languages = yaml.safe_load(texts["languages.yaml"])
    return LanguageRules(
        lexicon=lexicon,
        prefixes=prefixes,
        phrases=phrases,
        aspects=tuple((key, _alternatives(list(map(str, cues)))) for key, cues in patterns["aspects"].items()),
        topics={key: Topic(_alternatives(list(map(str, t["sentences"]))),
                           _alternatives(list(map(str, t["prefer"]))) if t.get("prefer") else None,
                           str(t.get("fallback") or ""))
                for key, t in (patterns.get("topics") or {}).items()},
        emergency={kind: _alternatives(list(map(str, cues))) for kind, cues in patterns["emergency"].items()},
        injection=re.compile("|".join(f"(?:{p})" for p in patterns["injection"])),
        follow_up=re.compile("|".join(f"(?:{p})" for p in patterns["follow_up"])),
        switch=re.compile("|".join(f"(?:{p})" for p in patterns.get("switch", ["(?!)"]))),
        question_opener=re.compile(rf"(?:{_words(patterns, 'question_words')}|{_words(patterns, 'question_verbs')})\b",
                                   re.IGNORECASE),
        part_split=re.compile(r"(?<=\?)\s+|,?\s+(?:og|eller|and|or)\s+(?=" + _question_opener(patterns).pattern + ")",
                              re.IGNORECASE),
        markers={code: frozenset(str(w) for w in words) for code, words in languages["markers"].items()},
        identify=tuple(str(c) for c in languages.get("identify", ())),
        norwegian=frozenset(str(c) for c in languages.get("norwegian", ())),
        identify_min_words=int(languages.get("identify_min_words", 3)),
        sources=tuple(texts[name] for name in ("lexicon.tsv", "prefixes.tsv", "phrases.tsv")),
    )
