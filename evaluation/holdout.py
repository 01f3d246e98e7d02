"""The emergency detector on the banks' untouched part: tuned on the rest, measured here.

A hash of each sentence puts about 30 % of the emergency and ordinary banks aside (``assistant.meaning.held_out``).
The detector is rebuilt with the tuning part only as its reference banks, and then asked about the held-out
sentences, so the numbers say how it does on sentences it has not seen, written by the same people.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.core import Assistant
from assistant.meaning import MeaningModel, held_out
from index.normalize import normalise_text


@dataclass(frozen=True)
class Holdout:
    """Emergency detection on the held-out bank sentences.

    Attributes:
        emergencies: Held-out emergency sentences.
        detected: Of those, flagged as emergencies.
        ordinary: Held-out ordinary sentences.
        false_alarms: Of those, flagged as emergencies.
    """

    emergencies: int
    detected: int
    ordinary: int
    false_alarms: int

    @property
    def recall(self) -> float | None:
        """Share of held-out emergencies detected."""
        return self.detected / self.emergencies if self.emergencies else None

    @property
    def false_alarm_share(self) -> float | None:
        """Share of held-out ordinary sentences flagged."""
        return self.false_alarms / self.ordinary if self.ordinary else None


def bank_holdout(bot: Assistant) -> Holdout:
    """Measure the emergency decision on the held-out part of the banks (patterns and meaning together)."""
    banks = dict(bot.banks)
    tune = {name: banks[name].subset([not held_out(e.text) for e in banks[name].entries])
            for name in ("emergency", "ordinary") if name in banks}
    model = MeaningModel({**banks, **tune}, bot.settings.calibration)
    counts = {}
    for name in ("emergency", "ordinary"):
        texts = [e.text for e in banks[name].entries if held_out(e.text)] if name in banks else []
        flagged = sum(bool(bot.understander.emergency_kinds(normalise_text(t), model.score(bot.embed(t), t)))
                      for t in texts)
        counts[name] = (len(texts), flagged)
    return Holdout(counts["emergency"][0], counts["emergency"][1], counts["ordinary"][0], counts["ordinary"][1])
