"""A second need a message tells beside what it asks about a service it names.

"har fått hjemmesykepleie etter kneoperasjonen, må jeg betale for det? kommer meg heller ikke ned trappa for å
handle" asks the price of home nursing, and tells of another need: the shopping. A direct answer gives the services
the message names or asks about; the need it only tells was lost (the blind panels' largest failure class, "missing
part").

What the reply answers already is the clauses that name one of its services, or that ask an aspect of one in so
many words ("hva koster det", "hvordan søker vi"). The rest of the message (:func:`rest_of`) is read on its own, as
a situation with no conversation: the service a situation answer would lead with is the second need's when the
combined score and the service classifier are both sure of it (:func:`told_service`). Open asks stay in the rest ("hvem
kan hun snakke med", "er det nokon som kan sjå på det"): they ask for help with the need told beside them, and an open
ask tells a need by itself ("og hvem tar over for meg de to ukene jeg er bortreist?"), without a word of lack.

Measured on the dev splits before it was built (2026-12-07, docs/evaluation.md): read this way, the rest of 406
direct dev replies led with a service the reply lacked 75 times, 15 of them one a caseworker expected; told as what
someone cannot do or lacks, 14 (7 expected); at the thresholds kept, 4, all expected.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace

from assistant.asked import Understanding
from assistant.meaning import Calibration
from assistant.mentions import ServiceNames
from assistant.message import clauses, detect_aspects
from assistant.plan import GENERAL_ID, Plan, PlannedService, with_told_need
from assistant.rules import rules
from index.analysis import Analyzer
from index.retriever import Hit

__all__ = ["ToldNeeds", "rest_of", "told_service"]

#: The rest is read only when it has this many words: fewer tell no need ("Stemmer det", "eller må det være meg").
MIN_WORDS = 4


def rest_of(text: str, names: ServiceNames, analyzer: Analyzer) -> str:
    """The clauses of ``text`` that neither name a service nor ask an aspect other than an open one (``open_aspects``
    in patterns.yaml), joined, when they tell a need: what someone cannot do or lacks (``told_need``), or an open ask
    for someone or something that helps (``asks_for_help``: "hvem tar over for meg de to ukene"). "" when nothing is
    left, when nothing was taken away (then the message is all one need, which the reply answers), or when the rest
    only tells the story of the question ("mor har det hver dag")."""
    kept, dropped = [], False
    for clause in clauses(text):
        clause = clause.strip()
        if not clause:
            continue
        # read once: the names and the aspect cues both run on the clause's normalised text
        analysis = analyzer.analyse(clause)
        asked = set(detect_aspects(clause, analyzer=analyzer, analysis=analysis))
        if names.mentioned(analysis.normalised) or not asked <= rules().open_aspects:
            dropped = True
        else:
            kept.append(clause)
    rest = ", ".join(kept)
    if not dropped or len(rest.split()) < MIN_WORDS:
        return ""
    normalised = analyzer.normalise(rest)
    return rest if rules().told_need.search(normalised) or rules().asks_for_help.search(normalised) else ""


def told_service(rest: Plan, shown: Collection[str], c: Calibration, *,
                 general: Collection[str] = ()) -> PlannedService | None:
    """The service of the need the rest of a message tells, read as a situation (``rest``), when the reply does not
    show it already and both the combined score and the service classifier are sure of it (None otherwise). A
    description that answers an aspect of every service (``general``: how to apply, the fees, appeals) is no need."""
    if c.second_need_score is None or c.second_need_p is None or rest.mode != "situation" or not rest.services:
        return None
    lead = rest.services[0]
    if lead.service_id in shown or lead.service_id == GENERAL_ID or lead.service_id in general:
        return None
    p = dict(rest.understanding.about).get(lead.service_id, 0.0)
    return lead if lead.score >= c.second_need_score and p >= c.second_need_p else None


@dataclass(frozen=True)
class ToldNeeds:
    """Adds the need a message tells to a direct answer's plan, reading the rest of the message with the pipeline's
    own steps (``understand``: a text, its history and the retrieval mode to an understanding and passages;
    ``plan``: those to a plan)."""

    understand: Callable[..., tuple[Understanding, list[Hit]]]
    plan: Callable[[Understanding, Sequence[Hit]], Plan]
    names: ServiceNames
    analyzer: Analyzer
    calibration: Calibration
    general: frozenset[str] = frozenset()

    def add(self, p: Plan, *, mode: str = "fused") -> Plan:
        """``p`` with the need its message tells beside what it asks, when there is one (else ``p`` itself).

        Not for a turn that leans on the conversation: its words describe what the conversation holds ("det
        oppholdet"). Only in the fused retrieval the thresholds were set in (the evaluation's ablations run the
        others). A part of the plan that is wholly inside the rest (an open ask, "hvem kan hjelpe henne med det?",
        that fell back to the named service) is the told need's, and leaves the named service."""
        u = p.understanding
        if p.mode != "direct" or u.leans_on_history or u.focus or mode != "fused" \
                or self.calibration.second_need_score is None:
            return p
        rest = rest_of(u.query, self.names, self.analyzer)
        if not rest:
            return p
        ru, hits = self.understand(rest, (), mode=mode)
        shown = {s.service_id for s in p.services} | set(u.named)
        lead = told_service(self.plan(ru, hits), shown, self.calibration, general=self.general)
        if lead is None:
            return p
        return with_told_need(self._without(p, rest), lead.service_id, lead.score, rest, ru.analysis)

    def _without(self, p: Plan, rest: str) -> Plan:
        """``p``'s parts without the words of the rest: a part wholly inside it goes (when another part stays), and a
        part that is the whole message is read again without them (its sentences are chosen by its words)."""
        told = _words(rest)
        inside = {part.text for part in p.parts if _words(part.text) <= told}
        # a part inside the rest goes only when another part stays
        drop = inside if len(inside) < len({part.text for part in p.parts}) else set()
        asked = ", ".join(c.strip() for c in clauses(p.understanding.query) if c.strip() and not _words(c) <= told)
        parts = []
        for part in p.parts:
            if part.text in drop:
                continue
            if part.text == p.understanding.query and asked:
                part = replace(part, text=asked, analysis=self.analyzer.analyse(asked))
            parts.append(part)
        return replace(p, parts=tuple(parts))


def _words(text: str) -> frozenset[str]:
    """A text's words, lower-cased, for telling whether one text lies within another."""
    return frozenset(w.strip(",.?!:;") for w in text.lower().split()) - {""}
