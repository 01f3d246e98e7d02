"""Links from the guide's legal references to their text on Lovdata (``corpus/laws.yaml``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

LAWS_PATH = Path(__file__).resolve().parent / "laws.yaml"
LOVDATA = "https://lovdata.no"
#: The first section a reference names ("§ 3-2 første ledd", "§§ 28–29", "§ 7-2 a"): Lovdata's anchor for it.
_SECTION = re.compile(r"§§?\s*(\d+(?:-\d+)?\s?[a-z]?)\b")


@dataclass(frozen=True)
class LegalLink:
    """A legal reference as the guide writes it, and the Lovdata page of the law (or of its section)."""

    text: str
    url: str


@lru_cache(maxsize=1)
def _ids() -> tuple[tuple[str, str], ...]:
    """(name, url prefix), longest name first, so a regulation's name wins over a law inside it."""
    import yaml  # lazy: read on first use, not on import

    data = yaml.safe_load(LAWS_PATH.read_text(encoding="utf-8")) or {}
    pairs = [(str(n), f"{LOVDATA}/lov/{i}") for n, i in (data.get("laws") or {}).items()]
    pairs += [(str(n), f"{LOVDATA}/forskrift/{i}") for n, i in (data.get("regulations") or {}).items()]
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


def lovdata_url(reference: str) -> str | None:
    """The Lovdata address of a reference ("helse- og omsorgstjenesteloven § 3-2" -> .../lov/2011-06-24-30/§3-2),
    or None when the law is not one whose id is known."""
    lowered = reference.strip().lower()
    for name, prefix in _ids():
        if lowered.startswith(name):
            section = _SECTION.search(lowered[len(name):])
            return prefix + ("/§" + section.group(1).replace(" ", "") if section else "")
    return None


def legal_links(references: tuple[str, ...] | list[str]) -> list[LegalLink | str]:
    """Each reference with its link, or as plain text when no link is known."""
    out: list[LegalLink | str] = []
    for ref in references:
        url = lovdata_url(ref)
        out.append(LegalLink(ref, url) if url else ref)
    return out
