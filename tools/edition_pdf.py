"""Render the Markdown guide as *another municipality's edition*, to test that the PDF loader reads other layouts.

Usage: ``python -m tools.edition_pdf --layout numbered|titles|synonyms|citizen|administrative --out PATH``

``tools/render_pdf.py`` draws our own guide; this draws the same text the way a Word-made edition might look,
with a different font, other headings and another page structure:

* ``numbered``: numbered chapters and sections ("3. Dagaktivitetstilbud", "3.5 Egenbetaling"), the headings
  other guides use, several services per page, justified text, Helvetica (WinAnsi text layer, no embedded
  font), a different running header and a "- N -" footer, one extra section under an unknown heading;
* ``titles``: one service per page in DejaVu Serif, two services under other titles ("Helsetjenester i hjemmet
  (hjemmesykepleie)", "Langtidsplass i sykehjem"), the general chapter under another name, nynorsk and
  bokmål synonym headings, a "Side N" footer;
* ``synonyms``, ``citizen``, ``administrative``: every chapter title reworded, none naming its service by a
  catalogue title or alias, from ``tools/edition_titles.tsv`` (other official words and nynorsk; a citizen's
  question; a caseworker's register, numbered), each with its own headings and page structure.

:func:`build_edition` also returns where it put every title and heading, so tests can check the loader's pages.
Needs fpdf2 (``pip install -e ".[pdf]"``).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from corpus.markdown import load_markdown_dir
from corpus.model import Document
from corpus.schema import default_schema

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
#: The reworded chapter titles: service_id, then one column per reworded layout.
REWORDED_TITLES = Path(__file__).with_name("edition_titles.tsv")


def reworded_titles(column: str, path: Path = REWORDED_TITLES) -> dict[str, str]:
    """service_id -> the title a reworded edition prints ("tildeling", the general chapter, included)."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t")
        return {row["service_id"]: row[column] for row in rows}


@dataclass(frozen=True)
class Layout:
    """How an edition looks.

    Attributes:
        name: Layout id.
        numbered: Number chapters ("3.") and sections ("3.1").
        page_per_service: Start every service on a new page (else they run on).
        justify: Justified body text.
        serif: DejaVu Serif (embedded TrueType) instead of core Helvetica.
        header: Running header on every page but the cover.
        footer: Page footer; ``{page}`` is replaced by the page number.
        headings: aspect -> the heading this edition prints.
        titles: service_id -> the title this edition prints (default: the catalogue title).
        general_title: Title of the general chapter.
        extra_sections: service_id -> (heading, text) appended to the service (an unknown heading).
    """

    name: str
    numbered: bool
    page_per_service: bool
    justify: bool
    serif: bool
    header: str
    footer: str
    headings: Mapping[str, str]
    titles: Mapping[str, str] = field(default_factory=dict)
    general_title: str = ""
    extra_sections: Mapping[str, tuple[str, str]] = field(default_factory=dict)


NUMBERED = Layout(
    name="numbered", numbered=True, page_per_service=False, justify=True, serif=False,
    header="Tjenestebeskrivelser 2026 | Levanger kommune", footer="- {page} -",
    headings={"what": "Beskrivelse av tjenesten", "who": "Kriterier for tildeling", "included": "Hva tjenesten omfatter",
              "expected": "Forventninger til tjenestemottaker", "cost": "Egenbetaling",
              "apply": "Søknad og saksbehandling", "law": "Lovhjemmel"},
    titles={"dagaktivitet": "Dagaktivitetstilbud"},
    extra_sections={"trygghetsalarm": ("Praktisk informasjon",
                                      "Alarmen kobles til en mottakssentral som er bemannet hele døgnet.")},
)
TITLES = Layout(
    name="titles", numbered=False, page_per_service=True, justify=False, serif=True,
    header="Helse og omsorg i Levanger – veiledende beskrivelser", footer="Levanger kommune · side {page}",
    headings={"what": "Om tjenesten", "who": "Kven kan få tenesta?", "included": "Innhold",
              "expected": "Brukers ansvar", "cost": "Egenandel", "apply": "Hvordan søke", "law": "Hjemmel"},
    titles={"hjemmesykepleie": "Helsetjenester i hjemmet (hjemmesykepleie)",
            "langtidsopphold": "Langtidsplass i sykehjem"},
    general_title="Tildeling av helse- og omsorgstjenester",
)


def _reworded(name: str, **look: object) -> Layout:
    titles = reworded_titles(name)
    general = default_schema().general_id
    return Layout(name=name, titles={k: v for k, v in titles.items() if k != general},
                  general_title=titles[general], **look)  # type: ignore[arg-type]


SYNONYMS = _reworded(
    "synonyms", numbered=False, page_per_service=True, justify=True, serif=True,
    header="Tenester innan helse og omsorg", footer="{page}",
    headings={"what": "Kva er tenesta?", "who": "Kven kan få tenesta?", "included": "Kva tenesta omfattar",
              "expected": "Forventningar til tenestemottakar", "cost": "Kva kostar det?", "apply": "Slik søkjer du",
              "law": "Lovheimel"})
CITIZEN = _reworded(
    "citizen", numbered=False, page_per_service=False, justify=False, serif=False,
    header="Hjelp når du trenger det – en veiviser", footer="Side {page}",
    headings={"what": "Om tjenesten", "who": "Hvem kan få tilbudet?", "included": "Hva inngår",
              "expected": "Forventninger til deg", "cost": "Hva koster tjenesten?", "apply": "Hvordan søker du?",
              "law": "Regelverk"})
ADMINISTRATIVE = _reworded(
    "administrative", numbered=True, page_per_service=False, justify=True, serif=True,
    header="Tjenestebeskrivelser – forvaltningsutgave", footer="Side {page}",
    headings={"what": "Tjenestebeskrivelse", "who": "Tildelingskriterier", "included": "Tjenestens innhold",
              "expected": "Brukers ansvar", "cost": "Betaling", "apply": "Søknad og vedtak",
              "law": "Lover og forskrifter"})
#: The layouts whose every chapter title is reworded.
REWORDED = ("synonyms", "citizen", "administrative")
LAYOUTS = {layout.name: layout for layout in (NUMBERED, TITLES, SYNONYMS, CITIZEN, ADMINISTRATIVE)}


@dataclass(frozen=True)
class Placed:
    """Where one document was drawn: its printed title and, per section, the printed heading and page."""

    service_id: str
    title: str
    page: int
    sections: tuple[tuple[str, str, int], ...]  # (heading as printed without number, body, page)


def _fpdf():
    try:
        import fpdf
    except ImportError as exc:
        raise SystemExit('this tool needs fpdf2: pip install -e ".[pdf]" (or pip install fpdf2)') from exc
    return fpdf


def _sections(doc: Document, layout: Layout) -> list[tuple[str, str]]:
    out = [(layout.headings.get(s.aspect, s.heading), s.text) for s in doc.sections]
    if doc.service_id in layout.extra_sections:
        out.append(layout.extra_sections[doc.service_id])
    return out


def _blocks(paragraph: str) -> list[tuple[bool, str]]:
    """A paragraph's prose lines joined into one block, each "- " bullet a block of its own."""
    blocks: list[tuple[bool, str]] = []
    for line in paragraph.split("\n"):
        if line.startswith("- "):
            blocks.append((True, line[2:].strip()))
        elif blocks and not blocks[-1][0]:
            blocks[-1] = (False, f"{blocks[-1][1]} {line.strip()}")
        else:
            blocks.append((False, line.strip()))
    return [b for b in blocks if b[1]]


def _draw(docs: list[Document], layout: Layout, toc_pages: Mapping[str, int]):
    fpdf = _fpdf()

    class Edition(fpdf.FPDF):
        def header(self) -> None:  # noqa: D102 - fpdf2 hook
            if self.page_no() > 1:
                self.set_font(family, "", 8)
                self.cell(0, 6, layout.header, align="R" if layout.numbered else "L", new_x="LMARGIN", new_y="NEXT")
                self.ln(4)

        def footer(self) -> None:  # noqa: D102 - fpdf2 hook
            if self.page_no() > 1:
                self.set_y(-14)
                self.set_font(family, "", 8)
                self.cell(0, 6, layout.footer.format(page=self.page_no()), align="C")

    pdf = Edition(format="A4", unit="mm")
    if layout.serif:
        family = "Serif"
        pdf.add_font(family, "", str(FONT_DIR / "DejaVuSerif.ttf"))
        pdf.add_font(family, "B", str(FONT_DIR / "DejaVuSerif-Bold.ttf"))
    else:
        family = "helvetica"
        pdf.core_fonts_encoding = "windows-1252"  # æøå, – and § in a core font's WinAnsi encoding
    pdf.set_margins(25, 18, 25)
    pdf.set_auto_page_break(True, margin=20)
    pdf.set_creation_date(dt.datetime(2026, 1, 1, tzinfo=dt.UTC))  # byte-identical re-renders
    pdf.add_page()
    pdf.set_font(family, "B", 20)
    pdf.multi_cell(0, 10, "Tjenestebeskrivelser for helse og omsorg\nLevanger kommune", align="C")
    pdf.add_page()
    pdf.set_font(family, "B", 14)
    pdf.cell(0, 8, "Innholdsfortegnelse", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 10)
    for n, (doc, title) in enumerate(docs_and_titles(docs, layout), start=1):
        label = f"{n}. {title}" if layout.numbered else title
        pdf.cell(0, 5.5, f"{label} {'.' * 12} {toc_pages.get(doc.service_id, 0)}", new_x="LMARGIN", new_y="NEXT")
    placed: list[Placed] = []
    pdf.add_page()
    for n, (doc, title) in enumerate(docs_and_titles(docs, layout), start=1):
        if layout.page_per_service and placed:
            pdf.add_page()
        elif pdf.get_y() > pdf.h - 70:
            pdf.add_page()
        pdf.ln(4)
        pdf.set_font(family, "B", 15)
        pdf.cell(0, 9, f"{n}. {title}" if layout.numbered else title, new_x="LMARGIN", new_y="NEXT")
        title_page = pdf.page_no()
        pdf.ln(3)
        sections = []
        for m, (heading, body) in enumerate(_sections(doc, layout), start=1):
            if pdf.get_y() > pdf.h - 45:  # keep a heading with a few lines of its text
                pdf.add_page()
            pdf.set_font(family, "B", 11.5)
            pdf.cell(0, 7, f"{n}.{m} {heading}" if layout.numbered else heading, new_x="LMARGIN", new_y="NEXT")
            sections.append((heading, body, pdf.page_no()))
            pdf.set_font(family, "", 10)
            for para in body.split("\n\n"):
                for is_bullet, text in _blocks(para):
                    pdf.multi_cell(0, 5, f"• {text}" if is_bullet else text,
                                   align="J" if layout.justify and not is_bullet else "L",
                                   new_x="LMARGIN", new_y="NEXT")
                pdf.ln(2.5)
        placed.append(Placed(doc.service_id, title, title_page, tuple(sections)))
    return pdf, placed


def docs_and_titles(docs: list[Document], layout: Layout) -> list[tuple[Document, str]]:
    """The documents in drawing order with the titles this edition prints."""
    general = default_schema().general_id
    return [(d, (layout.general_title or d.title) if d.service_id == general
             else layout.titles.get(d.service_id, d.title)) for d in docs]


def build_edition(layout: Layout, docs: list[Document] | None = None) -> tuple[bytes, list[Placed]]:
    """Draw the edition; twice, so the table of contents shows the real pages.

    Args:
        layout: One of :data:`LAYOUTS`.
        docs: Documents in order (default: the shipped Markdown guide, general document first).

    Returns:
        The PDF bytes, and where each document, title and heading was drawn.
    """
    if docs is None:
        docs, _ = load_markdown_dir()
    pdf, placed = _draw(docs, layout, {})
    pdf, placed = _draw(docs, layout, {p.service_id: p.page for p in placed})
    return bytes(pdf.output()), placed


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m tools.edition_pdf", description=__doc__.splitlines()[0])
    parser.add_argument("--layout", choices=sorted(LAYOUTS), default="numbered")
    parser.add_argument("--out", type=Path, required=True, help="output PDF path")
    args = parser.parse_args(argv)
    data, placed = build_edition(LAYOUTS[args.layout])
    args.out.write_bytes(data)
    print(f"wrote {args.out} ({len(placed)} documents, {len(data)} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
