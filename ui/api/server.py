"""Serving the API with uvicorn: logging without uvicorn's access log, and TCP_NODELAY on every connection.

Why the protocol class: with ``--workers`` > 1 uvicorn binds the listening socket itself with protocol 0,
and asyncio only sets TCP_NODELAY on sockets whose protocol is IPPROTO_TCP. A response's head and body then
leave as two small writes, and Nagle's algorithm holds the second until the client's delayed ACK: about
40 ms added to every request (measured here: p50 48 ms with 2 workers against 12 ms with 1, for the same
server and client).
"""

from __future__ import annotations

import asyncio
import os
import socket

from uvicorn.protocols.http.h11_impl import H11Protocol

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


class NoDelayH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, with TCP_NODELAY set on the connection (see the module docstring)."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            try:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except OSError:
                pass
        super().connection_made(transport)


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

    uvicorn.run("ui.api.app:create_app", factory=True, host=host, port=port, workers=workers,
                http="ui.api.server:NoDelayH11Protocol", access_log=False, log_config=LOG_CONFIG,
                server_header=False, proxy_headers=False, timeout_keep_alive=5, timeout_graceful_shutdown=10,
                limit_concurrency=256)
