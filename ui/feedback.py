"""👍/👎 under an answer: the rating, after 👎 the optional reasons (a closed set), then a person.

A 👍 is stored at once. A 👎 opens a small form: the reasons of :data:`assistant.feedback.REASONS` as
checkboxes, a box that allows storing the (masked) question with this one rating, and "Send tilbakemelding".
The rating is stored when that is pressed, with the reasons ticked (none is fine); the question text only when
its box is ticked. Then the switchboard and the e-mail address are offered.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable

import streamlit as st

from assistant.feedback import REASONS, FeedbackError, FeedbackStore
from assistant.types import Reply
from ui import answer, texts
from ui.render import phone_links

log = logging.getLogger(__name__)

#: ``rated[n]`` while the 👎 form is open.
ASKING = "asking"


def _rated() -> dict[int, str]:
    return st.session_state.setdefault("rated", {})


def _store(n: int, reply: Reply, rating: str, *, reasons: tuple[str, ...] = (), keep: bool = False) -> None:
    try:
        FeedbackStore().add(question=reply.question, services=reply.services, rating=rating, status=reply.status,
                            aspect=reply.aspect, chunks=[c.chunk_id for c in reply.citations], reasons=reasons,
                            keep_question=True if keep else None)
        _rated()[n] = rating
    except (FeedbackError, sqlite3.Error, OSError) as exc:
        log.error("storing feedback failed: %s", exc.__class__.__name__)
        _rated()[n] = "failed"
    if keep and _rated()[n] != "failed":
        st.session_state.setdefault("kept", set()).add(n)


def _up(n: int, find: Callable[[int], Reply]) -> None:
    _store(n, find(n), "up")


def _ask_why(n: int) -> None:
    _rated()[n] = ASKING


def _send_down(n: int, find: Callable[[int], Reply]) -> None:
    state = st.session_state
    chosen = tuple(key for key in REASONS if state.get(f"why-{n}-{key}"))
    keep = bool(state.get(f"keep-{n}"))
    _store(n, find(n), "down", reasons=chosen, keep=keep)


def section(n: int, find: Callable[[int], Reply]) -> None:
    """The feedback part of answer ``n`` (``find(n)`` gives its reply)."""
    state = _rated().get(n)
    if state == ASKING:
        _reasons_form(n, find)
        return
    if state is not None:
        kept = n in st.session_state.get("kept", set())
        st.caption(texts.FEEDBACK_FAILED if state == "failed" else
                   (texts.FEEDBACK_THANKS_KEPT if kept else texts.FEEDBACK_THANKS))
        if state in ("down", "failed"):
            # 👎: a person
            with st.container(key=f"feedback-contact-{n}"):
                st.info(texts.FEEDBACK_DOWN_CONTACT + "\n\n" + phone_links(texts.CONTACT),
                        icon=":material/support_agent:")
                answer.call_button(f"call-feedback-{n}")
        return
    # the question on its own line, so both buttons fit on one line of a phone
    with st.container(key=f"feedback-{n}", gap="small"):
        st.caption(texts.FEEDBACK_QUESTION)
        with st.container(horizontal=True, gap="small"):
            st.button(texts.FEEDBACK_UP, key=f"feedback-up-{n}", icon=":material/thumb_up:",
                      on_click=_up, args=(n, find))
            st.button(texts.FEEDBACK_DOWN, key=f"feedback-down-{n}", icon=":material/thumb_down:",
                      on_click=_ask_why, args=(n,))


def _reasons_form(n: int, find: Callable[[int], Reply]) -> None:
    with st.form(key=f"feedback-why-{n}"):
        st.markdown(f"**{texts.FEEDBACK_WHY}**")
        for key in REASONS:
            st.checkbox(texts.FEEDBACK_REASONS[key], key=f"why-{n}-{key}")
        st.checkbox(texts.FEEDBACK_KEEP_QUESTION, key=f"keep-{n}")
        st.form_submit_button(texts.FEEDBACK_SEND, on_click=_send_down, args=(n, find), type="primary")
