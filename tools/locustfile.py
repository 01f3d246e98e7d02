"""Locust users for ``python -m tools.loadtest``: each asks new questions back to back through POST /v1/ask.

``LOADTEST_MAX_REQUESTS`` > 0 stops the whole run after that many requests (the memory phase).
"""

from __future__ import annotations

import os
import random

import gevent
from locust import HttpUser, constant, events, task

from tools.loadtest import new_question, questions

POOL = questions()
MAX_REQUESTS = int(os.environ.get("LOADTEST_MAX_REQUESTS", "0"))
_count = [0]


@events.request.add_listener
def _stop_after_max(**_: object) -> None:
    _count[0] += 1
    if MAX_REQUESTS and _count[0] == MAX_REQUESTS:
        runner = _environment[0].runner if _environment else None
        if runner is not None:
            # not from inside the request's own greenlet, which quit() kills
            gevent.spawn(runner.quit)


_environment: list = []


@events.init.add_listener
def _keep_environment(environment, **_: object) -> None:  # noqa: ANN001 - locust's own type
    _environment.append(environment)


class Asker(HttpUser):
    """One user: a new question as soon as the last answer arrived (no think time: the server's limit).

    HttpUser (requests), not FastHttpUser: geventhttpclient sends a POST's headers and body in two writes
    without TCP_NODELAY, and Nagle's algorithm against the server's delayed ACK then adds ~40 ms to every
    request (seen here: p50 48 ms at one user against 8 ms from http.client for the same server)."""

    wait_time = constant(0)

    def on_start(self) -> None:
        self.rng = random.Random()

    @task
    def ask(self) -> None:
        with self.client.post("/v1/ask", json={"question": new_question(POOL, self.rng)}, name="/v1/ask",
                              catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
            elif response.json().get("status") not in ("answered", "no_answer", "emergency"):
                response.failure("no valid status")
