"""The chat view: the first screen, the conversation, answers with their tools, and 👍/👎 feedback.

The input box has no length limit of its own: Streamlit's ``max_chars`` makes the browser refuse a longer
paste without a word, so every text is accepted and the assistant cuts it to its limit
(``AssistantSettings.max_question_chars``) and says so in the reply (a "notice" paragraph).
"""

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
from assistant.types import Reply, Turn
from ui import answer, copy, staff, texts
from ui.a11y import ANSWER_KEY
from ui.render import phone_links, user_text_markdown

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
    typed = st.chat_input(texts.INPUT_PLACEHOLDER, key="chat_input")
    pending = st.session_state.pop("pending", None)
    return typed or pending


def ask(load: Callable[[], Assistant], question: str) -> None:
    """Ask the assistant and append the question and the answer (or a Norwegian error) to the chat."""
    chat = messages()
    # the assistant's turns carry the services they were about, so follow-ups keep that topic
    history = [Turn(m["role"], m["text"], services=m["reply"].services if m.get("reply") else ())
               for m in chat if m["text"]]
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
    """What the assistant can do, example questions and the corpus note (the notices and call come first)."""
    st.markdown(texts.CAN_HELP)
    st.header(texts.EXAMPLES_HEADING, anchor=False)
    for column, (audience, questions) in zip(st.columns(len(texts.EXAMPLES)), texts.EXAMPLES, strict=True):
        with column:
            st.markdown(f"**{audience}**")
            for n, question in enumerate(questions):
                st.button(question, key=f"example-{audience}-{n}", on_click=_queue, args=(question,),
                          width="stretch", wrap=True)


def notices() -> None:
    """The one-sentence notice (a machine, no personal data, nothing stored) and the large call button."""
    st.info(texts.FIRST_NOTICE, icon=":material/smart_toy:")
    answer.call_button("call")


def contact() -> None:
    """The human contact: phone (a ``tel:`` link), e-mail and opening hours."""
    st.info(f"**{texts.CONTACT_HEADING}:** " + phone_links(texts.CONTACT), icon=":material/call:")


def conversation(bot: Assistant | None, *, staff_mode: bool, open_section: answer.OpenSection) -> None:
    """Every message of the session; answers with their sources, tools and feedback buttons."""
    for i, m in enumerate(messages()):
        with st.chat_message(m["role"]):
            if m["role"] == "user":
                st.markdown(user_text_markdown(m["text"]) or texts.EMPTY_QUESTION)
            else:
                _answer(i, m, bot, staff_mode=staff_mode, open_section=open_section)


def _answer(i: int, m: Message, bot: Assistant | None, *, staff_mode: bool, open_section: answer.OpenSection) -> None:
    reply: Reply | None = m["reply"]
    with st.container(key=f"{ANSWER_KEY}{i}"):
        if reply is None:
            st.error(m["error"], icon=":material/error:")
        else:
            # reply.text is corpus text and fixed templates only, rendered without HTML
            answer.show(reply, i, open_section=open_section)
    if reply is None:
        contact()
        return
    if reply.suggestions:
        # a question back: a tap sends the quick reply as the next question
        with st.container(horizontal=True, key=f"suggestions-{i}"):
            for n, text in enumerate(reply.suggestions):
                st.button(text, key=f"suggestion-{i}-{n}", on_click=_queue, args=(text,))
    if staff_mode and bot is not None:
        staff.reply_extras(bot, answer.primary_service(reply), i)
    copy.tools(reply, i)
    _feedback(i)


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
        if rated[i] == "down":
            # 👎: a person at once
            with st.container(key=f"feedback-contact-{i}"):
                st.info(texts.FEEDBACK_DOWN_CONTACT + "\n\n" + phone_links(texts.CONTACT), icon=":material/support_agent:")
                answer.call_button(f"call-feedback-{i}")
        return
    with st.container(horizontal=True, vertical_alignment="center", key=f"feedback-{i}"):
        st.caption(texts.FEEDBACK_QUESTION)
        st.button(texts.FEEDBACK_UP, key=f"feedback-up-{i}", icon=":material/thumb_up:",
                  on_click=_rate, args=(i, "up"))
        st.button(texts.FEEDBACK_DOWN, key=f"feedback-down-{i}", icon=":material/thumb_down:",
                  on_click=_rate, args=(i, "down"))
