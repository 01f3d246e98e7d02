"""A second need a message tells beside what it asks (assistant/second_need.py), and how the writer tells it."""

from __future__ import annotations

import pytest

from assistant import templates
from assistant.meaning import Calibration
from assistant.mentions import ServiceNames
from assistant.plan import Plan, PlannedPart, PlannedService, plan, with_told_need
from assistant.second_need import ToldNeeds, rest_of, told_service
from assistant.types import Turn
from assistant.understanding import Understanding
from corpus.guide import load_guide
from index.analysis import default_analyzer

SURE = Calibration(second_need_score=1.0, second_need_p=0.25)


@pytest.fixture(scope="module")
def names() -> ServiceNames:
    return ServiceNames.from_documents(load_guide(pdf=[]).documents, default_analyzer())


def _situation(sid: str, score: float, p: float) -> Plan:
    u = Understanding("q", "q", about=((sid, p), ("_none", 0.1)))
    return Plan("answered", "situation", u, (PlannedService(sid, "primary", "need", score),))


def test_the_rest_is_what_neither_names_a_service_nor_asks_an_aspect_of_one(names):
    text = ("har fått hjemmesykepleie etter kneoperasjonen, må jeg betale for det? kommer meg heller ikke ned "
            "trappa for å handle")
    assert rest_of(text, names, default_analyzer()) == "kommer meg heller ikke ned trappa for å handle"


def test_an_open_ask_stays_with_the_need_it_asks_help_for(names):
    text = "Hva koster TT-kort, og far hører nesten ingenting lenger, er det noen som kan se på det?"
    assert rest_of(text, names, default_analyzer()) == \
        "far hører nesten ingenting lenger, er det noen som kan se på det"


@pytest.mark.parametrize(("text", "rest"), [
    ("kan jeg få omsorgsstønad når jeg steller far? og hvem tar over for meg de to ukene jeg er bortreist?",
     "hvem tar over for meg de to ukene jeg er bortreist"),
    ("hva koster dagsenteret, og finnes det noen som kan ta ham med på tur en ettermiddag?",
     "finnes det noen som kan ta ham med på tur en ettermiddag"),
    ("ka kosta trygghetsalarmen? og kæm kan se innom ho dei andre dagan?", "kæm kan se innom ho dei andre dagan"),
])
def test_an_open_ask_for_help_beside_a_named_service_is_a_rest_of_its_own(names, text, rest):
    # no negation tells the need here: the ask for someone or something that helps does
    assert rest_of(text, names, default_analyzer()) == rest


@pytest.mark.parametrize("text", [
    "hva koster trygghetsalarm, og hvem kan få den?",  # who qualifies for the named service: its aspect, no rest
    "hva koster dagsenteret, og hvem kan søke om plass der?",
])
def test_an_ask_about_who_qualifies_for_the_named_service_is_no_rest(names, text):
    assert rest_of(text, names, default_analyzer()) == ""


@pytest.mark.parametrize("text", [
    "mor har falt to ganger og klarer ikke dusjen lenger",  # nothing taken away: one need, which the reply answers
    "hva koster trygghetsalarm? Stemmer det",  # too little left to tell a need
    "hva koster trygghetsalarm, og hvordan søker vi?",  # only aspects of the service named
    "Hva koster en dag på dagsenteret? Far har gått der i to år nå",  # the story of the question, no need
])
def test_no_rest_when_the_message_is_one_need_or_too_little_is_left(names, text):
    assert rest_of(text, names, default_analyzer()) == ""


def test_the_rest_adds_its_lead_service_only_when_score_and_classifier_are_sure():
    assert told_service(_situation("matombringing", 1.2, 0.3), ["hjelpemidler"], SURE).service_id == "matombringing"
    assert told_service(_situation("matombringing", 0.9, 0.3), ["hjelpemidler"], SURE) is None
    assert told_service(_situation("matombringing", 1.2, 0.2), ["hjelpemidler"], SURE) is None
    assert told_service(_situation("matombringing", 1.2, 0.3), ["matombringing"], SURE) is None  # shown already
    assert told_service(_situation("egenandel", 1.2, 0.3), [], SURE, general={"egenandel"}) is None  # no need
    assert told_service(_situation("matombringing", 1.2, 0.3), [], Calibration()) is None  # not calibrated: off


def _direct(query: str, *parts: tuple[str, str], **understood) -> Plan:
    u = Understanding(query, query, named=("hjelpemidler",), **understood)
    return Plan("answered", "direct", u, (PlannedService("hjelpemidler", "primary", "named", 1.0),),
                parts=tuple(PlannedPart("hjelpemidler", aspect, text) for text, aspect in parts or ((query, "what"),)))


@pytest.fixture
def reading(names):
    read: list[tuple[str, str]] = []

    def understand(text, history, *, mode="fused"):
        read.append((text, mode))
        return Understanding(text, text), []

    told = ToldNeeds(understand, lambda u, hits: _situation("matombringing", 1.2, 0.4), names, default_analyzer(),
                     SURE)
    return told, read


def test_a_direct_answer_gets_the_need_its_message_tells_last(reading):
    told, read = reading
    query = "kan mor låne rullator? og far klarer ikke å lage middag selv"
    p = told.add(_direct(query))
    assert read == [("far klarer ikke å lage middag selv", "fused")]
    assert [(s.service_id, s.role, s.reason) for s in p.services] == \
        [("hjelpemidler", "primary", "named"), ("matombringing", "also", "told")]
    # the named service's part is read without the need's words; the need's part is the rest
    assert [(q.service_id, q.aspect, q.text) for q in p.parts] == \
        [("hjelpemidler", "what", "kan mor låne rullator"),
         ("matombringing", "what", "far klarer ikke å lage middag selv")]


def test_an_open_ask_inside_the_rest_leaves_the_named_service(reading):
    told, _ = reading
    query = "Hva koster rullator? Far klarer ikke å lage middag. Hvem kan hjelpe ham med det?"
    p = told.add(_direct(query, ("Hva koster rullator", "cost"), ("Hvem kan hjelpe ham med det", "contact")))
    assert [(q.service_id, q.aspect) for q in p.parts] == [("hjelpemidler", "cost"), ("matombringing", "what")]


@pytest.mark.parametrize("understood", [{"leans_on_history": True}, {"focus": ("hjelpemidler",)}])
def test_a_turn_that_leans_on_the_conversation_or_another_mode_reads_no_rest(reading, understood):
    told, read = reading
    query = "kan mor låne rullator? og far klarer ikke å lage middag selv"
    plan_ = _direct(query, **understood)
    assert told.add(plan_) is plan_
    assert told.add(_direct(query), mode="lexical") == _direct(query)
    assert read == []


def test_the_writer_tells_the_need_after_the_answer_and_its_route_before_the_next_step(hashing_assistant):
    bot = hashing_assistant
    u, hits = bot.understand("Hva koster trygghetsalarm?")
    p = plan(u, hits, settings=bot.settings, service_ids=bot.service_ids)
    alone = bot.writer.write(p)
    reply = bot.writer.write(with_told_need(p, "matombringing", 1.2, "far klarer ikke å lage middag selv"))
    title = f"**{bot.documents['matombringing'].title}**"
    text = reply.text
    assert text.startswith(alone.text.removesuffix(templates.NEXT_STEP).rstrip())  # what is asked, as before
    assert text.index(title) < text.index(templates.NEXT_STEP) and text.endswith(templates.NEXT_STEP)
    told = text[text.index(title):]
    assert "[" in told and templates.SITUATION_ROUTE in told  # what it is, quoted, and how to get it
    assert [r.reason for r in reply.roles] == ["named", "told"]
    assert not bot.grounding.problems(reply)


@pytest.mark.real_model
@pytest.mark.parametrize(("question", "roles"), [
    ("hvordan søker vi om trygghetsalarm til mor? far klarer ikke lenger å lage middag selv etter slaget",
     [("trygghetsalarm", "named"), ("matombringing", "told")]),
    ("hva koster dagsenter? Far har gått der i to år nå", [("dagaktivitet", "named")]),  # the story, no need
    # a rest that passes the word check, read as no service surely enough
    ("hva koster dagsenter? Far har ikke vært der før", [("dagaktivitet", "named")]),
])
def test_the_real_model_adds_the_need_told_and_not_the_story(real_bot, question, roles):
    reply = real_bot.ask(question)
    assert [(r.service_id, r.reason) for r in reply.roles] == roles
    assert not real_bot.grounding.problems(reply)


def test_ask_reads_the_rest_of_a_first_message_not_of_a_turn_that_leans_on_the_conversation(hashing_assistant):
    bot = hashing_assistant.with_calibration(second_need_score=0.0, second_need_p=0.0)
    question = "hva koster trygghetsalarm? far klarer ikke lenger å lage middag selv"
    told = [r for r in bot.ask(question).roles if r.reason == "told"]
    assert len(told) == 1 and told[0].service_id != "trygghetsalarm"
    # off where it is not calibrated (the hashing embedder's own calibration)
    assert all(r.reason != "told" for r in hashing_assistant.ask(question).roles)
    history = [Turn("user", "hva koster trygghetsalarm?"),
               Turn("assistant", "Forklarte prisen.", services=("trygghetsalarm",))]
    # "den" is the alarm of the conversation: the turn leans on it, and its words describe what it holds
    follow_up = bot.ask("og hva koster den? far klarer ikke lenger å lage middag selv", history)
    assert all(r.reason != "told" for r in follow_up.roles)
