"""What a loader made of an edition: per service the title it found, the pages and each heading's aspect."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SectionMapping:
    """One heading as found, and the aspect it became."""

    heading: str
    aspect: str
    page: int | None


@dataclass(frozen=True)
class ServiceMapping:
    """One service as found in an edition.

    Attributes:
        service_id: The catalogue id it was mapped to.
        found_title: The title line(s) as printed.
        matched_by: How the title was recognised ("catalogue title", "contains alias 'langtidsplass'", ...).
        pages: The pages the service spans.
        sections: Its headings in order, each with its aspect.
        alternatives: Other services the title line also fitted, less well.
        general: True for the general document, whose headings are free (never "unknown").
    """

    service_id: str
    found_title: str
    matched_by: str
    pages: tuple[int, ...]
    sections: tuple[SectionMapping, ...]
    alternatives: tuple[str, ...] = ()
    general: bool = False


@dataclass(frozen=True)
class EditionReport:
    """The mapping of one PDF edition.

    Attributes:
        source: The file.
        services: What was found, in reading order.
        toc_pages: Pages skipped as table of contents.
        furniture: Running headers/footers detected by repetition (one example each; digits vary).
        unplaced: Lines that looked like a service title but could not be placed.
        not_found: Catalogue services the edition does not contain.
        refused: Chapters whose title names no service and whose meaning fits none clearly enough (or the
            chapter map says they are no service): left out, with the scores.
    """

    source: str
    services: tuple[ServiceMapping, ...]
    toc_pages: tuple[int, ...] = ()
    furniture: tuple[str, ...] = ()
    unplaced: tuple[str, ...] = ()
    not_found: tuple[str, ...] = ()
    refused: tuple[str, ...] = ()


def _pages(pages: tuple[int, ...]) -> str:
    if not pages:
        return "-"
    return str(pages[0]) if len(pages) == 1 else f"{pages[0]}-{pages[-1]}"


def format_report(report: EditionReport) -> list[str]:
    """The report as the lines ``python -m corpus check`` prints."""
    out = [f"edition {report.source}: {len(report.services)} documents"]
    if report.toc_pages:
        out.append(f"  table of contents skipped: page {', '.join(map(str, report.toc_pages))}")
    for line in report.furniture:
        out.append(f"  running header/footer removed: {line!r}")
    for s in report.services:
        also = f"; also fits {', '.join(s.alternatives)}" if s.alternatives else ""
        out.append(f"  {s.service_id}: {s.found_title!r} ({s.matched_by}{also}), pages {_pages(s.pages)}")
        for sec in s.sections:
            mark = "   <- unknown heading, kept as 'other'" if sec.aspect == "other" and not s.general else ""
            out.append(f"      p. {sec.page}  {sec.heading} -> {sec.aspect}{mark}")
    for line in report.refused:
        out.append(f"  refused: {line}")
    for line in report.unplaced:
        out.append(f"  could not place: {line}")
    if report.not_found:
        out.append(f"  not in this edition: {', '.join(report.not_found)}")
    return out
