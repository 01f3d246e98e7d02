"""The fixed Norwegian texts the assistant may say besides quoting the guide.

Everything a reply contains is either corpus text (quoted, with a citation) or one of these templates.
Contact details are the municipality's published ones.
"""

from __future__ import annotations

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

PERSONAL_DATA = (
    "Jeg har fjernet personopplysninger (som fødselsnummer, telefonnummer eller e-post) fra spørsmålet. "
    "Ikke skriv personopplysninger eller detaljer om helsen din her."
)
TRUNCATED = "Spørsmålet var veldig langt, så jeg har bare lest de første {limit} tegnene."
ELIGIBILITY = "Kommunen avgjør hva du får etter en individuell vurdering av behovet ditt."
ASPECT_LEADS = {
    "what": "Om {title_lc}",
    "who": "Hvem kan få {title_lc}",
    "included": "Hva som inngår i {title_lc}",
    "expected": "Hva som forventes av deg – {title_lc}",
    "cost": "Hva {title_lc} koster",
    "apply": "Slik søker du om {title_lc}",
    "law": "Lovgrunnlaget for {title_lc}",
    "contact": "Kontakt om {title_lc}",
    "": "Om {title_lc}",
}
MORE = "Les mer om {title} under «{section}» i tjenestebeskrivelsen."
ALSO = "Dette kan også være aktuelt: {title}."
