"""A section read sentence by sentence (assistant/sections.py)."""

from __future__ import annotations

from assistant.compose import sentence_spans
from assistant.sections import SectionSentence, grouped, overrun, says_not, with_list
from corpus.model import Chunk

CHUNK = Chunk(chunk_id="s#included-1", service_id="s", title="S", section="Hva inngår – og hva inngår ikke?",
              text="Hjelpen kan omfatte:\n- rengjøring\n- klesvask\n- handling\n\nHjelpen omfatter ikke:\n- vindusvask",
              source="s.md", aspect="included")
SENTENCES = [SectionSentence(CHUNK, span, frozenset(), i) for i, span in enumerate(sentence_spans(CHUNK.text))]


def _texts(positions):
    return [SENTENCES[i].span.text for i in positions]


LONG = Chunk(chunk_id="s#included-2", service_id="s", title="S", section="Hva inngår – og hva inngår ikke?",
             text="Hjelpen kan også omfatte:\n" + "\n".join(f"- {w} etter avtale med de ansatte i tjenesten" for w in
                                                         ("innkjøp", "følge til lege", "turer", "post")),
             source="s.md", aspect="included")
LONG_SENTENCES = [SectionSentence(LONG, span, frozenset(), i) for i, span in enumerate(sentence_spans(LONG.text))]


def test_a_list_item_comes_with_its_introduction_and_the_list_whole_when_asked():
    texts = [s.span.text for s in LONG_SENTENCES]
    assert [texts[i] for i in with_list(LONG_SENTENCES, 2, set(), whole=False)] == texts[:1] + texts[2:3]
    assert [texts[i] for i in with_list(LONG_SENTENCES, 2, set(), whole=True)] == texts
    assert overrun(LONG_SENTENCES, [0, 2]) == 0
    # an item whose introduction is quoted already, elsewhere, is not quoted alone
    done = {(CHUNK.chunk_id, SENTENCES[0].span.start)}
    assert with_list(SENTENCES, 2, done, whole=False) == []


def test_a_short_list_is_never_cut_and_may_run_past_a_budget_by_its_items():
    # one item of three under "kan omfatte:" reads as all it includes
    whole = ["Hjelpen kan omfatte:", "rengjøring", "klesvask", "handling"]
    assert _texts(with_list(SENTENCES, 2, set(), whole=False)) == whole
    assert _texts(with_list(SENTENCES, 0, set(), whole=False)) == whole
    assert overrun(SENTENCES, [0, 1, 2, 3]) == 3
    assert overrun(SENTENCES, [4, 5]) == 1 and overrun(SENTENCES, [1]) == 0
    # a list partly quoted already gets no extra budget
    assert overrun(SENTENCES, [0, 1, 2]) == 0


def _list(n: int, words: int) -> list[SectionSentence]:
    chunk = Chunk(chunk_id="s#included-3", service_id="s", title="S", section="Hva inngår?", source="s.md",
                  aspect="included", text="Det omfatter:\n" + "\n".join(
                      "- " + " ".join(f"ord{i}x{j}" for j in range(words)) for i in range(n)))
    return [SectionSentence(chunk, span, frozenset(), i) for i, span in enumerate(sentence_spans(chunk.text))]


def test_a_list_short_in_words_is_whole_from_its_introduction_too_and_a_long_three_item_list_is_not_short():
    # ten one-word items: whole whether reached by an item or by the introduction
    ten = _list(10, 1)
    assert len(with_list(ten, 0, set(), whole=False)) == len(with_list(ten, 3, set(), whole=False)) == 11
    # three items of 25 words each run past twice the short words: an item comes with its introduction only
    long = _list(3, 25)
    assert with_list(long, 2, set(), whole=False) == [0, 2] and overrun(long, [0, 1, 2, 3]) == 0
    assert len(with_list(_list(3, 15), 2, set(), whole=False)) == 4


def test_what_a_service_does_not_include_is_told_apart_and_quotes_group_by_chunk():
    assert says_not(SENTENCES, [4, 5]) and not says_not(SENTENCES, [0, 1])
    groups = grouped(SENTENCES, [0, 1])
    assert len(groups) == 1 and groups[0][0] is CHUNK and [s.text for s in groups[0][1]] == ["Hjelpen kan omfatte:",
                                                                                             "rengjøring"]
