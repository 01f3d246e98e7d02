"""The emergency detector on the banks' untouched part: tuned on the rest, measured here.

A hash of each sentence puts about 30 % of the emergency and ordinary banks aside (``assistant.meaning.held_out``).
The detector is rebuilt with the tuning part only as its reference banks, and then asked about the held-out
sentences, so the numbers say how it does on sentences it has not seen, written by the same people.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.core import Assistant
from assistant.bank_texts import held_out
from assistant.meaning import MeaningModel
from assistant.safety import emergency_kinds, read_danger


@dataclass(frozen=True)
class Holdout:
    """Emergency detection on the held-out bank sentences.

    Attributes:
        emergencies: Held-out emergency sentences.
        detected: Of those, flagged as emergencies (the box).
        ordinary: Held-out ordinary sentences.
        false_alarms: Of those, flagged as emergencies.
        emergency_concerns: Held-out emergencies answered as a concern (the safety line first).
        ordinary_concerns: Held-out ordinary sentences answered as a concern.
    """

    emergencies: int
    detected: int
    ordinary: int
    false_alarms: int
    emergency_concerns: int = 0
    ordinary_concerns: int = 0

    @property
    def caught(self) -> float | None:
        """Share of held-out emergencies with 113 in the first line: the box or the safety line."""
        return (self.detected + self.emergency_concerns) / self.emergencies if self.emergencies else None

    @property
    def recall(self) -> float | None:
        """Share of held-out emergencies detected."""
        return self.detected / self.emergencies if self.emergencies else None

    @property
    def false_alarm_share(self) -> float | None:
        """Share of held-out ordinary sentences flagged."""
        return self.false_alarms / self.ordinary if self.ordinary else None


def bank_holdout(bot: Assistant) -> Holdout:
    """Measure the emergency decision on the held-out part of the banks (patterns, meaning and the danger
    classifier together)."""
    banks = dict(bot.banks)
    tune = {name: banks[name].subset([not held_out(e.text) for e in banks[name].entries])
            for name in ("emergency", "ordinary") if name in banks}
    model = MeaningModel({**banks, **tune}, bot.settings.calibration, analyzer=bot.analyzer)
    counts = {}
    for name in ("emergency", "ordinary"):
        texts = [e.text for e in banks[name].entries if held_out(e.text)] if name in banks else []
        verdicts = []
        for t in texts:
            vector = bot.embed(t)
            # the danger classifier as served: it was trained on neither bank's held-out part
            danger = read_danger(bot.classifiers["danger"], [(t, vector)]) if bot.reads_danger else None
            verdicts.append(emergency_kinds(bot.settings.calibration, bot.analyzer.normalise(t),
                                            model.score(vector, t), raw=t, danger=danger))
        counts[name] = (len(texts), sum(bool(kinds) for kinds, _ in verdicts),
                        sum(bool(concern) and not kinds for kinds, concern in verdicts))
    (n_e, acute_e, concern_e), (n_o, acute_o, concern_o) = counts["emergency"], counts["ordinary"]
    return Holdout(n_e, acute_e, n_o, acute_o, emergency_concerns=concern_e, ordinary_concerns=concern_o)
