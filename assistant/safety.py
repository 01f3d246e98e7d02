"""Safety checks on the (masked) question: emergencies, out-of-scope topics, injection attempts."""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.normalize import normalise_text

# Patterns run on normalise_text() output: lower-case, bokmål-mapped, punctuation removed.
_EMERGENCY: dict[str, tuple[str, ...]] = {
    "medical": (
        r"brystsmert\w*", r"(vondt|smerte\w*|trykk|press) i (brystet|bringa|bringen)", r"hjerteinfarkt",
        r"hjertestans", r"(puster|puste|pustar|pusta) ikke", r"ikke (puster|puste|pustar)",
        r"(får|klarer) ikke (å )?puste", r"pustestans", r"kveles", r"bevisstløs\w*", r"bevisstlaus",
        r"medvitslaus", r"livløs", r"besvimt", r"våkner ikke", r"vakner ikke", r"(hjerne)?slag nå",
        r"skjev i (munnen|ansiktet)", r"krampe\w*", r"blør (mye|kraftig|voldsomt)", r"kraftig blødning",
        r"mye blod", r"alvorlig skadet", r"overdose", r"tatt (mange|alle) (tabletter|pillene|pillane)",
        r"forgiftet", r"kommer (seg )?ikke opp( av gulvet)?", r"ligger på gulvet",
    ),
    "suicide": (
        r"ta livet (mitt|av meg|sitt|hans|hennes|av seg)", r"selvmord\w*", r"sjølmord\w*", r"sjølvmord\w*",
        r"(vil|ønsker|orker) ikke (å )?leve", r"vil dø", r"ønsker å dø", r"skade meg selv",
        r"kutte meg", r"ikke lenger vil leve", r"ikke vil leve",
    ),
    "violence": (
        r"slår meg", r"slo meg", r"banker meg", r"truer (meg|med)", r"truet (meg|med)", r"vold",
        r"voldelig", r"blir slått", r"mishandl\w*", r"kniv",
    ),
}
_EMERGENCY_RE = {k: re.compile(r"\b(?:" + "|".join(v) + r")\b") for k, v in _EMERGENCY.items()}

# Topics the guide does not cover; a question about them is declined unless it names a service.
_OFF_TOPIC = re.compile(
    r"\b(?:byggesak\w*|byggesøknad\w*|byggetillatelse\w*|renovasjon\w*|søppel\w*|avfall\w*|"
    r"barnehage\w*|skoleskyss|eiendomsskatt\w*|brøyting\w*|brøyte\w*|vannmåler\w*|avløp|kommunale avgifter|"
    r"været|vær(melding|et)|regn|fotball\w*|resultat\w*|hovedstad\w*|oppskrift\w*|dikt|vits\w*|"
    r"sang|kjæreste|aksje\w*|bitcoin|hundeluft\w*|båndtvang|fiskekort|skatt(emelding|ekort)|pass|"
    r"førerkort|valg|ordfører\w*|bibliotek\w*|svømmehall\w*|kino)\b"
)
_INJECTION = re.compile(
    r"\b(?:ignorer\w*|ignore|glem|forget|disregard)\b.*\b(?:instruks\w*|instruction\w*|regler|rules|"
    r"tidligere|previous|above)\b|system ?prompt|du er nå|you are now|jailbreak"
)


@dataclass(frozen=True)
class SafetyCheck:
    """What the checks found."""

    emergency: tuple[str, ...]  # kinds: "medical", "suicide", "violence"
    off_topic: bool
    injection: bool


def check(question: str) -> SafetyCheck:
    """Run every check on a masked question."""
    text = normalise_text(question)
    kinds = tuple(k for k, rx in _EMERGENCY_RE.items() if rx.search(text))
    return SafetyCheck(
        emergency=kinds,
        off_topic=bool(_OFF_TOPIC.search(text)),
        injection=bool(_INJECTION.search(text)),
    )
