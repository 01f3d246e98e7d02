"""A section read sentence by sentence (assistant/sections.py)."""

from __future__ import annotations

from assistant.compose import sentence_spans
from assistant.sections import SectionSentence, grouped, says_not, with_list
from corpus.model import Chunk

CHUNK = Chunk(chunk_id="s#included-1", service_id="s", title="S", section="Hva inngår – og hva inngår ikke?",
              text="Hjelpen kan omfatte:\n- rengjøring\n- klesvask\n- handling\n\nHjelpen omfatter ikke:\n- vindusvask",
              source="s.md", aspect="included")
SENTENCES = [SectionSentence(CHUNK, span, frozenset(), i) for i, span in enumerate(sentence_spans(CHUNK.text))]


def _texts(positions):
    return [SENTENCES[i].span.text for i in positions]


def test_a_list_item_comes_with_its_introduction_and_a_short_list_whole_when_asked():
    assert _texts(with_list(SENTENCES, 2, set(), whole=False)) == ["Hjelpen kan omfatte:", "klesvask"]
    assert _texts(with_list(SENTENCES, 2, set(), whole=True)) == ["Hjelpen kan omfatte:", "rengjøring", "klesvask",
                                                                   "handling"]
    # an item whose introduction is quoted already, elsewhere, is not quoted alone
    done = {(CHUNK.chunk_id, SENTENCES[0].span.start)}
    assert with_list(SENTENCES, 2, done, whole=False) == []


def test_what_a_service_does_not_include_is_told_apart_and_quotes_group_by_chunk():
    assert says_not(SENTENCES, [4, 5]) and not says_not(SENTENCES, [0, 1])
    groups = grouped(SENTENCES, [0, 1])
    assert len(groups) == 1 and groups[0][0] is CHUNK and [s.text for s in groups[0][1]] == ["Hjelpen kan omfatte:",
                                                                                             "rengjøring"]
