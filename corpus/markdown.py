"""Load service descriptions from Markdown files with YAML front matter."""

from __future__ import annotations

from pathlib import Path

from corpus.model import ROUTE_KINDS, AgeLimit, Document, DocumentError, NotFor, Route, Section
from corpus.paths import display_path
from corpus.text import clean_paragraphs, nfc

SERVICES_DIR = Path(__file__).with_name("services")
GENERAL_DIR = Path(__file__).with_name("general")


def _as_tuple(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, (list, tuple)):
        return tuple(str(v) for v in value)
    raise TypeError(f"expected a list of strings, got {type(value).__name__}")


def _not_for(value: object) -> tuple[NotFor, ...]:
    """``not_for: [{text: ..., see: service_id}, ...]`` from the front matter."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise TypeError(f"not_for: expected a list of {{text, see}}, got {type(value).__name__}")
    out = []
    for item in value:
        if not (isinstance(item, dict) and str(item.get("text") or "").strip() and str(item.get("see") or "").strip()):
            raise TypeError(f"not_for: every entry needs 'text' and 'see', got {item!r}")
        out.append(NotFor(nfc(str(item["text"]).strip()), str(item["see"]).strip()))
    return tuple(out)


def _route(value: object) -> Route | None:
    """``route: {kind, sentence, contact?}`` from the front matter."""
    if value is None:
        return None
    if not (isinstance(value, dict) and str(value.get("sentence") or "").strip()):
        raise TypeError(f"route: expected {{kind, sentence, contact?}}, got {value!r}")
    kind = str(value.get("kind", "")).strip()
    if kind not in ROUTE_KINDS:
        raise TypeError(f"route: kind must be one of {', '.join(ROUTE_KINDS)}, not {kind!r}")
    return Route(kind, nfc(str(value["sentence"]).strip()), nfc(str(value.get("contact") or "").strip()))


def _age(value: object) -> AgeLimit | None:
    """``age: {from, younger, sentence}`` from the front matter."""
    if value is None:
        return None
    if not (isinstance(value, dict) and isinstance(value.get("from"), int) and str(value.get("younger") or "").strip()
            and str(value.get("sentence") or "").strip()):
        raise TypeError(f"age: expected {{from: <years>, younger: <service_id>, sentence}}, got {value!r}")
    return AgeLimit(int(value["from"]), str(value["younger"]).strip(), nfc(str(value["sentence"]).strip()))


def parse_markdown(text: str, *, source: str) -> Document:
    """Parse one service description.

    Args:
        text: The whole file: ``---`` front matter, then ``## `` sections.
        source: The path to record on the document and in error messages.

    Raises:
        DocumentError: The front matter is missing or invalid, or there are no sections.
    """
    import yaml  # lazy: only loaders need it

    text = nfc(text.lstrip("\ufeff"))
    if not text.startswith("---"):
        raise DocumentError(source, "missing YAML front matter (the file must start with ---)")
    try:
        _, front, body = text.split("---", 2)
        meta = yaml.safe_load(front) or {}
    except (ValueError, yaml.YAMLError) as exc:
        raise DocumentError(source, f"invalid front matter: {exc}") from exc
    if not isinstance(meta, dict) or not meta.get("service_id") or not meta.get("title"):
        raise DocumentError(source, "front matter needs service_id and title")

    sections: list[Section] = []
    heading: str | None = None
    lines: list[str] = []
    for line in body.splitlines():
        if line.startswith("## "):
            if heading is not None:
                sections.append(Section(heading, clean_paragraphs("\n".join(lines))))
            heading, lines = line[3:].strip(), []
        elif heading is not None:
            lines.append(line)
    if heading is not None:
        sections.append(Section(heading, clean_paragraphs("\n".join(lines))))
    if not sections:
        raise DocumentError(source, "no '## ' sections found")

    try:
        return Document(
            service_id=str(meta["service_id"]).strip(),
            title=str(meta["title"]).strip(),
            sections=tuple(sections),
            source=source,
            category=str(meta.get("category", "")).strip(),
            aliases=_as_tuple(meta.get("aliases")),
            search_terms=_as_tuple(meta.get("search_terms")),
            responsible=str(meta.get("responsible", "")).strip(),
            legal_basis=_as_tuple(meta.get("legal_basis")),
            last_reviewed=str(meta.get("last_reviewed", "")),
            kind=str(meta.get("kind", "service")),
            situations=tuple(nfc(s).strip() for s in _as_tuple(meta.get("situations"))),
            not_for=_not_for(meta.get("not_for")),
            route=_route(meta.get("route")),
            age=_age(meta.get("age")),
            always_tell=_as_tuple(meta.get("always_tell")),
            general_for=_as_tuple(meta.get("general_for")),
        )
    except TypeError as exc:
        raise DocumentError(source, f"invalid front matter: {exc}") from exc


def load_markdown(path: Path) -> Document:
    """Read and parse one Markdown file.

    Raises:
        DocumentError: The file cannot be read or parsed; the message names the file.
    """
    source = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DocumentError(source, f"cannot read: {exc}") from exc
    return parse_markdown(text, source=source)


def load_markdown_dir(*dirs: Path) -> tuple[list[Document], list[DocumentError]]:
    """Load every ``*.md`` file in the given folders (default: general and services).

    Returns:
        The documents, sorted by service_id, and one error per file that could not be loaded,
        so that one broken file does not take the rest down.
    """
    dirs = dirs or (GENERAL_DIR, SERVICES_DIR)
    docs: list[Document] = []
    errors: list[DocumentError] = []
    for folder in dirs:
        for path in sorted(Path(folder).glob("*.md")):
            try:
                docs.append(load_markdown(path))
            except DocumentError as exc:
                errors.append(exc)
    docs.sort(key=lambda d: (d.kind != "general", d.service_id))
    return docs, errors
