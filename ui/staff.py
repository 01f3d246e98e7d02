"""Staff mode: the quick overview (allocation criteria, cost, legal basis) beside the chat.

The overview follows the newest answer's service, so nothing of it is repeated under the answers. The switch is
not on the citizen's first screen: ``?ansatt=1`` (the footer's quiet link) offers it.

On a desktop the overview stands beside the chat (``ui.app`` puts it in the first of two columns); on a phone
the columns stack, so it comes above the chat, never below the whole conversation.
"""

from __future__ import annotations

import streamlit as st

from assistant.core import Assistant
from corpus.laws import LegalLink, legal_links
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
    if aspect == "law" and doc.legal_basis:
        # the references as links to their sections on Lovdata, where the id is known (corpus/laws.yaml)
        st.markdown(f"**{texts.STAFF_LOVDATA}**\n\n" + "\n".join(
            f"- [{escape_markdown(x.text)}]({x.url})" if isinstance(x, LegalLink) else f"- {escape_markdown(x)}"
            for x in legal_links(doc.legal_basis)))
    elif not sections:
        st.caption(texts.STAFF_MISSING)
