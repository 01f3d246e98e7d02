"""Safety: the danger classifier beside the banks' margins and the patterns (assistant/safety.py)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from assistant.bank_texts import ORDINARY, classifier_banks, held_out, safety_banks
from assistant.closing import Closing
from assistant.meaning import Calibration, Meaning
from assistant.safety import Danger, emergency_kinds, read_danger
from corpus.guide import load_guide
from index.classifier import Prediction

CAL = Calibration(emergency_margin=0.016, emergency_pattern_veto=-0.01, concern_margin=0.0155,
                  danger_box=0.55, danger_line=0.4, danger_veto=0.03, danger_box_foreign=0.1,
                  danger_concern_veto=0.15, danger_sentence_veto=0.4, danger_sentence_sure=0.95,
                  emergency_margin_narrow=0.026, emergency_narrow_keeps=("suicide",))


def _meaning(margin: float, kind: str = "medical") -> Meaning:
    return Meaning(emergency_margin=margin, emergency_kind=kind, out_of_scope_margin=-0.1, needs={}, need_text={})


def kinds(text: str, margin: float, danger: Danger | None, **kw) -> tuple[tuple[str, ...], str]:
    return emergency_kinds(CAL, text.lower(), _meaning(margin), raw=text, danger=danger, **kw)


def test_the_classifier_calls_an_emergency_the_margins_miss():
    text = "Hvor er helsestasjonen? Datteren min har nettopp spist noen av tablettene til bestemor"
    assert kinds(text, 0.0, Danger(0.63, 0.0, ("poisoning",))) == (("poisoning",), "")
    assert kinds(text, 0.0, Danger(0.2, 0.1, ("poisoning",))) == ((), "")
    # without a reading (lexical runs) or without a calibrated threshold, the margins decide as before
    assert kinds(text, 0.0, None) == ((), "")
    assert emergency_kinds(Calibration(emergency_margin=0.016), text.lower(), _meaning(0.0), raw=text,
                           danger=Danger(0.9, 0.0, ("poisoning",))) == ((), "")


def test_a_box_from_the_margins_alone_is_silenced_when_the_classifier_reads_it_as_plainly_ordinary():
    text = "kæm kan hjelp mæ å dusje"
    assert kinds(text, 0.02, Danger(0.5, 0.0, ("medical",))) == (("medical",), "")
    # at most the line, and the line the margins give needs the classifier to read some danger (danger_concern_veto)
    assert kinds(text, 0.02, Danger(0.01, 0.01, ("medical",))) == ((), "")
    assert kinds(text, 0.02, Danger(0.01, 0.01, ("medical",))) == kinds(text, 0.0155, Danger(0.01, 0.01, ("medical",)))
    # where the veto's threshold is above the line's, what it vetoes keeps the line
    cal = dataclasses.replace(CAL, danger_veto=0.2)
    assert emergency_kinds(cal, text, _meaning(0.02), raw=text, danger=Danger(0.17, 0.0, ("medical",))) \
        == ((), "medical")


def test_a_closing_keeps_the_box_the_margins_give_whatever_the_classifier_reads():
    # its reply has no place for the safety line, so a vetoed box would leave no 113 at all
    text = "takk for alt. jeg orker ikke mer nå"
    closing = Closing("thanks", "jeg orker ikke mer nå", _meaning(0.03, "suicide"))
    assert kinds(text, 0.0, Danger(0.01, 0.01, ("suicide",)), closing=closing) == (("suicide",), "")
    # and small talk does not silence the classifier
    assert kinds("ha det", 0.0, Danger(0.7, 0.0, ("suicide",)), small_talk=True)[1] == "suicide"
    assert kinds("ha det bra alle sammen", 0.0, Danger(0.7, 0.0, ("suicide",)), small_talk=True) == (("suicide",), "")


def test_a_pattern_is_never_vetoed_by_the_classifier():
    text = "Mannen min puster ikke"
    assert kinds(text, 0.0, Danger(0.0, 0.0, ())) == (("medical",), "")


def test_between_the_line_and_the_box_the_classifier_gives_the_safety_line():
    text = "Eg har mykje gjeld og veit ikkje kva eg skal gjere. Kven kan hjelpe meg?"
    assert kinds(text, 0.0, Danger(0.02, 0.45, ("medical",))) == ((), "medical")
    assert kinds(text, 0.0, Danger(0.45, 0.02, ("medical",))) == ((), "medical")
    assert kinds(text, 0.0, Danger(0.02, 0.6, ("medical",))) == (("medical",), "")
    # a concern the margins already give keeps its kind
    assert kinds(text, 0.0155, Danger(0.45, 0.0, ("violence",))) == ((), "medical")


def test_in_another_language_less_is_needed_and_nothing_is_vetoed():
    text = "Bet dabar mano vyras išgėrė daug vaistų ir negaliu jo pažadinti"
    assert kinds(text, 0.0, Danger(0.15, 0.0, ("medical",)), foreign=True) == (("medical",), "")
    assert kinds(text, 0.0, Danger(0.15, 0.0, ("medical",))) == ((), "")
    assert kinds(text, 0.03, Danger(0.01, 0.01, ("medical",)), foreign=True)[0] == ("medical",)


def test_in_another_language_one_sentence_counts_only_where_the_message_leans_toward_danger_too():
    cal = Calibration(emergency_margin=0.016, danger_box=0.55, danger_line=0.4, danger_box_foreign=0.2,
                      danger_message_foreign=0.06)
    text = "Hi, my dad lives alone. The neighbour says he seems confused lately. What can the municipality do?"

    def foreign(danger: Danger) -> tuple[tuple[str, ...], str]:
        return emergency_kinds(cal, text.lower(), _meaning(0.0), raw=text, danger=danger, foreign=True)

    # the line: 113 first all the same, and the answer after it
    assert foreign(Danger(0.01, 0.3, ("medical",))) == ((), "medical")
    assert foreign(Danger(0.09, 0.3, ("medical",))) == (("medical",), "")
    assert foreign(Danger(0.25, 0.0, ("medical",))) == (("medical",), "")


def test_in_a_conversation_one_sentence_alone_gives_the_safety_line_and_the_message_the_box():
    # after a question on training after a stroke, "han har mista språket" is the condition asked about, not a
    # new stroke: 113 stands first, and the answer follows
    text = "han har mista språket og høyre arm er lam. kan han få det da?"
    assert kinds(text, 0.0, Danger(0.1, 0.75, ("medical",))) == (("medical",), "")
    assert kinds(text, 0.0, Danger(0.1, 0.75, ("medical",)), in_conversation=True) == ((), "medical")
    assert kinds(text, 0.0, Danger(0.7, 0.75, ("medical",)), in_conversation=True) == (("medical",), "")
    # a sentence read surely as danger gives the box all the same: a question first keeps the message calm
    bleeding = "Korleis søkjer vi om det? Forresten blør han kraftig frå leggen no, og han verkar forvirra."
    assert kinds(bleeding, 0.0, Danger(0.5, 0.97, ("medical",)), in_conversation=True) == (("medical",), "")
    assert kinds(bleeding, 0.0, Danger(0.5, 0.9, ("medical",)), in_conversation=True) == ((), "medical")
    # a pattern still gives the box
    assert kinds("Takk. Nå puster han ikke", 0.0, Danger(0.1, 0.9, ("medical",)), in_conversation=True)[0] \
        == ("medical",)
    # and small talk or a closing keeps the box: their reply has no place for the line
    thanks = "takk for svaret. far virker ikke som seg selv i kveld"
    closing = Closing("thanks", "far virker ikke som seg selv i kveld", _meaning(0.0))
    assert kinds(thanks, 0.0, Danger(0.3, 0.8, ("medical",)), in_conversation=True, closing=closing) \
        == (("medical",), "")
    assert kinds(thanks, 0.0, Danger(0.3, 0.8, ("medical",)), in_conversation=True, small_talk=True) \
        == (("medical",), "")


def test_one_or_two_words_are_not_an_emergency_by_the_classifier_alone():
    assert kinds("farvel", 0.0, Danger(0.9, 0.9, ("suicide",))) == ((), "suicide")
    assert kinds("farvel", 0.0, Danger(0.9, 0.0, ("suicide",))) == ((), "suicide")
    assert kinds("farvel", 0.0, Danger(0.1, 0.0, ("suicide",))) == ((), "")


class _Said:
    """A stand-in classifier whose reading depends on the text only."""

    def __init__(self, readings: dict[str, dict[str, float]]) -> None:
        self.readings = readings

    def predict(self, vector, text: str) -> Prediction:  # noqa: ANN001
        ranked = sorted(self.readings[text].items(), key=lambda kv: -kv[1])
        return Prediction(tuple(k for k, _ in ranked), tuple(v for _, v in ranked))


def test_the_most_dangerous_sentence_of_a_message_is_its_reading():
    said = _Said({"hele": {ORDINARY: 0.9, "medical": 0.1},
                  "Hun blør fra hodet.": {ORDINARY: 0.3, "violence": 0.5, "medical": 0.2},
                  "Kan hun få alarm?": {ORDINARY: 0.99, "medical": 0.01}})
    vec = np.zeros(4, np.float32)
    sentences = [(t, vec) for t in said.readings if t != "hele"]
    danger = read_danger(said, [("hele", vec)], sentences)  # type: ignore[arg-type]
    assert danger == Danger(pytest.approx(0.1), pytest.approx(0.7), ("violence",))
    assert read_danger(said, []) == Danger(0.0, 0.0, ())  # type: ignore[arg-type]


def test_the_danger_bank_holds_the_emergencies_to_tune_on_and_ordinary_stories_sentence_by_sentence():
    bank = classifier_banks(load_guide(pdf=[]).documents)["danger"]
    texts = {e.text: e.label for e in bank}
    emergencies = safety_banks()["emergency"]
    assert all(texts.get(e.text) == e.label for e in emergencies if not held_out(e.text))
    assert not any(e.text in texts for e in emergencies if held_out(e.text))
    assert {label for label in texts.values()} == {ORDINARY, "medical", "suicide", "violence", "poisoning"}
    # a story of several sentences is ordinary as a whole and sentence by sentence
    story = next(e.text for e in safety_banks()["ordinary"] if e.text.count(". ") >= 1 and len(e.text) > 40)
    first = story.split(". ")[0].strip() + "."
    assert texts[story] == ORDINARY and texts.get(first, texts.get(first.rstrip("."))) == ORDINARY


def test_kinds_nearly_as_likely_as_the_first_are_kept_and_the_box_gives_them_all():
    said = _Said({"Har tatt alle pillene mine.": {ORDINARY: 0.4, "poisoning": 0.32, "suicide": 0.26,
                                                  "medical": 0.02}})
    danger = read_danger(said, [("Har tatt alle pillene mine.", np.zeros(4, np.float32))])  # type: ignore[arg-type]
    assert danger.kinds == ("poisoning", "suicide")
    assert kinds("Har tatt alle pillene mine.", 0.0, danger)[0] == ("poisoning", "suicide")


def test_the_danger_bank_leaves_out_the_held_out_lines_and_splits_only_sentences_that_tell():
    from assistant.bank_texts import (_sentences_of_several, intent_entries, labelled_questions, situation_entries,
                                      small_talk_entries)
    from assistant.rules import rules
    from index.analysis import default_analyzer

    documents = load_guide(pdf=[]).documents
    bank = classifier_banks(documents)["danger"]
    texts = {e.text for e in bank}
    for name in ("ordinary", "out_of_scope"):
        lines = safety_banks()[name]
        assert not any(e.text in texts for e in lines if held_out(e.text))
        assert any(e.text in texts for e in lines if not held_out(e.text))
    sources = (*situation_entries(documents), *safety_banks()["ordinary"], *safety_banks()["out_of_scope"],
               *intent_entries(), *small_talk_entries())
    whole = {e.text for e in sources} | {q["text"] for q in labelled_questions()}
    told = {s for t in whole for s in _sentences_of_several(t)}
    split = [e.text for e in bank if e.label == ORDINARY and e.text in told and e.text not in whole]
    assert split and not any(t.rstrip().endswith("?") for t in split)
    normalise = default_analyzer().normalise
    assert not any(rx.search(normalise(t)) for t in split for rx in rules().emergency.values())
    # the single background sentences too: one an emergency pattern reads is left out, the rest are ordinary
    from assistant.bank_texts import danger_sentence_entries

    background = [e.text for e in danger_sentence_entries() if e.label == ORDINARY]
    alarming = [t for t in background if any(rx.search(normalise(t)) for rx in rules().emergency.values())]
    assert alarming and not any(t in texts for t in alarming)
    assert all(t in texts for t in background if t not in alarming)
    assert {e.label for e in danger_sentence_entries()} == {ORDINARY, "medical", "suicide", "violence", "poisoning"}


def test_the_box_also_has_the_kinds_the_classifier_reads_surely():
    # the margins call it medical; the classifier reads a farewell surely: the box gets 116 123 too
    text = "takk for hjelpen. har sagt ha det til de jeg bryr meg om og tablettene ligger klare for i kveld"
    assert kinds(text, 0.02, Danger(0.56, 0.94, ("suicide",)))[0] == ("medical", "suicide")
    # read less surely, the classifier's kinds are not added
    assert kinds(text, 0.02, Danger(0.3, 0.5, ("suicide",)))[0] == ("medical",)


def test_the_line_the_margins_alone_give_needs_the_classifier_to_read_some_danger():
    text = "han har bare minstepensjon. har han råd til husleia der?"
    assert kinds(text, 0.0155, Danger(0.02, 0.11, ("medical",)))[1] == ""
    assert kinds(text, 0.0155, Danger(0.02, 0.32, ("suicide",)))[1] == "medical"
    # nor does a box the margins give, where the classifier vetoes it (danger_veto): "gjelder det også vinduene?"
    assert kinds(text, 0.02, Danger(0.02, 0.02, ("medical",))) == ((), "")
    # between the veto and the line's threshold the box of a clear margin stays: recall first (a narrow one is the
    # line, test_a_box_the_whole_message_gives_by_a_narrow_margin_...)
    assert kinds(text, 0.03, Danger(0.05, 0.11, ("medical",))) == (("medical",), "")


def test_a_box_from_one_sentence_alone_needs_the_classifier_to_lean_toward_danger():
    text = "kan pappa få middag kjørt hjem? han har diabetes og tåler ikke gluten."
    sentence = [("han har diabetes og tåler ikke gluten.", _meaning(0.05))]
    cal = dataclasses.replace(CAL, sentence_emergency_margin=0.045)

    def read(margin: float, danger: Danger) -> tuple[tuple[str, ...], str]:
        return emergency_kinds(cal, text.lower(), _meaning(margin), sentence, raw=text, danger=danger)

    assert read(-0.01, Danger(0.01, 0.28, ("medical",))) == ((), "medical")
    assert read(-0.01, Danger(0.01, 0.53, ("medical",))) == (("medical",), "")
    # the whole message's margin is not one sentence's: the box stays
    assert read(0.02, Danger(0.01, 0.28, ("medical",))) == (("medical",), "")


def test_a_box_the_whole_message_gives_by_a_narrow_margin_needs_the_classifier_to_lean_toward_danger():
    text = "kor mange veker held dei på med det"

    def read(margin: float, danger: Danger, *, cal: Calibration = CAL, kind: str = "medical",
             **kw) -> tuple[tuple[str, ...], str]:
        return emergency_kinds(cal, text, _meaning(margin, kind), raw=text, danger=danger, **kw)

    # just over the margin's line and read as ordinary: the line, 113 first, whatever the reading (as one sentence's)
    assert read(0.018, Danger(0.19, 0.0, ("medical",))) == ((), "medical")
    assert read(0.018, Danger(0.06, 0.0, ("medical",))) == ((), "medical")
    # the classifier leaning toward danger, or a clear margin, keeps the box
    assert read(0.018, Danger(0.45, 0.0, ("medical",))) == (("medical",), "")
    assert read(0.03, Danger(0.06, 0.0, ("medical",))) == (("medical",), "")
    # a farewell the banks read keeps its box: the classifier reads a terse one low
    assert read(0.019, Danger(0.19, 0.17, ("suicide",)), kind="suicide")[0] == ("suicide",)
    # a sentence whose own margin calls it keeps the box too
    sentence = [("held dei på", _meaning(0.05))]
    cal = dataclasses.replace(CAL, sentence_emergency_margin=0.045)
    assert emergency_kinds(cal, text, _meaning(0.018), sentence, raw=text,
                           danger=Danger(0.06, 0.0, ("medical",)))[0] == ("medical",)
    # no veto in another language, nor on a closing (their reply has no place for the line)
    assert read(0.018, Danger(0.06, 0.0, ("medical",)), foreign=True)[0] == ("medical",)
    closing = Closing("thanks", "kor mange veker held dei på med det", _meaning(0.018))
    assert read(0.018, Danger(0.06, 0.0, ("medical",)), closing=closing)[0] == ("medical",)
    # words the banks read past keep their box (a pattern vetoed by the banks is not a narrow reading)
    words = "han har tatt en overdose"
    assert emergency_kinds(CAL, words, _meaning(0.018), raw=words, danger=Danger(0.06, 0.0, ("poisoning",)),
                           pattern_reading=_meaning(-0.05))[0] != ()
    # without the setting, the box stays (recall first)
    off = dataclasses.replace(CAL, emergency_margin_narrow=None)
    assert read(0.018, Danger(0.06, 0.0, ("medical",)), cal=off) == (("medical",), "")


def test_the_box_a_pattern_gives_has_the_kinds_the_classifier_reads_surely_too():
    text = "han har tatt en overdose"
    assert kinds(text, 0.0, None)[0] == ("poisoning",)  # a pattern reads it
    assert "suicide" in kinds(text, 0.0, Danger(0.2, 0.9, ("suicide",)))[0]
    assert "suicide" not in kinds(text, 0.0, Danger(0.2, 0.3, ("suicide",)))[0]


def test_one_or_two_words_keep_the_line_the_margins_give_whatever_the_classifier_reads():
    assert kinds("ingen puls", 0.02, Danger(0.01, 0.0, ("medical",))) == ((), "medical")



@pytest.mark.parametrize("text, emergency", [
    ("Kan noen ringe meg? Jeg klarer ikke mer og har lyst til å dø.", True),
    ("Jeg vil snakke med en person, ikke en maskin. Jeg har ikke lyst å leve lenger.", True),
    ("eg har ikkje lyst til å leve lenger", True),
    ("Kan jeg få snakke med et menneske, jeg vil bare forsvinne.", True),
    # living or dying somewhere, or not wanting to die, is no wish to die
    ("Mor har ikke lyst til å dø på sykehuset, kan hun få hjelp hjemme?", False),
    ("Far har ikke lyst å leve på sykehjem. Hva finnes ellers?", False),
    ("Han vil helst dø hjemme, ikke på sykehuset.", False),
])
def test_the_plainest_words_for_a_wish_to_die_are_an_emergency_whatever_the_margins(text, emergency):
    from index.analysis import default_analyzer

    # the margins read the calm question beside it as ordinary: the words decide (the banks may veto only a message
    # they read as plainly ordinary from the words on)
    found, _ = emergency_kinds(CAL, default_analyzer().normalise(text), _meaning(0.0), raw=text)
    assert bool(found) == emergency, found


def test_an_emergencys_words_the_banks_read_past_keep_the_line_unless_the_classifier_reads_them_as_ordinary():
    # asked as a question, the banks read it calm (under the pattern veto); the classifier does not read it as ordinary
    text = "han har tatt en overdose av medisinene fra legen, hva gjør jeg?"
    assert kinds(text, -0.013, Danger(0.25, 0.0, ("poisoning",))) == ((), "poisoning")
    # a past event the classifier reads as plainly ordinary: nothing (the banks' veto stands)
    past = "han tok en overdose for tre år siden og er rusfri nå, kan han få støttekontakt?"
    assert kinds(past, -0.02, Danger(0.05, 0.0, ("poisoning",))) == ((), "")
    # the banks not vetoing: the box, as before
    assert kinds(text, 0.0, Danger(0.25, 0.0, ("poisoning",)))[0] == ("poisoning",)
    # small talk has no place for the line
    assert kinds(text, -0.013, Danger(0.25, 0.0, ("poisoning",)), small_talk=True) == ((), "")
