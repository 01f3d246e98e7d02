"""Understanding a question: clean it, find the services it names, the aspect it asks about, and
whether it is an elliptic follow-up ("Hva koster det?") that needs the conversation's focus."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from corpus.model import Document
from index.normalize import normalise_text

# Zero-width and bidi controls hide text from a reader while a machine still sees it.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))

# Aspect cues, checked in this order on normalised text; the first that matches wins.
ASPECT_CUES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (aspect, re.compile(r"\b(?:" + pattern + r")\b"))
    for aspect, pattern in (
        ("law", r"lov\w*|lovgrunnlag\w*|lovhjemmel|hjemmel|hjemmelen|paragraf\w*|forskrift\w*|rettsgrunnlag"),
        ("cost", r"kost\w*|pris\w*|betal\w*|egenandel\w*|gratis|penger|kroner|kr|vederlag\w*|dyr\w*|"
                 r"gebyr\w*|faktura\w*|pay|price"),
        ("apply", r"søke|søker|søknad\w*|søknadsskjema|skjema\w*|søkes|hvordan få|hvordan får|"
                  r"hvor henvender|henvend\w*|bestille|bestiller|melde|apply"),
        ("who", r"hvem|rett (på|til)|har jeg rett|kan (jeg|vi|han|hun|mor|far|de) få|vilkår\w*|kriteri\w*|"
                r"tildelingskriteri\w*|kvalifiser\w*|aldersgrense|krav for|eligible|who"),
        ("included", r"inngår|inkludert|dekker|hva får|hva slags hjelp|hjelp (med|til)|omfatter|hva gjør|"
                     r"ikke inngår|vindusvask|hagearbeid|storrengjøring|included"),
        ("expected", r"forvent\w*|må jeg|plikt\w*|ansvar\w*|selv gjøre|bidra"),
        ("contact", r"kontakt\w*|telefon\w*|ringe|ring|adresse|åpningstid\w*|e post|epost"),
        ("what", r"hva er|hva betyr|hva innebærer|what is|fortell om|informasjon om"),
    )
)

ASPECT_SECTIONS: dict[str, str] = {
    "what": "Hva er tjenesten?",
    "who": "Hvem kan få tjenesten?",
    "included": "Hva inngår – og hva inngår ikke?",
    "expected": "Hva forventes av deg?",
    "cost": "Hva koster det?",
    "apply": "Slik søker du",
    "law": "Lovgrunnlag",
    "contact": "Slik søker du",
}

_PRONOUN_FOLLOWUP = re.compile(
    r"^(?:og|men|hva med|enn|også|da|så)\b|\b(?:det|den|dette|denne|de|dem|tjenesten|ordningen|tilbudet|"
    r"stedet|der|hun|han|ho|vi)\b"
)


def clean_question(text: object, *, limit: int) -> tuple[str, bool]:
    """Make any input a safe, bounded question string.

    Returns:
        The cleaned text (NFC, control and zero-width characters removed, white space collapsed,
        at most ``limit`` characters) and whether it was truncated.
    """
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    text = "".join(ch if (ch.isprintable() or ch in "\n\t") else " " for ch in text)
    text = re.sub(r"\s+", " ", text).strip()
    truncated = len(text) > limit
    return (text[:limit].rstrip(), truncated)


def detect_aspect(question: str) -> str:
    """The aspect asked about ("cost", "who", ...), or "" when none is clear."""
    text = normalise_text(question)
    for aspect, rx in ASPECT_CUES:
        if rx.search(text):
            return aspect
    return ""


#: Aliases too general to count as naming a service ("søknad", "lege"); they still help the lexical
#: index, but a question containing them is not taken to be about that service.
GENERIC_NAMES = frozenset({
    "søknad", "søke hjelp", "vedtak", "assistent", "lege", "pris", "betaling", "alarm", "ledsager", "gjeld",
    "budsjett", "trening", "kosthold", "regning", "rehabilitering", "koordinator", "opptrening", "rehab",
    "hjelp til å bo", "mange tjenester", "levering av mat", "kommunal bolig", "mat hjem", "ip", "ergo",
    "fysio", "korttid", "akutt hjelp", "hukommelse", "innsyn", "gps", "pårørende",
    "hvem får hjelp", "individuell vurdering", "dårlig syn", "dårlig hørsel", "sosialen", "hjelp til vask",
})


@dataclass(frozen=True)
class ServiceNames:
    """Normalised names (title and aliases) of each service, for spotting explicit mentions."""

    patterns: tuple[tuple[str, re.Pattern[str]], ...]

    @classmethod
    def from_documents(cls, docs: list[Document] | tuple[Document, ...]) -> ServiceNames:
        """Compile one pattern per service; the general document is not a service to mention."""
        out = []
        for doc in docs:
            if doc.kind != "service":
                continue
            names = {normalise_text(n) for n in (doc.title, *doc.aliases)}
            names |= {normalise_text(p) for p in re.split(r"[()]", doc.title) if len(p.strip()) > 3}
            names = {n for n in names if len(n) >= 2 and n not in GENERIC_NAMES}
            if names:
                # short names (KAD, BPA, TT) only as whole words; longer ones also inflected (rullatoren)
                alts = "|".join(re.escape(n) + (r"\w*" if len(n) >= 5 else "")
                                for n in sorted(names, key=len, reverse=True))
                out.append((doc.service_id, re.compile(rf"\b(?:{alts})\b")))
        return cls(tuple(out))

    def mentioned(self, question: str) -> list[str]:
        """Service ids named in the question, longest match first."""
        text = normalise_text(question)
        found = []
        for service_id, rx in self.patterns:
            m = rx.search(text)
            if m:
                found.append((len(m.group(0)), service_id))
        return [sid for _, sid in sorted(found, reverse=True)]


def looks_elliptic(question: str) -> bool:
    """True for a question that leans on earlier turns: short, or with "det"/"den"/"og ..."."""
    text = normalise_text(question)
    return len(text.split()) <= 4 or bool(_PRONOUN_FOLLOWUP.search(text))
