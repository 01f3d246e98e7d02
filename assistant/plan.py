"""Step 2 of 3, plan: decide what to tell, as a caseworker would, before a word is written.

``plan(understanding, hits, ...)`` turns an :class:`~assistant.understanding.Understanding` and the retrieved
passages into a :class:`Plan`: the status, the services with their role (primary or also relevant) and why
each is there, and the aspects to answer for each. Nothing here writes text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from assistant.settings import AssistantSettings
from assistant.understanding import Understanding
from index.retriever import Hit

#: The general document (how services are granted), which can answer a question but is no service to list.
GENERAL_ID = "tildeling"

Mode = Literal["direct", "situation", "emergency", "declined", "out_of_scope", "injection", "empty"]
Role = Literal["primary", "also"]
Reason = Literal["named", "conversation", "need", "passage", "emergency"]


@dataclass(frozen=True)
class PlannedService:
    """One service the answer will present.

    Attributes:
        service_id: Catalogue id.
        role: "primary" (the answer's subject) or "also" (relevant too).
        reason: Why it is here: named in the question, inherited from the conversation, matched by a need
            (situation), found by the passages, or the service that helps after an emergency.
        score: Its combined score (retrieval, needs and mention), for ordering and reports.
        aspects: The aspects to answer for it, in the order asked; empty for "what it is, in brief".
    """

    service_id: str
    role: Role
    reason: Reason
    score: float
    aspects: tuple[str, ...] = ()


@dataclass(frozen=True)
class Plan:
    """What the reply will say.

    Attributes:
        status: "answered", "no_answer" or "emergency".
        mode: How to say it: a direct answer, a situation answer naming several services, an emergency, or a
            decline (nothing found, out of scope, injection, empty).
        understanding: The question's understanding (the writer needs its query, language and notices).
        services: The services to present, primary first.
        hits: The retrieved passages, best first (the writer picks sentences from them).
    """

    status: str
    mode: Mode
    understanding: Understanding
    services: tuple[PlannedService, ...] = ()
    hits: tuple[Hit, ...] = ()

    @property
    def primary(self) -> PlannedService | None:
        """The primary service, if any."""
        return next((s for s in self.services if s.role == "primary"), None)


def service_scores(hits: Sequence[Hit], u: Understanding, *, settings: AssistantSettings,
                   service_ids: set[str]) -> dict[str, float]:
    """Each service's combined score: its best passage, plus its need score, plus a boost when named."""
    best: dict[str, float] = {}
    for hit in hits:
        sid = hit.chunk.service_id
        best[sid] = max(best.get(sid, 0.0), hit.score)
    weight = settings.calibration.need_weight
    for sid, need in u.needs:
        best[sid] = best.get(sid, 0.0) + weight * need
    for sid in u.services:
        best[sid] = best.get(sid, 0.0) + settings.mention_boost
    return {sid: s for sid, s in best.items() if sid in service_ids}


def _reason(sid: str, u: Understanding, needs: Mapping[str, float]) -> Reason:
    if sid in u.named:
        return "named"
    if sid in u.focus:
        return "conversation"
    return "need" if needs.get(sid, 0.0) > 0.3 else "passage"


def plan(u: Understanding, hits: Sequence[Hit], *, settings: AssistantSettings, service_ids: set[str],
         emergency_services: Mapping[str, str]) -> Plan:
    """Decide the reply.

    Args:
        u: The question's understanding.
        hits: Retrieved passages for its query, best first.
        settings: Thresholds and budgets.
        service_ids: The services that can be presented (the general document is not one).
        emergency_services: Emergency kind -> the service to tell about after 113.
    """
    hits = tuple(hits)
    if not u.query.strip():
        return Plan("no_answer", "empty", u)
    if u.emergency:
        # never the conversation's topic, never the question's aspect: 113 first, then at most the service
        # that helps with this kind of emergency, or one the message itself names
        sid = next((emergency_services[k] for k in u.emergency if k in emergency_services), "")
        sid = sid or next(iter(u.named), "")
        services = (PlannedService(sid, "primary", "emergency", 0.0),) if sid in service_ids else ()
        return Plan("emergency", "emergency", u, services, hits)
    if u.injection:
        return Plan("no_answer", "injection", u)
    if u.out_of_scope:
        return Plan("no_answer", "out_of_scope", u)

    scores = service_scores(hits, u, settings=settings, service_ids=service_ids)
    ranked = sorted(((s, sid) for sid, s in scores.items()), reverse=True)
    top = ranked[0][0] if ranked else 0.0
    # dense scores alone carry a question in another language, and they run lower across languages
    threshold = settings.answer_threshold if u.language == "nb" else settings.foreign_answer_threshold
    if not ranked or (not u.services and top < threshold):
        return Plan("no_answer", "declined", u)

    needs = dict(u.needs)
    aspects = u.aspects
    primary_id = ranked[0][1]
    if u.services and primary_id not in u.services:
        primary_id = u.services[0]
    # no service named and none inherited: the question describes a need, so list what fits
    describes_situation = not u.services
    # the general document explains how services are granted; it is not a service to list
    situation_ids = {sid for sid in service_ids if sid != GENERAL_ID}
    if describes_situation:
        # a situation, not a service name: the services that fit, in order of fit, as a caseworker lists them
        others = [(s, sid) for s, sid in ranked if sid != primary_id and sid in situation_ids]
        close = [sid for s, sid in others if s >= settings.situation_ratio * top and s >= threshold]
        if not close and others and others[0][0] >= threshold:
            # a caseworker names more than one way to help: the next best, if it fits at all
            close = [others[0][1]]
        chosen = [primary_id] + close[: settings.max_situation_services - 1]
        if len(chosen) >= 2:
            services = tuple(
                PlannedService(sid, "primary" if i == 0 else "also", _reason(sid, u, needs), scores[sid], aspects)
                for i, sid in enumerate(chosen))
            return Plan("answered", "situation", u, services, hits)

    services = [PlannedService(primary_id, "primary", _reason(primary_id, u, needs), scores[primary_id], aspects)]
    second = _second(ranked, scores, u, primary_id, settings)
    if second:
        services.append(PlannedService(second, "also", _reason(second, u, needs), scores[second], aspects))
    return Plan("answered", "direct", u, tuple(services), hits)


def _second(ranked: list[tuple[float, str]], scores: Mapping[str, float], u: Understanding, primary: str,
            settings: AssistantSettings) -> str | None:
    """A second service to present briefly: one the question also names, or one that fits nearly as well."""
    named = [sid for sid in u.named if sid != primary and sid in scores]
    if named:
        return named[0]
    for s, sid in ranked:
        if sid != primary and s >= settings.second_service_ratio * scores[primary] and s >= settings.answer_threshold:
            return sid
    return None
