"""Meaning-based understanding: one question embedding compared with the banks (their texts:
:mod:`assistant.bank_texts`).

Five banks, all embedded once with the index (:mod:`index.banks`):

* ``needs``: each service's ``situations:`` from the guide (label: the service), and its ``not_for:`` lines
  (label: the service to use instead, ``against``: the service it is not for);
* ``situations``: more situations in people's words (``banks/situations.jsonl``), which vote with the needs for
  the service that fits; the out-of-scope margin keeps the guide's own lines as its reference, as calibrated;
* ``emergency``: acute situations in people's words (label: medical, suicide, violence, poisoning);
* ``ordinary``: ordinary questions that use the same words as emergencies;
* ``out_of_scope``: topics the guide does not cover, many of them look-alikes.

Scores are smoothed nearest-neighbour similarities (the mean of the top few cosines) and margins between two
banks, so they need no training beyond the banks themselves. How large a margin must be depends on the
embedder: the thresholds live in ``calibration.yaml`` per embedder backend, set on the dev split and the banks'
tuning part. An embedder without a calibration gets no semantic decisions (the patterns still apply).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from index.analysis import Analysis, Analyzer
from index.banks import Bank

CALIBRATION_FILE = Path(__file__).resolve().parent / "calibration.yaml"


@dataclass(frozen=True)
class Calibration:
    """Per-embedder thresholds (see ``calibration.yaml``); ``None`` switches a decision off."""

    top_k: int = 3
    emergency_margin: float | None = None
    emergency_pattern_veto: float | None = None
    out_of_scope_margin: float | None = None
    out_of_scope_named_extra: float = 0.03
    foreign_extra: float = 0.02
    need_floor: float = 0.80
    need_ceiling: float = 0.92
    need_weight: float = 0.0
    need_neighbours: int = 12
    need_temperature: float = 0.02
    need_lexical_weight: float = 0.5
    need_lexical_half: float = 4.0
    need_contrast_offset: float = 0.02
    concern_margin: float | None = None
    sentence_emergency_margin: float = 1.0
    sentence_concern_margin: float | None = None
    danger_box: float | None = None
    danger_veto: float | None = None
    danger_concern_veto: float | None = None
    danger_sentence_veto: float | None = None
    danger_box_foreign: float | None = None
    danger_message_foreign: float | None = None
    danger_line: float | None = None
    #: The whole message's margin under this is a narrow reading: its box needs ``danger_sentence_veto`` too ...
    emergency_margin_narrow: float | None = None
    #: ... unless the banks read it as one of these kinds.
    emergency_narrow_keeps: tuple[str, ...] = ()
    #: Inside a conversation, one sentence the danger classifier reads at least this gives the box on its own.
    danger_sentence_sure: float | None = None
    #: A follow-up read with the last user turn is led by the service the classifier reads at least this.
    follow_context_p: float | None = None
    intent_emergency_veto: float = 0.8
    emergency_min_words: int = 3
    no_service_threshold: float = 0.5
    outside_name_margin: float | None = None
    intent_threshold: float = 0.5
    #: A message the "assistant" classifier reads as "other" below this is a question about the assistant itself.
    assistant_other_max: float | None = None
    assistant_other_max_in_conversation: float | None = None
    #: ... and its topic leads (among the topics) with at least this share, else the way to a person answers it.
    assistant_topic_p: float = 0.4
    #: In a message that names no service, a passage of these sections counts this share of its score towards
    #: its service (what a service expects of you or how to apply says less about whether it fits a need).
    situation_weak_sections: dict[str, float] = field(default_factory=dict)
    #: A greeting then at most this many words that no service answers, read first as an intent, is small talk.
    greeting_rest_max_words: int = 4
    intent_max_words: int = 12
    intent_service_veto: float = 0.5
    switch_confidence: float = 0.6
    switch_lead_p: float | None = None
    switch_lead_ratio: float = 3.0
    context_lead_p: float | None = None
    context_lead_ratio: float = 3.0
    alias_veto: float | None = None
    aspect_policy: str = "cues+classifier"
    aspect_threshold: float = 0.35
    aspect_confident: float = 0.5
    topic_confident: float | None = None
    aspect_second_ratio: float = 0.6
    service_weight: float = 0.5
    extra_service_p: float = 0.12
    extra_service_ratio: float = 0.6
    extra_need_top: int | None = None
    part_service_p: float = 0.5
    part_switch_p: float = 0.8
    clarify_below: float = 0.08
    foreign_service_p: float | None = None
    foreign_service_ratio: float = 2.0
    second_need_score: float | None = None
    second_need_p: float | None = None

    @classmethod
    def for_backend(cls, backend: str) -> Calibration:
        """The calibration of an embedder backend, or the empty one (patterns only)."""
        import yaml

        data = yaml.safe_load(CALIBRATION_FILE.read_text(encoding="utf-8")) or {}
        values = data.get(backend) or {}
        return cls(**values)


@dataclass(frozen=True)
class Meaning:
    """What the banks say about one question.

    Attributes:
        emergency_margin: Similarity to the emergency bank minus similarity to the nearer of the ordinary bank
            and the needs bank (the needs, lowered by ``need_contrast_offset``: a need described in the words of
            an emergency is still ordinary, but a situation sentence must not outweigh an acute one).
        emergency_kind: The kind of the nearest emergency sentence.
        out_of_scope_margin: Similarity to the out-of-scope bank minus similarity to the needs bank.
        needs: Service id -> its share of the nearest situations' votes, times how close the nearest one is
            (in [-1, 1]; not_for lines count against their service).
        need_text: Service id -> the situation sentence that matched best (shown to nobody; for the plan's why).
        out_of_scope_topic: The topic of the nearest out-of-scope sentence (which outside body to name).
    """

    emergency_margin: float
    emergency_kind: str
    out_of_scope_margin: float
    needs: Mapping[str, float]
    need_text: Mapping[str, str]
    out_of_scope_topic: str = ""


class MeaningModel:
    """Scores a question vector against the banks."""

    def __init__(self, banks: Mapping[str, Bank], calibration: Calibration, *,
                 analyzer: Analyzer | None = None) -> None:
        self.banks = dict(banks)
        self.calibration = calibration
        # the lines that vote for a service: the guide's own, then the situation bank's
        self._need_entries = tuple(e for name in ("needs", "situations") if name in self.banks
                                   for e in self.banks[name].entries)
        # the lexical side of the need index: dialect and nynorsk are mapped to bokmål before stemming, so it
        # hears what a situation is about, where the embedding also hears how it is said
        self._need_lexical = None
        if self._need_entries:
            from index.lexical import LexicalIndex

            self._need_lexical = LexicalIndex.build([e.text for e in self._need_entries], analyzer=analyzer)
        emergency = self.banks.get("emergency")
        self._emergency_lexical = None
        if emergency is not None and len(emergency):
            from index.lexical import LexicalIndex

            self._emergency_lexical = LexicalIndex.build([e.text for e in emergency.entries], analyzer=analyzer)

    def _lexical_needs(self, query: str | Analysis) -> dict[str, float]:
        if self._need_lexical is None or not (query.text if isinstance(query, Analysis) else query):
            return {}
        raw = self._need_lexical.scores(query)
        out: dict[str, float] = {}
        half = self.calibration.need_lexical_half
        for i in np.argsort(-raw)[: self.calibration.need_neighbours]:
            if raw[i] <= 0:
                break
            entry = self._need_entries[int(i)]
            score = float(raw[i] / (raw[i] + half))
            out[entry.label] = max(out.get(entry.label, 0.0), score)
            if entry.against:
                out[entry.against] = min(out.get(entry.against, 0.0), -score)
        return out

    def emergency_rank(self, sentences: Sequence[str]) -> list[float]:
        """How much each sentence shares the emergency bank's words (BM25's best match), to choose which
        sentences of a very long message to embed when not all can be."""
        if self._emergency_lexical is None:
            return [0.0] * len(sentences)
        return [float(self._emergency_lexical.scores(s).max(initial=0.0)) for s in sentences]

    def safety(self, vector: np.ndarray) -> Meaning:
        """Only the emergency margin and kind of one vector (for each sentence of a message)."""
        c = self.calibration
        emergency, e_cos = self._sim("emergency", vector)
        ordinary, _ = self._sim("ordinary", vector)
        need_mean, _ = self._sim("needs", vector)
        kind = self.banks["emergency"].entries[int(np.argmax(e_cos))].label if len(e_cos) else ""
        return Meaning(emergency_margin=emergency - max(ordinary, need_mean - c.need_contrast_offset),
                       emergency_kind=kind, out_of_scope_margin=0.0, needs={}, need_text={})

    def _sim(self, name: str, vector: np.ndarray) -> tuple[float, np.ndarray]:
        bank = self.banks.get(name)
        if bank is None or not len(bank):
            return 0.0, np.zeros(0, dtype=np.float32)
        cos = bank.cosines(vector)
        return Bank.top_mean(cos, self.calibration.top_k), cos

    def score(self, vector: np.ndarray, query: str | Analysis = "") -> Meaning:
        """All bank scores for one (L2-normalised) question vector (and its text or analysis, for the lexical
        needs)."""
        c = self.calibration
        out_of_scope, o_cos = self._sim("out_of_scope", vector)
        topic = self.banks["out_of_scope"].entries[int(np.argmax(o_cos))].label if len(o_cos) else ""
        # how far from the guide the question reads is measured against the guide's own situations (the margin's
        # calibration); the situation bank's lines vote with them for the service that fits
        need_mean, n_cos = self._sim("needs", vector)
        n_cos = np.concatenate([n_cos, self._sim("situations", vector)[1]])
        needs: dict[str, float] = {}
        need_text: dict[str, str] = {}
        if len(n_cos):
            # the nearest situations vote for their service, each by how close it is to the nearest one; a
            # "not for" line votes for the service to use instead and against the one it is not for
            entries = self._need_entries
            order = np.argsort(-n_cos)[: c.need_neighbours]
            best = float(n_cos[order[0]])
            weights = np.exp((n_cos[order] - best) / max(c.need_temperature, 1e-6))
            confidence = float(np.clip((best - c.need_floor) / max(c.need_ceiling - c.need_floor, 1e-6), 0.0, 1.0))
            for i, w in zip(order, weights, strict=True):
                entry = entries[int(i)]
                needs[entry.label] = needs.get(entry.label, 0.0) + float(w)
                need_text.setdefault(entry.label, entry.text)
                if entry.against:
                    needs[entry.against] = needs.get(entry.against, 0.0) - float(w)
            total = float(weights.sum())
            needs = {sid: confidence * v / total for sid, v in needs.items()}
        lexical = self._lexical_needs(query)
        if lexical:
            w = c.need_lexical_weight
            needs = {sid: (1 - w) * needs.get(sid, 0.0) + w * lexical.get(sid, 0.0)
                     for sid in set(needs) | set(lexical)}
        safety = self.safety(vector)
        return Meaning(
            emergency_margin=safety.emergency_margin,
            emergency_kind=safety.emergency_kind,
            out_of_scope_margin=out_of_scope - need_mean,
            needs=needs,
            need_text=need_text,
            out_of_scope_topic=topic,
        )
