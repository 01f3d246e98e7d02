"""How a reply ends: the way to get the service (its route sentence, or whom to contact), then the next step.

A service's front matter names its route (``route: {kind, sentence, contact?}``) with the guide's own sentences:
apply to Forvaltning, contact directly, NAV, the GP. The contact sentence leads when the question asks whom to
contact, or names what only that sentence holds ("kreftkoordinator": reached by phone, not by applying for home
nursing). A service reached by contacting it (kind ``direct``) always says how: its contact sentence comes with its
route sentence.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from assistant import templates
from assistant.compose import AnswerBuilder, Span
from assistant.declines import outside_parts
from assistant.plan import GENERAL_ID, Plan
from assistant.select import SectionPicker
from assistant.select_weights import DETAIL_MIN
from corpus.model import Chunk, Document
from corpus.schema import heading_for
from index.analysis import Analysis, Analyzer

__all__ = ["Routes", "granted_by_forvaltning", "next_step"]

#: What a service's route sentence is picked by when its front matter names none.
_ROUTE_CUE = "søke søknad kontakt"
#: What the individual-assessment sentence of the general document is picked by (its content, not the question).
_ASSESSMENT_CUE = "individuell vurdering behov"


class Routes:
    """The routes of the guide's services, read once (``picker``: the guide's sentences)."""

    def __init__(self, picker: SectionPicker, documents: Mapping[str, Document], analyzer: Analyzer) -> None:
        self.picker = picker
        self.documents = documents
        self._cue = analyzer.analyse(_ROUTE_CUE)
        self._assessment_cue = analyzer.analyse(_ASSESSMENT_CUE)
        # the route sentences' terms, read once here, never per question
        self._terms = {d.service_id: (picker.terms(d.route.contact), picker.terms(d.route.sentence))
                       for d in documents.values() if d.route and d.route.contact}
        # the words of how to reach someone ("ring", "telefon", "sentralbordet", "kl."): in the contact sentences of
        # several services, they tell none of them apart; what is contacted does
        counts = Counter(t for contact, _ in self._terms.values() for t in contact)
        self._channel = frozenset(t for t, n in counts.items() if n >= 2)

    def route(self, b: AnswerBuilder, service_id: str, query: Analysis | None = None, *,
              contact: bool = False) -> None:
        """How to get the service: its own route sentence from the guide, else the opening of its section on how
        to apply; whom to contact first when ``contact`` (the question asks whom) or when the question names a
        telling word only the contact sentence holds."""
        doc = self.documents.get(service_id)
        if doc is None or doc.kind != "service":
            return
        label = heading_for("apply")
        routes = [doc.route.sentence] if doc.route else []
        terms = self._terms.get(service_id)
        if doc.route and terms and (contact or (query is not None and self.picker.telling(
                service_id, query, terms[0], beyond=terms[1], ignore=self._channel) >= DETAIL_MIN)):
            routes.insert(0, doc.route.contact)
        if direct := _direct_contact(doc):
            # a service reached by contacting it: the sentence that says one may (or need not apply, "uten
            # henvisning") and the one that says how, together; either alone left the asker without the way
            together = dict.fromkeys([*routes, direct])
            found = [f for f in (self.picker.sentence(service_id, None, text) for text in together) if f is not None]
            if found and self._quote_together(b, found, label):
                return
        for text in routes:
            found = self.picker.sentence(service_id, None, text)
            if found is not None and b.add_quoted(found[0], found[1], 0.0, prefix=templates.SITUATION_ROUTE,
                                                  label=label, kind="route"):
                return
        b.add_passage(self.picker.pick(service_id, "apply", self._cue, max_words=28, max_spans=1, skip=b.quoted),
                      prefix=templates.SITUATION_ROUTE, label=label, kind="route")

    @staticmethod
    def _quote_together(b: AnswerBuilder, found: list[tuple[Chunk, list[Span]]], label: str) -> bool:
        """Route sentences under one label: one paragraph per chunk, in the guide's reading order within it (a
        citation quotes its chunk in order, so whom to contact cannot lead a sentence the guide puts before it)."""
        added = False
        for chunk in dict.fromkeys(c for c, _ in found):
            spans = sorted((s for c, ss in found if c == chunk for s in ss), key=lambda s: s.start)
            added |= b.add_quoted(chunk, spans, 0.0, prefix="" if added else templates.SITUATION_ROUTE, label=label,
                                  kind="route")
        return added

    def closing_route(self, b: AnswerBuilder, service_id: str, plan: Plan, query: Analysis) -> None:
        """The service's own route at the end of an answer (unless its section on how to apply was quoted already:
        then, for a service reached directly, only how to reach it where that section's sentences left it out); the
        switchboard (:func:`next_step`) follows it, after any need the message tells beside its question."""
        if (service_id, "apply") not in b.sections:
            self.route(b, service_id, query, contact="contact" in plan.understanding.aspects)
            return
        direct = _direct_contact(self.documents.get(service_id))
        if direct and direct not in b.text:
            found = self.picker.sentence(service_id, None, direct)
            if found is not None:
                b.add_quoted(found[0], found[1], 0.0, kind="route")

    def end_of_answer(self, b: AnswerBuilder, services: Sequence[str], who: Sequence[str], plan: Plan,
                      query: Analysis, *, routed: bool) -> None:
        """The end of a direct answer about ``services``, before any need told beside it: unless each service asked
        about ended with its own route (``routed``, :meth:`end_of_service`), that the services are granted after an
        individual assessment (when who can get them was asked); the parts asked outside the guide, declined with
        their bodies; then one route."""
        if not routed:
            self.assessment(b, who, staff=plan.audience == "staff")
        outside_parts(b, plan.understanding.outside_parts)
        if not routed and services:
            # the route is the one of a service the reply answered: "klagefristen på et vedtak om hjemmehjelp" is
            # answered by the appeal's description, so it ends with how to appeal, not how to apply for hjemmehjelp
            primary = plan.services[0].service_id if plan.services else ""
            self.closing_route(b, primary if primary in services else services[0], plan, query)

    def end_of_service(self, b: AnswerBuilder, service_id: str, plan: Plan, query: Analysis, *, who: bool) -> None:
        """The end of one service's answer in a reply about several: that it is granted after an individual
        assessment (when who can get it was asked) and its own route, under its name."""
        if who:
            self.assessment(b, [service_id], staff=plan.audience == "staff")
        self.closing_route(b, service_id, plan, query)

    def assessment(self, b: AnswerBuilder, who: Sequence[str], *, staff: bool) -> None:
        """That services are granted after an individual assessment, in a reply on who can get ``who``: only for a
        service Forvaltning grants by decision (a doctor decides on KAD, the county on the TT card, NAV on social
        assistance), and only when the reply has not said so in the service's own words. The general document's
        sentence, else the fixed one."""
        granted = any(granted_by_forvaltning(d) for d in map(self.documents.get, who))
        if not granted or "individuell vurdering" in b.text.lower():
            return
        groups = self.picker.pick(GENERAL_ID, "other", self._assessment_cue, max_words=30, max_spans=1, skip=b.quoted)
        if not any(b.add_quoted(chunk, spans, 0.0) for chunk, spans in groups[:1]):
            b.add(templates.ELIGIBILITY_STAFF if staff else templates.ELIGIBILITY, kind="quote")


def granted_by_forvaltning(doc: Document | None) -> bool:
    """Whether Forvaltning helse og omsorg grants the service by decision (its front matter's route kind): not one
    NAV, a doctor, the county or the service itself decides on, nor a description with no route."""
    return doc is not None and doc.route is not None and doc.route.kind == "forvaltning"


def _direct_contact(doc: Document | None) -> str:
    """The contact sentence of a service reached by contacting it (route kind ``direct``), "" for any other."""
    return doc.route.contact if doc is not None and doc.route is not None and doc.route.kind == "direct" else ""


def next_step(plan: Plan) -> str:
    """The closing line: to the asker, or, in staff mode, what the caller can do."""
    return templates.NEXT_STEP_STAFF if plan.audience == "staff" else templates.NEXT_STEP
