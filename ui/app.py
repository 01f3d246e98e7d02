"""Streamlit entry point: ``streamlit run ui/app.py`` (see ``make run``).

Thin on purpose: answers, citations, masking and feedback storage live in ``assistant``; the modules
in ``ui`` only lay them out. The loaded Assistant is shared read-only through ``st.cache_resource``,
and each browser session keeps its own conversation in ``st.session_state``.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

# `streamlit run ui/app.py` puts ui/ on sys.path, not the repository root the packages live in
_ROOT = str(Path(__file__).resolve().parents[1])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

import streamlit as st  # noqa: E402

from assistant.core import Assistant  # noqa: E402
from assistant.errors import user_message  # noqa: E402
from ui import a11y, browse, chat, staff, texts  # noqa: E402
from ui.render import SECTION_PARAM, SERVICE_PARAM  # noqa: E402

log = logging.getLogger("ui.app")


@st.cache_resource(show_spinner=texts.LOADING)
def load_assistant() -> Assistant:
    """The assistant, loaded once per server process and shared by all sessions (it is thread-safe)."""
    return Assistant.load()


def _try_load() -> Assistant | None:
    try:
        return load_assistant()
    except Exception as exc:  # noqa: BLE001 - the edge: show a Norwegian message, log only the class
        log.error("loading the assistant failed: %s", exc.__class__.__name__)
        st.error(user_message(exc), icon=":material/error:")
        return None


def _view_changed() -> None:
    # the chat has no address of its own; drop a browse link so a reload shows the chat again
    if st.session_state["view"] == "chat":
        for name in (SERVICE_PARAM, SECTION_PARAM):
            st.query_params.pop(name, None)


def _new_chat() -> None:
    for name in ("messages", "rated", "pending"):
        st.session_state.pop(name, None)


def _sidebar() -> None:
    with st.sidebar:
        st.radio(texts.VIEW_LABEL, list(texts.VIEWS), key="view", format_func=texts.VIEWS.__getitem__,
                 on_change=_view_changed)
        st.toggle(texts.STAFF_TOGGLE, key="staff_mode", help=texts.STAFF_HELP)
        st.button(texts.NEW_CHAT, on_click=_new_chat, icon=":material/refresh:")
        st.divider()
        st.markdown(texts.MACHINE_NOTICE)
        st.markdown(f"**{texts.CONTACT_HEADING}:** {texts.CONTACT}")
        st.caption(texts.CORPUS_NOTE)


def _chat_view() -> None:
    question = chat.take_question()
    if question:
        with st.spinner(texts.THINKING):
            chat.ask(load_assistant, question)
    a11y.patch_page(answer_index=chat.last_answer_index())
    st.title(texts.TITLE, anchor=False)
    if not chat.messages():
        chat.first_screen()
    chat.conversation()
    # loaded after the first screen is drawn: a cold start may build the index for half a minute
    bot = _try_load()
    if bot is not None and st.session_state.get("staff_mode"):
        staff.panel(bot, chat.focus_service())


def _browse_view() -> None:
    bot = _try_load()
    doc = browse.linked_service(bot) if bot is not None else None
    a11y.patch_page(anchor=browse.linked_anchor(doc))
    if bot is not None:
        browse.view(bot)


def main() -> None:
    """Render one run of the app."""
    # a shared citation link (?tjeneste=...) opens the browse view
    st.session_state.setdefault("view", "browse" if SERVICE_PARAM in st.query_params else "chat")
    wide = st.session_state["view"] == "browse" or bool(st.session_state.get("staff_mode"))
    st.set_page_config(page_title=texts.PAGE_TITLE, layout="wide" if wide else "centered",
                       initial_sidebar_state="auto")
    _sidebar()
    if st.session_state["view"] == "browse":
        _browse_view()
    else:
        _chat_view()


main()
