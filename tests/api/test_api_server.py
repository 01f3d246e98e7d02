"""Serving: TCP_NODELAY on every connection (see ui/api/server.py) and the container's health check command."""

from __future__ import annotations

import asyncio
import http.server
import socket
import threading

import pytest

pytest.importorskip("uvicorn", reason="the api extra is not installed")
from uvicorn.config import Config  # noqa: E402
from uvicorn.server import ServerState  # noqa: E402

from ui.api.__main__ import check  # noqa: E402
from ui.api.server import NoDelayH11Protocol  # noqa: E402


class _Transport(asyncio.Transport):
    def __init__(self, sock: socket.socket) -> None:
        super().__init__()
        self.sock = sock

    def is_closing(self) -> bool:
        return False

    def get_extra_info(self, name: str, default=None):  # noqa: ANN001
        return {"socket": self.sock, "peername": self.sock.getpeername(),
                "sockname": self.sock.getsockname()}.get(name, default)


def test_connections_get_tcp_nodelay_even_from_a_protocol_0_socket() -> None:
    # what uvicorn's --workers does: a listening socket made with protocol 0, so asyncio leaves Nagle on
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    client = socket.create_connection(listener.getsockname())
    conn, _ = listener.accept()
    try:
        assert conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0
        loop = asyncio.new_event_loop()
        try:
            config = Config(app=lambda scope, receive, send: None)
            protocol = NoDelayH11Protocol(config=config, server_state=ServerState(), app_state={}, _loop=loop)
            protocol.connection_made(_Transport(conn))
        finally:
            loop.close()
        assert conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
    finally:
        for s in (client, conn, listener):
            s.close()


def test_check_command_is_the_readiness_probe() -> None:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the base class's name
            self.send_response(200 if self.path == "/readyz" else 503)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        assert check(base + "/readyz") == 0
        assert check(base + "/starting") == 1
    finally:
        server.shutdown()
        server.server_close()
    assert check(base + "/readyz") == 1  # nothing listens any more


def test_serving_uses_one_math_thread_set_before_numpy_loads() -> None:
    import subprocess
    import sys

    code = """
import os, sys
for n in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.pop(n, None)
os.environ["MKL_NUM_THREADS"] = "3"  # an operator's choice wins
import ui.api.__main__
from ui.api.server import single_threaded_math
assert "numpy" not in sys.modules and "faiss" not in sys.modules, "loaded before the thread count is set"
single_threaded_math()
print(os.environ["OMP_NUM_THREADS"], os.environ["OPENBLAS_NUM_THREADS"], os.environ["MKL_NUM_THREADS"])
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.split() == ["1", "1", "3"]
