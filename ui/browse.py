"""The browse view: every service by category or A–Å, a filter, and each service's sections with anchors.

The filter matches titles, categories and aliases, then the service texts through the assistant's own lexical
(BM25) index and the needs each service is described for, so "støttestrømper" finds hjemmesykepleie; it applies as the user types (a
small script in :mod:`ui.a11y` commits the box after a pause). No match offers to ask the assistant instead.
On a phone, an open service hides the list (``.st-key-browse-list-open``) and offers "Tilbake til listen".

A section is addressed as ``?tjeneste=<service_id>&seksjon=<section-slug>#<section-slug>`` (the "Lenke til
denne delen" links, to copy and share). From the chat, a citation's button opens the same address in this tab
(:func:`open_section`), so the conversation is still there when the user goes back. A tap in the list scrolls
to the service's text, which on a phone stands below the list.
"""

from __future__ import annotations

import streamlit as st

from assistant.core import Assistant
from corpus.model import Document
from ui import sources, texts
from ui.render import (
    SECTION_PARAM,
    SERVICE_PARAM,
    body_markdown,
    escape_markdown,
    nb_sort_key,
    section_anchor,
    section_link,
)


def linked_service(bot: Assistant) -> Document | None:
    """The service named in the URL (``?tjeneste=``), if it exists."""
    sid = st.query_params.get(SERVICE_PARAM)
    return bot.document(sid) if sid else None


def linked_anchor(doc: Document | None) -> str | None:
    """The anchor to scroll to: the section from the URL (``?seksjon=``) when it names a section of ``doc``,
    else the service's heading right after a tap in the list, else None."""
    tapped = st.session_state.pop("browse_tapped", False)
    if doc is None:
        return None
    wanted = st.query_params.get(SECTION_PARAM)
    anchors = {section_anchor(s.heading) for s in doc.sections}
    if wanted and wanted in anchors:
        return wanted
    return service_anchor(doc.service_id) if tapped else None


def service_anchor(service_id: str) -> str:
    """The anchor of a service's heading in the browse view."""
    return section_anchor("tjeneste " + service_id)


def _open(service_id: str) -> None:
    # the URL is the state of this view, so the address bar can be copied and shared
    st.query_params.clear()
    st.query_params[SERVICE_PARAM] = service_id
    st.session_state["browse_tapped"] = True


def open_section(service_id: str, heading: str) -> None:
    """Open a service at a section in the browse view, in this tab (a widget callback)."""
    st.query_params.clear()
    st.query_params[SERVICE_PARAM] = service_id
    st.query_params[SECTION_PARAM] = section_anchor(heading)
    st.session_state["view"] = "browse"


def _back() -> None:
    for name in (SERVICE_PARAM, SECTION_PARAM):
        st.query_params.pop(name, None)
    st.session_state["view"] = "chat"
    # the chat comes back at the source the section view was opened from, open (ui.sources)
    st.session_state[sources.RETURNING] = True


def _matches(doc: Document, needle: str) -> bool:
    haystack = " ".join((doc.title, doc.category, *doc.aliases)).casefold()
    return all(word in haystack for word in needle.casefold().split())


def _text_hits(bot: Assistant, needle: str) -> set[str]:
    """Services whose text holds the filter's words: any passage in the lexical (BM25) index, or the needs
    the service is described for (``situations``, e.g. "hjelp med støttestrømper")."""
    if not needle.strip():
        return set()
    scores = bot.retriever.lexical.scores(needle)
    found = {c.service_id for c, score in zip(bot.retriever.chunks, scores, strict=True) if score > 0}
    words = needle.casefold().split()
    for doc in bot.guide.documents:
        told = " ".join(doc.situations).casefold()
        if all(word in told for word in words):
            found.add(doc.service_id)
    return found


def _ask_instead(question: str) -> None:
    st.session_state["pending"] = question
    st.session_state["view"] = "chat"
    for name in (SERVICE_PARAM, SECTION_PARAM):
        st.query_params.pop(name, None)


def _to_list() -> None:
    for name in (SERVICE_PARAM, SECTION_PARAM):
        st.query_params.pop(name, None)
    st.session_state["scroll_top"] = True


def view(bot: Assistant, *, has_chat: bool = False) -> None:
    """Render the browse view (with a way back when there is a conversation to go back to)."""
    st.header(texts.BROWSE_HEADING, anchor=False)
    if has_chat:
        st.button(texts.BROWSE_BACK, key="browse-back", icon=":material/arrow_back:", on_click=_back)
    current = linked_service(bot)
    listing, content = st.columns([1, 2], gap="large")
    with listing, st.container(key="browse-list-open" if current is not None else "browse-list"):
        _listing(bot, current)
    with content:
        if current is not None:
            # on a phone the list is hidden while a service is open: the way back to it
            st.button(texts.BROWSE_TO_LIST, key="browse-to-list", icon=":material/list:", on_click=_to_list)
            _document(current, linked_anchor(current))
        elif st.query_params.get(SERVICE_PARAM):
            st.warning(texts.BROWSE_UNKNOWN)
        else:
            st.info(texts.BROWSE_PICK)


def _listing(bot: Assistant, current: Document | None) -> None:
    needle = st.text_input(texts.BROWSE_FILTER, key="browse_filter", placeholder=texts.BROWSE_FILTER_HINT)
    order = st.radio(texts.BROWSE_ORDER, list(texts.BROWSE_ORDERS), key="browse_order", horizontal=True,
                     format_func=texts.BROWSE_ORDERS.__getitem__)
    in_text = _text_hits(bot, needle)
    docs = sorted((d for d in bot.guide.documents if _matches(d, needle)), key=lambda d: nb_sort_key(d.title))
    # services that only mention the words in their text come after the ones named by them
    mentioned = sorted((d for d in bot.guide.documents if d.service_id in in_text and d not in docs),
                       key=lambda d: nb_sort_key(d.title))
    st.caption(texts.BROWSE_COUNT.format(n=len(docs) + len(mentioned)))
    if not docs and not mentioned:
        st.info(texts.BROWSE_NONE)
        st.button(escape_markdown(texts.BROWSE_ASK.format(question=needle.strip())), key="browse-ask",
                  icon=":material/chat:", on_click=_ask_instead, args=(needle.strip(),))
        return
    if order == "alpha":
        groups = [("", docs)]
    else:
        names = sorted({d.category or "Annet" for d in docs}, key=nb_sort_key)
        groups = [(name, [d for d in docs if (d.category or "Annet") == name]) for name in names]
    if mentioned:
        groups.append((texts.BROWSE_MENTIONED, mentioned))
    for name, group in groups:
        if name:
            st.markdown(f"**{escape_markdown(name)}**")
        for doc in group:
            is_current = current is not None and doc.service_id == current.service_id
            st.button(doc.title, key=f"browse-{doc.service_id}", on_click=_open, args=(doc.service_id,),
                      type="primary" if is_current else "tertiary", icon=":material/article:", wrap=True)


def _document(doc: Document, anchor: str | None) -> None:
    st.header(escape_markdown(doc.title), anchor=service_anchor(doc.service_id))
    facts = [f"{texts.CATEGORY}: {doc.category}" if doc.category else "",
             f"{texts.STAFF_RESPONSIBLE}: {doc.responsible}" if doc.responsible else "",
             f"{texts.LAST_REVIEWED}: {doc.last_reviewed}" if doc.last_reviewed else ""]
    st.caption(escape_markdown(" · ".join(f for f in facts if f)))
    for section in doc.sections:
        slug = section_anchor(section.heading)
        # the linked section gets a frame, so the eye finds what the citation pointed at
        with st.container(border=slug == anchor):
            st.subheader(escape_markdown(section.heading), anchor=slug)
            if slug == anchor:
                st.caption(texts.BROWSE_LINKED)
            st.markdown(body_markdown(section.text))
            page = texts.PAGE_AT.format(page=section.page) + " · " if section.page else ""
            st.caption(f"{page}[{texts.BROWSE_SHARE}]({section_link(doc.service_id, section.heading)})")
