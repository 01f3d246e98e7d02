"""What a question in another language asks: the aspect cues of the languages people write in besides Norwegian.

The Norwegian cues (``patterns.yaml``) run on normalised text, which keeps only Latin letters and maps Norwegian
forms: "Як змінити fastlege?" normalises to "fastlege", and Polish "może" to "mo er". The aspect classifier learnt
from Norwegian questions. A question in Polish, Ukrainian, Arabic, Somali or Tigrinya therefore lost what it asked
(on the dev panels, 40 of 85 asked aspects found; 53 with these cues): "Czy może dostać
trygghetsalarm i ile to kosztuje?" was answered with what the alarm is.

``assistant/language/foreign_cues.yaml`` holds, per language, the cues of each aspect and the conjunctions that join
two questions. They run on each clause lower-cased as typed, in its own script. An appeal is asked as the
Norwegian cues ask it: under ``deadline`` (the complaint route and its deadline are one answer).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from assistant.rules import DATA_DIR, rules

__all__ = ["FOREIGN_CUES", "ForeignCues", "foreign_aspects", "foreign_cues"]

FOREIGN_CUES = DATA_DIR / "foreign_cues.yaml"
#: Aspects a language's cues may name under another key than the Norwegian cues use.
SAME_AS = {"appeal": "deadline"}
_PUNCTUATION = r"[?!;,.:؟،؛።፧፣፤]+"
_SENTENCE = re.compile(r"(?<=[.!?;:؟።፧])\s*|\n+")
_ASKS = re.compile(r"[?؟፧]")


@dataclass(frozen=True)
class ForeignCues:
    """One language's cues: (aspect, pattern) in the Norwegian cues' order, and where its clauses part."""

    aspects: tuple[tuple[str, re.Pattern[str]], ...]
    clauses: re.Pattern[str]


@lru_cache(maxsize=1)
def foreign_cues() -> dict[str, ForeignCues]:
    """Every language's cues, read once."""
    import yaml  # lazy: only needed when the cues are first used

    data = yaml.safe_load(FOREIGN_CUES.read_text(encoding="utf-8")) or {}
    order = [key for key, _ in rules().aspects]
    # each aspect's cues, then those of the keys read as it ("appeal" after "deadline")
    keys = [k for a in order for k in (a, *(o for o, same in SAME_AS.items() if same == a))]
    out = {}
    for language, table in data.items():
        by_aspect: dict[str, list[str]] = {}
        for key, cues in table.items():
            if key == "conjunctions":
                continue
            if SAME_AS.get(key, key) not in order:
                raise ValueError(f"{FOREIGN_CUES.name}: {language}: unknown aspect {key!r}")
            by_aspect.setdefault(key, []).extend(map(str, cues))
        conjunctions = "|".join(re.escape(str(w)) for w in table.get("conjunctions") or ())
        clauses = _PUNCTUATION + (rf"|\s+(?:{conjunctions})\s+" if conjunctions else "")
        out[str(language)] = ForeignCues(
            tuple((a, re.compile(r"\b(?:" + "|".join(f"(?:{c})" for c in by_aspect[a]) + r")\b", re.IGNORECASE))
                  for a in keys if by_aspect.get(a)),
            re.compile(clauses, re.IGNORECASE))
    return out


def foreign_aspects(question: str, language: str, *, topic: str = "") -> tuple[str, ...]:
    """Every aspect a question in ``language`` asks, in order, one per clause of its sentences that ask (the first
    of the Norwegian cues' order whose cue the clause holds); empty for a language without cues.

    A topic no section holds (how long, a deadline, what comes after) counts only where ``topic``, the topic
    classifier's sure reading of the question, is that topic too: "متى" and "когда" ask when something happens as
    often as how long it takes, and a topic misread puts "the guide does not say how long" in the answer; the
    clause's next cue counts instead."""
    cues = foreign_cues().get(language)
    if cues is None:
        return ()
    text = unicodedata.normalize("NFC", question).lower()
    # what the story tells ("I have no money", "I have waited three weeks") is not what it asks: the sentences
    # that ask are read, when some sentence does
    sentences = [s for s in _SENTENCE.split(text) if s.strip()]
    asking = [s for s in sentences if _ASKS.search(s)] or sentences
    found: list[str] = []
    for clause in (c for sentence in asking for c in cues.clauses.split(sentence)):
        # the first cue the clause holds, past a topic the topic classifier does not read
        key = next((key for key, rx in cues.aspects
                    if not (key in rules().topics and key != topic) and rx.search(clause)), "")
        aspect = SAME_AS.get(key, key)
        if aspect and aspect not in found:
            found.append(aspect)
    return tuple(found)
