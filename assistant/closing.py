"""Closings: a message that opens with thanks or a goodbye and asks nothing more.

People end a conversation with more than "takk": "Takk for svaret. Det har vært et tøft år med mammas demens,
men nå vet jeg hva jeg skal gjøre." Two things go wrong when such a message is read like a question:

* its words name services and situations, so it gets a service answer it did not ask for;
* the meaning banks read gratitude close to a farewell ("takk for alt"), so the whole message's embedding can
  reach the emergency margin although nothing in it is alarming.

So the opening clause is classified on its own by the intent classifier, and when it thanks or says goodbye and
the rest of the message asks nothing, the message is a closing: it gets the intent's reply, and the banks judge
the *rest* of it for safety, not the courtesy words (see :func:`assistant.safety.emergency_kinds`).
The emergency patterns still read the whole message, and a closing whose whole reading is close to a farewell
still gets the safety line: recall first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.bank_texts import INTENTS
from assistant.meaning import Meaning
from assistant.message import asks_question
from index.classifier import Prediction, TextClassifier

#: The conversational intents that end a conversation (a subset of :data:`assistant.meaning.INTENTS`).
CLOSINGS = ("thanks", "goodbye")
#: The intents that are courtesy only when a message goes on to ask something: a greeting or thanks. A goodbye is
#: not among them: a farewell is what a suicide note says ("Ha det godt alle sammen."), so it is always read.
COURTESY = ("greeting", "thanks")
# where the opening clause of a message ends: "Takk for svaret. …", "Tusen takk, nå vet jeg …", "Takk! …"
_OPENING_END = re.compile(r"[.!?,;:\n]+")


def clauses(text: str, *, limit: int = 12) -> list[str]:
    """The clauses of a message, split where :func:`split_opening` splits (at most ``limit``, the rest joined
    into the last)."""
    out: list[str] = []
    rest = text.strip()
    while rest and len(out) < limit - 1:
        first, rest = split_opening(rest)
        if first:
            out.append(first)
    if rest:
        out.append(rest)
    return out


def split_opening(text: str) -> tuple[str, str]:
    """The message's first clause and the rest of it (the rest is "" for a message of one clause).

    >>> split_opening("Takk for svaret. Nå vet jeg hva vi skal gjøre.")
    ('Takk for svaret', 'Nå vet jeg hva vi skal gjøre.')
    >>> split_opening("takk for hjelpa!")
    ('takk for hjelpa', '')
    """
    text = text.strip()
    while (lead := _OPENING_END.match(text)) is not None:
        text = text[lead.end():].lstrip()  # punctuation before any word opens nothing
    match = _OPENING_END.search(text)
    if match is None:
        return text, ""
    return text[: match.start()].strip(), text[match.end():].strip()


@dataclass(frozen=True)
class Closing:
    """A message read as a closing.

    Attributes:
        intent: "thanks" or "goodbye": the intent of its opening clause.
        rest: The message after the opening clause ("" when the message is only the courtesy).
        rest_reading: The meaning banks' reading of ``rest`` alone (None when there is no rest, or no embedder).
    """

    intent: str
    rest: str = ""
    rest_reading: Meaning | None = None


def courteous(said: Prediction, threshold: float) -> bool:
    """Whether a sentence is courtesy only ("Hei.", "ok takk.", "takk, da var det det."), by the intent
    classifier's reading of it (``said``): a greeting or thanks, never a goodbye (see :data:`COURTESY`)."""
    return said.top in COURTESY and said.p >= threshold


def read_closing(said: Prediction, rest: str, *, classifier: TextClassifier,
                 embed_many: Callable[[Sequence[str]], list[np.ndarray]], safety: Callable[[np.ndarray], Meaning],
                 threshold: float) -> Closing | None:
    """The message as a closing: its opening clause thanks or says goodbye (``said``: the intent classifier on
    that clause), and the rest asks nothing; else None. More courtesy may follow ("Takk! Da vet jeg hva jeg gjør.
    Ha en fin kveld"): only the rest that is not courtesy is judged for safety."""
    if said.top not in CLOSINGS or said.p < threshold or (rest and asks_question(rest)):
        return None
    if not rest:
        return Closing(said.top)
    parts = clauses(rest)
    predictions = [classifier.predict(v, t) for t, v in zip(parts, embed_many(parts), strict=True)]
    kept = " ".join(t for t, p in zip(parts, predictions, strict=True) if not (p.top in CLOSINGS and p.p >= threshold))
    reading = safety(embed_many([kept])[0]) if kept else None
    return Closing(said.top, kept, reading)


def read_after_greeting(said: Prediction, rest: str, *, classifier: TextClassifier,
                        embed: Callable[[str], np.ndarray], normalise: Callable[[str], str],
                        threshold: float) -> Prediction | None:
    """What follows an opening greeting, read by the intent classifier (``said``: its reading of the opening
    clause); None when the opening is no greeting or nothing follows it. The text is read as written, or as the
    analyser rewrites its dialect when that reads more surely as small talk: most intent lines are bokmål, so
    "ka e dette for noe?" is read as "hva er dette for noe" (what this is), where as written it read closest to a
    price question."""
    if not rest or said.top != "greeting" or said.p < threshold:
        return None
    written = classifier.predict(embed(rest), rest)
    plain = normalise(rest)
    if not plain or plain == " ".join(rest.lower().split()).strip(" ?!.,"):
        return written
    rewritten = classifier.predict(embed(plain), plain)
    better = rewritten.top in INTENTS and (written.top not in INTENTS or rewritten.p > written.p)
    return rewritten if better else written
