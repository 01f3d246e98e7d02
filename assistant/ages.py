"""The age a message states for the person it is about, and what a service's age limit makes of it.

The guide gives some services an age limit in so many words ("Barn og unge under 18 år kan få hjelp gjennom
helsestasjonen og skolehelsetjenesten", under the adults' mental health service): the front matter's ``age:`` holds
it (:class:`corpus.model.AgeLimit`). A message whose stated ages are all under such a limit ("æ e 14", "sønnen vår
på 16 har begynt å drikke", "går i niende") is answered by the service the guide names for the younger ones, where
retrieval and the classifiers read the topic (drinking, a low mood) and not the age.

Whose age it is decides, and a number alone cannot tell: only the writer's own age and that of a person a sentence
opens with are read, each followed by what may follow an age. How ages are written is data
(``assistant/language/ages.yaml``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from functools import lru_cache

from assistant.rules import DATA_DIR
from corpus.model import AgeLimit
from index.analysis import default_analyzer

__all__ = ["Age", "ages_data", "for_age", "moved_services", "stated_age"]

Phrases = tuple[tuple[str, ...], ...]
#: A sentence ends after . ! ? (after a digit only before a capital: "8. klasse", "15. mai", "æ e 14. ka gjør æ"
#: go on, "Er 45. Angsten tar over" does not) or at a line break.
_SENTENCE_END = re.compile(r"(?<=[.!?])(?<!\d[.!?])\s+|(?<=\d[.!?])\s+(?=[A-ZÆØÅ])|\n+")


@dataclass(frozen=True)
class Age:
    """The ages a message states, as one range: the youngest and the oldest (a school year is a range itself).

    Attributes:
        others: A young age in the range is another person's, not the writer's (a parent writing about a son of 16):
            the service for adults may still be for the writer, as a relative, beside the one for the young person.
        small_child: The message also names a child under ``small_child_under`` ("har en sønn på 1 år").
    """

    low: int
    high: int
    others: bool = False
    small_child: bool = False


@dataclass(frozen=True)
class _Words:
    """``ages.yaml``, normalised the way messages are."""

    first_person: Phrases
    be: frozenset[str]
    persons: frozenset[str]
    possessives: frozenset[str]
    links: frozenset[str]
    aged: frozenset[str]
    openers: frozenset[str]
    read_from: int
    adult_from: int
    small_child_under: int
    self_words: frozenset[str]
    adults: frozenset[str]
    question_openers: frozenset[str]
    quoted: re.Pattern[str]
    years: Phrases
    after_age: frozenset[str]
    not_after: Phrases
    numbers: Mapping[str, int]
    school_verbs: frozenset[str]
    grade_after: frozenset[str]
    grade_years: tuple[int, int]
    grade_age: tuple[int, int]
    grades: Mapping[str, int]
    set_off: re.Pattern[str]


@lru_cache(maxsize=1)
def ages_data() -> Mapping[str, Any]:
    """``assistant/language/ages.yaml`` as written, read once (the words here, the scoped sentences in
    :mod:`assistant.age_scopes`)."""
    import yaml  # lazy: read on the first question, or at load

    return yaml.safe_load((DATA_DIR / "ages.yaml").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _words() -> _Words:
    d = ages_data()
    normalise = default_analyzer().normalise  # the words as the standard reading writes them

    def words(key: str) -> frozenset[str]:
        return frozenset(normalise(str(w)) for w in d[key]) - {""}

    def phrases(key: str) -> Phrases:
        return tuple(sorted({tuple(normalise(str(w)).split()) for w in d[key]} - {()}, key=len, reverse=True))

    def numbers(key: str) -> dict[str, int]:
        return {normalise(str(k)): int(v) for k, v in d[key].items()}

    def pair(key: str) -> tuple[int, int]:
        return int(d[key][0]), int(d[key][1])

    return _Words(
        first_person=phrases("first_person"), be=words("be"), persons=words("persons"),
        possessives=words("possessives"), links=words("person_age_links"), aged=words("aged"),
        openers=words("clause_openers"), read_from=int(d["read_from"]), adult_from=int(d["adult_from"]),
        small_child_under=int(d["small_child_under"]), self_words=words("self_words"), adults=words("adults"),
        question_openers=words("question_openers"), quoted=re.compile(d["quoted"]), years=phrases("years"),
        after_age=words("after_age"), not_after=phrases("not_after"),
        numbers=numbers("number_words"), school_verbs=words("school_verbs"), grade_after=words("grade_after"),
        grade_years=pair("grade_years"), grade_age=pair("grade_age"), grades=numbers("grade_words"),
        set_off=re.compile(d["set_off"]))


def _starts(tokens: Sequence[str], at: int, phrases: Phrases) -> tuple[str, ...]:
    return next((ph for ph in phrases if tuple(tokens[at:at + len(ph)]) == ph), ())


def _number(tokens: Sequence[str], i: int, w: _Words) -> int | None:
    t = tokens[i] if 0 <= i < len(tokens) else ""
    return int(t) if t.isdecimal() and len(t) <= 2 else w.numbers.get(t)


def _age_at(tokens: Sequence[str], i: int, w: _Words) -> tuple[int, int] | None:
    """The age that ``tokens[i]`` begins ("15", "15 år", "fjorten"), where what follows lets it be one: the end of
    the sentence or a word that may follow an age, and after "år" only the end or a new clause ("2 barns mor",
    "8 av 10", "15 mai", "12 år nå med drikking", "15 og et halvt år rusfri" are not ages)."""
    n = _number(tokens, i, w)
    j = i + 1 + len(_starts(tokens, i + 1, w.years))
    if n is None or _starts(tokens, i + 1, w.not_after) or (j < len(tokens) and tokens[j] not in w.after_age):
        return None
    return n, n


def _grade_at(tokens: Sequence[str], i: int, w: _Words) -> tuple[int, int] | None:
    """The ages of a school year that ``tokens[i]`` begins ("går i niende", "er i 9 klasse")."""
    if not (i + 2 < len(tokens) and tokens[i] in w.school_verbs and tokens[i + 1] == "i"):
        return None
    t, after = tokens[i + 2], tokens[i + 3] if i + 3 < len(tokens) else ""
    if t.isdecimal() and after in w.grade_after:
        grade = int(t)
    elif t in w.grades and (not after or after in w.grade_after or after in w.after_age):
        grade = w.grades[t]
    else:
        return None
    (first, last), (younger, older) = w.grade_years, w.grade_age
    return (grade + younger, grade + older) if first <= grade <= last else None


def _writer(tokens: Sequence[str], w: _Words) -> list[tuple[int, int]]:
    """The writer's own ages in one sentence: "jeg er 15", "er jeg 40", "jeg 16" (from "jeg (16)"), "i m 16",
    "jeg går i niende", and a sentence that opens with the verb ("er 34 og ...", "går i tiende og ...")."""
    found = []
    for i in range(len(tokens)):
        fp = _starts(tokens, i, w.first_person)
        if fp:
            k = i + len(fp)
            found.append(_grade_at(tokens, k, w) or _age_at(tokens, k + (k < len(tokens) and tokens[k] in w.be), w))
        elif tokens[i] in w.be and (fp := _starts(tokens, i + 1, w.first_person)):
            found.append(_age_at(tokens, i + 1 + len(fp), w))
    if tokens and tokens[0] in w.be:
        found.append(_age_at(tokens, 1, w))
    found.append(_grade_at(tokens, 0, w))
    return [a for a in found if a is not None]


def _past_person(tokens: Sequence[str], i: int, w: _Words) -> int:
    """Where what is said of the person at ``tokens[i]`` begins: after the person and an owning word ("sønnen min")."""
    return i + 1 + (i + 1 < len(tokens) and tokens[i + 1] in w.possessives)


def _small_child(tokens: Sequence[str], w: _Words) -> bool:
    """A person anywhere in the sentence with an age under ``small_child_under`` ("har en sønn på 1 år", "passer
    lillesøsteren min på 2 år hver dag"), whatever follows it."""
    for i, t in enumerate(tokens):
        if t in w.persons:
            k = _past_person(tokens, i, w)
            n = _number(tokens, k + (k < len(tokens) and tokens[k] in w.links), w)
            if n is not None and n < w.small_child_under:
                return True
    return False


def _others(tokens: Sequence[str], w: _Words, set_off: set[int], starts: Sequence[int]) -> list[tuple[int, int]]:
    """The age of a person at each of ``starts`` (a sentence's or clause's opening): "sønnen vår på 16", "min sønn
    (15)", "broren min er 15", "my daughter is 15", "15 åringen vår", "datteren min går i 9 klasse" (``set_off``: the
    numbers the sentence writes in brackets or between commas)."""
    found = []
    for s in starts:
        k = s + (s < len(tokens) and tokens[s] in w.possessives)
        if k < len(tokens) and tokens[k] in w.persons:
            k = _past_person(tokens, k, w)
            n = _number(tokens, k, w)
            age = (n, n) if n in set_off else \
                _grade_at(tokens, k, w) or _age_at(tokens, k + (k < len(tokens) and tokens[k] in w.links), w)
        elif s + 1 < len(tokens) and tokens[s + 1] in w.aged and (n := _number(tokens, s, w)) is not None:
            age = (n, n)  # "15 åringen vår"
        else:
            age = None
        if age is not None:
            found.append(age)
    return found


def stated_age(written: str, *, normalise: Callable[[str], str], normalised: str = "",
               earlier: Sequence[str] = ()) -> Age | None:
    """The ages a message states (:class:`Age`), or None: the writer's own and, where the writer tells nothing of
    themselves outside a question, those of the persons its sentences open with; read sentence by sentence after
    ``normalise`` (:meth:`index.analysis.Analyzer.normalise`; ``normalised``: the whole message already read so, for a
    message of one sentence); and the writer's own age in the ``earlier`` messages of the conversation ("æ e 14",
    then "e det nån æ kan prat med?"). Ages under ``read_from`` are not read, nor what is quoted."""
    w = _words()
    mine: list[tuple[int, int]] = []
    others: list[tuple[int, int]] = []
    tells_of_self = small = False
    for text, own_message in [(written, True), *((t, False) for t in earlier)]:
        unquoted = w.quoted.sub(" ", text)
        sentences = [s for s in _SENTENCE_END.split(unquoted) if s.strip()]
        for sentence in sentences:
            whole = own_message and normalised and unquoted == text and len(sentences) == 1
            tokens = (normalised if whole else normalise(sentence)).split()
            mine += _writer(tokens, w)
            if own_message:
                set_off = {int(n) for n in w.set_off.findall(sentence)}
                opens = [0, *(i + 1 for i, t in enumerate(tokens) if t in w.openers)]
                others += _others(tokens, w, set_off, opens)
                small |= _small_child(tokens, w)
                asks = sentence.rstrip().endswith("?") or (tokens[:1] and tokens[0] in w.question_openers)
                first = tokens[1:2] if tokens[:1] and tokens[0] in w.possessives else tokens[:1]
                tells_of_self |= (not asks and bool(w.self_words & set(tokens))) or bool(w.adults & set(first))
    # an adult's age always counts: it only ever keeps a service for adults
    others = [(low, high) for low, high in others if not tells_of_self or low >= w.adult_from]
    mine, others = ([(low, high) for low, high in ages if w.read_from <= low <= high < 120] for ages in (mine, others))
    ranges = mine + others
    if not ranges:
        return None
    young_other = any(low < w.adult_from for low, _ in others)
    return Age(min(low for low, _ in ranges), max(high for _, high in ranges), others=young_other, small_child=small)


def moved_services(age: Age | None, limits: Mapping[str, AgeLimit], *, named: Sequence[str] = ()) -> dict[str, str]:
    """For a message that states ``age``: each service whose age limit every stated age is under, and the service the
    guide names for the younger ones instead. A service the message names stays: the answer about it says whom it is
    for."""
    if age is None:
        return {}
    return {sid: limit.younger for sid, limit in limits.items() if age.high < limit.from_age and sid not in named}


#: How much the service for the younger ones leads the one for adults it is moved before, when both stay.
_LEAD = 1e-6


def for_age(scores: Mapping[str, float], moved: Mapping[str, str], *, keep: bool = False) -> dict[str, float]:
    """``scores`` (service id -> score or probability) with each ``moved`` service's score given to the service that
    replaces it (which keeps the higher of the two, and leads). With ``keep`` (the young person is not the writer),
    the moved service stays, after it: it may be the writer's own, as a relative."""
    out = dict(scores)
    for sid, younger in moved.items():
        if sid in out:
            score = out[sid] if keep else out.pop(sid)
            out[younger] = max(out.get(younger, 0.0), score + (_LEAD if keep else 0.0))
    return out
