"""Questions about the assistant itself: their topics, answers, and when a message is one."""

from __future__ import annotations

import dataclasses

import pytest

from assistant import Turn, templates
from assistant.about_assistant import ABOUT_TOPICS, OTHER, assistant_bank, reads_as_about, to_assistant
from assistant.bank_texts import about_assistant_entries
from assistant.asked import Understanding
from assistant.meaning import Calibration
from assistant.types import Reply
from assistant.municipality import municipality
from index.classifier import Prediction
from tests.conftest import check_valid_reply

CAL = Calibration(assistant_other_max=0.5, assistant_other_max_in_conversation=0.3, assistant_topic_p=0.4)


def said(other: float, **topics: float) -> Prediction:
    """A reading of the "assistant" classifier: ``other`` and the topics' probabilities."""
    ranked = sorted([(OTHER, other), *topics.items()], key=lambda x: -x[1])
    return Prediction(tuple(label for label, _ in ranked), tuple(p for _, p in ranked))


def understanding(**kw: object) -> Understanding:
    return Understanding("q", "q", **kw)  # type: ignore[arg-type]


def test_every_topic_has_lines_and_an_answer_with_the_municipality_s_contact():
    assert set(ABOUT_TOPICS) - {"human"} <= {e.label for e in about_assistant_entries()} <= set(ABOUT_TOPICS)
    assert set(templates.data().about_assistant) == set(ABOUT_TOPICS) - {"capabilities", "human"}
    profile = municipality()
    for topic in ABOUT_TOPICS:
        text = templates.SMALL_TALK[topic]
        assert "{" not in text and "}" not in text, topic
    for topic in ("machine", "sources", "decisions", "languages"):
        assert profile.switchboard in templates.SMALL_TALK[topic], topic


def test_the_bank_keeps_a_line_once_and_labels_the_rest_other():
    bank = assistant_bank((), human=["Gi meg et menneske", "Gi meg et menneske"],
                          others=["Hva koster hjemmehjelp?", "Gi meg et menneske"])
    labels = [e.label for e in bank if e.text == "Gi meg et menneske"]
    assert labels == ["human"]
    assert [e.label for e in bank if e.text == "Hva koster hjemmehjelp?"] == [OTHER]


def test_the_intent_classifier_s_capabilities_gets_the_topic_asked_where_it_is_clear():
    u = understanding(intent="capabilities")
    assert to_assistant(u, said(0.1, privacy=0.7, capabilities=0.2), CAL).intent == "privacy"
    # the topic unclear: the general answer stays
    assert to_assistant(u, said(0.1, privacy=0.3, memory=0.3, capabilities=0.3), CAL).intent == "capabilities"


def test_a_question_about_the_assistant_the_intent_classifier_missed_is_one():
    u = understanding()
    assert to_assistant(u, said(0.2, decisions=0.7, capabilities=0.1), CAL).intent == "decisions"
    # its topic unclear: the way to a person
    assert to_assistant(u, said(0.2, capabilities=0.25, human=0.25, machine=0.3), CAL).intent == "human"
    # "other" too likely
    assert to_assistant(u, said(0.6, decisions=0.4), CAL) == u


@pytest.mark.parametrize("change", [
    {"emergency": ("suicide",)}, {"injection": True}, {"named": ("praktisk-bistand",)}, {"concern": "medical"},
    {"intent": "thanks"}, {"out_of_scope": True},
])
def test_danger_a_named_service_another_intent_or_a_decline_keep_the_message_as_it_was(change):
    u = understanding(**change)
    assert to_assistant(u, said(0.05, privacy=0.9), CAL) == u


def test_inside_a_conversation_a_surer_reading_is_needed():
    u = understanding()
    reading = said(0.4, decisions=0.6)
    assert to_assistant(u, reading, CAL).intent == "decisions"
    assert to_assistant(u, reading, CAL, in_conversation=True) == u
    assert to_assistant(u, said(0.2, decisions=0.8), CAL, in_conversation=True).intent == "decisions"


def test_a_message_reads_as_about_the_assistant_below_the_limit_of_its_place():
    assert reads_as_about(said(0.45, privacy=0.55), CAL)
    assert not reads_as_about(said(0.45, privacy=0.55), CAL, in_conversation=True)
    assert not reads_as_about(said(0.55, privacy=0.45), CAL)
    assert not reads_as_about(None, CAL)


def test_without_a_calibration_nothing_is_recognised_but_an_intent_is_still_refined():
    bare = dataclasses.replace(CAL, assistant_other_max=None, assistant_other_max_in_conversation=None)
    assert to_assistant(understanding(), said(0.01, privacy=0.99), bare).intent == ""
    assert to_assistant(understanding(intent="capabilities"), said(0.01, privacy=0.99), bare).intent == "privacy"


def test_every_answer_passes_the_grounding_check(hashing_assistant):
    # they are data (banks/about_assistant.yaml), not constants of assistant.templates, which the check reads: a
    # reply the check refuses is replaced by the way to a person
    for topic in ABOUT_TOPICS:
        reply = Reply("answered", templates.SMALL_TALK[topic], mode="smalltalk")
        assert hashing_assistant.grounding.problems(reply) == [], topic


@pytest.mark.real_model
@pytest.mark.parametrize(("question", "topic"), [
    ("Lagrer dere det jeg skriver i denne chatten?", "privacy"),
    ("Er det et ekte menneske som svarer meg nå, eller en datamaskin?", "machine"),
    ("kan du sende søknaden for meg, jeg får det ikke til", "decisions"),
    ("Kan min far skrive til deg på polsk?", "languages"),
])
def test_a_question_about_the_assistant_gets_the_answer_to_what_it_asks(real_bot, question, topic):
    reply = real_bot.ask(question)
    assert (reply.mode, reply.text.split("\n\n")[-1]) == ("smalltalk", templates.SMALL_TALK[topic])
    assert reply.citations == ()


@pytest.mark.real_model
def test_a_question_about_a_service_in_the_same_words_is_still_answered_from_the_guide(real_bot):
    reply = real_bot.ask("Kan du si hva hjemmehjelp koster?")
    check_valid_reply(real_bot, reply)
    assert reply.mode == "direct" and reply.services[0] == "praktisk-bistand"
    history = [Turn("user", "Hvordan klager jeg på vedtaket om hjemmehjelp?"),
               Turn("assistant", "Klage på vedtak.", services=("klage",))]
    followup = real_bot.ask("kan dattera mi skrive den for meg?", history)
    assert followup.mode == "direct" and followup.services[0] == "klage"


@pytest.mark.real_model
def test_danger_told_to_the_assistant_in_so_many_words_still_gets_the_box(real_bot):
    for text in ("Er du en robot? Mannen min puster ikke, hva gjør jeg?",
                 "Kan noen ringe meg? Jeg klarer ikke mer og har lyst til å dø."):
        reply = real_bot.ask(text)
        assert reply.status == "emergency" and reply.text.lstrip("*").startswith("Er det fare for liv"), text


@pytest.mark.real_model
@pytest.mark.parametrize("text", [
    # a question about the assistant, then danger the banks' margins catch (from a blind code review): the margins
    # are silenced for one sentence only, and the classifier was trained with the emergency bank as "other"
    "Forstår du arabisk? Jeg står på brua nå.",
    "Husker du hva jeg skrev i sted? hvor mange av disse pillene må man ta for å ikke våkne igjen",
    "Er du en robot? far skjønner ikke hva vi sier lenger, svarer med helt feil ord",
    "Kan du hjelpe meg? Jeg står på brua nå.",
])
def test_danger_after_a_question_about_the_assistant_still_gets_the_box(real_bot, text):
    reply = real_bot.ask(text)
    assert reply.status == "emergency", reply.text[:80]
