""""Kopier svar", "Skriv ut" and "Les opp": an answer as plain text with its sources listed, the print button, and
reading the answer aloud with the device's own Norwegian voice (hidden when it has none; see :mod:`ui.a11y`).

The plain text is put into the page as escaped HTML (``html.escape``) in a hidden ``<pre>`` beside a plain
``<button>``; a fixed, delegated click handler (:mod:`ui.a11y`) copies that element's text to the clipboard,
so no answer or question text ever goes into a script. The print button calls ``window.print()``; the print
stylesheet (:mod:`ui.style`) expands the sources and hides the input box and the controls.
"""

from __future__ import annotations

import html
import re

import streamlit as st

from assistant.types import Citation, Reply
from ui import texts

#: Attribute names the delegated handler in :mod:`ui.a11y` looks for.
COPY_ATTR = "data-levanger-copy"
PRINT_ATTR = "data-levanger-print"
READ_ATTR = "data-levanger-read"

_BOLD = re.compile(r"\*\*(.+?)\*\*", re.S)
_ITALIC = re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", re.S)
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()<>#+\-.!|~$&:/@])")


def plain(markdown: str) -> str:
    """Markdown of a reply as plain text: emphasis markers and backslash escapes removed."""
    # escaped characters are literal: park them in the private use area while the emphasis goes
    text = _ESCAPE.sub(lambda m: chr(0xE000 + ord(m.group(1))), markdown)
    text = _BOLD.sub(r"\1", text)
    text = _ITALIC.sub(r"\1", text)
    return "".join(chr(ord(ch) - 0xE000) if 0xE000 <= ord(ch) < 0xE080 else ch for ch in text)


def _source_line(c: Citation) -> str:
    page = f", side {c.page}" if c.page else ""
    return f"[{c.n}] {c.title} – {c.section}{page}: «{c.quote.strip()}»"


def plain_text(reply: Reply) -> str:
    """The question, the answer and every source, as plain text to paste into an e-mail or a journal note."""
    lines = []
    if reply.question:
        lines += [f"{texts.COPY_QUESTION}: {reply.question}", ""]
    lines += [f"{texts.COPY_ANSWER}:", plain(reply.text).strip()]
    if reply.citations:
        lines += ["", f"{texts.SOURCES}:"] + [_source_line(c) for c in reply.citations]
    lines += ["", texts.COPY_FOOTER]
    return "\n".join(lines)


def tools(reply: Reply, index: int) -> None:
    """The "Kopier svar" and "Skriv ut" buttons under an answer."""
    body = (
        f'<div class="levanger-tools">'
        f'<button type="button" {COPY_ATTR}="{index}">{html.escape(texts.COPY)}</button>'
        f'<button type="button" {PRINT_ATTR}="{index}">{html.escape(texts.PRINT)}</button>'
        f'<button type="button" hidden aria-pressed="false" {READ_ATTR}="{index}">{html.escape(texts.READ)}</button>'
        f'<span role="status" aria-live="polite" data-levanger-copied="{index}"></span>'
        f'<pre hidden data-levanger-copy-text="{index}">{html.escape(plain_text(reply))}</pre>'
        f"</div>"
    )
    with st.container(key=f"tools-{index}"):
        st.html(body)
