"""The Markdown report: targets vs measured, per-kind and ablation tables, scores, failures, machine."""

from __future__ import annotations

import dataclasses
import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from evaluation.metrics import Metrics
from evaluation.scoring import QuestionResult
from evaluation.targets import check_targets, fmt, gap, targets
from evaluation.plots import in_and_out_of_scope
from index.settings import REPO_ROOT

if TYPE_CHECKING:
    from evaluation.ablations import AblationRow
    from evaluation.results import Evaluation


def cell(text: object) -> str:
    """Make text safe for a Markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ").strip()


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain Markdown table."""
    lines = ["| " + " | ".join(cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def headline(m: Metrics) -> str:
    """Targets vs measured, then the metrics without a target."""
    rows: list[list[object]] = []
    for c in check_targets(m):
        rows.append([c.target.label, f"{c.target.op} {fmt(c.target.value, c.target.unit)}",
                     fmt(c.measured, c.target.unit), gap(c)])
    extra = [
        ("MRR", fmt(m.mrr)), ("nDCG@10", fmt(m.ndcg10)), ("No-answer precision", fmt(m.no_answer_precision)),
        ("Status accuracy", fmt(m.status_accuracy, "percent")),
        ("Emergency false-alarm share", fmt(m.false_alarm_share, "percent")),
        ("ask() p95", fmt(m.latency_p95_ms, "ms")),
        ("Answer length, median / p90 (words)", f"{fmt(m.words_median, 'words')} / {fmt(m.words_p90, 'words')}"),
        ("Questions / answerable / out of scope / emergencies",
         f"{m.n} / {m.n_answerable} / {m.n_no_answer} / {m.n_emergency}"),
        ("Citations (invalid)", f"{m.citations} ({m.invalid_citations})"),
        ("Cited services per answered reply (mean)", fmt(m.cited_mean, "ratio")),
    ]
    rows += [[label, "", value, ""] for label, value in extra]
    return table(["Metric", "Target", "Measured", "Gap"], rows)


def blind_headline(m: Metrics) -> str:
    """The blind set's targets vs measured, with the denominators."""
    rows: list[list[object]] = []
    for c in check_targets(m, targets("blind")):
        rows.append([c.target.label, f"{c.target.op} {fmt(c.target.value, c.target.unit)}",
                     fmt(c.measured, c.target.unit), gap(c)])
    rows += [[label, "", value, ""] for label, value in (
        ("Questions / with a primary / situation / two-part / follow-ups on a new topic",
         f"{m.n} / {m.n_primary} / {m.n_situation} / {m.n_two_part} / {m.n_topic}"),
        ("Out of scope / emergencies", f"{m.n_no_answer} / {m.n_emergency}"),
        ("hit@1 (any relevant service first)", fmt(m.hit1)),
        ("Cited services per answered reply (mean)", fmt(m.cited_mean, "ratio")),
        ("ask() p50 / p95", f"{fmt(m.latency_p50_ms, 'ms')} / {fmt(m.latency_p95_ms, 'ms')}"),
        ("One bare e5 query encoding p50, same run (target: ask() p50 ≤ 2×)",
         fmt(m.encode_p50_ms, "ms") + (f" (ratio {m.latency_p50_ms / m.encode_p50_ms:.2f})"
                                       if m.encode_p50_ms and m.latency_p50_ms else "")),
    )]
    return table(["Metric", "Target", "Measured", "Gap"], rows)


def kind_table(by_kind: Mapping[str, Metrics]) -> str:
    """Retrieval and status metrics per question kind."""
    rows = [[kind, m.n, m.n_answerable, fmt(m.hit1), fmt(m.hit5), fmt(m.mrr), fmt(m.ndcg10),
             fmt(m.status_accuracy, "percent")] for kind, m in by_kind.items()]
    return table(["Kind", "n", "Answerable", "hit@1", "hit@5", "MRR", "nDCG@10", "Status accuracy"], rows)


def ablation_table(rows: Sequence[AblationRow]) -> str:
    """One line per ablation configuration, then the full embedder names."""
    out = []
    for r in rows:
        m = r.metrics
        band = "–" if r.spec.mode == "lexical" else f"{r.dense_floor:.3f}–{r.dense_ceiling:.3f}"
        if m is None:
            out.append([r.spec.label, f"skipped: {r.skipped}", band, "", "", "", "", "", "", f"{r.seconds:.1f}"])
            continue
        out.append([r.spec.label, r.backend, band, fmt(m.hit1), fmt(m.hit5), fmt(m.mrr),
                    fmt(m.no_answer_recall, "percent"), fmt(m.answerable_declined, "percent"),
                    fmt(m.latency_p50_ms, "ms"), "main run" if r.reused else f"{r.seconds:.1f}"])
    names = dict.fromkeys(f"`{r.backend}`: `{r.embedder.replace(str(REPO_ROOT) + '/', '')}`"
                          for r in rows if r.embedder)
    return table(["Configuration", "Backend", "Cosine band", "hit@1", "hit@5", "MRR", "No-answer recall",
                  "Answerable declined", "ask() p50", "Run s"], out) + "\n\nEmbedders: " + "; ".join(names) + "."


def score_table(results: Sequence[QuestionResult], threshold: float) -> str:
    """Min / median / max of the best fused score for in-scope and out-of-scope questions, per split."""
    rows = []
    present = [x for x in ("test", "dev") if any(r.question.split == x for r in results)]
    for split in present + (["all"] if len(present) > 1 else []):
        chosen = [r for r in results if split == "all" or r.question.split == split]
        for group, scores in zip(("in scope", "out of scope"), in_and_out_of_scope(chosen)):
            if not scores:
                continue
            above = sum(s >= threshold for s in scores)
            rows.append([group, split, len(scores), f"{min(scores):.3f}", f"{statistics.median(scores):.3f}",
                         f"{max(scores):.3f}", f"{above} ({100 * above / len(scores):.0f}%)"])
    return table(["Group", "Split", "n", "Min", "Median", "Max", f">= answer_threshold {threshold:.2f}"], rows)


def failure_cause(r: QuestionResult) -> str:
    """Why a result counts as a failure ("" when it does not)."""
    q = r.question
    if q.status == "emergency" and r.status != "emergency":
        return "missed emergency"
    if q.status != "emergency" and r.status == "emergency":
        return "false emergency alarm"
    if q.status == "no_answer" and r.status != "no_answer":
        return "answered an out-of-scope question"
    if q.answerable and r.status == "no_answer":
        return "declined an answerable question"
    if q.answerable and not r.hit(1):
        return "wrong service first" if any(s in q.expected for s in r.ranked) else "expected service not cited"
    if r.invalid_citations:
        return "invalid citation"
    if not r.status_ok:
        return f"status {r.status} instead of {q.status}"
    return ""


def _got(r: QuestionResult) -> str:
    return r.status + (f": {', '.join(r.ranked)}" if r.ranked else "")


def failures(results: Sequence[QuestionResult]) -> str:
    """Counts per cause, then every failure grouped by cause."""
    failed = [(failure_cause(r), r) for r in results if failure_cause(r)]
    if not failed:
        return "No failures."
    counts = Counter(cause for cause, _ in failed)
    order = {cause: i for i, (cause, _) in enumerate(counts.most_common())}
    failed.sort(key=lambda cr: (order[cr[0]], cr[1].question.id))
    summary = table(["Cause", "Questions"], [[c, n] for c, n in counts.most_common()])
    rows = [[cause, r.question.id, r.question.kind,
             r.question.question + (f" (after: {' / '.join(t for _, t in r.question.history)})" if r.question.history else ""),
             r.question.status + (f": {', '.join(r.question.expected)}" if r.question.expected else ""),
             _got(r), fmt(r.best_score)] for cause, r in failed]
    return summary + "\n\n" + table(["Cause", "Id", "Kind", "Question", "Expected", "Got", "Best score"], rows)


def settings_line(settings: object) -> str:
    """The scalar settings (thresholds, weights, budgets), nested index settings included; paths left out."""
    items = []
    for f in dataclasses.fields(settings):  # type: ignore[arg-type]
        value = getattr(settings, f.name)
        if dataclasses.is_dataclass(value):
            items.append(settings_line(value))
        elif isinstance(value, (bool, int, float, str)) or value is None:
            items.append(f"`{f.name}` = {value}")
    return ", ".join(items)


#: Written by hand from the tuning log, so a reader of a missed target sees what did not help (dev split).
TRIED = """\
- **Blind set: situation recall and primary@1** (targets 0.85 and 0.90). The relevant services a caseworker
  would list are 3–5 per question; the reply names 2–4. What was tried, all on dev2 only:
  - the need score as the single nearest situation, floor/ceiling calibrated (0.80–0.92, then 0.87–0.95): the
    scores saturated and filler services (tannhelse for "mor glemmer å spise") entered the list;
  - votes of the 12 nearest situations, weighted by closeness (kept): old dev hit@1 0.918 -> 0.936;
  - a lexical need index (BM25 over the situations, dialect mapped to bokmål) beside the embedding (kept):
    situation recall 0.46 -> 0.54 and answerable declined 6.8 % -> 1.7 % on dev2; e5-small's similarity
    follows *how* a sentence is said (dialect, first person) as much as *what* it is about;
  - embedding the normalised (bokmål-mapped) question and banks: situation recall 0.54, but emergency recall
    and out-of-scope detection fell with the thresholds as calibrated; not kept;
  - the need weight 0.35–1.5 and the situation ratio 0.6–0.8 moved recall by ±0.03: the ranking, not the cut,
    is the limit. Upper bound with today's signals (top-4 by the combined score) was 0.64 on dev2.
  More and better situations per service, and an embedder that is less sensitive to style, are the next steps.
- **Emergency bank, untouched part** (target recall ≥ 99 %). The threshold that keeps the evaluation's ordinary
  questions free of false alarms (dev and dev2: "jeg klarer ikke dusje selv lenger" reads as close to an
  emergency as to a need) misses some held-out bank sentences. The margin against the ordinary bank alone
  separated the bank's held-out parts perfectly, but gave false alarms on situation questions; adding the needs
  bank to the contrast fixed those and cost bank recall. Recall first is kept for the explicit patterns: a
  pattern match is an emergency unless the banks read the message as plainly ordinary.
- **hit@5 on the first set** (target 0.98). A reply cites 1.5 services on average (2–4 in a situation answer),
  so hit@5 is close to hit@(cited).
- **Caveat on "untouched".** The first set's test split was visible in score listings in the first version's
  development; this round, three test questions were seen in test output (two in an assertion's printout, one
  as a near-copy that the leak test found in a prototype bank, which was removed with two others). The blind
  set's test split (test2) was never read: its failures are counted in this report, not listed.
"""


def _failure_counts(results: Sequence[QuestionResult]) -> dict[str, tuple[int, int]]:
    out: dict[str, tuple[int, int]] = {}
    for r in results:
        ok = r.correct and r.primary_hit is not False and r.parts_covered is not False and not r.topic_leak
        n, bad = out.get(r.question.kind, (0, 0))
        out[r.question.kind] = (n + 1, bad + (not ok))
    return out


def render(e: Evaluation, plots: Mapping[str, str]) -> str:
    """The whole report.

    Args:
        e: The measurement.
        plots: Plot name -> path relative to the report.
    """
    s = e.settings
    parts = [
        "# Evaluation of the Levanger health and care assistant",
        f"Generated by `python -m evaluation --split {e.split}{'' if e.ablations else ' --no-ablations'}` on "
        f"{e.date}; the whole run took {e.seconds:.1f} s. Main run: embedder `{e.embedder}`, {e.chunk_count} "
        f"chunks, fused retrieval, default `AssistantSettings`. Everything except latencies and run times is "
        "deterministic.",
        "Retrieval metrics rank the services a reply **cites** (its `services`, then further citation "
        "services) and count answerable questions only (expected status `answered` with a service); a "
        "declined question is a miss. hit@k and MRR accept any expected service; nDCG@10 counts every "
        "expected service as relevant. A reply cites only a few services (see the mean below), so hit@5 "
        "is in effect hit@(number cited): a service that is not cited cannot be found deeper. A citation "
        "is valid when its quote is verbatim in its chunk.",
        "Settings of the main run: " + settings_line(s) + ".",
    ]
    from evaluation.dataset import TEST2_FIRST_RUN

    titles = {"test": "test split (untouched)", "dev": "dev split (used for tuning)",
              "test2": f"blind set, test split (untouched; first run {TEST2_FIRST_RUN})",
              "dev2": "blind set, dev split (used for tuning)"}
    for split in ("test2", "dev2", "test", "dev"):
        m = e.by_split.get(split)
        if m is not None:
            parts += [f"## Headline: {titles[split]}", blind_headline(m) if split.endswith("2") else headline(m)]
    h = e.holdout
    if h is not None:
        parts += ["## Emergency bank, untouched part",
                  "About 30 % of the emergency and ordinary banks (chosen by a hash of each sentence) are kept out "
                  "of tuning; the detector, with the tuning part as its reference banks, is asked about them. "
                  "Targets: recall ≥ 99 %, false alarms ≤ 2 %.",
                  table(["Held-out sentences", "n", "Flagged as emergency", "Share"],
                        [["emergency", h.emergencies, h.detected, fmt(h.recall, "percent")],
                         ["ordinary", h.ordinary, h.false_alarms, fmt(h.false_alarm_share, "percent")]])]
    parts += ["## Per kind (all evaluated questions)", kind_table(e.by_kind)]
    if "hit_by_kind" in plots:
        parts.append(f"![hit@1 per kind]({plots['hit_by_kind']})")
    if e.ablations:
        from evaluation.ablations import NOTE

        parts += ["## Ablations", f"On the evaluated questions (split: {e.split}). {NOTE}", ablation_table(e.ablations)]
    threshold = float(s.answer_threshold)
    parts += [
        "## Calibrated score distribution",
        "Best fused retrieval score of `bot.search(masked question)` for answerable questions (in scope) and "
        "questions expected to be declined (out of scope); emergencies are left out. The assistant answers "
        f"without a named service when the best score reaches `answer_threshold` = {threshold:.2f}"
        + "; a named service or the conversation's focus is answered regardless, and follow-ups are searched "
        "with the focus added, so this score alone does not decide every reply.",
        score_table(e.results, threshold),
    ]
    if "scores" in plots:
        parts.append(f"![score distribution]({plots['scores']})")
    if "latency" in plots:
        parts += ["## Latency", f"![ask() latency]({plots['latency']})"]
    test = [r for r in e.results if r.question.split == "test"]
    parts += ["## Test-split failures", failures(test) if test else "The test split was not evaluated."]
    blind = [r for r in e.results if r.question.split == "test2"]
    parts += ["## Blind test split (test2): failures by kind",
              "Counted, not listed: the blind test split stays unread so that it can measure the next change too.",
              table(["Kind", "Questions", "Not fully right"],
                    [[k, n, bad] for k, (n, bad) in _failure_counts(blind).items()]) if blind
              else "The blind test split was not evaluated."]
    parts += ["## Missed targets: what was tried", TRIED]
    mach = e.machine
    parts += ["## Machine", table(["nproc", "Python", "Platform", "CPU", "Load average at start", "Date"],
                                  [[mach.nproc, mach.python, mach.platform, mach.cpu, mach.load, e.date]])]
    return "\n\n".join(parts) + "\n"
