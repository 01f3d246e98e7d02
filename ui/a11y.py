"""Accessibility patches Streamlit has no option for: the page language and a screen-reader live region.

Streamlit serves ``<html lang="en">`` and announces nothing when new content arrives. A tiny script
(through ``st.html`` with JavaScript allowed, run in the page itself) sets ``lang="nb"`` and keeps one
visually hidden ``aria-live="polite"`` region, into which it copies the text of the newest answer.
Only fixed code and integers or validated slugs go into the script, never user or corpus text:
the script reads the answer from the page.
"""

from __future__ import annotations

import json
import re

import streamlit as st

from ui import texts

#: Prefix of the Streamlit container key around each answer's text; Streamlit turns the key into a
#: CSS class ``st-key-<key>`` the script can find.
ANSWER_KEY = "svar-"
LIVE_REGION_ID = "levanger-live"
_SAFE_ANCHOR = re.compile(r"^[a-z0-9-]{1,80}$")

_SCRIPT = """<script>
(() => {
  const doc = window.document;
  doc.documentElement.lang = "nb";
  let live = doc.getElementById(%(region)s);
  if (!live) {
    live = doc.createElement("div");
    live.id = %(region)s;
    live.setAttribute("role", "status");
    live.setAttribute("aria-live", "polite");
    live.setAttribute("aria-atomic", "true");
    live.style.cssText = "position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;" +
      "clip:rect(0 0 0 0);white-space:nowrap;border:0";
    doc.body.appendChild(live);
  }
  const target = %(target)s;
  const anchor = %(anchor)s;
  let tries = 0;
  const tick = () => {
    // Streamlit renders the answer after this element, possibly a moment later
    let done = true;
    if (target && live.dataset.last !== target) {
      const answer = doc.querySelector("." + target);
      // only the Markdown text: an alert's icon is a ligature whose name would be read out
      const parts = answer ? answer.querySelectorAll('[data-testid="stMarkdownContainer"]') : [];
      const text = Array.from(parts, (part) => part.innerText.trim()).join(" ").trim();
      if (text) {
        live.dataset.last = target;
        live.textContent = %(prefix)s + text.slice(0, 800);
      } else {
        done = false;
      }
    }
    if (anchor) {
      // the heading carries the id, as in Streamlit's own scrolling to the URL's #anchor
      const section = doc.getElementById(anchor);
      if (section) {
        section.scrollIntoView({block: "start"});
        // Streamlit scrolls to a #anchor itself a moment later and stops a little short; settle on ours
        setTimeout(() => section.scrollIntoView({block: "start"}), 700);
      } else {
        done = false;
      }
    }
    if (!done && tries++ < 50) setTimeout(tick, 100);
  };
  tick();
})();
</script>"""


def patch_page(answer_index: int | None = None, anchor: str | None = None) -> None:
    """Set the page language, announce the newest answer and scroll to a linked section.

    Args:
        answer_index: Message index of the newest answer to announce (None: nothing new).
        anchor: A section anchor to scroll to; must be a slug (anything else is ignored).
    """
    target = f"st-key-{ANSWER_KEY}{int(answer_index)}" if answer_index is not None else ""
    safe_anchor = anchor if anchor and _SAFE_ANCHOR.match(anchor) else ""
    # json.dumps gives JS string literals; "<" is escaped as well so nothing can close the script tag
    values = {name: json.dumps(value).replace("<", "\\u003c") for name, value in (
        ("region", LIVE_REGION_ID), ("target", target), ("anchor", safe_anchor),
        ("prefix", texts.ANNOUNCE_PREFIX))}
    st.html(_SCRIPT % values, unsafe_allow_javascript=True)
