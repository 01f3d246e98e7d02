"""Reading a guide's structure from the text lines of its pages, whatever the layout.

The PDF loader (``corpus/pdf.py``) extracts lines; this module finds what they are. It assumes nothing about
one particular edition:

* page furniture is what repeats at the top or bottom of most pages (digits ignored), not a known string;
* table-of-contents pages (an "Innhold" page, or one full of dot leaders) are skipped;
* a service starts at a line naming it -- catalogue title, alias, or a heading containing one, numbered or
  not ("3. Dagaktivitetstilbud", "Helsetjenester i hjemmet (hjemmesykepleie)") -- that is followed by a section
  heading; several services may share a page;
* a chapter whose title names no service (:mod:`corpus.chapters`) goes by the chapter map or by its meaning,
  and is refused when neither is clear (:mod:`corpus.chapter_match`);
* section headings are whatever the schema (``corpus/schema.yaml``) knows, plus in a numbered edition any short
  line numbered under the current chapter ("3.8 Praktisk informasjon"), which becomes aspect "other".

What was mapped, and what could not be placed, is returned as an :class:`EditionReport`.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Mapping

from corpus.chapter_map import ChapterMap
from corpus.chapter_match import Chapter, match_chapters, service_texts
from corpus.chapters import chapter_number, heading_like, unnamed_chapters
from corpus.model import Document, Section
from corpus.names import ServiceNames, TitleMatch
from corpus.paragraphs import paragraphs
from corpus.report import EditionReport, SectionMapping, ServiceMapping
from corpus.schema import Schema, heading_key, numbering_depth, strip_numbering
from corpus.similarity import ChapterScorer

_LIGATURES = str.maketrans({"ﬁ": "fi", "ﬂ": "fl", "ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl",
                            "\u2010": "-", "\u2011": "-"})
_PAGE_NO = re.compile(r"^(?:side\s*)?\d{1,4}(?:\s*(?:av|/|of)\s*\d{1,4})?$", re.I)
_TOC_ENTRY = re.compile(r"^(.*?\S)\s*(?:\.\s*){2,}\s*(\d{1,4})$|^(.*?\S)\s*…+\s*(\d{1,4})$")
_TOC_TITLES = {"innhold", "innholdsfortegnelse", "innhald", "innhaldsliste", "innhaldsoversikt"}
_BULLET = re.compile(r"^[•●▪◦‣∙·*-]\s+")


def norm_line(text: str) -> str:
    """NFC, ligatures undone, runs of white space (justified text's wide gaps) collapsed to one space."""
    text = " ".join(unicodedata.normalize("NFC", text.translate(_LIGATURES)).split())
    # A soft hyphen only matters at the line end, where it marks a hyphenation break.
    return text.replace("\u00ad", "") + ("\u00ad" if text.endswith("\u00ad") else "")


def strip_furniture(pages: list[list[str]], keep: set[str]) -> tuple[list[list[str]], list[str]]:
    """Remove page numbers and lines that repeat at the top or bottom of most pages.

    Returns:
        The pages without furniture, and the repeated lines found (one example each), for the report.
    """
    def key(line: str) -> str:
        return re.sub(r"\d+", "#", line)

    edges: Counter[str] = Counter()
    example: dict[str, str] = {}
    for lines in pages:
        content = [ln for ln in lines if ln]
        for ln in content[:2] + content[-2:]:
            example.setdefault(key(ln), ln)
        edges.update({key(ln) for ln in content[:2] + content[-2:]})
    threshold = max(3, len(pages) // 2)
    repeated = {k for k, n in edges.items() if n >= threshold and heading_key(k) not in keep}
    out = []
    for lines in pages:
        # Only the top and bottom lines are candidates: a lone "113" mid-page is content.
        idx = [i for i, ln in enumerate(lines) if ln]
        edge = set(idx[:2] + idx[-2:])
        kept = [ln for i, ln in enumerate(lines) if i not in edge or heading_key(ln) in keep
                or not (_PAGE_NO.match(ln) or key(ln) in repeated)]
        out.append("\n".join(kept).strip("\n").split("\n") if any(kept) else [])
    return out, sorted(example[k] for k in repeated)


def collapse_gaps(pages: list[list[str]]) -> list[list[str]]:
    """Keep one "" only where the gap between lines is wider than the usual line spacing.

    Layout extraction turns vertical space into blank lines; with generous line spacing
    even lines of one paragraph are separated by one, so the commonest run is the baseline.
    """
    paired: list[list[tuple[int, str]]] = []  # per page: (blank lines before, line)
    for lines in pages:
        paired.append([])
        run = 0
        for line in lines:
            if line:
                paired[-1].append((run, line))
            run = 0 if line else run + 1
    counts = Counter(run for page in paired for run, _ in page[1:])
    baseline = counts.most_common(1)[0][0] if counts else 0
    return [[out for i, (run, line) in enumerate(page)
             for out in ([""] if i and run > baseline else []) + [line]] for page in paired]


def toc_pages(pages: list[list[str]]) -> set[int]:
    """1-based numbers of table-of-contents pages: headed "Innhold", or mostly "title ..... 12" lines."""
    found = set()
    for number, lines in enumerate(pages, start=1):
        content = [ln for ln in lines if ln]
        if not content:
            continue
        entries = sum(bool(_TOC_ENTRY.match(ln)) for ln in content)
        if heading_key(content[0]) in _TOC_TITLES or (entries >= 3 and entries >= 0.3 * len(content)):
            found.add(number)
    return found


def _toc_categories(lines: list[str], names: ServiceNames) -> dict[str, str]:
    """Map service ids to the group heading they are listed under in the table of contents."""
    result: dict[str, str] = {}
    group = ""
    for line in lines:
        match = _TOC_ENTRY.match(line)
        if match:
            found = names.match(match.group(1) or match.group(3), exact_only=True)
            if found:
                result.setdefault(found.service_id, group)
        elif line and len(line) < 80 and not line[-1].isdigit() and heading_key(line) not in _TOC_TITLES:
            group = line
    return result


class _Lines:
    """The flattened (page, line) list with what each line could be."""

    def __init__(self, flat: list[tuple[int, str]], schema: Schema, names: ServiceNames, skip: set[int]) -> None:
        self.flat = flat
        self.schema = schema
        self.keys = [heading_key(line) for _, line in flat]
        self.known_heading = [heading_like(line) and (schema.aspect_for_heading(line) != "other"
                                                       or schema.is_general_heading(line)) for _, line in flat]
        self.titles: list[tuple[int, int, TitleMatch]] = []  # (first index, index after title, match)
        self.skip = skip
        for i, (page, line) in enumerate(flat):
            if not self.may_start(i):
                continue
            match = names.match(line)
            if match and match.kind != "title" and self.known_heading[i]:
                match = None  # "Egenandel" is a cost heading here, not the service of that alias
            end = i + 1
            if match is None and i + 1 < len(flat) and flat[i + 1][1] and flat[i + 1][0] == page:
                # a long title may wrap onto two lines
                match, end = names.match(f"{line} {flat[i + 1][1]}", exact_only=True), i + 2
            if match is None or numbering_depth(line) > 1:
                continue
            if match.how != "exact" and not self._stands_alone(end):
                continue
            self.titles.append((i, end, match))

    def may_start(self, i: int) -> bool:
        """Line i could open a chapter: not blank, not on a skipped page, no list item or contents entry, and it
        starts a page or follows a gap, never mid-paragraph."""
        page, line = self.flat[i]
        if not line or page in self.skip or _BULLET.match(line) or _TOC_ENTRY.match(line):
            return False
        return not (i and self.flat[i - 1][1] and self.flat[i - 1][0] == page)

    def _stands_alone(self, end: int) -> bool:
        # a loosely matched title is followed by a gap, a heading or a new page, not by more of its paragraph
        if end >= len(self.flat):
            return True
        page, line = self.flat[end]
        return not line or self.known_heading[end] or page != self.flat[end - 1][0]

    def is_heading(self, i: int, chapter: str | None) -> bool:
        """A schema heading, or in a numbered edition a short line numbered under the current chapter."""
        if self.known_heading[i]:
            return True
        line = self.flat[i][1]
        if not chapter or not line.startswith(f"{chapter}.") or numbering_depth(line) != 2:
            return False
        return heading_like(line) and len(strip_numbering(line).split()) <= 8

    def display_heading(self, line: str) -> str:
        """Our display heading for a loose match of it ("-" for "–"), else the source's words unnumbered."""
        for heading in self.schema.headings + self.schema.general_headings:
            if heading_key(heading) == heading_key(line):
                return heading
        return strip_numbering(line).rstrip(":").strip()


def parse_pages(pages: list[list[str]], *, source: str, catalogue: Mapping[str, str],
                aliases: Mapping[str, tuple[str, ...]], schema: Schema, descriptions: Mapping[str, str] | None = None,
                chapter_map: ChapterMap | None = None, scorer: ChapterScorer | None = None,
                ) -> tuple[list[Document], EditionReport]:
    """Find the services, their sections and pages in a guide's extracted lines.

    Args:
        pages: Per page, its lines (already :func:`norm_line`-normalised; "" marks a vertical gap).
        source: The file, recorded on every document.
        catalogue: service_id -> catalogue title.
        aliases: service_id -> everyday names (from the Markdown front matter), used to find a service printed
            under another title.
        schema: The guide's schema.
        descriptions: service_id -> what the service covers (the catalogue's scope), for matching a chapter
            whose title names no service by meaning (:mod:`corpus.chapter_match`).
        chapter_map: Chapter titles whose service is given; they win over names and meaning.
        scorer: How alike a chapter and a service are (default: character n-gram TF-IDF).

    Returns:
        One Document per service found (in reading order), and the report. No service found gives ``[]``.
    """
    names = ServiceNames.build(catalogue, aliases, schema)
    keep = names.keys() | {heading_key(h) for a in schema.aspects for h in (a.heading, *a.synonyms)}
    keep |= {heading_key(h) for h in schema.general_headings}
    pages, furniture = strip_furniture(pages, keep)
    pages = collapse_gaps(pages)
    skip = toc_pages(pages)
    flat = [(n, line) for n, lines in enumerate(pages, start=1) for line in lines]
    lines = _Lines(flat, schema, names, skip)
    cands = lines.titles
    # A real start is followed by a section heading before the next title; this skips the cover, a table of
    # contents we did not recognise, and a service merely mentioned on a line of its own.
    valid, unplaced = [], []
    for k, (first, end, match) in enumerate(cands):
        stop = cands[k + 1][0] if k + 1 < len(cands) else len(flat)
        chapter = chapter_number(flat[first][1])
        if any(lines.is_heading(i, chapter) for i in range(end, stop)):
            valid.append((first, end, match, chapter))
        else:
            unplaced.append(f"page {flat[first][0]}: {flat[first][1]!r} names {match.service_id} "
                            "but no section heading follows; read as text")
    # The chapter map wins over a name; chapters whose title names no service go by the map or by meaning.
    chapter_map = chapter_map or ChapterMap()
    unnamed = unnamed_chapters(lines, {i for first, end, _, _ in valid for i in range(first, end)})
    for cand in list(valid):
        title = " ".join(line for _, line in flat[cand[0]:cand[1]])
        if chapter_map.lookup(title)[0]:
            valid.remove(cand)
            unnamed.append((cand[0], cand[1], Chapter(title, title, flat[cand[0]][0])))
    unnamed.sort(key=lambda c: c[0])
    # One start per service: an exact title beats a line that merely contains a name; then the first wins.
    best: dict[str, tuple[int, int, TitleMatch | None, str | None]] = {}
    for cand in valid:
        sid, rank = cand[2].service_id, cand[2].how == "exact"
        if sid not in best or rank > (best[sid][2].how == "exact"):
            best[sid] = cand
    texts = service_texts({**catalogue, schema.general_id: schema.general_title}, aliases, descriptions or {})
    matches = match_chapters([c for _, _, c in unnamed], texts, general_id=schema.general_id,
                             found=frozenset(best), chapter_map=chapter_map, scorer=scorer)
    refused, starts = [], []
    for (first, end, chapter), m in zip(unnamed, matches, strict=True):
        how = f"{m.describe()}, {chapter_map.source}" if m.how.startswith("map") else m.describe()
        if m.service_id is None:
            refused.append(f"page {chapter.page}: {chapter.title!r}: {how}; its text is left out")
        elif m.service_id in best:  # the map gives a service found by name to another chapter
            unplaced.append(f"page {flat[best[m.service_id][0]][0]}: {flat[best[m.service_id][0]][1]!r} names "
                            f"{m.service_id}, which the chapter map gives to page {chapter.page}; read as text")
            del best[m.service_id]
        match = TitleMatch(m.service_id, "meaning", "meaning", how) if m.service_id else None
        starts.append((first, end, match, chapter_number(flat[first][1])))
    starts = sorted([*best.values(), *starts], key=lambda c: c[0])
    seen = {c[2].service_id for c in starts if c[2] is not None}
    for first, _, match, _ in valid:
        if match.service_id in best and best[match.service_id][0] != first:
            unplaced.append(f"page {flat[first][0]}: {flat[first][1]!r} also names {match.service_id}; "
                            "read as text")

    categories = _toc_categories([ln for n, ln in flat if n in skip], names)
    docs: list[Document] = []
    mappings: list[ServiceMapping] = []
    for k, (first, body_start, match, chapter) in enumerate(starts):
        stop = starts[k + 1][0] if k + 1 < len(starts) else len(flat)
        if match is None:  # a refused chapter: a boundary, its text belongs to no service
            continue
        sections: list[Section] = []
        heading, page, body = schema.intro_heading, flat[first][0], []
        for i in [*range(body_start, stop), None]:
            if i is None or lines.is_heading(i, chapter):
                text = paragraphs(body)
                if text or heading != schema.intro_heading:
                    sections.append(Section(heading, unicodedata.normalize("NFC", text), page))
                if i is not None:
                    heading, page, body = lines.display_heading(flat[i][1]), flat[i][0], []
            else:
                body.append(flat[i])
        sid = match.service_id
        used = [n for n, line in flat[first:stop] if line]
        doc = Document(
            service_id=sid, title=norm_line(catalogue.get(sid, schema.general_title)),
            sections=tuple(sections), source=source, category=categories.get(sid, ""),
            kind="general" if sid == schema.general_id else "service",
            pages=tuple(range(min(used), max(used) + 1)))
        docs.append(doc)
        found = " ".join(line for _, line in flat[first:body_start])
        mappings.append(ServiceMapping(
            service_id=sid, found_title=found, matched_by=match.describe(), pages=doc.pages,
            sections=tuple(SectionMapping(s.heading, s.aspect, s.page) for s in sections),
            alternatives=match.alternatives, general=doc.kind == "general"))
    missing = [sid for sid in catalogue if sid not in seen]
    report = EditionReport(source=source, services=tuple(mappings), toc_pages=tuple(sorted(skip)),
                           furniture=tuple(furniture), unplaced=tuple(unplaced), not_found=tuple(missing),
                           refused=tuple(refused))
    return docs, report
