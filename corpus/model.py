"""Typed structures shared by every loader: a guide is documents, a document is sections.

Both the Markdown loader and the PDF loader return these, so the chunker and the index
never need to know where the text came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: The fixed headings of every service description, in the order the guide uses them.
SECTION_HEADINGS: tuple[str, ...] = (
    "Hva er tjenesten?",
    "Hvem kan få tjenesten?",
    "Hva inngår – og hva inngår ikke?",
    "Hva forventes av deg?",
    "Hva koster det?",
    "Slik søker du",
    "Lovgrunnlag",
)

#: Short aspect names for the headings; the assistant maps questions onto these.
ASPECTS: dict[str, str] = {
    "Hva er tjenesten?": "what",
    "Hvem kan få tjenesten?": "who",
    "Hva inngår – og hva inngår ikke?": "included",
    "Hva forventes av deg?": "expected",
    "Hva koster det?": "cost",
    "Slik søker du": "apply",
    "Lovgrunnlag": "law",
}


class CorpusError(Exception):
    """Base class for every problem with the source documents."""


class DocumentError(CorpusError):
    """One file could not be read; the message names the file and the reason."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


@dataclass(frozen=True)
class Section:
    """One `##` section of a document.

    Attributes:
        heading: The heading text, e.g. "Hva koster det?".
        text: The body, paragraphs separated by blank lines, NFC-normalised.
        page: First page the section stands on (PDF only, 1-based).
    """

    heading: str
    text: str
    page: int | None = None


@dataclass(frozen=True)
class NotFor:
    """A need people bring to a service that another service answers (``not_for:`` in the front matter)."""

    text: str
    see: str


@dataclass(frozen=True)
class Document:
    """One service description (or the general document on how services are granted)."""

    service_id: str
    title: str
    sections: tuple[Section, ...]
    source: str
    category: str = ""
    aliases: tuple[str, ...] = ()
    responsible: str = ""
    legal_basis: tuple[str, ...] = ()
    last_reviewed: str = ""
    kind: str = "service"  # "service" or "general"
    pages: tuple[int, ...] = field(default=())
    #: Needs and life situations the service answers, in people's words; indexed to find the service, never quoted.
    situations: tuple[str, ...] = ()
    #: Common confusions: needs that belong to another service.
    not_for: tuple[NotFor, ...] = ()

    def section(self, heading: str) -> Section | None:
        """Return the section with this heading, or None."""
        for s in self.sections:
            if s.heading == heading:
                return s
        return None


@dataclass(frozen=True)
class Chunk:
    """The unit that is indexed, retrieved and cited.

    Attributes:
        chunk_id: Stable id, ``<service_id>#<section-slug>-<n>``; unchanged as long as the
            section's heading and its position in the section stay the same.
        service_id: Catalogue id of the service.
        title: The service's title.
        section: The section heading.
        text: The passage itself (what a citation quotes from).
        source: Path of the file it came from, relative to the repo when possible.
        page: PDF page, or None for Markdown.
        category: The service's category, for browsing.
    """

    chunk_id: str
    service_id: str
    title: str
    section: str
    text: str
    source: str
    page: int | None = None
    category: str = ""

    @property
    def aspect(self) -> str:
        """The short aspect name of the section ("cost", "apply", ...), or "other"."""
        return ASPECTS.get(self.section, "other")
