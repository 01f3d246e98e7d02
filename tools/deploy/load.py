"""A small threaded load client for the deploy test: new questions to /v1/ask through nginx, and a 👍/👎 on
every few replies to /v1/feedback. Each request is recorded (start, duration, route, status); the summary
splits them by time window (before, during and after the kill). Bounded by its run time; stdlib only.
"""

from __future__ import annotations

import csv
import http.client
import json
import random
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tools.loadtest import new_question, questions

ASK, FEEDBACK = "/v1/ask", "/v1/feedback"


@dataclass(frozen=True)
class Outcome:
    start: float  # seconds since the run started
    seconds: float
    route: str
    status: int  # 0: the connection failed (no HTTP answer at all)
    clear_error: bool = False  # a non-2xx answer in the API's JSON error format with a Norwegian message


def _clear(body: bytes) -> bool:
    try:
        error = json.loads(body)["error"]
    except (ValueError, KeyError, TypeError):
        return False
    return bool(error.get("code")) and bool(error.get("message_nb"))


class Load:
    """``users`` threads asking back to back for ``seconds`` against ``host``:``port``."""

    def __init__(self, port: int, users: int, seconds: float, *, feedback_every: int = 4, seed: int = 20) -> None:
        self.port, self.users, self.seconds, self.feedback_every = port, users, seconds, feedback_every
        self.outcomes: list[Outcome] = []
        self._lock = threading.Lock()
        self._pool = questions()
        self._seed = seed
        self.t0 = 0.0
        self.stop_early = threading.Event()

    def elapsed(self) -> float:
        return time.monotonic() - self.t0

    def _post(self, conn: http.client.HTTPConnection, route: str, body: dict) -> tuple[int, bytes]:
        data = json.dumps(body).encode()
        conn.request("POST", route, body=data, headers={"Content-Type": "application/json",
                                                        "Accept-Language": "nb"})
        response = conn.getresponse()
        return response.status, response.read()

    def _one(self, conn: http.client.HTTPConnection, route: str, body: dict) -> tuple[int, bytes, bool]:
        start = self.elapsed()
        try:
            status, payload = self._post(conn, route, body)
        except (OSError, http.client.HTTPException):
            conn.close()  # reconnects on the next request
            status, payload = 0, b""
        ok = 200 <= status < 300
        with self._lock:
            self.outcomes.append(Outcome(start, self.elapsed() - start, route, status,
                                         clear_error=not ok and _clear(payload)))
        return status, payload, ok

    def _user(self, n: int) -> None:
        rng = random.Random(self._seed * 100 + n)
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        asked = 0
        try:
            while self.elapsed() < self.seconds and not self.stop_early.is_set():
                status, payload, ok = self._one(conn, ASK, {"question": new_question(self._pool, rng)})
                asked += 1
                if ok and self.feedback_every and asked % self.feedback_every == 0:
                    reply = json.loads(payload)
                    self._one(conn, FEEDBACK, {
                        "rating": rng.choice(["up", "down"]), "status": reply["status"],
                        "aspect": reply.get("aspect") or "", "services": reply.get("services", [])[:20],
                        "chunks": [c["chunk_id"] for c in reply.get("citations", [])][:40]})
        finally:
            conn.close()

    def run(self, during: Callable[[], None] | None = None) -> None:
        """Run the users; ``during`` (the kill, the rollout) runs in this thread meanwhile."""
        self.t0 = time.monotonic()
        threads = [threading.Thread(target=self._user, args=(n,), daemon=True) for n in range(self.users)]
        for t in threads:
            t.start()
        try:
            if during is not None:
                during()
        finally:
            for t in threads:
                t.join(self.seconds + 60)


def write_csv(outcomes: list[Outcome], path: Path) -> None:
    """Every request of a run, for a closer look (start and duration in seconds, route, status)."""
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["start_s", "seconds", "route", "status", "clear_error"])
        for o in sorted(outcomes, key=lambda o: o.start):
            out.writerow([f"{o.start:.3f}", f"{o.seconds:.3f}", o.route, o.status, int(o.clear_error)])


def _pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def summary(outcomes: list[Outcome], start: float, end: float) -> dict:
    """Requests, failures and p50/p95 of /v1/ask for the requests that started in [start, end)."""
    window = [o for o in outcomes if start <= o.start < end]
    asks = [o for o in window if o.route == ASK]
    feedback = [o for o in window if o.route == FEEDBACK]
    times = sorted(o.seconds * 1000 for o in asks if o.status == 200)
    span = max(end - start, 1e-9)
    return {
        "from_s": round(start, 1), "to_s": round(end, 1),
        "ask_requests": len(asks), "ask_failed": sum(o.status != 200 for o in asks),
        "ask_per_s": round(len(asks) / span, 2),
        "p50_ms": round(_pct(times, 50)), "p95_ms": round(_pct(times, 95)), "max_ms": round(max(times, default=0)),
        "feedback_requests": len(feedback), "feedback_stored": sum(o.status == 201 for o in feedback),
        "feedback_refused_clearly": sum(o.status not in (0, 201) and o.clear_error for o in feedback),
        "feedback_other": sum(o.status != 201 and not o.clear_error for o in feedback),
        "statuses": dict(sorted(_count(o.status for o in window).items())),
    }


def _count(values) -> dict[str, int]:  # noqa: ANN001 - any iterable of ints
    out: dict[str, int] = {}
    for v in values:
        out[str(v)] = out.get(str(v), 0) + 1
    return out
