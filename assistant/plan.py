"""Step 2 of 3, plan: decide what to tell, as a caseworker would, before a word is written.

``plan(understanding, hits, ...)`` turns an :class:`~assistant.understanding.Understanding` and the retrieved
passages into a :class:`Plan`: the status, the services with their role (primary or also relevant) and why
each is there, and the aspects to answer for each. Nothing here writes text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from assistant.ages import for_age, moved_services
from assistant.bank_texts import NO_SERVICE
from assistant.meaning import Calibration
from assistant.settings import AssistantSettings
from assistant.message import word_count
from assistant.rules import rules
from assistant.asked import Understanding
from corpus.model import AgeLimit
from corpus.schema import general_id
from index.analysis import Analysis
from index.retriever import Hit

#: The general document (how services are granted), which can answer a question but is no service to list.
GENERAL_ID = general_id()
#: Which section answers an aspect ("contact": how to reach a service is told under how to apply).
SECTION_OF_ASPECT = {"contact": "apply"}

Mode = Literal["direct", "situation", "emergency", "declined", "out_of_scope", "injection", "empty", "smalltalk",
               "clarify"]
Role = Literal["primary", "also"]
Audience = Literal["citizen", "staff"]
Reason = Literal["named", "conversation", "need", "passage", "emergency", "told"]


@dataclass(frozen=True)
class PlannedService:
    """One service the answer will present.

    Attributes:
        service_id: Catalogue id.
        role: "primary" (the answer's subject) or "also" (relevant too).
        reason: Why it is here: named in the question, inherited from the conversation, matched by a need
            (situation), found by the passages, the service that helps after an emergency, or the need a message
            tells beside what it asks ("told", :mod:`assistant.second_need`).
        score: Its combined score (retrieval, needs and mention), for ordering and reports.
        aspects: The aspects to answer for it, in the order asked; empty for "what it is, in brief".
    """

    service_id: str
    role: Role
    reason: Reason
    score: float
    aspects: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlannedPart:
    """One thing to answer.

    Attributes:
        service_id: The service whose description answers it.
        aspect: The aspect asked ("" for the service in brief).
        text: The words of the question that ask it (the whole question when it asks one thing).
        analysis: ``text`` as the text analyser read it during understanding (the writer reads no text again).
    """

    service_id: str
    aspect: str
    text: str
    analysis: Analysis | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Plan:
    """What the reply will say.

    Attributes:
        status: "answered", "no_answer" or "emergency".
        mode: How to say it: a direct answer, a situation answer naming several services, an emergency, or a
            decline (nothing found, out of scope, injection, empty).
        understanding: The question's understanding (the writer needs its query, language and notices).
        services: The services to present, primary first.
        hits: The retrieved passages, best first (for reports; the writer reads whole sections).
        suggestions: For a question back ("clarify"), the kinds of help (the guide's categories) whose needs
            compete, offered as quick replies.
        parts: What to answer, in the order asked.
        audience: "citizen" (the reply speaks to the asker: "du") or "staff" (a front-desk worker answering a
            caller: the reply's own sentences speak of "brukeren"; the guide's quotes stay as written).
        unfit: (chunk id, sentence start) of sentences not to quote to this person: those a section scopes to ages a
            young person the message is about is not (:class:`assistant.age_scopes.AgeScopes`).
    """

    status: str
    mode: Mode
    understanding: Understanding
    services: tuple[PlannedService, ...] = ()
    hits: tuple[Hit, ...] = ()
    suggestions: tuple[str, ...] = ()
    parts: tuple[PlannedPart, ...] = ()
    audience: Audience = "citizen"
    unfit: frozenset[tuple[str, int]] = frozenset()

    @property
    def primary(self) -> PlannedService | None:
        """The primary service, if any."""
        return next((s for s in self.services if s.role == "primary"), None)


def service_scores(hits: Sequence[Hit], u: Understanding, *, settings: AssistantSettings,
                   service_ids: set[str], rank: bool = True) -> dict[str, float]:
    """Each service's combined score: its best passage, plus its need score, plus the service classifier's
    probability, plus a boost when named. To ``rank`` services for a message that names none, a passage of what
    a service expects of you or how to apply for it counts less (whether to answer at all reads it whole)."""
    best: dict[str, float] = {}
    # a need fits a service by what it is, includes and whom it is for: a message that names no service and
    # matches what a service expects of you or how to apply for it ("snakke om sykdommen") says less
    # (unless the message asks about that: "kan æ prat mæ nån uten henvisning?" is answered by how to apply)
    weak = {aspect: w for aspect, w in settings.calibration.situation_weak_sections.items()
            if aspect not in u.aspects} if rank and not u.services else {}
    for hit in hits:
        sid = hit.chunk.service_id
        best[sid] = max(best.get(sid, 0.0), hit.score * weak.get(hit.chunk.aspect, 1.0))
    weight = settings.calibration.need_weight
    for sid, need in u.needs:
        best[sid] = best.get(sid, 0.0) + weight * need
    for sid, p in u.about:
        if sid in best or sid in service_ids:
            best[sid] = best.get(sid, 0.0) + settings.calibration.service_weight * p
    for sid in u.services:
        best[sid] = best.get(sid, 0.0) + settings.mention_boost
    return {sid: s for sid, s in best.items() if sid in service_ids}


def _reason(sid: str, u: Understanding, needs: Mapping[str, float]) -> Reason:
    if sid in u.named:
        return "named"
    if sid in u.focus:
        return "conversation"
    return "need" if needs.get(sid, 0.0) > 0.3 else "passage"


def _for_age(u: Understanding, moved: Mapping[str, str]) -> Understanding:
    """``u`` with each ``moved`` service replaced where it was read rather than named (the service asked about, the
    conversation's, a part's)."""
    parts = tuple(p if p.by_name else replace(p, service=moved.get(p.service, p.service)) for p in u.parts)
    return replace(u, asked_about=moved.get(u.asked_about, u.asked_about), parts=parts,
                   focus=tuple(dict.fromkeys(moved.get(s, s) for s in u.focus)))


def _foreign_lead(u: Understanding, c: Calibration) -> str:
    """For a question in another language, the service the classifier reads it as about when it is clear: at
    least ``foreign_service_p``, and ``foreign_service_ratio`` times the next ("" otherwise)."""
    if u.language == "nb" or c.foreign_service_p is None or not u.about or u.about[0][0] == NO_SERVICE:
        return ""
    (sid, p), rest = u.about[0], u.about[1:]
    second = rest[0][1] if rest else 0.0
    return sid if p >= c.foreign_service_p and p >= c.foreign_service_ratio * second else ""


def planned_parts(u: Understanding, primary_id: str, service_ids: set[str]) -> tuple[PlannedPart, ...]:
    """What to answer, in the order asked: each part's own service where it names one (or clearly asks about
    one), else the primary service; how to reach a service is answered by how to apply."""
    def section(aspect: str) -> str:
        return "apply" if aspect == "contact" else aspect

    if not u.parts:
        aspects = dict.fromkeys(section(a) for a in (u.aspects or ("",)))
        return tuple(PlannedPart(primary_id, a, u.query, u.analysis) for a in aspects)
    out: list[PlannedPart] = []
    for part in u.parts:
        sid = part.service if part.service in service_ids and part.service != GENERAL_ID else primary_id
        out += [PlannedPart(sid, section(a), part.text, part.analysis) for a in (part.aspects or ("",))]
    seen: set[tuple[str, str]] = set()
    unique = []
    for p in out:
        if (p.service_id, p.aspect) not in seen:
            seen.add((p.service_id, p.aspect))
            unique.append(p)
    return tuple(unique)


def with_told_need(p: Plan, service_id: str, score: float, text: str, analysis: Analysis | None = None) -> Plan:
    """The plan with the need a message tells beside what it asks (``text``: the words that tell it): its service
    last, answered by what it is (the writer adds how to get it)."""
    service = PlannedService(service_id, "also", "told", score, ("what",))
    part = PlannedPart(service_id, "what", text, analysis)
    return replace(p, services=(*p.services, service), parts=(*p.parts, part))


def plan(u: Understanding, hits: Sequence[Hit], *, settings: AssistantSettings, service_ids: set[str],
         categories: Mapping[str, str] | None = None, age_limits: Mapping[str, AgeLimit] | None = None) -> Plan:
    """Decide the reply.

    Args:
        u: The question's understanding.
        hits: Retrieved passages for its query, best first.
        settings: Thresholds and budgets.
        service_ids: The services that can be presented (the general document is not one).
        categories: Service id -> its category in the guide ("Hjelp i hjemmet"), the quick replies of a
            question back.
        age_limits: Service id -> the age limit the guide gives it: a message stating an age under it is answered
            by the service the guide names for the younger ones (:func:`assistant.ages.moved_services`).
    """
    hits = tuple(hits)
    if not u.query.strip():
        return Plan("no_answer", "empty", u)
    if u.emergency:
        # the emergency box alone: never the conversation's topic, never a service quote under the numbers
        return Plan("emergency", "emergency", u)
    if u.intent:
        return Plan("answered", "smalltalk", u)
    if u.injection:
        return Plan("no_answer", "injection", u)
    if u.out_of_scope:
        return Plan("no_answer", "out_of_scope", u)

    # a young person's need is answered by the service the guide names for them (a name the message writes stays)
    moved = moved_services(u.age, age_limits or {}, named=u.named)
    u = _for_age(u, moved) if moved else u
    keep = u.age is not None and u.age.others
    scores = for_age(service_scores(hits, u, settings=settings, service_ids=service_ids), moved, keep=keep)
    ranked = sorted(((s, sid) for sid, s in scores.items()), reverse=True)
    top = max(service_scores(hits, u, settings=settings, service_ids=service_ids, rank=False).values(), default=0.0)
    # dense scores alone carry a question in another language, and they run lower across languages
    threshold = settings.answer_threshold if u.language == "nb" else settings.foreign_answer_threshold
    c = settings.calibration
    words = word_count(u.query)
    if not u.services and c.clarify_below and categories and not u.asks_about_aspect and words >= 2:
        # no service is likely at all: ask back with the kinds of help that compete, rather than list weak
        # services or give up
        known = [(sid, p) for sid, p in u.about if sid in categories]
        if known and known[0][1] < c.clarify_below and dict(u.about).get(NO_SERVICE, 0.0) < c.no_service_threshold:
            kinds = list(dict.fromkeys(categories[sid] for sid, _ in known[:4]))
            if len(kinds) >= 2:
                return Plan("answered", "clarify", u, suggestions=tuple(kinds[:4]))
    lead = _foreign_lead(u, c) if (not u.services and top < threshold) else ""
    if lead in scores:
        # its passages score low across languages, and the classifier reads it clearly: that service answers
        ranked = [(threshold, lead), *((s, sid) for s, sid in ranked if sid != lead)]
        top = threshold
    if not ranked or (not u.services and top < threshold):
        return Plan("no_answer", "declined", u)

    needs = dict(u.needs)
    aspects = u.aspects
    primary_id = ranked[0][1]
    if u.services and primary_id not in u.services:
        primary_id = u.services[0]
    if u.asked_about:
        primary_id = u.asked_about  # "hvordan klager vi på vedtaket om avlastning" asks about appeals
    if u.services:
        parts = planned_parts(u, primary_id, service_ids)
        # another service only when the question names it (one question: "forskjellen på avlastning og
        # omsorgsstønad") or one of its parts asks about it; services named only as context in a message that asks
        # several things ("har fått hjemmesykepleie før") and extra services chosen by word overlap mislead
        others = [p.service_id for p in parts if p.service_id != primary_id]
        if not u.parts:
            others += [sid for sid in u.named if sid != primary_id and sid in scores]
        services = [PlannedService(primary_id, "primary", _reason(primary_id, u, needs), scores[primary_id], aspects)]
        for sid in dict.fromkeys(others):
            services.append(PlannedService(sid, "also", _reason(sid, u, needs), scores.get(sid, 0.0),
                                           tuple(p.aspect for p in parts if p.service_id == sid)))
        return Plan("answered", "direct", u, tuple(services), hits, parts=parts)

    # no service named and none inherited: the question describes a need. Lead with the service that fits
    # best; add at most two more, and only those the service classifier is confident in too
    about = for_age(dict(u.about), moved, keep=keep)
    situation_ids = {sid for sid in service_ids if sid != GENERAL_ID}
    # a service fits too when the classifier gives it a clear share of its own, near the primary's
    floor = max(c.extra_service_p, c.extra_service_ratio * about.get(primary_id, 0.0))
    # ... and the needs bank reads the message as that need too, among its first few
    needed = {sid for sid, _ in u.needs[: c.extra_need_top]} if c.extra_need_top else situation_ids
    extras = [sid for s, sid in ranked if sid != primary_id and sid in situation_ids and sid in needed
              and about.get(sid, 0.0) >= floor and s >= threshold]
    # a part of the message the service classifier reads on its own words ("kan jeg få noe betalt for å passe på
    # henne", beside a question about respite stays) asks about that service, whatever the whole message leans to;
    # not a name the message was read past ("orker ikke gå til fastlegen med det"), nor the service of a part that
    # refers back ("... og koster det noe?" takes one from the words before it)
    asked = [p.service for p in u.parts if p.service in situation_ids and p.service in needed
             and scores.get(p.service, 0.0) >= threshold and not (p.from_message or p.by_name)
             and not (p.analysis is not None and rules().follow_up.search(p.analysis.normalised))]
    extras = list(dict.fromkeys(sid for sid in (*asked, *extras) if sid != primary_id))
    chosen = [primary_id, *extras[: settings.max_situation_services - 1]]
    services = tuple(PlannedService(sid, "primary" if i == 0 else "also", _reason(sid, u, needs), scores[sid], aspects)
                     for i, sid in enumerate(chosen))
    return Plan("answered", "situation", u, services, hits)
