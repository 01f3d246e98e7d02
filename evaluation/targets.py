"""The evaluation's targets (the issue's numbers, in ``targets.yaml``) and how a measurement is held against them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from evaluation.metrics import Metrics

__all__ = ["Target", "TargetCheck", "check_targets", "fmt", "gap", "targets"]


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


TARGETS_FILE = Path(__file__).resolve().parent / "targets.yaml"


@lru_cache(maxsize=None)
def targets(name: str = "main") -> tuple[Target, ...]:
    """The targets of ``targets.yaml``: "main" (the first set) or "blind" (the blind set, dev2/test2); read once."""
    import yaml

    rows = yaml.safe_load(TARGETS_FILE.read_text(encoding="utf-8"))[name]
    return tuple(Target(str(label), str(metric), str(op), float(value), str(unit))
                 for label, metric, op, value, unit in rows)


def check_targets(metrics: Metrics, chosen: Sequence[Target] | None = None) -> list[TargetCheck]:
    """Compare each target (default: the main ones) with the measured value."""
    checks = []
    for t in chosen if chosen is not None else targets():
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
