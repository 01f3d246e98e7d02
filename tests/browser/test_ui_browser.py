"""End to end in a real browser: `streamlit run ui/app.py` driven by Debian's Chromium through Playwright.

Uses the default embedder and index (as `make run` does). Checks a cited answer, an opened citation,
the citation's button into the browse view (same tab), the page language, the screen-reader announcement, keyboard
use, that feedback lands in the (temporary) feedback file, and that no request leaves localhost.
Saves the README's screenshot.png (``make screenshots`` puts it in docs/).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.browser.ui_browser_support import SLOW_MS, close_contexts, screenshot_path
from tests.browser.ui_browser_support import is_local as _is_local
from tests.browser.widget_support import feedback_rows

pytestmark = [pytest.mark.browser, pytest.mark.slow]

QUESTION = "Hva koster trygghetsalarm?"


def test_cited_answer_in_a_real_browser(app: tuple[str, Path], browser: Any) -> None:
    from playwright.sync_api import expect

    url, db = app
    seen: list[str] = []
    before = len(feedback_rows(db))  # the module's app: only this test's rows are asserted
    try:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nb-NO")
        context.on("request", lambda request: seen.append(request.url))
        page = context.new_page()
        page.on("websocket", lambda ws: seen.append(ws.url))
        page.goto(url)

        # first screen, and the language patch took effect on <html>
        expect(page.get_by_text("Prøv et eksempel")).to_be_visible(timeout=SLOW_MS)
        page.wait_for_function("document.documentElement.lang === 'nb'", timeout=15_000)

        # ask with the keyboard only: type into the chat input and press Enter
        box = page.get_by_test_id("stChatInputTextArea")
        box.focus()
        page.keyboard.type(QUESTION)
        page.keyboard.press("Enter")
        answer = page.get_by_test_id("stChatMessage").nth(1)
        expect(answer.get_by_text("Kilder", exact=True)).to_be_visible(timeout=SLOW_MS)
        expect(page.get_by_test_id("stChatMessage").first).to_contain_text(QUESTION)
        expect(answer).to_contain_text("[1]")
        expect(answer).to_contain_text("trygghetsalarm")

        # the new answer was copied into the polite live region for screen readers
        live = page.locator("#levanger-live")
        expect(live).to_have_attribute("aria-live", "polite")
        expect(live).to_contain_text("Nytt svar fra assistenten", timeout=15_000)

        # open citation [1] with the keyboard
        citation = answer.get_by_test_id("stExpander").first
        citation.locator("summary").focus()
        page.keyboard.press("Enter")
        link = citation.get_by_role("button", name="Åpne «Hva koster det?» i tjenestebeskrivelsen")
        expect(link).to_be_visible()
        expect(citation.locator("blockquote")).to_contain_text("Kommunen kan ta betaling")
        expect(citation).to_contain_text("Tjeneste:")
        assert page.evaluate("document.documentElement.lang") == "nb"

        # README screenshot: the question, the cited answer and the opened citation
        # (Streamlit keeps a chat scrolled to the bottom; a wheel scroll is what releases it)
        # and it may still be scrolling there, so wheel until the question sits at the top
        question = page.get_by_test_id("stChatMessage").first
        page.mouse.move(800, 400)
        for _ in range(20):
            page.wait_for_timeout(300)
            top = question.bounding_box()["y"]
            if 0 <= top <= 40:
                break
            page.mouse.wheel(0, top - 12)
        expect(question).to_be_in_viewport(ratio=1)
        page.screenshot(path=str(screenshot_path("screenshot.png")))

        # 👍 is stored in the temporary feedback file
        answer.get_by_role("button", name="Nyttig", exact=True).click()
        expect(page.get_by_text("Takk for tilbakemeldingen!")).to_be_visible(timeout=15_000)

        # the citation's button opens the browse view at the cited section, in the same tab
        link.click()
        expect(page.get_by_text("Du kom hit fra en kildehenvisning.")).to_be_visible(timeout=SLOW_MS)
        expect(page.get_by_role("heading", name="Hva koster det?")).to_be_in_viewport(timeout=15_000)
        assert "tjeneste=trygghetsalarm" in page.url and "seksjon=hva-koster-det" in page.url
        assert len(context.pages) == 1
        page.wait_for_function("document.documentElement.lang === 'nb'", timeout=15_000)
    finally:
        close_contexts(browser)

    rows = feedback_rows(db, before)
    assert [(r.rating, r.question, r.services[:1]) for r in rows] == [(1, "", ("trygghetsalarm",))]
    assert rows[0].chunks and rows[0].chunks[0].startswith("trygghetsalarm#")
    assert seen, "requests were recorded"
    outside = sorted({u for u in seen if not _is_local(u)})
    assert not outside, f"requests left localhost: {outside}"


HOSTILE = ("Hva koster trygghetsalarm? ![x](http://evil.example/x.png) [klikk](javascript:window.__pwned=1) "
           "<script>window.__pwned=1</script> <img src=x onerror=\"window.__pwned=1\"> "
           "Mitt fnr er 311299 56715")


def test_hostile_input_is_inert_and_sessions_are_separate(app: tuple[str, Path], browser: Any) -> None:
    """Markup in a question renders as text (no element, no script, no outside request), the fnr is not shown,
    and a second browser session does not see the first one's conversation."""
    from playwright.sync_api import expect

    url, _ = app
    seen: list[str] = []
    try:
        first = browser.new_context(viewport={"width": 1280, "height": 900})
        first.on("request", lambda request: seen.append(request.url))
        page = first.new_page()
        page.goto(url)
        expect(page.get_by_text("Prøv et eksempel")).to_be_visible(timeout=SLOW_MS)
        box = page.get_by_test_id("stChatInputTextArea")
        box.fill(HOSTILE)
        box.press("Enter")
        answer = page.get_by_test_id("stChatMessage").nth(1)
        expect(answer.get_by_text("Kilder", exact=True)).to_be_visible(timeout=SLOW_MS)
        page.wait_for_timeout(1000)  # give any injected element a chance to load or run

        chat = page.get_by_test_id("stChatMessage").first
        expect(chat).to_contain_text("evil.example")  # shown, as text
        assert page.evaluate("window.__pwned") is None
        assert page.locator("img[src*='evil'], img[onerror], a[href^='javascript:']").count() == 0
        assert chat.locator("script").count() == 0
        assert "56715" not in page.content().replace(" ", "")

        # a new browser session starts empty
        other = browser.new_context().new_page()
        other.goto(url)
        expect(other.get_by_text("Prøv et eksempel")).to_be_visible(timeout=SLOW_MS)
        assert other.get_by_test_id("stChatMessage").count() == 0
        assert "evil.example" not in other.content()
    finally:
        close_contexts(browser)
    outside = sorted({u for u in seen if not _is_local(u)})
    assert not outside, f"requests left localhost: {outside}"
