"""Staff mode: the quick overview beside the chat, and the allocation criteria and legal basis under each answer.

On a desktop the overview stands beside the chat (``ui.app`` puts it in the first of two columns); on a phone
the columns stack, so it comes above the chat, never below the whole conversation.
"""

from __future__ import annotations

import streamlit as st

from assistant.core import Assistant
from corpus.model import Document
from corpus.schema import heading_for
from ui import texts
from ui.render import body_markdown, escape_markdown, nb_sort_key, section_link


def panel(bot: Assistant, focus: str | None) -> None:
    """The quick overview for the service in focus; staff can also pick another service.

    Args:
        bot: The loaded assistant (for the documents).
        focus: The service id of the newest answer (``Reply.services[0]``), or None.
    """
    services = sorted((d for d in bot.guide.documents if d.kind == "service"), key=lambda d: nb_sort_key(d.title))
    ids = [d.service_id for d in services]
    with st.container(border=True, key="staff"):
        st.header(texts.STAFF_HEADING, anchor=False)
        # no widget key: when the focus changes, the default (and so the choice) follows the new answer
        chosen = st.selectbox(texts.STAFF_PICK, ids, index=ids.index(focus) if focus in ids else None,
                              format_func=lambda sid: bot.documents[sid].title,
                              placeholder=texts.STAFF_EMPTY)
        doc = bot.document(chosen) if chosen else None
        if doc is None:
            st.caption(texts.STAFF_EMPTY)
            return
        _overview(doc)


def _overview(doc: Document) -> None:
    st.subheader(escape_markdown(doc.title), anchor=False)
    # stacked: the panel is a narrow column beside the chat
    for aspect in texts.STAFF_SECTIONS:
        with st.container(border=True):
            st.markdown(f"**{escape_markdown(heading_for(aspect))}**")
            _section(doc, aspect)
    responsible = escape_markdown(doc.responsible) if doc.responsible else texts.STAFF_MISSING
    st.markdown(f"**{texts.STAFF_RESPONSIBLE}:** {responsible}  \n"
                f"[{texts.FULL_DESCRIPTION}]({section_link(doc.service_id)})")


def _section(doc: Document, aspect: str) -> None:
    sections = doc.sections_for(aspect)
    if sections:
        st.markdown("\n\n".join(body_markdown(section.text) for section in sections))
    elif aspect == "law" and doc.legal_basis:
        st.markdown("\n".join(f"- {escape_markdown(law)}" for law in doc.legal_basis))
    else:
        st.caption(texts.STAFF_MISSING)


def reply_extras(bot: Assistant, service_id: str | None, index: int) -> None:
    """Under an answer in staff mode: the primary service's allocation criteria and legal basis.

    Args:
        bot: The loaded assistant (for the documents).
        service_id: The reply's primary service (see ``ui.answer.primary_service``).
        index: The message index (for a unique key).
    """
    doc = bot.document(service_id) if service_id else None
    if doc is None or doc.kind != "service":
        return
    with st.container(border=True, key=f"staff-reply-{index}"):
        st.markdown(f"**{escape_markdown(texts.STAFF_REPLY_HEADING.format(title=doc.title))}**")
        with st.expander(texts.STAFF_CRITERIA, expanded=True):
            _section(doc, "who")
        with st.expander(texts.STAFF_LAW, expanded=True):
            _section(doc, "law")
            if doc.legal_basis and doc.sections_for("law"):
                st.caption(escape_markdown(" · ".join(doc.legal_basis)))
