"""Finding chapters whose title names no service: a title line, then section headings of a new chapter.

:mod:`corpus.layout` finds the chapters whose title names a service. This finds the others, so that
:mod:`corpus.chapter_match` can decide what they are. A line starts such a chapter when

* it looks like a title (a capital or a number first, no full stop, at most :data:`MAX_TITLE_WORDS` words, at
  most two lines, at chapter level), starts a page or follows a gap, and
* the next line is a section heading that opens a *new* chapter: the first chapter of the guide, a heading of an
  aspect the open chapter already has ("Hva er tjenesten?" a second time), a general chapter's heading after a
  service's or the reverse, or in a numbered edition "8.1 ..." under a new "8." title.

A short line before a heading inside one chapter (a subtitle, a last line without a full stop) fails the second
test: the open chapter does not have that aspect yet.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from corpus.chapter_match import Chapter
from corpus.paragraphs import join_lines
from corpus.schema import OTHER, Schema, numbering_depth, strip_numbering

#: A chapter title is a heading, not a sentence.
MAX_TITLE_WORDS = 14
#: The first paragraph is cut after this many lines (a paragraph without gaps can run on).
MAX_PARAGRAPH_LINES = 12
_CHAPTER_NO = re.compile(r"^(?:(?:kapittel|kap\.)\s*)?(\d{1,3})\.?(?:\s|:|$)", re.IGNORECASE)


def heading_like(line: str) -> bool:
    """A heading starts with a capital or a number and does not end a sentence: the wrapped last word of a
    paragraph ("betaling.") is not the cost heading "Betaling"."""
    rest = strip_numbering(line)
    return bool(rest) and not rest[:1].islower() and not rest.endswith((".", ",", ";"))


def chapter_number(line: str) -> str | None:
    """"3" for "3. Dagaktivitetstilbud" or "Kapittel 3 ...", None for a line without a chapter number."""
    m = _CHAPTER_NO.match(line.strip())
    return m.group(1) if m and numbering_depth(line) == 1 else None


class LineView(Protocol):
    """What :func:`unnamed_chapters` needs to know about the guide's lines (``corpus.layout._Lines``)."""

    flat: list[tuple[int, str]]
    schema: Schema
    known_heading: list[bool]
    skip: set[int]  # table-of-contents pages

    def may_start(self, i: int) -> bool:
        """Line i is not blank, not on a skipped page, no list item, and starts a page or follows a gap."""
        ...

    def is_heading(self, i: int, chapter: str | None) -> bool:
        """Line i is a section heading (in a numbered edition also "N.n ..." under chapter N)."""
        ...


def _title_like(line: str) -> bool:
    return (heading_like(line) and not line.rstrip().endswith(":") and numbering_depth(line) <= 1
            and 0 < len(strip_numbering(line).split()) <= MAX_TITLE_WORDS and any(c.isalpha() for c in line))


def _next_line(flat: Sequence[tuple[int, str]], i: int) -> int:
    while i < len(flat) and not flat[i][1]:
        i += 1
    return i


def unnamed_chapters(lines: LineView, titled: set[int]) -> list[tuple[int, int, Chapter]]:
    """Chapters whose title names no service.

    Args:
        lines: The guide's lines.
        titled: Indices of the lines of titles that name a service (they open a chapter too).

    Returns:
        Per chapter: index of its first title line, index after the title, and the chapter (title, title plus
        first paragraph, page, whether its headings are the general chapter's).
    """
    flat, schema = lines.flat, lines.schema
    out: list[tuple[int, int, Chapter]] = []
    state = _Open()
    i = 0
    while i < len(flat):
        line = flat[i][1]
        if flat[i][0] in lines.skip:
            pass
        elif i in titled:
            state = _Open("", set(), chapter_number(line) or state.number)
        elif lines.known_heading[i]:
            state.kind = state.kind or _kind(schema, line)
            if schema.aspect_for_heading(line) != OTHER:
                state.seen.add(schema.aspect_for_heading(line))
        elif lines.may_start(i) and _title_like(line) and (found := _title_at(lines, i)) is not None:
            end, heading = found
            own = chapter_number(line)
            if state.opened_by(lines, heading, own):
                title = " ".join(text for _, text in flat[i:end])
                general = lines.known_heading[heading] and schema.is_general_heading(flat[heading][1])
                paragraph = _first_paragraph(lines, heading + 1, own)
                out.append((i, end, Chapter(title, f"{title}. {paragraph}", flat[i][0], general)))
                state = _Open("", set(), own or state.number)
                i = heading
                continue
        i += 1
    return out


def _kind(schema: Schema, heading: str) -> str:
    return "general" if schema.is_general_heading(heading) else "service"


@dataclass
class _Open:
    """The chapter open while reading: its kind ("general", "service"; "" before its first heading, None before
    the first chapter), the aspects it has, its number in a numbered edition."""

    kind: str | None = None
    seen: set[str] = field(default_factory=set)
    number: str | None = None

    def opened_by(self, lines: LineView, heading: int, own: str | None) -> bool:
        """Whether the heading at ``heading``, after a title numbered ``own``, starts a new chapter."""
        line = lines.flat[heading][1]
        if not lines.known_heading[heading]:  # "8.1 ..." under a numbered title "8. ..."
            return own is not None and own != self.number
        if self.kind is None:
            return True
        return bool(self.kind) and (_kind(lines.schema, line) != self.kind
                                    or lines.schema.aspect_for_heading(line) in self.seen)


def _title_at(lines: LineView, i: int) -> tuple[int, int] | None:
    """(index after the title, index of the heading after it) when a one- or two-line title starts at i."""
    flat = lines.flat
    own = chapter_number(flat[i][1])
    for end in (i + 1, i + 2):
        if end == i + 2:
            if (i + 1 >= len(flat) or not flat[i + 1][1] or flat[i + 1][0] != flat[i][0]
                    or lines.known_heading[i + 1] or not _title_like(flat[i + 1][1])):
                return None
        heading = _next_line(flat, end)
        if heading < len(flat) and flat[heading][0] not in lines.skip and (
                lines.known_heading[heading] or lines.is_heading(heading, own)):
            return end, heading
    return None


def _first_paragraph(lines: LineView, start: int, chapter: str | None) -> str:
    """The text after a chapter's first heading, up to a gap or the next heading, hyphenation undone."""
    flat, text = lines.flat, ""
    first = _next_line(flat, start)
    for k in range(first, min(len(flat), first + MAX_PARAGRAPH_LINES)):
        if not flat[k][1] or lines.known_heading[k] or lines.is_heading(k, chapter):
            break
        text = join_lines(text, flat[k][1]) if text else flat[k][1]
    return text
