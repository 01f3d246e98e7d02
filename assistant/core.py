"""The assistant: question (and history) in, grounded Norwegian reply with citations out.

``ask`` runs the three steps with typed seams — :mod:`understand <assistant.understanding>` →
:mod:`plan <assistant.plan>` → :mod:`write <assistant.write>` — and the runtime grounding check
(:mod:`assistant.grounding`) before a reply leaves. A question costs one embedding: the same vector serves
retrieval and every meaning bank (needs, emergencies, out of scope).
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from assistant import templates
from assistant.meaning import BANK_DIR, Calibration, MeaningModel, all_banks
from assistant.plan import Plan, plan
from assistant.privacy import Masked, mask_personal_data, strip_masks
from assistant.settings import AssistantSettings
from assistant.types import Reply, Turn
from assistant.understanding import Understander, Understanding, clean_question
from assistant.write import ExtractiveWriter, Writer
from corpus.guide import Guide, load_guide
from corpus.model import Chunk, Document
from index.banks import Bank, banks_fingerprint
from index.normalize import normalise_text
from index.retriever import Hit, Progress, Retriever
from index.store import Manifest

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def routes() -> dict:
    """``assistant/banks/routes.yaml``: the service to tell about after each kind of emergency."""
    import yaml

    return yaml.safe_load((BANK_DIR / "routes.yaml").read_text(encoding="utf-8"))


class Assistant:
    """Answers questions about Levanger's health and care services from the guide, with citations.

    Thread-safe for concurrent ``ask`` calls: the only shared mutable state is a bounded, locked cache
    of query embeddings.
    """

    def __init__(self, retriever: Retriever, guide: Guide, *, settings: AssistantSettings | None = None,
                 writer: Writer | None = None) -> None:
        self.retriever = retriever
        self.guide = guide
        settings = settings or AssistantSettings(index=retriever.settings)
        calibration = settings.calibration or Calibration.for_backend(retriever.embedder.backend)
        self.settings = dataclasses.replace(settings, calibration=calibration)
        self.documents: dict[str, Document] = guide.by_id()
        self.service_ids = {d.service_id for d in guide.documents}
        wanted = all_banks(guide.documents)
        if retriever.manifest.banks == banks_fingerprint(wanted) and set(retriever.banks) >= set(wanted):
            banks = retriever.banks
        else:
            # an index built without (or with other) banks, e.g. directly through Retriever.open in tests
            banks = {name: Bank.build(name, entries, retriever.embedder) for name, entries in wanted.items()}
        self.banks: dict[str, Bank] = dict(banks)
        self.meaning = MeaningModel(self.banks, calibration)
        self.understander = Understander(guide.documents, calibration)
        self.writer: Writer = writer or ExtractiveWriter(retriever.chunks, self.documents, settings=self.settings)
        from assistant.grounding import Grounding

        self.grounding = Grounding(retriever.chunks, guide.documents)
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def load(cls, *, settings: AssistantSettings | None = None, rebuild: bool = False,
             progress: Progress | None = None) -> Assistant:
        """Load the guide and the index (building the index if missing, stale or damaged)."""
        settings = settings or AssistantSettings()
        guide = load_guide()
        retriever = Retriever.open(settings=settings.index, guide=guide, rebuild=rebuild, progress=progress,
                                   banks=all_banks(guide.documents))
        return cls(retriever, guide, settings=settings)

    # -- public accessors (the evaluation and the interfaces use these, nothing deeper) ---------------------

    @property
    def chunks(self) -> list[Chunk]:
        """Every indexed passage, in index order."""
        return self.retriever.chunks

    @property
    def manifest(self) -> Manifest:
        """The served index generation's manifest."""
        return self.retriever.manifest

    def embed(self, text: str) -> np.ndarray:
        """The (cached) query embedding of ``text``."""
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

    def embed_uncached(self, text: str) -> np.ndarray:
        """One query embedding, bypassing the cache (the evaluation times it against a whole ``ask``)."""
        return self.retriever.embedder.encode_queries([text])[0]

    def search(self, query: str, *, mode: str = "fused", k: int | None = None,
               query_vector: np.ndarray | None = None) -> list[Hit]:
        """Retrieve passages for an already masked query (embedding it unless ``query_vector`` is given)."""
        if query_vector is None and mode != "lexical":
            query_vector = self.embed(query)
        return self.retriever.search(query, k=k or self.settings.k, mode=mode, query_vector=query_vector)

    def passage_cosines(self, text: str) -> np.ndarray:
        """Raw cosine of ``text``'s query embedding with every passage, in index order (for calibration)."""
        return self.retriever.dense.all_scores(self.embed(text))

    def document(self, service_id: str) -> Document | None:
        """A service's full description (for the browse view and staff mode)."""
        return self.documents.get(service_id)

    # -- the pipeline -----------------------------------------------------------------------------------

    def _clean_and_mask(self, text: object) -> tuple[Masked, bool]:
        """Clean, mask, then truncate: masking first, so a number cut by the limit cannot survive in part."""
        limit = self.settings.max_question_chars
        # a generous first bound keeps masking linear-time on megabyte inputs; only ``limit`` chars are kept
        cleaned, _ = clean_question(text, limit=limit * 4)
        masked = mask_personal_data(cleaned)
        short, truncated = clean_question(masked.text, limit=limit)
        return Masked(short, masked.found), truncated or len(cleaned) > limit

    def _history_services(self, history: Sequence[Turn]) -> tuple[str, ...]:
        """The conversation's topic, most recent first: services an assistant turn was about (when the caller
        passes them), else the service an earlier user turn names, else its best lexical match (no embedding)."""
        names = self.understander.names
        for turn in reversed(history):
            if turn.role == "assistant":
                known = tuple(s for s in turn.services if s in self.service_ids)
                if known:
                    return known
                continue
            earlier = strip_masks(self._clean_and_mask(turn.text)[0].text)
            named = names.mentioned(normalise_text(earlier))
            if named:
                return tuple(named[:1])
            hits = self.search(earlier, k=10, mode="lexical")
            if hits and hits[0].score >= self.settings.answer_threshold and hits[0].chunk.service_id in self.service_ids:
                return (hits[0].chunk.service_id,)
        return ()

    def understand(self, question: object, history: Sequence[Turn] = (), *,
                   mode: str = "fused") -> tuple[Understanding, list[Hit]]:
        """Step 1 (with retrieval): the question's understanding and the passages for it."""
        masked, truncated = self._clean_and_mask(question)
        notices = tuple(n for n, on in (("truncated", truncated), ("personal_data", masked.had_personal_data)) if on)
        query = strip_masks(masked.text)
        if not query.strip():
            return Understanding(masked.text, query, notices=notices + ("empty",)), []
        vector = self.embed(query) if mode != "lexical" else None
        meaning = self.meaning.score(vector, query) if vector is not None else None
        u = self.understander.understand(masked.text, query=query, notices=notices, meaning=meaning,
                                         history=history, history_services=self._history_services(history))
        # the lexical side must not veto a question in another language: it knows only Norwegian words
        search_mode = "dense" if (mode == "fused" and u.language != "nb") else mode
        k = self.settings.k
        hits = self.search(query, k=k, mode=search_mode, query_vector=vector)
        if u.focus:
            focus = u.focus[0]
            resolved = self.search(f"{query} {self.documents[focus].title}", k=k, mode=search_mode,
                                   query_vector=vector)
            alone_top = hits[0].score if hits else 0.0
            focus_best = max((h.score for h in resolved if h.chunk.service_id == focus), default=0.0)
            # inherit the topic only when leaning on it explains the question at least as well as the question
            # explains itself
            if alone_top < self.settings.answer_threshold or focus_best >= self.settings.follow_up_ratio * alone_top:
                return u, resolved
            u = dataclasses.replace(u, focus=())
        return u, hits

    def plan(self, u: Understanding, hits: Sequence[Hit]) -> Plan:
        """Step 2: decide what to tell."""
        return plan(u, hits, settings=self.settings, service_ids=self.service_ids,
                    emergency_services=dict(routes()["emergency"]))

    def ask(self, question: object, history: Sequence[Turn] | None = None, *, mode: str = "fused") -> Reply:
        """Answer one question.

        Args:
            question: The user's text (anything; non-strings are handled, not raised on).
            history: Earlier turns, oldest first. A turn inherits their topic only when it leans on it.
            mode: Retrieval mode ("fused", "dense", "lexical"), for the evaluation's ablations.

        Returns:
            A Reply with status "answered", "no_answer" or "emergency", which has passed the grounding check.
        """
        u, hits = self.understand(question, list(history or ()), mode=mode)
        reply = self.writer.write(self.plan(u, hits))
        problems = self.grounding.problems(reply)
        if problems:
            # never show an ungrounded reply; log only how many problems (their text may quote the question)
            log.error("a reply failed the grounding check (%d problems); sending the human route instead",
                      len(problems))
            return Reply("no_answer", templates.NO_ANSWER, notices=u.notices + ("ungrounded",), question=u.question,
                         mode="declined", language=u.language)
        return reply
