"""The shipped guide: complete, well-formed, factual in form; loaders and chunking behave."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from corpus import SECTION_HEADINGS, DocumentError, chunk_document, load_catalogue, load_guide, validate
from corpus.catalogue import BUNDLED_CATALOGUE, REPO_ROOT
from corpus.guide import word_count
from corpus.markdown import load_markdown_dir, parse_markdown

ALLOWED_NUMBERS = {"74 05 25 00", "113", "116 117", "116 123", "55 55 33 33", "112"}


@pytest.fixture(scope="module")
def guide():
    return load_guide()


def test_every_catalogue_service_is_present_with_all_headings(guide):
    catalogue = load_catalogue()
    assert len(catalogue) == 39
    assert validate(guide, catalogue) == []
    ids = {d.service_id for d in guide.documents if d.kind == "service"}
    assert ids == {e.service_id for e in catalogue}
    for doc in guide.documents:
        if doc.kind == "service":
            assert tuple(s.heading for s in doc.sections) == SECTION_HEADINGS


def test_bundled_catalogue_matches_the_shared_contract():
    shared = REPO_ROOT.parent / "shared" / "service-catalogue.tsv"
    if not shared.is_file():
        pytest.skip("no ../shared/service-catalogue.tsv beside this checkout")
    assert shared.read_bytes() == BUNDLED_CATALOGUE.read_bytes()


def test_service_descriptions_are_300_to_700_words(guide):
    counts = {d.service_id: word_count(d) for d in guide.documents if d.kind == "service"}
    assert all(300 <= n <= 700 for n in counts.values()), counts


def test_general_document_on_granting_services_exists(guide):
    doc = guide.by_id()["tildeling"]
    assert doc.kind == "general"
    text = " ".join(s.text for s in doc.sections).lower()
    assert "individuell vurdering" in text
    assert "laveste effektive omsorgsnivå" in text


def test_norwegian_letters_are_intact_and_nfc(guide):
    all_text = "\n".join(s.text for d in guide.documents for s in d.sections)
    assert unicodedata.is_normalized("NFC", all_text)
    for letter in "æøå":
        assert letter in all_text
    assert "Ã" not in all_text  # mojibake of UTF-8 read as Latin-1


def test_no_invented_phone_numbers(guide):
    """Only the municipality's published numbers and the national emergency numbers may appear."""
    all_text = "\n".join(s.text for d in guide.documents for s in d.sections)
    phone_like = re.findall(r"(?<![\d§-])\d{2,3}(?: \d{2,3}){1,3}(?![\d])", all_text)
    unknown = {p for p in phone_like if p not in ALLOWED_NUMBERS and not re.fullmatch(r"\d{3} \d{3}", p)}
    assert not {p for p in unknown if len(p.replace(" ", "")) == 8}, unknown


def test_no_eligibility_promises(guide):
    all_text = " ".join(s.text for d in guide.documents for s in d.sections).lower()
    assert "du har rett på" not in all_text


def test_front_matter_errors_name_the_file(tmp_path: Path):
    (tmp_path / "ok.md").write_text("---\nservice_id: ok\ntitle: Ok\n---\n## Hva er tjenesten?\nTekst.\n", "utf-8")
    (tmp_path / "broken.md").write_text("no front matter\n## Heading\n", "utf-8")
    (tmp_path / "empty.md").write_text("---\nservice_id: e\ntitle: E\n---\nno sections\n", "utf-8")
    docs, errors = load_markdown_dir(tmp_path)
    assert [d.service_id for d in docs] == ["ok"]
    assert sorted(Path(e.path).name for e in errors) == ["broken.md", "empty.md"]
    assert all(isinstance(e, DocumentError) for e in errors)


def test_invalid_yaml_is_a_document_error():
    with pytest.raises(DocumentError, match="x.md"):
        parse_markdown("---\nservice_id: [unclosed\n---\n## A\nb\n", source="x.md")


def test_chunks_are_bounded_stable_and_quote_their_section(guide):
    chunks = guide.chunks()
    ids = [c.chunk_id for c in chunks]
    assert len(ids) == len(set(ids))
    assert chunks == guide.chunks()  # deterministic
    for doc in guide.documents:
        for chunk in chunk_document(doc):
            section = doc.section(chunk.section)
            assert section is not None
            assert len(chunk.text) <= 900 or "\n" not in chunk.text
            # every piece of a chunk stands verbatim in its section
            for part in chunk.text.split("\n"):
                assert part in section.text


def test_long_section_is_split_on_sentence_boundaries():
    long_text = " ".join(f"Setning nummer {i} handler om hjemmesykepleie." for i in range(80))
    doc = parse_markdown(f"---\nservice_id: t\ntitle: T\n---\n## Hva er tjenesten?\n{long_text}\n", source="t.md")
    chunks = chunk_document(doc, max_chars=300)
    assert len(chunks) > 5
    assert all(len(c.text) <= 300 for c in chunks)
    assert all(c.text.endswith(".") for c in chunks)
    assert [c.chunk_id for c in chunks][:2] == ["t#what-1", "t#what-2"]


def test_content_hash_changes_with_the_text(tmp_path: Path):
    body = "---\nservice_id: a\ntitle: A\naliases: [x]\n---\n## Hva er tjenesten?\nEn tekst.\n"
    (tmp_path / "a.md").write_text(body, "utf-8")
    first = load_guide(markdown_dirs=(tmp_path,)).content_hash()
    (tmp_path / "a.md").write_text(body.replace("En tekst.", "En annen tekst."), "utf-8")
    assert load_guide(markdown_dirs=(tmp_path,)).content_hash() != first


def test_markdown_sections_carry_the_pdf_page_while_their_text_is_unchanged(guide, tmp_path):
    """pages.json maps sections to PDF pages; an edited section loses its page rather than keep a wrong one."""
    import dataclasses

    from corpus.pages import PAGE_MAP, apply_page_map
    from corpus.pdf import load_pdf

    pdf_pages = {(d.service_id, s.heading): s.page
                 for d in load_pdf(PAGE_MAP.with_name("levanger-tjenestebeskrivelser.pdf")) for s in d.sections}
    for doc in guide.documents:
        for s in doc.sections:
            assert s.page == pdf_pages[(doc.service_id, s.heading)]
    doc = guide.by_id()["klage"]
    edited = dataclasses.replace(doc, sections=tuple(
        dataclasses.replace(s, text=s.text + " Ny setning.", page=None) if i == 0 else dataclasses.replace(s, page=None)
        for i, s in enumerate(doc.sections)))
    (annotated,) = apply_page_map([edited])
    assert annotated.sections[0].page is None
    assert annotated.sections[1].page == pdf_pages[("klage", annotated.sections[1].heading)]


@pytest.mark.parametrize(("text", "sentences"), [
    # an ordinal and an abbreviation do not end a sentence
    ("Fra 1. mai gjelder nye satser. Se nr. 6 i forskriften.", ["Fra 1. mai gjelder nye satser.", "Se nr. 6 i forskriften."]),
    # a time, a phone number and a number of three digits do
    ("Ring mandag til fredag kl. 09.00–15.00. Ved akutt sykdom ringer du 116 117. Etterpå.",
     ["Ring mandag til fredag kl. 09.00–15.00.", "Ved akutt sykdom ringer du 116 117.", "Etterpå."]),
    ("Ring sentralbordet på 74 05 25 00. Du kan også sende e-post.",
     ["Ring sentralbordet på 74 05 25 00.", "Du kan også sende e-post."]),
])
def test_sentences_end_after_times_and_phone_numbers_not_after_ordinals(text, sentences):
    from corpus.text import split_sentences

    assert split_sentences(text) == sentences
