"""The report's PNG plots (matplotlib, Agg backend): hit@1 per kind, score distribution, latency."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from evaluation.metrics import summarize  # noqa: E402
from evaluation.scoring import QuestionResult  # noqa: E402

if TYPE_CHECKING:
    from evaluation.results import Evaluation

#: Targets drawn as reference lines (the same as in the report's headline table).
HIT1_TARGET = 0.90
LATENCY_P50_TARGET_MS = 30.0
_COLOURS = {"dev": "#8fb3d9", "test": "#1f5f99", "in": "#2e7d32", "out": "#c62828"}
# PNG metadata without a version string, so identical figures give identical files.
_METADATA = {"Software": None}


def in_and_out_of_scope(results: Sequence[QuestionResult]) -> tuple[list[float], list[float]]:
    """Best fused scores of answerable questions and of questions expected to be declined.

    Emergency questions are left out: the safety rule, not the score, decides those.
    """
    inside = [r.best_score for r in results if r.question.answerable and r.best_score is not None]
    outside = [r.best_score for r in results if r.question.status == "no_answer" and r.best_score is not None]
    return inside, outside


def plot_hit_by_kind(results: Sequence[QuestionResult], path: Path) -> Path:
    """Bar chart of hit@1 per question kind, one bar per split, with the target line.

    Kinds without answerable questions (out of scope, emergencies) have no hit@1 and are left out.
    """
    kinds = list(dict.fromkeys(r.question.kind for r in results if r.question.answerable))
    splits = sorted({r.question.split for r in results}, key=lambda s: (s != "dev", s))
    fig, ax = plt.subplots(figsize=(10, 4.5))
    width = 0.8 / max(len(splits), 1)
    x = np.arange(len(kinds))
    for i, split in enumerate(splits):
        values = []
        for kind in kinds:
            m = summarize([r for r in results if r.question.kind == kind and r.question.split == split])
            values.append(m.hit1 if m.hit1 is not None else np.nan)
        ax.bar(x + (i - (len(splits) - 1) / 2) * width, values, width, label=split,
               color=_COLOURS.get(split, "#888888"))
    ax.axhline(HIT1_TARGET, color="black", linestyle="--", linewidth=1, label=f"target {HIT1_TARGET:.2f}")
    ax.set_xticks(x, kinds, rotation=30, ha="right")
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("hit@1 (cited services)")
    ax.set_title("hit@1 per question kind (answerable questions)")
    ax.legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata=_METADATA)
    plt.close(fig)
    return path


def plot_score_distribution(results: Sequence[QuestionResult], thresholds: dict[str, float], path: Path) -> Path:
    """Overlaid histograms of the best fused score, in-scope vs out-of-scope, with the thresholds.

    Args:
        results: Results with ``best_score`` measured.
        thresholds: Vertical lines to draw, label -> score.
        path: PNG to write.
    """
    inside, outside = in_and_out_of_scope(results)
    bins = np.linspace(0.0, 1.0, 41)
    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.hist(inside, bins=bins, alpha=0.6, color=_COLOURS["in"], label=f"in scope (answerable, n={len(inside)})")
    ax.hist(outside, bins=bins, alpha=0.6, color=_COLOURS["out"], label=f"out of scope (n={len(outside)})")
    for (label, value), style in zip(sorted(thresholds.items(), key=lambda kv: kv[1]), ("--", ":", "-.")):
        ax.axvline(value, color="black", linestyle=style, linewidth=1, label=f"{label} = {value:.2f}")
    ax.set_xlabel("best fused retrieval score of the masked question")
    ax.set_ylabel("questions")
    ax.set_title("Calibrated score distribution: in scope vs out of scope")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata=_METADATA)
    plt.close(fig)
    return path


def plot_latency(results: Sequence[QuestionResult], path: Path) -> Path:
    """Histogram of ``ask()`` latency with p50, p95 and the p50 target."""
    ms = np.array([r.latency_ms for r in results], dtype=float)
    fig, ax = plt.subplots(figsize=(8, 4.5))
    if ms.size:
        top = max(float(np.percentile(ms, 99)), LATENCY_P50_TARGET_MS) * 1.1
        ax.hist(np.minimum(ms, top), bins=np.linspace(0.0, top, 41), color="#5c6bc0")
        for q, style in ((50, "-"), (95, ":")):
            value = float(np.percentile(ms, q))
            ax.axvline(value, color="black", linestyle=style, linewidth=1, label=f"p{q} = {value:.1f} ms")
    ax.axvline(LATENCY_P50_TARGET_MS, color="#c62828", linestyle="--", linewidth=1,
               label=f"p50 target {LATENCY_P50_TARGET_MS:.0f} ms")
    ax.set_xlabel("ask() wall time, ms (values above p99 are drawn in the last bin)")
    ax.set_ylabel("questions")
    ax.set_title(f"ask() latency (n={ms.size}, after one warm-up call)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata=_METADATA)
    plt.close(fig)
    return path


def write_plots(evaluation: Evaluation, folder: Path) -> dict[str, Path]:
    """Write the three plots of an evaluation.

    Args:
        evaluation: The measurement.
        folder: Target folder (created when missing).

    Returns:
        Plot name ("hit_by_kind", "scores", "latency") -> file.
    """
    folder.mkdir(parents=True, exist_ok=True)
    s = evaluation.settings
    thresholds = {name: float(getattr(s, name)) for name in ("answer_threshold", "off_topic_threshold")
                  if isinstance(getattr(s, name, None), (int, float))}
    return {
        "hit_by_kind": plot_hit_by_kind(evaluation.results, folder / "hit1_by_kind.png"),
        "scores": plot_score_distribution(evaluation.results, thresholds, folder / "score_distribution.png"),
        "latency": plot_latency(evaluation.results, folder / "latency.png"),
    }
