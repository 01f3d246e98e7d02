"""Render the Markdown corpus as one printable A4 PDF guide.

Usage: ``python -m tools.render_pdf [--out PATH] [--corpus-dir DIR]``

Needs the optional packages fpdf2 and pyphen: ``pip install -e ".[pdf]"``.

The PDF mirrors the layout of the municipality's own guide (cover, table of contents, one
service per page run) so the PDF loader can be developed and tested against a realistic file.
The Markdown is read by ``tools.guide_source``, a deliberately tiny parser independent of the main
loader, so a bug in one cannot hide a bug in the other; this module draws the pages.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from pathlib import Path

from tools.guide_source import CORPUS_DIR, MdDoc, collect_documents

DEFAULT_OUT = CORPUS_DIR / "pdf" / "levanger-tjenestebeskrivelser.pdf"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT = "DejaVu"

COVER_TITLE = ("Veiledende tjenestebeskrivelser og tildelingskriterier for kommunale "
               "helse- og omsorgstjenester")
MUNICIPALITY = "Levanger kommune"
DISCLAIMER = "Veiledende tekst skrevet for dette prosjektet – ikke kommunens offisielle tekst"
RUNNING_HEADER = "Levanger kommune – Veiledende tjenestebeskrivelser"
GENERAL_GROUP = "Om tildeling av tjenester"

# A fixed date keeps re-renders byte-identical, so a diff means the text changed.
CREATION_DATE = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
SOFT_HYPHEN = "\u00ad"
LONG_WORD = re.compile(r"[^\W\d_]{12,}")
BULLET = re.compile(r"^\s*[-*]\s+")

MARGIN, LINE_H, PARA_GAP, BODY_PT = 20.0, 5.5, 3.0, 10.5  # mm, mm, mm, pt


def _optional(module: str, package: str):
    """Import an optional build dependency, or fail with the command that installs it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise SystemExit(f"rendering the PDF needs {package}: pip install -e \".[pdf]\" (or pip install {package})"
                         ) from exc


class Hyphenator:
    """Inserts soft hyphens into long words so fpdf2 can break them with a visible hyphen."""

    def __init__(self) -> None:
        self._dic = _optional("pyphen", "pyphen").Pyphen(lang="nb_NO", left=3, right=3)

    def _word(self, match: re.Match[str]) -> str:
        word = match.group(0)
        # Never leave "og"/"eller" as the tail: the loader keeps "helse-\nog" as a suspended hyphen.
        cuts = [p for p in self._dic.positions(word) if word[p:].lower() not in {"og", "eller"}]
        for pos in reversed(cuts):
            word = word[:pos] + SOFT_HYPHEN + word[pos:]
        return word

    def __call__(self, text: str) -> str:
        """Return text with soft hyphens in every word of 12 or more letters."""
        return LONG_WORD.sub(self._word, text)


class _Furniture:
    """The guide's running header and page footer on every page but the cover (mixed into FPDF)."""

    def _furniture(self, y: float, text: str, align: str) -> None:
        self.set_font(FONT, "", 8.5)
        self.set_text_color(90, 90, 90)
        self.set_xy(MARGIN, y)
        self.cell(0, 5, text, align=align)
        self.set_text_color(0, 0, 0)

    def header(self) -> None:  # noqa: D102 - fpdf2 hook
        if self.page_no() > 1:
            self._furniture(10, RUNNING_HEADER, "L")
            self.set_draw_color(180, 180, 180)
            self.line(MARGIN, 16, self.w - MARGIN, 16)
            self.set_y(MARGIN + 2)

    def footer(self) -> None:  # noqa: D102 - fpdf2 hook
        if self.page_no() > 1:
            self._furniture(self.h - 15, f"Side {self.page_no()} av {{nb}}", "C")


def _new_pdf():
    # fpdf2 is optional (only this tool needs it), so the FPDF subclass is made on first use
    fpdf = _optional("fpdf", "fpdf2")
    guide_pdf = type("GuidePDF", (_Furniture, fpdf.FPDF), {})
    pdf = guide_pdf(format="A4", unit="mm")
    pdf.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=22)
    pdf.set_creation_date(CREATION_DATE)
    pdf.set_title(COVER_TITLE)
    pdf.set_author(MUNICIPALITY)
    pdf.alias_nb_pages("{nb}")
    return pdf


def _fit_size(pdf, text: str, style: str, size: float, width: float) -> float:
    # Titles must stay on one line so a loader can find them by exact line match.
    while size > 8:
        pdf.set_font(FONT, style, size)
        if pdf.get_string_width(text) <= width:
            break
        size -= 0.5
    return size


def _cover(pdf) -> None:
    pdf.add_page()
    pdf.set_y(70)
    pdf.set_font(FONT, "B", 22)
    pdf.multi_cell(0, 11, COVER_TITLE, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(12)
    pdf.set_font(FONT, "", 16)
    pdf.cell(0, 9, MUNICIPALITY, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(30)
    pdf.set_text_color(170, 0, 0)
    pdf.set_draw_color(170, 0, 0)
    pdf.set_line_width(0.6)
    # One line, so the disclaimer is found verbatim in the text layer.
    _fit_size(pdf, DISCLAIMER, "B", 12, pdf.w - 2 * MARGIN - 8)
    pdf.cell(0, 14, DISCLAIMER, border=1, align="C")
    pdf.set_text_color(0, 0, 0)
    pdf.set_line_width(0.2)


def _toc(pdf, docs: list[MdDoc], pages: dict[str, int]) -> None:
    pdf.add_page()
    pdf.set_font(FONT, "B", 18)
    pdf.cell(0, 10, "Innhold", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    width = pdf.w - 2 * MARGIN
    group = None
    for doc in docs:
        fallback = GENERAL_GROUP if doc.kind == "general" else "Andre tjenester"
        name = doc.category or fallback
        if name != group:
            group = name
            pdf.ln(2)
            pdf.set_font(FONT, "B", 11)
            pdf.cell(0, 7, name, new_x="LMARGIN", new_y="NEXT")
        number = str(pages.get(doc.service_id, 0))
        pdf.set_font(FONT, "", 10)
        room = width - 6 - pdf.get_string_width(number) - 2
        pdf.set_x(MARGIN + 6)
        title_w = pdf.get_string_width(doc.title + " ")
        dots = "." * max(2, int((room - title_w) / pdf.get_string_width(".")) - 1)
        pdf.cell(room, 6, f"{doc.title} {dots}")
        pdf.cell(0, 6, number, align="R", new_x="LMARGIN", new_y="NEXT")


def _body(pdf, text: str, hyphenate: Hyphenator) -> None:
    pdf.set_font(FONT, "", BODY_PT)
    for block in re.split(r"\n\s*\n", text):
        items: list[tuple[bool, str]] = []  # (is_bullet, text)
        for line in block.split("\n"):
            if not line.strip():
                continue
            if BULLET.match(line):
                items.append((True, BULLET.sub("", line).strip()))
            elif items:
                items[-1] = (items[-1][0], items[-1][1] + " " + line.strip())
            else:
                items.append((False, line.strip()))
        for is_bullet, item in items:
            if is_bullet:  # hanging indent: multi_cell keeps wrapped lines at this x
                pdf.set_x(MARGIN + 4)
                pdf.cell(5, LINE_H, "•")
            # Left-aligned: justified text would stretch word gaps and blur them for extractors.
            pdf.multi_cell(0, LINE_H, hyphenate(item), align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(0.8 if is_bullet else 0)
        pdf.ln(PARA_GAP)


def _document(pdf, doc: MdDoc, hyphenate: Hyphenator) -> int:
    pdf.add_page()
    start = pdf.page_no()
    pdf.start_section(doc.title)
    width = pdf.w - 2 * MARGIN
    size = _fit_size(pdf, doc.title, "B", 18, width)
    pdf.cell(0, size * 0.5, doc.title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for heading, body in doc.sections:
        # Keep a heading together with at least a few lines of its text.
        if pdf.get_y() > pdf.h - 22 - 3 * LINE_H - 8:
            pdf.add_page()
        pdf.set_font(FONT, "B", 12)
        pdf.cell(0, 7, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
        _body(pdf, body, hyphenate)
    return start


def _render(docs: list[MdDoc], pages: dict[str, int]) -> tuple[object, dict[str, int]]:
    pdf = _new_pdf()
    hyphenate = Hyphenator()
    _cover(pdf)
    _toc(pdf, docs, pages)
    starts: dict[str, int] = {}
    for doc in docs:
        starts[doc.service_id] = _document(pdf, doc, hyphenate)
    return pdf, starts


def build_pdf(docs: list[MdDoc]) -> bytes:
    """Render the guide; two passes so the table of contents shows real page numbers.

    Args:
        docs: Documents in guide order (see :func:`tools.guide_source.collect_documents`).

    Returns:
        The PDF file content.
    """
    pdf, starts = _render(docs, {})
    for _ in range(3):  # The TOC length does not depend on the numbers; one rerun suffices.
        close_fonts(pdf)
        pdf, final = _render(docs, starts)
        if final == starts:
            break
        starts = final
    data = bytes(pdf.output())
    close_fonts(pdf)
    return data


def close_fonts(pdf) -> None:
    """Close the font files fpdf2 leaves open (fontTools loads them lazily)."""
    for font in pdf.fonts.values():
        if getattr(font, "ttfont", None) is not None:
            font.ttfont.close()


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the process exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output PDF path")
    parser.add_argument("--corpus-dir", type=Path, default=CORPUS_DIR,
                        help="directory with general/ and services/ (default: this package)")
    args = parser.parse_args(argv)
    docs = collect_documents(args.corpus_dir)
    if not docs:
        print("error: no Markdown documents found", file=sys.stderr)
        return 1
    data = build_pdf(docs)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    print(f"wrote {args.out} ({len(docs)} documents, {len(data)} bytes)")
    if args.out.resolve() == DEFAULT_OUT.resolve():
        from corpus.pages import PAGE_MAP, write_page_map

        write_page_map(args.out)
        print(f"wrote {PAGE_MAP}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
