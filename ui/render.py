"""Text-to-Markdown helpers that keep untrusted text inert, plus the browse view's link format.

Questions, quotes and corpus passages are shown through Streamlit's Markdown (never with
``unsafe_allow_html``); escaping every Markdown character means typed or quoted text cannot turn
into links, images, formatting or LaTeX.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from assistant.municipality import municipality
from corpus.text import slugify

# every ASCII punctuation character CommonMark (and Streamlit's $…$ math) gives a meaning to, plus ":", "/"
# and "@": GFM turns "http://…", "www.…" and "a@b.no" into links by scanning the raw source, so a typed URL
# must be broken up in the source ("http\:\/\/…") while it still displays as typed
_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$&:/@])")
_BULLET = re.compile(r"^\s*[-*•]\s+")
# Norwegian alphabet order: æ, ø, å come after z (Python's code-point order puts å before æ and ø)
_NB_ORDER = str.maketrans({"æ": "z{", "ø": "z|", "å": "z}"})

#: Query parameters of the browse view; shared links use them.
SERVICE_PARAM = "tjeneste"
SECTION_PARAM = "seksjon"
#: ``?ansatt=1`` offers the staff mode switch (it is not on the citizen's first screen).
STAFF_PARAM = "ansatt"


def escape_markdown(text: str) -> str:
    """Backslash-escape every character Markdown would interpret."""
    return _SPECIAL.sub(r"\\\1", text)


def user_text_markdown(text: str) -> str:
    """A user's message as inert Markdown, keeping its line breaks."""
    return "  \n".join(escape_markdown(line.strip()) for line in text.splitlines())


def body_markdown(text: str) -> str:
    """Corpus text as inert Markdown; bullet lines stay a list, everything else is literal."""
    out = []
    for line in text.splitlines():
        bullet = _BULLET.match(line)
        out.append("- " + escape_markdown(line[bullet.end():]) if bullet else escape_markdown(line.strip()))
    return "\n".join(out)


def quote_markdown(text: str) -> str:
    """A cited passage as an inert Markdown block quote."""
    return "\n".join(f"> {line}" if line else ">" for line in body_markdown(text).splitlines())


def section_anchor(heading: str) -> str:
    """The anchor of a section in the browse view (same slug as in chunk ids)."""
    return slugify(heading)


def section_link(service_id: str, heading: str | None = None) -> str:
    """Relative link that opens a service (and section) in the browse view."""
    params = {SERVICE_PARAM: service_id}
    if not heading:
        return "?" + urlencode(params)
    anchor = section_anchor(heading)
    params[SECTION_PARAM] = anchor
    return f"?{urlencode(params)}#{anchor}"


def nb_sort_key(text: str) -> str:
    """Sort key for Norwegian A–Å order."""
    return text.casefold().translate(_NB_ORDER)


#: Phone numbers the fixed templates print in bold, and their ``tel:`` addresses (the municipality's
#: switchboard comes from its profile).
_PHONES: dict[str, str] = {
    municipality().switchboard: municipality().tel,
    "113": "tel:113",
    "112": "tel:112",
    "116 117": "tel:116117",
    "116 123": "tel:116123",
    "22 59 13 00": "tel:+4722591300",
    "55 55 33 33": "tel:+4755553333",
}
_BOLD_PHONE = re.compile(r"\*\*(" + "|".join(re.escape(p) for p in _PHONES) + r")\*\*")


def phone_links(markdown: str) -> str:
    """Make the bold phone numbers of the templates (the switchboard, ``**113**``) tappable ``tel:`` links."""
    return _BOLD_PHONE.sub(lambda m: f"[**{m.group(1)}**]({_PHONES[m.group(1)]})", markdown)
