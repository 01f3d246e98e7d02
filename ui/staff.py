"""Staff mode: who can get the service, what it costs and the legal basis, side by side."""

from __future__ import annotations

import streamlit as st

from assistant.core import Assistant
from corpus.model import Document
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
    with st.container(border=True):
        st.subheader(texts.STAFF_HEADING, anchor=False)
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
    st.markdown(f"#### {escape_markdown(doc.title)}")
    for column, heading in zip(st.columns(len(texts.STAFF_SECTIONS), border=True), texts.STAFF_SECTIONS, strict=True):
        with column:
            st.markdown(f"**{escape_markdown(heading)}**")
            section = doc.section(heading)
            if section is not None:
                st.markdown(body_markdown(section.text))
            elif heading == "Lovgrunnlag" and doc.legal_basis:
                st.markdown("\n".join(f"- {escape_markdown(law)}" for law in doc.legal_basis))
            else:
                st.caption(texts.STAFF_MISSING)
    responsible = escape_markdown(doc.responsible) if doc.responsible else texts.STAFF_MISSING
    st.markdown(f"**{texts.STAFF_RESPONSIBLE}:** {responsible}  \n"
                f"[{texts.FULL_DESCRIPTION}]({section_link(doc.service_id)})")
