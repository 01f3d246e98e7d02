"""The conversation: which earlier service a turn is about, and which service each part of a message asks.

A follow-up ("og hva koster det?") names no service: the conversation does. :class:`Conversation` reads the
topic from the earlier turns, decides whether a follow-up is about the last answer's first service or another
of them, and whether leaning on the topic explains the question better than the question explains itself; and
gives a part of a message that names no service the service its own passages point to.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

import numpy as np

from assistant.bank_texts import NO_SERVICE
from assistant.matching import COMPOUND_HEAD_MIN, begun
from assistant.mentions import ServiceNames
from assistant.plan import GENERAL_ID
from assistant.rules import rules
from assistant.settings import AssistantSettings
from assistant.topics import answered_by
from assistant.types import Turn
from assistant.asked import AskedPart, Understanding
from corpus.model import Document
from index.analysis import Analysis, Analyzer
from index.classifier import Prediction
from index.retriever import Hit

__all__ = ["Conversation", "Search"]


class Search(Protocol):
    """The assistant's passage search (:meth:`assistant.core.Assistant.search`)."""

    def __call__(self, query: str | Analysis, *, mode: str = "fused", k: int | None = None,
                 query_vector: np.ndarray | None = None) -> list[Hit]: ...


_FIRST_SENTENCE = re.compile(r"[?.!]")


class Conversation:
    """Resolves what a turn refers to, from the earlier turns and the passages its own words find."""

    def __init__(self, search: Search, documents: Mapping[str, Document], *, settings: AssistantSettings,
                 names: ServiceNames, analyzer: Analyzer, read_turn: Callable[[str], str]) -> None:
        self.search = search
        self.documents = documents
        self.settings = settings
        self.names = names
        self.analyzer = analyzer
        self.service_ids = set(documents)
        # an earlier user turn, cleaned and masked as a question is
        self.read_turn = read_turn
        self._answers = {sid: answered_by(doc) for sid, doc in documents.items()}
        # which descriptions hold each (stemmed) term, read once here: a follow-up's or a part's rare word marks a
        # service by it
        self._service_terms = {
            sid: frozenset(analyzer.analyse(" ".join([doc.title, *(sec.text for sec in doc.sections)])).terms)
            for sid, doc in documents.items()}
        where: dict[str, set[str]] = {}
        for sid, terms in self._service_terms.items():
            for t in terms:
                where.setdefault(t, set()).add(sid)
        self._term_services = {t: frozenset(v) for t, v in where.items()}

    def _services_with(self, term: str) -> frozenset[str]:
        """The services whose description holds a (stemmed) term, or a compound of the guide it begins where the
        guide never writes it alone ("vindu": "vindusvask", :func:`~assistant.matching.begun`)."""
        if term in self._term_services:
            return self._term_services[term]
        return frozenset(sid for v in begun((term,), self._term_services) for sid in self._term_services[v])

    def topics(self, history: Sequence[Turn]) -> tuple[str, ...]:
        """The conversation's topic, most recent first: services an assistant turn was about (when the caller
        passes them), else the service an earlier user turn names, else its best lexical match (no embedding)."""
        names = self.names
        for turn in reversed(history):
            if turn.role == "assistant":
                known = tuple(s for s in turn.services if s in self.service_ids)
                if known:
                    return known
                continue
            earlier = self.analyzer.analyse(self.read_turn(turn.text))
            named = names.mentioned(earlier.normalised)
            if named:
                return tuple(named[:1])
            hits = self.search(earlier, k=10, mode="lexical")
            if hits and hits[0].score >= self.settings.answer_threshold and hits[0].chunk.service_id in self.service_ids:
                return (hits[0].chunk.service_id,)
        return ()

    def follow(self, u: Understanding, query: str, topics: Sequence[str], hits: Sequence[Hit], *, k: int, mode: str,
               vector: np.ndarray | None, pointed: str | None = None) -> tuple[Understanding, list[Hit]]:
        """A follow-up that leans on the topic: inherit it (with the passages read with its name) when leaning on it
        explains the question at least as well as the question explains itself, or when the topic's own
        description answers what is asked ("må vi betale noe for det?" after home nursing: its words read like
        the payment service, its "Hva koster det?" answers; "kor lang tid har æ på mæ?" after a refusal of respite
        care: its description states the deadline to appeal); else no topic, and the question's own passages."""
        # a refusal feared or a deadline asked is about the decision on the conversation's subject ("viss dæm sei nei"
        # after respite care), not about whichever of the turn's services the words of a refusal read like (how to
        # apply, with its decisions)
        subject_only = "deadline" in u.aspects
        # a service that tells an aspect for all services (payment, applying) reads like any question about an
        # aspect ("og prisen?" after a nursing home and how to apply for it): it is not what a follow-up is about
        # where the subject's own description answers what is asked
        answered = self._answers_all(topics[0], u.aspects)
        candidates = topics[:1] if subject_only else tuple(
            t for t in topics if t == topics[0] or not (answered and self.documents[t].general_for))
        # ``pointed``: :meth:`described` as the caller read it already (None: read it here)
        placed = self.placed(query, topics, analysis=u.analysis) or (
            self.described(query, topics, analysis=u.analysis) if pointed is None else pointed)
        if placed:
            # the follow-up says which of the last answer's services it is about ("det siste der"): that one
            resolved = self.search(f"{query} {self.documents[placed].title}", k=k, mode=mode, query_vector=vector)
            return dataclasses.replace(u, focus=(placed,)), resolved
        focus, resolved, focus_best = self.referent(query, candidates, hits, k=k, mode=mode, vector=vector,
                                                    analysis=u.analysis)
        alone_top = hits[0].score if hits else 0.0
        if alone_top < self.settings.answer_threshold or focus_best >= self.settings.follow_up_ratio * alone_top \
                or self._answers_all(focus, u.aspects):
            return (u if focus == u.focus[0] else dataclasses.replace(u, focus=(focus,))), resolved
        return dataclasses.replace(u, focus=()), list(hits)

    def as_relative(self, query: str, history: Sequence[Turn]) -> str:
        """A follow-up that turns from the person talked about to the writer ("og for meg? jeg har ikke sovet på
        ukevis", ``to_self``, matched whole on its first sentence) as a relative's own need: the text its services
        and passages are read from, with the guide's word for it (``as_relative``); "" for any other turn."""
        if not history or not rules().as_relative:
            return ""
        first = _FIRST_SENTENCE.split(query.strip(), maxsplit=1)[0]
        if not rules().to_self.fullmatch(self.analyzer.normalise(first).strip()):
            return ""
        return f"{rules().as_relative} {query}"

    def placed_in(self, query: str, history: Sequence[Turn]) -> str:
        """:meth:`placed` among the services of the conversation ``history`` is about."""
        return self.placed(query, self.topics(history))

    def placed(self, query: str, topics: Sequence[str], *, analysis: Analysis | None = None) -> str:
        """The service of the last answer a follow-up points to by its place ("det siste der", "den første", "the
        latter"; ``referents`` in ``patterns.yaml``), when that answer named several; else ""."""
        shown = list(topics[: self.settings.max_situation_services])
        if len(shown) < 2:
            return ""
        text = self._normalised(query, analysis)
        places = [place for place, rx in rules().referents.items() if rx.search(text)]
        if len(places) != 1:
            return ""  # none, or two ("den første eller den siste?"): the usual reading decides
        return {"first": shown[0], "second": shown[1], "last": shown[-1]}[places[0]]

    def _normalised(self, query: str, analysis: Analysis | None) -> str:
        """The follow-up as normalised: its analysis's, read once per ask, when there is one."""
        read = analysis is not None and analysis.text == query
        return analysis.normalised if read else self.analyzer.normalise(query)

    def described(self, query: str, topics: Sequence[str], *, analysis: Analysis | None = None) -> str:
        """The service of the last answer a follow-up points to by a demonstrative and its noun ("det oppholdet",
        "den skolen du nevnte"; ``described`` in ``patterns.yaml``): the one whose description holds the noun, else
        the one that holds it as the last part of a compound ("skolen": "pårørendeskolen"), when only one of them
        does; else "". A word most descriptions hold ("den siste tiden") points to nothing, and a verb the pattern
        took for a noun ("det virket") is rarely a word of exactly one of them. ``analysis``: the follow-up's, read
        once per ask."""
        shown = set(topics[: self.settings.max_situation_services])
        if not shown:
            return ""
        text = self._normalised(query, analysis)
        thing = next((m.group("thing") for rx in rules().described if (m := rx.search(text))), "")
        stems = self.analyzer.analyse(thing).terms if thing else ()
        if len(stems) != 1 or 2 * len(self._term_services.get(stems[0], ())) > len(self.service_ids):
            return ""
        stem = stems[0]
        found = self._term_services.get(stem, frozenset()) & shown
        if not found and len(stem) >= COMPOUND_HEAD_MIN:
            # the last part of the shown descriptions' compounds ("pårørendeskol" for "skol")
            found = {sid for sid in shown if any(t.endswith(stem) for t in self._service_terms.get(sid, ()))}
        return next(iter(found)) if len(found) == 1 else ""

    def referent(self, query: str, topics: Sequence[str], hits: Sequence[Hit], *, k: int, mode: str,
                  vector: np.ndarray | None, analysis: Analysis | None = None) -> tuple[str, list[Hit], float]:
        """Which of the last turn's services a follow-up is about: the first (the last answer's subject), unless
        the follow-up's own passages (``hits``) point clearly more to another of them ("og handling da, kan de
        ta det?" after a reply about applying for home help and home help itself), or a word of the follow-up only
        one of them has marks that one (:meth:`_marked`; ``analysis``: the follow-up's, read once per ask). Returns
        the service, the passages for the question read with its name, and its best passage's score."""
        shown = topics[: self.settings.max_situation_services]
        own = {sid: max((h.score for h in hits if h.chunk.service_id == sid), default=0.0) for sid in shown}
        focus = topics[0]
        for sid, score in own.items():
            if score >= own[focus] + self.settings.focus_switch_margin:
                focus = sid
        # a word only one of the services shown has, and few descriptions at all, says which one is meant ("gjelder
        # det også vinduene?" after the fees of home help: only home help's description has windows)
        focus = self._marked((analysis or self.analyzer.analyse(query)).terms, shown) or focus
        resolved = self.search(f"{query} {self.documents[focus].title}", k=k, mode=mode, query_vector=vector)
        return focus, resolved, max((h.score for h in resolved if h.chunk.service_id == focus), default=0.0)

    def part_services(self, u: Understanding, pieces: Sequence[str], vectors: Sequence[np.ndarray | None],
                      mode: str, *, about: Mapping[str, Prediction] | None = None) -> Understanding:
        """Each part with the service its own passages point to, clearly away from the service the message asks
        about (by ``part_switch_margin``), where it names none, or has one only because the part before names it
        (then the classifier's reading of it, ``about``: part text -> prediction, must agree, and one of its words
        must be in few services' descriptions); the part says enough of its own (``part_min_terms`` content words)
        and the message is no follow-up that leans on the conversation's subject."""
        if not u.parts or mode == "lexical" or u.focus:
            # a follow-up's parts are about the conversation's subject: "kan hun få prøve en gruppe først?" after a
            # support contact shares "prøve" with occupational therapy's advice, which is no reason to leave it
            return u
        # the service the message asks about: of two it names, the one asked ("hvordan klager vi" on a refusal of
        # a nursing home place asks about appeals, and its other part may be about the nursing home)
        main = u.asked_about or (u.services[0] if u.services else "")
        if not main:
            return u
        # the parts the understanding kept (a part the guide does not cover is set apart), each with its vector
        by_text = dict(zip(pieces, vectors, strict=True))
        return dataclasses.replace(u, parts=tuple(
            self._part_service(part, main, by_text.get(part.text), (about or {}).get(part.text), u.language)
            for part in u.parts))

    def _part_service(self, part: AskedPart, main: str, vector: np.ndarray | None, said: Prediction | None,
                      language: str) -> AskedPart:
        """One part of :meth:`part_services`."""
        if part.service and not part.from_message:
            return part
        # a part with the service the part before names keeps it where that service's own description answers what
        # the part asks ("og hva koster det?", "hvordan søker vi?"), as a follow-up keeps its subject
        if part.from_message and (said is None or self._answers_all(part.service, part.aspects)):
            return part
        # a short part ("må vi betale noe?") leans on the rest of the message: its passages point anywhere
        read = part.analysis if part.analysis is not None else self.analyzer.analyse(part.text)
        if len(read.terms) < self.settings.part_min_terms:
            return part
        # a part with the service of the part before leaves it only for the service the classifier reads it as, and
        # only where one of its words marks that service: checked before the search, which it would otherwise cost
        leaving = part.service or main
        if part.from_message and not self._tells(read.terms, _first_service(said), leaving):
            return part
        hits = self.search(read, k=40, mode="fused" if language == "nb" else "dense", query_vector=vector)
        best: dict[str, float] = {}
        for h in hits:
            best.setdefault(h.chunk.service_id, h.score)
        if part.from_message and said is not None:
            # as services are ranked for a whole message: the passages and the classifier's reading of the part
            for sid, p in zip(said.labels, said.probs, strict=True):
                if sid in best:
                    best[sid] += self.settings.calibration.service_weight * p
        ranked = sorted(((s, sid) for sid, s in best.items() if sid in self.service_ids), reverse=True)
        if not ranked:
            return part
        score, target = ranked[0]
        # leaving the service of the part before takes the classifier reading the part as the service its passages
        # point to ("lupe", "ventelista"): a talk about gambling shares "snakke med" with palliative care
        if part.from_message and _first_service(said) != target:
            return part
        if target in (leaving, GENERAL_ID) or score < self.settings.answer_threshold \
                or score < best.get(leaving, 0.0) + self.settings.part_switch_margin:
            return part
        return dataclasses.replace(part, service=target, from_message=False)

    def _answers_all(self, service: str, aspects: Sequence[str]) -> bool:
        """Whether a service's own description answers every aspect asked besides what it is (none asked: no)."""
        specific = [a for a in aspects if a != "what"]
        return bool(specific) and all(a in self._answers.get(service, ()) for a in specific)

    def _rare_holders(self, terms: Sequence[str]) -> list[frozenset[str]]:
        """For each word that few services' descriptions hold (``part_rare_services``), those services: "lupe" (1),
        "ventelista" (2) mark what a part or a follow-up is about, where "vente" (5), "plass" (9) or "kurs" (5) are
        in many."""
        rare = self.settings.part_rare_services
        return [where for t in terms if len(where := self._services_with(t)) <= rare]

    def _tells(self, terms: Sequence[str], target: str, leaving: str) -> bool:
        """Whether a part holds a rare word (:meth:`_rare_holders`) that is in ``target``'s description and not in
        that of the one it would leave (``leaving``)."""
        return any(target in where and leaving not in where for where in self._rare_holders(terms))

    def _marked(self, terms: Sequence[str], shown: Sequence[str]) -> str:
        """The one service of ``shown`` a rare word of a follow-up marks (:meth:`_rare_holders`): in its
        description and in no other shown service's; "" when none or several."""
        shown = frozenset(shown)
        found = {sid for where in self._rare_holders(terms) if len(where & shown) == 1 for sid in where & shown}
        return next(iter(found)) if len(found) == 1 else ""


def _first_service(said: Prediction) -> str:
    """The most probable service of a prediction, past a "no service" reading (a part read alone often reads as no
    service first: "hvor lang er ventelista?" 0.37, long-term care next); "" when it has none."""
    return next((label for label in said.labels if label != NO_SERVICE), "")
