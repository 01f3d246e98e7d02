"""Personal data: find and mask fødselsnummer/D-numbers, phone numbers and e-mail addresses.

Masking happens before a question is embedded, searched, logged or stored, so nothing downstream can
leak what was typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# 11 digits, optionally grouped with spaces, dots or dashes ("311299 56715", "311299-56715"); longer runs too
# (a national id typed with an extra digit or glued to another number, a card number), so no 11-digit run survives.
_ELEVEN = re.compile(r"(?<![\d])(?:\d[ .\-]?){10,}\d(?![\d])")
# Norwegian phone numbers: 8 digits, optionally +47/0047, grouped 2-2-2-2, 3-2-3 or 4-4.
# No dots as separators: "31.12.2025" is a date, not a phone number.
_LOCAL_PHONE = r"(?:\d{2}[ \-]?\d{2}[ \-]?\d{2}[ \-]?\d{2}|\d{3}[ \-]?\d{2}[ \-]?\d{3}|\d{4}[ \-]?\d{4})"
_PHONE = re.compile(r"(?<![\d.])(?:(?:\+|00)\s?47[ .\-]?)?" + _LOCAL_PHONE + r"(?![\d])")
# With the country code first ("0047 912 34 567" is 12 digits): masked before the long-run rule above sees it.
_INTL_PHONE = re.compile(r"(?<![\d])(?:\+|00)\s?47[ .\-]?" + _LOCAL_PHONE + r"(?![\d])")
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")

FNR_MASK = "[fødselsnummer fjernet]"
PHONE_MASK = "[telefonnummer fjernet]"
EMAIL_MASK = "[e-post fjernet]"


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


@dataclass(frozen=True)
class Masked:
    """A masked text and what was found in it (kinds only, never the values)."""

    text: str
    found: tuple[str, ...]

    @property
    def had_personal_data(self) -> bool:
        """True when anything was masked."""
        return bool(self.found)


def mask_personal_data(text: str) -> Masked:
    """Mask every 11-digit run (valid checksum or not), phone numbers and e-mail addresses.

    Any 11-digit run is masked: a mistyped fødselsnummer is still personal data.
    """
    found: list[str] = []

    def sub(pattern: re.Pattern[str], mask: str, kind: str, value: str) -> str:
        def repl(_m: re.Match[str]) -> str:
            found.append(kind)
            return mask

        return pattern.sub(repl, value)

    text = sub(_EMAIL, EMAIL_MASK, "email", text)
    text = sub(_INTL_PHONE, PHONE_MASK, "phone", text)
    text = sub(_ELEVEN, FNR_MASK, "national_id", text)
    text = sub(_PHONE, PHONE_MASK, "phone", text)
    return Masked(text, tuple(dict.fromkeys(found)))


def strip_masks(text: str) -> str:
    """Drop the mask placeholders, so "[fødselsnummer fjernet]" does not steer the search."""
    for mask in (FNR_MASK, PHONE_MASK, EMAIL_MASK):
        text = text.replace(mask, " ")
    return " ".join(text.split())
