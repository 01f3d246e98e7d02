"""Other municipalities' layouts: editions drawn by tools/edition_pdf.py (not our renderer) from the Markdown.

* ``numbered``: numbered chapters and sections, synonym headings, several services per page, justified
  Helvetica, another running header, one section under an unknown heading;
* ``titles``: one service per page in DejaVu Serif, "Helsetjenester i hjemmet (hjemmesykepleie)",
  "Langtidsplass i sykehjem", the general chapter under another name, nynorsk synonym headings;
* ``synonyms``, ``citizen``, ``administrative``: every chapter title reworded (tools/edition_titles.tsv), so
  no title names its service; each chapter is matched by meaning (corpus/chapter_match.py).

Each is loaded through ``LEVANGER_GUIDE_PDF`` like an official PDF would be, and must give every service and
section on the pages the generator drew them on, and an index that answers with page citations.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from pathlib import Path

import pytest

pytest.importorskip("fpdf")

from corpus.__main__ import main as corpus_main  # noqa: E402
from corpus.catalogue import load_catalogue  # noqa: E402
from corpus.guide import Guide, load_guide, unplaced_sections, validate  # noqa: E402
from corpus.markdown import load_markdown_dir  # noqa: E402
from corpus.names import ServiceNames  # noqa: E402
from corpus.pdf import catalogue_titles  # noqa: E402
from corpus.schema import OTHER, aspect_for_heading, default_schema  # noqa: E402
from index.retriever import Retriever  # noqa: E402
from index.settings import IndexSettings  # noqa: E402
from tools.edition_pdf import LAYOUTS, REWORDED, Placed, build_edition, reworded_titles  # noqa: E402

GENERAL = default_schema().general_id
#: each edition is drawn and parsed afresh (3–5 s a layout): the `slow` tier, in `make test` only
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", params=sorted(LAYOUTS))
def edition(request, tmp_path_factory) -> tuple[str, Path, list[Placed], Guide]:
    """(layout name, PDF path, where the generator drew everything, the guide loaded via LEVANGER_GUIDE_PDF)."""
    name = request.param
    data, placed = build_edition(LAYOUTS[name])
    path = tmp_path_factory.mktemp(f"edition-{name}") / f"{name}.pdf"
    path.write_bytes(data)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LEVANGER_GUIDE_PDF", str(path))
        guide = load_guide()
    return name, path, placed, guide


def _words(text: str) -> str:
    return " ".join(text.replace("- ", " ").split())


def test_every_service_and_section_is_found_on_its_page(edition):
    name, path, placed, guide = edition
    assert not guide.errors
    docs = guide.by_id()
    assert set(docs) == {p.service_id for p in placed}
    markdown = {d.service_id: d for d in load_markdown_dir()[0]}
    for p in placed:
        doc = docs[p.service_id]
        assert doc.source == str(path)
        assert doc.pages[0] == p.page, (name, p.service_id)
        assert [(s.heading, s.page) for s in doc.sections] == [(h, page) for h, _, page in p.sections], p.service_id
        assert [s.aspect for s in doc.sections] == [aspect_for_heading(h) for h, _, _ in p.sections]
        for section, (_, body, _) in zip(doc.sections, p.sections, strict=True):
            ratio = difflib.SequenceMatcher(None, _words(section.text), _words(body)).ratio()
            assert ratio >= 0.99, (p.service_id, section.heading, ratio)
        # the front matter comes from the Markdown where the ids match
        assert doc.aliases == markdown[p.service_id].aliases
        assert doc.category == markdown[p.service_id].category


def test_the_edition_is_a_complete_guide(edition):
    name, _, _, guide = edition
    assert validate(guide, load_catalogue()) == []
    expected = [("trygghetsalarm", "Praktisk informasjon")] if name == "numbered" else []
    assert unplaced_sections(guide) == expected


def test_numbered_edition_puts_several_services_on_a_page(edition):
    name, _, placed, guide = edition
    if name != "numbered":
        pytest.skip("one service per page in this layout")
    docs = guide.by_id()
    shared = [(a.service_id, b.service_id) for a, b in zip(placed, placed[1:], strict=False)
              if docs[a.service_id].pages[-1] == docs[b.service_id].pages[0]]
    assert len(shared) >= 10
    extra = docs["trygghetsalarm"].sections[-1]
    assert (extra.heading, extra.aspect) == ("Praktisk informasjon", OTHER)


def test_report_says_what_was_mapped(edition):
    name, path, placed, guide = edition
    (report,) = guide.reports
    assert report.toc_pages == (2,)
    assert not report.unplaced and not report.not_found and not report.refused
    assert LAYOUTS[name].header in report.furniture
    found = {s.service_id: s for s in report.services}
    assert [s.service_id for s in report.services] == [p.service_id for p in placed]
    if name == "titles":
        assert found["hjemmesykepleie"].found_title == "Helsetjenester i hjemmet (hjemmesykepleie)"
        assert found["hjemmesykepleie"].matched_by == "contains catalogue title 'Hjemmesykepleie'"
        assert found["langtidsopphold"].found_title == "Langtidsplass i sykehjem"
        assert found["langtidsopphold"].matched_by == "contains alias 'langtidsplass'"
        assert found["tildeling"].found_title == "Tildeling av helse- og omsorgstjenester"
        assert found["tildeling"].matched_by == "a name of the general chapter in schema.yaml"
    elif name == "numbered":
        assert found["dagaktivitet"].found_title.startswith("4. Dagaktivitetstilbud")
        assert found["dagaktivitet"].matched_by == "part of the catalogue title"
    cost = [s for s in found["praktisk-bistand"].sections if s.aspect == "cost"]
    assert [s.heading for s in cost] == [LAYOUTS[name].headings["cost"]]


def test_corpus_check_prints_the_mapping(edition, capsys):
    name, path, placed, guide = edition
    assert corpus_main(["check", "--pdf", str(path)]) == 0
    out = capsys.readouterr().out
    drawn = {p.service_id: p for p in placed}
    if name == "titles":
        long_stay = guide.by_id()["langtidsopphold"]
        span = f"{long_stay.pages[0]}-{long_stay.pages[-1]}"
        assert f"  langtidsopphold: 'Langtidsplass i sykehjem' (contains alias 'langtidsplass'), pages {span}" in out
        cost_page = next(page for h, _, page in drawn["langtidsopphold"].sections if h == "Egenandel")
        assert f"      p. {cost_page}  Egenandel -> cost" in out
    elif name in REWORDED:
        for p in placed:  # every chapter with how it was matched: by meaning, with the score and the margin
            how = ("its headings are the general chapter's" if p.service_id == GENERAL
                   else f"by meaning, n-gram TF-IDF cosine: {p.service_id} 0.")
            line = rf"^  {re.escape(p.service_id)}: '(\d+\. )?{re.escape(p.title)}' \({re.escape(how)}"
            assert re.search(line, out, re.MULTILINE), p.service_id
    else:
        page = drawn["trygghetsalarm"].sections[-1][2]
        assert f"      p. {page}  Praktisk informasjon -> other   <- unknown heading, kept as 'other'" in out
        assert "unknown heading:    trygghetsalarm: 'Praktisk informasjon'" in out
    assert out.rstrip().endswith("ok")


def test_index_from_the_edition_answers_with_page_citations(edition, tmp_path, monkeypatch):
    name, _, placed, guide = edition
    monkeypatch.setenv("LEVANGER_INDEX_DIR", str(tmp_path / "index"))
    retriever = Retriever.open(settings=IndexSettings(backend="hashing", model=None), guide=guide)
    assert retriever.settings.data_dir == tmp_path / "index"
    pages = {(p.service_id, h): page for p in placed for h, _, page in p.sections}
    for question, sid in [("Hva er langtidsopphold i sykehjem?", "langtidsopphold"),
                          ("Hvordan søker jeg om trygghetsalarm?", "trygghetsalarm"),
                          ("Jeg trenger hjelp til sårstell hjemme", "hjemmesykepleie")]:
        hits = retriever.search(question, k=5)
        assert sid in [h.chunk.service_id for h in hits[:2]], (question, [h.chunk.chunk_id for h in hits])
        assert all(isinstance(h.chunk.page, int) for h in hits)
        for hit in hits:  # each citation points at the page the generator drew its section on
            drawn = next(p for p in placed if p.service_id == hit.chunk.service_id)
            assert hit.chunk.page == pages[(drawn.service_id, hit.chunk.section)]
            assert hit.chunk.chunk_id.startswith(f"{hit.chunk.service_id}#{hit.chunk.aspect}-")


def test_chunk_ids_survive_the_reworded_headings(edition):
    """Chunk ids name the aspect, not the heading: the edition's chunks have the Markdown's ids."""
    name, _, _, guide = edition
    md_ids = {c.chunk_id for c in load_guide(pdf=[]).chunks()}
    pdf_ids = {c.chunk_id for c in guide.chunks()}
    extra = {"trygghetsalarm#other-1"} if name == "numbered" else set()
    assert pdf_ids - md_ids == extra
    assert md_ids - pdf_ids == set()


def test_reworded_edition_finds_every_chapter_by_meaning(edition):
    """No reworded title names its service, yet every service is found by meaning, with a clear margin."""
    name, _, placed, guide = edition
    if name not in REWORDED:
        pytest.skip("titles name their services in this layout")
    names = ServiceNames.build(catalogue_titles(), {d.service_id: d.aliases for d in guide.documents},
                               default_schema())
    assert [p.title for p in placed if names.match(p.title)] == []
    (report,) = guide.reports
    found = {s.service_id: s for s in report.services}
    assert set(found) == {p.service_id for p in placed}
    for p in placed:
        mapping = found[p.service_id]
        assert mapping.found_title.endswith(p.title)
        if p.service_id == GENERAL:
            assert mapping.matched_by == "its headings are the general chapter's"
            continue
        assert mapping.matched_by.startswith("by meaning, n-gram TF-IDF cosine: "), mapping.matched_by
        margin = int(mapping.matched_by.rsplit("margin ", 1)[1].rstrip("%"))
        assert margin >= 10, (p.service_id, mapping.matched_by)


#: A chapter that fits two services about equally: its title names none, its first paragraph speaks of both.
AMBIGUOUS_TITLE = "Til deg som er pårørende"
AMBIGUOUS_TEXT = "Kommunen kan gi pårørende omsorgsstønad og avlastning."


@pytest.fixture(scope="module")
def ambiguous(tmp_path_factory) -> tuple[Path, Placed]:
    """The ``synonyms`` edition with *Avlastning* retitled and opened by a paragraph that fits two services."""
    docs = []
    for doc in load_markdown_dir()[0]:
        if doc.service_id == "avlastning":
            first = doc.sections[0]
            rest = first.text.split("\n\n")[1:]
            opened = dataclasses.replace(first, text="\n\n".join([AMBIGUOUS_TEXT, *rest]))
            doc = dataclasses.replace(doc, sections=(opened, *doc.sections[1:]))
        docs.append(doc)
    base = LAYOUTS["synonyms"]
    layout = dataclasses.replace(base, titles={**base.titles, "avlastning": AMBIGUOUS_TITLE})
    data, placed = build_edition(layout, docs)
    path = tmp_path_factory.mktemp("edition-ambiguous") / "ambiguous.pdf"
    path.write_bytes(data)
    return path, next(p for p in placed if p.service_id == "avlastning")


def _map_file(tmp_path: Path, chapters: str) -> Path:
    path = tmp_path / "editions.yaml"
    path.write_text(f"chapters:\n{chapters}\n", encoding="utf-8")
    return path


def test_an_ambiguous_chapter_is_refused_and_reported(ambiguous, capsys):
    path, drawn = ambiguous
    guide = load_guide(pdf=[path])
    (report,) = guide.reports
    (refused,) = report.refused
    assert refused.startswith(f"page {drawn.page}: {AMBIGUOUS_TITLE!r}: ambiguous (margin under 10%), "
                              "n-gram TF-IDF cosine: "), refused
    assert refused.endswith("; its text is left out")
    scores = re.search(r"cosine: (\S+) [\d.]+, runner-up (\S+) [\d.]+, margin (\d+)%", refused)
    best, runner_up, margin = scores.groups()
    assert {best, runner_up} <= {"avlastning", "omsorgsstonad", "parorendestotte"} and int(margin) < 10
    assert report.not_found == ("avlastning",)
    docs = guide.by_id()
    assert "avlastning" not in docs and len(docs) == 39
    # its text is no other service's: the refused chapter still ends the one before it
    assert not [d.service_id for d in guide.documents for s in d.sections if AMBIGUOUS_TEXT[:40] in s.text]
    assert corpus_main(["check", "--pdf", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"  refused: page {drawn.page}: {AMBIGUOUS_TITLE!r}: ambiguous" in out
    assert "problem: avlastning: missing" in out


def test_the_chapter_map_resolves_an_ambiguous_chapter(ambiguous, tmp_path, capsys, monkeypatch):
    path, drawn = ambiguous
    mapping = _map_file(tmp_path, f'  "{AMBIGUOUS_TITLE}?": avlastning')  # a final "?" does not matter
    assert corpus_main(["check", "--pdf", str(path), "--map", str(mapping)]) == 0
    out = capsys.readouterr().out
    assert f"  avlastning: {AMBIGUOUS_TITLE!r} (the chapter map, {mapping}), pages {drawn.page}-" in out
    assert "refused:" not in out
    monkeypatch.setenv("LEVANGER_EDITION_MAP", str(mapping))  # the same map from the environment
    doc = load_guide(pdf=[path]).by_id()["avlastning"]
    assert doc.pages[0] == drawn.page
    assert [(s.heading, s.page) for s in doc.sections] == [(h, page) for h, _, page in drawn.sections]
    assert doc.sections[0].text.startswith(AMBIGUOUS_TEXT)


def test_the_chapter_map_wins_over_a_name(edition, tmp_path):
    name, path, placed, _ = edition
    if name != "titles":
        pytest.skip("needs a title that names its service by an alias")
    mapping = _map_file(tmp_path, '  "Langtidsplass i sykehjem": null')
    guide = load_guide(pdf=[path], chapter_map=mapping)
    (report,) = guide.reports
    drawn = next(p for p in placed if p.service_id == "langtidsopphold")
    assert report.refused == (f"page {drawn.page}: 'Langtidsplass i sykehjem': the chapter map says it is no "
                              f"service, {mapping}; its text is left out",)
    assert report.not_found == ("langtidsopphold",)
    before = guide.documents[[d.service_id for d in guide.documents].index("kvalifiseringsprogram")]
    assert before.pages[-1] < drawn.page  # the left-out chapter's text did not go to the chapter before it


def test_a_chapter_map_naming_an_unknown_service_is_an_error(edition, tmp_path, capsys):
    name, path, _, _ = edition
    if name != "titles":
        pytest.skip("one edition is enough")
    mapping = _map_file(tmp_path, '  "Langtidsplass i sykehjem": sykehjemmet')
    assert corpus_main(["check", "--pdf", str(path), "--map", str(mapping)]) == 1
    assert "maps to unknown service id 'sykehjemmet'" in capsys.readouterr().err


def test_two_reworded_chapters_among_named_ones_are_found_by_meaning(tmp_path):
    """The case that was reported: an edition whose titles name their services but two. Each of the two is
    compared with every service, those found by name too, and found on its page."""
    base, citizen = LAYOUTS["titles"], reworded_titles("citizen")
    reworded = {sid: citizen[sid] for sid in ("praktisk-bistand", "omsorgsstonad")}
    data, placed = build_edition(dataclasses.replace(base, titles={**base.titles, **reworded}))
    path = tmp_path / "mixed.pdf"
    path.write_bytes(data)
    guide = load_guide(pdf=[path])
    (report,) = guide.reports
    assert not report.refused and not report.not_found and not report.unplaced
    found = {s.service_id: s for s in report.services}
    docs = guide.by_id()
    for p in placed:
        assert docs[p.service_id].pages[0] == p.page
        by_meaning = found[p.service_id].matched_by.startswith("by meaning")
        assert by_meaning == (p.service_id in reworded), (p.service_id, found[p.service_id].matched_by)
