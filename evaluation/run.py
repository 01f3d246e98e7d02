"""Running the assistant over the gold set: one ``ask()`` per question, timed, checked and summarised.

``evaluate()`` is the whole measurement (main run, optional ablations) and returns a typed
:class:`Evaluation`; ``write()`` turns one into ``report.md`` and its plots. Everything in an Evaluation is
deterministic except the latencies, the runtimes and the date.
"""

from __future__ import annotations

import datetime
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

# Real models must come from local packages only; set before anything imports transformers.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from assistant.core import Assistant  # noqa: E402
from assistant.settings import AssistantSettings  # noqa: E402
from evaluation.dataset import Question, check_service_ids, load_questions, select  # noqa: E402
from evaluation.metrics import per_kind, per_split, summarize  # noqa: E402
from evaluation.results import Evaluation, Log, Machine, ask_all  # noqa: E402

#: Where ``python -m evaluation`` writes the report; plots go to ``plots/`` next to it.
DEFAULT_REPORT = Path(__file__).resolve().parent / "report.md"


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def evaluate(split: str = "all", *, ablations: bool = True, settings: AssistantSettings | None = None,
             questions: Sequence[Question] | None = None, log: Log | None = _stderr) -> Evaluation:
    """Run the evaluation.

    Args:
        split: "dev", "test" or "all".
        ablations: Also run the ablation configurations (other retrieval modes and backends).
        settings: The assistant's settings for the main run; default ``AssistantSettings()``, which uses
            the served index (built automatically when missing or stale).
        questions: The full gold set; default ``evaluation/questions.jsonl``.
        log: Progress messages; None for silence.

    Returns:
        The measurement.
    """
    start = time.perf_counter()
    machine = Machine.current()
    say = log or (lambda _m: None)
    everything = tuple(questions) if questions is not None else load_questions()
    chosen = select(everything, split)
    say(f"loading the assistant ({len(chosen)} questions, split {split})")
    bot = Assistant.load(settings=settings or AssistantSettings())
    check_service_ids(everything, bot.documents)
    say("main run: default settings, fused retrieval")
    results = ask_all(bot, chosen, best_scores=True, log=say)
    rows: tuple = ()
    if ablations:
        from evaluation.ablations import run_ablations

        probes = [q.question for q in everything if q.split == "dev"]
        rows = run_ablations(bot, chosen, main_results=results, probes=probes, log=say)
    from evaluation.holdout import bank_holdout

    holdout = bank_holdout(bot)
    return Evaluation(
        split=split, results=results, overall=summarize(results), by_split=per_split(results),
        by_kind=per_kind(results), ablations=rows, settings=bot.settings,
        embedder=bot.manifest.embedder_name, chunk_count=len(bot.chunks),
        machine=machine, date=datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        seconds=time.perf_counter() - start, holdout=holdout,
    )


def write(evaluation: Evaluation, out: Path = DEFAULT_REPORT) -> list[Path]:
    """Write the Markdown report and its plots (in ``plots/`` next to the report).

    Returns:
        The files written, report first.
    """
    from evaluation.plots import write_plots
    from evaluation.report import render

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    plots = write_plots(evaluation, out.parent / "plots")
    out.write_text(render(evaluation, {name: os.path.relpath(p, out.parent) for name, p in plots.items()}),
                   encoding="utf-8")
    return [out, *plots.values()]


def _num(value: float | None, spec: str = ".3f") -> str:
    return "-" if value is None else format(value, spec)


def main(split: str = "all", *, ablations: bool = True, out: Path = DEFAULT_REPORT) -> int:
    """Evaluate, write the report, print the headline; the exit status is 0."""
    evaluation = evaluate(split, ablations=ablations)
    files = write(evaluation, out)
    for name, m in evaluation.by_split.items():
        _stderr(f"{name}: hit@1 {_num(m.hit1)}  hit@5 {_num(m.hit5)}  MRR {_num(m.mrr)}  "
                f"status accuracy {_num(m.status_accuracy)}  p50 {_num(m.latency_p50_ms, '.1f')} ms")
    _stderr(f"wrote {', '.join(str(f) for f in files)} in {evaluation.seconds:.1f} s")
    return 0
