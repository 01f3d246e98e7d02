"""The age a message states for the person it is about, and what a service's age limit makes of it.

The guide gives some services an age limit in so many words ("Barn og unge under 18 år kan få hjelp gjennom
helsestasjonen og skolehelsetjenesten", under the adults' mental health service): the front matter's ``age:`` holds
it (:class:`corpus.model.AgeLimit`). A message that states an age under such a limit ("æ e 14", "sønnen vår på 16",
"går i niende", "im 16") is answered by the service the guide names for the younger ones, where retrieval and the
classifiers read the topic (drinking, low mood) and not the age. How ages are written is data
(``assistant/language/ages.yaml``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from assistant.rules import DATA_DIR
from corpus.model import AgeLimit

__all__ = ["Age", "for_age", "stated_age"]


@dataclass(frozen=True)
class Age:
    """The ages a message states, as one range: the youngest and the oldest (a school year is a range itself)."""

    low: int
    high: int


@dataclass(frozen=True)
class _Words:
    before: frozenset[str]
    not_after: tuple[tuple[str, ...], ...]
    not_clock: frozenset[str]
    years: tuple[tuple[str, ...], ...]
    not_before_years: frozenset[str]
    grade_after: frozenset[str]
    grade_words: Mapping[str, int]
    bracketed: re.Pattern[str]
    schools: tuple[tuple[frozenset[str], int, int], ...]


def _phrases(items: list[str]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(str(item).split()) for item in items)


@lru_cache(maxsize=1)
def _words() -> _Words:
    import yaml  # lazy: read once, on the first question

    d = yaml.safe_load((DATA_DIR / "ages.yaml").read_text(encoding="utf-8"))
    return _Words(frozenset(d["before"]), _phrases(d["not_after"]), frozenset(d["not_clock"]), _phrases(d["years"]),
                  frozenset(d["not_before_years"]), frozenset(d["grade_after"]),
                  {str(k): int(v) for k, v in d["grade_words"].items()}, re.compile(d["bracketed"]),
                  tuple((frozenset(s["words"]), int(s["ages"][0]), int(s["ages"][1])) for s in d["schools"]))


def _starts(tokens: list[str], at: int, phrases: tuple[tuple[str, ...], ...]) -> tuple[str, ...] | None:
    return next((ph for ph in phrases if tuple(tokens[at:at + len(ph)]) == ph), None)


_AFTER_YEARS = (("siden",), ("sia",), ("eldre", "enn"), ("yngre", "enn"))


def stated_age(normalised: str, written: str = "") -> Age | None:
    """The ages a message states, as one range, or None: read on ``normalised``
    (:meth:`index.analysis.Analyzer.normalise` output) and, for what normalising drops (brackets), on ``written``."""
    w, tokens = _words(), normalised.split()
    ranges = [(int(n), int(n)) for n in w.bracketed.findall(written)]
    for i, token in enumerate(tokens):
        before = tokens[i - 1] if i else ""
        if token.isdigit() and len(token) <= 2:
            n = int(token)
            years = _starts(tokens, i + 1, w.years)
            if years is not None:
                if before not in w.not_before_years and _starts(tokens, i + 1 + len(years), _AFTER_YEARS) is None:
                    ranges.append((n, n))
            elif before in w.before and (i < 2 or tokens[i - 2] not in w.not_clock) \
                    and _starts(tokens, i + 1, w.not_after) is None:
                ranges.append((n, n))
            if i + 1 < len(tokens) and tokens[i + 1] in w.grade_after and 1 <= n <= 10:
                ranges.append((n + 5, n + 6))  # a school year: its pupils are grade + 5 to grade + 6
        elif token in w.grade_words and before == "i" and i >= 2 and tokens[i - 2] == "går" \
                and (i + 1 >= len(tokens) or tokens[i + 1] not in ("år", "time", "gang")):
            ranges.append((w.grade_words[token] + 5, w.grade_words[token] + 6))
    ranges += [(low, high) for words, low, high in w.schools if words & set(tokens)]
    ranges = [(low, high) for low, high in ranges if 0 < low <= high < 120]
    if not ranges:
        return None
    return Age(min(low for low, _ in ranges), max(high for _, high in ranges))


def for_age(scores: Mapping[str, float], age: Age | None, limits: Mapping[str, AgeLimit], *,
            named: tuple[str, ...] = ()) -> dict[str, float]:
    """``scores`` (service id -> score) for a message that states ``age``: a service whose age limit every stated
    age is under gives its place to the service the guide names for the younger ones (which keeps the higher of the
    two scores). A service the message names stays: the answer about it says whom it is for."""
    out = dict(scores)
    if age is None:
        return out
    for sid, limit in limits.items():
        if sid in out and sid not in named and age.high < limit.from_age:
            score = out.pop(sid)
            out[limit.younger] = max(out.get(limit.younger, 0.0), score)
    return out
