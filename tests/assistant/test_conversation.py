"""The conversation: which earlier service a follow-up is about (assistant/conversation.py)."""

from __future__ import annotations

import pytest

from assistant.asked import Understanding
from assistant.conversation import Conversation
from assistant.mentions import ServiceNames
from assistant.settings import AssistantSettings
from assistant.types import Turn
from corpus.guide import load_guide
from corpus.model import Chunk
from index.analysis import default_analyzer
from index.search import Hit

DOCUMENTS = load_guide(pdf=[]).by_id()


def _hit(service_id: str, score: float) -> Hit:
    chunk = Chunk(chunk_id=f"{service_id}#cost-1", service_id=service_id, title=DOCUMENTS[service_id].title,
                  section="Hva koster det?", text="…", source="x.md", aspect="cost")
    return Hit(chunk, score, score, score, score)


def _conversation(scores: dict[str, float]) -> Conversation:
    def search(query, *, mode="fused", k=None, query_vector=None):
        return sorted((_hit(sid, s) for sid, s in scores.items()), key=lambda h: -h.score)

    return Conversation(search, DOCUMENTS, settings=AssistantSettings(), names=ServiceNames.from_documents(
        tuple(DOCUMENTS.values())), analyzer=default_analyzer(), read_turn=lambda text: text)


def _followed(conversation: Conversation, question: str, topics: tuple[str, ...],
              aspects: tuple[str, ...]) -> tuple[str, ...]:
    """The subject a follow-up is given after a turn about ``topics`` (its passages as ``_conversation`` scores)."""
    u = Understanding(question, question, aspects=aspects, focus=topics[:1])
    got, _ = conversation.follow(u, question, topics, conversation.search(question), k=10, mode="fused", vector=None)
    return got.focus


@pytest.mark.parametrize(("aspects", "focus"), [(("cost",), "dagaktivitet"), (("who",), "dagaktivitet"),
                                                (("",), "soknad-og-vedtak")])
def test_a_service_that_tells_an_aspect_for_all_does_not_take_a_follow_up_the_subject_answers(aspects, focus):
    # the application service's passages share the words of any question about an aspect, and score a little
    # more; the day centre's own description answers its price and who can get it, so it stays the subject
    conversation = _conversation({"dagaktivitet": 0.5, "soknad-og-vedtak": 0.6})
    assert _followed(conversation, "og prisen?", ("dagaktivitet", "soknad-og-vedtak"), aspects) == (focus,)


@pytest.mark.parametrize(("question", "focus"), [
    ("må vi søke om det siste der for seg?", "omsorgsstonad"),
    ("og den første, hva koster den?", "avlastning"),
    ("what about the latter, how do we apply?", "omsorgsstonad"),
    # "der" or "du nevnte" points whatever question follows it, one of yes or no too
    ("det siste der, blir han hentet hjemme?", "omsorgsstonad"),
    ("den første du nevnte, trenger vi vedtak på den?", "avlastning"),
    # no place named, or "i det siste" (lately), or a place of something else: the usual reading, the last answer's
    # subject first
    ("hun har vært sliten i det siste, kan hun få det?", "avlastning"),
    ("hva koster det?", "avlastning"),
    ("Det siste jeg lurer på: hva koster det?", "avlastning"),
    # "her" and "der borte" are places, not the last answer's services
    ("er vi de første her i kommunen som får det?", "avlastning"),
    ("den siste der borte, hva koster den?", "avlastning"),
    ("hva er det første vi bør gjøre?", "avlastning"),
])
def test_a_follow_up_that_names_a_place_is_about_that_service_of_the_last_answer(question, focus):
    # the passages read like the first service, as a question that says only "the latter" does
    conversation = _conversation({"avlastning": 0.7, "omsorgsstonad": 0.3})
    assert _followed(conversation, question, ("avlastning", "omsorgsstonad"), ("apply",)) == (focus,)
    # one service shown has no place to point to
    assert conversation.placed(question, ("avlastning",)) == ""


def test_the_second_of_three_is_the_second():
    conversation = _conversation({"avlastning": 0.7, "omsorgsstonad": 0.3, "dagaktivitet": 0.2})
    topics = ("avlastning", "omsorgsstonad", "dagaktivitet")
    assert conversation.placed("og den andre, hva koster den?", topics) == "omsorgsstonad"
    assert conversation.placed("hva med det siste der?", topics) == "dagaktivitet"


@pytest.mark.parametrize(("question", "focus"), [
    # only home help's description has windows ("vindusvask": a word finds a compound it begins), the fee rules none
    ("gjelder det også vinduene?", "praktisk-bistand"),
    # a word both services shown have, or one in many descriptions, marks neither: the last answer's subject
    ("gjelder det også inntekten?", "egenandel"),
    ("gjelder det også hjemmet?", "egenandel"),
])
def test_a_word_only_one_service_shown_has_marks_the_follow_up_as_about_it(question, focus):
    # the passages read like the fee rules, the last answer's subject
    conversation = _conversation({"egenandel": 0.7, "praktisk-bistand": 0.3})
    topics = ("egenandel", "praktisk-bistand")
    assert _followed(conversation, question, topics, ("cost",)) == (focus,)
    # the word is in few descriptions, and the other service shown has none of it
    assert conversation._marked(("vindu",), topics) == "praktisk-bistand"
    assert conversation._marked(("vindu",), ("egenandel", "hjemmesykepleie")) == ""


@pytest.mark.parametrize(("question", "relative"), [
    ("og for meg? jeg har ikke sovet ordentlig på ukevis", True),
    ("og jeg som er dattera og jobber fullt, kan jeg få fri?", True),
    ("og hva med meg?", True),
    ("hva med meg selv?", True),
    ("og for mæ da?", True),  # dialect, read as bokmål
    ("og kva med oss?", True),
    # the person talked about, the writer asking of that person's service, or more than the turn itself
    ("og for far?", False),
    ("og hva koster det for henne?", False),
    ("kan jeg søke for henne?", False),
    ("og jeg lurer på hva det koster for mor", False),
    ("men jeg fikk ikke svar på søknaden hennes", False),
    ("og meg og mor bor sammen, påvirker det prisen?", False),
])
def test_a_follow_up_that_turns_to_the_writer_is_read_as_a_relatives_own_need(question, relative):
    conversation = _conversation({"palliasjon": 0.5})
    history = (Turn("user", "kona mi har kreft, hva slags hjelp kan vi få?"),
               Turn("assistant", "Forklarte lindrende behandling.", services=("palliasjon",)))
    read = conversation.as_relative(question, history)
    assert bool(read) == relative
    if relative:
        assert read.startswith("jeg er pårørende") and read.endswith(question)
    # without a conversation there is no one else to turn from
    assert conversation.as_relative(question, ()) == ""


@pytest.mark.parametrize(("question", "topics", "focus"), [
    # the noun is a word of one shown service's description: that one, whatever the passages read like
    ("det oppholdet for en periode, hva må hun betale per døgn da", ("hjemmesykepleie", "korttidsopphold"),
     "korttidsopphold"),
    # ... or the last part of a compound only one of them has ("skolen": "pårørendeskolen")
    ("den skolen du nevnte, hvordan melder vi oss på", ("avlastning", "dagaktivitet", "demens"), "demens"),
])
def test_a_follow_up_that_points_to_a_thing_by_its_noun_is_about_the_service_that_has_it(question, topics, focus):
    conversation = _conversation({sid: 0.7 if i == 0 else 0.3 for i, sid in enumerate(topics)})
    assert _followed(conversation, question, topics, ("cost",)) == (focus,)
    assert conversation.described(question, topics) == focus


@pytest.mark.parametrize("question", ["det er vanskelig å vite hva vi skal gjøre", "hva koster det?",
                                      # a noun several of them have points to none
                                      "det med samtalene, må hun gå via fastlegen?",
                                      # nor does one most descriptions have
                                      "den siste tiden har hun blitt så ensom, finnes det noe sosialt?"])
def test_no_noun_or_a_noun_of_several_or_of_most_points_to_none(question):
    conversation = _conversation({"stottekontakt": 0.7, "psykisk-helse-rus": 0.3})
    assert conversation.described(question, ("stottekontakt", "psykisk-helse-rus")) == ""
    if "samtalene" not in question:  # alone, the one service that has the noun is what it points to
        assert conversation.described(question, ("psykisk-helse-rus",)) == ""
    else:
        assert conversation.described(question, ("psykisk-helse-rus",)) == "psykisk-helse-rus"
