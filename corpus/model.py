"""Typed structures shared by every loader: a guide is documents, a document is sections.

Both the Markdown loader and the PDF loader return these, so the chunker and the index
never need to know where the text came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from corpus.errors import CorpusError, DocumentError, SchemaError
from corpus.schema import OTHER, aspect_for_heading, default_schema

#: Deprecated alias: the display headings in guide order, computed from ``corpus/schema.yaml``. Code should use
#: aspect keys and :func:`corpus.schema.heading_for`; this stays until the assistant and UI have moved over.
SECTION_HEADINGS: tuple[str, ...] = default_schema().headings

__all__ = ["ROUTE_KINDS", "SECTION_HEADINGS", "Chunk", "CorpusError", "Document", "DocumentError", "NotFor",
           "Route", "SchemaError", "Section"]

#: How a citizen gets a service: the municipality's application form to Forvaltning helse og omsorg, direct
#: contact without referral, NAV, the GP, or another body the guide names.
ROUTE_KINDS = ("forvaltning", "direct", "nav", "gp", "other")


@dataclass(frozen=True)
class Section:
    """One `##` section of a document.

    Attributes:
        heading: The heading as the source writes it (without a chapter number), e.g. "Egenbetaling";
            shown to users and in citations.
        text: The body, paragraphs separated by blank lines, NFC-normalised.
        page: First page the section stands on (PDF only, 1-based).
        aspect: The schema's aspect key ("cost", ...) or "other"; derived from the heading by the schema
            when not given.
    """

    heading: str
    text: str
    page: int | None = None
    aspect: str = ""

    def __post_init__(self) -> None:
        if not self.aspect:
            # one rule for every loader: the schema decides what a heading means
            object.__setattr__(self, "aspect", aspect_for_heading(self.heading))


@dataclass(frozen=True)
class NotFor:
    """A "this service is not for ..." note from the front matter, pointing at the service that is.

    Attributes:
        text: The situation the service does not cover, e.g. "Akutt sykdom om natten".
        see: The ``service_id`` to turn to instead.
    """

    text: str
    see: str


@dataclass(frozen=True)
class Route:
    """How a citizen gets the service, from the front matter's ``route:``.

    Attributes:
        kind: One of :data:`ROUTE_KINDS`.
        sentence: The guide's own sentence that says so, verbatim from the service's "Slik søker du".
        contact: Optionally, the guide's sentence naming whom to contact directly (verbatim too), or "".
    """

    kind: str
    sentence: str
    contact: str = ""


@dataclass(frozen=True)
class AgeLimit:
    """An age limit the guide gives a service in so many words, from the front matter's ``age:``.

    Attributes:
        from_age: The service is for people of this age and older.
        younger: The ``service_id`` the guide names for the younger ones.
        sentence: The guide's own sentence that says so, verbatim from the service's text.
    """

    from_age: int
    younger: str
    sentence: str


@dataclass(frozen=True)
class Document:
    """One service description (or the general document on how services are granted)."""

    service_id: str
    title: str
    sections: tuple[Section, ...]
    source: str
    category: str = ""
    aliases: tuple[str, ...] = ()
    #: Everyday words that help search find the service but are too general to count as naming it.
    search_terms: tuple[str, ...] = ()
    responsible: str = ""
    legal_basis: tuple[str, ...] = ()
    last_reviewed: str = ""
    kind: str = "service"  # "service" or "general"
    pages: tuple[int, ...] = field(default=())
    situations: tuple[str, ...] = ()
    not_for: tuple[NotFor, ...] = ()
    route: Route | None = None
    age: AgeLimit | None = None
    #: Topics (``assistant/language/patterns.yaml``, ``topics``) every answer about the service states, whatever
    #: part of it was asked: how to appeal is told with the deadline to appeal.
    always_tell: tuple[str, ...] = ()
    #: The aspects of every service that this one describes for all of them (payment: ``cost``; applying:
    #: ``apply``, ``time``). A follow-up that reads as this service because it asks one of them is about the
    #: conversation's subject; and a service with any of them (a procedure, not a kind of help) does not take from
    #: the subject a follow-up whose aspect the subject's own description answers.
    general_for: tuple[str, ...] = ()

    def section(self, heading: str) -> Section | None:
        """Return the section with this heading, or None."""
        for s in self.sections:
            if s.heading == heading:
                return s
        return None

    def sections_for(self, aspect: str) -> tuple[Section, ...]:
        """The sections of one aspect, in document order (an edition may split one into several)."""
        return tuple(s for s in self.sections if s.aspect == aspect)


@dataclass(frozen=True)
class Chunk:
    """The unit that is indexed, retrieved and cited.

    Attributes:
        chunk_id: Stable id, ``<service_id>#<aspect>-<n>`` with n counting from 1 through the document's
            chunks of that aspect (``praktisk-bistand#cost-1``); a reworded heading does not change it.
        service_id: Catalogue id of the service.
        title: The service's title.
        section: The section heading as found in the source, for display.
        text: The passage itself (what a citation quotes from).
        source: Path of the file it came from, relative to the repo when possible.
        page: PDF page, or None for Markdown.
        category: The service's category, for browsing.
        aspect: The section's aspect key ("cost", "apply", ...) or "other".
    """

    chunk_id: str
    service_id: str
    title: str
    section: str
    text: str
    source: str
    page: int | None = None
    category: str = ""
    aspect: str = OTHER
