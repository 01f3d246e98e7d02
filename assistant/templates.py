"""The fixed Norwegian texts the assistant may say besides quoting the guide.

Everything a reply contains is either corpus text (quoted, with a citation) or one of these templates; the
runtime grounding check (:mod:`assistant.grounding`) enforces it. Contact details are the municipality's
published ones and the national emergency numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from assistant.municipality import municipality


EMERGENCY = (
    "**Er det fare for liv eller helse nå? Ring 113** (medisinsk nødtelefon).\n\n"
    "Trenger du legehjelp som ikke kan vente til fastlegen åpner, ring legevakten på **116 117**."
)
EMERGENCY_SUICIDE = (
    "Har du tanker om å ta livet ditt, kan du også ringe Mental Helse hjelpetelefon **116 123** "
    "(døgnåpen). Du er ikke alene."
)
EMERGENCY_VIOLENCE = "Er du eller noen andre utsatt for vold eller trusler nå, ring politiet på **112**."
EMERGENCY_POISONING = (
    "Ved mistanke om forgiftning: ring **113** hvis personen har alvorlige symptomer. "
    "Giftinformasjonen gir råd hele døgnet på **22 59 13 00**."
)

PERSONAL_DATA = (
    "Jeg har fjernet personopplysninger (som fødselsnummer, telefonnummer eller e-post) fra spørsmålet. "
    "Ikke skriv personopplysninger eller detaljer om helsen din her."
)
TRUNCATED = "Spørsmålet var veldig langt, så jeg har bare lest de første {limit} tegnene."
ELIGIBILITY = "Kommunen avgjør hva du får etter en individuell vurdering av behovet ditt."
#: Staff mode: the reply's own sentences speak of the caller's situation, not to "du".
ELIGIBILITY_STAFF = "Kommunen avgjør hva brukeren får etter en individuell vurdering av behovet."

#: The lead of a direct answer: the service's title (headings inside the answer name the parts).
LEAD = "**{title}**"
#: A part of a direct answer starts with the guide's own heading, so it always reads as Norwegian.
PART = "*{section}*"
#: A service in a situation answer starts with its name in bold.
SERVICE_ITEM = "**{title}** –"
SITUATION_ROUTE = "*Slik søker du:*"
#: A part of a message that the guide does not cover, while the rest is answered; the outside route follows.
OUTSIDE_PART = "Noe av det du spør om, dekker ikke tjenestebeskrivelsene."
#: A part asked that the service's description does not state (how long a permit holds): said, not guessed.
#: ``what`` is the topic's own phrase (``not_stated`` in assistant/language/patterns.yaml).
NOT_STATED = "Tjenestebeskrivelsen for {title} sier ikke {what}."

#: A concern: the message reads close to an emergency but not as one. The answer follows this line.
SAFETY_LINE = (
    "**Er noen i fare nå, ring 113.** Trenger du legehjelp som ikke kan vente, ring legevakten på **116 117**."
)

#: Conversation basics: never the safety box, never a service search.
THANKS = "Så bra at jeg kunne hjelpe. Spør gjerne igjen hvis du lurer på noe mer."
GOODBYE = "Ha det bra! Du kan komme tilbake når som helst."

#: A question back when two or three needs compete and none clearly fits.
CLARIFY = "Jeg vil gjerne finne riktig hjelp. Hva passer best for situasjonen?"

#: A situation answer leads with the service that fits best; others follow only when they fit too.
SITUATION_LEAD_ONE = "Ut fra det du beskriver, er dette mest aktuelt:"
SITUATION_LEAD_STAFF = "Ut fra situasjonen som beskrives, er dette mest aktuelt:"
ALSO_RELEVANT = "Dette kan også være aktuelt:"
#: A decline of a question outside the guide: what the guide covers, then the fitting outside body.



@dataclass(frozen=True)
class TemplateData:
    """The templates kept as data files in ``assistant/banks/``.

    Attributes:
        outside_routes: Out-of-scope topic -> the paragraph naming where to go (``outside_routes.yaml``).
        municipal_topics: Topics where the municipality itself can help, so the switchboard follows.
        language_notes: Language code -> one line in that language (``language_notes.yaml``).
        default_language: The language whose line any other language gets.
        about_assistant: Topic of a question about the assistant -> its answer (``about_assistant.yaml``; the
            topics "capabilities" and "human" answer from :data:`_PROFILE_TEXTS`).
    """

    outside_routes: dict[str, str]
    municipal_topics: frozenset[str]
    language_notes: dict[str, str]
    default_language: str
    about_assistant: dict[str, str]

    def language_note(self, code: str) -> str:
        """The line for a question in language ``code``."""
        return self.language_notes.get(code, self.language_notes[self.default_language])


def heading_text(section: str) -> str:
    """A section's heading as a reply shows it: a heading that is no question ("Slik søker du", "Lovgrunnlag") ends
    with a colon, so the sentence after it on the same line does not read as its end ("" for no heading)."""
    section = section.strip()
    return section if not section or section.endswith(("?", ":", "!", ".")) else f"{section}:"


def part_heading(section: str) -> str:
    """:data:`PART` with the section's :func:`heading_text`."""
    return PART.format(section=heading_text(section))


@lru_cache(maxsize=1)
def data() -> TemplateData:
    """Read the template data files once."""
    import yaml  # lazy: read on first use, not on import

    from assistant.bank_texts import BANK_DIR, outside_topics

    routes = outside_topics()
    notes = yaml.safe_load((BANK_DIR / "language_notes.yaml").read_text(encoding="utf-8")) or {}
    about = yaml.safe_load((BANK_DIR / "about_assistant.yaml").read_text(encoding="utf-8"))["answers"]
    fields = municipality().fields()
    return TemplateData(
        outside_routes={topic: str(v["text"]) for topic, v in routes.items()},
        municipal_topics=frozenset(t for t, v in routes.items() if v.get("municipal")),
        language_notes={code: str(text).format(**fields) for code, text in notes["notes"].items()},
        default_language=str(notes.get("default", "en")),
        about_assistant={str(topic): " ".join(str(text).split()).format(**fields) for topic, text in about.items()},
    )


#: The templates that name the municipality or its contact details, with the profile's fields as placeholders
#: (``assistant/municipality.yaml``). They are module attributes like the others (``templates.NEXT_STEP``), filled
#: in from the profile on first use.
_PROFILE_TEXTS: dict[str, str] = {
    "SWITCHBOARD": "{switchboard}",
    "CONTACT": "{name}, sentralbord **{switchboard}** ({hours}), e-post {email}, besøksadresse {visiting_address}.",
    "NO_ANSWER": (
        "Beklager, jeg finner ikke noe svar på dette i veiledende tjenestebeskrivelser for helse- og "
        "omsorgstjenester i {short_name}. Jeg svarer bare ut fra tjenestebeskrivelsene og gjetter ikke.\n\n"
        "Ta kontakt med et menneske: {CONTACT}"
    ),
    #: After an outside route, when the municipality itself can help too.
    "MUNICIPAL_CONTACT": "For andre spørsmål til kommunen: {CONTACT}",
    "OUT_OF_SCOPE": (
        "Dette spørsmålet gjelder ikke helse- og omsorgstjenestene jeg kan svare på. Jeg kan hjelpe med "
        "for eksempel hjemmetjenester, sykehjem, avlastning, hjelpemidler, psykisk helse og NAV-tjenester.\n\n"
        "For andre spørsmål til kommunen: {CONTACT}"
    ),
    "EMPTY": (
        "Skriv et spørsmål om helse- og omsorgstjenester i {short_name}, for eksempel "
        "«Hva koster trygghetsalarm?» eller «Hvem kan få hjemmesykepleie?»."
    ),
    "NEXT_STEP": "Har du spørsmål, eller vil du ha hjelp til å søke? Ring {name}, sentralbord **{switchboard}** ({hours}).",
    "NEXT_STEP_STAFF": (
        "Brukeren eller pårørende kan få hjelp til å søke ved å ringe {name}, sentralbord **{switchboard}** "
        "({hours})."
    ),
    #: Conversation basics: never the safety box, never a service search.
    "GREETING": (
        "Hei! Jeg svarer på spørsmål om helse- og omsorgstjenestene i {name}, med henvisning til "
        "tjenestebeskrivelsene. Fortell gjerne hva du eller en du kjenner trenger hjelp til, eller spør om en "
        "tjeneste, for eksempel «Hva koster trygghetsalarm?»."
    ),
    "CAPABILITIES": (
        "Jeg er en maskin, ikke et menneske. Jeg svarer på spørsmål om helse- og omsorgstjenestene i {name}: "
        "hva tjenestene er, hvem som kan få dem, hva som inngår, hva de koster, hvordan du søker og "
        "lovgrunnlaget. Svarene er hentet ordrett fra kommunens veiledende tjenestebeskrivelser, med kilde. "
        "Jeg avgjør ikke hva du får: det gjør kommunen etter en individuell vurdering. Skriv spørsmålet med dine "
        "egne ord; stikkord, dialekt og skrivefeil går fint, og du kan spørre på vegne av en du kjenner."
    ),
    "HUMAN": (
        "Du kan snakke med et menneske i {name}: ring sentralbordet på **{switchboard}** ({hours}) og be om "
        "Forvaltning helse og omsorg, eller skriv til {email}. Ikke send helseopplysninger på vanlig e-post."
    ),
    #: A decline of a question outside the guide: what the guide covers, then the fitting outside body.
    "OUT_OF_SCOPE_LEAD": "Tjenestebeskrivelsene for helse- og omsorgstjenestene i {name} dekker ikke dette.",
}


@lru_cache(maxsize=1)
def profile_texts() -> dict[str, str]:
    """The templates of :data:`_PROFILE_TEXTS`, filled in from the municipality profile (read once)."""
    fields = municipality().fields()
    fields["CONTACT"] = _PROFILE_TEXTS["CONTACT"].format(**fields)
    return {name: text.format(**fields) for name, text in _PROFILE_TEXTS.items()}


def __getattr__(name: str) -> object:
    if name in _PROFILE_TEXTS:
        return profile_texts()[name]
    if name == "SMALL_TALK":
        texts = profile_texts()
        # and the questions about the assistant by their topic (assistant/about_assistant.py)
        return {"greeting": texts["GREETING"], "thanks": THANKS, "goodbye": GOODBYE,
                "capabilities": texts["CAPABILITIES"], "human": texts["HUMAN"], **data().about_assistant}
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_PROFILE_TEXTS, "SMALL_TALK"])
