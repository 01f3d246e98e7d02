"""Page numbers of the PDF edition for the Markdown sections, so citations can say "side 23".

``corpus/pdf/pages.json`` is written next to the PDF when it is rendered. It records, per section, the page
the PDF loader finds and a hash of the section's text; a Markdown section gets the page only while its text
still hashes the same, so an edited section never points at a stale page.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from pathlib import Path

from corpus.model import Document

PAGE_MAP = Path(__file__).with_name("pdf") / "pages.json"


def section_hash(text: str) -> str:
    """Hash of a section's words, insensitive to line breaks and bullet glyphs."""
    words = re.sub(r"[•\-]\s", " ", text).split()
    return hashlib.sha256(" ".join(words).encode()).hexdigest()[:16]


def build_page_map(pdf_path: Path) -> dict:
    """Read the PDF with the PDF loader and record each section's page and text hash."""
    from corpus.pdf import load_pdf

    sections: dict[str, dict[str, dict[str, object]]] = {}
    for doc in load_pdf(pdf_path):
        sections[doc.service_id] = {s.heading: {"page": s.page, "hash": section_hash(s.text)} for s in doc.sections}
    return {"pdf": pdf_path.name, "sections": sections}


def write_page_map(pdf_path: Path, out: Path = PAGE_MAP) -> None:
    """Write ``pages.json`` for a rendered PDF."""
    out.write_text(json.dumps(build_page_map(pdf_path), ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                   encoding="utf-8")


def apply_page_map(docs: list[Document], path: Path = PAGE_MAP) -> list[Document]:
    """Give Markdown sections the PDF page where their (unchanged) text stands; others keep ``None``."""
    try:
        sections = json.loads(path.read_text(encoding="utf-8"))["sections"]
    except (OSError, ValueError, KeyError):
        return docs
    out = []
    for doc in docs:
        known = sections.get(doc.service_id, {})
        new_sections = []
        for s in doc.sections:
            entry = known.get(s.heading)
            ok = entry and entry.get("hash") == section_hash(s.text) and isinstance(entry.get("page"), int)
            new_sections.append(dataclasses.replace(s, page=entry["page"]) if ok else s)
        out.append(dataclasses.replace(doc, sections=tuple(new_sections)))
    return out
