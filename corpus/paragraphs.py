"""Rebuilding paragraphs and bullet lists from the lines of a page, undoing hyphenation at line ends."""

from __future__ import annotations

import re

_BULLET = re.compile(r"^[•●▪◦‣∙·*-]\s+")
_SUSPENDED_NEXT = {"og", "eller", "and", "or"}
_SENTENCE_END = (".", "!", "?", ":", ";")


def join_lines(left: str, right: str) -> str:
    """Join two lines of one paragraph, undoing hyphenation at the line end."""
    if left.endswith("\u00ad"):
        return left[:-1] + right
    if left.endswith("-") and len(left) > 1 and left[-2].isalpha():
        word = left.split()[-1][:-1]
        nxt = right.split()[0].lower() if right.split() else ""
        if nxt.strip(",") in _SUSPENDED_NEXT or right.startswith(","):
            return left + " " + right  # "helse- og omsorgstjenester"
        # Acronyms and one-letter prefixes ("TT-kort", "e-post") keep their real hyphen.
        if right[:1].islower() and not (word.isupper() or len(word) <= 1):
            return left[:-1] + right  # "omsorgs-" + "tjenester"
        return left + right  # "TT-" + "kortet": the hyphen is part of the word
    if left.endswith("-") and left[-2:-1].isdigit():
        return left + right  # "§ 3-" + "2"
    return left + " " + right


def paragraphs(lines: list[tuple[int, str]]) -> str:
    """Rebuild paragraphs and "- " bullets from (page, line) pairs; "" lines are gaps."""
    items: list[tuple[bool, str]] = []  # (is_bullet, text)
    open_item = False
    prev_page = None
    for page, line in lines:
        if not line:
            open_item = False
            continue
        bullet = _BULLET.match(line)
        if open_item and prev_page is not None and page != prev_page:
            last = items[-1][1]
            # A paragraph runs on over a page break unless it visibly ended on the last page.
            open_item = not last.endswith(_SENTENCE_END) or line[:1].islower()
        if bullet:
            items.append((True, line[bullet.end():]))
        elif open_item:
            items[-1] = (items[-1][0], join_lines(items[-1][1], line))
        else:
            items.append((False, line))
        open_item, prev_page = True, page
    parts: list[str] = []
    for i, (is_bullet, text) in enumerate(items):
        text = text.replace("\u00ad", "").strip()
        if i:
            prev_bullet, prev_text = items[i - 1]
            tight = is_bullet and (prev_bullet or prev_text.rstrip().endswith(":"))
            parts.append("\n" if tight else "\n\n")
        parts.append(f"- {text}" if is_bullet else text)
    return "".join(parts)
