"""Reading a message's text, before any model: its words, clauses, sentences and parts, the aspects its cue words
ask and the language it is written in. Pure functions over the language rules (:mod:`assistant.rules`)."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from assistant.privacy import clean_text
from assistant.rules import rules
from corpus.schema import aspect_keys
from index.analysis import Analysis, Analyzer, default_analyzer

__all__ = ["ASPECT_KEYS", "asking_spans", "asking_text", "asks_question", "clauses", "clean_question",
           "detect_aspects", "detect_language", "message_sentences", "pattern_tail", "preload_language", "split_parts",
           "word_count"]

# Clause boundaries of a question that asks several things ("Hva koster det, og vasker de vinduer?").
_CLAUSES = re.compile(r"[?!;,.:]+|\s+(?:og|men|eller|samt|and|or)\s+", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
log = logging.getLogger(__name__)


def clean_question(text: object, *, limit: int) -> tuple[str, bool]:
    """Make any input a safe, bounded question string (:func:`assistant.privacy.clean_text`, the cleaning
    every stored text gets too).

    Returns:
        The cleaned text (NFC, control and zero-width characters and soft hyphens removed, white space
        collapsed, at most ``limit`` characters) and whether it was truncated.
    """
    return clean_text(text, limit=limit)


def detect_aspects(question: str, *, analyzer: Analyzer | None = None,
                   analysis: Analysis | None = None) -> tuple[str, ...]:
    """Every aspect asked, in the order asked: one per clause, the most specific cue of the clause winning.

    ``analysis`` (of ``question``) is reused for a clause that is the whole question without its end
    punctuation: the same words, so the same normalised text.
    """
    found: list[str] = []
    analyzer = analyzer or default_analyzer()
    whole = analysis.text.strip("?!;,.: \t\n") if analysis is not None and analysis.text == question else None
    for clause in clauses(question):
        if not clause.strip():
            continue  # no words: nothing to normalise
        text = analysis.normalised if whole is not None and clause.strip() == whole else analyzer.normalise(clause)
        if not text:
            continue
        aspect = next((key for key, rx in rules().aspects if rx.search(text)), "")
        if aspect and aspect not in found:
            found.append(aspect)
    return tuple(found)


@lru_cache(maxsize=1)
def _identifier():  # noqa: ANN202 - py3langid's type
    """py3langid's identifier restricted to the languages in ``languages.yaml`` (loaded once; None if missing)."""
    try:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier
    except ImportError:  # pragma: no cover - depends on the environment
        log.warning("py3langid is not installed (pip install py3langid); recognising languages by marker words")
        return None
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(rules().identify))
    return identifier


def preload_language() -> None:
    """Load the language identifier now (once per process), not on the first question."""
    _identifier()


def detect_language(question: str) -> str:
    """"nb" for Norwegian (bokmål, nynorsk, dialect), else a language code ("en", "uk", "ar", ...).

    Non-Latin scripts decide by script; a Latin-script message of a few words by the language identifier, a
    shorter one by which language's function words it uses most. Ties and unknown words count as Norwegian: a
    Norwegian question must never get a note in another language.
    """
    letters = [ch for ch in question if ch.isalpha()]
    if not letters:
        return "nb"
    names = [unicodedata.name(ch, "") for ch in letters]
    share = lambda word: sum(word in n for n in names) / len(names)  # noqa: E731
    if share("CYRILLIC") > 0.5:
        return "uk" if any(ch in "іїєґІЇЄҐ" for ch in letters) else "ru"
    for script, code in (("ARABIC", "ar"), ("ETHIOPIC", "ti"), ("CJK", "zh"), ("THAI", "th"), ("HANGUL", "ko")):
        if share(script) > 0.5:
            return code
    words = [w.lower() for w in _WORD.findall(question)]
    r = rules()
    identifier = _identifier() if len(words) >= r.identify_min_words else None
    counts = {code: sum(w in vocab for w in words) for code, vocab in r.markers.items()}
    if identifier is not None:
        code, _ = identifier.classify(question)
        # the identifier reads a few Norwegian words as Swedish now and then ("hva koster trygghetsalarm i
        # måneden"): words only Norwegian writes overrule it, unless the message has more of its language's own
        norwegian_only = sum(w in r.norwegian_only for w in words)
        if code in r.norwegian or norwegian_only > counts.get(code, 0):
            return "nb"
        if len(words) <= r.identify_sure_words and code in counts and not counts[code]:
            return "nb"  # too few words for the identifier alone, and none of the language's own
        own = r.own_evidence.get(code)
        if own is not None and not (own & set(words) or own & set(question.lower())):
            return "nb"  # a neighbour language without a word or letter of its own is dialect
        return code
    best = max(counts, key=lambda code: (counts[code], code == "nb"))
    return best if counts[best] > counts.get("nb", 0) else "nb"


#: The aspects of a service description (the aspect classifier also knows the conversational intents).
ASPECT_KEYS = aspect_keys()
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+|\n+")


def clauses(text: str) -> list[str]:
    """The clauses of a text, in order: split at punctuation and at the conjunctions between clauses (dropped)."""
    return _CLAUSES.split(text)


def word_count(text: str) -> int:
    """How many words a text has, in any script."""
    return len(_WORD.findall(text))


def asks_question(text: str) -> bool:
    """Whether a message asks something (a question mark, or a sentence opening with a question word)."""
    if "?" in text or "؟" in text:
        return True
    return any(rules().question_opener.match(s.strip().lower()) for s in _SENTENCE_END.split(text) if s.strip())


def asking_text(text: str) -> str:
    """The sentences of a message that ask something, in order ("" when none does): the question without the
    story around it."""
    return " ".join(text[a:b].strip() for a, b in asking_spans(text))


def asking_spans(text: str) -> list[tuple[int, int]]:
    """Where the sentences of a message that ask something stand in it: (start, end) offsets, in order."""
    cuts = list(_SENTENCE_END.finditer(text))
    starts, ends = [0, *(m.end() for m in cuts)], [*(m.start() for m in cuts), len(text)]
    return [(a, b) for a, b in zip(starts, ends, strict=True) if text[a:b].strip() and asks_question(text[a:b])]


def pattern_tail(sentences: Sequence[str], *, analyzer: Analyzer | None = None) -> str:
    """The message from the first sentence an emergency pattern matches to its end, when that is not the whole
    message ("" otherwise): the part the banks read to confirm or veto the pattern."""
    readings = map((analyzer or default_analyzer()).normalise, sentences)  # each sentence read once, lazily
    first = next((i for i, text in enumerate(readings)
                  if any(rx.search(text) for rx in rules().emergency.values())), 0)
    return " ".join(sentences[first:]) if first else ""


def split_parts(question: str, *, limit: int = 3) -> list[str]:
    """The questions of a message that asks several, in order (at most ``limit``; one part: no split).

    Only the sentences that ask something are split (a story around the questions is context, not a part), at a
    question mark or at a conjunction followed by a question word.
    """
    sentences = [s.strip() for s in _SENTENCE_END.split(question) if s.strip()]
    asking = [s for s in sentences if asks_question(s)]
    parts = [p.strip(" ,.;") for s in (asking or [question]) for p in rules().part_split.split(s)]
    parts = [p for p in parts if len(p.split()) >= 2]
    return parts[:limit] if len(parts) >= 2 else []


def message_sentences(text: str, *, limit: int) -> list[str]:
    """The sentences of a message (at most ``limit``, the most emergency-like kept by the caller's order)."""
    return [s.strip() for s in _SENTENCE_END.split(text) if len(s.strip()) > 2][:limit]
