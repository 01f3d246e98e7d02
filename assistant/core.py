"""The assistant: question (and history) in, grounded Norwegian reply with citations out."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assistant import safety, templates
from assistant.compose import AnswerBuilder, pick_spans
from assistant.privacy import Masked, mask_personal_data, strip_masks
from assistant.settings import AssistantSettings
from assistant.types import Reply, Turn
from assistant.understanding import (
    ASPECT_SECTIONS,
    ServiceNames,
    clean_question,
    detect_aspect,
    looks_elliptic,
)
from corpus.guide import Guide, load_guide
from corpus.model import Chunk, Document
from index.retriever import Hit, Progress, Retriever

log = logging.getLogger(__name__)


#: After 113/116 117, the service to tell about for each kind of emergency, and the words to find its passage
#: (medical emergencies need nothing beyond 113 and legevakt, which the template already gives).
EMERGENCY_FOLLOW_UP: dict[str, tuple[str, str]] = {
    "suicide": ("psykisk-helse-rus", "psykisk helse samtaler oppfølging uten henvisning"),
}


@dataclass(frozen=True)
class Focus:
    """Which services a question is about, and why."""

    mentioned: tuple[str, ...]
    from_history: tuple[str, ...]

    @property
    def services(self) -> tuple[str, ...]:
        """Mentioned services, else the conversation's focus."""
        return self.mentioned or self.from_history


class Assistant:
    """Answers questions about Levanger's health and care services from the guide, with citations.

    Thread-safe for concurrent ``ask`` calls: the only shared mutable state is a bounded, locked cache
    of query embeddings.
    """

    def __init__(self, retriever: Retriever, guide: Guide, *, settings: AssistantSettings | None = None) -> None:
        self.retriever = retriever
        self.guide = guide
        self.settings = settings or AssistantSettings(index=retriever.settings)
        self.documents: dict[str, Document] = guide.by_id()
        self.names = ServiceNames.from_documents(guide.documents)
        self._by_section: dict[tuple[str, str], list[Chunk]] = {}
        for chunk in retriever.chunks:
            self._by_section.setdefault((chunk.service_id, chunk.section), []).append(chunk)
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def load(cls, *, settings: AssistantSettings | None = None, rebuild: bool = False,
             progress: Progress | None = None) -> Assistant:
        """Load the guide and the index (building the index if missing, stale or damaged)."""
        settings = settings or AssistantSettings()
        guide = load_guide()
        retriever = Retriever.open(settings=settings.index, guide=guide, rebuild=rebuild, progress=progress)
        return cls(retriever, guide, settings=settings)

    # -- retrieval helpers ----------------------------------------------------------------------

    def _embed(self, text: str) -> np.ndarray:
        with self._lock:
            if text in self._cache:
                self._cache.move_to_end(text)
                return self._cache[text]
        vector = self.retriever.embedder.encode_queries([text])[0]
        with self._lock:
            self._cache[text] = vector
            while len(self._cache) > 512:
                self._cache.popitem(last=False)
        return vector

    def search(self, query: str, *, mode: str = "fused", k: int | None = None) -> list[Hit]:
        """Retrieve passages for an already masked query."""
        vector = self._embed(query) if mode != "lexical" else None
        return self.retriever.search(query, k=k or self.settings.k, mode=mode, query_vector=vector)

    def _service_scores(self, hits: list[Hit], boosted: tuple[str, ...]) -> list[tuple[float, str]]:
        best: dict[str, float] = {}
        for hit in hits:
            sid = hit.chunk.service_id
            best[sid] = max(best.get(sid, 0.0), hit.score)
        for sid in boosted:
            best[sid] = best.get(sid, 0.0) + self.settings.mention_boost
        return sorted(((s, sid) for sid, s in best.items()), reverse=True)

    def _focus(self, question: str, history: Sequence[Turn]) -> Focus:
        mentioned = tuple(self.names.mentioned(question))
        if mentioned or not history or not looks_elliptic(question):
            return Focus(mentioned, ())
        for turn in reversed([t for t in history if t.role == "user"]):
            earlier = strip_masks(self._clean_and_mask(turn.text)[0].text)
            named = self.names.mentioned(earlier)
            if named:
                return Focus((), tuple(named[:1]))
            ranked = self._service_scores(self.search(earlier), ())
            if ranked and ranked[0][0] >= self.settings.answer_threshold:
                return Focus((), (ranked[0][1],))
        return Focus((), ())

    # -- answering ------------------------------------------------------------------------------

    def _clean_and_mask(self, text: object) -> tuple[Masked, bool]:
        """Clean, mask, then truncate: masking first, so a number cut by the limit cannot survive in part."""
        limit = self.settings.max_question_chars
        # a generous first bound keeps masking linear-time on megabyte inputs; only ``limit`` chars are kept
        cleaned, _ = clean_question(text, limit=limit * 4)
        masked = mask_personal_data(cleaned)
        short, truncated = clean_question(masked.text, limit=limit)
        return Masked(short, masked.found), truncated or len(cleaned) > limit

    def ask(self, question: object, history: Sequence[Turn] | None = None, *, mode: str = "fused") -> Reply:
        """Answer one question.

        Args:
            question: The user's text (anything; non-strings are handled, not raised on).
            history: Earlier turns, oldest first; only user turns are used to resolve follow-ups.
            mode: Retrieval mode ("fused", "dense", "lexical"), for the evaluation's ablations.

        Returns:
            A Reply with status "answered", "no_answer" or "emergency".
        """
        history = list(history or ())
        masked, truncated = self._clean_and_mask(question)
        notices = tuple(n for n, on in (("truncated", truncated), ("personal_data", masked.had_personal_data)) if on)
        q = masked.text
        if not q.strip():
            return Reply("no_answer", templates.EMPTY, notices=notices + ("empty",), question=q)
        checks = safety.check(q)
        if checks.injection:
            notices += ("injection",)
        focus = self._focus(q, history)
        aspect = detect_aspect(q)
        query = strip_masks(q)
        if focus.from_history:
            query = f"{query} {self.documents[focus.from_history[0]].title}"
        hits = self.search(query, mode=mode)
        ranked = self._service_scores(hits, focus.services)
        top_score = ranked[0][0] if ranked else 0.0

        builder = AnswerBuilder()
        if checks.emergency:
            confident = bool(ranked) and (bool(focus.services) or top_score >= self.settings.answer_threshold)
            chosen = self._emergency(builder, checks.emergency, ranked[:1] if confident else [], aspect, query, hits)
            return self._reply("emergency", builder, chosen, aspect, notices, q)

        if checks.injection:
            # a question that tries to re-program the assistant gets no answer at all, so nothing it asks for
            # can leak into a reply
            builder.add(templates.NO_ANSWER)
            return self._reply("no_answer", builder, [], aspect, notices, q)
        if checks.off_topic:
            # an off-topic word outweighs a loose service mention ("kommunal boligtomt" is not omsorgsbolig)
            answerable = top_score >= (self.settings.answer_threshold if focus.mentioned
                                       else self.settings.off_topic_threshold)
        else:
            answerable = bool(focus.services) or top_score >= self.settings.answer_threshold
        if not ranked or not answerable:
            builder.add(templates.OUT_OF_SCOPE if checks.off_topic else templates.NO_ANSWER)
            return self._reply("no_answer", builder, [], aspect, notices, q)

        main = ranked[0][1]
        self._answer_service(builder, main, aspect, query, hits, max_words=self.settings.max_words_main, lead=True)
        chosen = [ranked[0]]
        second = self._second_service(ranked, hits, focus)
        if second:
            chosen.append(second)
            doc = self.documents[second[1]]
            builder.add(templates.ALSO.format(title=f"**{doc.title}**"))
            self._answer_service(builder, doc.service_id, aspect, query, hits,
                                 max_words=self.settings.max_words_second)
        if aspect == "who":
            self._add_individual_assessment(builder)
        self._add_closing(builder, main, aspect, query)
        return self._reply("answered", builder, chosen, aspect, notices, q)

    def _emergency(self, builder: AnswerBuilder, kinds: tuple[str, ...], confident: list[tuple[float, str]],
                   aspect: str, query: str, hits: list[Hit]) -> list[tuple[float, str]]:
        """113 first, the numbers for the kind of emergency, then one relevant service; returns it."""
        builder.add(templates.EMERGENCY)
        if "suicide" in kinds:
            builder.add(templates.EMERGENCY_SUICIDE)
        if "violence" in kinds:
            builder.add(templates.EMERGENCY_VIOLENCE)
        if confident:
            self._answer_service(builder, confident[0][1], aspect, query, hits, max_words=35)
            return confident
        # nothing matched the words of the emergency itself; point to the service that helps next
        for kind in kinds:
            sid, cue = EMERGENCY_FOLLOW_UP.get(kind, ("", ""))
            if sid in self.documents:
                self._answer_service(builder, sid, "", cue, self.search(cue), max_words=35)
                return [(0.0, sid)]
        return []

    def _second_service(self, ranked: list[tuple[float, str]], hits: list[Hit],
                        focus: Focus) -> tuple[float, str] | None:
        """A second service to present briefly: one the question also names, or one that fits as well."""
        main = ranked[0][1]
        if len(focus.mentioned) > 1:
            named = next(sid for sid in focus.mentioned if sid != main) if main in focus.mentioned else focus.mentioned[0]
            found = [r for r in ranked if r[1] == named]
            if found:
                return found[0]
        # compare unboosted scores: naming one service must not hide an equally fitting neighbour
        raw = {sid: score for score, sid in self._service_scores(hits, ())}
        for r in ranked[1:]:
            score = raw.get(r[1], 0.0)
            doc = self.documents.get(r[1])
            if (score >= self.settings.second_service_ratio * raw.get(main, 0.0)
                    and score >= self.settings.answer_threshold and doc is not None and doc.kind == "service"):
                return r
        return None

    def _best_chunk(self, service_id: str, aspect: str, hits: list[Hit]) -> tuple[Chunk, float] | None:
        # "hva er ..." is a weak cue ("hva er klagefristen?" asks for a fact, not a definition): let
        # retrieval pick the passage; the other aspects name a section outright
        section = ASPECT_SECTIONS.get(aspect) if aspect != "what" else None
        own = [h for h in hits if h.chunk.service_id == service_id]
        if section:
            in_section = [h for h in own if h.chunk.section == section]
            if in_section:
                return in_section[0].chunk, in_section[0].score
            chunks = self._by_section.get((service_id, section))
            if chunks:
                return chunks[0], 0.0
        if own:
            return own[0].chunk, own[0].score
        first = next((c for (sid, _), cs in self._by_section.items() if sid == service_id for c in cs), None)
        return (first, 0.0) if first else None

    def _answer_service(self, builder: AnswerBuilder, service_id: str, aspect: str, query: str,
                        hits: list[Hit], *, max_words: int, lead: bool = False) -> None:
        found = self._best_chunk(service_id, aspect, hits)
        if found is None:
            return
        chunk, score = found
        doc = self.documents.get(service_id)
        if lead and doc is not None:
            template = templates.ASPECT_LEADS.get(aspect if aspect in ASPECT_SECTIONS else "", "Om {title}")
            title_lc = doc.title if doc.title[:2].isupper() else doc.title[:1].lower() + doc.title[1:]
            builder.add("**" + template.format(title=doc.title, title_lc=title_lc) + "**")
        builder.add_quoted(chunk, pick_spans(chunk, query, max_words=max_words), score)

    def _add_individual_assessment(self, builder: AnswerBuilder) -> None:
        chunks = self._by_section.get(("tildeling", "Individuell vurdering"))
        if chunks:
            spans = pick_spans(chunks[0], "individuell vurdering behov", max_words=30, max_spans=1)
            builder.add_quoted(chunks[0], spans, 0.0)
        else:
            builder.add(templates.ELIGIBILITY)

    def _add_closing(self, builder: AnswerBuilder, service_id: str, aspect: str, query: str) -> None:
        doc = self.documents.get(service_id)
        if doc is None or doc.kind != "service":
            return
        if aspect != "apply":
            apply_chunks = self._by_section.get((service_id, ASPECT_SECTIONS["apply"]))
            if apply_chunks:
                spans = pick_spans(apply_chunks[0], "søke søknad", max_words=28, max_spans=1)
                builder.add_quoted(apply_chunks[0], spans, 0.0, prefix="*Slik søker du:*")
        own = [c.section for c in builder.citations if c.service_id == service_id]
        section = own[0] if own else ASPECT_SECTIONS.get(aspect, "Hva er tjenesten?")
        builder.add(templates.MORE.format(title=doc.title, section=section))

    def _reply(self, status: str, builder: AnswerBuilder, chosen: list[tuple[float, str]], aspect: str,
               notices: tuple[str, ...], question: str) -> Reply:
        if "personal_data" in notices:
            builder.add(templates.PERSONAL_DATA)
        if "truncated" in notices:
            builder.add(templates.TRUNCATED.format(limit=self.settings.max_question_chars))
        services = tuple(dict.fromkeys([sid for _, sid in chosen] + [c.service_id for c in builder.citations]))
        return Reply(status=status, text=builder.text, citations=tuple(builder.citations),  # type: ignore[arg-type]
                     services=services, aspect=aspect, notices=notices, question=question)

    # -- browsing -------------------------------------------------------------------------------

    def document(self, service_id: str) -> Document | None:
        """A service's full description (for the browse view and staff mode)."""
        return self.documents.get(service_id)
