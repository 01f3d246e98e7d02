"""Step 3 of 3, write: say what the plan decided, behind a small ``Writer`` protocol.

The default :class:`ExtractiveWriter` uses no language model: every sentence is quoted verbatim from the
guide with a citation marker, or is one of the fixed templates of :mod:`assistant.templates`. Any other writer
(a language model, say) must produce a reply that passes the same runtime grounding check.

It writes as a caseworker answers: each part asked, in order, under the guide's own heading, with the sentences
of that section that hold the answer (:mod:`assistant.select`); a situation answer leads with the service that
fits and why, then how to get it; a direct answer ends each service it answers with that service's own route,
quoted, then any need the message told beside its question (what that service is and how to get it,
:mod:`assistant.second_need`), and every answered reply with the switchboard.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from assistant import templates
from assistant.compose import AnswerBuilder
from assistant.declines import emergency_box, out_of_scope
from assistant.everyday import everyday_words
from assistant.prices import with_whom_to_ask
from assistant.plan import GENERAL_ID, SECTION_OF_ASPECT, Plan, PlannedPart, PlannedService
from assistant.routes import Routes, granted_by_forvaltning, next_step
from assistant.select import SectionPicker
from assistant.select_weights import DETAIL_MIN, PART_DETAIL_MIN
from assistant.topics import TopicAnswers
from assistant.settings import AssistantSettings
from assistant.types import Reply, ServiceRole
from assistant.message import asking_text, word_count
from corpus.model import Chunk, Document
from assistant.rules import rules
from index.analysis import Analysis, Analyzer, default_analyzer

#: Where a reason for a service in a situation answer comes from, in order of preference.
_REASON_ASPECTS = ("what", "included", "who")


class Writer(Protocol):
    """Turns a plan into a reply."""

    def write(self, plan: Plan) -> Reply:
        """Write the reply the plan describes."""
        ...


class ExtractiveWriter:
    """Quotes the guide: the sentences of the planned sections that answer, each with its citation."""

    def __init__(self, chunks: Sequence[Chunk], documents: Mapping[str, Document], *,
                 settings: AssistantSettings, analyzer: Analyzer | None = None) -> None:
        self.documents = documents
        self.settings = settings
        self.analyzer = analyzer or default_analyzer()
        # the guide's sentences and the fixed cues are read once, here; a question's analysis comes with the plan
        self.picker = SectionPicker(chunks, self.analyzer, everyday=everyday_words(self.analyzer))
        # whether Forvaltning grants a service is its front matter's route
        self.topics = TopicAnswers(self.picker, self._title,
                                   granted=lambda sid: granted_by_forvaltning(self.documents.get(sid)))
        self.routes = Routes(self.picker, documents, self.analyzer)

    def _read(self, text: str, analysis: Analysis | None) -> Analysis:
        """The analysis understanding made of ``text``; read here only when the plan carries none (a plan made
        by hand) or another analyser made it."""
        if analysis is not None and analysis.analyzer == self.analyzer.fingerprint:
            return analysis
        return self.analyzer.analyse(text)

    def _title(self, service_id: str) -> str:
        doc = self.documents.get(service_id)
        return doc.title if doc else service_id

    # -- the reply shapes ------------------------------------------------------------------------------

    def write(self, plan: Plan) -> Reply:
        """Write the reply for any plan."""
        b = AnswerBuilder.without(plan.unfit)
        u = plan.understanding
        foreign = u.language != "nb"
        if plan.mode == "empty":
            b.add(templates.EMPTY, kind="decline")
        elif plan.mode == "emergency":
            emergency_box(b, plan.understanding)
        if u.concern and plan.mode in ("direct", "situation", "clarify", "declined", "out_of_scope"):
            # one neutral line first: a concern is not an emergency, and a suicide banner on low mood misleads (tried
            # again on 2026-12-07 as a conditional line, "Har du tanker om å ta livet ditt ...", where the reading is
            # suicide: on the dev pairs a blind reader called it a false emergency on an eviction, a debt and an
            # exhausted carer, and the probes' farewells it was for are boxed by their words now)
            b.add(templates.SAFETY_LINE, kind="safety")
        if foreign and plan.mode != "empty":
            b.add(templates.data().language_note(u.language), kind="language")
        if plan.mode in ("declined", "injection"):
            b.add(templates.NO_ANSWER, kind="decline")
        elif plan.mode == "out_of_scope":
            out_of_scope(b, plan.understanding.outside_topic)
        elif plan.mode == "smalltalk":
            b.add(templates.SMALL_TALK[u.intent], kind="smalltalk")
        elif plan.mode == "clarify":
            b.add(templates.CLARIFY, kind="clarify")
        elif plan.mode == "direct":
            self._direct(b, plan)
        elif plan.mode == "situation":
            self._situation(b, plan)
        if "personal_data" in u.notices:
            b.add(templates.PERSONAL_DATA, kind="notice")
        if "truncated" in u.notices:
            b.add(templates.TRUNCATED.format(limit=self.settings.max_question_chars), kind="notice")
        chosen = [s.service_id for s in plan.services]
        services = tuple(dict.fromkeys(chosen + [c.service_id for c in b.citations if c.service_id != GENERAL_ID]))
        return Reply(
            status=plan.status, text=b.text, citations=tuple(b.citations), services=services,  # type: ignore[arg-type]
            aspect=u.aspects[0] if u.aspects else "", notices=u.notices, question=u.question,
            roles=tuple(ServiceRole(s.service_id, s.role, s.reason) for s in plan.services),
            aspects=u.aspects, mode=plan.mode, language=u.language, parts=tuple(p for p in b.parts if p.text),
            suggestions=plan.suggestions,
        )

    def _part(self, b: AnswerBuilder, service_id: str, aspect: str, query: Analysis, *, max_words: int,
              heading: bool = True, prefix: str = "", label: str = "", kind: str = "quote", max_spans: int = 3,
              whole_lists: bool = False, whole_section: int = 0, opening: bool = False, in_order: bool = False,
              affirmative: bool = False, opening_run: int = 0) -> bool:
        """Quote the sentences of one section that answer ``query``; returns whether anything was added."""
        if aspect in rules().topics:
            return self.topics.answer(b, service_id, aspect, max_spans=min(max_spans, rules().topics[aspect].spans))
        aspect = SECTION_OF_ASPECT.get(aspect, aspect) or "what"
        groups = self.picker.pick(service_id, aspect, query, max_words=max_words, max_spans=max_spans,
                                  skip=b.quoted, whole_lists=whole_lists, whole_section=whole_section,
                                  opening=opening, in_order=in_order, affirmative=affirmative,
                                  opening_run=opening_run)
        groups = with_whom_to_ask(self.picker, b, service_id, aspect, groups)
        return b.add_passage(groups, heading=heading, prefix=prefix, label=label, kind=kind)

    def _direct(self, b: AnswerBuilder, plan: Plan) -> None:
        """Each part asked, in order, under its service's name and the guide's heading of the section that
        answers it; parts answered by the same section share one heading and one choice of sentences. A part that
        asks a section its service has is answered from it, and then from the section holding more of its words
        when that is another."""
        primary = plan.services[0]
        u = plan.understanding
        parts = plan.parts or (PlannedPart(primary.service_id, "", u.query, u.analysis),)
        # a need the message tells beside what it asks (assistant/second_need.py) is answered after the parts asked,
        # and does not make the asked ones share their budget
        told = {s.service_id for s in plan.services if s.reason == "told"}
        asked = [p for p in parts if p.service_id not in told]
        budget = self.settings.max_words_main if len(asked) <= 1 else self.settings.max_words_part
        sections: dict[tuple[str, str], list[PlannedPart]] = {}
        several = len(asked) > 1
        for part in asked:
            aspect = SECTION_OF_ASPECT.get(part.aspect, part.aspect)
            sid = part.service_id
            if aspect in rules().topics:
                # answered wherever the guide states it, not from one section, under the name of the service
                # whose description states it
                sid = self.topics.source(sid, aspect)
            elif (aspect or several) and u.aspects_from != "same_question":
                # the section whose sentences hold the answer (a part that names no aspect starts from what the
                # service is); a follow-up that asks the last question again keeps its section
                read = self._read(part.text, part.analysis)
                held = self.picker.best_aspect(part.service_id, aspect or "what", read, avoid=("law",))
                if held != aspect and aspect not in ("", "what") and self.picker.has(sid, aspect):
                    # the section asked first where the service has it (moved away, a price question got what the
                    # service is, "avtale med kommunen", and lost its price: docs/evaluation.md), then the one
                    # holding the words, in case the aspect was misread from a cue ("må jeg ha henvisning" read as
                    # what is expected)
                    sections.setdefault((sid, aspect), []).append(part)
                aspect = held
            sections.setdefault((sid, aspect), []).append(part)
        current = ""
        # each service once, with its parts in the order asked: the services in the order first asked about
        order = list(dict.fromkeys(sid for sid, _ in sections))
        grouped = sorted(sections.items(), key=lambda item: order.index(item[0][0]))
        own = {p.service_id for p in asked} & set(order) if len(order) > 1 else set()
        whole = self._read(u.query, u.analysis)
        for i, ((sid, aspect), asking) in enumerate(grouped):
            if sid != current:
                b.add(templates.LEAD.format(title=self._title(sid)), kind="lead", service_id=sid)
                current = sid
            texts = list(dict.fromkeys(p.text for p in asking))
            # one part's words were read during understanding; the words of several parts together are new text
            query = self._read(asking[0].text, asking[0].analysis) if len(texts) == 1 else \
                self.analyzer.analyse(" ".join(texts))
            criteria = self.settings.criteria_words if aspect == "who" else 0
            self._part(b, sid, aspect, query, max_words=budget * len(asking),
                       heading=bool(aspect), whole_lists=True, max_spans=4, in_order=aspect == "apply",
                       whole_section=max(criteria, self.settings.price_words if aspect == "cost" else 0,
                                         self.settings.whole_section_words) if aspect else 0,
                       opening_run=criteria)
            doc = self.documents.get(sid)
            if i + 1 < len(grouped) and grouped[i + 1][0][0] == sid:
                continue
            # what every answer about the service states, after the parts asked (how to appeal: by when)
            for topic in doc.always_tell if doc is not None else ():
                self.topics.tell(b, sid, topic)
            if several or u.aspects_from == "same_question":
                # a part's own service only: one answered from a fallback's description (how long any decision
                # takes) would find its words in how to apply in general. The last question asked again for
                # something else ("gjelder det også vinduene?") keeps its section, and the thing it names is a detail
                # of its own ("vindusvask" under what is not included)
                self._unanswered_details(b, sid, [p for (s, _), ps in grouped if s == sid for p in ps
                                                  if p.service_id == sid])
            if sid in own:
                # with several services, each asked about ends with its own route: the first one's after the last
                # one's answer read as the last one's ("ta kontakt med syns- og hørselskontakten" under the TT card)
                self.routes.end_of_service(b, sid, plan, whole, who=(sid, "who") in sections)
        self.routes.end_of_answer(b, order, [sid for sid, aspect in sections if aspect == "who"], plan, whole,
                                  routed=bool(own))
        for part in (p for p in parts if p.service_id in told):
            self._told(b, part)
        b.add(next_step(plan), kind="next_step")

    def _told(self, b: AnswerBuilder, part: PlannedPart) -> None:
        """A need the message tells beside what it asks, after the answer to what it asks: the service's name, what
        it is (its description's opening, with the sentence nearest the need) and how to get it, as a situation
        answer tells a service that fits. No detail beyond: the words of a need told in passing ("mor mi") found
        padding ("veiledning til pårørende")."""
        sid = part.service_id
        query = self._read(part.text, part.analysis)
        b.add(templates.LEAD.format(title=self._title(sid)), kind="lead", service_id=sid)
        self._part(b, sid, "what", query, max_words=self.settings.max_words_part, max_spans=2, opening=True,
                   affirmative=True)
        self.routes.route(b, sid, query)

    def _unanswered_details(self, b: AnswerBuilder, service_id: str, parts: Sequence[PlannedPart]) -> None:
        """For each part of a message that asks several things (or of the last question asked again for something
        else), the sentence of an unquoted section that holds a rare word of the part: "dekker dere utgiftene når de
        går på kino", beside who can get a support contact, is answered by the price section's activity expenses."""
        for part in {p.text: p for p in parts}.values():
            quoted = tuple(aspect for sid, aspect in b.sections if sid == service_id)
            self._detail(b, service_id, self._read(part.text, part.analysis), avoid=("law", "apply", *quoted),
                         floor=PART_DETAIL_MIN)

    def _situation(self, b: AnswerBuilder, plan: Plan) -> None:
        """The service that fits, why (its sentences nearest the need), how to get it; then at most two more
        that fit too, each with one reason."""
        u = plan.understanding
        query = self._read(u.query, u.analysis)
        primary, *others = plan.services
        b.add(templates.SITUATION_LEAD_STAFF if plan.audience == "staff" else templates.SITUATION_LEAD_ONE,
              kind="lead")
        self._reason(b, primary, query, max_words=self.settings.max_words_situation, max_spans=2)
        if u.asks:
            # only what the message asks: the words of its story ("bussen", "helg") would pick details nobody asked
            asking = asking_text(u.query)
            self._detail(b, primary.service_id, self.analyzer.analyse(asking) if asking != u.query else query)
        elif word_count(u.query) <= self.settings.short_situation_words:
            # a situation told in a few words is all need, no story: the sentence of what the service is, does or
            # is for that holds its telling words ("glemmer medisinene": "hjelp med legemidler, som å dele ut
            # medisiner") says why it fits; not what is expected of the asker, nor what the service does not do
            self._detail(b, primary.service_id, query, avoid=("law", "apply", "expected", "cost"), affirmative=True)
        if u.language != "nb":
            # cue words and shared words read Norwegian only: for another language, the section of the service that
            # the multilingual embedder puts nearest the question is what it asks about
            self._nearest_section(b, plan, primary.service_id, query)
        # a situation told without a question asks nothing beyond what fits; a question in it is answered
        asked = primary.aspects if u.asks else ()
        for aspect in asked:
            # a section the detail above quoted from already answered (its heading once, never twice)
            if aspect not in ("what", "apply", "contact") \
                    and (primary.service_id, SECTION_OF_ASPECT.get(aspect, aspect)) not in b.sections:
                self._part(b, primary.service_id, aspect, query, max_words=self.settings.max_words_part)
        # how to get it is the route itself, whether or not it was asked
        self.routes.route(b, primary.service_id, query, contact=u.asks and "contact" in u.aspects)
        if others:
            b.add(templates.ALSO_RELEVANT, kind="also")
            for other in others:
                self._reason(b, other, query, max_words=self.settings.max_words_second, max_spans=1)
        b.add(next_step(plan), kind="next_step")

    def _nearest_section(self, b: AnswerBuilder, plan: Plan, service_id: str, query: Analysis) -> None:
        """The section of the service whose passage retrieval ranked first, when the reply has not quoted it and it
        is neither what the service is nor how to apply or its law (those the reply tells anyway), nor what is
        expected of the asker (a situation's need is rarely answered by the asker's duties: "Du må ha kjøleskap")."""
        hit = next((h for h in plan.hits if h.chunk.service_id == service_id), None)
        if hit is None or hit.chunk.aspect in ("what", "apply", "law", "expected") \
                or (service_id, hit.chunk.aspect) in b.sections:
            return
        self._part(b, service_id, hit.chunk.aspect, query, max_words=self.settings.max_words_part, whole_lists=True,
                   whole_section=self.settings.whole_section_words)

    def _detail(self, b: AnswerBuilder, service_id: str, query: Analysis, *,
                avoid: Sequence[str] = ("law", "apply"), affirmative: bool = False, floor: float = DETAIL_MIN) -> bool:
        """The sentence of the service that holds a detail the question asks about and the reply has not told
        yet (a sensor that alerts, the cancer coordinator), under its section's heading."""
        aspect, groups = self.picker.detail(service_id, query, skip=b.quoted, avoid=avoid, affirmative=affirmative,
                                            floor=floor)
        return b.add_passage(with_whom_to_ask(self.picker, b, service_id, aspect, groups), heading=True)

    def _reason(self, b: AnswerBuilder, service: PlannedService, query: Analysis, *, max_words: int,
                max_spans: int) -> None:
        """Why a service fits: the sentences of its own description nearest the question (what it is, what it
        includes, whom it is for), never its application sentence."""
        title = self._title(service.service_id)
        prefix = templates.SERVICE_ITEM.format(title=title)
        for aspect in _REASON_ASPECTS:
            if self._part(b, service.service_id, aspect, query, max_words=max_words, max_spans=max_spans,
                          heading=False, prefix=prefix, label=title, kind="service", opening=True,
                          affirmative=True):
                return
        b.add(f"**{self._title(service.service_id)}**", kind="service", service_id=service.service_id)
