"""Metrics: per-question results in, one typed summary out.

Each result is scored on its own in :mod:`evaluation.scoring` (its cited services, ranked); this module
sums the scores up. Retrieval metrics (hit@k, MRR, nDCG@10) cover the *answerable* questions only: expected
status "answered" with at least one expected service. hit@k and MRR accept any one expected id; nDCG@10 uses
binary relevance over all expected ids, so it also rewards citing every acceptable service.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from evaluation.scoring import QuestionResult, ndcg_at_k, reciprocal_rank


@dataclass(frozen=True)
class Metrics:
    """The summary of a set of results; a ratio is None when its denominator is zero.

    Attributes:
        n: Questions.
        n_answerable: Answerable questions (the denominator of the retrieval metrics).
        hit1, hit5, mrr, ndcg10: Retrieval quality over cited services.
        status_accuracy: Share of questions with the expected reply status.
        no_answer_precision, no_answer_recall: Declining, positive = expected "no_answer".
        n_no_answer: Questions expected to be declined.
        answerable_declined: Share of answerable questions answered with "no_answer".
        n_answerable_declined: Their count.
        emergency_recall: Share of expected emergencies flagged as emergencies.
        n_emergency: Expected emergencies.
        false_alarms: Non-emergency questions flagged as emergencies.
        false_alarm_share: The same as a share of the non-emergency questions.
        citations, invalid_citations: Citation counts.
        citation_validity: Share of citations whose quote is verbatim in their chunk (1.0 without any).
        cited_mean: Mean number of cited services per "answered" reply (hit@k cannot look deeper).
        words_median, words_p90: Reply length in words, over replies with status "answered".
        latency_p50_ms, latency_p95_ms: ``ask()`` wall time.
        primary1: Share of questions with a primary service whose first cited service is it (blind set).
        relevant_recall: Mean share of the relevant services cited, over situation questions.
        two_part_full: Share of two-part questions with every part answered from its own section.
        topic_leaks: Follow-ups that must not inherit the topic but were answered with it.
        n_primary, n_situation, n_two_part, n_topic: The denominators.
    """

    n: int
    n_answerable: int
    hit1: float | None
    hit5: float | None
    mrr: float | None
    ndcg10: float | None
    status_accuracy: float | None
    no_answer_precision: float | None
    no_answer_recall: float | None
    n_no_answer: int
    answerable_declined: float | None
    n_answerable_declined: int
    emergency_recall: float | None
    n_emergency: int
    false_alarms: int
    false_alarm_share: float | None
    citations: int
    invalid_citations: int
    citation_validity: float
    cited_mean: float | None
    words_median: float | None
    words_p90: float | None
    latency_p50_ms: float | None
    latency_p95_ms: float | None
    primary1: float | None = None
    n_primary: int = 0
    relevant_recall: float | None = None
    n_situation: int = 0
    two_part_full: float | None = None
    n_two_part: int = 0
    topic_leaks: int = 0
    n_topic: int = 0
    encode_p50_ms: float | None = None


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (linear interpolation), None for no values."""
    return float(np.percentile(np.asarray(values, dtype=float), q)) if len(values) else None


def _ratio(num: int | float, den: int) -> float | None:
    return num / den if den else None


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def summarize(results: Sequence[QuestionResult]) -> Metrics:
    """Compute every metric over ``results``.

    Args:
        results: Per-question results (any subset: a split, a kind, ...).
    """
    answerable = [r for r in results if r.question.answerable]
    expected_na = [r for r in results if r.question.status == "no_answer"]
    predicted_na = [r for r in results if r.status == "no_answer"]
    true_na = [r for r in predicted_na if r.question.status == "no_answer"]
    declined = [r for r in answerable if r.status == "no_answer"]
    emergencies = [r for r in results if r.question.status == "emergency"]
    others = [r for r in results if r.question.status != "emergency"]
    alarms = [r for r in others if r.status == "emergency"]
    citations = sum(r.citations for r in results)
    invalid = sum(len(r.invalid_citations) for r in results)
    answered = [r for r in results if r.status == "answered"]
    words = [r.words for r in answered]
    latencies = [r.latency_ms for r in results]
    return Metrics(
        n=len(results),
        n_answerable=len(answerable),
        hit1=_mean([float(r.hit(1)) for r in answerable]),
        hit5=_mean([float(r.hit(5)) for r in answerable]),
        mrr=_mean([reciprocal_rank(r.ranked, r.question.expected) for r in answerable]),
        ndcg10=_mean([ndcg_at_k(r.ranked, r.question.expected, 10) for r in answerable]),
        status_accuracy=_ratio(sum(r.status_ok for r in results), len(results)),
        no_answer_precision=_ratio(len(true_na), len(predicted_na)),
        no_answer_recall=_ratio(len(true_na), len(expected_na)),
        n_no_answer=len(expected_na),
        answerable_declined=_ratio(len(declined), len(answerable)),
        n_answerable_declined=len(declined),
        emergency_recall=_ratio(sum(r.status == "emergency" for r in emergencies), len(emergencies)),
        n_emergency=len(emergencies),
        false_alarms=len(alarms),
        false_alarm_share=_ratio(len(alarms), len(others)),
        citations=citations,
        invalid_citations=invalid,
        citation_validity=(citations - invalid) / citations if citations else 1.0,
        cited_mean=_mean([float(len(r.ranked)) for r in answered]),
        words_median=percentile(words, 50),
        words_p90=percentile(words, 90),
        latency_p50_ms=percentile(latencies, 50),
        latency_p95_ms=percentile(latencies, 95),
        **_blind_metrics(results),
    )


def _blind_metrics(results: Sequence[QuestionResult]) -> dict[str, float | int | None]:
    primary = [r.primary_hit for r in results if r.primary_hit is not None]
    recall = [r.relevant_recall for r in results if r.relevant_recall is not None]
    parts = [r.parts_covered for r in results if r.parts_covered is not None]
    leaks = [r.topic_leak for r in results if r.topic_leak is not None]
    return {
        "primary1": _mean([float(x) for x in primary]), "n_primary": len(primary),
        "relevant_recall": _mean(recall), "n_situation": len(recall),
        "two_part_full": _mean([float(x) for x in parts]), "n_two_part": len(parts),
        "topic_leaks": sum(leaks), "n_topic": len(leaks),
        "encode_p50_ms": percentile([r.encode_ms for r in results if r.encode_ms > 0], 50),
    }


def per_kind(results: Sequence[QuestionResult]) -> dict[str, Metrics]:
    """:func:`summarize` for each question kind, kinds in order of first appearance."""
    groups: dict[str, list[QuestionResult]] = {}
    for r in results:
        groups.setdefault(r.question.kind, []).append(r)
    return {kind: summarize(group) for kind, group in groups.items()}


def per_split(results: Sequence[QuestionResult]) -> dict[str, Metrics]:
    """:func:`summarize` for each split present, "test" first."""
    splits = sorted({r.question.split for r in results}, key=lambda s: (s != "test", s))
    return {s: summarize([r for r in results if r.question.split == s]) for s in splits}
