"""The sources of an answer: each citation with its quote, a link to the PDF page and the section.

The PDF edition is served by Streamlit's static file serving (``server.enableStaticServing`` in
``.streamlit/config.toml``): Streamlit serves files from ``static/`` beside the app script at
``app/static/<name>``, with the type from the file name (``application/pdf``). It refuses symbolic links that
point out of that folder, so the PDF is copied there at start-up (``ui/static/`` is git-ignored and the copy
is refreshed when the source changes); nothing is committed twice. Citations from the Markdown carry the
page of the shipped PDF edition (``corpus/pages.json``); citations read from another PDF
(``LEVANGER_GUIDE_PDF``) carry that file's pages and link to that file.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

import streamlit as st

from assistant.types import Citation
from ui import texts
from ui.render import escape_markdown, quote_markdown

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
STATIC_URL = "app/static/"
REPO = Path(__file__).resolve().parents[1]
#: The PDF edition rendered from the Markdown (``make pdf``); the page numbers of Markdown citations refer to it.
DEFAULT_PDF = REPO / "corpus" / "pdf" / "levanger-tjenestebeskrivelser.pdf"


def publish(pdf: Path) -> str | None:
    """Copy ``pdf`` into the static folder (when missing or changed) and return its relative URL.

    Returns None when the file cannot be read or copied (the citation then shows no PDF link).
    """
    try:
        stat = pdf.stat()
        target = STATIC_DIR / pdf.name
        current = target.stat() if target.exists() else None
        if current is None or (current.st_size, int(current.st_mtime)) != (stat.st_size, int(stat.st_mtime)):
            STATIC_DIR.mkdir(exist_ok=True)
            # a temporary copy of its own: two apps (or sessions) starting at once must not share one
            tmp = target.with_name(f".{target.name}.{os.getpid()}-{threading.get_ident()}.tmp")
            shutil.copy2(pdf, tmp)
            os.replace(tmp, target)  # atomic: a request never sees half a file
    except OSError as exc:
        log.warning("the PDF edition could not be published: %s", exc.__class__.__name__)
        return None
    return STATIC_URL + pdf.name


@st.cache_data(show_spinner=False)
def _published(path: str, size: int, mtime: int) -> str | None:
    return publish(Path(path))


def pdf_url(c: Citation) -> str | None:
    """``app/static/<file>.pdf#page=N`` for a citation with a page, or None."""
    if not c.page:
        return None
    source = Path(c.source)
    if source.suffix.lower() == ".pdf":
        pdf = source if source.is_absolute() else REPO / source
    else:
        pdf = DEFAULT_PDF
    try:
        stat = pdf.stat()
    except OSError:
        return None
    url = _published(str(pdf), stat.st_size, int(stat.st_mtime))
    return f"{url}#page={int(c.page)}" if url else None


#: Session keys: the source (citation key prefix, number) the section view was opened from, and "coming back now".
OPENED_FROM = "source_opened_from"
RETURNING = "returning_to_source"


def _open_section(key: str, c: Citation, open_section: Callable[[str, str], None]) -> None:
    st.session_state[OPENED_FROM] = (key, c.n)
    open_section(c.service_id, c.section)


def opened_from_message() -> int | None:
    """The message number whose source opened the section view, when coming back to the chat now."""
    found = st.session_state.get(OPENED_FROM) if st.session_state.get(RETURNING) else None
    return int(str(found[0]).split("-")[0]) if found else None


def citation(c: Citation, *, key: str, open_section: Callable[[str, str], None]) -> None:
    """One citation as an expander: the quote, service, section and page, the section button and the PDF link.

    Args:
        c: The citation.
        key: Unique key prefix for the section button.
        open_section: Callback (service_id, section heading) that opens the browse view in this tab.
    """
    page = f", side {c.page}" if c.page else ""
    # back from the section view, the source it was opened from is open again (and stays so: a later change of
    # ``expanded`` would close it under the user)
    reopen = st.session_state.get(OPENED_FROM) == (key, c.n)
    with st.expander(escape_markdown(f"[{c.n}] {c.title} – {c.section}{page}"), expanded=reopen):
        st.markdown(quote_markdown(c.quote))
        st.markdown(
            f"**Tjeneste:** {escape_markdown(c.title)}  \n"
            f"**Del:** {escape_markdown(c.section)}  \n"
            f"**{texts.PAGE}:** {c.page if c.page else texts.NO_PAGE}"
        )
        # the section view first (it reads well on a phone); the PDF page beside it, for a desktop
        with st.container(horizontal=True, vertical_alignment="center", gap="small", key=f"links-{key}-{c.n}"):
            st.button(escape_markdown(texts.OPEN_SECTION.format(section=c.section)), key=f"open-{key}-{c.n}",
                      type="tertiary", icon=":material/article:", on_click=_open_section,
                      args=(key, c, open_section))
            url = pdf_url(c)
            if url:
                st.markdown(f"[{escape_markdown(texts.OPEN_PDF.format(page=c.page))}]({url})")


def citations(cs: tuple[Citation, ...] | list[Citation], *, key: str,
              open_section: Callable[[str, str], None]) -> None:
    """Several citations in order."""
    for c in cs:
        citation(c, key=key, open_section=open_section)
