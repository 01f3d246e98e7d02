"""The UI's fixed Norwegian (bokmål) texts, kept apart so wording can be reviewed in one place."""

from __future__ import annotations

from assistant import templates
from assistant.municipality import municipality

_M = municipality()
PAGE_TITLE = f"Helse- og omsorgsassistent – {_M.name}"
TITLE = f"Spør om helse- og omsorgstjenester i {_M.short_name}"

CAN_HELP = (
    "Jeg kan hjelpe deg å finne fram i kommunens helse- og omsorgstjenester: **hva en tjeneste er, "
    "hvem som kan få den, hva den koster, hvordan du søker og hvilke lover som gjelder**. "
    "Det gjelder for eksempel hjemmesykepleie, praktisk bistand, trygghetsalarm, sykehjem, avlastning, "
    "hjelpemidler, psykisk helse og rus og tjenester fra NAV.\n\n"
    "Hvert svar har nummererte kilder. Åpne en kilde for å se teksten svaret bygger på. Svarene er "
    "veiledning og ikke et vedtak: hva du kan få, avgjøres alltid etter en individuell vurdering av behovet ditt."
)
#: The first screen's one-sentence notice: a machine, no personal data, nothing kept.
FIRST_NOTICE = (
    "**Du snakker med en maskin, ikke et menneske.** Ikke skriv personopplysninger. "
    "Samtalen lagres ikke og forsvinner når du laster siden på nytt."
)
CONTACT_HEADING = "Snakk med et menneske"
CONTACT = templates.CONTACT
SWITCHBOARD = templates.SWITCHBOARD
#: The switchboard as a ``tel:`` link (E.164).
SWITCHBOARD_TEL = _M.tel
CALL = "Ring " + templates.SWITCHBOARD
CALL_HOURS = f"Sentralbordet er åpent {_M.hours}."
CORPUS_NOTE = (
    f"Veiledende tekst skrevet for dette prosjektet i strukturen til {_M.name}s veiledende "
    "tjenestebeskrivelser (2025) – ikke kommunens offisielle tekst."
)

EXAMPLES_HEADING = "Prøv et eksempel"
#: Example questions per audience: citizen, relative, staff.
EXAMPLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Innbygger", ("Hva koster trygghetsalarm?", "Hvordan søker jeg om hjemmesykepleie?")),
    ("Pårørende", ("Moren min har demens og jeg er sliten. Kan vi få avlastning?",
                   "Kan faren min få plass på sykehjem?")),
    ("Ansatt", ("Hva er lovgrunnlaget for omsorgsstønad?", "Hvordan klager en bruker på et vedtak?")),
)

INPUT_PLACEHOLDER = "Skriv spørsmålet ditt"
THINKING = "Leter i tjenestebeskrivelsene …"
LOADING = "Laster tjenestebeskrivelsene …"
SOURCES = "Kilder"
NO_PAGE = "ikke oppgitt (avsnittet er endret siden PDF-utgaven ble laget)"
OPEN_SECTION = "Åpne «{section}» i tjenestebeskrivelsen"
OPEN_PDF = "PDF (side {page})"
HOW_TO_APPLY = "Slik søker du"
APPLY_LINK = "Les «Slik søker du» for {title}"
SITUATION_SOURCES = "Kilder for {title}"
COPY = "Kopier svar"
COPIED = "Svaret er kopiert."
PRINT = "Skriv ut"
READ = "Les opp"
PRINTED = "Skrevet ut "
READ_STOP = "Stopp opplesingen"
COPY_QUESTION = "Spørsmål"
COPY_ANSWER = "Svar"
COPY_FOOTER = f"Kilde: veiledende tjenestebeskrivelser for helse- og omsorgstjenester i {_M.name}."
EMERGENCY_LABEL = "Nødhjelp"
CALL_113 = "Ring 113"
FEEDBACK_DOWN_CONTACT = (
    "Beklager at svaret ikke hjalp. Et menneske kan hjelpe deg videre: ring sentralbordet eller skriv til "
    f"{_M.email}."
)
FEEDBACK_QUESTION = "Var svaret nyttig?"
FEEDBACK_UP = "Nyttig"
FEEDBACK_DOWN = "Ikke nyttig"
FEEDBACK_THANKS = (
    "Takk for tilbakemeldingen! Vi lagrer bare vurderingen og hvilke tjenester og kilder svaret brukte – "
    "ikke spørsmålet ditt."
)
FEEDBACK_FAILED = "Tilbakemeldingen kunne ikke lagres akkurat nå."
FEEDBACK_THANKS_KEPT = (
    "Takk for tilbakemeldingen! Spørsmålet ditt er lagret uten personopplysninger, sammen med vurderingen."
)
FEEDBACK_WHY = "Hva var galt? Velg gjerne en eller flere (valgfritt)."
#: Labels of the reasons for a 👎 (keys of assistant.feedback.REASONS; the widget has the same labels).
FEEDBACK_REASONS: dict[str, str] = {
    "not_answered": "Svarte ikke på det jeg spurte",
    "wrong_service": "Feil tjeneste",
    "hard_to_understand": "Vanskelig å forstå",
    "other": "Annet",
}
FEEDBACK_KEEP_QUESTION = "Ta med spørsmålet mitt, så kommunen kan forbedre svaret (personopplysninger fjernes)"
FEEDBACK_SEND = "Send tilbakemelding"
SHOW_EARLIER = "Vis tidligere meldinger ({n} spørsmål til)"
DROPPED_EARLIER = "De eldste spørsmålene i samtalen er fjernet for å holde siden rask."
EMPTY_QUESTION = "(tomt spørsmål)"
ANNOUNCE_PREFIX = "Nytt svar fra assistenten: "

VIEW_LABEL = "Visning"
VIEWS: dict[str, str] = {"chat": "Spør assistenten", "browse": "Bla i tjenestene"}
STAFF_TOGGLE = "Ansattmodus"
STAFF_LINK = "For ansatte i kommunen: hurtigoversikt"
LARGE_TEXT = "Stor tekst"
LARGE_TEXT_HELP = "Gjør all tekst større. Valget gjelder til du lukker siden."
STAFF_HELP = "Viser hvem som kan få tjenesten, hva den koster og lovgrunnlaget side om side – nyttig i telefonen."
NEW_CHAT = "Start på nytt"
CONTROLS_LABEL = "Hovedvalg"
#: Screen-reader name of the "?" help button beside a control, followed by the control's label.
HELP_FOR = "Hjelp om "
FOOTER_LABEL = "Kontakt og om tjenesten"

STAFF_HEADING = "Hurtigoversikt for ansatte"
STAFF_PICK = "Tjeneste i fokus"
STAFF_EMPTY = "Still et spørsmål, så vises hurtigoversikten for tjenesten svaret gjelder – eller velg en tjeneste."
#: The aspects staff mode shows (keys of corpus.schema; the headings come from there).
STAFF_SECTIONS: tuple[str, ...] = ("who", "cost", "law")
STAFF_RESPONSIBLE = "Ansvarlig enhet"
STAFF_MISSING = "Ikke beskrevet for denne tjenesten."
STAFF_LOVDATA = "Lovteksten på Lovdata"
FULL_DESCRIPTION = "Les hele tjenestebeskrivelsen"

BROWSE_HEADING = "Alle tjenestene"
BROWSE_FILTER = "Filtrer tjenester"
BROWSE_FILTER_HINT = "For eksempel alarm, sykehjem eller avlastning"
BROWSE_ORDER = "Sortering"
BROWSE_ORDERS: dict[str, str] = {"category": "Etter kategori", "alpha": "A–Å"}
BROWSE_NONE = "Ingen tjenester passer til filteret."
BROWSE_PICK = "Velg en tjeneste i lista for å lese hele beskrivelsen."
BROWSE_UNKNOWN = "Fant ikke tjenesten i lenken. Velg en tjeneste i lista."
BROWSE_LINKED = "Du kom hit fra en kildehenvisning."
BROWSE_SHARE = "Lenke til denne delen"
BROWSE_COUNT = "{n} tjenester"
BROWSE_BACK = "Tilbake til samtalen"
BROWSE_TO_LIST = "Tilbake til listen"
BROWSE_MENTIONED = "Nevnt i teksten til"
BROWSE_ASK = "Spør assistenten om «{question}»"
CATEGORY = "Kategori"
LAST_REVIEWED = "Sist gjennomgått"
PAGE = "Side i PDF-utgaven"
PAGE_AT = "Side {page} i PDF-utgaven"
