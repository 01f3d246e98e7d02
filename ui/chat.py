"""The chat view: the first screen, the conversation, answers with their tools, and 👍/👎 feedback.

The input box has no length limit of its own: Streamlit's ``max_chars`` makes the browser refuse a longer
paste without a word, so every text is accepted and the assistant cuts it to its limit
(``AssistantSettings.max_question_chars``) and says so in the reply (a "notice" paragraph). A pasted text is
cut to what the assistant reads at all (``safety_chars``) before anything else, and the session keeps only the
masked, cut question.

A session stays bounded however long it runs: the page shows the last :data:`SHOWN_TURNS` questions with their
answers ("Vis tidligere meldinger" shows more), and the session keeps at most :data:`KEPT_TURNS` (the oldest
are dropped). Each message has a number ``n`` that never changes, which the keys of its buttons use.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import streamlit as st

from assistant.core import Assistant
from assistant.errors import user_message
from assistant.privacy import clean_and_mask
from assistant.limits import QUESTION_CHARS
from assistant.types import Reply, Turn
from ui import answer, copy, feedback, texts
from ui.a11y import ANSWER_KEY
from ui.render import phone_links, user_text_markdown

log = logging.getLogger(__name__)

Message = dict[str, Any]
#: Questions (with their answers) shown at first, and added by each "Vis tidligere meldinger".
SHOWN_TURNS = 10
#: Questions (with their answers) a session keeps at most; older ones are dropped.
KEPT_TURNS = 50
#: Earlier turns passed to the assistant (it uses only the last few).
HISTORY_TURNS = 6
#: A question the assistant could not answer is kept cut to this many characters (its own limit's default).
_SHOWN_CHARS = QUESTION_CHARS


def messages() -> list[Message]:
    """The conversation of this browser session, oldest first."""
    return st.session_state.setdefault("messages", [])


def last_answer_index() -> int | None:
    """Number ``n`` of the newest assistant message, or None."""
    found = [m["n"] for m in messages() if m["role"] == "assistant"]
    return found[-1] if found else None


def reply_of(n: int) -> Reply:
    """The reply of assistant message ``n``."""
    return next(m["reply"] for m in messages() if m["n"] == n)


def _append(message: Message) -> None:
    count = st.session_state.get("message_count", 0)
    st.session_state["message_count"] = count + 1
    messages().append({**message, "n": count})


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


def ask(load: Callable[[], Assistant], question: str, *, staff: bool = False) -> None:
    """Ask the assistant and append the question and the answer (or a Norwegian error) to the chat; in staff
    mode the answer's own sentences speak of "brukeren"."""
    chat = messages()
    # the assistant's turns carry the services they were about, so follow-ups keep that topic
    history = [Turn(m["role"], m["text"], services=m["reply"].services if m.get("reply") else ())
               for m in chat[-2 * HISTORY_TURNS:] if m["text"]]
    try:
        bot = load()
        # a huge paste: only what the assistant reads at all goes any further
        question = question[:bot.settings.safety_chars]
        reply = bot.ask(question, history=history, audience="staff" if staff else "citizen")
    except Exception as exc:  # noqa: BLE001 - the edge: users get a message, the log only the class
        log.error("answering failed: %s", exc.__class__.__name__)
        _append({"role": "user", "text": clean_and_mask(question, limit=_SHOWN_CHARS)[0].text})
        _append({"role": "assistant", "text": "", "reply": None, "error": user_message(exc)})
    else:
        # keep only the masked question: the session never holds what the mask removed
        _append({"role": "user", "text": reply.question})
        _append({"role": "assistant", "text": reply.text, "reply": reply, "error": None})
    _bound()



def _bound() -> None:
    """Drop the oldest turns past :data:`KEPT_TURNS`, and show the newest :data:`SHOWN_TURNS` again."""
    chat = messages()
    st.session_state.pop("shown_turns", None)
    extra = len(chat) - 2 * KEPT_TURNS
    if extra <= 0:
        return
    del chat[:extra]
    st.session_state["dropped_turns"] = True
    oldest = chat[0]["n"]
    for name in ("rated",):
        table = st.session_state.get(name, {})
        for n in [n for n in table if n < oldest]:
            del table[n]
    st.session_state["kept"] = {n for n in st.session_state.get("kept", set()) if n >= oldest}


def _show_earlier() -> None:
    st.session_state["shown_turns"] = st.session_state.get("shown_turns", SHOWN_TURNS) + SHOWN_TURNS


def first_screen() -> None:
    """Example questions, then what the assistant can do (the notices and the call come first): on a phone the
    examples start on the first screen, not below two paragraphs."""
    st.header(texts.EXAMPLES_HEADING, anchor=False)
    for column, (audience, questions) in zip(st.columns(len(texts.EXAMPLES)), texts.EXAMPLES, strict=True):
        with column:
            st.markdown(f"**{audience}**")
            for n, question in enumerate(questions):
                st.button(question, key=f"example-{audience}-{n}", on_click=_queue, args=(question,),
                          width="stretch", wrap=True)
    st.markdown(texts.CAN_HELP)


def notices() -> None:
    """The one-sentence notice (a machine, no personal data, nothing stored) and the large call button."""
    st.info(texts.FIRST_NOTICE, icon=":material/smart_toy:")
    answer.call_button("call")


def contact() -> None:
    """The human contact: phone (a ``tel:`` link), e-mail and opening hours."""
    st.info(f"**{texts.CONTACT_HEADING}:** " + phone_links(texts.CONTACT), icon=":material/call:")


def conversation(bot: Assistant | None, *, staff_mode: bool, open_section: answer.OpenSection) -> None:
    """The newest messages of the session; answers with their sources, tools and feedback buttons."""
    chat = messages()
    shown = 2 * st.session_state.get("shown_turns", SHOWN_TURNS)
    hidden = max(0, len(chat) - shown)
    if hidden or st.session_state.get("dropped_turns"):
        with st.container(key="earlier"):
            if st.session_state.get("dropped_turns") and not hidden:
                st.caption(texts.DROPPED_EARLIER)
            if hidden:
                st.button(texts.SHOW_EARLIER.format(n=(hidden + 1) // 2), key="show-earlier",
                          on_click=_show_earlier, icon=":material/expand_less:")
    for m in chat[hidden:]:
        with st.chat_message(m["role"]):
            if m["role"] == "user":
                st.markdown(user_text_markdown(m["text"]) or texts.EMPTY_QUESTION)
            else:
                _answer(m["n"], m, bot, staff_mode=staff_mode, open_section=open_section)


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
    copy.tools(reply, i)
    feedback.section(i, reply_of)
