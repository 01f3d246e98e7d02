"""Split documents into citable chunks: one per section, long sections on paragraph/sentence bounds."""

from __future__ import annotations

from collections.abc import Iterable

from corpus.model import Chunk, Document
from corpus.text import split_sentences

#: multilingual-e5-small reads 512 tokens; ~900 characters of Norwegian stays well inside that and keeps a
#: passage short enough to quote.
DEFAULT_MAX_CHARS = 900


def _pieces(text: str, max_chars: int) -> list[str]:
    """Greedy packing of paragraphs (then sentences, for an over-long paragraph) under ``max_chars``."""
    units: list[str] = []
    for para in text.split("\n\n"):
        para = para.strip()
        if not para:
            continue
        if len(para) <= max_chars:
            units.append(para)
            continue
        # a bullet list is split per line, a prose paragraph per sentence
        if para.lstrip().startswith("- "):
            units.extend(line for line in para.splitlines() if line.strip())
        else:
            units.extend(split_sentences(para.replace("\n", " ")))
    pieces: list[str] = []
    current = ""
    for unit in units:
        sep = "\n\n" if not (current.startswith("- ") and unit.startswith("- ")) else "\n"
        if current and len(current) + len(sep) + len(unit) > max_chars:
            pieces.append(current)
            current = unit
        else:
            current = f"{current}{sep}{unit}" if current else unit
    if current:
        pieces.append(current)
    return pieces


def chunk_document(doc: Document, *, max_chars: int = DEFAULT_MAX_CHARS) -> list[Chunk]:
    """Chunks of one document, in reading order.

    The ``chunk_id`` is ``<service_id>#<aspect>-<n>``, n counting from 1 through the document's chunks of that
    aspect (``praktisk-bistand#cost-1``). It names what the passage is about, not how the heading is worded, so
    an edition that says "Egenbetaling" for "Hva koster det?" keeps stored citations and shared links valid.
    """
    chunks: list[Chunk] = []
    ordinals: dict[str, int] = {}
    for section in doc.sections:
        for piece in _pieces(section.text, max_chars):
            n = ordinals[section.aspect] = ordinals.get(section.aspect, 0) + 1
            chunks.append(
                Chunk(
                    chunk_id=f"{doc.service_id}#{section.aspect}-{n}",
                    service_id=doc.service_id,
                    title=doc.title,
                    section=section.heading,
                    text=piece,
                    source=doc.source,
                    page=section.page,
                    category=doc.category,
                    aspect=section.aspect,
                )
            )
    return chunks


def chunk_documents(docs: Iterable[Document], *, max_chars: int = DEFAULT_MAX_CHARS) -> list[Chunk]:
    """Chunks of all documents, in document order."""
    return [c for d in docs for c in chunk_document(d, max_chars=max_chars)]
