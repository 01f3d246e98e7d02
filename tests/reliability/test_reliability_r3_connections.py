"""Reliability round 3, connections: a real uvicorn server (in a thread, on the hashing assistant) under idle,
trickling and ambiguous connections.

* Sockets that send no request head, or trickle it a byte at a time (also on a kept-alive connection after a
  response), are closed within the head timeout; uvicorn alone kept them open for ever.
* With the connection limit full of such sockets, a real request still gets 200 at once (the longest-waiting
  idle connection is closed to make room); uvicorn alone answered 503.
* A request with both Content-Length and Transfer-Encoding gets the bilingual 400 and the connection closes,
  so a request smuggled in its body is never answered.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import select
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("uvicorn", reason="the api extra is not installed")
import uvicorn  # noqa: E402

from assistant.core import Assistant  # noqa: E402
from assistant.feedback import FeedbackStore  # noqa: E402
from ui.api.app import create_app  # noqa: E402
from ui.api.server import process_settings, uvicorn_options  # noqa: E402
from ui.api.settings import ApiSettings  # noqa: E402

#: time limits on connections: `make test` runs these alone, after the parallel pass
pytestmark = pytest.mark.serial


@contextlib.contextmanager
def running(bot: Assistant, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, header_timeout_s: float,
            max_connections: int = 64, keep_alive_s: int = 1) -> Iterator[tuple[str, int]]:
    """The API under uvicorn with our options; the head timeout comes from the environment, as in serving."""
    monkeypatch.setenv("LEVANGER_API_HEADER_TIMEOUT_S", str(header_timeout_s))
    process_settings.cache_clear()
    settings = ApiSettings(max_connections=max_connections, keep_alive_s=keep_alive_s, rate_burst=1000)
    app = create_app(assistant=bot, settings=settings, feedback=FeedbackStore(tmp_path / "feedback.sqlite3"))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, lifespan="on", **uvicorn_options(settings))  # type: ignore[arg-type]
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.02)
    try:
        yield sock.getsockname()
    finally:
        server.should_exit = True
        thread.join(15)
        sock.close()
        process_settings.cache_clear()


def closed_by_server(s: socket.socket, *, trickle: bytes, within: float) -> float | None:
    """Seconds until the server closes ``s`` while we send ``trickle`` a byte every 0.2 s (None: still open)."""
    start = time.monotonic()
    i = 0
    while time.monotonic() - start < within:
        readable, _, _ = select.select([s], [], [], 0.2)
        if readable:
            try:
                if s.recv(65536) == b"":
                    return time.monotonic() - start
            except ConnectionResetError:
                return time.monotonic() - start
            continue
        if trickle:
            try:
                s.send(trickle[i % len(trickle) : i % len(trickle) + 1])
            except (BrokenPipeError, ConnectionResetError):
                return time.monotonic() - start
            i += 1
    return None


def get(address: tuple[str, int], path: str = "/healthz") -> int:
    conn = http.client.HTTPConnection(*address, timeout=5)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


HEAD = b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Padding: " + b"a" * 200


def test_idle_and_trickling_connections_are_closed_within_the_head_timeout(hashing_assistant, tmp_path, monkeypatch):
    with running(hashing_assistant, tmp_path, monkeypatch, header_timeout_s=1.0) as address:
        idle = socket.create_connection(address)
        trickling = socket.create_connection(address)
        # a kept-alive connection: one full request, then a head trickled after the response
        kept = socket.create_connection(address)
        kept.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        assert kept.recv(65536).startswith(b"HTTP/1.1 200")
        results: dict[str, float | None] = {}
        cases = {"idle": (idle, b""), "trickling": (trickling, HEAD), "kept-alive trickling": (kept, HEAD)}
        threads = [threading.Thread(target=lambda n=n, s=s, t=t: results.__setitem__(
            n, closed_by_server(s, trickle=t, within=6.0))) for n, (s, t) in cases.items()]
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
        for s, _ in cases.values():
            s.close()
    # the head timeout is 1 s; polling and the event loop add a little
    assert all(r is not None and r < 2.5 for r in results.values()), results


def test_a_quiet_kept_alive_connection_is_closed_after_the_keep_alive_time(hashing_assistant, tmp_path, monkeypatch):
    with running(hashing_assistant, tmp_path, monkeypatch, header_timeout_s=30.0, keep_alive_s=1) as address:
        kept = socket.create_connection(address)
        kept.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        assert kept.recv(65536).startswith(b"HTTP/1.1 200")
        took = closed_by_server(kept, trickle=b"", within=5.0)
        kept.close()
    assert took is not None and took < 2.5, took


def test_a_real_request_gets_200_with_the_connection_limit_full_of_idle_and_trickling_sockets(
        hashing_assistant, tmp_path, monkeypatch):
    """Limit 8; 6 idle and 6 trickling sockets (a 30 s head timeout, so the timeout is not what saves it)."""
    with running(hashing_assistant, tmp_path, monkeypatch, header_timeout_s=30.0, max_connections=8) as address:
        stop, trickling = threading.Event(), threading.Event()
        hogs = [socket.create_connection(address) for _ in range(12)]

        def trickle() -> None:
            i = 0
            while not stop.wait(0.2):
                for s in hogs[6:]:
                    with contextlib.suppress(OSError):
                        s.send(HEAD[i % len(HEAD) : i % len(HEAD) + 1])
                i += 1
                if i == 2:  # every trickling socket has sent its first bytes twice
                    trickling.set()

        feeder = threading.Thread(target=trickle, daemon=True)
        feeder.start()
        try:
            assert trickling.wait(10)  # the trickle has started
            timings = []
            for _ in range(5):
                start = time.monotonic()
                status = get(address)
                timings.append((status, time.monotonic() - start))
                # a fresh idle socket after each request keeps the limit full
                hogs.append(socket.create_connection(address))
            conn = http.client.HTTPConnection(*address, timeout=10)
            conn.request("POST", "/v1/ask", body=json.dumps({"question": "Hva koster trygghetsalarm?"}),
                         headers={"Content-Type": "application/json"})
            ask = conn.getresponse()
            ask.read()
            conn.close()
        finally:
            stop.set()
            feeder.join(5)
            for s in hogs:
                s.close()
    assert all(status == 200 and took < 1.0 for status, took in timings), timings
    assert ask.status == 200


def raw_exchange(address: tuple[str, int], request: bytes) -> bytes:
    """Send ``request`` and read until the server closes the connection (at most 5 s)."""
    with socket.create_connection(address, timeout=5) as s:
        s.sendall(request)
        data = b""
        with contextlib.suppress(TimeoutError, ConnectionResetError):
            while chunk := s.recv(65536):
                data += chunk
    return data


@pytest.mark.parametrize("framing", [b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
                                     b"transfer-encoding: chunked\r\nCONTENT-LENGTH: 5\r\n"])
def test_content_length_with_transfer_encoding_is_400_and_the_smuggled_request_is_not_answered(
        hashing_assistant, tmp_path, monkeypatch, framing):
    smuggled = b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"
    request = (b"POST /v1/ask HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nAccept-Language: en\r\n"
               + framing + b"\r\n0\r\n\r\n" + smuggled)
    with running(hashing_assistant, tmp_path, monkeypatch, header_timeout_s=5.0) as address:
        data = raw_exchange(address, request)
    assert data.startswith(b"HTTP/1.1 400"), data[:200]
    assert data.count(b"HTTP/1.1 ") == 1, "the request in the body was answered"
    head, _, body = data.partition(b"\r\n\r\n")
    assert b"connection: close" in head.lower()
    error = json.loads(body)["error"]
    assert error["code"] == "ambiguous_length" and error["message"] == error["message_en"]
    assert error["message_nb"].startswith("Forespørselen har både")


def test_a_chunked_request_alone_is_still_served(hashing_assistant, tmp_path, monkeypatch):
    body = json.dumps({"question": "Hva koster trygghetsalarm?"}).encode()
    request = (b"POST /v1/ask HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nConnection: close\r\n"
               b"Transfer-Encoding: chunked\r\n\r\n" + f"{len(body):x}".encode() + b"\r\n" + body + b"\r\n0\r\n\r\n")
    with running(hashing_assistant, tmp_path, monkeypatch, header_timeout_s=5.0) as address:
        data = raw_exchange(address, request)
    assert data.startswith(b"HTTP/1.1 200"), data[:200]
