"""Streamlit entry point: ``streamlit run ui/app.py`` (see ``make run``).

Thin on purpose: answers, citations, masking and feedback storage live in ``assistant``; the modules
in ``ui`` only lay them out. The loaded Assistant is shared read-only through ``st.cache_resource``,
and each browser session keeps its own conversation in ``st.session_state``.

Layout, phone first: the title, then the main controls as visible buttons (no sidebar: on a phone it hides
behind a small icon), then the view. The first screen puts the notice and the call button before anything
else. Staff mode widens the page and puts the overview beside the chat (above it on a phone).
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
from assistant.reloading import ReloadingAssistant  # noqa: E402
from ui import a11y, browse, chat, sources, staff, style, texts  # noqa: E402
from ui.render import SECTION_PARAM, SERVICE_PARAM, STAFF_PARAM  # noqa: E402

log = logging.getLogger("ui.app")


@st.cache_resource(show_spinner=texts.LOADING)
def _followed() -> ReloadingAssistant:
    return ReloadingAssistant(Assistant.load())


def load_assistant() -> Assistant:
    """The assistant, loaded once per server process and shared by all sessions (it is thread-safe); a new
    index generation is picked up without a restart (assistant.reloading)."""
    return _followed().get()


def _try_load() -> Assistant | None:
    try:
        return load_assistant()
    except Exception as exc:  # noqa: BLE001 - the edge: show a Norwegian message, log only the class
        log.error("loading the assistant failed: %s", exc.__class__.__name__)
        st.error(user_message(exc), icon=":material/error:")
        return None


def _view_changed() -> None:
    # a view is entered at its top
    st.session_state["scroll_top"] = True
    # the chat has no address of its own; drop a browse link so a reload shows the chat again
    if st.session_state.get("view") == "chat":
        for name in (SERVICE_PARAM, SECTION_PARAM):
            st.query_params.pop(name, None)


def _new_chat() -> None:
    for name in ("messages", "rated", "kept", "pending", "shown_turns", "dropped_turns"):
        st.session_state.pop(name, None)
    st.session_state["view"] = "chat"
    _view_changed()


def _staff_offered() -> bool:
    if st.query_params.get(STAFF_PARAM) == "1":
        st.session_state["staff_offered"] = True
    return bool(st.session_state.get("staff_offered") or st.session_state.get("staff_mode"))


def _controls() -> None:
    """The main controls, visible on every screen size (a navigation landmark, see ``ui.a11y``)."""
    with st.container(key="controls", horizontal=True, vertical_alignment="center", gap="small"):
        st.segmented_control(texts.VIEW_LABEL, list(texts.VIEWS), key="view", required=True,
                             format_func=texts.VIEWS.__getitem__, on_change=_view_changed,
                             label_visibility="collapsed")
        st.button(texts.NEW_CHAT, key="new_chat", on_click=_new_chat, icon=":material/refresh:")
        # staff mode is not on the citizen's first screen: ?ansatt=1 (the footer's quiet link) shows the switch
        if _staff_offered():
            st.toggle(texts.STAFF_TOGGLE, key="staff_mode", help=texts.STAFF_HELP)
        st.toggle(texts.LARGE_TEXT, key="large_text", help=texts.LARGE_TEXT_HELP)


def _footer() -> None:
    with st.container(key="footer"):
        st.divider()
        chat.contact()
        st.caption(texts.CORPUS_NOTE)
        if not _staff_offered():
            st.caption(f"[{texts.STAFF_LINK}](?{STAFF_PARAM}=1)")


def _chat_view() -> None:
    st.session_state.pop("scroll_top", None)
    question = chat.take_question()
    new_answer = False
    if question:
        with st.spinner(texts.THINKING):
            chat.ask(load_assistant, question, staff=bool(st.session_state.get("staff_mode")))
        new_answer = True
    first = not chat.messages()
    if first:
        chat.notices()
    # loaded after the notices are drawn: a cold start may build the index for half a minute
    bot = _try_load()
    staff_mode = bool(st.session_state.get("staff_mode"))
    if staff_mode and bot is not None:
        # beside the chat on a desktop; the columns stack on a phone, the overview first
        side, main = st.columns([2, 3], gap="medium")
        with side:
            staff.panel(bot, chat.focus_service())
    else:
        main = st.container()
    with main:
        if first:
            chat.first_screen()
        chat.conversation(bot, staff_mode=staff_mode, open_section=browse.open_section)
    _footer()
    back = sources.opened_from_message()
    st.session_state.pop(sources.RETURNING, None)
    # last, so that the page is complete when it scrolls
    a11y.patch_page(answer_index=chat.last_answer_index(), back_to=back,
                    scroll="top" if first else ("answer" if new_answer else ("back" if back is not None else "none")))


def _browse_view() -> None:
    bot = _try_load()
    doc = browse.linked_service(bot) if bot is not None else None
    anchor = browse.linked_anchor(doc)
    if bot is not None:
        browse.view(bot, has_chat=bool(chat.messages()))
    _footer()
    entered = st.session_state.pop("scroll_top", False) or not st.session_state.get("browse_seen")
    st.session_state["browse_seen"] = True
    a11y.patch_page(anchor=anchor, scroll="anchor" if anchor else ("top" if entered else "none"))


def main() -> None:
    """Render one run of the app."""
    # a shared citation link (?tjeneste=...) opens the browse view
    st.session_state.setdefault("view", "browse" if SERVICE_PARAM in st.query_params else "chat")
    wide = st.session_state["view"] == "browse" or bool(st.session_state.get("staff_mode"))
    st.set_page_config(page_title=texts.PAGE_TITLE, layout="wide" if wide else "centered",
                       initial_sidebar_state="collapsed")
    style.inject(large_text=bool(st.session_state.get("large_text")))
    st.title(texts.TITLE, anchor=False)
    _controls()
    if st.session_state["view"] == "browse":
        _browse_view()
    else:
        _chat_view()


main()
