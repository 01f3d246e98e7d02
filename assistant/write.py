"""Step 3 of 3, write: say what the plan decided, behind a small ``Writer`` protocol.

The default :class:`ExtractiveWriter` uses no language model: every sentence is quoted verbatim from the
guide with a citation marker, or is one of the fixed templates of :mod:`assistant.templates`. Any other writer
(a language model, say) must produce a reply that passes the same runtime grounding check.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from assistant import templates
from assistant.compose import AnswerBuilder, pick_spans
from assistant.plan import GENERAL_ID, Plan, PlannedService
from assistant.settings import AssistantSettings
from assistant.types import Reply, ServiceRole
from corpus.model import Chunk, Document
from index.retriever import Hit

#: The service every application goes through.
ROUTE_SERVICE = "soknad-og-vedtak"
#: Which section answers an aspect ("contact" is answered by how to apply).
SECTION_OF_ASPECT = {"contact": "apply"}
# what the route and the individual-assessment sentences are picked by (their content, not the question's)
_ROUTE_CUE = "søknad søke Forvaltning helse og omsorg ett skjema alle tjenester"
_ASSESSMENT_CUE = "individuell vurdering behov"


class Writer(Protocol):
    """Turns a plan into a reply."""

    def write(self, plan: Plan) -> Reply:
        """Write the reply the plan describes."""
        ...


class ExtractiveWriter:
    """Quotes the guide: the best sentences of the planned sections, each with its citation."""

    def __init__(self, chunks: Sequence[Chunk], documents: Mapping[str, Document], *,
                 settings: AssistantSettings) -> None:
        self.documents = documents
        self.settings = settings
        self._by_aspect: dict[tuple[str, str], list[Chunk]] = {}
        for chunk in chunks:
            self._by_aspect.setdefault((chunk.service_id, chunk.aspect), []).append(chunk)
        self._first: dict[str, Chunk] = {}
        for chunk in chunks:
            self._first.setdefault(chunk.service_id, chunk)

    # -- picking passages ------------------------------------------------------------------------------

    def _chunk_for(self, service_id: str, aspect: str, hits: Sequence[Hit]) -> tuple[Chunk, float] | None:
        """The passage that answers ``aspect`` for a service: the best retrieved one of that section, else
        the section's first; for no aspect (or "what"), the service's best retrieved passage."""
        aspect = SECTION_OF_ASPECT.get(aspect, aspect)
        own = [h for h in hits if h.chunk.service_id == service_id]
        if aspect and aspect != "what":
            in_section = [h for h in own if h.chunk.aspect == aspect]
            if in_section:
                return in_section[0].chunk, in_section[0].score
            chunks = self._by_aspect.get((service_id, aspect))
            if chunks:
                return chunks[0], 0.0
        if aspect == "what":
            chunks = self._by_aspect.get((service_id, "what"))
            return (chunks[0], 0.0) if chunks else None
        if own:
            return own[0].chunk, own[0].score
        chunk = self._first.get(service_id)
        return (chunk, 0.0) if chunk else None

    def _quote(self, b: AnswerBuilder, service_id: str, aspect: str, plan: Plan, *, max_words: int,
               max_spans: int = 3, prefix: str = "", kind: str = "quote") -> Chunk | None:
        found = self._chunk_for(service_id, aspect, plan.hits)
        if found is None:
            return None
        chunk, score = found
        spans = pick_spans(chunk, plan.understanding.query, max_words=max_words, max_spans=max_spans)
        return chunk if b.add_quoted(chunk, spans, score, prefix=prefix, kind=kind) else None

    def _quote_cue(self, b: AnswerBuilder, service_id: str, aspect: str, cue: str, *, max_words: int,
                   prefix: str = "", kind: str = "quote") -> bool:
        chunks = self._by_aspect.get((service_id, aspect))
        if not chunks:
            return False
        return b.add_quoted(chunks[0], pick_spans(chunks[0], cue, max_words=max_words, max_spans=1), 0.0,
                            prefix=prefix, kind=kind)

    def _title(self, service_id: str) -> str:
        doc = self.documents.get(service_id)
        return doc.title if doc else service_id

    # -- the reply shapes ------------------------------------------------------------------------------

    def write(self, plan: Plan) -> Reply:
        """Write the reply for any plan."""
        b = AnswerBuilder()
        u = plan.understanding
        foreign = u.language != "nb"
        if plan.mode == "empty":
            b.add(templates.EMPTY, kind="decline")
        elif plan.mode == "emergency":
            self._emergency(b, plan)
        if foreign and plan.mode != "empty":
            b.add(templates.LANGUAGE_NOTES.get(u.language, templates.LANGUAGE_NOTES[templates.DEFAULT_LANGUAGE_NOTE]),
                  kind="language")
        if plan.mode in ("declined", "injection"):
            b.add(templates.NO_ANSWER, kind="decline")
        elif plan.mode == "out_of_scope":
            b.add(templates.OUT_OF_SCOPE, kind="decline")
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
        )

    def _emergency(self, b: AnswerBuilder, plan: Plan) -> None:
        kinds = plan.understanding.emergency
        b.add(templates.EMERGENCY, kind="emergency")
        if "suicide" in kinds:
            b.add(templates.EMERGENCY_SUICIDE, kind="emergency")
        if "violence" in kinds:
            b.add(templates.EMERGENCY_VIOLENCE, kind="emergency")
        if "poisoning" in kinds:
            b.add(templates.EMERGENCY_POISONING, kind="emergency")
        for service in plan.services:
            # what the service is, from its own opening: never the conversation's earlier topic
            self._quote(b, service.service_id, "what", plan, max_words=35, max_spans=2)

    def _direct(self, b: AnswerBuilder, plan: Plan) -> None:
        primary, *others = plan.services
        aspects = primary.aspects or ("",)
        b.add(templates.LEAD.format(title=self._title(primary.service_id)), kind="lead", service_id=primary.service_id)
        budget = self.settings.max_words_main if len(aspects) == 1 else self.settings.max_words_part
        for aspect in aspects:
            found = self._chunk_for(primary.service_id, aspect, plan.hits)
            if found is None:
                continue
            prefix = templates.PART.format(section=found[0].section) if aspect else ""
            self._quote(b, primary.service_id, aspect, plan, max_words=budget, prefix=prefix)
        if "who" in aspects:
            if not self._quote_cue(b, GENERAL_ID, "other", _ASSESSMENT_CUE, max_words=30):
                b.add(templates.ELIGIBILITY, kind="quote")
        for other in others:
            b.add(templates.ALSO.format(title=f"**{self._title(other.service_id)}**"), kind="also",
                  service_id=other.service_id)
            self._quote(b, other.service_id, aspects[0], plan, max_words=self.settings.max_words_second)
        self._closing(b, primary, plan)

    def _situation(self, b: AnswerBuilder, plan: Plan) -> None:
        b.add(templates.SITUATION_LEAD, kind="lead")
        for service in plan.services:
            prefix = templates.SERVICE_ITEM.format(title=self._title(service.service_id))
            # the part asked about (what it costs, who can get it), else the passage nearest the need
            aspect = service.aspects[0] if service.aspects else ""
            if not self._quote(b, service.service_id, aspect, plan, max_words=self.settings.max_words_situation,
                               max_spans=2, prefix=prefix, kind="service"):
                self._quote(b, service.service_id, "what", plan, max_words=self.settings.max_words_situation,
                            max_spans=1, prefix=prefix, kind="service")
        if not self._quote_cue(b, ROUTE_SERVICE, "what", _ROUTE_CUE, max_words=35,
                               prefix=templates.SITUATION_ROUTE, kind="route"):
            self._quote_cue(b, ROUTE_SERVICE, "apply", _ROUTE_CUE, max_words=35, prefix=templates.SITUATION_ROUTE,
                            kind="route")
        b.add(templates.NEXT_STEP, kind="next_step")

    def _closing(self, b: AnswerBuilder, primary: PlannedService, plan: Plan) -> None:
        """Every answer ends with a concrete next step: how to apply, and the switchboard."""
        sid = primary.service_id
        doc = self.documents.get(sid)
        if doc is None or doc.kind != "service":
            return
        if "apply" not in primary.aspects and "contact" not in primary.aspects:
            self._quote_cue(b, sid, "apply", "søke søknad", max_words=28, prefix=templates.SITUATION_ROUTE,
                            kind="route")
        own = [c.section for c in b.citations if c.service_id == sid]
        section = own[0] if own else doc.sections[0].heading
        b.add(templates.MORE.format(title=doc.title, section=section), kind="more", service_id=sid)
        b.add(templates.NEXT_STEP, kind="next_step")
