"""The guide as a whole: load it from Markdown (default) or from the PDF edition, validate, hash."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from corpus.catalogue import CatalogueEntry, load_catalogue
from corpus.chunking import DEFAULT_MAX_CHARS, chunk_documents
from corpus.markdown import load_markdown_dir
from corpus.model import Chunk, CorpusError, Document, DocumentError
from corpus.pages import apply_page_map
from corpus.schema import OTHER, default_schema

if TYPE_CHECKING:
    from corpus.report import EditionReport

#: Set to a PDF file (or several, separated by os.pathsep) to index the PDF edition instead of the Markdown.
PDF_ENV = "LEVANGER_GUIDE_PDF"


@dataclass(frozen=True)
class Guide:
    """All loaded documents, plus the files that failed to load.

    Attributes:
        documents: General document(s) first, then services.
        errors: One per file that could not be loaded.
        reports: For a PDF edition, what the loader mapped and what it could not place (one per file).
    """

    documents: tuple[Document, ...]
    errors: tuple[DocumentError, ...] = ()
    reports: tuple[EditionReport, ...] = ()

    def by_id(self) -> dict[str, Document]:
        """Documents keyed by ``service_id``."""
        return {d.service_id: d for d in self.documents}

    def chunks(self, *, max_chars: int = DEFAULT_MAX_CHARS) -> list[Chunk]:
        """All chunks of the guide, in document order."""
        return chunk_documents(self.documents, max_chars=max_chars)

    def content_hash(self, *, max_chars: int = DEFAULT_MAX_CHARS) -> str:
        """A hash of everything the index is built from: the chunks, the aliases the lexical index adds, and the
        front matter's situations and not-for notes. Front matter the assistant reads only when it starts (routes,
        ``always_tell``, ``general_for``) is not in it: an edit of those alone reaches a running server at its next
        start or index rebuild."""
        h = hashlib.sha256()
        for chunk in self.chunks(max_chars=max_chars):
            h.update(json.dumps(dataclasses.asdict(chunk), ensure_ascii=False, sort_keys=True).encode())
        for doc in self.documents:
            h.update(json.dumps([doc.service_id, list(doc.aliases), list(doc.search_terms), list(doc.situations),
                                 [[n.text, n.see] for n in doc.not_for]], ensure_ascii=False).encode())
        return h.hexdigest()[:16]


def _with_markdown_metadata(pdf_docs: list[Document], md_docs: list[Document]) -> list[Document]:
    """The PDF carries text only; categories, aliases and the other front matter come from the Markdown when ids
    match."""
    meta = {d.service_id: d for d in md_docs}
    out = []
    for doc in pdf_docs:
        m = meta.get(doc.service_id)
        if m is not None:
            doc = dataclasses.replace(
                doc,
                category=doc.category or m.category,
                aliases=doc.aliases or m.aliases,
                search_terms=doc.search_terms or m.search_terms,
                responsible=doc.responsible or m.responsible,
                legal_basis=doc.legal_basis or m.legal_basis,
                last_reviewed=doc.last_reviewed or m.last_reviewed,
                situations=doc.situations or m.situations,
                not_for=doc.not_for or m.not_for,
                route=doc.route or m.route,
                age=doc.age or m.age,
                always_tell=doc.always_tell or m.always_tell,
                general_for=doc.general_for or m.general_for,
                kind=m.kind,
            )
        out.append(doc)
    return out


def load_guide(*, pdf: list[Path] | None = None, markdown_dirs: tuple[Path, ...] = (),
               chapter_map: Path | None = None) -> Guide:
    """Load the guide.

    Args:
        pdf: PDF files to read instead of the Markdown; default from ``$LEVANGER_GUIDE_PDF``.
        markdown_dirs: Folders of Markdown files (default: the shipped corpus).
        chapter_map: For a PDF edition, the chapter map file (default ``$LEVANGER_EDITION_MAP`` or
            ``corpus/editions.yaml``; see :mod:`corpus.chapter_map`).

    Returns:
        A Guide; files that failed are listed in ``errors`` rather than raised.

    Raises:
        CorpusError: Nothing at all could be loaded, or the chapter map is broken.
    """
    if pdf is None and os.environ.get(PDF_ENV):
        pdf = [Path(p) for p in os.environ[PDF_ENV].split(os.pathsep) if p]
    md_docs, errors = load_markdown_dir(*markdown_dirs)
    if not markdown_dirs:
        md_docs = apply_page_map(md_docs)
    docs = md_docs
    reports: list[EditionReport] = []
    if pdf:
        from corpus.chapter_map import load_chapter_map
        from corpus.pdf import read_pdfs  # pypdf only when a PDF is used

        # the Markdown's aliases let the PDF loader find a service printed under an everyday name
        aliases = {d.service_id: d.aliases for d in md_docs}
        known = [e.service_id for e in load_catalogue()] + [default_schema().general_id]
        pdf_docs, pdf_errors, reports = read_pdfs(pdf, aliases=aliases,
                                                  chapter_map=load_chapter_map(chapter_map, known=known))
        docs, errors = _with_markdown_metadata(pdf_docs, md_docs), list(pdf_errors)
    if not docs:
        detail = "; ".join(str(e) for e in errors) or "no documents found"
        raise CorpusError(f"the guide could not be loaded: {detail}")
    return Guide(tuple(docs), tuple(errors), tuple(reports))


def validate(guide: Guide, catalogue: tuple[CatalogueEntry, ...] | None = None) -> list[str]:
    """Problems that make the guide unfit to serve; an empty list means it is complete.

    Checks that every catalogue id has a document with the catalogue title, that every service has a section
    for each of the schema's aspects (under any heading the schema knows, in any order), that no section is
    empty, that the front matter fields are filled in, and that every ``not_for`` points at a known service.
    Sections under unknown headings are not problems; :func:`unplaced_sections` lists them.
    """
    catalogue = catalogue or load_catalogue()
    schema = default_schema()
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
        present = {s.aspect for s in doc.sections}
        missing = [schema.heading_for(a) for a in schema.keys if a not in present]
        if missing:
            problems.append(f"{entry.service_id}: no section for {missing}")
        for name in ("category", "aliases", "responsible", "legal_basis", "last_reviewed"):
            if not getattr(doc, name):
                problems.append(f"{entry.service_id}: front matter lacks {name}")
        if doc.route is None:
            problems.append(f"{entry.service_id}: front matter lacks route")
        else:
            apply_text = " ".join(s.text for s in doc.sections_for("apply"))
            for sentence in (doc.route.sentence, doc.route.contact):
                if sentence and sentence not in apply_text:
                    problems.append(f"{entry.service_id}: route sentence {sentence[:50]!r}… is not in its "
                                    f"'{schema.heading_for('apply')}' section")
        empty = [s.heading for s in doc.sections if not s.text.strip()]
        if empty:
            problems.append(f"{entry.service_id}: empty sections {empty}")
    targets = known | {schema.general_id}
    for doc in guide.documents:
        if doc.kind == "service" and doc.service_id not in known:
            problems.append(f"{doc.service_id}: not in the service catalogue ({doc.source})")
        if doc.age is not None:
            if doc.age.younger not in known or doc.age.younger == doc.service_id:
                problems.append(f"{doc.service_id}: age limit points at {doc.age.younger!r}, not another known service")
            if doc.age.sentence not in " ".join(s.text for s in doc.sections):
                problems.append(f"{doc.service_id}: age sentence {doc.age.sentence[:50]!r}… is not in its text")
        for note in doc.not_for:
            if note.see not in targets:
                problems.append(f"{doc.service_id}: not_for {note.text!r} points at unknown service {note.see!r}")
            elif note.see == doc.service_id:
                problems.append(f"{doc.service_id}: not_for {note.text!r} points at the service itself")
    return problems


def unplaced_sections(guide: Guide) -> list[tuple[str, str]]:
    """(service_id, heading) of every service section whose heading the schema does not know (aspect "other").

    They are served and cited under their own heading; listing them tells the maintainer which synonym to add
    to ``corpus/schema.yaml``. The general document's headings are free and not listed.
    """
    return [(d.service_id, s.heading) for d in guide.documents if d.kind == "service"
            for s in d.sections if s.aspect == OTHER]


def word_count(doc: Document) -> int:
    """Words in a document's body."""
    return sum(len(s.text.split()) for s in doc.sections)
