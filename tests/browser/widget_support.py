"""Shared pieces of the widget's browser tests: the API (``python -m ui.api``, uvicorn, hashing embedder) in
its own process and plain host pages on other localhost origins, one of them allowed by CORS.

``running_sites`` yields the pages (``page``: the allowed origin; ``slow``: the same origin with a 1.5 s request
time-out on the script tag; ``foreign``: an origin the API does not allow), the API address, the feedback
file and the API's log. ``shadow_targets`` measures the widget's interactive elements.
"""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from tests.browser.ui_browser_support import AXE, CHROMIUM, stop_process
from tests.conftest import copy_index

from assistant.feedback import FeedbackRow, FeedbackStore
from tools.net import free_port, http_ok

REPO = Path(__file__).resolve().parents[2]
HOST_PAGE = """<!doctype html>
<html lang="nb"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Levanger kommune – helse og omsorg</title></head>
<body><main><h1>Helse og omsorg</h1><p>En vanlig side på kommunens nettsted.</p>
<a href="#">En lenke på siden</a></main>
<script src="{api}/widget.js" data-api="{api}"{extra} defer></script>
</body></html>
"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


def _serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    port = free_port()
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{port}"


def feedback_rows(db: Path, since: int = 0) -> list[FeedbackRow]:
    """The feedback file's rows after the first ``since`` (a module shares one API: a test reads the count before
    it rates, then asserts only the rows it added); none while the API has stored nothing."""
    return FeedbackStore(db).rows()[since:] if db.exists() else []


@contextmanager
def running_sites(tmp_path: Path, *, index: Path | None = None) -> Iterator[dict[str, Any]]:
    """The API (uvicorn, its own process) and host pages on other ports, all on 127.0.0.1 (the ``sites``
    fixture of tests/browser/conftest.py). ``index``: a hashing index folder built as the API builds it (the
    session's), copied for the API to load; without it (or should it be stale) the API builds its own."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (make browser) to run the browser test")
    pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    if not AXE.exists():
        pytest.skip(f"{AXE} is missing: `make test` installs axe-core (npm ci)")
    api_port = free_port()
    api = f"http://127.0.0.1:{api_port}"
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(HOST_PAGE.format(api=api, extra=""), encoding="utf-8")
    (site / "slow.html").write_text(HOST_PAGE.format(api=api, extra=' data-timeout-ms="1500"'), encoding="utf-8")
    server, page = _serve(site)
    foreign_server, foreign = _serve(site)

    if index is not None:
        copy_index(index, tmp_path / "index")
    db = tmp_path / "feedback.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEVANGER_")}
    env.update(HF_HUB_OFFLINE="1", LEVANGER_EMBEDDER="hashing", LEVANGER_INDEX_DIR=str(tmp_path / "index"),
               LEVANGER_FEEDBACK_DB=str(db), LEVANGER_API_CORS_ORIGINS=page)
    log_path = tmp_path / "api.log"
    log = log_path.open("w")
    proc = subprocess.Popen([sys.executable, "-m", "ui.api", "--port", str(api_port)], cwd=REPO, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while not http_ok(f"{api}/readyz"):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the API did not start:\n" + log_path.read_text())
            time.sleep(0.3)
        yield {"page": page + "/", "slow": page + "/slow.html", "foreign": foreign + "/", "api": api, "db": db,
               "log": log_path}
    finally:
        server.shutdown()
        foreign_server.shutdown()
        stop_process(proc, log)


#: The widget's interactive elements and their tap boxes, measured in the page (inside the shadow root). A
#: link inside a sentence is exempt (WCAG 2.5.5's "inline" exception); a checkbox is measured by its label.
MEASURE_WIDGET = """() => {
  const root = document.getElementById("levanger-helse-widget").shadowRoot;
  const out = [];
  for (const el of root.querySelectorAll("button, a[href], textarea, input, [tabindex='0']")) {
    if (el.closest("[hidden]") || !el.getClientRects().length) continue;
    const inline = el.tagName === "A" && el.closest("p, li") && !el.classList.contains("call");
    if (inline) continue;
    const target = el.type === "checkbox" && el.closest("label") ? el.closest("label") : el;
    const r = target.getBoundingClientRect();
    out.push({name: (el.getAttribute("aria-label") || el.textContent || el.tagName).trim().slice(0, 40),
              width: Math.round(r.width * 10) / 10, height: Math.round(r.height * 10) / 10});
  }
  return out;
}"""


def too_small(targets: list[dict[str, Any]], minimum: float = 44.0) -> list[dict[str, Any]]:
    """The measured targets below ``minimum`` px in either direction (half a pixel of rounding allowed)."""
    return [t for t in targets if t["width"] < minimum - 0.5 or t["height"] < minimum - 0.5]
