"""Building a reply from quoted sentences (assistant/compose.py)."""

from __future__ import annotations

from assistant.compose import AnswerBuilder, sentence_spans
from corpus.model import Chunk


def _chunk(service: str, text: str) -> Chunk:
    return Chunk(chunk_id=f"{service}#cost-1", service_id=service, title=service.title(), section="Hva koster det?",
                 text=text, source=f"{service}.md", aspect="cost")


def test_a_sentence_two_descriptions_state_is_said_once_and_a_list_keeps_its_introduction():
    fee = _chunk("egenandel", "Hjemmesykepleie er gratis. Praktisk bistand koster en egenandel.\n\nGratis er:\n- "
                              "hjemmesykepleie")
    nursing = _chunk("hjemmesykepleie", "Hjemmesykepleie er gratis. Du betaler selv for legemidler.\n\nGratis er:\n- "
                                        "hjemmesykepleie")
    b = AnswerBuilder()
    assert b.add_quoted(fee, sentence_spans(fee.text), 0.0)
    assert b.add_quoted(nursing, sentence_spans(nursing.text), 0.0)
    assert b.text.count("Hjemmesykepleie er gratis.") == 1 and "Du betaler selv for legemidler. [2]" in b.text
    # each list keeps its introduction and its items: an item never follows another sentence
    assert b.text.count("Gratis er: [") == 2 and b.text.count("- hjemmesykepleie") == 2
    assert "legemidler. [2]\n- " not in b.text
    # the numbers stay in order, and each quote holds the sentences marked with its number
    assert [c.n for c in b.citations] == [1, 2]
    assert "Du betaler selv for legemidler." in b.citations[1].quote
    # a sentence of a chunk quoted already adds nothing
    assert not b.add_quoted(fee, sentence_spans(fee.text)[:1], 0.0)


def test_a_service_whose_answer_another_service_states_too_still_gets_it_under_its_own_name():
    deadline = "Klagefristen er tre uker fra du fikk vedtaket."
    b = AnswerBuilder()
    assert b.add_quoted(_chunk("ledsagerbevis", deadline), sentence_spans(deadline), 0.0)
    assert b.add_quoted(_chunk("parkeringstillatelse", deadline), sentence_spans(deadline), 0.0)
    assert b.text.count(deadline) == 2 and [c.service_id for c in b.citations] == ["ledsagerbevis",
                                                                                    "parkeringstillatelse"]


def test_a_sentence_that_begins_with_one_said_already_is_not_said_again_beside_something_of_its_own():
    apply = _chunk("fysioterapi", "Du kan ta kontakt selv. Du trenger ikke henvisning fra lege.")
    what = Chunk(chunk_id="fysioterapi#what-1", service_id="fysioterapi", title="Fysioterapi",
                 section="Hva er tjenesten?", source="fysioterapi.md", aspect="what",
                 text="Du får fysioterapi på to måter:\n- kommunal\n- med driftsavtale\n\nDu trenger ikke henvisning "
                      "fra lege for å gå til kommunal fysioterapi.")
    b = AnswerBuilder()
    assert b.add_quoted(apply, sentence_spans(apply.text), 0.0)
    assert b.add_quoted(what, sentence_spans(what.text), 0.0)
    assert b.text.count("Du trenger ikke henvisning fra lege") == 1 and "- med driftsavtale" in b.text
    # a short sentence is no prefix to go by ("Du kan klage." begins many sentences that say more)
    short = AnswerBuilder()
    assert short.add_quoted(_chunk("klage", "Du kan klage."), sentence_spans("Du kan klage."), 0.0)
    longer = "Du kan klage hvis du er uenig i vedtaket."
    assert short.add_quoted(_chunk("tt-ordning", f"Se her:\n- kort\n\n{longer}"),
                            sentence_spans(f"Se her:\n- kort\n\n{longer}"), 0.0)
    assert longer in short.text


def test_a_heading_that_is_no_question_ends_with_a_colon():
    from assistant import templates

    assert templates.part_heading("Slik søker du") == "*Slik søker du:*"
    assert templates.part_heading("Hva koster det?") == "*Hva koster det?*"
    assert templates.part_heading("Lovgrunnlag:") == "*Lovgrunnlag:*"
    assert templates.heading_text("Lovgrunnlag ") == "Lovgrunnlag:" and templates.heading_text("") == ""
