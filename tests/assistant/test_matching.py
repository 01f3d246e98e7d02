"""How a question's words match a guide sentence's (assistant/matching.py)."""

from __future__ import annotations

from assistant.matching import inflects, shared


def test_a_compound_of_the_question_matches_a_sentence_holding_both_its_parts():
    assert shared(frozenset({"timebehov"}), frozenset({"minst", "tim", "uke", "behov"}), parts=True) == {"timebehov"}
    # one part alone is not the compound; nor do parts count unless asked for (choosing a section)
    assert shared(frozenset({"timebehov"}), frozenset({"behov", "person"}), parts=True) == set()
    assert shared(frozenset({"timebehov"}), frozenset({"minst", "tim", "uke", "behov"})) == set()


def test_a_match_weighs_what_was_asked_and_a_compound_whose_parts_were_asked_weighs_as_itself():
    # "rengjøring" inside "storrengjøring" is the question's word, not the rarer compound
    assert shared(frozenset({"rengjøring"}), frozenset({"storrengjøring"})) == {"rengjøring"}
    # "vasker dere vinduer?" asks about "vindusvask"
    assert "vindusvask" in shared(frozenset({"vindu", "vask"}), frozenset({"vindusvask"}))
    # a short word is no compound head ("tid" is not the end of "saksbehandlingstid" for this purpose)
    assert shared(frozenset({"tid"}), frozenset({"saksbehandlingstid"})) == set()


def test_an_inflection_is_not_a_compound():
    assert inflects("dagsenter", "dagsent") and not inflects("klagefrist", "klag")
