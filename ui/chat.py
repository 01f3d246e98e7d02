"""The chat view: the first screen, the conversation, answers with citations, and 👍/👎 feedback."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from typing import Any

import streamlit as st

from assistant.core import Assistant
from assistant.errors import user_message
from assistant.feedback import FeedbackError, FeedbackStore
from assistant.privacy import mask_personal_data
from assistant.types import Citation, Reply, Turn
from ui import texts
from ui.a11y import ANSWER_KEY
from ui.render import escape_markdown, quote_markdown, section_link, user_text_markdown

log = logging.getLogger(__name__)

Message = dict[str, Any]


def messages() -> list[Message]:
    """The conversation of this browser session, oldest first."""
    return st.session_state.setdefault("messages", [])


def last_answer_index() -> int | None:
    """Index of the newest assistant message, or None."""
    found = [i for i, m in enumerate(messages()) if m["role"] == "assistant"]
    return found[-1] if found else None


def focus_service() -> str | None:
    """The service the newest answer is about (its ``services[0]``), for staff mode."""
    for m in reversed(messages()):
        reply: Reply | None = m.get("reply")
        if reply is not None and reply.services:
            return reply.services[0]
    return None


def _queue(question: str) -> None:
    st.session_state["pending"] = question


def take_question() -> str | None:
    """The question to answer in this run: typed in the chat box or chosen among the examples."""
    typed = st.chat_input(texts.INPUT_PLACEHOLDER, key="chat_input", max_chars=4000)
    pending = st.session_state.pop("pending", None)
    return typed or pending


def ask(load: Callable[[], Assistant], question: str) -> None:
    """Ask the assistant and append the question and the answer (or a Norwegian error) to the chat."""
    chat = messages()
    history = [Turn(m["role"], m["text"]) for m in chat if m["text"]]
    try:
        reply = load().ask(question, history=history)
    except Exception as exc:  # noqa: BLE001 - the edge: users get a message, the log only the class
        log.error("answering failed: %s", exc.__class__.__name__)
        chat.append({"role": "user", "text": mask_personal_data(question).text})
        chat.append({"role": "assistant", "text": "", "reply": None, "error": user_message(exc)})
        return
    # keep only the masked question: the session never holds what the mask removed
    chat.append({"role": "user", "text": reply.question})
    chat.append({"role": "assistant", "text": reply.text, "reply": reply, "error": None})


def first_screen() -> None:
    """What the assistant can do, example questions, the notices and the human contact."""
    st.markdown(texts.CAN_HELP)
    st.info(texts.MACHINE_NOTICE, icon=":material/smart_toy:")
    st.warning(texts.PERSONAL_DATA_NOTICE, icon=":material/privacy_tip:")
    st.subheader(texts.EXAMPLES_HEADING, anchor=False)
    for column, (audience, questions) in zip(st.columns(len(texts.EXAMPLES)), texts.EXAMPLES, strict=True):
        with column:
            st.markdown(f"**{audience}**")
            for n, question in enumerate(questions):
                st.button(question, key=f"example-{audience}-{n}", on_click=_queue, args=(question,),
                          width="stretch", wrap=True)
    contact()
    st.caption(texts.CORPUS_NOTE)


def contact() -> None:
    """The human contact: phone, e-mail and opening hours."""
    st.info(f"**{texts.CONTACT_HEADING}:** {texts.CONTACT}", icon=":material/call:")


def conversation() -> None:
    """Every message of the session; answers with their citations and feedback buttons."""
    for i, m in enumerate(messages()):
        with st.chat_message(m["role"]):
            if m["role"] == "user":
                st.markdown(user_text_markdown(m["text"]) or texts.EMPTY_QUESTION)
            else:
                _answer(i, m)


def _answer(i: int, m: Message) -> None:
    reply: Reply | None = m["reply"]
    with st.container(key=f"{ANSWER_KEY}{i}"):
        if reply is None:
            st.error(m["error"], icon=":material/error:")
        elif reply.status == "emergency":
            st.error(reply.text, icon=":material/emergency:")
        else:
            # reply.text is corpus text and fixed templates only, rendered without HTML
            st.markdown(reply.text)
    if reply is None or reply.status == "no_answer":
        contact()
    if reply is None:
        return
    if reply.citations:
        st.markdown(f"**{texts.SOURCES}**")
        for citation in reply.citations:
            _citation(citation)
    _feedback(i)


def _citation(c: Citation) -> None:
    page = f", side {c.page}" if c.page else ""
    with st.expander(escape_markdown(f"[{c.n}] {c.title} – {c.section}{page}")):
        st.markdown(quote_markdown(c.quote))
        st.markdown(
            f"**Tjeneste:** {escape_markdown(c.title)}  \n"
            f"**Del:** {escape_markdown(c.section)}  \n"
            f"**{texts.PAGE}:** {c.page if c.page else texts.NO_PAGE}"
        )
        label = escape_markdown(texts.OPEN_SECTION.format(section=c.section))
        st.markdown(f"[{label}]({section_link(c.service_id, c.section)})")


def _rate(i: int, rating: str) -> None:
    reply: Reply = messages()[i]["reply"]
    rated = st.session_state.setdefault("rated", {})
    try:
        FeedbackStore().add(question=reply.question, services=reply.services, rating=rating, status=reply.status,
                            aspect=reply.aspect, chunks=[c.chunk_id for c in reply.citations])
        rated[i] = rating
    except (FeedbackError, sqlite3.Error, OSError) as exc:
        log.error("storing feedback failed: %s", exc.__class__.__name__)
        rated[i] = "failed"


def _feedback(i: int) -> None:
    rated = st.session_state.get("rated", {})
    if i in rated:
        st.caption(texts.FEEDBACK_FAILED if rated[i] == "failed" else texts.FEEDBACK_THANKS)
        return
    with st.container(horizontal=True, vertical_alignment="center"):
        st.caption(texts.FEEDBACK_QUESTION)
        st.button(texts.FEEDBACK_UP, key=f"feedback-up-{i}", icon=":material/thumb_up:",
                  on_click=_rate, args=(i, "up"))
        st.button(texts.FEEDBACK_DOWN, key=f"feedback-down-{i}", icon=":material/thumb_down:",
                  on_click=_rate, args=(i, "down"))
