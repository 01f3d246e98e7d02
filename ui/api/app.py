"""The HTTP API: ``create_app()`` (uvicorn: ``ui.api.app:create_app --factory``).

Thin on purpose: answers, masking, the browse data and feedback storage live in ``assistant``; this module
only validates requests, bounds them (size, rate, time) and turns the assistant's dataclasses into JSON.
The Assistant is loaded once per process in the background; ``/readyz`` says when it is serving, and which
index generation (a new one is picked up without a restart, see :mod:`assistant.reloading`).
"""

# no ``from __future__ import annotations``: FastAPI must see the request model built inside create_app
import json
import logging
import re
import sqlite3
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
from fastapi import Depends, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.core import Assistant
from assistant.errors import user_message
from assistant.feedback import ASPECTS, FeedbackStore
from assistant.municipality import municipality
from assistant.reloading import ReloadingAssistant
from ui.api import errors, schemas
from ui.api.docs import DOCS_CSP, docs_html
from ui.api.limits import RateLimiter, client_key, retry_after
from ui.api.middleware import (
    AccessLogMiddleware,
    BodyLimitMiddleware,
    FramingMiddleware,
    SecurityHeadersMiddleware,
)
from ui.api.settings import ApiSettings

log = logging.getLogger("ui.api")

WIDGET = Path(__file__).resolve().parents[1] / "widget" / "widget.js"
DESCRIPTION = (
    "Spør om helse- og omsorgstjenestene i {name}. Svarene er sitater fra tjenestebeskrivelsene med "
    "nummererte kilder, ikke vedtak. Questions about {name}'s health and care services; answers quote the "
    "service descriptions with numbered sources. Personal data in questions is masked before use and never logged."
)
_PROFILE_SLOT = re.compile(r"/\*profile\*/.*?/\*end\*/", re.S)


def widget_script() -> bytes:
    """The widget with the municipality's profile in it (the widget gets its contact details from here)."""
    m = municipality()
    profile = {"name": m.name, "switchboard": m.switchboard, "tel": m.tel, "hours": m.hours, "email": m.email}
    text = WIDGET.read_text(encoding="utf-8")
    filled, n = _PROFILE_SLOT.subn(lambda _: "/*profile*/" + json.dumps(profile, ensure_ascii=False) + "/*end*/",
                                  text, count=1)
    if n != 1:
        raise RuntimeError("ui/widget/widget.js has lost its /*profile*/ slot")
    return filled.encode("utf-8")


class FeedbackUnavailable(errors.ApiError):
    status, code = 503, "feedback_unavailable"
    message_nb, message_en = "Tilbakemeldingen kunne ikke lagres akkurat nå.", "Feedback could not be stored now."


class UnknownReference(errors.ApiError):
    status, code = 422, "unknown_reference"
    message_nb = "Tilbakemeldingen viser til tjenester eller kilder som ikke finnes."
    message_en = "The feedback refers to services or sources that do not exist."


class Runtime:
    """The process's Assistant, loaded in a background thread unless one is given, and replaced when the index
    gets a new generation (:mod:`assistant.reloading`)."""

    def __init__(self, assistant: Assistant | None, load: Callable[[], Assistant]) -> None:
        self.source = ReloadingAssistant(assistant) if assistant is not None else None
        self.failure: BaseException | None = None
        self._load = load
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self.source is None and self._thread is None:
            self._thread = threading.Thread(target=self._run, name="assistant-load", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        try:
            self.source = ReloadingAssistant(self._load())
        except Exception as exc:  # noqa: BLE001 - reported by /readyz; the log gets the class only
            log.error("loading the assistant failed: %s", exc.__class__.__name__)
            self.failure = exc

    @property
    def assistant(self) -> Assistant | None:
        """The assistant for one request (keep it for the whole request), or None while loading."""
        return None if self.source is None else self.source.get()

    def require(self) -> Assistant:
        bot = self.assistant
        if bot is None:
            raise errors.NotReady()
        return bot


def create_app(*, assistant: Assistant | None = None, load: Callable[[], Assistant] | None = None,
               settings: ApiSettings | None = None, feedback: FeedbackStore | None = None,
               limiter: RateLimiter | None = None) -> FastAPI:
    """The API application.

    Args:
        assistant: A loaded Assistant (tests); otherwise ``load`` runs in the background at start-up.
        load: How to load it; default ``Assistant.load``.
        settings: Limits and origins; default ``ApiSettings.from_env()``.
        feedback: The feedback store; default ``FeedbackStore()`` (``$LEVANGER_FEEDBACK_DB``), opened on first use.
        limiter: The rate limiter; default one built from ``settings``.
    """
    settings = settings or ApiSettings.from_env()
    runtime = Runtime(assistant, load or Assistant.load)
    if limiter is None:  # (not ``or``: an empty limiter has len 0)
        limiter = RateLimiter(rate=settings.rate_per_second, burst=settings.rate_burst,
                              max_clients=settings.rate_clients)
    stores: list[FeedbackStore] = [feedback] if feedback is not None else []
    widget = widget_script()
    AskRequest = schemas.ask_request(max_question_chars=settings.max_question_chars,  # noqa: N806
                                     max_history=settings.max_history)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        runtime.start()
        yield

    app = FastAPI(title=f"Helse- og omsorgsassistenten, {municipality().name}", version="1",
                  description=DESCRIPTION.format(name=municipality().name),
                  docs_url=None, redoc_url=None, lifespan=lifespan)
    app.state.runtime = runtime
    app.state.settings = settings
    app.add_exception_handler(errors.ApiError, errors.api_error_handler)
    app.add_exception_handler(RequestValidationError, errors.validation_error_handler)
    app.add_exception_handler(StarletteHTTPException, errors.http_error_handler)
    app.add_exception_handler(Exception, errors.internal_error_handler)
    # outermost last: the access log sees every response, also the 413s and CORS preflights
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes, timeout_s=settings.body_timeout_s)
    # outside the body limit, so a browser can read a 413 too
    app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=["GET", "POST"],
                       allow_headers=["Content-Type", "Accept-Language"], allow_credentials=False, max_age=600)
    # before CORS and the body: a request whose length is ambiguous is refused whatever it is
    app.add_middleware(FramingMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(AccessLogMiddleware)

    def rate_limit(request: Request) -> None:
        key = client_key(request.client.host if request.client else None, request.headers,
                         forwarded_hops=settings.forwarded_hops)
        wait = limiter.take(key)
        if wait > 0:
            raise errors.RateLimited(headers={"Retry-After": retry_after(wait)})

    limited = [Depends(rate_limit)]
    not_found = {404: {"description": "Unknown service"}}

    @app.post("/v1/ask", response_model=schemas.AskResponse, dependencies=limited, tags=["v1"],
              summary="Answer a question, with numbered sources",
              responses={422: {"description": "Invalid request"}, 429: {"description": "Rate limited"},
                         503: {"description": "Starting"}, 504: {"description": "Answer timed out"}})
    async def ask(body: AskRequest, response: Response) -> dict[str, Any]:  # type: ignore[valid-type]
        english = None if body.lang is None else body.lang == "en"
        bot = runtime.assistant  # this request's assistant, also if a new index generation arrives meanwhile
        if bot is None:
            raise errors.NotReady(english=english)
        history = schemas.history_turns(body.history, max_turns=settings.max_history)
        try:
            with anyio.fail_after(settings.ask_timeout_s):
                # the thread is abandoned on timeout and finishes on its own (ask's cost is bounded)
                reply = await anyio.to_thread.run_sync(lambda: bot.ask(body.question, history=history),
                                                       abandon_on_cancel=True)
        except TimeoutError:
            raise errors.AnswerTimeout(english=english) from None
        response.headers["Cache-Control"] = "no-store"
        return schemas.reply_json(reply)

    @app.get("/v1/services", response_model=list[schemas.ServiceSummary], dependencies=limited, tags=["v1"],
             summary="Every service description (and the general one on how services are granted)")
    def services() -> list[dict[str, Any]]:
        bot = runtime.require()
        return [schemas.service_summary(d) for d in bot.guide.documents]

    @app.get("/v1/services/{service_id}", response_model=schemas.ServiceDetail, dependencies=limited,
             tags=["v1"], summary="One service description with all its sections", responses=not_found)
    def service(service_id: str) -> dict[str, Any]:
        doc = runtime.require().document(service_id)
        if doc is None:
            raise errors.UnknownService()
        return schemas.service_detail(doc)

    @app.post("/v1/feedback", response_model=schemas.FeedbackStored, status_code=201, dependencies=limited,
              tags=["v1"], summary="Rate a reply (👍/👎); the question is not stored unless the deployment opts in")
    def feedback_(body: schemas.FeedbackRequest) -> dict[str, bool]:
        bot = runtime.require()
        chunk_ids = {c.chunk_id for c in bot.chunks}
        bad = [("services", s) for s in body.services if s not in bot.service_ids]
        bad += [("chunks", c) for c in body.chunks if c not in chunk_ids]
        # a closed set: free text here ("ola_nordmann_har_hiv") would be kept as it is
        bad += [("aspect", body.aspect)] if body.aspect and body.aspect not in ASPECTS else []
        if bad:
            raise UnknownReference()
        try:
            if not stores:
                stores.append(FeedbackStore())
            stores[0].add(question=body.question, services=body.services, rating=body.rating, status=body.status,
                          aspect=body.aspect, chunks=body.chunks, reasons=body.reasons,
                          keep_question=True if body.include_question else None)
        except (sqlite3.Error, OSError) as exc:
            log.error("storing feedback failed: %s", exc.__class__.__name__)
            raise FeedbackUnavailable() from None
        return {"stored": True}

    @app.get("/healthz", response_model=schemas.Health, tags=["ops"], summary="The process is alive")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", response_model=schemas.Ready, tags=["ops"],
             summary="The index is loaded and verified", responses={503: {"description": "Not ready"}})
    def readyz(request: Request) -> Any:
        if runtime.failure is not None:
            nb = user_message(runtime.failure)
            return JSONResponse(errors.error_body("load_failed", nb, "The assistant could not be loaded.",
                                                  english=errors.wants_english(request)), status_code=503)
        bot = runtime.require()
        m = bot.manifest
        return {"status": "ready", "chunks": m.chunk_count, "services": len(bot.service_ids),
                "embedder": f"{m.embedder_backend}:{m.embedder_name}", "corpus_hash": m.corpus_hash[:12],
                "created": m.created, "generation": bot.retriever.generation}

    @app.get("/widget.js", include_in_schema=False)
    def widget_js() -> Response:
        return Response(widget, media_type="text/javascript; charset=utf-8",
                        headers={"Cache-Control": "public, max-age=300",
                                 "Cross-Origin-Resource-Policy": "cross-origin"})

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(docs_html(app.openapi()), headers={"Content-Security-Policy": DOCS_CSP})

    return app
