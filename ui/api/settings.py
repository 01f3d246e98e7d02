"""The API's settings: one small dataclass, read from ``LEVANGER_API_*`` environment variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields

from assistant.limits import REQUEST_CHARS

PREFIX = "LEVANGER_API_"


@dataclass(frozen=True)
class ApiSettings:
    """Limits and origins of the HTTP API. Every value is per replica (per server process for the rate limit).

    Attributes:
        cors_origins: Origins allowed to call the API from a browser (the municipality's site), e.g.
            ``("https://www.levanger.kommune.no",)``. Empty: no cross-origin calls at all.
            Env ``LEVANGER_API_CORS_ORIGINS``, comma-separated.
        rate_per_second: Tokens a client's bucket gains per second (sustained requests per second).
        rate_burst: Bucket size: how many requests a client may make at once.
        rate_clients: At most this many client buckets are kept (least recently seen are dropped).
        forwarded_hops: Behind this many trusted reverse proxies, the client is the address the nearest of them
            appended to ``X-Forwarded-For``; 0 uses the socket peer (and ignores the header).
        max_body_bytes: Larger request bodies get 413.
        body_timeout_s: A request body that takes longer to arrive gets 408.
        ask_timeout_s: An answer that takes longer gets 504.
        max_history: At most this many earlier turns (the last ones) of a request are used; older ones are
            dropped, not refused.
        max_question_chars: Longer questions get 422 (the UI's input has the same bound).
        header_timeout_s: A connection must complete its request head within this many seconds of opening (or
            of its last response), else it is closed: idle and trickling sockets cannot hold the connection
            limit (ui/api/server.py).
        keep_alive_s: An idle keep-alive connection is closed after this many seconds (uvicorn's own timer).
        max_connections: Connections per server process; at the limit the connection that has waited longest
            without a request head is closed to make room, and uvicorn answers 503 only when every connection
            is busy with a request.
    """

    cors_origins: tuple[str, ...] = ()
    rate_per_second: float = 2.0
    rate_burst: int = 20
    rate_clients: int = 10_000
    forwarded_hops: int = 0
    max_body_bytes: int = 32_768
    body_timeout_s: float = 10.0
    ask_timeout_s: float = 10.0
    max_history: int = 20
    max_question_chars: int = REQUEST_CHARS
    header_timeout_s: float = 10.0
    keep_alive_s: int = 5
    max_connections: int = 256

    def __post_init__(self) -> None:
        if self.rate_per_second <= 0 or self.rate_burst < 1:
            raise ValueError("rate_per_second must be > 0 and rate_burst >= 1")
        if self.header_timeout_s <= 0 or self.keep_alive_s < 1 or self.max_connections < 2:
            raise ValueError("header_timeout_s must be > 0, keep_alive_s >= 1 and max_connections >= 2")
        if self.max_body_bytes < 1024 or self.forwarded_hops < 0:
            raise ValueError("max_body_bytes must be >= 1024 and forwarded_hops >= 0")
        for origin in self.cors_origins:
            if origin == "*" or not origin.startswith(("http://", "https://")) or origin.endswith("/"):
                raise ValueError(f"CORS origins are scheme://host[:port] without a trailing slash, not {origin!r}")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ApiSettings:
        """Settings from ``LEVANGER_API_<FIELD>`` variables (e.g. ``LEVANGER_API_RATE_BURST=10``)."""
        env = os.environ if env is None else env
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = env.get(PREFIX + f.name.upper())
            if raw is None or raw.strip() == "":
                continue
            default = f.default
            if isinstance(default, tuple):
                values[f.name] = tuple(x.strip() for x in raw.split(",") if x.strip())
            elif isinstance(default, bool):
                values[f.name] = raw.strip() == "1"
            else:
                values[f.name] = type(default)(raw.strip())
        return cls(**values)  # type: ignore[arg-type]
