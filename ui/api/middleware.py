"""ASGI middleware at the edge: unambiguous framing, a bounded, timed request body, and an access log without
what was typed.

The access log names the route *template* (``/v1/services/{service_id}``), never the raw path or query
string, and never the client address or the body: a question can hold health details or a fødselsnummer.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import anyio
from starlette.datastructures import Headers
from starlette.responses import JSONResponse

from ui.api.errors import AmbiguousLength, ApiError, BodyTimeout, BodyTooLarge, error_body

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

access_log = logging.getLogger("ui.api.access")


async def _send_error(scope: Scope, receive: Receive, send: Send, exc: ApiError) -> None:
    first = Headers(scope=scope).get("accept-language", "").split(",")[0].strip().lower()
    body = error_body(exc.code, exc.message_nb, exc.message_en, english=first.startswith("en"))
    # the body was not read to its end, so the connection cannot be reused
    await JSONResponse(body, status_code=exc.status, headers={"Connection": "close"})(scope, receive, send)


class FramingMiddleware:
    """Refuses (400, connection closed) a request that has both ``Content-Length`` and ``Transfer-Encoding``.

    RFC 9112 lets a server read such a body by ``Transfer-Encoding`` (h11 does); a proxy in front that trusts
    ``Content-Length`` instead would see a different request boundary, the root of request smuggling.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            names = {name.lower() for name, _ in scope["headers"]}
            if b"content-length" in names and b"transfer-encoding" in names:
                await _send_error(scope, receive, send, AmbiguousLength())
                return
        await self.app(scope, receive, send)


class BodyLimitMiddleware:
    """Reads a request body up front: at most ``max_bytes`` (else 413), within ``timeout_s`` (else 408).

    The app then gets the buffered body, so a slow or endless upload never reaches a handler.
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int, timeout_s: float) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.timeout_s = timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await _send_error(scope, receive, send, BodyTooLarge())
            return
        chunks: list[bytes] = []
        size = 0
        try:
            with anyio.fail_after(self.timeout_s):
                while True:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        return
                    chunk = message.get("body", b"")
                    size += len(chunk)
                    if size > self.max_bytes:
                        await _send_error(scope, receive, send, BodyTooLarge())
                        return
                    chunks.append(chunk)
                    if not message.get("more_body", False):
                        break
        except TimeoutError:
            await _send_error(scope, receive, send, BodyTimeout())
            return
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


class AccessLogMiddleware:
    """One INFO line per request: method, route template, status, milliseconds."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500
        start = time.perf_counter()

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None)
            if template is None:
                # a plain Starlette route (/openapi.json) has no parameters, so its path is its template
                template = scope["path"] if "endpoint" in scope else (
                    "(preflight)" if scope["method"] == "OPTIONS" else "(unmatched)")
            # rounded before it becomes a record argument: a handler that keeps the raw arguments (a JSON
            # formatter) would otherwise carry 16 digits that can spell a number from the request
            access_log.info("%s %s %d %.1fms", scope["method"], template, status,
                            round((time.perf_counter() - start) * 1000, 1))


class SecurityHeadersMiddleware:
    """Headers every response gets: no MIME sniffing, no referrer, no framing of API responses."""

    HEADERS = ((b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
               (b"x-frame-options", b"DENY"))

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *self.HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)
