"""Personal data: find and mask fødselsnummer/D-numbers, phone numbers, e-mail addresses and passport-like
document numbers, however they are typed.

Masking happens before a question is embedded, searched, logged or stored, so nothing downstream can
leak what was typed. Each turn is masked on its own; raw turns are never joined before masking.

Detection runs on a *view* of the text with exactly one character per original character, so a match in
the view is replaced at the same place in the original:

* Unicode digits (full-width ``１``, superscript ``¹``, circled ``①``, other scripts) become ASCII digits;
  full-width ``＠``/``．`` and Unicode dashes become ASCII; odd spaces become a space;
* look-alike letters touching a digit (``O``/``o`` → 0, ``I``/``l`` → 1) become digits ("O1O17O12345"), but
  never inside a word ("Oslo 1");
* times ("kl. 09.00–15.00", "22.30") and dates with a 20xx year ("1.5.2025", "2025-05-01") get ``:`` as
  their separator, which joins nothing, so they stay readable and are not read as phone or id numbers.

Every text that is answered, kept or stored goes through one path, :func:`clean_and_mask`: the text is
cleaned first (zero-width characters and soft hyphens removed, tabs, newlines and runs of spaces made one
space), so a number split by them ("311299\u200b56715", "91\t23\t45\t67") is one number to the masker.

What is not found: names and addresses (not reliably detectable; the UI and the reply warn instead), a
birth date on its own, and a number split across two turns (each half alone is not an identifier).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

FNR_MASK = "[fødselsnummer fjernet]"
PHONE_MASK = "[telefonnummer fjernet]"
EMAIL_MASK = "[e-post fjernet]"
PASSPORT_MASK = "[dokumentnummer fjernet]"
MASKS: tuple[str, ...] = (FNR_MASK, PHONE_MASK, EMAIL_MASK, PASSPORT_MASK)

#: Words people write instead of "@" and "." in an address, Norwegian and English.
AT_WORDS: tuple[str, ...] = ("at", "krøllalfa", "alfakrøll", "snabel-a")
DOT_WORDS: tuple[str, ...] = ("dot", "punktum", "prikk")
#: Look-alike letters read as digits when they touch a digit.
LOOKALIKES: dict[str, str] = {"O": "0", "o": "0", "I": "1", "l": "1"}
_DASHES = frozenset("\u2010\u2011\u2012\u2212\ufe63\uff0d")
#: At least this many digits in one run (any separators) is masked as an id: a fødselsnummer with a digit
#: missing or added, an account or card number.
MIN_ID_DIGITS = 10

# Zero-width and bidi controls and the soft hyphen hide text from a reader while a machine still sees it; they
# are removed before anything reads the text.
INVISIBLE: dict[int, None] = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"
                                                   "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))

# One separator between digit groups: space, dot, dash, slash or plus (optionally with spaces), or a bare
# comma. A comma followed by a space separates list items ("124 028, 130 160 kr") and does not join.
_SEP = r"(?:\ ?[.\-/+]\ ?|,|\ )"
_RUN = re.compile(rf"(?<!\d)\d(?:{_SEP}?\d)+(?!\d)")
# Norwegian numbers are 8 digits and start with 2-9; grouped 2-2-2-2, 3-2-3 or 4-4 (every group boundary
# separated), written together, or split by spaces anywhere ("91 234 567", "9 1 2 3 4 5 6 7"). Only spaces
# may split them anywhere: "31.12.1948" is a date.
_S = r"(?:\ ?[.\-/+]\ ?|\ )"
_LOCAL = (r"(?:[2-9]\d{S}\d\d{S}\d\d{S}\d\d|[2-9]\d\d{S}\d\d{S}\d\d\d|[2-9]\d\d\d{S}\d{4}|[2-9](?:\ ?\d){7})"
          .replace("{S}", _S))
_PHONE = re.compile(rf"(?<!\d)(?:\(?(?:\+|00)\ ?47\)?{_S}?)?{_LOCAL}(?!\d)")
_INTL_PHONE = re.compile(rf"(?<!\d)\(?(?:\+|00)\ ?47\)?{_S}?{_LOCAL}(?!\d)")
_PASSPORT = re.compile(r"(?<![^\W\d_])[A-Za-z]{2}\ ?\d{7}(?!\d)")
# A birth date (DDMMYY; D-numbers add 40 to the day, H-numbers 40 to the month) and, a few words later, a
# five-digit personal number: "er 010170 og så 12345", "010170, 12345".
_DAY = r"(?:0[1-9]|[12]\d|3[01]|[4-6]\d|7[01])"
_MONTH = r"(?:0[1-9]|1[0-2]|4[1-9]|5[0-2])"
_BIRTH_PLUS_NUMBER = re.compile(
    rf"(?<!\d){_DAY}[.\-/: ]?{_MONTH}[.\-/: ]?(?:19)?\d\d(?!\d)[^\d.?!]{{1,25}}?(?<!\d)\d{{5}}(?!\d)")

_W = r"[\w.+\-]"
_AT = "|".join(AT_WORDS)
_DOT = "|".join(DOT_WORDS)
# a dot with spaces around it ("kari @ example . no"); the price: a word right after an address that ends a
# sentence ("kari@example.no. Takk") is masked with it
_DOT_SEP = rf"(?:\s*\.\s*|\s*[(\[{{<]\s*(?:{_DOT})\s*[)\]}}>]\s*|\s+(?:{_DOT})\s+)"
_EMAIL = re.compile(
    rf"(?<!{_W}){_W}+(?:\s*@\s*|\s*[(\[{{<]\s*(?:{_AT}|@)\s*[)\]}}>]\s*|\s+(?:{'|'.join(AT_WORDS[1:])})\s+)"
    rf"[\w\-]+(?:{_DOT_SEP}[\w\-]+)*{_DOT_SEP}[a-z]{{2,12}}(?![\w\-])", re.IGNORECASE)
# "kari at example dot no": the bare word "at" is also Norwegian for "that", so only with a spelled-out dot.
_EMAIL_SPELLED = re.compile(
    rf"(?<!{_W}){_W}+\s+at\s+[\w\-]+(?:\s+(?:{_DOT})\s+[\w\-]+)+(?![\w\-])", re.IGNORECASE)

_LOOKALIKE_RUN = re.compile(r"(?<=\d)[OoIl]+(?![^\W\d_])|(?<![^\W\d_])[OoIl]+(?=\d)")
_TIME = re.compile(r"(?<![\d.:])(?:[01]?\d|2[0-3])\.[0-5]\d(?!\d|\.\d)")
_DATE_20XX = re.compile(r"(?<![\d.])(?:0?[1-9]|[12]\d|3[01])([./])(?:0?[1-9]|1[0-2])\1(?:20)\d\d(?!\d)"
                        r"|(?<![\d\-])20\d\d-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?!\d)")


def fnr_checksum_ok(digits: str) -> bool:
    """True when 11 digits pass the fødselsnummer/D-number mod-11 control digits."""
    if len(digits) != 11 or not digits.isdigit():
        return False
    d = [int(c) for c in digits]
    w1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
    w2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
    k1 = 11 - sum(a * b for a, b in zip(w1, d[:9], strict=True)) % 11
    k1 = 0 if k1 == 11 else k1
    k2 = 11 - sum(a * b for a, b in zip(w2, d[:9] + [k1], strict=True)) % 11
    k2 = 0 if k2 == 11 else k2
    return k1 != 10 and k2 != 10 and (k1, k2) == (d[9], d[10])


def _view_char(ch: str) -> str:
    if ch.isascii():
        return ch
    if ch in _DASHES:
        return "-"
    folded = unicodedata.normalize("NFKC", ch)
    if len(folded) == 1 and folded.isascii():
        return folded
    digit = unicodedata.digit(ch, None)
    if digit is not None:
        return str(digit)
    return " " if ch.isspace() else ch


def detection_view(text: str) -> str:
    """The text as the detectors see it, one character per original character (see the module docstring)."""
    view = "".join(map(_view_char, text))
    view = _LOOKALIKE_RUN.sub(lambda m: "".join(LOOKALIKES[c] for c in m.group()), view)
    view = _TIME.sub(lambda m: m.group().replace(".", ":"), view)
    return _DATE_20XX.sub(lambda m: re.sub(r"[./\-]", ":", m.group()), view)


@dataclass(frozen=True)
class Masked:
    """A masked text and what was found in it (kinds only, never the values)."""

    text: str
    found: tuple[str, ...]

    @property
    def had_personal_data(self) -> bool:
        """True when anything was masked."""
        return bool(self.found)


class _Masking:
    """The text and its detection view, masked together so their positions stay aligned."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.view = detection_view(text)
        self.found: list[str] = []

    def mask(self, pattern: re.Pattern[str], mask: str, kind: str, *, min_digits: int = 0) -> None:
        text, view, last = [], [], 0
        for m in pattern.finditer(self.view):
            if sum(c.isdigit() for c in m.group()) < min_digits:
                continue
            text.append(self.text[last:m.start()])
            view.append(self.view[last:m.start()])
            text.append(mask)
            view.append(mask)
            last = m.end()
            self.found.append(kind)
        if last:
            self.text = "".join(text) + self.text[last:]
            self.view = "".join(view) + self.view[last:]


def mask_personal_data(text: str) -> Masked:
    """Mask national ids, phone numbers, e-mail addresses and passport-like numbers in one text.

    Every run of 10 or more digits is masked whatever its checksum: a mistyped fødselsnummer is still
    personal data. Mask one turn at a time; never join turns before masking.
    """
    m = _Masking(text)
    m.mask(_EMAIL, EMAIL_MASK, "email")
    m.mask(_EMAIL_SPELLED, EMAIL_MASK, "email")
    m.mask(_INTL_PHONE, PHONE_MASK, "phone")  # "0047 912 34 567" has 12 digits: before the id rule sees it
    m.mask(_PASSPORT, PASSPORT_MASK, "passport")
    m.mask(_RUN, FNR_MASK, "national_id", min_digits=MIN_ID_DIGITS)
    m.mask(_BIRTH_PLUS_NUMBER, FNR_MASK, "national_id")
    m.mask(_PHONE, PHONE_MASK, "phone")
    return Masked(m.text, tuple(dict.fromkeys(m.found)))


def clean_text(text: object, *, limit: int) -> tuple[str, bool]:
    """Make any input a safe, bounded string.

    Returns:
        The cleaned text (NFC, zero-width characters and soft hyphens removed, other control characters
        made spaces, white space collapsed to one space, at most ``limit`` characters) and whether it was
        truncated.
    """
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    text = unicodedata.normalize("NFC", text).translate(INVISIBLE)
    text = "".join(ch if (ch.isprintable() or ch in "\n\t") else " " for ch in text)
    text = re.sub(r"\s+", " ", text).strip()
    truncated = len(text) > limit
    return (text[:limit].rstrip(), truncated)


def clean_and_mask(text: object, *, limit: int, read: int | None = None) -> tuple[Masked, bool, str]:
    """The one cleaning and masking path of every text that is answered, kept or stored.

    Cleaning comes first, so a number split by zero-width characters, soft hyphens, tabs or newlines is
    seen whole; masking comes before the cut to ``limit``, so a number cut in two cannot survive in part.

    Args:
        text: Anything (non-strings are turned into text, None into "").
        limit: The result is cut to this many characters.
        read: At most this many cleaned characters are read (bounds the masking of huge inputs); default
            ``4 * limit``.

    Returns:
        The masked text (cut to ``limit``) with what was found, whether it was cut, and the whole masked
        text up to ``read`` characters.
    """
    cleaned, _ = clean_text(text, limit=read if read is not None else 4 * limit)
    masked = mask_personal_data(cleaned)
    short, truncated = clean_text(masked.text, limit=limit)
    return Masked(short, masked.found), truncated or len(cleaned) > limit, masked.text


def strip_masks(text: str) -> str:
    """Drop the mask placeholders, so "[fødselsnummer fjernet]" does not steer the search."""
    for mask in MASKS:
        text = text.replace(mask, " ")
    return " ".join(text.split())
