"""One answer laid out from its typed paragraphs (``Reply.parts``): text, emergency box or service cards.

* **Emergency** (``mode == "emergency"``): the emergency paragraphs in a red box with tappable numbers first.
* **Situation** (``mode == "situation"``): the lead, then one card per service (name, why it fits = the quoted
  sentences, a source toggle), then one shared "Slik søker du" and the switchboard line.
* **Everything else**: the paragraphs as Markdown, the notices apart, the sources listed after the text.

The paragraphs are the assistant's own text (corpus quotes and fixed templates); this module only places
them. Phone numbers in bold become ``tel:`` links.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import streamlit as st

from assistant.types import Citation, Reply, ReplyPart
from ui import sources, texts
from ui.render import escape_markdown, phone_links, section_link

OpenSection = Callable[[str, str], None]
#: A citation marker in a reply's Markdown ("[2]"), not already a link's text or target.
_MARKER = re.compile(r"(?<![\\\]])\[(\d{1,2})\](?!\()")
#: Paragraph kinds shown apart from the answer text, in a quieter style.
_NOTICE_KINDS = ("notice", "language")


def _cited(reply: Reply, numbers: tuple[int, ...]) -> list[Citation]:
    wanted = set(numbers)
    return [c for c in reply.citations if c.n in wanted]


def linked(reply: Reply, markdown: str) -> str:
    """The reply's Markdown with tappable numbers (``tel:``) and each ``[n]`` a link to its cited section in
    the section view (a new tab, so the conversation stays)."""
    by_n = {c.n: c for c in reply.citations}

    def link(m: re.Match[str]) -> str:
        c = by_n.get(int(m.group(1)))
        return f"[\\[{c.n}\\]]({section_link(c.service_id, c.section)})" if c else m.group(0)

    return _MARKER.sub(link, phone_links(markdown))


def call_button(key: str) -> None:
    """The large, tappable "Ring 74 05 25 00" (``tel:+4774052500``)."""
    with st.container(key=key):
        st.link_button(texts.CALL, texts.SWITCHBOARD_TEL, icon=":material/call:", type="primary", width="stretch")


def show(reply: Reply, index: int, *, open_section: OpenSection) -> None:
    """Render the reply of message ``index``."""
    parts = reply.parts or (ReplyPart("template", reply.text),)
    notices = [p for p in parts if p.kind in _NOTICE_KINDS]
    body = [p for p in parts if p.kind not in _NOTICE_KINDS]
    for p in (p for p in notices if p.kind == "language"):
        st.markdown(p.text)
    if reply.mode == "emergency" or reply.status == "emergency":
        _emergency(reply, body, index, open_section)
    elif reply.mode == "situation":
        _situation(reply, body, index, open_section)
    else:
        _direct(reply, body, index, open_section)
    for p in (p for p in notices if p.kind == "notice"):
        st.info(p.text, icon=":material/info:")
    if reply.status == "no_answer":
        call_button(f"call-{index}")


def _emergency(reply: Reply, body: list[ReplyPart], index: int, open_section: OpenSection) -> None:
    urgent = [p for p in body if p.kind == "emergency"]
    rest = [p for p in body if p.kind != "emergency"]
    with st.container(key=f"emergency-{index}"):
        st.error(phone_links("\n\n".join(p.text for p in urgent)) or texts.EMERGENCY_LABEL, icon=":material/emergency:")
        st.link_button(texts.CALL_113, "tel:113", icon=":material/emergency:", type="primary", width="stretch")
    if rest:
        st.markdown(linked(reply, "\n\n".join(p.text for p in rest)))
    if reply.citations:
        _sources_heading()
        sources.citations(reply.citations, key=str(index), open_section=open_section)


def _direct(reply: Reply, body: list[ReplyPart], index: int, open_section: OpenSection) -> None:
    st.markdown(linked(reply, "\n\n".join(p.text for p in body)))
    if reply.citations:
        _sources_heading()
        sources.citations(reply.citations, key=str(index), open_section=open_section)
    _apply_link(reply, index, open_section)


def _situation(reply: Reply, body: list[ReplyPart], index: int, open_section: OpenSection) -> None:
    shown: set[int] = set()
    for p in body:
        if p.kind == "service":
            _card(reply, p, index, open_section)
            shown.update(p.citations)
        elif p.kind == "route":
            with st.container(border=True, key=f"route-{index}"):
                st.markdown(f"**{texts.HOW_TO_APPLY}**")
                st.markdown(linked(reply, p.body))
                route = [c for c in _cited(reply, p.citations) if c.n not in shown]
                sources.citations(route, key=f"{index}-route", open_section=open_section)
                shown.update(c.n for c in route)
                _apply_link(reply, index, open_section)
        else:
            st.markdown(linked(reply, p.text))
    rest = [c for c in reply.citations if c.n not in shown]
    if rest:
        _sources_heading()
        sources.citations(rest, key=f"{index}-rest", open_section=open_section)


def _card(reply: Reply, p: ReplyPart, index: int, open_section: OpenSection) -> None:
    # the typed part carries the service's name and the reason apart: nothing is parsed back from Markdown
    title, why = p.label, p.body
    with st.container(border=True, key=f"card-{index}-{p.service_id or 'x'}"):
        if title:
            st.markdown(f"**{title}**")
        st.markdown(linked(reply, why))
        cited = _cited(reply, p.citations)
        if cited:
            name = title or (cited[0].title if cited else "")
            # the source toggle: one expander per quoted passage
            st.caption(escape_markdown(texts.SITUATION_SOURCES.format(title=name.replace("\\", ""))))
            sources.citations(cited, key=f"{index}-{p.service_id}", open_section=open_section)


def _sources_heading() -> None:
    st.markdown(f"**{texts.SOURCES}**")


def primary_service(reply: Reply) -> str | None:
    """The reply's primary service: the first role marked "primary", else ``services[0]``."""
    for role in reply.roles:
        if role.role == "primary":
            return role.service_id
    return reply.services[0] if reply.services else None


def _apply_link(reply: Reply, index: int, open_section: OpenSection) -> None:
    """A button to the primary service's "Slik søker du", where the application form is described."""
    sid = primary_service(reply)
    if reply.status != "answered" or not sid:
        return
    title = next((c.title for c in reply.citations if c.service_id == sid), "")
    if not title:
        return
    st.button(escape_markdown(texts.APPLY_LINK.format(title=title)), key=f"open-apply-{index}", type="tertiary",
              icon=":material/edit_document:", on_click=open_section, args=(sid, texts.HOW_TO_APPLY))

