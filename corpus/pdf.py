"""Load service descriptions from a PDF guide (text layer only, no OCR).

The guide may be our own rendering (``corpus/render_pdf.py``) or the municipality's official
PDF, so the loader relies on what both share: service titles from the catalogue and the fixed
section headings. Page furniture (running headers, "Side N av M") is removed, words hyphenated
at line ends are joined, and paragraphs are rebuilt from vertical gaps.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections import Counter
from pathlib import Path

from pypdf import PasswordType, PdfReader

from corpus.catalogue import load_catalogue
from corpus.model import SECTION_HEADINGS, CorpusError, Document, DocumentError, Section
from corpus.pdf_limits import (
    Deadline,
    RateLimitedPypdfWarnings,
    check_object_count,
    default_max_bytes,
    read_pdf_bytes,
)

GENERAL_ID = "tildeling"
GENERAL_TITLE = "Slik tildeles helse- og omsorgstjenester"
GENERAL_HEADINGS: tuple[str, ...] = (
    "Individuell vurdering", "Laveste effektive omsorgsnivå (LEON)",
    "Omsorgstrappen – fra egenmestring til heldøgns omsorg",
    "Hva du kan forvente av kommunen", "Kontakt",
)
#: Heading for text between a title and its first known heading (official PDFs may have one).
INTRO_HEADING = "Innledning"

_LIGATURES = str.maketrans({"ﬁ": "fi", "ﬂ": "fl", "ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl",
                            "\u2010": "-", "\u2011": "-"})
_PAGE_NO = re.compile(r"^(?:side\s*)?\d{1,4}(?:\s*(?:av|/|of)\s*\d{1,4})?$", re.I)
_TOC_ENTRY = re.compile(r"^(.*?\S)\s*(?:\.\s*){2,}\s*(\d{1,4})$|^(.*?\S)\s*…+\s*(\d{1,4})$")
_BULLET = re.compile(r"^[•●▪◦‣∙·*-]\s+")
_SUSPENDED_NEXT = {"og", "eller", "and", "or"}
_SENTENCE_END = (".", "!", "?", ":", ";")
#: Largest decoded drawing-command stream of one page that is read (the committed guide's largest is ~10 kB).
#: Extraction time and memory grow with it and cannot be interrupted inside a page, so ``timeout_s`` alone
#: does not bound one huge page; such a page is refused before extraction instead.
MAX_PAGE_BYTES = 2_000_000


def _norm(text: str) -> str:
    text = " ".join(unicodedata.normalize("NFC", text.translate(_LIGATURES)).split())
    # A soft hyphen only matters at the line end, where it marks a hyphenation break.
    return text.replace("\u00ad", "") + ("\u00ad" if text.endswith("\u00ad") else "")


def _key(text: str) -> str:
    # Match titles and headings loosely: another PDF may use "-" for "–" or add a colon.
    return re.sub(r"\s*[-–—]\s*", " – ", _norm(text)).rstrip(":").casefold()


def catalogue_titles() -> dict[str, str]:
    """Return service_id -> title from the shared catalogue (see corpus.catalogue).

    Raises:
        CorpusError: The catalogue cannot be read.
    """
    return {e.service_id: _norm(e.title) for e in load_catalogue()}


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


def _strip_furniture(pages: list[list[str]], keep: set[str]) -> list[list[str]]:
    """Remove page numbers and lines that repeat at the top or bottom of most pages."""
    def key(line: str) -> str:
        return re.sub(r"\d+", "#", line)

    edges: Counter[str] = Counter()
    for lines in pages:
        content = [ln for ln in lines if ln]
        edges.update({key(ln) for ln in content[:2] + content[-2:]})
    threshold = max(3, len(pages) // 2)
    repeated = {k for k, n in edges.items() if n >= threshold}
    out = []
    for lines in pages:
        # Only the top and bottom lines are candidates: a lone "113" mid-page is content.
        idx = [i for i, ln in enumerate(lines) if ln]
        edge = set(idx[:2] + idx[-2:])
        kept = [ln for i, ln in enumerate(lines) if i not in edge or _key(ln) in keep
                or not (_PAGE_NO.match(ln) or key(ln) in repeated)]
        out.append("\n".join(kept).strip("\n").split("\n") if any(kept) else [])
    return out


def _collapse_gaps(pages: list[list[str]]) -> list[list[str]]:
    """Keep one "" only where the gap between lines is wider than the usual line spacing.

    Layout extraction turns vertical space into blank lines; with generous line spacing
    even lines of one paragraph are separated by one, so the commonest run is the baseline.
    """
    paired: list[list[tuple[int, str]]] = []  # per page: (blank lines before, line)
    for lines in pages:
        paired.append([])
        run = 0
        for line in lines:
            if line:
                paired[-1].append((run, line))
            run = 0 if line else run + 1
    counts = Counter(run for page in paired for run, _ in page[1:])
    baseline = counts.most_common(1)[0][0] if counts else 0
    return [[out for i, (run, line) in enumerate(page)
             for out in ([""] if i and run > baseline else []) + [line]] for page in paired]


def _join(left: str, right: str) -> str:
    """Join two lines of one paragraph, undoing hyphenation at the line end."""
    if left.endswith("\u00ad"):
        return left[:-1] + right
    if left.endswith("-") and len(left) > 1 and left[-2].isalpha():
        word = left.split()[-1][:-1]
        nxt = right.split()[0].lower() if right.split() else ""
        if nxt.strip(",") in _SUSPENDED_NEXT or right.startswith(","):
            return left + " " + right  # "helse- og omsorgstjenester"
        # Acronyms and one-letter prefixes ("TT-kort", "e-post") keep their real hyphen.
        if right[:1].islower() and not (word.isupper() or len(word) <= 1):
            return left[:-1] + right  # "omsorgs-" + "tjenester"
        return left + right  # "TT-" + "kortet": the hyphen is part of the word
    if left.endswith("-") and left[-2:-1].isdigit():
        return left + right  # "§ 3-" + "2"
    return left + " " + right


def _paragraphs(lines: list[tuple[int, str]]) -> str:
    """Rebuild paragraphs and "- " bullets from (page, line) pairs; "" lines are gaps."""
    items: list[tuple[bool, str]] = []  # (is_bullet, text)
    open_item = False
    prev_page = None
    for page, line in lines:
        if not line:
            open_item = False
            continue
        bullet = _BULLET.match(line)
        if open_item and prev_page is not None and page != prev_page:
            last = items[-1][1]
            # A paragraph runs on over a page break unless it visibly ended on the last page.
            open_item = not last.endswith(_SENTENCE_END) or line[:1].islower()
        if bullet:
            items.append((True, line[bullet.end():]))
        elif open_item:
            items[-1] = (items[-1][0], _join(items[-1][1], line))
        else:
            items.append((False, line))
        open_item, prev_page = True, page
    parts: list[str] = []
    for i, (is_bullet, text) in enumerate(items):
        text = text.replace("\u00ad", "").strip()
        if i:
            prev_bullet, prev_text = items[i - 1]
            tight = is_bullet and (prev_bullet or prev_text.rstrip().endswith(":"))
            parts.append("\n" if tight else "\n\n")
        parts.append(f"- {text}" if is_bullet else text)
    return "".join(parts)


def _toc_categories(lines: list[str], titles: dict[str, str]) -> dict[str, str]:
    """Map service ids to the group heading they are listed under in the table of contents."""
    result: dict[str, str] = {}
    group = ""
    for line in lines:
        match = _TOC_ENTRY.match(line)
        if match:
            title = _key(match.group(1) or match.group(3))
            if title in titles:
                result[titles[title]] = group
        elif line and len(line) < 80 and not line[-1].isdigit():
            group = line
    return result


def load_pdf(path: str | Path, *, catalogue: dict[str, str] | None = None,
             max_pages: int = 500, timeout_s: float = 60.0,
             max_page_bytes: int = MAX_PAGE_BYTES, max_bytes: int | None = None) -> list[Document]:
    """Load every service description found in a PDF guide.

    Args:
        path: The PDF file.
        catalogue: Mapping service_id -> title; default: the shared service catalogue.
        max_pages: Refuse files with more pages than this.
        timeout_s: Give up when reading takes longer than this many seconds, counted from before pypdf
            opens the file (checked after opening and after each page; ``max_page_bytes`` bounds the time
            one page can take, ``corpus.pdf_limits.MAX_OBJECTS`` the time opening can take).
        max_page_bytes: Refuse a page whose decoded content stream is larger than this.
        max_bytes: Refuse a larger file before reading it; default ``$LEVANGER_PDF_MAX_MB`` (50 MB).

    Returns:
        One Document per service (and the general document) in the order they appear.

    Raises:
        DocumentError: The file is not a regular file, too large, empty, broken, encrypted, image-only,
            too long, has an oversized page, is too slow to read, or contains no known service.
    """
    source = str(path)
    if catalogue is None:
        try:
            catalogue = catalogue_titles()
        except CorpusError as exc:
            raise DocumentError(source, f"service catalogue not available ({exc})") from exc
    titles = {_key(t): sid for sid, t in catalogue.items()}
    titles.setdefault(_key(GENERAL_TITLE), GENERAL_ID)
    headings = {_key(h): h for h in SECTION_HEADINGS + GENERAL_HEADINGS}

    pages = _read_pages(source, max_pages, timeout_s, max_page_bytes, max_bytes)
    pages = _collapse_gaps(_strip_furniture(pages, set(titles) | set(headings)))
    flat = [(n, line) for n, lines in enumerate(pages, start=1) for line in lines]
    keys = [_key(line) for _, line in flat]
    heading_at = [k in headings for k in keys]

    # Candidate title lines (a long title may wrap onto two lines).
    cands: list[tuple[int, int, str]] = []  # (first index, index after title, id)
    for i, (_, line) in enumerate(flat):
        if not line or (i and flat[i - 1][1] and flat[i - 1][0] == flat[i][0]):
            continue  # a title starts a page or follows a gap, never mid-paragraph
        two = _key(f"{line} {flat[i + 1][1]}") if i + 1 < len(flat) else ""
        if keys[i] in titles:
            cands.append((i, i + 1, titles[keys[i]]))
        elif two in titles:
            cands.append((i, i + 2, titles[two]))
    # A real start is followed by a section heading before the next title; this skips the
    # cover and the table of contents.
    starts = [c for k, c in enumerate(cands)
              if any(heading_at[c[1]:cands[k + 1][0] if k + 1 < len(cands) else len(flat)])]
    if not starts:
        raise DocumentError(source, "no known service title followed by a section heading")

    categories = _toc_categories([ln for _, ln in flat[:starts[0][0]]], titles)
    docs: list[Document] = []
    for k, (first, body_start, sid) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(flat)
        sections: list[Section] = []
        heading, page, body = INTRO_HEADING, flat[first][0], []
        for n, line in flat[body_start:end] + [(0, "\0end")]:
            if _key(line) in headings or line == "\0end":
                text = _paragraphs(body)
                if text or heading != INTRO_HEADING:
                    sections.append(Section(heading, unicodedata.normalize("NFC", text), page))
                heading, page, body = headings.get(_key(line), ""), n, []
            else:
                body.append((n, line))
        used = [n for n, line in flat[first:end] if line]
        docs.append(Document(
            service_id=sid, title=_norm(catalogue.get(sid, GENERAL_TITLE)),
            sections=tuple(sections), source=source, category=categories.get(sid, ""),
            kind="general" if sid == GENERAL_ID else "service",
            pages=tuple(range(min(used), max(used) + 1))))
    return docs


def load_pdfs(paths: list[str | Path], *, catalogue: dict[str, str] | None = None,
              **options: float) -> tuple[list[Document], list[DocumentError]]:
    """Load several PDFs, collecting per-file errors so one bad file does not stop the rest.

    Args:
        paths: PDF files to load.
        catalogue: Mapping service_id -> title; default: the shared service catalogue.
        **options: ``max_pages``, ``timeout_s``, ``max_page_bytes`` and ``max_bytes``, passed on to load_pdf.

    Returns:
        All documents loaded, and one DocumentError per file that failed.
    """
    docs: list[Document] = []
    errors: list[DocumentError] = []
    for path in paths:
        try:
            docs.extend(load_pdf(path, catalogue=catalogue, **options))  # type: ignore[arg-type]
        except DocumentError as exc:
            errors.append(exc)
    return docs, errors
