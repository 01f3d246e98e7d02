"""How a question's words match a guide sentence's (assistant/matching.py)."""

from __future__ import annotations

from assistant.matching import begun, both_parts, compound_parts, inflects, shared


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


def test_a_compound_the_guide_never_writes_is_read_as_the_two_words_it_is_made_of():
    guide = {"diabet", "kost", "spesialkost", "måned", "pris", "ledsagerbevis", "bevis", "ledsag"}
    assert compound_parts("diabeteskost", guide) == ("diabet", "kost")  # "diabetes" + "kost", a linking "es"
    assert compound_parts("månedspris", guide) == ("måned", "pris")
    # a word the guide writes, one too short to be two, or one with no known head is left alone
    assert compound_parts("spesialkost", guide) == () and compound_parts("kost", guide) == ()
    assert compound_parts("hjemmehjelp", guide) == ()
    # the guide's own compound spelt another way (nynorsk "ledsagar") is that compound, not "ledsag" + "bevis"
    assert compound_parts("ledsagarbevis", guide) == ()


def test_a_doubled_consonant_the_stemmer_keeps_is_the_same_word():
    # "hjem" (home) and "hjemmet" (the home, stemmed "hjemm") are one word; "hjemmehjelp" stays a compound of its own
    assert shared(frozenset({"hjem"}), frozenset({"fysioterapi", "hjemm"})) == {"hjem"}
    assert shared(frozenset({"hjemm"}), frozenset({"hjem"})) == {"hjemm"}
    assert shared(frozenset({"hjem"}), frozenset({"hjemmehjelp"})) == set()
    # not below four letters, where stems are other words ("leg" of "legen", "legg" of "legger")
    assert shared(frozenset({"leg"}), frozenset({"legg"})) == set()


def test_a_compounds_part_counts_only_beside_its_other_part():
    pairs = {"minn": "vikt", "vikt": "minn"}
    assert both_parts({"vikt", "kriteri"}, pairs) == {"kriteri"}
    assert both_parts({"minn", "vikt"}, pairs) == {"minn", "vikt"}


def test_a_word_the_guide_never_writes_alone_finds_the_compounds_it_begins():
    vocabulary = {"vindusvask", "vask", "husleie", "leie", "hus", "klagefrist", "klage", "frist", "vindusvaskeren"}
    assert begun({"vindu"}, vocabulary) == {"vindusvask"}  # a linking "s", then a word of the guide
    # a word the guide writes itself is matched as itself; a short one begins too many compounds
    assert begun({"klage", "hus"}, vocabulary) == frozenset()
    # the rest must be a word of the guide: "vindusvaskeren" is not window + a word
    assert "vindusvaskeren" not in begun({"vindu"}, vocabulary)
