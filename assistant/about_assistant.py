"""Questions about the assistant itself, by what they ask: whether a machine answers, where the answers come from,
whether what is written is stored, whether it can apply or decide, which languages it reads, what it remembers.

The intent classifier knows two such intents ("capabilities", "human"), trained beside the aspects of a service;
one answer for every question about the assistant left "Blir det jeg skriver lagret?" with a list of what the
assistant can do, and 69 of 106 such questions of a blind probe (to-the-assistant-C) got a service. So a classifier
of its own (``assistant``, trained when the index is built) reads each message: one label per topic
(``banks/about_assistant.jsonl``, written blind from a list of the topics, without the lines close to an
evaluation question or a probe; "human" from the intent banks) against ``other``, everything else people ask (the
labelled questions, greetings, thanks and goodbyes, the tuning part of the out-of-scope bank, the guide's
situations). Its topic refines the intent classifier's "capabilities" or "human"; and where the intent classifier
read none, a message it reads as about the assistant surely enough (``assistant_other_max``, surer inside a
conversation) is one, unless it names a service, tells of danger or is close to it, is declined as outside the guide,
or tries to re-program the assistant; and the banks' margins alone never give it the emergency box (the patterns and
the danger classifier still can) where it is one sentence. The answers are data (``banks/about_assistant.yaml``,
read by :func:`assistant.templates.data`), true to this software.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from assistant.asked import Understanding
from assistant.meaning import Calibration
from index.banks import BankEntry
from index.classifier import Prediction

__all__ = ["ABOUT_ASSISTANT", "ABOUT_TOPICS", "OTHER", "assistant_bank", "reads_as_about", "to_assistant"]

#: The label of everything that is not a question about the assistant.
OTHER = "other"
#: The intent classifier's intents that are questions about the assistant itself (what it can do, whether a person
#: answers): never a farewell. Answered from :mod:`assistant.templates`.
ABOUT_ASSISTANT = ("capabilities", "human")
#: Those, and the topics with an answer of their own (``banks/about_assistant.yaml``).
ABOUT_TOPICS = (*ABOUT_ASSISTANT, "machine", "sources", "privacy", "decisions", "languages", "memory")


def assistant_bank(topics: Sequence[BankEntry], *, human: Sequence[str], others: Sequence[str]
                   ) -> tuple[BankEntry, ...]:
    """The training bank of the ``assistant`` classifier: the topics' lines (``banks/about_assistant.jsonl``), the
    requests for a person (``human``), and everything else (``others``) as :data:`OTHER`."""
    unknown = {e.label for e in topics} - set(ABOUT_TOPICS)
    if unknown:
        raise ValueError(f"about_assistant.jsonl: unknown topics {sorted(unknown)}")
    entries = list(topics) + [BankEntry(t, "human") for t in dict.fromkeys(human)]
    told = {e.text for e in entries}
    return tuple(entries + [BankEntry(t, OTHER) for t in dict.fromkeys(others) if t not in told])


def reads_as_about(said: Prediction | None, c: Calibration, *, in_conversation: bool = False) -> bool:
    """Whether the ``assistant`` classifier reads a message as a question about the assistant surely enough."""
    # inside a conversation a short follow-up to "du" is often about the service's people ("kan dattera mi skrive
    # den for meg?" after a complaint read 0.37 as "other"): a surer reading is needed there
    limit = c.assistant_other_max_in_conversation if in_conversation else c.assistant_other_max
    return said is not None and limit is not None and said.prob(OTHER) < limit


def to_assistant(u: Understanding, said: Prediction | None, c: Calibration, *,
                 in_conversation: bool = False) -> Understanding:
    """The understanding with the topic of a question about the assistant as its intent, where ``said`` (the
    ``assistant`` classifier's reading of the message) finds one; else unchanged."""
    if said is None or u.emergency or u.injection:
        return u
    other = said.prob(OTHER)
    ranked = [(label, p / max(1e-9, 1.0 - other)) for label, p in zip(said.labels, said.probs, strict=True)
              if label != OTHER]
    topic, sure = ranked[0] if ranked else ("", 0.0)
    if u.intent in ABOUT_ASSISTANT:
        # already a question about the assistant: which one, where the topic is clear
        return dataclasses.replace(u, intent=topic) if sure >= c.assistant_topic_p else u
    # a decline stays one: one that asks the assistant to do a thing outside the guide ("kan du bestille time hos
    # legen for meg?") reads close to "decisions", and the decline names where to go instead
    if u.intent or u.named or u.concern or u.out_of_scope or not reads_as_about(said, c,
                                                                                 in_conversation=in_conversation):
        return u
    # a question about the assistant the intent classifier missed (past its word limit, or read as a service);
    # where its topic is unclear, the way to a person answers it ("Jeg skriver ikke så godt på chat. Kan jeg sende
    # en e-post til en person i stedet?")
    return dataclasses.replace(u, intent=topic if sure >= c.assistant_topic_p else "human")
