"""Serving the API with uvicorn: logging without uvicorn's access log, TCP_NODELAY on every connection, and a
deadline for each request head (see :class:`GuardedH11Protocol`).

Why the protocol class: with ``--workers`` > 1 uvicorn binds the listening socket itself with protocol 0,
and asyncio only sets TCP_NODELAY on sockets whose protocol is IPPROTO_TCP. A response's head and body then
leave as two small writes, and Nagle's algorithm holds the second until the client's delayed ACK: about
40 ms added to every request (measured here: p50 48 ms with 2 workers against 12 ms with 1, for the same
server and client).
"""

from __future__ import annotations

import asyncio
import functools
import os
import socket

from uvicorn.protocols.http.h11_impl import H11Protocol

from ui.api.settings import ApiSettings

LOG_CONFIG = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"}},
    "loggers": {
        "uvicorn": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        # uvicorn's access log prints the raw path and the client address: off
        "uvicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
        "ui.api": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
    },
    "root": {"handlers": ["stderr"], "level": "WARNING"},
}


@functools.cache
def process_settings() -> ApiSettings:
    """The API settings from the environment, read once per server process (the protocol is made per
    connection, and uvicorn's worker processes import this module by name)."""
    return ApiSettings.from_env()


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with TCP_NODELAY, a request-head deadline and shedding of idle connections.

    uvicorn has no header-read timeout: its keep-alive timer starts only after a response and stops at the
    first byte received, so a socket that sends nothing, or one byte a second, stays open for ever and counts
    toward ``limit_concurrency`` (45 such sockets made every real request 503). Here:

    * a connection must complete a request head within ``header_timeout_s`` of opening, or of its last
      response (a byte now and then does not extend it), else it is closed;
    * a new connection that would reach the connection limit first closes the connection that has waited
      longest without a request head, so idle sockets can delay no real request (uvicorn's 503 then means
      every connection is busy with a request).
    """

    #: Seconds to complete a request head; None takes ``LEVANGER_API_HEADER_TIMEOUT_S`` (process_settings).
    header_timeout_s: float | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            try:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except OSError:
                pass
        self._head_timer: asyncio.TimerHandle | None = None
        self._waiting_since = self.loop.time()
        super().connection_made(transport)
        self._shed_idle()
        self._await_head()

    def _head_timeout(self) -> float:
        return self.header_timeout_s if self.header_timeout_s is not None else process_settings().header_timeout_s

    def _await_head(self) -> None:
        """Start the deadline for the next request head, unless it is running."""
        if self._head_timer is None and not self.transport.is_closing():
            self._waiting_since = self.loop.time()
            self._head_timer = self.loop.call_later(self._head_timeout(), self._head_timed_out)

    def _stop_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    @property
    def awaiting_head(self) -> bool:
        """True while the connection has no request in progress (idle, or sending a head)."""
        return self._head_timer is not None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if not self.transport.is_closing():
            self.transport.close()

    def _shed_idle(self) -> None:
        limit = self.limit_concurrency
        if limit is None or len(self.connections) < limit:
            return
        idle = [c for c in self.connections if c is not self and isinstance(c, GuardedH11Protocol) and c.awaiting_head]
        for victim in sorted(idle, key=lambda c: c._waiting_since)[: len(self.connections) - limit + 1]:
            victim._stop_head_timer()
            victim.transport.close()
            self.connections.discard(victim)  # closing is asynchronous; the slot is free now

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.cycle is not None and not self.cycle.response_complete:
            self._stop_head_timer()  # a request head is complete: the body and the answer have their own limits

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._stop_head_timer()
        if self.cycle is None or self.cycle.response_complete:  # not already serving a pipelined request
            self._await_head()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_head_timer()
        super().connection_lost(exc)


#: The name this class had before it also guarded the request head.
NoDelayH11Protocol = GuardedH11Protocol


def uvicorn_options(settings: ApiSettings) -> dict[str, object]:
    """uvicorn's settings for the API (besides the app, host, port and workers)."""
    return {"http": GuardedH11Protocol, "access_log": False, "log_config": LOG_CONFIG, "server_header": False,
            "proxy_headers": False, "timeout_keep_alive": settings.keep_alive_s, "timeout_graceful_shutdown": 10,
            "limit_concurrency": settings.max_connections}


#: Math-library threads per worker process. Each request is one small embedding and one search, so threads
#: only fight each other and the other workers for the cores: on this 2-core machine, under load from other
#: processes, one ask() took 415 ms wall / 325 ms CPU with the default thread pools and 53 ms / 52 ms with one.
THREAD_ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def single_threaded_math() -> None:
    """One math thread per process, unless the environment already says otherwise; before numpy/faiss load."""
    for name in THREAD_ENV:
        os.environ.setdefault(name, "1")


def serve(*, host: str, port: int, workers: int) -> None:
    """Run ``create_app`` under uvicorn with ``workers`` processes (blocks until stopped)."""
    single_threaded_math()  # the worker processes inherit it
    import uvicorn

    options = uvicorn_options(process_settings())
    options["http"] = "ui.api.server:GuardedH11Protocol"  # by name: worker processes import it
    uvicorn.run("ui.api.app:create_app", factory=True, host=host, port=port, workers=workers,
                **options)  # type: ignore[arg-type]
