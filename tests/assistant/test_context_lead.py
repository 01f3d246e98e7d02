"""A follow-up read with the last user turn before it (assistant/context_lead.py)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from assistant.asked import AskedPart, Understanding
from assistant.context_lead import ContextLead
from assistant.meaning import Calibration
from assistant.plan import Plan, PlannedService
from assistant.types import Turn
from index.analysis import default_analyzer
from index.classifier import Prediction

HISTORY = [Turn("user", "kem kan få tannbehandling gratis av kommunen? ring meg på 912 34 567"),
           Turn("assistant", "Tannhelse …", services=("tannhelse",))]
FOLLOW_UP = "gjeld det og for far som berre har hjemmehjelp te vasking?"


class Doc:
    def __init__(self, title: str) -> None:
        self.title = title


class FakeConversation:
    """What a ContextLead reads of the conversation, recording the searches."""

    documents = {"tannhelse": Doc("Tannhelse"), "praktisk-bistand": Doc("Praktisk bistand")}

    def __init__(self, *, placed: str = "", relative: bool = False) -> None:
        self.placed, self.relative = placed, relative
        self.searched: list[str] = []

    def search(self, query: str, **_: object) -> list:
        self.searched.append(query)
        return []

    @staticmethod
    def read_turn(text: str) -> str:
        return text.replace("912 34 567", "[telefonnummer]")  # as the assistant masks an earlier turn

    def as_relative(self, query: str, history: object) -> str:
        return f"pårørende {query}" if self.relative else ""

    def placed_in(self, query: str, history: object) -> str:
        return self.placed


class Classifier:
    def __init__(self, reading: dict[str, float]) -> None:
        self.reading = reading
        self.read: list[str] = []

    def predict(self, vector: np.ndarray | None, text: str) -> Prediction:
        self.read.append(text)
        ranked = sorted(self.reading.items(), key=lambda x: -x[1])
        return Prediction(tuple(k for k, _ in ranked), tuple(v for _, v in ranked))


def plan(u: Understanding, hits: object) -> Plan:
    # as the real plan: the service asked about leads, else the conversation's subject, else the part's service
    lead = u.asked_about or (u.focus[0] if u.focus else u.parts[0].service)
    return Plan("answered", "direct", u, services=(PlannedService(lead, "primary", "named", 1.0),))


def _lead(classifier: Classifier, u: Understanding, *, history=HISTORY, p: float | None = 0.5, mode: str = "fused",
          conversation: FakeConversation | None = None) -> tuple[Plan, FakeConversation]:
    conversation = conversation or FakeConversation()
    reader = ContextLead(classifier.predict, lambda text: np.zeros(4, np.float32), plan, conversation,
                         Calibration(follow_context_p=p), k=5)
    return reader.planned(u, [], history, mode=mode), conversation


def _understanding(text: str = FOLLOW_UP, **kw: object) -> Understanding:
    part = AskedPart(text, ("who",), service="praktisk-bistand", by_name=True)
    u = Understanding(text, text, named=("praktisk-bistand",), asked_about="praktisk-bistand", parts=(part,),
                      analysis=default_analyzer().analyse(text))
    return dataclasses.replace(u, **kw)


def test_a_follow_up_read_with_the_turn_before_is_led_by_the_service_read_surely():
    classifier = Classifier({"tannhelse": 0.51, "praktisk-bistand": 0.14})
    planned, conversation = _lead(classifier, _understanding())
    # the earlier turn is read as the assistant reads it: masked
    masked = "kem kan få tannbehandling gratis av kommunen? ring meg på [telefonnummer]"
    assert classifier.read == [f"{masked} {FOLLOW_UP}"]
    assert planned.primary.service_id == "tannhelse"
    u = planned.understanding
    assert u.focus == ("tannhelse",) and u.asked_about == "tannhelse"
    assert [(p.service, p.by_name) for p in u.parts] == [("tannhelse", False)]
    # its passages are read with the new lead's title
    assert conversation.searched == [f"{FOLLOW_UP} Tannhelse"]


@pytest.mark.parametrize("case", ["unsure", "no service", "not in the guide", "switch", "placed on the lead",
                                  "both named", "only an assistant turn", "off", "other language", "lexical",
                                  "a relative's own turn", "names the lead, no referring back", "an open ask"])
def test_the_plans_lead_stands(case):
    reading = {"unsure": {"tannhelse": 0.45}, "no service": {"_none": 0.8},
               "not in the guide": {"parkering": 0.8}}.get(case, {"tannhelse": 0.8})
    text = {"names the lead, no referring back": "Hva koster praktisk bistand?",
            "an open ask": "og finnes det noe for far, han er ensom?"}.get(case, FOLLOW_UP)
    u = _understanding(text, switch=case == "switch", language="en" if case == "other language" else "nb",
                       named=("praktisk-bistand", "tannhelse") if case == "both named" else ("praktisk-bistand",))
    conversation = FakeConversation(placed="praktisk-bistand" if case == "placed on the lead" else "",
                                    relative=case == "a relative's own turn")
    history = HISTORY[1:] if case == "only an assistant turn" else HISTORY
    planned, _ = _lead(Classifier(reading), u, history=history, p=None if case == "off" else 0.5,
                       mode="lexical" if case == "lexical" else "fused",
                       conversation=conversation)
    assert planned.primary.service_id == "praktisk-bistand"
    assert planned.understanding is u and not conversation.searched


def test_a_place_that_points_elsewhere_leaves_it_to_the_classifier():
    planned, _ = _lead(Classifier({"tannhelse": 0.9}), _understanding(), conversation=FakeConversation(
        placed="tannhelse"))
    assert planned.primary.service_id == "tannhelse"


def test_a_part_about_a_service_of_its_own_keeps_it():
    other = AskedPart("og hva med trygghetsalarm?", ("cost",), service="trygghetsalarm", by_name=True)
    u = _understanding()
    planned, _ = _lead(Classifier({"tannhelse": 0.9}), dataclasses.replace(u, parts=(*u.parts, other)))
    assert [p.service for p in planned.understanding.parts] == ["tannhelse", "trygghetsalarm"]
