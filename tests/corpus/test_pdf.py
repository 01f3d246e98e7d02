"""Tests for the PDF guide: the renderer (tools/render_pdf.py) and the loader (corpus/pdf.py).

The committed PDF is compared with the Markdown it was rendered from. If those tests fail
after someone edited a service file, re-render with ``python -m tools.render_pdf``.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest
import yaml
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

from tools import render_pdf
from tools.guide_source import collect_documents
from corpus.model import CorpusError, Document, DocumentError
from corpus.paragraphs import join_lines as _join
from corpus.pdf import catalogue_titles, load_pdf, load_pdfs

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "corpus"
PDF_PATH = CORPUS / "pdf" / "levanger-tjenestebeskrivelser.pdf"
STALE = "the committed PDF is out of date; run: python -m tools.render_pdf"


def parse_md(path: Path) -> tuple[dict, dict[str, str]]:
    """Tiny independent Markdown parser: front matter and {heading: body}."""
    _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
    parts = re.split(r"^## (.*)$", body, flags=re.M)[1:]
    return yaml.safe_load(front), {parts[i].strip(): parts[i + 1].strip()
                                   for i in range(0, len(parts), 2)}


def norm(text: str) -> str:
    """Compare text modulo whitespace and bullet style."""
    return " ".join(re.sub(r"^\s*[-*•]\s+", "- ", text, flags=re.M).split())


def markdown_docs(corpus: Path = CORPUS) -> dict[str, tuple[str, dict[str, str]]]:
    """service_id -> (title, sections) for every parseable Markdown file."""
    docs = {}
    for path in sorted(corpus.glob("general/*.md")) + sorted(corpus.glob("services/*.md")):
        try:
            meta, sections = parse_md(path)
        except (ValueError, yaml.YAMLError):
            continue  # a colleague's half-written file; the renderer skips it too
        if isinstance(meta, dict) and meta.get("title") and sections:
            docs[str(meta.get("service_id") or path.stem)] = (meta["title"], sections)
    return docs


def catalogue_for(md: dict[str, tuple[str, dict[str, str]]]) -> dict[str, str]:
    """The shared catalogue when it is available, plus every title the Markdown uses."""
    try:
        cat = catalogue_titles()
    except CorpusError:
        cat = {}
    return {**cat, **{sid: title for sid, (title, _) in md.items()}}


def all_text(docs: list[Document]) -> str:
    return "\n".join(s.text for d in docs for s in d.sections)


@pytest.fixture(scope="module")
def md() -> dict[str, tuple[str, dict[str, str]]]:
    docs = markdown_docs()
    if not docs:
        pytest.skip("no Markdown service files yet")
    return docs


@pytest.fixture(scope="module")
def loaded(md) -> list[Document]:
    assert PDF_PATH.exists(), STALE
    return load_pdf(PDF_PATH, catalogue=catalogue_for(md))


# --- the committed PDF --------------------------------------------------------------------


def test_committed_pdf_loads(loaded):
    assert loaded
    for doc in loaded:
        assert doc.source == str(PDF_PATH)
        assert doc.sections and doc.pages
        for section in doc.sections:
            assert section.text, (doc.service_id, section.heading)
            assert section.page in doc.pages
    assert loaded[0].service_id == "tildeling" or "tildeling" not in {d.service_id for d in loaded}


def test_loads_with_default_catalogue():
    try:
        catalogue_titles()
    except CorpusError:
        pytest.skip("service catalogue not available")
    ids = {d.service_id for d in load_pdf(PDF_PATH)}
    assert ids == set(markdown_docs()), "a Markdown title differs from the catalogue, or " + STALE


def test_services_and_headings_match_markdown(md, loaded):
    got = {d.service_id: d for d in loaded}
    assert set(got) == set(md), STALE
    for sid, (title, sections) in md.items():
        assert got[sid].title == " ".join(title.split())
        assert [s.heading for s in got[sid].sections] == list(sections), (sid, STALE)


def test_section_text_matches_markdown(md, loaded):
    for doc in loaded:
        sections = md[doc.service_id][1]
        for s in doc.sections:
            ratio = difflib.SequenceMatcher(None, norm(s.text), norm(sections[s.heading])).ratio()
            assert ratio >= 0.95, (doc.service_id, s.heading, ratio, STALE)


def test_norwegian_letters_intact(loaded):
    text = all_text(loaded)
    assert "særlig" in text or "får" in text
    for letter in "æøå":
        assert letter in text
    assert "\u030a" not in text and "Ã" not in text  # no decomposed å, no mojibake


def test_suspended_hyphens_kept(md, loaded):
    md_text = "\n".join(t for _, secs in md.values() for t in secs.values())
    text = all_text(loaded)
    for phrase in ("helse- og omsorgstjenester", "pasient- og brukerrettighetsloven"):
        if phrase in md_text.lower():
            assert phrase in text.lower()
    # Any "word- word" left in the PDF text must also be in the Markdown (no half-joined words).
    assert set(re.findall(r"\w+- \w+", text)) <= set(re.findall(r"\w+- \w+", md_text))


def test_no_page_furniture_in_sections(md, loaded):
    md_text = "\n".join(t for _, secs in md.values() for t in secs.values())
    for doc in loaded:
        for s in doc.sections:
            assert "Veiledende tjenestebeskrivelser" not in s.text
            assert not re.search(r"Side \d+ av \d+", s.text)
            if "Side " not in md_text:
                assert "Side " not in s.text
            assert "\u00ad" not in s.text


def test_renderer_hyphenates_and_loader_joins(md, loaded):
    raw = "\n".join(p.extract_text() for p in PdfReader(PDF_PATH).pages)
    md_text = norm("\n".join(t for _, secs in md.values() for t in secs.values()))
    text = norm(all_text(loaded))
    breaks = [(a, b) for a, b in re.findall(r"(\w+)-\n(\w+)", raw)
              if b not in ("og", "eller") and a[-1].islower() and b[0].islower()]
    joined = [(a, b) for a, b in breaks if a + b in md_text]
    assert joined, "no word was hyphenated at a line end"
    for a, b in joined:
        assert a + b in text
        assert f"{a}- {b}" not in text and f"{a}-{b}" not in text


# --- malformed files -----------------------------------------------------------------------


def _assert_refused(path: Path, catalogue: dict[str, str], **kwargs) -> DocumentError:
    with pytest.raises(DocumentError) as info:
        load_pdf(path, catalogue=catalogue, **kwargs)
    assert info.value.path == str(path) and str(path) in str(info.value)
    return info.value


def test_empty_file(tmp_path, md):
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    assert "empty" in _assert_refused(path, catalogue_for(md)).reason


def test_truncated_file(tmp_path, md):
    path = tmp_path / "truncated.pdf"
    data = PDF_PATH.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    _assert_refused(path, catalogue_for(md))


def test_encrypted_file(tmp_path, md):
    writer = PdfWriter(clone_from=PDF_PATH)
    writer.encrypt("secret")
    path = tmp_path / "encrypted.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    assert "encrypt" in _assert_refused(path, catalogue_for(md)).reason


def test_image_only_file(tmp_path, md):
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")
    path = tmp_path / "scan.pdf"
    pdf.output(str(path))
    assert "text layer" in _assert_refused(path, catalogue_for(md)).reason


def test_page_and_time_limits(md):
    assert "limit" in _assert_refused(PDF_PATH, catalogue_for(md), max_pages=1).reason
    assert "longer than" in _assert_refused(PDF_PATH, catalogue_for(md), timeout_s=0).reason


def test_load_pdfs_collects_errors(tmp_path, md):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\nnot really a pdf")
    docs, errors = load_pdfs([PDF_PATH, broken], catalogue=catalogue_for(md))
    assert len(docs) == len(load_pdf(PDF_PATH, catalogue=catalogue_for(md)))
    assert len(errors) == 1 and errors[0].path == str(broken)


# --- renderer and loader on fresh input ----------------------------------------------------


@pytest.mark.slow
def test_fresh_render_round_trip_is_deterministic(tmp_path, md):
    docs = collect_documents(CORPUS)
    first, second = render_pdf.build_pdf(docs), render_pdf.build_pdf(docs)
    assert first == second
    path = tmp_path / "fresh.pdf"
    path.write_bytes(first)
    loaded = {d.service_id: d for d in load_pdf(path, catalogue=catalogue_for(md))}
    for doc in docs:
        got = loaded[doc.service_id]
        assert [s.heading for s in got.sections] == [h for h, _ in doc.sections]
        for s, (_, body) in zip(got.sections, doc.sections):
            ratio = difflib.SequenceMatcher(None, norm(s.text), norm(body)).ratio()
            assert ratio >= 0.98, (doc.service_id, s.heading, ratio)


def test_synthetic_guide(tmp_path):
    """A tiny corpus that exercises wrapped long words, bullets and the general document."""
    long_para = " ".join(["Kommunehelsetjenesteloven og pårørendestøtteordningen gjelder "
                          "helse- og omsorgstjenester, særlig hjemmesykepleietjenesten."] * 6)
    services = tmp_path / "services"
    general = tmp_path / "general"
    services.mkdir()
    general.mkdir()
    body = "\n\n".join(f"## {h}\n{long_para}\n\nListe:\n- første punkt\n- andre punkt"
                       for h in ("Hva er tjenesten?", "Hvem kan få tjenesten?"))
    (services / "test.md").write_text(
        f"---\nservice_id: test\ntitle: Testtjeneste\ncategory: Hjelp i hjemmet\n---\n\n{body}\n",
        encoding="utf-8")
    (general / "tildeling.md").write_text(
        "---\nservice_id: tildeling\ntitle: Slik tildeles helse- og omsorgstjenester\n"
        "kind: general\n---\n\n## Individuell vurdering\nKommunen vurderer hver søknad.\n\n"
        "## Kontakt\nRing 74 05 25 00.\n", encoding="utf-8")
    out = tmp_path / "guide.pdf"
    assert render_pdf.main(["--corpus-dir", str(tmp_path), "--out", str(out)]) == 0
    docs = load_pdf(out, catalogue={"test": "Testtjeneste"})
    assert [d.service_id for d in docs] == ["tildeling", "test"]
    assert docs[0].kind == "general" and docs[1].category == "Hjelp i hjemmet"
    assert [s.heading for s in docs[0].sections] == ["Individuell vurdering", "Kontakt"]
    expected = f"{long_para}\n\nListe:\n- første punkt\n- andre punkt"
    assert all(s.text == expected for s in docs[1].sections)
    raw = "".join(p.extract_text() for p in PdfReader(out).pages)
    assert re.search(r"[a-zæøå]-\n[a-zæøå]", raw)  # it really did hyphenate


def test_join_rules():
    assert _join("om-", "sorgstjenester") == "omsorgstjenester"
    assert _join("helse-", "og omsorg") == "helse- og omsorg"
    assert _join("hjemme-", "eller") == "hjemme- eller"
    assert _join("TT-", "kortet") == "TT-kortet"
    assert _join("send e-", "post") == "send e-post"
    assert _join("§ 3-", "2") == "§ 3-2"
    assert _join("om\u00ad", "sorg") == "omsorg"
    assert _join("Ring", "113") == "Ring 113"


def make_pdf(path: Path, pages: list[list[str]]) -> Path:
    """A plain PDF with one text line per entry ("" leaves a gap)."""
    pdf = FPDF()
    pdf.add_font("D", "", str(render_pdf.FONT_DIR / "DejaVuSans.ttf"))
    pdf.set_font("D", size=11)
    for lines in pages:
        pdf.add_page()
        for line in lines:
            pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    render_pdf.close_fonts(pdf)
    return path


def test_ligatures_and_nfc(tmp_path):
    path = make_pdf(tmp_path / "lig.pdf", [[
        "Testtjeneste", "", "Hva er tjenesten?", "Du ﬁnner ﬂere oﬀentlige tilbud.",
        "Hva koster det?", "Det koster ingen ting for a\u030a bo her."]])
    (doc,) = load_pdf(path, catalogue={"test": "Testtjeneste"})
    assert doc.sections[0].text == "Du finner flere offentlige tilbud."
    assert "å bo" in doc.sections[1].text


def test_toc_without_leaders_and_wrapped_title(tmp_path):
    catalogue = {"tannhelse": "Tannhelse for mottakere av helse- og omsorgstjenester",
                 "test": "Testtjeneste"}
    path = make_pdf(tmp_path / "toc.pdf", [
        ["Innhold", "", "Testtjeneste", "3", "Tannhelse for mottakere av helse- og", "omsorg-",
         "stjenester 4"],
        ["Testtjeneste", "", "Hva er tjenesten?", "Testtjeneste er et tilbud.",
         "Hva inngår - og hva inngår ikke?", "Alt inngår."],
        ["Tannhelse for mottakere av helse- og", "omsorgstjenester", "", "Hva er tjenesten?",
         "Tannhelse er gratis for noen."],
    ])
    docs = load_pdf(path, catalogue=catalogue)
    assert [(d.service_id, d.pages) for d in docs] == [("test", (2,)), ("tannhelse", (3,))]
    assert docs[1].sections[0].page == 3
    assert docs[0].sections[1].heading == "Hva inngår – og hva inngår ikke?"  # en dash


def test_committed_pdf_report_has_nothing_unplaced(md):
    from corpus.pdf import read_pdf

    docs, report = read_pdf(PDF_PATH, catalogue=catalogue_for(md))
    assert [s.service_id for s in report.services] == [d.service_id for d in docs]
    assert report.toc_pages == (2, 3)
    assert render_pdf.RUNNING_HEADER in report.furniture
    assert report.unplaced == () and report.not_found == () and report.refused == ()  # the cover is no chapter
    assert all(s.matched_by == "catalogue title" for s in report.services)
    assert {sec.aspect for s in report.services if not s.general for sec in s.sections} == {
        "what", "who", "included", "expected", "cost", "apply", "law"}


def test_renderer_without_fpdf_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "fpdf", None)  # makes `import fpdf` raise ImportError
    with pytest.raises(SystemExit, match=r'pip install -e "\.\[pdf\]"'):
        render_pdf.build_pdf(collect_documents(CORPUS)[:1])
