"""The API's errors and their messages in Norwegian and English; turned into JSON only here, at the edge.

Every error body has the same shape::

    {"error": {"code": "rate_limited", "message": "...", "message_nb": "...", "message_en": "...",
               "fields": [{"field": "question", "problem_nb": "...", "problem_en": "..."}]}}

``message`` is in the language the client asked for (``Accept-Language``, or ``lang`` in the body); the
submitted values are never echoed, so an error can neither leak nor log what was typed.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.errors import user_message
from assistant.municipality import municipality

log = logging.getLogger("ui.api")


class ApiError(Exception):
    """An error the client gets as a 4xx/5xx JSON body."""

    status = 400
    code = "bad_request"
    message_nb = "Forespørselen er ugyldig."
    message_en = "The request is invalid."

    def __init__(self, *, headers: dict[str, str] | None = None, english: bool | None = None) -> None:
        super().__init__(self.code)
        self.headers = headers or {}
        #: The language of ``message`` when the request chose one (``lang``); else ``Accept-Language`` decides.
        self.english = english


class NotFound(ApiError):
    status, code = 404, "not_found"
    message_nb, message_en = "Fant ikke det du ba om.", "Not found."


class MethodNotAllowed(ApiError):
    status, code = 405, "method_not_allowed"
    message_nb, message_en = "Denne metoden er ikke tillatt her.", "This method is not allowed here."


class BodyUnreadable(ApiError):
    status, code = 400, "invalid_body"
    message_nb = "Forespørselen kunne ikke leses: den er ikke gyldig JSON i UTF-8, eller den er for dypt nøstet."
    message_en = "The request body could not be read: it is not valid UTF-8 JSON, or it is nested too deeply."


class UnknownService(NotFound):
    code = "unknown_service"
    message_nb, message_en = "Fant ingen tjeneste med denne id-en.", "There is no service with this id."


class AmbiguousLength(ApiError):
    status, code = 400, "ambiguous_length"
    message_nb = "Forespørselen har både Content-Length og Transfer-Encoding; send bare én av dem."
    message_en = "The request has both Content-Length and Transfer-Encoding; send only one of them."


class BodyTooLarge(ApiError):
    status, code = 413, "body_too_large"
    message_nb, message_en = "Forespørselen er for stor.", "The request body is too large."


class BodyTimeout(ApiError):
    status, code = 408, "body_timeout"
    message_nb, message_en = "Forespørselen kom ikke fram i tide.", "The request body did not arrive in time."


class RateLimited(ApiError):
    status, code = 429, "rate_limited"
    message_nb = "For mange spørsmål på kort tid. Vent litt og prøv igjen."
    message_en = "Too many requests in a short time. Wait a moment and try again."


class NotReady(ApiError):
    status, code = 503, "not_ready"
    message_nb = "Assistenten starter opp. Prøv igjen om litt."
    message_en = "The assistant is starting. Try again shortly."


class AnswerTimeout(ApiError):
    status, code = 504, "answer_timeout"

    @property
    def message_nb(self) -> str:  # type: ignore[override]
        return f"Det tok for lang tid å finne svaret. Prøv igjen, eller ring {municipality().switchboard}."

    @property
    def message_en(self) -> str:  # type: ignore[override]
        return f"Finding the answer took too long. Try again, or call {municipality().switchboard_intl}."


def internal_en() -> str:
    """The English apology for an unexpected error, with the municipality's switchboard."""
    m = municipality()
    return (f"Sorry, something went wrong on our side. Try again shortly, or call {m.name} on "
            f"{m.switchboard_intl} ({m.hours_en}).")

#: Pydantic error types -> (Norwegian, English) explanations; anything else gets the generic pair.
PROBLEMS: dict[str, tuple[str, str]] = {
    "missing": ("mangler", "is required"),
    "extra_forbidden": ("er ikke et kjent felt", "is not a known field"),
    "string_type": ("må være tekst", "must be a string"),
    "string_too_short": ("kan ikke være tom", "must not be empty"),
    "string_too_long": ("er for lang", "is too long"),
    "too_long": ("har for mange elementer", "has too many items"),
    "list_type": ("må være en liste", "must be a list"),
    "tuple_type": ("må være en liste", "must be a list"),
    "literal_error": ("har en verdi som ikke er tillatt", "has a value that is not allowed"),
    "enum": ("har en verdi som ikke er tillatt", "has a value that is not allowed"),
    "dict_type": ("må være et JSON-objekt", "must be a JSON object"),
    "model_attributes_type": ("må være et JSON-objekt", "must be a JSON object"),
    "json_invalid": ("er ikke gyldig JSON", "is not valid JSON"),
    "value_error": ("har en verdi som ikke er tillatt", "has a value that is not allowed"),
}
GENERIC_PROBLEM = ("er ugyldig", "is invalid")


def wants_english(request: Request, lang: str | None = None) -> bool:
    """True when the client prefers English (``lang="en"``, or ``Accept-Language`` starting with en)."""
    if lang:
        return lang.lower().startswith("en")
    first = request.headers.get("accept-language", "").split(",")[0].strip().lower()
    return first.startswith("en")


def error_body(code: str, nb: str, en: str, *, english: bool,
               fields: Sequence[dict[str, str]] = ()) -> dict[str, Any]:
    """The JSON error shape (see the module docstring)."""
    body: dict[str, Any] = {"code": code, "message": en if english else nb, "message_nb": nb, "message_en": en}
    if fields:
        body["fields"] = list(fields)
    return {"error": body}


def _field_name(loc: Sequence[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path")]
    return ".".join(parts) or "body"


def validation_fields(errors: Sequence[dict[str, Any]]) -> list[dict[str, str]]:
    """Field-by-field problems, without the submitted values (``input``) pydantic would include."""
    out = []
    for e in errors:
        kind = str(e.get("type", ""))
        nb, en = PROBLEMS.get(kind, GENERIC_PROBLEM)
        loc = tuple(e.get("loc", ()))
        # an unknown key is the client's own text (it could hold a fødselsnummer): name the object it was in
        field = "body" if kind == "json_invalid" else _field_name(loc[:-1] if kind == "extra_forbidden" else loc)
        out.append({"field": field, "problem_nb": nb, "problem_en": en})
    return out


async def api_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    english = wants_english(request) if exc.english is None else exc.english
    body = error_body(exc.code, exc.message_nb, exc.message_en, english=english)
    return JSONResponse(body, status_code=exc.status, headers=exc.headers)


async def validation_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    body = error_body("invalid_request", "Forespørselen har feil. Se feltene under.",
                      "The request has errors. See the fields below.", english=wants_english(request),
                      fields=validation_fields(exc.errors()))
    return JSONResponse(body, status_code=422)


#: Starlette's own errors (no route, wrong method, a body FastAPI cannot parse) in our shape.
HTTP_ERRORS: dict[int, type[ApiError]] = {400: BodyUnreadable, 404: NotFound, 405: MethodNotAllowed}


async def http_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """Starlette's ``{"detail": ...}`` errors as the documented shape; the detail (which can quote what was
    sent) is dropped."""
    assert isinstance(exc, StarletteHTTPException)
    kind = HTTP_ERRORS.get(exc.status_code)
    if kind is None:
        kind = type("HttpError", (ApiError,), {"status": exc.status_code})
    headers = {k: v for k, v in (exc.headers or {}).items() if k.lower() == "allow"}
    return await api_error_handler(request, kind(headers=headers))


async def internal_error_handler(request: Request, exc: Exception) -> JSONResponse:
    # the edge: the client gets a message, the log only the exception class (its text may quote the question)
    log.error("request failed: %s", exc.__class__.__name__)
    body = error_body("internal_error", user_message(exc), internal_en(), english=wants_english(request))
    return JSONResponse(body, status_code=500)
