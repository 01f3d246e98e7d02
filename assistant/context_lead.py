"""The service a follow-up is about, read with what the user asked before it.

A follow-up says little on its own: "må jeg ha henvisning fra legen eller kan jeg bare ta kontakt" after a question
about the healthy-life centre reads like the GP by its words; "gjeld det og for far som berre har hjemmehjelp te
vasking?" after one about free dental care names home help, which is only what the father has. The service
classifier reads the last user turn and the follow-up together, as one message: where it reads a service surely
(``follow_context_p``) that the reply would not lead with, the reply is planned again led by that service (the
conversation's subject and the service asked about), with the passages the follow-up and the service's title find.

Only a turn that may lean on the conversation: not one that turns away in so many words (``switch`` in
patterns.yaml: "helt annet spørsmål"), names the service the reply leads with without referring back ("Hva koster
hjemmesykepleie?" after a long question about the alarm), names both services, asks openly for help ("og finnes det
noe for far, han er ensom?", a new need), turns to the writer's own need ("og for meg?", read as a relative's), or
points by its place to the service the reply leads with ("må man søke om det siste der for seg?" after respite care
and the care allowance).

Measured on the live dev follow-ups and the blind followups-C probe before it was built (2026-12-07,
docs/evaluation.md): of 221 follow-ups, the first service matched the panel's for 167; where the classifier, reading
them with the last user turn, read one at 0.5 or more that the reply did not lead with, it was the panel's for 7 of
9 (the other two turned away in so many words).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

import numpy as np

from assistant.asked import Understanding
from assistant.bank_texts import NO_SERVICE
from assistant.conversation import Conversation
from assistant.meaning import Calibration
from assistant.plan import Plan
from assistant.rules import rules
from assistant.types import Turn
from index.classifier import Prediction
from index.retriever import Hit

__all__ = ["ContextLead"]


class ContextLead:
    """Reads a follow-up with the last user turn before it (see the module's docstring).

    Args:
        predict: The service classifier: (vector, text) -> prediction.
        embed: One text's query vector.
        plan: The assistant's plan step: (understanding, hits) -> plan.
        conversation: The earlier turns' reader (how a turn is read, what a place points to, a relative's turn), its
            search and the guide's services.
        calibration: ``follow_context_p`` (None: never).
        k: How many passages to read for the new lead.
    """

    def __init__(self, predict: Callable[[np.ndarray | None, str], Prediction],
                 embed: Callable[[str], np.ndarray | None], plan: Callable[[Understanding, Sequence[Hit]], Plan],
                 conversation: Conversation, calibration: Calibration, *, k: int) -> None:
        self._predict, self._embed, self._plan = predict, embed, plan
        self._conversation, self._calibration, self._k = conversation, calibration, k

    def planned(self, u: Understanding, hits: Sequence[Hit], history: Sequence[Turn], *, mode: str) -> Plan:
        """The plan for ``u``, or, where the follow-up read with the turn before is about another service than the plan
        leads with, the plan led by that service."""
        planned = self._plan(u, hits)
        first = planned.primary.service_id if planned.primary else ""
        target = self._target(u, history, planned.mode, first, mode=mode)
        if not target:
            return planned
        # the parts about the plan's lead (or none) are about the new lead, which they do not name; a part about a
        # service of its own stays
        parts = tuple(dataclasses.replace(p, service=target, by_name=False) if p.service in (first, "") else p
                      for p in u.parts)
        moved = dataclasses.replace(u, focus=(target,), parts=parts,
                                    asked_about=target if u.asked_about in (first, "") else u.asked_about)
        title = self._conversation.documents[target].title
        # the lexical side reads the service's title with the follow-up; the dense side its own words
        found = self._conversation.search(f"{u.query} {title}", k=self._k, mode=mode, query_vector=self._embed(u.query))
        return self._plan(moved, found)

    def _target(self, u: Understanding, history: Sequence[Turn], plan_mode: str, first: str, *, mode: str) -> str:
        """The service to lead with instead of the plan's lead ``first``, or ""."""
        threshold = self._calibration.follow_context_p
        before = next((t.text for t in reversed(history) if t.role == "user"), None)
        # another language's words are read less surely by the classifier, and a lexical run has no vectors
        if threshold is None or before is None or not first or mode == "lexical" or u.language != "nb" or u.switch \
                or plan_mode not in ("direct", "situation"):
            return ""
        normalised = u.analysis.normalised if u.analysis is not None else ""
        refers_back = bool(rules().follow_up.search(normalised))
        # an open ask for help tells a new need by itself ("og finnes det noe for far, han er ensom …" after home
        # nursing): it is read as one, as :mod:`assistant.second_need` reads it beside a question
        if (first in u.named and not refers_back) or rules().asks_for_help.search(normalised) \
                or self._conversation.as_relative(u.query, history) \
                or self._conversation.placed_in(u.query, history) == first:
            return ""
        text = f"{self._conversation.read_turn(before)} {u.query}"
        said = self._predict(self._embed(text), text)
        target = said.top
        if said.p < threshold or target in (first, NO_SERVICE) or target not in self._conversation.documents \
                or {first, target} <= set(u.named):
            return ""
        return target
