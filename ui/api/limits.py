"""Per-client token-bucket rate limiting (in memory, so per server process: see the README on replicas).

A client is its network address (the socket peer, or the address a trusted reverse proxy put in
``X-Forwarded-For``). Addresses are kept only in memory, for at most ``max_clients`` clients, and never
logged.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass


@dataclass
class Bucket:
    """One client's tokens at the time of its last request."""

    tokens: float
    stamp: float


class RateLimiter:
    """Token buckets per client key: ``burst`` requests at once, then ``rate`` per second.

    Args:
        rate: Tokens added per second.
        burst: Bucket capacity (and the tokens a new client starts with).
        max_clients: Buckets kept; the least recently seen client is forgotten first (it starts full again).
        clock: Monotonic seconds; injectable so tests need no sleeping.
    """

    def __init__(self, *, rate: float, burst: int, max_clients: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0 or burst < 1 or max_clients < 1:
            raise ValueError("rate must be > 0, burst >= 1 and max_clients >= 1")
        self.rate = float(rate)
        self.burst = int(burst)
        self.max_clients = int(max_clients)
        self.clock = clock
        self._buckets: OrderedDict[str, Bucket] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._buckets)

    def take(self, key: str) -> float:
        """Spend one token of ``key``'s bucket.

        Returns:
            0.0 when the request may go ahead, else the seconds until a token is available.
        """
        now = self.clock()
        with self._lock:
            bucket = self._buckets.pop(key, None)
            if bucket is None:
                bucket = Bucket(float(self.burst), now)
            else:
                bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.stamp) * self.rate)
                bucket.stamp = now
            self._buckets[key] = bucket  # most recently seen last
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0.0
            return (1.0 - bucket.tokens) / self.rate


def retry_after(wait: float) -> str:
    """A ``Retry-After`` header value: whole seconds, at least 1."""
    return str(max(1, math.ceil(wait)))


def client_key(peer: str | None, headers: Mapping[str, str], *, forwarded_hops: int) -> str:
    """The client's address.

    With ``forwarded_hops`` = 0 the socket peer. Behind N trusted proxies, the N-th address from the right
    of ``X-Forwarded-For`` (each proxy appends the address it was called from, so the entries to the left
    of it are the client's own claims and cannot be trusted).
    """
    if forwarded_hops > 0:
        chain = [p.strip() for p in headers.get("x-forwarded-for", "").split(",") if p.strip()]
        if len(chain) >= forwarded_hops:
            return chain[-forwarded_hops]
    return peer or "unknown"
