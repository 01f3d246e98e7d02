"""The evaluation's results: one typed record per question and the whole measurement, and how they are made.

Every other evaluation module imports this one (and none imports back): ``run`` drives a measurement,
``ablations`` repeats it with other settings, ``plots`` and ``report`` turn an :class:`Evaluation` into files.
The assistant is used through its public API only (``ask``, ``chunks``, ``manifest``, ``search``).
"""

from __future__ import annotations

import os
import platform
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.core import Assistant
from assistant.settings import AssistantSettings
from assistant.types import Turn
from evaluation.dataset import Question
from evaluation.metrics import Metrics
from evaluation.scoring import QuestionResult, invalid_citations, ranked_services

#: Asked once before timing starts (not a gold question, so no gold embedding is cached by it).
WARM_UP_QUESTION = "Oppvarming: hva tilbyr kommunen av helse- og omsorgstjenester?"
Log = Callable[[str], None]


def answer_words(text: str) -> int:
    """Words a reader reads: citation markers and Markdown emphasis are not words."""
    return len(re.sub(r"\[\d+\]", " ", text).replace("*", " ").split())


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
    holdout: object = None  # evaluation.holdout.Holdout: the emergency detector on the banks' untouched part


def chunk_texts(bot: Assistant) -> dict[str, str]:
    """Text of every indexed chunk by chunk id (what citations are checked against)."""
    return {c.chunk_id: c.text for c in bot.chunks}


def ask_all(bot: Assistant, questions: Sequence[Question], *, mode: str = "fused", best_scores: bool = False,
            log: Log | None = None) -> tuple[QuestionResult, ...]:
    """Ask every question once and record what came back.

    Args:
        bot: A loaded assistant.
        questions: The questions, asked in order, each with its own history.
        mode: Retrieval mode passed to ``ask()``.
        best_scores: Also record the best fused search score of each masked question (an extra search
            after the timed ``ask()``; it does not count towards latency).
        log: Progress messages (every 64 questions).

    Returns:
        One result per question, in the same order.
    """
    texts = chunk_texts(bot)
    aspect_of = {c.chunk_id: c.aspect for c in bot.chunks}
    bot.ask(WARM_UP_QUESTION, mode=mode)
    results = []
    for i, q in enumerate(questions, 1):
        history = [Turn(role, text) for role, text in q.history]
        start = time.perf_counter()
        if mode != "lexical":
            bot.embed_uncached(q.question)  # one bare query encoding, the yardstick for ask()'s cost
        encode = (time.perf_counter() - start) * 1000.0
        start = time.perf_counter()
        reply = bot.ask(q.question, history=history, mode=mode)
        latency = (time.perf_counter() - start) * 1000.0
        best = None
        if best_scores:
            hits = bot.search(reply.question) if reply.question.strip() else []
            best = max((h.score for h in hits), default=0.0)
        topic = ""
        if history:
            # the conversation's topic: what the assistant itself answers to the last earlier user turn
            last = next((t.text for t in reversed(history) if t.role == "user"), "")
            earlier = bot.ask(last, mode=mode) if last else None
            topic = earlier.services[0] if earlier is not None and earlier.services else ""
        results.append(QuestionResult(
            question=q, status=reply.status, ranked=ranked_services(reply), citations=len(reply.citations),
            invalid_citations=invalid_citations(reply, texts), words=answer_words(reply.text),
            latency_ms=latency, best_score=best, masked=reply.question,
            cited_parts=tuple(dict.fromkeys((c.service_id, aspect_of.get(c.chunk_id, "")) for c in reply.citations)),
            mode=reply.mode, topic=topic, encode_ms=encode, ungrounded="ungrounded" in reply.notices,
        ))
        if log and (i % 64 == 0 or i == len(questions)):
            log(f"  {i}/{len(questions)} questions")
    return tuple(results)
