"""Serve the API with uvicorn, or check a running one (the container's healthcheck).

    python -m ui.api [--host 127.0.0.1] [--port 8720] [--workers 2]
    python -m ui.api check [--url http://127.0.0.1:8720/readyz]

uvicorn's own access log is off (it would print the raw path and the client address); the API's access log
(``ui.api.access``) names only the method, the route template, the status and the time (ui/api/server.py).
"""

from __future__ import annotations

import argparse
import os
import sys
import urllib.error
import urllib.request

def check(url: str) -> int:
    """0 when ``url`` answers 200 within 3 seconds, else 1."""
    try:
        with urllib.request.urlopen(url, timeout=3) as response:  # noqa: S310 - our own local URL
            return 0 if response.status == 200 else 1
    except (urllib.error.URLError, OSError):
        return 1


def origins_notice(origins: tuple[str, ...]) -> str:
    """What ``serve`` prints at start-up: which web pages may call the API from a browser, and how to set them."""
    how = ("Set LEVANGER_API_CORS_ORIGINS to the pages' origins, comma-separated, e.g. "
           "LEVANGER_API_CORS_ORIGINS=https://www.levanger.kommune.no make api")
    if not origins:
        return ("Allowed browser origins: none. No web page can call this API from a browser, so the widget "
                "will fail on every site. " + how)
    return "Allowed browser origins: " + ", ".join(origins) + ". " + how


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ui.api", description=__doc__.split("\n\n")[0])
    parser.add_argument("command", nargs="?", choices=["serve", "check"], default="serve")
    parser.add_argument("--host", default=os.environ.get("LEVANGER_API_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("LEVANGER_API_PORT", "8720")))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("LEVANGER_API_WORKERS", "1")))
    parser.add_argument("--url", help="for check: the URL to probe (default: /readyz on --host/--port)")
    args = parser.parse_args(argv)
    if args.command == "check":
        return check(args.url or f"http://{args.host}:{args.port}/readyz")

    from ui.api.server import serve
    from ui.api.settings import ApiSettings

    try:
        origins = ApiSettings.from_env().cors_origins
    except ValueError as exc:  # the app refuses the same settings at start-up, with this message
        print(f"Invalid LEVANGER_API_* setting: {exc}", file=sys.stderr)
        return 2
    print(origins_notice(origins), file=sys.stderr, flush=True)
    serve(host=args.host, port=args.port, workers=args.workers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
