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
        r"mye blod", r"blør (veldig |så |svært )?(mye|kraftig)", r"kutt\w* meg", r"(puster|puste|pustar) (nesten|knapt) ikke",
        r"tatt (\w+ )?(piller|tabletter|pillene)", r"alvorlig skadet", r"overdose", r"tatt (mange|alle) (tabletter|pillene|pillane)",
        r"forgiftet", r"kommer (seg )?ikke opp( av gulvet)?", r"ligger på gulvet", r"ikke våken",
        r"(slått|slo) hodet", r"falt og slo", r"(kan|klarer) ikke (å )?(snakke|bevege)",
    ),
    "suicide": (
        r"ta livet (mitt|av meg|sitt|hans|hennes|av seg)", r"selvmord\w*", r"sjølmord\w*", r"sjølvmord\w*",
        r"(vil|ønsker|orker) ikke (å )?leve", r"jeg vil dø\b(?! hjemme)", r"ønsker å dø\b(?! hjemme)", r"skade meg selv",
        r"ikke lenger vil leve", r"ikke vil leve",
    ),
    "violence": (
        r"slår meg", r"slo meg", r"banker meg", r"truer (meg|med)", r"truet (meg|med)", r"vold",
        r"voldelig", r"blir slått", r"mishandl\w*", r"kniv",
    ),
}
_EMERGENCY_RE = {k: re.compile(r"\b(?:" + "|".join(v) + r")\b") for k, v in _EMERGENCY.items()}

# Topics the guide does not cover; a question about them is declined unless it names a service.
_OFF_TOPIC = re.compile(
    r"\b(?:"
    # other municipal services
    r"byggesak\w*|byggesøknad\w*|byggetillatelse\w*|reguleringsplan\w*|tomt\w*|boligtomt\w*|oppmåling\w*|"
    r"renovasjon\w*|søppel\w*|søpla|avfall\w*|gjenvinning\w*|barnehage\w*|skoleskyss|skolerute\w*|"
    r"eiendomsskatt\w*|kommunale avgifter|vannavgift\w*|vannmåler\w*|avløp\w*|feiing|brøyting\w*|brøyte\w*|"
    r"veien|gatelys\w*|skjenkebevilling\w*|salgsbevilling\w*|serveringsbevilling\w*|restaurant\w*|"
    r"hundeluft\w*|båndtvang|bånd|hunden|fiskekort|jaktkort|bibliotek\w*|svømmehall\w*|kino|kulturskole\w*|"
    r"ordfører\w*|kommunestyremøte\w*|valg|bussen|buss|tog|toget|ferje\w*|flyet|"
    # everything else
    r"været|vær(melding|et)|fotball\w*|kampen|resultat\w*|hovedstad\w*|oppskrift\w*|dikt|vits\w*|"
    r"oversett\w*|kjæreste|aksje\w*|bitcoin|skattemelding\w*|skattekort|pass|førerkort|"
    r"hvordan har du det|hvem er du|hva heter du"
    r")\b"
)
_INJECTION = re.compile(
    r"\b(?:ignorer\w*|ignore|glem|forget|disregard)\b.*\b(?:instruks\w*|instruction\w*|regl\w*|rules|"
    r"tidligere|previous|above)\b|system ?prompt\w*|du er nå|you are now|jailbreak|uten begrensninger"
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
