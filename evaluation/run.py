"""Running the assistant over the gold set: one ``ask()`` per question, timed, checked and summarised.

``evaluate()`` is the whole measurement (main run, optional ablations) and returns a typed
:class:`Evaluation`; ``write()`` turns one into ``report.md`` and its plots. Everything in an Evaluation is
deterministic except the latencies, the runtimes and the date.
"""

from __future__ import annotations

import datetime
import os
import platform
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

# Real models must come from local packages only; set before anything imports transformers.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from assistant.core import Assistant  # noqa: E402
from assistant.settings import AssistantSettings  # noqa: E402
from assistant.types import Turn  # noqa: E402
from evaluation.dataset import Question, check_service_ids, load_questions, select  # noqa: E402
from evaluation.metrics import (  # noqa: E402
    Metrics,
    QuestionResult,
    invalid_citations,
    per_kind,
    per_split,
    ranked_services,
    summarize,
)

#: Where ``python -m evaluation`` writes the report; plots go to ``plots/`` next to it.
DEFAULT_REPORT = Path(__file__).resolve().parent / "report.md"
#: Asked once before timing starts (not a gold question, so no gold embedding is cached by it).
WARM_UP_QUESTION = "Oppvarming: hva tilbyr kommunen av helse- og omsorgstjenester?"
Log = Callable[[str], None]


def answer_words(text: str) -> int:
    """Words a reader reads: citation markers and Markdown emphasis are not words."""
    return len(re.sub(r"\[\d+\]", " ", text).replace("*", " ").split())


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Machine:
    """Where the evaluation ran (latency depends on it; the load average shows other work on the machine)."""

    nproc: int
    python: str
    platform: str
    cpu: str
    load: str = ""

    @classmethod
    def current(cls) -> Machine:
        """Describe this machine."""
        cpu = platform.processor() or ""
        try:
            with open("/proc/cpuinfo", encoding="utf-8") as fh:
                cpu = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), cpu)
        except OSError:
            pass
        nproc = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        load = " / ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else ""
        return cls(nproc=nproc, python=platform.python_version(), platform=platform.platform(), cpu=cpu or "?",
                   load=load)


@dataclass(frozen=True)
class Evaluation:
    """One complete measurement.

    Attributes:
        split: The split that was evaluated ("dev", "test" or "all").
        results: One result per question, in file order.
        overall: Metrics over all evaluated questions.
        by_split: Metrics per split ("test" first).
        by_kind: Metrics per question kind.
        ablations: The ablation rows (empty with ``ablations=False``).
        settings: The assistant's settings in the main run (thresholds included).
        embedder: The main run's embedder name (as recorded in the index manifest).
        chunk_count: Chunks in the index.
        machine: Where it ran.
        date: ISO timestamp of the run.
        seconds: Wall time of the whole evaluation.
    """

    split: str
    results: tuple[QuestionResult, ...]
    overall: Metrics
    by_split: dict[str, Metrics]
    by_kind: dict[str, Metrics]
    ablations: tuple  # tuple[evaluation.ablations.AblationRow, ...]; typed loosely to avoid an import cycle
    settings: AssistantSettings
    embedder: str
    chunk_count: int
    machine: Machine
    date: str
    seconds: float


def chunk_texts(bot: Assistant) -> dict[str, str]:
    """Text of every indexed chunk by chunk id (what citations are checked against)."""
    return {c.chunk_id: c.text for c in bot.retriever.chunks}


def ask_all(bot: Assistant, questions: Sequence[Question], *, mode: str = "fused", best_scores: bool = False,
            log: Log | None = None) -> tuple[QuestionResult, ...]:
    """Ask every question once and record what came back.

    Args:
        bot: A loaded assistant.
        questions: The questions, asked in order (history as earlier user turns).
        mode: Retrieval mode passed to ``ask()``.
        best_scores: Also record the best fused search score of each masked question (an extra search
            after the timed ``ask()``; it does not count towards latency).
        log: Progress messages (every 64 questions).

    Returns:
        One result per question, in the same order.
    """
    texts = chunk_texts(bot)
    bot.ask(WARM_UP_QUESTION, mode=mode)
    results = []
    for i, q in enumerate(questions, 1):
        history = [Turn(role, text) for role, text in q.history]
        start = time.perf_counter()
        reply = bot.ask(q.question, history=history, mode=mode)
        latency = (time.perf_counter() - start) * 1000.0
        best = None
        if best_scores:
            hits = bot.search(reply.question) if reply.question.strip() else []
            best = max((h.score for h in hits), default=0.0)
        results.append(QuestionResult(
            question=q, status=reply.status, ranked=ranked_services(reply), citations=len(reply.citations),
            invalid_citations=invalid_citations(reply, texts), words=answer_words(reply.text),
            latency_ms=latency, best_score=best, masked=reply.question,
        ))
        if log and (i % 64 == 0 or i == len(questions)):
            log(f"  {i}/{len(questions)} questions")
    return tuple(results)


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
    return Evaluation(
        split=split, results=results, overall=summarize(results), by_split=per_split(results),
        by_kind=per_kind(results), ablations=rows, settings=bot.settings,
        embedder=bot.retriever.manifest.embedder_name, chunk_count=len(bot.retriever.chunks),
        machine=machine, date=datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        seconds=time.perf_counter() - start,
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
