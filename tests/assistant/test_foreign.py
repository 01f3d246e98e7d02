"""What a question in another language asks (assistant/foreign.py, assistant/aspects.py)."""

from __future__ import annotations

import pytest

from assistant.aspects import asked_aspects
from assistant.foreign import foreign_aspects, foreign_cues
from assistant.meaning import Calibration
from assistant.rules import rules
from index.analysis import default_analyzer
from index.classifier import Prediction


def test_every_language_has_cues_for_the_aspects_people_ask_most():
    cues = foreign_cues()
    assert {"pl", "uk", "ar", "so", "ti", "en"} <= set(cues)
    for language, table in cues.items():
        assert {"cost", "apply", "who", "contact"} <= {key for key, _ in table.aspects}, language


@pytest.mark.parametrize(("question", "language", "aspects"), [
    # two questions joined by the language's own "and", which normalising to Norwegian cannot read
    ("Dzień dobry, moja mama ma 80 lat. Czy może dostać trygghetsalarm i ile to kosztuje miesięcznie?", "pl",
     ("who", "cost")),
    ("Як оскаржити рішення комуни про відмову в допомозі вдома?", "uk", ("deadline",)),  # an appeal
    ("Sidee baan u codsadaa avlastning?", "so", ("apply",)),
    ("Can I see a physiotherapist without a referral, and how much do I pay per session?", "en", ("apply", "cost")),
    # the story told ("I have no money") is not asked: the sentence that asks is read
    ("ገንዘብ የብለይን። ንመግቢ ዝኸውን ሓገዝ ካበይ ክረክብ እኽእል?", "ti", ("who",)),
    # a language without cues asks nothing by them
    ("Wie viel kostet das?", "xx", ()),
])
def test_a_question_in_another_language_says_what_it_asks_in_its_own_words(question, language, aspects):
    assert foreign_aspects(question, language) == aspects


def test_a_topic_is_asked_in_another_language_only_where_the_topic_classifier_reads_it_too():
    # "when" asks when something happens as often as how long it takes
    question = "مرحبا، ابني عمره سنتان. متى يحتاج إلى التطعيمات في مركز صحة الأطفال؟"
    assert not set(foreign_aspects(question, "ar")) & set(rules().topics)
    assert foreign_aspects(question, "ar", topic="time") == ("time",)


def test_an_unread_topic_gives_way_to_the_clause_s_next_cue_and_english_keeps_its_norwegian_cues():
    # "when" without the topic classifier's reading is no wait, but the clause still asks who can get a place
    assert foreign_aspects("When can my mother get a place at the nursing home?", "en") == ("who",)
    said = asked_aspects("How long does it take to get a decision, and what does it cost?", _prediction("what", 0.9),
                         Calibration(), analyzer=default_analyzer(), language="en")
    assert said == (("time",), "cues")


def _prediction(label: str, p: float) -> Prediction:
    return Prediction(labels=(label, "other"), probs=(p, 1 - p))


def test_the_asker_s_own_words_decide_before_a_classifier_taught_in_norwegian():
    question = "Czy może dostać trygghetsalarm i ile to kosztuje miesięcznie?"
    said = asked_aspects(question, _prediction("what", 0.9), Calibration(), analyzer=default_analyzer(),
                         language="pl")
    assert said == (("who", "cost"), "cues")
    # the same words read as Norwegian find nothing of the kind
    assert asked_aspects(question, _prediction("what", 0.9), Calibration(), analyzer=default_analyzer())[0] \
        != ("who", "cost")
