"""The assistant: question (and history) in, grounded Norwegian reply with citations out.

``ask`` runs the three steps with typed seams — :mod:`understand <assistant.understanding>` →
:mod:`plan <assistant.plan>` → :mod:`write <assistant.write>` — and the runtime grounding check
(:mod:`assistant.grounding`) before a reply leaves. A question costs one batch of embeddings: the question's own
vector serves retrieval, every meaning bank and the classifiers; a message of several sentences adds one per
sentence (for safety, at most ``max_safety_sentences``) and one per question it asks (at most three), and a
relative's turn to their own need one more, read as theirs. A follow-up is read once more with the turn before
(:mod:`assistant.context_lead`), and a first message that tells a need beside what it asks about a named service
(:mod:`assistant.second_need`) a second time, its rest only (about 35 → 47 ms for such a question).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence

import numpy as np

from assistant import templates
from assistant.about_assistant import reads_as_about, to_assistant
from assistant.age_scopes import AgeScopes
from assistant.closing import courteous, read_after_greeting, read_closing, split_opening
from assistant.context_lead import ContextLead
from assistant.conversation import Conversation
from assistant.bank_texts import CLASSIFIED, all_banks
from assistant.derived import banks_and_classifiers
from assistant.meaning import Calibration, MeaningModel
from assistant.plan import Audience, Plan, plan
from assistant.privacy import Masked, clean_and_mask, strip_masks
from assistant.query_vectors import QueryVectors
from assistant.settings import AssistantSettings
from assistant.types import Reply, Turn
from assistant.message import detect_language, pattern_tail, split_parts
from assistant.safety import read_danger, safety_sentences
from assistant.second_need import ToldNeeds
from assistant.understanding import Understander, Understanding
from assistant.write import ExtractiveWriter, Writer
from corpus.guide import Guide, load_guide
from corpus.model import Chunk, Document
from index.banks import Bank
from index.analysis import Analysis
from index.classifier import TextClassifier
from index.retriever import Hit, Progress, Retriever
from index.store import Manifest

log = logging.getLogger(__name__)


class Assistant:
    """Answers questions about Levanger's health and care services from the guide, with citations.

    Thread-safe for concurrent ``ask`` calls: the only shared mutable state is a bounded, locked cache
    of query embeddings (:mod:`assistant.query_vectors`).
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
        self.banks: dict[str, Bank]
        self.classifiers: dict[str, TextClassifier]
        self.banks, self.classifiers = banks_and_classifiers(retriever, guide.documents)
        #: The index's text analyser, one instance for every lexical reading: a question is read once per ask.
        self.analyzer = retriever.analyzer
        self.meaning = MeaningModel(self.banks, calibration, analyzer=self.analyzer)
        self.understander = Understander(guide.documents, calibration, analyzer=self.analyzer)
        #: The danger classifier is read only where its thresholds are calibrated (not for the test embedder).
        self.reads_danger = calibration.danger_box is not None
        self.conversation = Conversation(self.search, self.documents, settings=self.settings,
                                         names=self.understander.names, analyzer=self.analyzer,
                                         read_turn=lambda text: strip_masks(self._clean_and_mask(text)[0].text))
        self.writer: Writer = writer or ExtractiveWriter(retriever.chunks, self.documents, settings=self.settings,
                                                         analyzer=self.analyzer)
        from assistant.grounding import Grounding

        self.grounding = Grounding(retriever.chunks, guide.documents)
        # the kinds of help a question back offers: every service's category but the general document's (how to
        # apply, decisions, payment), which is no kind of help
        process = {d.category for d in guide.documents if d.kind == "general"}
        self._help_categories = {d.service_id: d.category for d in guide.documents
                                 if d.kind == "service" and d.category not in process}
        self._age_limits = {d.service_id: d.age for d in guide.documents if d.age is not None}
        self._scopes = AgeScopes(retriever.chunks, normalise=self.analyzer.normalise)
        self._vectors = QueryVectors(retriever.embedder.encode_queries)
        self._context = ContextLead(self.classifiers["about"].predict, self.embed, self.plan, self.conversation,
                                    calibration, k=self.settings.k)
        self._told = ToldNeeds(self.understand, self.plan, self.understander.names, self.analyzer, calibration,
                               frozenset(self.understander.general_for))

    @classmethod
    def load(cls, *, settings: AssistantSettings | None = None, rebuild: bool = False,
             progress: Progress | None = None) -> Assistant:
        """Load the guide and the index (building the index if missing, stale or damaged)."""
        settings = settings or AssistantSettings()
        guide = load_guide()
        retriever = Retriever.open(settings=settings.index, guide=guide, rebuild=rebuild, progress=progress,
                                   banks=all_banks(guide.documents), classify=CLASSIFIED)
        return cls(retriever, guide, settings=settings)

    def with_calibration(self, **changes: object) -> Assistant:
        """The same index and classifiers with some calibration values changed, the default writer (ablations)."""
        calibration = dataclasses.replace(self.settings.calibration, **changes)
        return Assistant(self.retriever, self.guide, settings=dataclasses.replace(self.settings, calibration=calibration))

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
        return self.embed_many([text])[0]

    def embed_uncached(self, text: str) -> np.ndarray:
        """One query embedding, bypassing the cache (the yardstick the evaluation times ``ask`` against)."""
        return self.retriever.embedder.encode_queries([text])[0]

    def search(self, query: str | Analysis, *, mode: str = "fused", k: int | None = None,
               query_vector: np.ndarray | None = None) -> list[Hit]:
        """Retrieve passages for an already masked query or its analysis (embedding it unless ``query_vector`` is
        given)."""
        if query_vector is None and mode != "lexical":
            query_vector = self.embed(query.text if isinstance(query, Analysis) else query)
        return self.retriever.search(query, k=k or self.settings.k, mode=mode, query_vector=query_vector)

    def passage_cosines(self, text: str) -> np.ndarray:
        """Raw cosine of ``text``'s query embedding with every passage, in index order (for calibration)."""
        return self.retriever.dense.all_scores(self.embed(text))

    def document(self, service_id: str) -> Document | None:
        """A service's full description (for the browse view and staff mode)."""
        return self.documents.get(service_id)

    # -- the pipeline -----------------------------------------------------------------------------------

    def _clean_and_mask(self, text: object) -> tuple[Masked, bool]:
        """Clean, mask, then truncate an earlier turn: masking first, so a number cut by the limit cannot
        survive in part (a generous first bound keeps masking linear-time on megabyte inputs)."""
        masked, truncated, _ = self._intake(text, read=self.settings.max_question_chars * 4)
        return masked, truncated

    def _intake(self, text: object, *, read: int | None = None) -> tuple[Masked, bool, str]:
        """The question to answer (cleaned, masked, truncated), whether it was cut, and the whole message for the
        safety check, up to ``safety_chars``: an emergency past the answer's limit must still be seen."""
        return clean_and_mask(text, limit=self.settings.max_question_chars, read=read or self.settings.safety_chars)

    def embed_many(self, texts: Sequence[str]) -> list[np.ndarray]:
        """Cached query embeddings of several texts; the uncached ones are encoded in one batch."""
        return self._vectors.many(texts)

    def understand(self, question: object, history: Sequence[Turn] = (), *,
                   mode: str = "fused") -> tuple[Understanding, list[Hit]]:
        """Step 1 (with retrieval): the question's understanding and the passages for it."""
        masked, truncated, whole = self._intake(question)
        notices = tuple(n for n, on in (("truncated", truncated), ("personal_data", masked.had_personal_data)) if on)
        query = strip_masks(masked.text)
        if not query.strip():
            return Understanding(masked.text, query, notices=notices + ("empty",)), []
        whole = strip_masks(whole)
        # the one reading of the question: understanding, retrieval, the need index and the writer all use it
        analysis = self.analyzer.analyse(query)
        pieces = split_parts(query)
        language = detect_language(query)
        meaning = pattern_reading = danger = None
        sentence_meanings: list = []
        opening, rest = split_opening(query)
        # how sure the intent classifier must be of courtesy, a closing or a greeting
        threshold = self.understander.calibration.intent_threshold
        opening_vector = relative_vector = None
        # a relative turning to their own need ("og for meg?") is read as one for its services (its safety as written)
        relative = self.conversation.as_relative(query, history)
        if mode == "lexical":
            vectors: list[np.ndarray | None] = [None] * (1 + len(pieces))
        else:
            sentences = safety_sentences(whole, query, cap=self.settings.max_safety_sentences,
                                         rank=self.meaning.emergency_rank)
            tail = pattern_tail(sentences, analyzer=self.analyzer) if sentences else ""
            # dialect and nynorsk read as bokmål too, for the danger classifier (its ordinary side is mostly
            # bokmål, so "Eg har skrive brev til alle …" read 0.24 as written and 0.62 as bokmål)
            bokmal = analysis.normalised if language == "nb" and self.reads_danger and analysis.rewritten else ""
            vectors = self.embed_many([query, *sentences, *pieces, *([tail] if tail else []),
                                       *([opening] if rest else []), *([bokmal] if bokmal else []),
                                       *([relative] if relative else [])])
            relative_vector = vectors.pop() if relative else None
            bokmal_vector = vectors.pop() if bokmal else None
            if rest:
                opening_vector = vectors.pop()
            if tail:
                pattern_reading = self.meaning.safety(vectors.pop())
            # the needs' lexical side knows only Norwegian words: English "take her pills" matched a dental line
            meaning = self.meaning.score(vectors[0], analysis if language == "nb" else "")
            read_sentences = list(zip(sentences, vectors[1 : 1 + len(sentences)], strict=True))
            # a sentence of courtesy only (a greeting, thanks) is not judged alone by the banks' margins where the
            # message says more: they read it close to a farewell ("takk, da var det det." 0.045, "ok takk." 0.037,
            # "Hei." 0.016 before a calm question), so it raised the box or the line on ordinary questions. The
            # whole message is still read with it, and so is the sentence by the danger classifier, which reads
            # courtesy as ordinary; a message of courtesy only keeps every sentence (a farewell is read as one)
            polite = [courteous(self.classifiers["asked"].predict(v, text), threshold) for text, v in read_sentences]
            sentence_meanings = [(text, self.meaning.safety(v)) for (text, v), p in
                                 zip(read_sentences, polite, strict=True) if not p or all(polite)]
            if self.reads_danger:
                danger = read_danger(self.classifiers["danger"],
                                     [(query, vectors[0]), *([(bokmal, bokmal_vector)] if bokmal else [])],
                                     read_sentences)
        vector, piece_vectors = vectors[0], vectors[len(vectors) - len(pieces):]
        asked = self.classifiers["asked"].predict(vector, query)
        read = self.analyzer.analyse(relative) if relative else analysis
        read_vector = vector if relative_vector is None else relative_vector
        about = self.classifiers["about"].predict(read_vector, query if relative_vector is None else relative)
        if relative_vector is not None:
            needs = self.meaning.score(relative_vector, read if language == "nb" else "")
            meaning = dataclasses.replace(meaning, needs=needs.needs, need_text=needs.need_text)
        # the opening clause on its own, read once: a thanks or goodbye that closes, or a greeting before the ask
        opening_said = None if vector is None else \
            asked if opening_vector is None else self.classifiers["asked"].predict(opening_vector, opening)
        closing = after_greeting = None
        if opening_said is not None:
            closing = read_closing(opening_said, rest, classifier=self.classifiers["asked"],
                                   embed_many=self.embed_many, safety=self.meaning.safety, threshold=threshold)
            after_greeting = read_after_greeting(opening_said, rest, classifier=self.classifiers["asked"],
                                                 embed=self.embed, normalise=self.analyzer.normalise,
                                                 threshold=threshold)
        parts = [(text, self.classifiers["asked"].predict(v, text), self.classifiers["about"].predict(v, text))
                 for text, v in zip(pieces, piece_vectors, strict=True)]
        readings = {text: self.classifiers["topic"].predict(v, text)
                    for text, v in ((query, vector), *zip(pieces, piece_vectors, strict=True))}
        topics = self.conversation.topics(history)
        # the thing of the conversation a follow-up points to by its noun, read once: understanding keeps the turn
        # on the conversation for it, and the follow-up is resolved to it
        pointed = self.conversation.described(query, topics, analysis=analysis)
        said = self.classifiers["assistant"].predict(vector, query) if vector is not None else None
        calibration = self.understander.calibration
        u = self.understander.understand(masked.text, query=query, notices=notices, meaning=meaning, pointed=pointed,
                                         history=history, history_services=topics,
                                         sentence_meanings=sentence_meanings, safety_text=whole,
                                         asked=asked, about=about, parts=parts, pattern_reading=pattern_reading,
                                         closing=closing, after_greeting=after_greeting, analysis=analysis,
                                         language=language, danger=danger, readings=readings,
                                         relative=bool(relative), to_the_assistant=reads_as_about(
                                             said, calibration, in_conversation=bool(history)))
        u = to_assistant(u, said, calibration, in_conversation=bool(history))
        if u.intent or u.emergency or u.injection or u.out_of_scope:
            return u, []  # nothing to retrieve: the plan answers these without passages
        # the lexical side must not veto a question in another language: it knows only Norwegian words
        search_mode = "dense" if (mode == "fused" and u.language != "nb") else mode
        k = self.settings.k
        hits = self.search(read, k=k, mode=search_mode, query_vector=read_vector)
        if u.focus:
            u, hits = self.conversation.follow(u, query, topics, hits, k=k, mode=search_mode, vector=vector,
                                               pointed=pointed)
        # after the follow-up is decided: one that leans on the conversation keeps its parts on its subject
        return self.conversation.part_services(u, pieces, piece_vectors, mode,
                                               about={text: said for text, _, said in parts}), hits

    def plan(self, u: Understanding, hits: Sequence[Hit]) -> Plan:
        """Step 2: decide what to tell."""
        return plan(u, hits, settings=self.settings, service_ids=self.service_ids, categories=self._help_categories,
                    age_limits=self._age_limits)

    def ask(self, question: object, history: Sequence[Turn] | None = None, *, mode: str = "fused",
            audience: Audience = "citizen") -> Reply:
        """Answer one question.

        Args:
            question: The user's text (anything; non-strings are handled, not raised on).
            history: Earlier turns, oldest first. A turn inherits their topic only when it leans on it.
            mode: Retrieval mode ("fused", "dense", "lexical"), for the evaluation's ablations.
            audience: "citizen", or "staff" for a front-desk worker: the reply's own sentences then speak of
                "brukeren" (staff mode in the app).

        Returns:
            A Reply with status "answered", "no_answer" or "emergency", which has passed the grounding check.
        """
        u, hits = self.understand(question, list(history or ()), mode=mode)
        # led by what was asked before a follow-up, read with it; with the need the message tells beside what it asks
        plan_ = self._told.add(self._context.planned(u, hits, list(history or ()), mode=mode), mode=mode)
        unfit = self._scopes.unfit(u.age, u.analysis.normalised if u.analysis else "")
        reply = self.writer.write(dataclasses.replace(plan_, audience=audience, unfit=unfit))
        problems = self.grounding.problems(reply)
        if problems:
            # never show an ungrounded reply; log only how many problems (their text may quote the question)
            log.error("a reply failed the grounding check (%d problems); sending the human route instead",
                      len(problems))
            return Reply("no_answer", templates.NO_ANSWER, notices=u.notices + ("ungrounded",), question=u.question,
                         mode="declined", language=u.language)
        return reply
