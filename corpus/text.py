"""Small text helpers shared by the loaders and the chunker."""

from __future__ import annotations

import re
import unicodedata

_WS = re.compile(r"[ \t\u00a0]+")
# A sentence ends at . ! ? followed by white space and a capital, digit or quote -- except after an ordinal
# ("1. mai") or a common abbreviation ("nr. 6", "f.eks. Hjemmesykepleie"). A time, a decimal, a phone number or a
# number of three digits ("kl. 09.00–15.00.", "74 05 25 00.", "116 117.") is no ordinal: the sentence ends there.
_BOUNDARY = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ0-9«\"(])")
_NO_END = re.compile(r"(?:(?<![\d.,:–-])(?<!\d )\b\d{1,2}|\b(?:nr|kl|jf|ca|pkt|dvs|bl\.a|f\.eks|mv|evt|inkl|ref|tlf|mm))\.$",
                     re.IGNORECASE)


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


def sentence_bounds(line: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences in one line of text, trailing white space excluded."""
    out: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(line):
        if _NO_END.search(line[start : m.start()]):
            continue
        out.append((start, m.start()))
        start = m.end()
    out.append((start, len(line.rstrip())))
    return [(a, b) for a, b in out if line[a:b].strip()]


def split_sentences(paragraph: str) -> list[str]:
    """Split one paragraph into sentences; a bullet line is one sentence."""
    paragraph = paragraph.strip()
    return [paragraph[a:b].strip() for a, b in sentence_bounds(paragraph)]


def slugify(text: str) -> str:
    """ASCII slug for ids and anchors: "Hva inngår – og hva inngår ikke?" -> "hva-inngar-og-hva-inngar-ikke"."""
    table = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "ae", "Ø": "o", "Å": "a"})
    text = nfc(text).translate(table).lower()
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")
