"""Scoring one gold question: what the reply cites, ranked, and how it is judged.

Retrieval quality is measured on what the reply *cites*, not on raw search hits: the ranked list of a
reply is its ``services`` (the one in focus first), followed by any further service ids of its citations
in citation order. A declined question therefore has an empty list and counts as a miss.

The ranking measures of one reply (hit@k, reciprocal rank, nDCG@k) are here too; :mod:`evaluation.metrics`
averages them over a set of results.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from assistant.grounding import verbatim
from assistant.types import Reply
from evaluation.dataset import Question


@dataclass(frozen=True)
class QuestionResult:
    """What the assistant did with one gold question.

    Attributes:
        question: The gold question.
        status: The reply's status.
        ranked: Cited service ids, best first (see :func:`ranked_services`).
        citations: Number of citations in the reply.
        invalid_citations: Chunk ids of citations whose quote is not verbatim in that chunk.
        words: Words in the reply text.
        latency_ms: Wall time of ``ask()``.
        best_score: The best fused retrieval score of the masked question (None when not measured).
        masked: The question as the assistant processed it (personal data masked).
        cited_parts: (service, aspect) of every citation, in order.
        mode: How the reply was composed ("direct", "situation", ...).
        topic: For a question with history, the service the assistant gives for the last earlier user turn.
        encode_ms: Wall time of one bare query encoding of the question, measured just before ``ask()``.
        ungrounded: The writer's reply failed the runtime grounding check (the human route was sent instead).
    """

    question: Question
    status: str
    ranked: tuple[str, ...]
    citations: int = 0
    invalid_citations: tuple[str, ...] = ()
    words: int = 0
    latency_ms: float = 0.0
    best_score: float | None = None
    masked: str = ""
    cited_parts: tuple[tuple[str, str], ...] = ()
    mode: str = ""
    topic: str = ""
    encode_ms: float = 0.0
    ungrounded: bool = False

    @property
    def primary_hit(self) -> bool | None:
        """The first cited service is the primary one (None when the question names no primary)."""
        if not self.question.primary or self.question.status != "answered":
            return None
        return bool(self.ranked) and self.ranked[0] == self.question.primary

    @property
    def relevant_recall(self) -> float | None:
        """Share of the relevant services that the reply cites (situation questions only)."""
        if self.question.kind != "situation" or not self.question.expected:
            return None
        return len(set(self.ranked) & set(self.question.expected)) / len(self.question.expected)

    @property
    def parts_covered(self) -> bool | None:
        """Every part of a two-part question is answered from its own section (None for other questions)."""
        if not self.question.aspects:
            return None
        def covered(service: str, aspect: str) -> bool:
            aspect = "apply" if aspect == "contact" else aspect
            services = {service} if service else set(self.question.expected)
            return any(a == aspect and s in services for s, a in self.cited_parts)
        return all(covered(s, a) for s, a in self.question.aspects)

    @property
    def topic_leak(self) -> bool | None:
        """A follow-up that must not inherit the topic, answered with the earlier topic (None otherwise)."""
        if self.question.kind != "followup_new_topic" or not self.topic:
            return None
        return self.topic in self.ranked and self.topic not in self.question.expected

    def hit(self, k: int) -> bool:
        """True when an expected service is among the first ``k`` cited services."""
        return hit_at_k(self.ranked, self.question.expected, k)

    @property
    def status_ok(self) -> bool:
        """True when the reply status is the expected one."""
        return self.status == self.question.status

    @property
    def correct(self) -> bool:
        """Right status, valid citations and, for answerable questions, an expected service first."""
        ok = self.status_ok and not self.invalid_citations
        return ok and (self.hit(1) if self.question.answerable else True)


def ranked_services(reply: Reply) -> tuple[str, ...]:
    """The reply's cited services, best first: ``reply.services``, then further citation service ids."""
    return tuple(dict.fromkeys([*reply.services, *(c.service_id for c in reply.citations)]))


def invalid_citations(reply: Reply, chunk_texts: Mapping[str, str]) -> tuple[str, ...]:
    """Chunk ids of citations whose quote is empty, or not verbatim in the text of the chunk they name.

    Args:
        reply: The reply to check.
        chunk_texts: Text of every indexed chunk by chunk id.
    """
    bad = []
    for c in reply.citations:
        text = chunk_texts.get(c.chunk_id)
        if text is None or not verbatim(c.quote, text):
            bad.append(c.chunk_id or f"<citation {c.n} without chunk id>")
    return tuple(bad)


def hit_at_k(ranked: Sequence[str], expected: Iterable[str], k: int) -> bool:
    """True when any expected id is within the first ``k`` of ``ranked``."""
    wanted = set(expected)
    return any(sid in wanted for sid in ranked[:k])


def reciprocal_rank(ranked: Sequence[str], expected: Iterable[str]) -> float:
    """1 / rank of the first expected id in ``ranked`` (1-based), 0.0 when none is there."""
    wanted = set(expected)
    for rank, sid in enumerate(ranked, 1):
        if sid in wanted:
            return 1.0 / rank
    return 0.0


def ndcg_at_k(ranked: Sequence[str], expected: Iterable[str], k: int = 10) -> float:
    """Binary-relevance nDCG@k: every expected id has gain 1, discounted by log2(rank + 1).

    Returns 0.0 when nothing is expected.
    """
    wanted = set(expected)
    dcg = sum(1.0 / math.log2(i + 2) for i, sid in enumerate(ranked[:k]) if sid in wanted)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(len(wanted), k)))
    return dcg / ideal if ideal else 0.0
