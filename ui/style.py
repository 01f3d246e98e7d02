"""The app's stylesheet: contrast, phone layout, tap targets, the large-text option and print.

Streamlit's theme options (``.streamlit/config.toml``) set the main colours; what they cannot reach is
set here, scoped to Streamlit's ``data-testid`` attributes and to the ``st-key-<key>`` classes of our
own keyed containers. The CSS is a fixed string (no user or corpus text). A style-only ``st.html`` goes to
Streamlit's event container, which this version does not put in the page, so a small fixed script writes
the rules into one ``<style id="levanger-css">`` in the document head instead.
"""

from __future__ import annotations

import json

import streamlit as st

from ui import texts

#: Text colour for captions, quotes and other secondary text: 7.0:1 on white, 6.3:1 on #EEF3F6.
MUTED = "#4A5863"
#: Links (the theme's primary colour): 7.1:1 on white.
LINK = "#1F5F7A"
#: The emergency call button's red: white text on it is 8.1:1.
EMERGENCY = "#A4000F"
HELP_FOR = texts.HELP_FOR.strip()

_BASE = f"""
/* the script-only st.html elements (this stylesheet, ui.a11y) take no room */
[data-testid="stElementContainer"]:has(> [data-testid="stHtml"] > script:only-child) {{
  position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }}
/* secondary text: Streamlit's default grey (#778085) is 4.03:1 on white, below WCAG AA */
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p,
[data-testid="stMarkdownContainer"] blockquote, [data-testid="stMarkdownContainer"] blockquote p,
[data-testid="stWidgetLabel"] p, [data-testid="stChatInputTextArea"]::placeholder {{
  color: {MUTED} !important; opacity: 1 !important;
}}
[data-testid="stCaptionContainer"] a, [data-testid="stMarkdownContainer"] a {{ color: {LINK} !important; }}
/* long Norwegian compounds break with a hyphen instead of in the middle of a word */
h1, h2, h3 {{ hyphens: auto; overflow-wrap: break-word; }}
h2 {{ font-size: 1.5rem !important; }}
h3 {{ font-size: 1.25rem !important; }}
/* an answer that is scrolled to stops below Streamlit's header, not under it */
[data-testid="stChatMessage"], [data-testid="stHeading"] {{ scroll-margin-top: 4.5rem; }}
/* tap targets of at least 44 px (WCAG 2.5.5, our own bar), every one measured by the browser tests */
[data-testid^="stBaseButton"], [data-testid^="stBaseLinkButton"],
button[data-variant="segmented_control"] {{ min-height: 2.75rem; }}
label[data-baseweb="checkbox"], [data-testid="stCheckbox"] > label {{ min-height: 2.75rem; align-items: center; }}
button[aria-label^="Help for"], button[aria-label^="{HELP_FOR}"],
[data-testid="stChatInputSubmitButton"] {{ min-width: 2.75rem; min-height: 2.75rem; display: inline-flex;
  align-items: center; justify-content: center; }}
[data-testid="stChatInputTextArea"], [data-testid="stTextInputField"] {{ min-height: 2.75rem; }}
[data-testid="stRadio"] label {{ min-height: 2.75rem; align-items: center; }}
/* keyboard focus: a solid 3 px ring in the link colour (7.1:1 on white) on every control, where Streamlit draws a
   half-transparent shadow or nothing (the scroll container, the chat box); a switch shows it on its label, the
   chat box round the whole box */
a:focus-visible, button:focus-visible, summary:focus-visible, textarea:focus-visible, input:focus-visible,
[role="radio"]:focus-visible, [tabindex]:focus-visible {{ outline: 3px solid {LINK} !important;
  outline-offset: 2px !important; }}
[data-testid="stAppScrollToBottomContainer"]:focus-visible {{ outline-offset: -3px !important; }}
/* the chat box: the ring goes round the whole box (on the text area it would cover the placeholder) */
[data-testid="stChatInputTextArea"]:focus-visible {{ outline: none !important; }}
[data-testid="stChatInput"]:has(textarea:focus-visible) {{ outline: 3px solid {LINK}; outline-offset: 2px;
  border-radius: .6rem; }}
[data-testid="stCheckbox"] > label:has(input:focus-visible), label[data-baseweb="checkbox"]:has(input:focus-visible) {{
  outline: 3px solid {LINK}; outline-offset: 2px; }}
/* what gets focus is scrolled into view above the fixed input box, not behind it */
[data-testid="stAppScrollToBottomContainer"] {{ scroll-padding-bottom: 9.5rem; }}
/* Streamlit's 16 px "Link to heading" icons: the browse view has its own "Lenke til denne delen" */
[data-testid="stHeaderActionElements"] {{ display: none !important; }}
[data-testid="stExpanderDetails"] p > a:only-child, .st-key-footer [data-testid="stCaptionContainer"] p > a:only-child {{
  display: inline-flex; align-items: center; min-height: 2.75rem; }}
/* the emergency call has a red of its own: white on #A4000F is 8.1:1, on the hover #7F000B 11.0:1 */
[class*="st-key-emergency-"] [data-testid="stBaseLinkButton-primary"] {{ background: {EMERGENCY} !important;
  border-color: {EMERGENCY} !important; color: #FFFFFF !important; }}
[class*="st-key-emergency-"] [data-testid="stBaseLinkButton-primary"]:hover {{ background: #7F000B !important;
  border-color: #7F000B !important; }}
[class*="st-key-emergency-"] [data-testid="stBaseLinkButton-primary"] p {{ color: #FFFFFF !important;
  font-size: 1.15rem; font-weight: 700; }}
[class*="st-key-emergency-"] [data-testid="stBaseLinkButton-primary"]:focus-visible {{ outline: 3px solid {LINK};
  outline-offset: 2px; }}
[class*="st-key-call"] a {{ min-height: 3.25rem; }}
[class*="st-key-call"] a p {{ font-size: 1.15rem; font-weight: 700; }}
/* the copy and print buttons (plain HTML in st.html) look like Streamlit's secondary buttons */
.levanger-tools {{ display: flex; gap: .5rem; flex-wrap: wrap; }}
.levanger-tools button {{
  font: inherit; min-height: 2.75rem; padding: .25rem .9rem; border-radius: .5rem; cursor: pointer;
  color: #1C2B33; background: #FFFFFF; border: 1px solid #8A99A3;
}}
.levanger-tools button:focus-visible {{ outline: 3px solid {LINK}; outline-offset: 2px; }}
.levanger-tools [role="status"] {{ align-self: center; color: {MUTED}; }}
/* the emergency box: the numbers are large */
[class*="st-key-emergency-"] [data-testid="stAlertContentError"] strong {{ font-size: 1.2em; }}
@media (max-width: 640px) {{
  h1 {{ font-size: 1.65rem !important; line-height: 1.25 !important; }}
  /* a phone: no avatar column, and cards are flat (a rule between them, not boxes inside boxes) */
  [data-testid^="stChatMessageAvatar"] {{ display: none !important; }}
  [data-testid="stChatMessage"] {{ padding-left: 0 !important; padding-right: 0 !important; }}
  [class*="st-key-card-"], [class*="st-key-route-"] {{ border: 0 !important; border-radius: 0 !important;
    border-top: 1px solid #C9D3D9 !important; padding: .5rem 0 0 !important; }}
  /* browse: an open service is shown instead of the list, with "Tilbake til listen" */
  .st-key-browse-list-open {{ display: none !important; }}
  .block-container, [data-testid="stMainBlockContainer"] {{ padding-top: 1.5rem !important;
    padding-left: 1rem !important; padding-right: 1rem !important; }}
}}
@media (min-width: 641px) {{
  .st-key-browse-to-list {{ display: none !important; }}
  /* a desktop: the title on one line, less empty space above it and below the input box, so that every example
     question is on the first screen above the fixed input box, down to 1280×720 (measured in the browser tests) */
  .block-container, [data-testid="stMainBlockContainer"] {{ padding-top: 4rem !important; }}
  h1 {{ font-size: 2rem !important; line-height: 1.2 !important; }}
  [data-testid="stBottomBlockContainer"] {{ padding-bottom: 1.5rem !important; }}
}}
@media print {{
  [data-testid="stBottom"], [data-testid="stBottomBlockContainer"], [data-testid="stChatInput"],
  [data-testid="stHeader"], [data-testid="stSidebar"], [data-testid="stToolbar"], [data-testid="stDecoration"],
  [data-testid="stSkipToContent"], .st-key-controls, [class*="st-key-call"], [class*="st-key-browse-back"], [class*="st-key-feedback"],
  [class*="st-key-tools"], [class*="st-key-open-"], .stButton, .stLinkButton,
  [data-testid="stExpanderToggleIcon"] {{ display: none !important; }}
  /* sources print expanded: a closed <details> still lays out its content for print */
  details::details-content {{ content-visibility: visible !important; display: block !important; }}
  details > div, [data-testid="stExpanderDetails"] {{ display: block !important; visibility: visible !important;
    height: auto !important; }}
  [data-testid="stMain"], [data-testid="stAppScrollToBottomContainer"] {{ overflow: visible !important;
    height: auto !important; }}
  a[href^="app/static/"]::after {{ content: " (" attr(data-levanger-href) ")"; }}
}}
"""

_LARGE = """
html { font-size: 125% !important; }
"""


STYLE_ID = "levanger-css"
_SCRIPT = """<script>
(() => {
  let el = document.getElementById(%(id)s);
  if (!el) { el = document.createElement("style"); el.id = %(id)s; document.head.appendChild(el); }
  if (el.textContent !== %(css)s) el.textContent = %(css)s;
})();
</script>"""


def css(*, large_text: bool) -> str:
    """The stylesheet, with the large-text rules when chosen."""
    return _BASE + (_LARGE if large_text else "")


def inject(*, large_text: bool) -> None:
    """Put the stylesheet into the page (replacing the previous run's, so the text size can go back)."""
    values = {k: json.dumps(v).replace("<", "\\u003c") for k, v in (("id", STYLE_ID), ("css", css(large_text=large_text)))}
    st.html(_SCRIPT % values, unsafe_allow_javascript=True)
