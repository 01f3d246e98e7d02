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
from dataclasses import dataclass

from assistant.meaning import Meaning

#: The conversational intents that end a conversation (a subset of :data:`assistant.meaning.INTENTS`).
CLOSINGS = ("thanks", "goodbye")
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
