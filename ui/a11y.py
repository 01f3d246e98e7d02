"""Page patches Streamlit has no option for: language, live region, labels, landmarks, scrolling, copy and print.

A fixed script (through ``st.html`` with JavaScript allowed, run in the page itself):

* sets ``lang="nb"`` and keeps one visually hidden ``aria-live="polite"`` region, into which it copies the
  text of the newest answer;
* gives Streamlit's own English controls Norwegian names ("Skip to main content", "Send message") and our
  keyed containers landmark roles (navigation, named regions), again after every re-render;
* scrolls: the first screen to the top, a new answer to its start, a linked section to its heading.
  Streamlit keeps a chat scrolled to the bottom until the user scrolls; a scroll of ours counts as one;
* copies an answer's plain text (:mod:`ui.copy`), prints, and reads an answer aloud with the device's Norwegian
  voice (the "Les opp" buttons stay hidden without one), through one delegated click handler;
* commits the browse filter 0.4 s after the last keystroke, so the list filters as the user types.

Only fixed code and integers or validated slugs go into the script, never user or corpus text: the script
reads the answer from the page.
"""

from __future__ import annotations

import json
import re
from typing import Literal

import streamlit as st

from ui import texts

#: Prefix of the Streamlit container key around each answer's text; Streamlit turns the key into a
#: CSS class ``st-key-<key>`` the script can find.
ANSWER_KEY = "svar-"
LIVE_REGION_ID = "levanger-live"
_SAFE_ANCHOR = re.compile(r"^[a-z0-9-]{1,80}$")
Scroll = Literal["none", "top", "answer", "anchor", "back"]

#: Streamlit's English texts and the Norwegian we give them: (CSS selector, attribute or "text", Norwegian).
LABELS: tuple[tuple[str, str, str], ...] = (
    ('[data-testid="stSkipToContent"]', "text", "Hopp til hovedinnholdet"),
    ('[data-testid="stChatInputSubmitButton"]', "aria-label", "Send spørsmålet"),
    ('[data-testid="stChatInputTextArea"]', "aria-label", "Spørsmålet ditt"),
    ('[data-testid="stMainMenu"] button', "aria-label", "Hovedmeny"),
    ('[data-testid="stExpandSidebarButton"] button', "aria-label", "Vis sidepanelet"),
    ('[data-testid="stChatMessage"]:has([data-testid="stChatMessageAvatarUser"]) [data-testid="stChatMessageContent"]',
     "aria-label", "Spørsmålet ditt"),
    ('[data-testid="stChatMessage"]:has([data-testid="stChatMessageAvatarAssistant"]) '
     '[data-testid="stChatMessageContent"]', "aria-label", "Svar fra assistenten"),
)
#: Landmarks: (CSS selector, role, Norwegian name). Streamlit puts all app content inside its ``<main>``, where
#: axe wants neither "complementary" nor "contentinfo" (landmark-complementary-is-top-level,
#: landmark-contentinfo-is-top-level), so the staff overview and the footer are named regions.
LANDMARKS: tuple[tuple[str, str, str], ...] = (
    (".st-key-controls", "navigation", texts.CONTROLS_LABEL),
    (".st-key-staff", "region", texts.STAFF_HEADING),
    (".st-key-footer", "region", texts.FOOTER_LABEL),
)

_SCRIPT = """<script>
(() => {
  const doc = window.document;
  const win = window.parent && window.parent.document === doc ? window.parent : window;
  doc.documentElement.lang = "nb";
  const labels = %(labels)s, landmarks = %(landmarks)s;
  const relabel = () => {
    for (const [sel, attr, value] of labels) {
      for (const el of doc.querySelectorAll(sel)) {
        if (attr === "text") { if (el.textContent !== value) el.textContent = value; }
        else if (el.getAttribute(attr) !== value) el.setAttribute(attr, value);
      }
    }
    // the "?" next to a widget: Streamlit names it "Help for " and the label (no raw less-than sign in this script)
    for (const el of doc.querySelectorAll("button[aria-label]")) {
      const name = el.getAttribute("aria-label");
      if (name.startsWith("Help for ")) el.setAttribute("aria-label", %(help)s + name.slice(9));
    }
    if (win.__levangerReaders) win.__levangerReaders();
    for (const [sel, role, name] of landmarks) {
      for (const el of doc.querySelectorAll(sel)) {
        if (el.getAttribute("role") !== role) { el.setAttribute("role", role); el.setAttribute("aria-label", name); }
      }
    }
  };
  relabel();
  if (!win.__levangerPatched) {
    win.__levangerPatched = true;
    let pending = false;
    new MutationObserver(() => {
      if (pending) return;
      pending = true;
      requestAnimationFrame(() => { pending = false; relabel(); });
    }).observe(doc.body, {childList: true, subtree: true});
    // a real scroll, key or tap by the user ends our scrolling
    for (const type of ["wheel", "touchstart", "keydown", "pointerdown"]) {
      doc.addEventListener(type, (e) => { if (e.isTrusted) win.__levangerUserMoved = Date.now(); },
                           {capture: true, passive: true});
    }
    // read aloud: the device's own speech synthesis with a Norwegian voice; nothing leaves the device
    const speech = win.speechSynthesis || null;
    const voice = () => speech && speech.getVoices ?
      speech.getVoices().find((v) => /^(nb|no|nn)([-_]|$)/i.test(v.lang || "")) || null : null;
    const readers = () => { const v = voice(); for (const b of doc.querySelectorAll("[data-levanger-read]")) b.hidden = !v; };
    win.__levangerReaders = readers;
    if (speech && speech.addEventListener) speech.addEventListener("voiceschanged", readers);
    const resetReaders = () => {
      for (const b of doc.querySelectorAll("[data-levanger-read]")) {
        b.setAttribute("aria-pressed", "false"); b.textContent = %(read)s;
      }
    };
    doc.addEventListener("click", (e) => {
      const read = e.target.closest("[data-levanger-read]");
      if (read) {
        const v = voice();
        if (!v) return;
        const was = read.getAttribute("aria-pressed") === "true";
        speech.cancel();
        resetReaders();
        if (was) return;
        const answer = doc.querySelector(".st-key-svar-" + read.getAttribute("data-levanger-read"));
        const parts = answer ? answer.querySelectorAll('[data-testid="stMarkdownContainer"]') : [];
        const text = Array.from(parts, (p) => p.innerText.replace(/\\[\\d+\\]/g, "").trim()).join(" ");
        const u = new win.SpeechSynthesisUtterance(text);
        u.voice = v; u.lang = v.lang;
        u.onend = u.onerror = resetReaders;
        read.setAttribute("aria-pressed", "true"); read.textContent = %(stop)s;
        speech.speak(u);
        return;
      }
      const copy = e.target.closest("[data-levanger-copy]");
      const print = e.target.closest("[data-levanger-print]");
      if (print) { win.print(); return; }
      if (!copy) return;
      const n = copy.getAttribute("data-levanger-copy");
      const source = doc.querySelector('[data-levanger-copy-text="' + n + '"]');
      const status = doc.querySelector('[data-levanger-copied="' + n + '"]');
      const text = source ? source.textContent : "";
      const done = () => { if (status) status.textContent = %(copied)s; };
      const fallback = () => {
        const area = doc.createElement("textarea");
        area.value = text; area.setAttribute("readonly", ""); area.style.position = "fixed"; area.style.opacity = "0";
        doc.body.appendChild(area); area.select();
        try { doc.execCommand("copy"); done(); } finally { area.remove(); }
      };
      if (navigator.clipboard && win.isSecureContext) navigator.clipboard.writeText(text).then(done, fallback);
      else fallback();
    });
    // the browse filter applies as the user types: after a pause the box is committed, as Enter would do
    let filterTimer = 0;
    doc.addEventListener("input", (e) => {
      const box = e.target.closest ? e.target.closest(".st-key-browse_filter input") : null;
      if (!box) return;
      clearTimeout(filterTimer);
      filterTimer = setTimeout(() => {
        for (const type of ["keydown", "keypress"]) {
          box.dispatchEvent(new KeyboardEvent(type, {key: "Enter", code: "Enter", keyCode: 13, which: 13,
                                                     charCode: type === "keypress" ? 13 : 0, bubbles: true}));
        }
      }, 400);
    });
    // sources print expanded; afterwards they close again
    // the printout says when it was printed, and the PDF's full address (not the page's relative one)
    win.addEventListener("beforeprint", () => {
      for (const d of doc.querySelectorAll("details:not([open])")) { d.dataset.levangerPrint = "1"; d.open = true; }
      for (const a of doc.querySelectorAll('a[href^="app/static/"]')) a.dataset.levangerHref = a.href;
      const stamp = doc.createElement("p");
      stamp.id = "levanger-printed";
      stamp.textContent = %(printed)s + new Date().toLocaleDateString("nb-NO", {day: "numeric", month: "long", year: "numeric"});
      const main = doc.querySelector('[data-testid="stMainBlockContainer"]') || doc.body;
      main.prepend(stamp);
    });
    win.addEventListener("afterprint", () => {
      for (const d of doc.querySelectorAll("details[data-levanger-print]")) { d.open = false; delete d.dataset.levangerPrint; }
      const stamp = doc.getElementById("levanger-printed");
      if (stamp) stamp.remove();
    });
  }
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
  const target = %(target)s, anchor = %(anchor)s, scroll = %(scroll)s, back = %(back)s;
  const started = Date.now();
  const scroller = () => doc.querySelector('[data-testid="stAppScrollToBottomContainer"]') ||
    doc.querySelector('[data-testid="stMain"]');
  const userMoved = () => (win.__levangerUserMoved || 0) > started;
  // Streamlit's pinning to the bottom animates back down while the page grows (a cold start); a wheel event on its
  // scroll area is what stops that animation, so ours is not undone (an untrusted event: not counted as the user's)
  const release = () => { const box = scroller(); if (box) box.dispatchEvent(new WheelEvent("wheel", {deltaY: -1})); };
  const scrollOnce = () => {
    // "missing" when the target is not in the page yet, "stable" when it already was in place, else "moved"
    release();
    if (scroll === "top") {
      const box = scroller();
      const was = (box ? box.scrollTop : 0) + win.scrollY;
      if (box) box.scrollTop = 0;
      win.scrollTo(0, 0);
      return was < 2 ? "stable" : "moved";
    }
    let el = null;
    if (scroll === "answer" && target) {
      const answer = doc.querySelector("." + target);
      el = answer ? answer.closest('[data-testid="stChatMessage"]') || answer : null;
    } else if (scroll === "back" && back) {
      // back from the section view: the source it was opened from (open again), else that answer
      const box = doc.querySelector("." + back);
      el = box ? box.querySelector("details[open]") || box : null;
    } else if (scroll === "anchor" && anchor) {
      el = doc.getElementById(anchor);
    }
    if (!el) return "missing";
    const before = el.getBoundingClientRect().top;
    el.scrollIntoView({block: "start"});
    return Math.abs(el.getBoundingClientRect().top - before) < 2 ? "stable" : "moved";
  };
  const wantScroll = scroll !== "none" && !(scroll === "answer" && live.dataset.scrolled === target);
  // Streamlit keeps adding content for a moment and keeps a chat scrolled to its bottom while it grows:
  // scroll again until the target has stayed in place for a second (at most ten seconds, never after the user moved)
  let tries = 0, stable = 0;
  const tick = () => {
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
    if (wantScroll && !userMoved()) {
      const state = scrollOnce();
      stable = state === "stable" ? stable + 1 : 0;
      if (stable < 7) done = false;
      else if (scroll === "answer") live.dataset.scrolled = target;
    }
    if (!done && tries++ < 70) setTimeout(tick, 150);
  };
  tick();
})();
</script>"""


def patch_page(answer_index: int | None = None, anchor: str | None = None, scroll: Scroll = "none",
               back_to: int | None = None) -> None:
    """Set the page language and labels, announce the newest answer, and scroll.

    Args:
        answer_index: Message index of the newest answer to announce (None: nothing new).
        anchor: A section anchor to scroll to (with ``scroll="anchor"``); must be a slug, anything else is ignored.
        scroll: "top" (the first screen), "answer" (the start of the newest answer, once), "anchor", "back"
            (the open source of message ``back_to``, coming back from the section view) or "none".
        back_to: Message number of the answer to come back to (with ``scroll="back"``).
    """
    target = f"st-key-{ANSWER_KEY}{int(answer_index)}" if answer_index is not None else ""
    safe_anchor = anchor if anchor and _SAFE_ANCHOR.match(anchor) else ""
    back = f"st-key-{ANSWER_KEY}{int(back_to)}" if back_to is not None else ""
    if scroll == "anchor" and not safe_anchor:
        scroll = "none"
    # json.dumps gives JS literals; "<" is escaped as well so nothing can close the script tag
    values = {name: json.dumps(value, ensure_ascii=False).replace("<", "\\u003c") for name, value in (
        ("region", LIVE_REGION_ID), ("target", target), ("anchor", safe_anchor), ("scroll", scroll),
        ("prefix", texts.ANNOUNCE_PREFIX), ("copied", texts.COPIED), ("labels", LABELS), ("help", texts.HELP_FOR),
        ("landmarks", LANDMARKS), ("read", texts.READ), ("stop", texts.READ_STOP), ("back", back),
        ("printed", texts.PRINTED))}
    st.html(_SCRIPT % values, unsafe_allow_javascript=True)
