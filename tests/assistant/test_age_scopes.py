"""Sentences of the guide scoped to some ages, not quoted to a young person outside them (assistant/age_scopes.py)."""

from __future__ import annotations

from assistant.age_scopes import AgeScopes
from assistant.ages import Age
from assistant.compose import sentence_spans
from corpus.guide import load_guide
from index.analysis import default_analyzer

NORMALISE = default_analyzer().normalise


def _guide() -> tuple[AgeScopes, dict[tuple[str, int], str]]:
    """The scopes of the guide, and each of its sentences by (chunk id, start)."""
    chunks = load_guide(pdf=[]).chunks()
    return AgeScopes(chunks), {(c.chunk_id, s.start): s.text for c in chunks for s in sentence_spans(c.text)}


def test_a_section_scoped_to_small_children_is_not_quoted_to_a_young_person():
    scopes, texts = _guide()
    unfit = [texts[k] for k in scopes.unfit(Age(15, 15))]
    assert "Helsestasjonen for barn fra 0 til 5 år omfatter:" in unfit
    assert any("hjemmebesøk etter fødselen" in t for t in unfit)  # its list goes with it
    assert not any("helsestasjon for ungdom" in t.lower() for t in unfit)
    # a small child is inside the scope; an adult (a parent of a baby) is not held to it; nor is no age
    assert scopes.unfit(Age(3, 3)) == scopes.unfit(Age(35, 35)) == scopes.unfit(None) == frozenset()
    # nor a young mother-to-be or parent of a baby: the list is for her child
    assert scopes.unfit(Age(16, 16), NORMALISE("jeg er 16 og gravid, hva gjør helsestasjonen")) == frozenset()
    assert scopes.unfit(Age(17, 17), NORMALISE("jeg er 17 og har fått en baby")) == frozenset()


def test_what_speaks_to_parents_is_not_quoted_to_a_young_person_writing_about_themselves():
    scopes, texts = _guide()
    unfit = [texts[k] for k in scopes.unfit(Age(14, 14))]
    assert "Levanger kommune forventer at du som forelder:" in unfit
    assert any(t.startswith("møter til avtalte konsultasjoner med barnet") for t in unfit)  # its list goes with it
    assert any(t.startswith("Gravide kan") for t in unfit)
    # a young mother who just gave birth, in words no list holds, is still told what happens after a birth
    assert not any(t.startswith("Når barnet er født") for t in unfit)
    # what a young person is told stays: that they may go to the school nurse, and speak in confidence
    kept = set(texts.values()) - set(unfit)
    assert "Elever kan oppsøke helsesykepleieren på skolen, og foreldre kan ta kontakt med skolehelsetjenesten." in kept
    assert any("taushetsplikt" in t for t in kept)
    # a pupil may ask whether they decide on a vaccine themselves
    assert "Foreldre bestemmer om barnet skal vaksineres, og helsestasjonen gir informasjon om hver vaksine." in kept
    assert any(t.startswith("Helsestasjon og skolehelsetjeneste er for alle gravide, barn og unge") for t in kept)
    # a parent writing about a teenager is told it, and so is a young mother-to-be
    assert not {texts[k] for k in scopes.unfit(Age(14, 14, others=True))} & {"Levanger kommune forventer at du som "
                                                                             "forelder:"}
    assert scopes.unfit(Age(16, 16), NORMALISE("jeg er 16 og gravid, hva gjør helsestasjonen")) == frozenset()
    # a young parent or mother-to-be, however she says it (a code review's messages)
    for said in ("jeg er 17 og har en datter på 8 måneder", "e 16 og har positiv graviditetstest, ka gjør æ",
                 "jeg er 16 og fødte for to uker siden", "jeg er 17 og venter barn, hvor går jeg til kontroll?"):
        assert scopes.unfit(Age(16, 17), NORMALISE(said)) == frozenset(), said
