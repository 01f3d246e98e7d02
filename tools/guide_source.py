"""The Markdown corpus as the PDF renderer reads it: a deliberately tiny parser and the guide's order.

The parser is independent of the main loader (``corpus/markdown.py``), so a bug in one cannot hide a bug
in the other. :func:`collect_documents` gives ``tools.render_pdf`` the general document(s) and the services
in the order the printed guide shows them.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from corpus.paths import REPO_ROOT

CORPUS_DIR = REPO_ROOT / "corpus"

#: Category order of the guide (STYLE.md); unknown categories sort after these.
CATEGORY_ORDER: tuple[str, ...] = (
    "Søknad, vedtak og betaling", "Hjelp i hjemmet", "Hjelpemidler og rehabilitering",
    "Pårørende, avlastning og aktivitet", "Bolig og institusjon", "Helse for alle aldre",
    "Transport og tilrettelegging", "NAV – økonomi, bolig og arbeid",
)


@dataclass
class MdDoc:
    """One Markdown file as the renderer needs it."""

    path: Path
    service_id: str
    title: str
    category: str
    kind: str
    sections: list[tuple[str, str]] = field(default_factory=list)


def parse_markdown(path: Path) -> MdDoc:
    """Parse a corpus file into front matter and `##` sections.

    Args:
        path: A Markdown file with YAML front matter.

    Returns:
        The parsed document.

    Raises:
        ValueError: If the front matter is missing or has no title.
    """
    text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
    match = re.match(r"^---\n(.*?)\n---[ \t]*\n(.*)$", text, re.S)
    if not match:
        raise ValueError("no YAML front matter")
    meta = yaml.safe_load(match.group(1)) or {}
    if not isinstance(meta, dict) or not str(meta.get("title") or "").strip():
        raise ValueError("front matter has no title")
    doc = MdDoc(path=path, service_id=str(meta.get("service_id") or path.stem),
                title=" ".join(str(meta["title"]).split()),
                category=str(meta.get("category") or ""), kind=str(meta.get("kind") or "service"))
    heading: str | None = None
    body: list[str] = []
    for line in match.group(2).split("\n"):
        if line.startswith("## "):
            if heading is not None:
                doc.sections.append((heading, "\n".join(body).strip()))
            heading, body = line[3:].strip(), []
        elif heading is not None:
            body.append(line)
    if heading is not None:
        doc.sections.append((heading, "\n".join(body).strip()))
    return doc


def _nb_key(text: str) -> str:
    # Norwegian alphabet order: æ, ø, å come after z (code points would put å first).
    return text.casefold().translate(str.maketrans({"æ": "{", "ø": "|", "å": "}"}))


def collect_documents(corpus_dir: Path = CORPUS_DIR) -> list[MdDoc]:
    """Load the general document(s) and the services in guide order.

    Files that cannot be parsed are skipped with a warning: colleagues may be half-way
    through writing one, and that should not stop the rest of the guide from rendering.

    Args:
        corpus_dir: Directory holding ``general/`` and ``services/``.

    Returns:
        General documents first, then services by category order and title.
    """
    docs: list[MdDoc] = []
    for sub in ("general", "services"):
        for path in sorted((corpus_dir / sub).glob("*.md")):
            try:
                doc = parse_markdown(path)
            except (OSError, ValueError, yaml.YAMLError) as exc:
                print(f"warning: skipping {path}: {exc}", file=sys.stderr)
                continue
            if sub == "general":
                doc.kind = "general"
            if not doc.sections:
                print(f"warning: skipping {path}: no ## sections", file=sys.stderr)
                continue
            docs.append(doc)

    def key(d: MdDoc) -> tuple[int, int, str]:
        if d.kind == "general":
            return (0, 0, _nb_key(d.title))
        rank = CATEGORY_ORDER.index(d.category) if d.category in CATEGORY_ORDER else 99
        return (1, rank, _nb_key(d.category) + "\0" + _nb_key(d.title))

    return sorted(docs, key=key)
