"""The guide as a whole: load it from Markdown (default) or from the PDF edition, validate, hash."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from corpus.catalogue import CatalogueEntry, load_catalogue
from corpus.chunking import DEFAULT_MAX_CHARS, chunk_documents
from corpus.markdown import load_markdown_dir
from corpus.model import SECTION_HEADINGS, Chunk, CorpusError, Document, DocumentError
from corpus.pages import apply_page_map

#: Set to a PDF file (or several, separated by os.pathsep) to index the PDF edition instead of the Markdown.
PDF_ENV = "LEVANGER_GUIDE_PDF"


@dataclass(frozen=True)
class Guide:
    """All loaded documents, plus the files that failed to load."""

    documents: tuple[Document, ...]
    errors: tuple[DocumentError, ...] = ()

    def by_id(self) -> dict[str, Document]:
        """Documents keyed by ``service_id``."""
        return {d.service_id: d for d in self.documents}

    def chunks(self, *, max_chars: int = DEFAULT_MAX_CHARS) -> list[Chunk]:
        """All chunks of the guide, in document order."""
        return chunk_documents(self.documents, max_chars=max_chars)

    def content_hash(self, *, max_chars: int = DEFAULT_MAX_CHARS) -> str:
        """A hash of everything the index is built from: chunks and the aliases the lexical index adds."""
        h = hashlib.sha256()
        for chunk in self.chunks(max_chars=max_chars):
            h.update(json.dumps(dataclasses.asdict(chunk), ensure_ascii=False, sort_keys=True).encode())
        for doc in self.documents:
            h.update(json.dumps([doc.service_id, list(doc.aliases)], ensure_ascii=False).encode())
        return h.hexdigest()[:16]


def _with_markdown_metadata(pdf_docs: list[Document], md_docs: list[Document]) -> list[Document]:
    """The PDF carries text only; categories and aliases come from the Markdown front matter when ids match."""
    meta = {d.service_id: d for d in md_docs}
    out = []
    for doc in pdf_docs:
        m = meta.get(doc.service_id)
        if m is not None:
            doc = dataclasses.replace(
                doc,
                category=doc.category or m.category,
                aliases=doc.aliases or m.aliases,
                responsible=doc.responsible or m.responsible,
                legal_basis=doc.legal_basis or m.legal_basis,
                last_reviewed=doc.last_reviewed or m.last_reviewed,
                kind=m.kind,
                situations=doc.situations or m.situations,
                not_for=doc.not_for or m.not_for,
            )
        out.append(doc)
    return out


def load_guide(*, pdf: list[Path] | None = None, markdown_dirs: tuple[Path, ...] = ()) -> Guide:
    """Load the guide.

    Args:
        pdf: PDF files to read instead of the Markdown; default from ``$LEVANGER_GUIDE_PDF``.
        markdown_dirs: Folders of Markdown files (default: the shipped corpus).

    Returns:
        A Guide; files that failed are listed in ``errors`` rather than raised.

    Raises:
        CorpusError: Nothing at all could be loaded.
    """
    if pdf is None and os.environ.get(PDF_ENV):
        pdf = [Path(p) for p in os.environ[PDF_ENV].split(os.pathsep) if p]
    md_docs, errors = load_markdown_dir(*markdown_dirs)
    if not markdown_dirs:
        md_docs = apply_page_map(md_docs)
    docs = md_docs
    if pdf:
        from corpus.pdf import load_pdfs  # pypdf only when a PDF is used

        pdf_docs, pdf_errors = load_pdfs(pdf)
        docs, errors = _with_markdown_metadata(pdf_docs, md_docs), list(pdf_errors)
    if not docs:
        detail = "; ".join(str(e) for e in errors) or "no documents found"
        raise CorpusError(f"the guide could not be loaded: {detail}")
    return Guide(tuple(docs), tuple(errors))


def validate(guide: Guide, catalogue: tuple[CatalogueEntry, ...] | None = None) -> list[str]:
    """Problems that make the guide unfit to serve; an empty list means it is complete.

    Checks that every catalogue id has a document with the catalogue title, that every service has the
    seven headings in order, and that the front matter fields are filled in.
    """
    catalogue = catalogue or load_catalogue()
    problems = [str(e) for e in guide.errors]
    docs = guide.by_id()
    known = {e.service_id for e in catalogue}
    for entry in catalogue:
        doc = docs.get(entry.service_id)
        if doc is None:
            problems.append(f"{entry.service_id}: missing")
            continue
        if doc.title != entry.title:
            problems.append(f"{entry.service_id}: title {doc.title!r} differs from the catalogue's {entry.title!r}")
        headings = tuple(s.heading for s in doc.sections)
        if headings != SECTION_HEADINGS:
            problems.append(f"{entry.service_id}: headings {list(headings)} are not the seven in order")
        for name in ("category", "aliases", "responsible", "legal_basis", "last_reviewed"):
            if not getattr(doc, name):
                problems.append(f"{entry.service_id}: front matter lacks {name}")
        empty = [s.heading for s in doc.sections if not s.text.strip()]
        if empty:
            problems.append(f"{entry.service_id}: empty sections {empty}")
    for doc in guide.documents:
        if doc.kind == "service" and doc.service_id not in known:
            problems.append(f"{doc.service_id}: not in the service catalogue ({doc.source})")
    return problems


def word_count(doc: Document) -> int:
    """Words in a document's body."""
    return sum(len(s.text.split()) for s in doc.sections)
