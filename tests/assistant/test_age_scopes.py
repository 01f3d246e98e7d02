"""Sentences of the guide scoped to some ages, not quoted to a young person outside them (assistant/age_scopes.py)."""

from __future__ import annotations

from assistant.age_scopes import AgeScopes
from assistant.ages import Age
from assistant.compose import sentence_spans
from corpus.guide import load_guide
from index.analysis import default_analyzer

NORMALISE = default_analyzer().normalise


def test_a_section_scoped_to_small_children_is_not_quoted_to_a_young_person():
    chunks = load_guide(pdf=[]).chunks()
    scopes = AgeScopes(chunks)
    texts = {(c.chunk_id, s.start): s.text for c in chunks for s in sentence_spans(c.text)}
    unfit = [texts[k] for k in scopes.unfit(Age(15, 15))]
    assert "Helsestasjonen for barn fra 0 til 5 år omfatter:" in unfit
    assert any("hjemmebesøk etter fødselen" in t for t in unfit)  # its list goes with it
    assert not any("helsestasjon for ungdom" in t.lower() for t in unfit)
    # a small child is inside the scope; an adult (a parent of a baby) is not held to it; nor is no age
    assert scopes.unfit(Age(3, 3)) == scopes.unfit(Age(35, 35)) == scopes.unfit(None) == frozenset()
    # nor a young mother-to-be or parent of a baby: the list is for her child
    assert scopes.unfit(Age(16, 16), NORMALISE("jeg er 16 og gravid, hva gjør helsestasjonen")) == frozenset()
    assert scopes.unfit(Age(17, 17), NORMALISE("jeg er 17 og har fått en baby")) == frozenset()

