"""Shared pieces of the real-browser tests: a running `streamlit run ui/app.py`, Chromium, and axe-core.

The app runs with the default embedder and index (as `make run` does), on a free port, and is terminated
afterwards. Chromium is Debian's (`make browser`); axe-core is the npm package that `make test` installs into
``node_modules/`` (injected into the page by Playwright, so nothing is fetched at test time).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tools.net import free_port, http_ok

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
#: Where the tests save their screenshots: ``$LEVANGER_SCREENSHOTS_DIR`` (``make screenshots`` sets docs/), else
#: var/screenshots/ (git-ignored), so a test run never changes a tracked file.
SCREENSHOTS_ENV = "LEVANGER_SCREENSHOTS_DIR"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# the first page load may build the index with the real model (about half a minute), so wait generously
SLOW_MS = 240_000
#: axe impacts that fail the tests (the issue's bar: 0 serious or critical).
BLOCKING = ("serious", "critical")


def screenshot_path(name: str) -> Path:
    """The file a screenshot called ``name`` is saved to (its folder created)."""
    folder = Path(os.environ.get(SCREENSHOTS_ENV) or REPO / "var" / "screenshots")
    if not folder.is_absolute():
        folder = REPO / folder
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name


def require_browser() -> None:
    """Skip unless Chromium and Playwright are there."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (make browser) to run the browser test")
    pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")


@contextmanager
def running_app(tmp_path: Path, script: str = "ui/app.py") -> Iterator[tuple[str, Path]]:
    """A running app (``script``, the app itself unless a test wraps it) on a free port and its temporary
    feedback file."""
    require_browser()
    port = free_port("localhost")
    db = tmp_path / "feedback.sqlite3"
    env = {k: v for k, v in os.environ.items() if k not in ("LEVANGER_EMBEDDER", "LEVANGER_INDEX_DIR")}
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", LEVANGER_FEEDBACK_DB=str(db))
    log_path = tmp_path / "streamlit.log"
    log = log_path.open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port),
         "--server.address", "localhost", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while not http_ok(f"http://localhost:{port}/_stcore/health"):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("streamlit did not start:\n" + log_path.read_text())
            time.sleep(0.3)
        yield f"http://localhost:{port}/", db
    finally:
        stop_process(proc, log)


def stop_process(proc: subprocess.Popen, log: Any) -> None:
    """Terminate a server started for a test (kill it if it will not stop) and close its log."""
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)
    log.close()


@contextmanager
def launched_browser() -> Iterator[Any]:
    """Debian's Chromium under Playwright, closed afterwards (skips when either is missing)."""
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def is_local(url: str) -> bool:
    """Whether a request stays on this machine."""
    parts = urlsplit(url)
    # chrome:// and chrome-extension:// are the browser's own PDF viewer, loaded from inside the browser
    return parts.scheme in ("data", "blob", "about", "tel", "chrome", "chrome-extension") or parts.hostname in LOCAL_HOSTS


def close_contexts(browser: Any) -> None:
    """Close every context a test opened in the module's browser (the ``browser`` fixture of conftest.py)."""
    for context in list(browser.contexts):
        context.close()


def wait_for_first_screen(page: Any) -> None:
    """Until the first screen is drawn, the language patch applied and the page scrolled to the top."""
    from playwright.sync_api import expect

    expect(page.get_by_text("Prøv et eksempel")).to_be_visible(timeout=SLOW_MS)
    page.wait_for_function("document.documentElement.lang === 'nb'", timeout=15_000)
    wait_until_still(page)  # the scroll script settles once the page has stopped growing


#: True once the page's scroll area has kept its position and height, and the window its scroll, for ``ms``
#: milliseconds (state kept on the window between polls).
_STILL = """(ms) => {
  const box = document.querySelector('[data-testid="stAppScrollToBottomContainer"]') ||
    document.querySelector('[data-testid="stMain"]');
  const now = JSON.stringify([box ? box.scrollTop : 0, box ? box.scrollHeight : 0, window.scrollY]);
  if (window.__stillState !== now) { window.__stillState = now; window.__stillSince = Date.now(); return false; }
  return Date.now() - window.__stillSince >= ms;
}"""


def wait_until_still(page: Any, *, ms: int = 1000, timeout_ms: int = 20_000) -> None:
    """Until the page has stopped scrolling and growing for ``ms`` (the app's scroll patch, ui/a11y.py, stops once
    its target has stayed in place for a second): a condition, not a fixed wait."""
    page.evaluate("() => { delete window.__stillState; }")
    page.wait_for_function(_STILL, arg=ms, polling=100, timeout=timeout_ms)


def click_into_new_tab(page: Any, link: Any, *, tries: int = 3, timeout_ms: int = 15_000) -> Any:
    """Click ``link`` and return the tab it opens. Under load a click can land while the chat re-renders and open
    nothing; it is clicked again (at most ``tries`` times), so a link that never opens a tab still fails. Any
    extra tab a late first click opened is closed."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    before = set(page.context.pages)
    for attempt in range(tries):
        try:
            with page.context.expect_page(timeout=timeout_ms) as opened:
                link.click()
        except PlaywrightTimeout:
            if attempt == tries - 1:
                raise
            wait_until_still(page)
            continue
        tab = opened.value
        for extra in set(page.context.pages) - before - {tab}:
            extra.close()
        return tab
    raise AssertionError("unreachable")


@contextmanager
def first_screens(url: str, browser: Any, *, touch: bool = True) -> Iterator[Any]:
    """A function that opens the app's first screen at a viewport (PHONE by default), each in a context of its
    own, all closed at the end; ``touch``: the phone viewport is a touch screen."""
    contexts: list[Any] = []

    def _open(viewport: dict[str, int] = PHONE) -> Any:
        context = browser.new_context(viewport=viewport, locale="nb-NO", has_touch=touch and viewport is PHONE)
        contexts.append(context)
        page = context.new_page()
        page.goto(url)
        wait_for_first_screen(page)
        return page

    try:
        yield _open
    finally:
        for context in contexts:
            context.close()


def staff_mode(page: Any) -> None:
    """Turn staff mode on: the switch is offered at ``?ansatt=1`` (the footer's quiet link), not on the first screen."""
    from playwright.sync_api import expect

    page.goto(page.url.split("?")[0].split("#")[0] + "?ansatt=1")
    wait_for_first_screen(page)
    page.get_by_text("Ansattmodus", exact=True).click()
    expect(page.locator(".st-key-staff")).to_be_visible(timeout=SLOW_MS)


def ask(page: Any, question: str, *, n: int = 1) -> Any:
    """Type a question, press Enter, and return the n-th assistant message once it has arrived."""
    from playwright.sync_api import expect

    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(question)
    box.press("Enter")
    answer = page.get_by_test_id("stChatMessage").nth(2 * n - 1)
    expect(answer.get_by_role("button", name="Kopier svar")).to_be_visible(timeout=SLOW_MS)
    wait_until_still(page)  # the scroll to the answer's start settles
    return answer


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core (WCAG 2.x A/AA and best practice rules) on the page; the violations found."""
    if not AXE.exists():
        pytest.skip(f"{AXE} is missing: `make test` installs axe-core (npm ci)")
    # a click that reruns the app (a feedback reason ticked) fades the elements it will redraw: read the page once
    # the rerun is over, not while its faded text fails the contrast rule (a fresh-clone run under load did)
    page.wait_for_function("() => !document.querySelector('[data-stale=\"true\"]')", polling=100, timeout=SLOW_MS)
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ["violations"]});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map(n => n.target.join(" "))}));
    }""")
    return list(result)


def blocking(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The serious and critical ones."""
    return [v for v in violations if v["impact"] in BLOCKING]


def describe(violations: list[dict[str, Any]]) -> str:
    """Readable summary for an assertion message."""
    return json.dumps(violations, ensure_ascii=False, indent=1)


#: The device's speech synthesis, replaced: no voices until the test gives it a Norwegian one; what is spoken
#: is kept in window.__spoken.
FAKE_SPEECH = """(() => {
  const synth = new EventTarget();
  window.__voices = []; window.__spoken = [];
  synth.getVoices = () => window.__voices;
  synth.speak = (u) => window.__spoken.push([u.text, u.lang]);
  synth.cancel = () => {};
  Object.defineProperty(window, "speechSynthesis", {value: synth, configurable: true});
  window.SpeechSynthesisUtterance = function (text) { this.text = text; };
})();"""
