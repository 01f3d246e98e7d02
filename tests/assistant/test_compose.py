"""Building a reply from quoted sentences (assistant/compose.py)."""

from __future__ import annotations

from assistant.compose import AnswerBuilder, sentence_spans
from corpus.model import Chunk


def _chunk(service: str, text: str) -> Chunk:
    return Chunk(chunk_id=f"{service}#cost-1", service_id=service, title=service.title(), section="Hva koster det?",
                 text=text, source=f"{service}.md", aspect="cost")


def test_a_sentence_two_descriptions_state_is_said_once_a_list_item_each_time_its_list_is_quoted():
    fee = _chunk("egenandel", "Hjemmesykepleie er gratis. Praktisk bistand koster en egenandel.\n\nGratis er:\n- "
                              "hjemmesykepleie")
    nursing = _chunk("hjemmesykepleie", "Hjemmesykepleie er gratis. Du betaler selv for legemidler.\n\nGratis er:\n- "
                                        "hjemmesykepleie")
    b = AnswerBuilder()
    assert b.add_quoted(fee, sentence_spans(fee.text), 0.0)
    assert b.add_quoted(nursing, sentence_spans(nursing.text), 0.0)
    assert b.text.count("Hjemmesykepleie er gratis.") == 1 and "Du betaler selv for legemidler." in b.text
    # a list item is short and means what its introduction says: each list keeps its items
    assert b.text.count("- hjemmesykepleie") == 2
    # a sentence said already adds nothing
    assert not b.add_quoted(nursing, sentence_spans(nursing.text)[:1], 0.0)
