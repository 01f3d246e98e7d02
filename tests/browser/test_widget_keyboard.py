"""The widget by keyboard alone, at 390×844 (a phone, touch) and 1280×900, in Debian's Chromium.

Tab reaches the chat button; Enter opens the panel with the input focused; Tab then reaches the send button,
the call link, "Lukk" and the conversation, and after an answer its source markers, 👍/👎 and the folded notice,
every stop with a solid focus ring and inside the screen; Enter in the box asks; the notice has folded; 👎
with a reason ticked by Space is stored without the question; a new answer is read from its start. An emergency reply's "Ring 113"
is red (white on #a4000f) and reached by Tab. Esc closes the panel and gives focus back to the chat button.

The widget has no example questions of its own (the page it sits on is the first screen); its quick replies
are tested in ``tests/browser/test_quick_replies.py``.
"""

from __future__ import annotations

from typing import Any

import pytest
from tests.browser.ui_browser_support import DESKTOP, PHONE, close_contexts
from tests.browser.widget_support import feedback_rows

pytestmark = [pytest.mark.browser, pytest.mark.slow]

COST = "Hva koster trygghetsalarm?"
EMERGENCY = "Mor puster ikke og svarer ikke!"
#: The reason ticked on a phone (True) and on a desktop (False): (stored key, label).
REASONS = {True: ("hard_to_understand", "Vanskelig å forstå"), False: ("wrong_service", "Feil tjeneste")}
#: What has keyboard focus inside the widget's shadow root (or the page's own element), and its focus ring.
FOCUSED = """() => {
  const host = document.getElementById("levanger-helse-widget");
  const e = document.activeElement === host ? host.shadowRoot.activeElement : document.activeElement;
  if (!e || e === document.body) return null;
  const s = getComputedStyle(e), r = e.getBoundingClientRect();
  return {inside: document.activeElement === host,
          name: (e.getAttribute("aria-label") || e.textContent || e.getAttribute("placeholder") || e.tagName)
            .trim().replace(/\\s+/g, " ").slice(0, 60),
          outline: s.outlineStyle, width: parseFloat(s.outlineWidth), color: s.outlineColor,
          background: s.backgroundColor, text: s.color,
          top: r.top, bottom: r.bottom, left: r.left, right: r.right};
}"""


def _cycle(page: Any, viewport: dict[str, int]) -> list[dict[str, Any]]:
    """Tab once round the open panel (the focus trap brings it back to where it started); every stop checked."""
    start = page.evaluate(FOCUSED)
    stops = []
    for _ in range(60):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUSED)
        assert stop is not None and stop["inside"], f"focus left the panel: {stop}"
        assert stop["outline"] == "solid" and stop["width"] >= 2, f"no visible focus ring: {stop}"
        assert stop["top"] >= 0 and stop["bottom"] <= viewport["height"] + 0.5, f"focused out of view: {stop}"
        assert stop["left"] >= 0 and stop["right"] <= viewport["width"] + 0.5, f"focused out of view: {stop}"
        if stop["name"] == start["name"] and stops:
            return stops
        stops.append(stop)
    pytest.fail(f"Tab never came back round: {[s['name'] for s in stops]}")


def _ask_by_keyboard(page: Any, question: str, n: int) -> Any:
    from playwright.sync_api import expect

    box = page.get_by_role("textbox", name="Spørsmålet ditt")
    expect(box).to_be_focused()
    page.keyboard.type(question)
    page.keyboard.press("Enter")
    answer = page.locator(".msg.bot").nth(n - 1)
    expect(answer.get_by_role("button", name="Var svaret nyttig? Nei")).to_be_visible(timeout=30_000)
    box.focus()
    return answer


def _keyboard_round(browser: Any, url: str, viewport: dict[str, int]) -> None:
    from playwright.sync_api import expect

    phone = viewport is PHONE
    context = browser.new_context(viewport=viewport, locale="nb-NO", has_touch=phone, is_mobile=phone)
    try:
        page = context.new_page()
        page.goto(url)
        launcher = page.get_by_role("button", name="Spør om helse og omsorg")
        expect(launcher).to_be_visible(timeout=15_000)
        for _ in range(6):
            page.keyboard.press("Tab")
            if launcher.evaluate("b => b.getRootNode().activeElement === b"):
                break
        focused = page.evaluate(FOCUSED)
        assert focused["name"] == "Spør om helse og omsorg", focused
        assert focused["outline"] == "solid" and focused["width"] >= 2, focused
        page.keyboard.press("Enter")
        dialog = page.get_by_role("dialog", name="Spør om helse- og omsorgstjenester")
        expect(dialog).to_be_visible()
        expect(dialog.get_by_role("textbox", name="Spørsmålet ditt")).to_be_focused()

        names = [s["name"] for s in _cycle(page, viewport)]
        for wanted in ("Send", "ring 74 05 25 00", "Lukk", "Samtale"):
            assert wanted in names, (wanted, names)
        assert names.index("Send") == 0, f"Send comes right after the input box: {names}"

        first = _ask_by_keyboard(page, COST, 1)
        toggle = dialog.locator(".ntoggle")
        expect(toggle).to_be_visible()  # the notice folded to one line after the first answer
        expect(toggle).to_have_attribute("aria-expanded", "false")
        names = [s["name"] for s in _cycle(page, viewport)]
        for wanted in ("En maskin svarer · ikke skriv personopplysninger", "Kilde 1", "Var svaret nyttig? Ja",
                       "Var svaret nyttig? Nei", "Send"):
            assert wanted in names, (wanted, names)

        # 👎 by keyboard: a reason ticked with Space, sent with Enter; stored without the question (checked below)
        first.get_by_role("button", name="Var svaret nyttig? Nei").focus()
        page.keyboard.press("Enter")
        reasons = first.get_by_role("group", name="Hva var galt?")
        reasons.get_by_role("checkbox", name=REASONS[phone][1]).focus()
        page.keyboard.press("Space")
        reasons.get_by_role("button", name="Send tilbakemelding").focus()
        page.keyboard.press("Enter")
        expect(first).to_contain_text("Takk for tilbakemeldingen! Vi lagrer ikke spørsmålet ditt.", timeout=15_000)
        page.get_by_role("textbox", name="Spørsmålet ditt").focus()

        # an emergency: the red "Ring 113" with white text, reached by Tab with its own focus ring; the log is
        # scrolled to the start of the new answer
        answer = _ask_by_keyboard(page, EMERGENCY, 2)
        log = dialog.get_by_role("log")
        top = answer.bounding_box()["y"] - log.bounding_box()["y"]
        dims = log.evaluate("l => [l.scrollTop, l.scrollHeight, l.clientHeight]")
        # at the top of the log, or as near as it goes when the log cannot scroll further (a short answer)
        at_end = abs(dims[1] - dims[2] - dims[0]) <= 1
        assert 0 <= top <= 16 or (at_end and 0 <= top < dims[2] - 40), f"answer starts {top} px down the log {dims}"
        call = answer.get_by_role("link", name="Ring 113")
        expect(call).to_have_attribute("href", "tel:113")
        stops = _cycle(page, viewport)
        red = [s for s in stops if s["name"] == "Ring 113"]
        assert red, [s["name"] for s in stops]
        assert red[-1]["background"] == "rgb(164, 0, 15)" and red[-1]["text"] == "rgb(255, 255, 255)", red[-1]

        page.keyboard.press("Escape")
        expect(dialog).to_be_hidden()
        expect(launcher).to_be_focused()
    finally:
        context.close()


def test_widget_by_keyboard_alone_on_a_phone_and_a_desktop(sites: dict[str, Any], browser: Any) -> None:
    before = len(feedback_rows(sites["db"]))
    try:
        for viewport in (PHONE, DESKTOP):
            _keyboard_round(browser, str(sites["page"]), viewport)
    finally:
        close_contexts(browser)
    # one 👎 per size, each with its own reason, and never the question
    rows = feedback_rows(sites["db"], before)
    assert [(r.rating, r.reasons, r.question) for r in rows] == [
        (-1, (REASONS[True][0],), ""), (-1, (REASONS[False][0],), "")]
