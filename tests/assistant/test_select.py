"""Choosing the sentences of a section that answer (assistant/select.py)."""

from __future__ import annotations

import pytest

from assistant.rules import rules
from assistant.select import SectionPicker
from assistant.topics import matching
from corpus.model import Chunk


def _chunk(n: int, text: str, aspect: str = "included") -> Chunk:
    return Chunk(chunk_id=f"s#{aspect}-{n}", service_id="s", title="S", section="Hva inngår – og hva inngår ikke?",
                 text=text, source="s.md", aspect=aspect)


CHUNKS = [
    _chunk(1, "Praktisk bistand er hjelp i hjemmet.\n\nPraktisk bistand kan omfatte:\n- rengjøring av rom som brukes "
              "daglig\n- klesvask\n- handling av dagligvarer"),
    _chunk(2, "Praktisk bistand omfatter ikke:\n- storrengjøring\n- vindusvask\n- hagearbeid\n\nTidspunktet avtales "
              "med deg."),
]


def _texts(groups):
    return [span.text for _, spans in groups for span in spans]


def test_the_answer_in_a_later_chunk_and_list_is_found_with_its_introduction():
    picker = SectionPicker(CHUNKS)
    groups = picker.pick("s", "included", "vasker de vinduer, vindusvask?", max_words=40, whole_lists=False)
    texts = _texts(groups)
    assert "vindusvask" in texts
    # a list item never without the sentence that introduces its list
    assert texts.index("Praktisk bistand omfatter ikke:") < texts.index("vindusvask")


LONG_LIST = [_chunk(1, "Avlastning kan gis på flere måter:\n" + "\n".join(
    f"- {what} med personale som kjenner deg og familien din godt" for what in
    ("avlastning i institusjon", "avlastning i eget hjem", "avlastning hos en privat avlaster",
     "avlastning på dagtid i et dagtilbud", "avlastning i helger")))]


def test_a_list_is_kept_whole_when_the_answer_sits_inside_it_and_cut_to_its_item_otherwise():
    picker = SectionPicker(LONG_LIST)
    whole = _texts(picker.pick("s", "included", "helger", max_words=80, whole_lists=True))
    assert len(whole) == 6
    brief = _texts(picker.pick("s", "included", "helger", max_words=80, whole_lists=False))
    assert brief == ["Avlastning kan gis på flere måter:",
                     "avlastning i helger med personale som kjenner deg og familien din godt"]


def test_a_short_list_is_never_quoted_in_part_and_may_run_past_the_budget():
    # one item of three under its introduction reads as the whole list ("klesvask" alone under "kan omfatte"
    # told a reader that floors are not cleaned)
    picker = SectionPicker(CHUNKS)
    for whole_lists in (True, False):
        texts = _texts(picker.pick("s", "included", "vindusvask", max_words=20, whole_lists=whole_lists))
        assert {"storrengjøring", "vindusvask", "hagearbeid"} <= set(texts)
    texts = _texts(picker.pick("s", "included", "klesvask, og er det hjelp i hjemmet?", max_words=14))
    assert texts[:1] == ["Praktisk bistand er hjelp i hjemmet."]
    assert {"rengjøring av rom som brukes daglig", "klesvask", "handling av dagligvarer"} <= set(texts)


def test_the_opening_sentence_answers_when_nothing_else_shares_a_word():
    picker = SectionPicker(CHUNKS)
    assert _texts(picker.pick("s", "included", "xyz", max_words=30)) == ["Praktisk bistand er hjelp i hjemmet."]


def test_nothing_already_quoted_is_quoted_again():
    picker = SectionPicker(CHUNKS)
    first = picker.pick("s", "included", "klesvask", max_words=30)
    done = {(chunk.chunk_id, span.start) for chunk, spans in first for span in spans}
    again = picker.pick("s", "included", "klesvask", max_words=30, skip=done)
    assert not {(chunk.chunk_id, span.start) for chunk, spans in again for span in spans} & done


def test_groups_follow_reading_order_and_quotes_are_verbatim():
    picker = SectionPicker(CHUNKS)
    groups = picker.pick("s", "included", "klesvask vindusvask", max_words=60, whole_lists=True)
    assert [c.chunk_id for c, _ in groups] == ["s#included-1", "s#included-2"]
    for chunk, spans in groups:
        assert [s.start for s in spans] == sorted(s.start for s in spans)
        assert all(chunk.text[s.start:s.end] == s.text for s in spans)


def test_a_route_sentence_is_found_exactly_or_not_at_all():
    picker = SectionPicker(CHUNKS)
    found = picker.sentence("s", "included", "Tidspunktet avtales med deg.")
    assert found is not None and found[1][0].text == "Tidspunktet avtales med deg."
    assert picker.sentence("s", "included", "Finnes ikke.") is None
    assert picker.pick("s", "cost", "pris", max_words=30) == []


TOPIC_CHUNKS = [
    _chunk(1, "Klage på vedtak er gratis. Det er ingen vilkår utover at du klager innen fristen.", aspect="who"),
    _chunk(2, "Klagefristen er fire uker fra du fikk vedtaket.", aspect="included"),
    _chunk(3, "Forvaltningsloven regulerer klagefristen.", aspect="law"),
]


def test_a_topic_is_found_in_any_section_the_outright_sentence_first_and_never_in_the_law():
    import re

    picker = SectionPicker(TOPIC_CHUNKS)
    frist = re.compile(r"\b\w*frist\w*\b")
    outright = re.compile(r"\bfire uker\b")
    assert _texts(matching(picker, "s", frist, prefer=outright, max_spans=1)) == \
        ["Klagefristen er fire uker fra du fikk vedtaket."]
    # both, in reading order; the law section is not read
    assert _texts(matching(picker, "s", frist, prefer=outright, max_spans=3)) == \
        ["Det er ingen vilkår utover at du klager innen fristen.", "Klagefristen er fire uker fra du fikk vedtaket."]
    assert matching(picker, "s", re.compile(r"\bventeliste\b")) == []
    # a sentence that states something else in the same words is not read: a deadline is no length of stay
    weeks = re.compile(r"\bfire uker\b")
    assert matching(picker, "s", weeks, exclude=frist) == []


def test_of_the_sentences_that_say_a_topic_outright_the_one_that_says_more_of_it_comes_first():
    import re

    picker = SectionPicker([
        _chunk(1, "Oppholdet omfatter ikke en fast plass etter at oppholdet er over.", aspect="included"),
        _chunk(2, "Du søker på skjema. Før oppholdet er over, vurderer kommunen hva som skal skje etterpå.",
               aspect="apply"),
    ])
    after = re.compile(r"\b(?:etterpå|oppholdet er over)\b")
    # the earlier sentence in reading order says one of it; the later one says both
    assert _texts(matching(picker, "s", after, prefer=after, max_spans=1)) == \
        ["Før oppholdet er over, vurderer kommunen hva som skal skje etterpå."]


def test_a_topic_told_in_a_paragraph_is_read_as_its_paragraph():
    import re

    picker = SectionPicker([
        _chunk(1, "Oppholdet omfatter ikke en fast plass etter at oppholdet er over.", aspect="included"),
        _chunk(2, "Du søker på skjema. Før oppholdet er over, vurderer kommunen hva som skal skje etterpå. Mange "
                  "flytter hjem med mer hjelp. Hvis du ikke kan bo trygt hjemme, gjør kommunen en ny vurdering.",
               aspect="apply"),
    ])
    after = re.compile(r"\b(?:etterpå|oppholdet er over|flytter hjem|ny vurdering)\b")
    outright = re.compile(r"\b(?:etterpå|oppholdet er over)\b")
    paragraph = _texts(matching(picker, "s", after, prefer=outright, max_spans=3, paragraph=True))
    assert paragraph == ["Før oppholdet er over, vurderer kommunen hva som skal skje etterpå.",
                         "Mange flytter hjem med mer hjelp.", "Hvis du ikke kan bo trygt hjemme, gjør kommunen en ny "
                         "vurdering."]
    # without it, a sentence that says it outright in passing comes before the paragraph's later sentences
    scattered = _texts(matching(picker, "s", after, prefer=outright, max_spans=3))
    assert "Oppholdet omfatter ikke en fast plass etter at oppholdet er over." in scattered


def test_a_topic_reads_two_sentences_unless_its_data_says_otherwise_and_never_fewer_than_one():
    from assistant.rules import Topic, _at_least_one

    deadline = rules().topics["deadline"]
    assert (deadline.spans, deadline.paragraph) == (Topic.spans, Topic.paragraph) == (2, False)
    for bad in (0, -1, True, "3"):
        with pytest.raises(ValueError, match="spans"):
            _at_least_one("after", bad)


def test_every_aspect_a_description_tells_for_all_or_always_is_one_the_assistant_knows(hashing_guide):
    from assistant.message import ASPECT_KEYS

    known = set(ASPECT_KEYS) | set(rules().topics)
    for doc in hashing_guide.documents:
        assert set(doc.general_for) <= known and set(doc.always_tell) <= known, doc.service_id


def test_a_detail_asked_about_is_found_in_any_section_with_its_list_introduction(hashing_guide):
    # the guide's own sentences: how telling a word is depends on how rare it is in the whole guide
    picker = SectionPicker(hashing_guide.chunks())
    question = "finnes det en sensor som varsler hvis hun faller?"
    opening = picker.pick("trygghetsalarm", "what", question, max_words=30, max_spans=1, opening=True)
    done = {(c.chunk_id, sp.start) for c, spans in opening for sp in spans}
    aspect, groups = picker.detail("trygghetsalarm", question, skip=done)
    texts = _texts(groups)
    assert aspect == "what" and texts[0] == "Eksempler på velferdsteknologi er:"
    assert "fallsensor, som sender alarm automatisk hvis du faller" in texts and len(texts) <= 3
    # nothing new to tell: a question whose telling words the reply has quoted already gets no detail
    assert picker.detail("trygghetsalarm", "hva om hun faller?", skip=done) == ("", [])


def test_a_compound_the_guide_never_writes_finds_the_sentence_that_holds_its_parts(hashing_guide):
    # "diabeteskost" is not a word of the guide, which says "kost ved diabetes" under what delivery includes
    picker = SectionPicker(hashing_guide.chunks())
    aspect, groups = picker.detail("matombringing", "går det an å få diabeteskost?")
    assert aspect == "included" and any("diabetes" in t for t in _texts(groups))


@pytest.mark.parametrize(("question", "defined"), [
    ("Kva er eigentleg ein individuell plan?", "En individuell plan er en skriftlig plan"),
    ("hva er en koordinator", "En koordinator er en fast kontaktperson"),
])
def test_what_something_is_is_answered_by_the_sentence_that_defines_it(hashing_guide, question, defined):
    # the words are the service's own name, which count little: the definition is found by what it defines
    picker = SectionPicker(hashing_guide.chunks())
    texts = _texts(picker.pick("koordinerende-enhet", "what", question, max_words=45, max_spans=2))
    assert any(t.startswith(defined) for t in texts)
    # not for a question that asks something else of the same words
    texts = _texts(picker.pick("koordinerende-enhet", "what", "får vi individuell plan?", max_words=20, max_spans=1))
    assert not any(t.startswith("En individuell plan er") for t in texts)


def test_a_step_that_introduces_a_list_is_quoted_with_its_items():
    picker = SectionPicker([_chunk(1, "Du søker på skjema.\n\nSøknaden skal inneholde:\n- legeattest\n- et bilde\n\n"
                                      "Send søknaden til kommunen.", aspect="apply")])
    texts = _texts(picker.pick("s", "apply", "hvordan søker jeg?", max_words=12, max_spans=1, in_order=True))
    # never the introduction alone ("skal inneholde:" and nothing); the short list may run past the budget
    assert texts[:4] == ["Du søker på skjema.", "Søknaden skal inneholde:", "legeattest", "et bilde"]


def test_how_to_get_a_service_runs_on_through_whom_to_contact(hashing_guide):
    # the steps in order: "no written application" is not the whole answer, the contact sentence after it is one
    picker = SectionPicker(hashing_guide.chunks())
    texts = _texts(picker.pick("okonomisk-radgivning", "apply", "hvem kan hjelpe meg med budsjett?", max_words=60,
                               max_spans=2, in_order=True))
    assert any(t.startswith("Du kan kontakte NAV Levanger") for t in texts)


def test_a_detail_is_chosen_by_what_the_reply_has_not_told():
    # "kjøleskap" was quoted already: the sentence that says it again with "frokost" weighs less than the one
    # holding "kveldsmat" and "lørdag", both new to the reply
    filler = [_chunk(10 + i, f"Tjenesten gis etter vedtak nummer {i}.", aspect="what") for i in range(40)]
    picker = SectionPicker([
        _chunk(1, "Du må ha kjøleskap."),
        _chunk(2, "Kjøleskap og frokost inngår ikke."),
        _chunk(3, "Kveldsmat kan leveres på lørdag."),
        *filler,
    ])
    done = {(c.chunk_id, sp.start) for c, spans in picker.pick("s", "included", "kjøleskap", max_words=5,
                                                                max_spans=1) for sp in spans}
    aspect, groups = picker.detail("s", "trenger hun kjøleskap, og kan hun få frokost, kveldsmat på lørdag?",
                                   skip=done, floor=1.0)
    assert _texts(groups) == ["Kveldsmat kan leveres på lørdag."]


def test_the_services_own_name_does_not_outweigh_the_word_asked_about(hashing_guide):
    # "praktisk bistand" is in most sentences of its section, "inngår" in many of the guide's; "vindusvask" in one
    picker = SectionPicker(hashing_guide.chunks())
    texts = _texts(picker.pick("praktisk-bistand", "included", "inngår vindusvask i praktisk bistand?", max_words=45,
                               max_spans=2, whole_lists=True))
    assert "vindusvask" in texts and texts.index("Praktisk bistand omfatter ikke:") < texts.index("vindusvask")


def test_a_list_item_whose_introduction_is_quoted_already_is_not_quoted_alone():
    picker = SectionPicker(CHUNKS)
    first = picker.pick("s", "included", "storrengjøring", max_words=20)
    done = {(c.chunk_id, sp.start) for c, spans in first for sp in spans}
    assert "Praktisk bistand omfatter ikke:" in _texts(first)
    # "vindusvask" belongs to that list; alone, in a later paragraph, it would read as part of another list
    assert "vindusvask" not in _texts(picker.pick("s", "included", "vindusvask", max_words=20, skip=done))


def test_the_legal_basis_is_its_own_section_whatever_words_the_question_shares_elsewhere(hashing_guide):
    picker = SectionPicker(hashing_guide.chunks())
    question = "Hvilken lovhjemmel gir kommunen plikt til å tilby omsorgsstønad?"
    assert picker.best_aspect("omsorgsstonad", "law", question) == "law"
    # another aspect still moves where the words are: the deadline sits in the appeal's section
    assert picker.best_aspect("klage", "who", "hvor lang er klagefristen?") != "who"


def test_a_short_situation_gets_what_the_service_does_never_what_it_does_not(hashing_guide):
    picker = SectionPicker(hashing_guide.chunks())
    avoid = ("law", "apply", "expected", "cost")
    _, groups = picker.detail("hjemmesykepleie", "far glemmer å ta medisinene sine", avoid=avoid, affirmative=True)
    assert "hjelp med legemidler, som å dele ut medisiner og følge med på virkning og bivirkninger" in _texts(groups)
    # "passe" finds the list of what respite does not include; a reason must say what the service does
    question = "sliten av å passe mannen døgnet rundt"
    _, groups = picker.detail("avlastning", question, avoid=avoid)
    assert "Avlastning omfatter ikke:" in _texts(groups)
    assert picker.detail("avlastning", question, avoid=avoid, affirmative=True) == ("", [])


def test_a_reason_says_what_the_service_does_and_a_plain_not_is_no_exclusion(hashing_guide):
    picker = SectionPicker(hashing_guide.chunks())
    # "vasket" finds the list of what home help does not include: no reason why it fits
    texts = _texts(picker.pick("praktisk-bistand", "included", "får ikke vasket huset", max_words=40,
                               affirmative=True))
    assert texts and "Praktisk bistand omfatter ikke:" not in texts and "vindusvask" not in texts
    # "følger personen og ikke en bestemt bil" says what the permit does
    texts = _texts(picker.pick("parkeringstillatelse", "what", "følger tillatelsen personen eller bilen",
                               max_words=60, max_spans=3, affirmative=True))
    assert any("følger personen" in t for t in texts)


def test_a_list_too_long_beside_what_is_chosen_gives_its_item_with_the_introduction():
    picker = SectionPicker([_chunk(1, "Kontakten kan hjelpe deg med:\n- opplæring i bruk av høreapparat\n- "
                                      "småreparasjoner av høreapparat, som bytte av slanger og filtre\n- råd om lupe "
                                      "og lesestativ\n- råd om varslingsutstyr for dørklokke og brannvarsler\n- hjelp "
                                      "til å søke om hjelpemidler fra NAV\n\nNy innstilling av høreapparatet og større "
                                      "reparasjoner gjør audiografen.")])
    texts = _texts(picker.pick("s", "included", "ny reparasjon av høreapparatet", max_words=30, whole_lists=True))
    # the sentence sharing most words comes first; the whole list does not fit beside it, its item still does
    assert texts[-1].startswith("Ny innstilling")
    assert "Kontakten kan hjelpe deg med:" in texts and any(t.startswith("småreparasjoner") for t in texts)


def test_a_match_weighs_what_was_asked_in_a_section():
    picker = SectionPicker(CHUNKS)
    texts = _texts(picker.pick("s", "included", "kan jeg få hjelp til rengjøring?", max_words=30, max_spans=2))
    # "rengjøring av rom" holds the word asked; "storrengjøring" only has it inside a rarer compound
    assert any(t.startswith("rengjøring av rom") for t in texts) and "storrengjøring" not in texts


def test_between_two_sections_whose_best_sentences_tie_the_one_holding_more_of_the_question_answers(hashing_guide):
    picker = SectionPicker(hashing_guide.chunks())
    # "trykker" stands in a sentence of what the alarm is and of what it includes; only the latter also says who
    # answers ("Personellet som svarer på trygghetsalarmen")
    assert picker.best_aspect("trygghetsalarm", "who", "hvem svarer når jeg trykker på alarmen?") == "included"


def test_how_to_apply_is_told_in_its_order_as_far_as_its_steps_go():
    apply = _chunk(1, "Du søker med søknadsskjema. Søknadsskjemaet finner du på nettsiden, eller du kan få det på papir. "
                      "Send søknaden til Forvaltning helse og omsorg. Statsforvalteren sender avgjørelsen til deg. "
                      "Etter søknaden får du et vedtak.", aspect="apply")
    picker = SectionPicker([apply])
    # the question shares a word with the first sentence only; the steps after it follow in order, and the run
    # stops at the first sentence that is no step (it does not skip ahead to a later one that fits)
    steps = _texts(picker.pick("s", "apply", "hvordan søker vi", max_words=45, in_order=True))
    assert steps == ["Du søker med søknadsskjema.",
                     "Søknadsskjemaet finner du på nettsiden, eller du kan få det på papir.",
                     "Send søknaden til Forvaltning helse og omsorg."]
    # without it, only what shares the question's words
    assert _texts(picker.pick("s", "apply", "hvordan søker vi", max_words=45)) == ["Du søker med søknadsskjema."]
    # and the budget holds
    assert len(_texts(picker.pick("s", "apply", "hvordan søker vi", max_words=12, in_order=True))) == 1
