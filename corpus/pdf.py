"""Load service descriptions from a PDF guide (text layer only, no OCR).

The guide may be our own rendering (``tools/render_pdf.py``), the municipality's official PDF or another
edition in another layout. This module reads the text layer, page by page, within size and time bounds;
:mod:`corpus.layout` then finds services, headings and page furniture in the lines, whatever the layout.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path

from pypdf import PasswordType, PdfReader

from corpus.catalogue import load_catalogue
from corpus.chapter_map import ChapterMap, load_chapter_map
from corpus.layout import norm_line as _norm
from corpus.layout import parse_pages
from corpus.model import CorpusError, Document, DocumentError
from corpus.pdf_limits import (
    Deadline,
    RateLimitedPypdfWarnings,
    check_object_count,
    default_max_bytes,
    read_pdf_bytes,
)
from corpus.report import EditionReport
from corpus.schema import default_schema
from corpus.similarity import ChapterScorer
#: Largest decoded drawing-command stream of one page that is read (the committed guide's largest is ~10 kB).
#: Extraction time and memory grow with it and cannot be interrupted inside a page, so ``timeout_s`` alone
#: does not bound one huge page; such a page is refused before extraction instead.
MAX_PAGE_BYTES = 2_000_000


def catalogue_titles() -> dict[str, str]:
    """Return service_id -> title from the shared catalogue (see corpus.catalogue).

    Raises:
        CorpusError: The catalogue cannot be read.
    """
    return {e.service_id: _norm(e.title) for e in load_catalogue()}


def catalogue_descriptions() -> dict[str, str]:
    """Return service_id -> what the service covers (the catalogue's ``scope`` column).

    Raises:
        CorpusError: The catalogue cannot be read.
    """
    return {e.service_id: e.scope for e in load_catalogue()}


def _content_size(page) -> int:
    """Decoded size of a page's content stream(s), measured without parsing them."""
    contents = page.get("/Contents")
    if contents is None:
        return 0
    contents = contents.get_object()
    streams = contents if isinstance(contents, list) else [contents]
    return sum(len(s.get_object().get_data()) for s in streams)


def _read_pages(path: str, max_pages: int, timeout_s: float,
                max_page_bytes: int = MAX_PAGE_BYTES, max_bytes: int | None = None) -> list[list[str]]:
    """Return the normalised text lines of every page; "" marks a vertical gap."""
    data = read_pdf_bytes(path, max_bytes=default_max_bytes() if max_bytes is None else max_bytes)
    if not data.strip():
        raise DocumentError(path, "the file is empty")
    if not data.lstrip()[:5] == b"%PDF-":
        raise DocumentError(path, "not a PDF file (no %PDF header)")
    # pypdf silently repairs a cut-off file and returns part of it; refuse instead.
    if b"%%EOF" not in data[-4096:]:
        raise DocumentError(path, "the PDF is truncated or broken (no end-of-file marker)")
    check_object_count(path, data)
    deadline = Deadline(path, timeout_s)  # from before parsing: opening a huge cross-reference table counts
    with RateLimitedPypdfWarnings(path):
        return _extract(path, data, max_pages, max_page_bytes, deadline)


def _extract(path: str, data: bytes, max_pages: int, max_page_bytes: int, deadline: Deadline) -> list[list[str]]:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise DocumentError(path, "the PDF is encrypted and needs a password")
        n_pages = len(reader.pages)
    except DocumentError:
        raise
    except Exception as exc:  # pypdf raises many types for broken or encrypted files
        kind = "encrypted PDF cannot be opened" if "crypt" in str(exc).lower() else "broken PDF"
        raise DocumentError(path, f"{kind} ({type(exc).__name__}: {exc})") from exc
    if n_pages == 0:
        raise DocumentError(path, "the PDF has no pages")
    if n_pages > max_pages:
        raise DocumentError(path, f"the PDF has {n_pages} pages; the limit is {max_pages}")
    deadline.check(f"opening it, before page 1 of {n_pages}")
    pages: list[list[str]] = []
    for number, page in enumerate(reader.pages, start=1):
        try:
            size = _content_size(page)
        except Exception as exc:  # noqa: BLE001 - a broken stream, or one past pypdf's decompression limit
            raise DocumentError(path, f"cannot read page {number} ({type(exc).__name__}: {exc})") from exc
        if size > max_page_bytes:
            raise DocumentError(path, f"page {number} has {size / 1e6:.1f} MB of drawing commands; "
                                      f"the limit is {max_page_bytes / 1e6:g} MB")
        try:
            # Layout mode turns paragraph spacing into blank lines; plain mode is the fallback.
            try:
                raw = page.extract_text(extraction_mode="layout")
            except Exception:  # noqa: BLE001 - layout mode fails on some odd fonts
                raw = page.extract_text()
        except Exception as exc:
            raise DocumentError(path, f"cannot extract text from page {number} ({exc})") from exc
        pages.append([_norm(line) for line in (raw or "").splitlines()])
        deadline.check(f"text extraction stopped at page {number} of {n_pages}")
    if not any(line for lines in pages for line in lines):
        raise DocumentError(path, "the PDF has no text layer (image-only or scanned; "
                                  "OCR is not supported)")
    return pages


def load_pdf(path: str | Path, *, catalogue: dict[str, str] | None = None,
             max_pages: int = 500, timeout_s: float = 60.0,
             max_page_bytes: int = MAX_PAGE_BYTES, max_bytes: int | None = None,
             aliases: Mapping[str, tuple[str, ...]] | None = None) -> list[Document]:
    """Load every service description found in a PDF guide.

    Args:
        path: The PDF file.
        catalogue: Mapping service_id -> title; default: the shared service catalogue.
        max_pages: Refuse files with more pages than this.
        timeout_s: Give up when text extraction takes longer than this many seconds (checked after each
            page; ``max_page_bytes`` bounds the time one page can take).
        max_page_bytes: Refuse a page whose decoded content stream is larger than this.
        max_bytes: Refuse a larger file before reading it; default ``$LEVANGER_PDF_MAX_MB`` (50 MB).
        aliases: service_id -> everyday names, to find services printed under another title.

    Returns:
        One Document per service (and the general document) in the order they appear.

    Raises:
        DocumentError: The file is empty, broken, encrypted, image-only, too long, has an
            oversized page, is too slow to read, or contains no known service.
    """
    return read_pdf(path, catalogue=catalogue, max_pages=max_pages, timeout_s=timeout_s,
                    max_page_bytes=max_page_bytes, max_bytes=max_bytes, aliases=aliases)[0]


def read_pdf(path: str | Path, *, catalogue: dict[str, str] | None = None,
             max_pages: int = 500, timeout_s: float = 60.0,
             max_page_bytes: int = MAX_PAGE_BYTES, max_bytes: int | None = None,
             aliases: Mapping[str, tuple[str, ...]] | None = None,
             descriptions: Mapping[str, str] | None = None, chapter_map: ChapterMap | None = None,
             scorer: ChapterScorer | None = None) -> tuple[list[Document], EditionReport]:
    """Like :func:`load_pdf`, and also return what was mapped and what could not be placed.

    Args:
        descriptions: service_id -> what it covers, for chapters matched by meaning; default: the catalogue's
            scope column (with the default catalogue).
        chapter_map: Chapter titles whose service is given (default: :func:`corpus.chapter_map.load_chapter_map`).
        scorer: How alike a chapter and a service are (default: character n-gram TF-IDF).
        Others: as :func:`load_pdf`.

    Raises:
        DocumentError: As :func:`load_pdf`, or the default chapter map is broken.
    """
    source = str(path)
    try:
        if catalogue is None:
            catalogue = catalogue_titles()
            descriptions = catalogue_descriptions() if descriptions is None else descriptions
        if chapter_map is None:
            chapter_map = load_chapter_map(known=[*catalogue, default_schema().general_id])
    except CorpusError as exc:
        raise DocumentError(source, f"service catalogue or chapter map not available ({exc})") from exc
    pages = _read_pages(source, max_pages, timeout_s, max_page_bytes, max_bytes)
    docs, report = parse_pages(pages, source=source, catalogue=catalogue, aliases=aliases or {},
                               schema=default_schema(), descriptions=descriptions, chapter_map=chapter_map,
                               scorer=scorer)
    if not docs:
        raise DocumentError(source, "no known service title followed by a section heading")
    return docs, report


def read_pdfs(paths: list[str | Path], *, catalogue: dict[str, str] | None = None,
              aliases: Mapping[str, tuple[str, ...]] | None = None, chapter_map: ChapterMap | None = None,
              **options: float) -> tuple[list[Document], list[DocumentError], list[EditionReport]]:
    """Load several PDFs, collecting per-file errors so one bad file does not stop the rest.

    Args:
        paths: PDF files to load.
        catalogue: Mapping service_id -> title; default: the shared service catalogue.
        aliases: service_id -> everyday names (see :func:`load_pdf`).
        chapter_map: Chapter titles whose service is given (see :func:`read_pdf`).
        **options: ``max_pages``, ``timeout_s`` and ``max_page_bytes``, passed on to read_pdf.

    Returns:
        All documents loaded, one DocumentError per file that failed, one report per file that loaded.
    """
    docs: list[Document] = []
    errors: list[DocumentError] = []
    reports: list[EditionReport] = []
    for path in paths:
        try:
            found, report = read_pdf(path, catalogue=catalogue, aliases=aliases,  # type: ignore[arg-type]
                                     chapter_map=chapter_map, **options)
        except DocumentError as exc:
            errors.append(exc)
            continue
        docs.extend(found)
        reports.append(report)
    return docs, errors, reports


def load_pdfs(paths: list[str | Path], *, catalogue: dict[str, str] | None = None,
              **options: float) -> tuple[list[Document], list[DocumentError]]:
    """Load several PDFs (see :func:`read_pdfs`), without the reports.

    Returns:
        All documents loaded, and one DocumentError per file that failed.
    """
    docs, errors, _ = read_pdfs(paths, catalogue=catalogue, **options)
    return docs, errors
