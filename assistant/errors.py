"""The exceptions users can meet, and their Norwegian messages (used only at the edges: CLI and UI)."""

from __future__ import annotations

from corpus.model import CorpusError
from index.errors import DimensionMismatch, EmbedderError, IndexBusy, IndexReadOnly, SearchIndexError
from assistant.municipality import municipality


class AssistantError(Exception):
    """Base class for errors raised by the assistant package itself."""


USER_MESSAGES: tuple[tuple[type[BaseException], str], ...] = (
    (CorpusError, "Tjenestebeskrivelsene kunne ikke leses. Prøv igjen senere, eller kontakt kommunen."),
    (DimensionMismatch, "Søkeindeksen passer ikke til språkmodellen. Bygg indeksen på nytt."),
    (EmbedderError, "Språkmodellen for søk kunne ikke lastes."),
    (IndexReadOnly, "Søkeindeksen mangler eller er utdatert, og mappen den ligger i kan ikke skrives til, så den "
                    "kan ikke bygges på nytt her. Bygg indeksen der den kan skrives (python -m assistant index "
                    "--rebuild), eller se loggen for årsaken."),
    (IndexBusy, "Søkeindeksen bygges allerede av en annen prosess. Prøv igjen om litt."),
    (SearchIndexError, "Søkeindeksen kunne ikke brukes. Prøv igjen om litt."),
)
_APOLOGY = (
    "Beklager, noe gikk galt hos oss, og jeg kunne ikke svare akkurat nå. Prøv igjen om litt, eller "
    "kontakt {name} på {switchboard} ({hours})."
)


def apology() -> str:
    """The apology for an unexpected error, with the municipality's switchboard."""
    return _APOLOGY.format(**municipality().fields())


def user_message(exc: BaseException) -> str:
    """A Norwegian message for an exception, without technical details."""
    for kind, message in USER_MESSAGES:
        if isinstance(exc, kind):
            return message
    return apology()
