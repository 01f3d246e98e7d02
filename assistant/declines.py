"""The parts of a reply that are not quotes of the guide: the emergency box, and what the guide does not cover
with the outside body that does (``banks/outside_routes.yaml``). Fixed templates only (:mod:`assistant.templates`),
so they need no grounding."""

from __future__ import annotations

from collections.abc import Sequence

from assistant import templates
from assistant.asked import Understanding
from assistant.compose import AnswerBuilder

__all__ = ["emergency_box", "out_of_scope", "outside_parts"]


def emergency_box(b: AnswerBuilder, u: Understanding) -> None:
    """The box alone: the number to call first (112 for violence happening now, said in so many words), then the
    others. The banks' kind is less sure than their alarm (a farewell in dialect read closest to violence), so a
    reading of violence or suicide by the banks alone gets 113 first and both the police and the crisis line."""
    kinds, named = u.emergency, u.emergency_named
    unsure = bool({"violence", "suicide"} & (set(kinds) - set(named)))
    if "violence" in named:
        b.add(templates.EMERGENCY_VIOLENCE, kind="emergency")
    b.add(templates.EMERGENCY, kind="emergency")
    if "violence" in kinds and "violence" not in named:
        b.add(templates.EMERGENCY_VIOLENCE, kind="emergency")
    if "suicide" in kinds or unsure:
        b.add(templates.EMERGENCY_SUICIDE, kind="emergency")
    if "poisoning" in kinds:
        b.add(templates.EMERGENCY_POISONING, kind="emergency")


def out_of_scope(b: AnswerBuilder, topic: str) -> None:
    """What the guide does not cover, and the outside body that does (the switchboard where the municipality
    itself can help)."""
    route = templates.data().outside_routes.get(topic)
    if route is None:
        b.add(templates.OUT_OF_SCOPE, kind="decline")
        return
    b.add(templates.OUT_OF_SCOPE_LEAD, kind="decline")
    b.add(route, kind="decline_route")
    if topic in templates.data().municipal_topics:
        b.add(templates.MUNICIPAL_CONTACT, kind="decline_route")


def outside_parts(b: AnswerBuilder, topics: Sequence[str]) -> None:
    """The parts of the message the guide does not cover, each with the outside body that does."""
    known = templates.data().outside_routes
    routes = [known[t] for t in topics if t in known]
    if routes:
        b.add(templates.OUTSIDE_PART, kind="decline")
        for route in routes:
            b.add(route, kind="decline_route")
