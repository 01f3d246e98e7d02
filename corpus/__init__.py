"""The guide's source documents: its schema, loaders for Markdown and PDF editions, chunking, the catalogue."""

from corpus.catalogue import CatalogueEntry, load_catalogue
from corpus.chunking import chunk_document, chunk_documents
from corpus.errors import CorpusError, DocumentError, SchemaError
from corpus.guide import Guide, load_guide, unplaced_sections, validate
from corpus.model import SECTION_HEADINGS, Chunk, Document, NotFor, Section
from corpus.report import EditionReport
from corpus.schema import OTHER, aspect_for_heading, aspect_keys, general_id, heading_for

__all__ = [
    "OTHER",
    "SECTION_HEADINGS",
    "CatalogueEntry",
    "Chunk",
    "CorpusError",
    "Document",
    "DocumentError",
    "EditionReport",
    "Guide",
    "NotFor",
    "SchemaError",
    "Section",
    "aspect_for_heading",
    "aspect_keys",
    "chunk_document",
    "chunk_documents",
    "general_id",
    "heading_for",
    "load_catalogue",
    "load_guide",
    "unplaced_sections",
    "validate",
]
