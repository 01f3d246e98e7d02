"""The guide's schema (corpus/schema.py + schema.yaml): aspects, heading synonyms, chunk ids, front matter."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from corpus import SECTION_HEADINGS, chunk_document, load_guide, validate
from corpus.catalogue import load_catalogue
from corpus.errors import SchemaError
from corpus.guide import unplaced_sections
from corpus.markdown import parse_markdown
from corpus.model import Chunk, DocumentError, NotFor, Section
from corpus.schema import (
    OTHER,
    aspect_for_heading,
    aspect_keys,
    default_schema,
    general_id,
    heading_for,
    parse_schema,
    strip_numbering,
)

SEVEN = ("what", "who", "included", "expected", "cost", "apply", "law")


def test_aspects_and_display_headings_in_guide_order():
    assert aspect_keys() == SEVEN
    assert [heading_for(a) for a in SEVEN] == list(SECTION_HEADINGS)
    assert SECTION_HEADINGS[4] == "Hva koster det?" and heading_for("apply") == "Slik søker du"
    assert general_id() == "tildeling"
    with pytest.raises(KeyError):
        heading_for(OTHER)


@pytest.mark.parametrize("heading, aspect", [
    ("Beskrivelse av tjenesten", "what"), ("Om tjenesten", "what"), ("Kva er tenesta?", "what"),
    ("Kriterier for tildeling", "who"), ("Tildelingskriterier", "who"), ("Hvem kan søke", "who"),
    ("Kven kan få tenesta?", "who"),
    ("Hva tjenesten omfatter", "included"), ("Innhold", "included"), ("Innhald", "included"),
    ("Forventninger til tjenestemottaker", "expected"), ("Brukers ansvar", "expected"),
    ("Brukaren sitt ansvar", "expected"),
    ("Egenbetaling", "cost"), ("Egenandel", "cost"), ("Pris", "cost"), ("Eigenbetaling", "cost"),
    ("Søknad", "apply"), ("Søknad og saksbehandling", "apply"), ("Hvordan søke", "apply"),
    ("Søknad og sakshandsaming", "apply"),
    ("Lovhjemmel", "law"), ("Hjemmel", "law"), ("Lovverk", "law"), ("Heimel", "law"),
])
def test_synonyms_of_other_editions_map_to_their_aspect(heading, aspect):
    assert aspect_for_heading(heading) == aspect


@pytest.mark.parametrize("heading", ["3.1 Egenbetaling", "3.1. EGENBETALING:", "Kapittel 4 Egenbetaling",
                                     "  egenbetaling  ", "12 Egenbetaling"])
def test_matching_ignores_numbering_case_and_punctuation(heading):
    assert aspect_for_heading(heading) == "cost"


def test_dash_variant_of_a_display_heading_and_unknown_headings():
    assert aspect_for_heading("Hva inngår - og hva inngår ikke") == "included"
    assert aspect_for_heading("Praktisk informasjon") == OTHER
    assert aspect_for_heading("Individuell vurdering") == OTHER  # the general document's headings are free
    assert strip_numbering("3. Dagaktivitetstilbud") == "Dagaktivitetstilbud"
    assert strip_numbering("2G er grunnbeløpet") == "2G er grunnbeløpet"  # no space after the number


def test_schema_refuses_a_heading_listed_under_two_aspects():
    data = {"aspects": [{"key": "a", "heading": "A", "synonyms": ["Pris"]},
                        {"key": "b", "heading": "B", "synonyms": ["pris:"]}],
            "general": {"id": "g", "title": "G"}}
    with pytest.raises(SchemaError, match="both"):
        parse_schema(data)
    with pytest.raises(SchemaError):
        parse_schema({"aspects": [{"key": "other", "heading": "X"}], "general": {"id": "g", "title": "G"}})


def test_sections_carry_their_aspect_and_chunk_ids_use_it():
    doc = parse_markdown("---\nservice_id: t\ntitle: T\n---\n## Beskrivelse av tjenesten\nEn.\n\n## Egenbetaling\n"
                         "To.\n\n## Praktisk informasjon\nTre.\n\n## Pris\nFire.\n", source="t.md")
    assert [s.aspect for s in doc.sections] == ["what", "cost", OTHER, "cost"]
    chunks = chunk_document(doc)
    assert [c.chunk_id for c in chunks] == ["t#what-1", "t#cost-1", "t#other-1", "t#cost-2"]
    assert [c.section for c in chunks] == ["Beskrivelse av tjenesten", "Egenbetaling", "Praktisk informasjon", "Pris"]
    assert [c.aspect for c in chunks] == ["what", "cost", OTHER, "cost"]
    assert "aspect" in {f.name for f in dataclasses.fields(Chunk)}  # stored in chunks.jsonl


def test_rewording_a_heading_keeps_the_chunk_ids():
    def ids(heading: str) -> list[str]:
        doc = parse_markdown(f"---\nservice_id: t\ntitle: T\n---\n## {heading}\nDet koster 10 kroner.\n", source="t.md")
        return [c.chunk_id for c in chunk_document(doc)]

    assert ids("Hva koster det?") == ids("Egenbetaling") == ids("3.2 Eigenbetaling") == ["t#cost-1"]


def test_shipped_guide_has_every_aspect_and_no_unplaced_section():
    guide = load_guide(pdf=[])
    for doc in guide.documents:
        if doc.kind == "service":
            assert [s.aspect for s in doc.sections] == list(SEVEN), doc.service_id
    assert unplaced_sections(guide) == []
    assert all(s.aspect == OTHER for s in guide.by_id()["tildeling"].sections)


def _write(folder: Path, sid: str, front: str, body: str) -> None:
    (folder / f"{sid}.md").write_text(f"---\nservice_id: {sid}\ntitle: {sid}\n{front}---\n{body}", "utf-8")


def test_front_matter_situations_and_not_for_are_parsed_hashed_and_checked(tmp_path: Path):
    body = "## Hva er tjenesten?\nTekst.\n"
    _write(tmp_path, "a", "situations: [Jeg har falt hjemme, Mor glemmer medisinene]\n"
                          "not_for:\n  - {text: Akutt sykdom, see: b}\n", body)
    _write(tmp_path, "b", "", body)
    guide = load_guide(markdown_dirs=(tmp_path,))
    a = guide.by_id()["a"]
    assert a.situations == ("Jeg har falt hjemme", "Mor glemmer medisinene")
    assert a.not_for == (NotFor("Akutt sykdom", "b"),)
    first = guide.content_hash()
    _write(tmp_path, "a", "situations: [Jeg har falt hjemme]\nnot_for:\n  - {text: Akutt sykdom, see: b}\n", body)
    assert load_guide(markdown_dirs=(tmp_path,)).content_hash() != first
    _write(tmp_path, "a", "not_for:\n  - {text: Akutt sykdom, see: finnes-ikke}\n", body)
    problems = validate(load_guide(markdown_dirs=(tmp_path,)), load_catalogue())
    assert any("unknown service 'finnes-ikke'" in p for p in problems)
    with pytest.raises(DocumentError, match="not_for"):
        parse_markdown("---\nservice_id: a\ntitle: A\nnot_for: [{text: x}]\n---\n" + body, source="a.md")


def test_always_tell_and_general_for_are_read_from_the_front_matter_and_kept_for_the_pdf_edition():
    body = "## Hva er tjenesten?\nTekst.\n"
    doc = parse_markdown("---\nservice_id: a\ntitle: A\nalways_tell: [deadline]\ngeneral_for: [cost]\n---\n" + body,
                         source="a.md")
    assert doc.always_tell == ("deadline",) and doc.general_for == ("cost",)
    guide = load_guide()
    assert guide.by_id()["klage"].always_tell == ("deadline",)
    assert guide.by_id()["egenandel"].general_for == ("cost",) and guide.by_id()["bpa"].general_for == ()
    pdf = Path(__file__).resolve().parents[2] / "corpus" / "pdf" / "levanger-tjenestebeskrivelser.pdf"
    edition = load_guide(pdf=[pdf]).by_id()
    assert edition["klage"].always_tell == ("deadline",)  # the PDF edition
    assert edition["egenandel"].general_for == ("cost",)


def test_validate_accepts_synonym_headings_in_any_order_but_wants_every_aspect():
    guide = load_guide(pdf=[])
    catalogue = load_catalogue()
    doc = guide.by_id()["klage"]
    synonyms = {"what": "Om tjenesten", "cost": "Egenbetaling", "law": "Lovhjemmel"}
    renamed = tuple(Section(synonyms.get(s.aspect, s.heading), s.text, s.page) for s in reversed(doc.sections))
    docs = tuple(dataclasses.replace(d, sections=renamed) if d is doc else d for d in guide.documents)
    assert validate(dataclasses.replace(guide, documents=docs), catalogue) == []
    without_cost = tuple(s for s in renamed if s.aspect != "cost")
    docs = tuple(dataclasses.replace(d, sections=without_cost) if d is doc else d for d in guide.documents)
    assert validate(dataclasses.replace(guide, documents=docs), catalogue) == [
        "klage: no section for ['Hva koster det?']"]


def test_default_schema_is_loaded_once():
    assert default_schema() is default_schema()
