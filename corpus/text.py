"""Small text helpers shared by the loaders and the chunker."""

from __future__ import annotations

import re
import unicodedata

_WS = re.compile(r"[ \t\u00a0]+")
# A sentence ends at . ! ? followed by a space and an upper-case letter, digit or quote; "f.eks." and
# "bl.a." do not end one because a lower-case word follows them.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ0-9«\"(])")


def nfc(text: str) -> str:
    """Return ``text`` NFC-normalised, so "å" written as a + ring compares equal to "å"."""
    return unicodedata.normalize("NFC", text)


def clean_paragraphs(text: str) -> str:
    """Normalise white space inside lines and collapse runs of blank lines to one."""
    lines = [_WS.sub(" ", line).strip() for line in nfc(text).splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def split_sentences(paragraph: str) -> list[str]:
    """Split one paragraph into sentences; a bullet line is one sentence."""
    paragraph = paragraph.strip()
    if not paragraph:
        return []
    return [s.strip() for s in _SENTENCE_END.split(paragraph) if s.strip()]


def slugify(text: str) -> str:
    """ASCII slug for ids and anchors: "Hva inngår – og hva inngår ikke?" -> "hva-inngar-og-hva-inngar-ikke"."""
    table = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "ae", "Ø": "o", "Å": "a"})
    text = nfc(text).translate(table).lower()
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")
