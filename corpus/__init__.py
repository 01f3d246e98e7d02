"""The guide's source documents: loaders for Markdown and PDF, chunking, the catalogue."""

from corpus.catalogue import CatalogueEntry, load_catalogue
from corpus.chunking import chunk_document, chunk_documents
from corpus.guide import Guide, load_guide, validate
from corpus.model import SECTION_HEADINGS, Chunk, CorpusError, Document, DocumentError, Section

__all__ = [
    "SECTION_HEADINGS",
    "CatalogueEntry",
    "Chunk",
    "CorpusError",
    "Document",
    "DocumentError",
    "Guide",
    "Section",
    "chunk_document",
    "chunk_documents",
    "load_catalogue",
    "load_guide",
    "validate",
]
