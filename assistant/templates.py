"""The fixed Norwegian texts the assistant may say besides quoting the guide.

Everything a reply contains is either corpus text (quoted, with a citation) or one of these templates; the
runtime grounding check (:mod:`assistant.grounding`) enforces it. Contact details are the municipality's
published ones and the national emergency numbers.
"""

from __future__ import annotations

SWITCHBOARD = "74 05 25 00"
CONTACT = (
    "Levanger kommune, sentralbord **74 05 25 00** (mandag–fredag kl. 09.00–15.00), "
    "e-post postmottak@levanger.kommune.no, besøksadresse Håkon den Godes gate 30 (ved Torvet)."
)

NO_ANSWER = (
    "Beklager, jeg finner ikke noe svar på dette i veiledende tjenestebeskrivelser for helse- og "
    "omsorgstjenester i Levanger. Jeg svarer bare ut fra tjenestebeskrivelsene og gjetter ikke.\n\n"
    "Ta kontakt med et menneske: " + CONTACT
)

OUT_OF_SCOPE = (
    "Dette spørsmålet gjelder ikke helse- og omsorgstjenestene jeg kan svare på. Jeg kan hjelpe med "
    "for eksempel hjemmetjenester, sykehjem, avlastning, hjelpemidler, psykisk helse og NAV-tjenester.\n\n"
    "For andre spørsmål til kommunen: " + CONTACT
)

EMPTY = (
    "Skriv et spørsmål om helse- og omsorgstjenester i Levanger, for eksempel "
    "«Hva koster trygghetsalarm?» eller «Hvem kan få hjemmesykepleie?»."
)

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

#: The lead of a direct answer: the service's title (headings inside the answer name the parts).
LEAD = "**{title}**"
#: A part of a direct answer starts with the guide's own heading, so it always reads as Norwegian.
PART = "*{section}*"
SITUATION_LEAD = "Ut fra det du beskriver, kan dette være aktuelt:"
#: A service in a situation answer starts with its name in bold.
SERVICE_ITEM = "**{title}** –"
SITUATION_ROUTE = "*Slik søker du:*"
ALSO = "Dette kan også være aktuelt: {title}."
MORE = "Les mer om {title} under «{section}» i tjenestebeskrivelsen."
NEXT_STEP = (
    "Har du spørsmål, eller vil du ha hjelp til å søke? Ring Levanger kommune, sentralbord **74 05 25 00** "
    "(mandag–fredag kl. 09.00–15.00)."
)

#: One line in the asker's language when the question was not written in Norwegian (the guide is Norwegian).
LANGUAGE_NOTES: dict[str, str] = {
    "en": ("*The guide is in Norwegian, so the answer below is in Norwegian. To talk to a person, call "
           "Levanger kommune on +47 74 05 25 00 (Monday–Friday 09:00–15:00). In an emergency, call 113.*"),
    "de": ("*Der Leitfaden ist auf Norwegisch, daher ist die Antwort unten auf Norwegisch. Persönliche Hilfe: "
           "Levanger kommune, Telefon +47 74 05 25 00 (Montag–Freitag 09:00–15:00). Im Notfall: 113.*"),
    "pl": ("*Przewodnik jest po norwesku, dlatego odpowiedź poniżej jest po norwesku. Aby porozmawiać z "
           "człowiekiem, zadzwoń do Levanger kommune: +47 74 05 25 00 (pon.–pt. 09:00–15:00). "
           "W nagłym wypadku dzwoń pod 113.*"),
    "uk": ("*Довідник написаний норвезькою, тому відповідь нижче норвезькою. Щоб поговорити з людиною, "
           "зателефонуйте до Levanger kommune: +47 74 05 25 00 (пн–пт 09:00–15:00). У надзвичайній "
           "ситуації телефонуйте 113.*"),
    "sv": ("*Guiden är på norska, så svaret nedan är på norska. Vill du prata med en person, ring "
           "Levanger kommune på +47 74 05 25 00 (måndag–fredag 09.00–15.00). Vid nödläge, ring 113.*"),
}
#: For any other language, the English line (the most widely read second language here).
DEFAULT_LANGUAGE_NOTE = "en"
