"""Quick replies in a real browser, app and widget, at 390×844 and 1280×900: a question back shows its
``suggestions`` as buttons (app) or chips (widget), each at least 44 px tall, and a tap (or Enter, by keyboard)
sends that text as the next question, which the real assistant answers.

No question was found that today's models ask back for, so the question back itself is a stand-in of the shape
``assistant.plan`` gives ("clarify", ``templates.CLARIFY``, three of the guide's categories): in the app through
``tests/browser/quick_reply_app.py`` (the app with that one reply replaced), in the widget by answering the first request
with the real API's response changed into that shape. The turn a quick reply sends goes to the real assistant.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.browser.quick_reply_app import SUGGESTIONS, TRIGGER
from tests.browser.ui_browser_support import (
    DESKTOP,
    PHONE,
    SLOW_MS,
    running_app,
    wait_for_first_screen,
)

from assistant import templates

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SIZES = [pytest.param(PHONE, id="390x844"), pytest.param(DESKTOP, id="1280x900")]


@pytest.fixture(scope="module")
def clarify_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app with its one stand-in question back (tests/browser/quick_reply_app.py)."""
    with running_app(tmp_path_factory.mktemp("app"), script="tests/browser/quick_reply_app.py") as (url, _):
        yield url


@pytest.mark.parametrize("viewport", SIZES)
def test_app_quick_reply_is_sent_as_the_next_question(clarify_app: str, browser: Any,
                                                      viewport: dict[str, int]) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport=viewport, locale="nb-NO", has_touch=viewport is PHONE)
    try:
        page = context.new_page()
        page.goto(clarify_app)
        wait_for_first_screen(page)
        box = page.get_by_test_id("stChatInputTextArea")
        box.fill(TRIGGER)
        box.press("Enter")
        messages = page.get_by_test_id("stChatMessage")
        back = messages.nth(1)
        expect(back).to_contain_text(templates.CLARIFY, timeout=SLOW_MS)
        buttons = back.locator("[class*='st-key-suggestion-'] button")
        expect(buttons).to_have_count(len(SUGGESTIONS))
        assert [b.inner_text().strip() for b in buttons.all()] == list(SUGGESTIONS)
        for b in buttons.all():
            size = b.bounding_box()
            assert size["height"] >= 44 and size["width"] >= 44, size
            assert size["x"] + size["width"] <= viewport["width"], f"no sideways scrolling: {size}"
        chosen = back.get_by_role("button", name=SUGGESTIONS[0], exact=True)
        if viewport is PHONE:
            chosen.tap()
        else:  # by keyboard: focus it, Enter
            chosen.focus()
            page.keyboard.press("Enter")
        expect(messages.nth(2)).to_contain_text(SUGGESTIONS[0], timeout=SLOW_MS)
        answer = messages.nth(3)
        expect(answer.get_by_role("button", name="Kopier svar")).to_be_visible(timeout=SLOW_MS)
        expect(answer).not_to_contain_text(templates.CLARIFY)
    finally:
        context.close()


def _widget_round(browser: Any, url: str, viewport: dict[str, int]) -> None:
    from playwright.sync_api import expect

    phone = viewport is PHONE
    context = browser.new_context(viewport=viewport, locale="nb-NO", has_touch=phone, is_mobile=phone)
    sent: list[dict[str, Any]] = []
    try:
        page = context.new_page()
        page.on("request", lambda r: sent.append(json.loads(r.post_data or "{}")) if r.url.endswith("/v1/ask")
                and r.method == "POST" else None)

        def question_back(route: Any) -> None:
            # the real API's response to the first question, made into a question back
            body = route.fetch().json()
            body.update(text=templates.CLARIFY, mode="clarify", citations=[], services=[], parts=[],
                        suggestions=list(SUGGESTIONS))
            route.fulfill(json=body)
            page.unroute("**/v1/ask")

        page.route("**/v1/ask", question_back)
        page.goto(url)
        launcher = page.get_by_role("button", name="Spør om helse og omsorg")
        expect(launcher).to_be_visible(timeout=15_000)
        launcher.click()
        box = page.get_by_role("textbox", name="Spørsmålet ditt")
        box.fill(TRIGGER)
        box.press("Enter")
        back = page.locator(".msg.bot").first
        chips = back.get_by_role("group", name="Velg det som passer best").get_by_role("button")
        expect(chips).to_have_count(len(SUGGESTIONS), timeout=30_000)
        expect(back).to_contain_text(templates.CLARIFY)
        for chip in chips.all():
            size = chip.bounding_box()
            assert size["height"] >= 44 and size["width"] >= 44, size
        chosen = back.get_by_role("button", name=SUGGESTIONS[1], exact=True)
        if phone:
            chosen.tap()
        else:  # by keyboard: Tab from the box reaches the chips (the focus trap goes round), Enter sends
            for _ in range(30):
                page.keyboard.press("Tab")
                if chosen.evaluate("b => b.getRootNode().activeElement === b"):
                    break
            assert chosen.evaluate("b => getComputedStyle(b).outlineStyle") == "solid"
            page.keyboard.press("Enter")
        answer = page.locator(".msg.bot").nth(1)
        expect(answer.get_by_role("button", name="Var svaret nyttig? Nei")).to_be_visible(timeout=30_000)
        expect(answer).not_to_contain_text(templates.CLARIFY)
        assert [s.get("question") for s in sent] == [TRIGGER, SUGGESTIONS[1]], sent
    finally:
        context.close()


def test_widget_quick_reply_chip_is_sent_as_the_next_question(sites: dict[str, Any], browser: Any) -> None:
    for viewport in (PHONE, DESKTOP):
        _widget_round(browser, str(sites["page"]), viewport)
