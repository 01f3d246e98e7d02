"""The evaluation's targets (the issue's numbers) and how a measurement is held against them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from evaluation.metrics import Metrics

__all__ = ["BLIND_TARGETS", "TARGETS", "Target", "TargetCheck", "check_targets", "fmt", "gap"]


@dataclass(frozen=True)
class Target:
    """A goal for one metric: ``metric`` (a Metrics attribute) ``op`` (">=" or "<=") ``value``."""

    label: str
    metric: str
    op: str
    value: float
    unit: str  # "ratio", "percent", "count" or "ms"


@dataclass(frozen=True)
class TargetCheck:
    """A target against a measurement; ``shortfall`` > 0 is how much it is missed by (None: not measured)."""

    target: Target
    measured: float | None
    shortfall: float | None

    @property
    def met(self) -> bool | None:
        """True when met, False when missed, None when the metric could not be computed."""
        return None if self.shortfall is None else self.shortfall <= 1e-12


TARGETS: tuple[Target, ...] = (
    Target("hit@1 (answerable)", "hit1", ">=", 0.90, "ratio"),
    Target("hit@5 (answerable)", "hit5", ">=", 0.98, "ratio"),
    Target("Out of scope declined (no-answer recall)", "no_answer_recall", ">=", 0.90, "percent"),
    Target("Answerable wrongly declined", "answerable_declined", "<=", 0.03, "percent"),
    Target("Emergency recall", "emergency_recall", ">=", 1.0, "percent"),
    Target("Emergency false alarms", "false_alarms", "<=", 0, "count"),
    Target("Citation validity", "citation_validity", ">=", 1.0, "percent"),
    Target("ask() p50", "latency_p50_ms", "<=", 30.0, "ms"),
)


#: Targets for the blind set (dev2/test2): situations, two-part questions, indirect emergencies, look-alikes.
BLIND_TARGETS: tuple[Target, ...] = (
    Target("primary@1 (first cited service is the primary one)", "primary1", ">=", 0.90, "ratio"),
    Target("Relevant-service recall, situation questions", "relevant_recall", ">=", 0.85, "ratio"),
    Target("Two-part questions fully answered", "two_part_full", ">=", 0.85, "percent"),
    Target("Emergency recall", "emergency_recall", ">=", 1.0, "percent"),
    Target("Emergency false alarms", "false_alarms", "<=", 0, "count"),
    Target("Out of scope declined", "no_answer_recall", ">=", 0.90, "percent"),
    Target("Answerable wrongly declined", "answerable_declined", "<=", 0.03, "percent"),
    Target("Topic leaks", "topic_leaks", "<=", 0, "count"),
    Target("Citation validity", "citation_validity", ">=", 1.0, "percent"),
)


def check_targets(metrics: Metrics, targets: Sequence[Target] = TARGETS) -> list[TargetCheck]:
    """Compare each target with the measured value."""
    checks = []
    for t in targets:
        measured = getattr(metrics, t.metric)
        shortfall = None
        if measured is not None:
            shortfall = max(0.0, t.value - measured) if t.op == ">=" else max(0.0, measured - t.value)
        checks.append(TargetCheck(t, None if measured is None else float(measured), shortfall))
    return checks


def fmt(value: float | None, unit: str = "ratio") -> str:
    """A value for a table cell ("–" when missing)."""
    if value is None:
        return "–"
    return {"ratio": f"{value:.3f}", "percent": f"{100 * value:.1f}%", "count": f"{value:.0f}",
            "ms": f"{value:.1f} ms", "words": f"{value:.0f}"}[unit]


def gap(check: TargetCheck) -> str:
    """How far a target is missed, for a table cell ("met", "not measured", "**missed by …**")."""
    if check.met is None or check.shortfall is None:
        return "not measured"
    if check.met:
        return "met"
    s = check.shortfall
    amount = {"ratio": f"{s:.3f}", "percent": f"{100 * s:.1f} pp", "count": f"{s:.0f}", "ms": f"{s:.1f} ms"}
    return f"**missed by {amount[check.target.unit]}**"
