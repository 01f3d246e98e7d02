"""The app's first screen in a real browser: the example questions and the keyboard.

* On a desktop (1280×900, 1366×768, 1920×1080, and 1280×720 as a margin) every example question is fully on the
  first screen, above Streamlit's fixed input box (not under it), can be hit where it is drawn, is at least
  44 px tall, and a click sends it as a question; no tap target of the first screen is below 44×44 px.
* With the keyboard alone, at 390×844 and 1280×900: Tab reaches the call button, every example (in reading
  order), the input box and, once there is text, the send button; every stop shows a solid focus ring and is
  scrolled into view above the input box, not behind it; Enter on the send button asks the question.

Debian's Chromium driven by Playwright against `streamlit run ui/app.py` (default embedder and index, as
`make run`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.browser.ui_browser_support import (
    DESKTOP,
    PHONE,
    SLOW_MS,
    first_screens,
)

from tests.browser.ui_targets import measure, too_small

from ui import texts

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EXAMPLES = [question for _, questions in texts.EXAMPLES for question in questions]
#: Desktop sizes, and which example each one clicks (the last is the one nearest the input box).
DESKTOPS = [
    pytest.param({"width": 1280, "height": 900}, 0, id="1280x900"),
    pytest.param({"width": 1366, "height": 768}, len(EXAMPLES) - 1, id="1366x768"),
    pytest.param({"width": 1920, "height": 1080}, 2, id="1920x1080"),
    pytest.param({"width": 1280, "height": 720}, len(EXAMPLES) - 1, id="1280x720"),
]
#: What has keyboard focus: its name, and the outline of what shows it (a switch's input is hidden: its label; the
#: chat box's ring goes round the whole box).
FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const shown = e.matches('[data-testid="stCheckbox"] input') ? e.closest("label") :
    e.matches('[data-testid="stChatInputTextArea"]') ? e.closest('[data-testid="stChatInput"]') : e;
  const s = getComputedStyle(shown), r = shown.getBoundingClientRect();
  return {tag: e.tagName, name: (e.getAttribute("aria-label") || e.innerText || "").trim().replace(/\\s+/g, " "),
          outline: s.outlineStyle, width: parseFloat(s.outlineWidth), color: s.outlineColor,
          fixed: !!e.closest('[data-testid="stBottom"]'), scroller: e.matches('[data-testid="stAppScrollToBottomContainer"]'),
          top: r.top, bottom: r.bottom};
}"""


@pytest.fixture
def open_page(app: tuple[str, Path], browser: Any) -> Iterator[Any]:
    with first_screens(app[0], browser) as open_:
        yield open_


def _steady(page: Any, read: Any, *, equal: int, every_ms: int, tries: int) -> tuple[Any, bool]:
    """``read()`` until ``equal`` readings ``every_ms`` apart agree in a row (at most ``tries`` more readings): the
    last reading, and whether it held still."""
    last, still = read(), 1
    for _ in range(tries):
        if still >= equal:
            break
        page.wait_for_timeout(every_ms)
        now = read()
        still = still + 1 if now == last else 1
        last = now
    return last, still >= equal


def _settled(page: Any, locator: Any) -> None:
    """Until the boxes of ``locator``'s elements have stayed in place for half a second (a cold start may still be
    laying out or scrolling the page when its text is first visible); at most 15 s."""
    boxes = "(els) => els.map((e) => { const r = e.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; })"
    last, still = _steady(page, lambda: locator.evaluate_all(boxes), equal=3, every_ms=250, tries=59)
    if not still:
        pytest.fail(f"the layout did not settle: {last}")


def _focus_stop(page: Any) -> dict[str, Any] | None:
    """The focused element once the page has stopped scrolling it into view (two equal readings 0.1 s apart, at
    most 3 s): under load a stop was measured mid-scroll, 15 px behind the input box it was moving above."""
    return _steady(page, lambda: page.evaluate(FOCUSED), equal=2, every_ms=100, tries=30)[0]


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])


@pytest.mark.parametrize("viewport, clicked", DESKTOPS)
def test_every_example_is_on_the_first_screen_above_the_input(open_page: Any, viewport: dict[str, int],
                                                              clicked: int) -> None:
    from playwright.sync_api import expect

    page = open_page(viewport)
    buttons = page.locator("[class*='st-key-example-'] button")
    expect(buttons).to_have_count(len(EXAMPLES))
    # the input box settles too: one CI run measured it 123 px tall (70 px once laid out), over the last example
    _settled(page, buttons.or_(page.get_by_test_id("stChatInput")).or_(page.get_by_test_id("stBottom")))
    chat_input = page.get_by_test_id("stChatInput").bounding_box()
    fixed = page.get_by_test_id("stBottom").bounding_box()  # the strip the input box sits in, drawn over the page
    lowest = 0.0
    for i in range(len(EXAMPLES)):
        button = buttons.nth(i)
        box = button.bounding_box()
        name = button.inner_text()
        assert box["x"] >= 0 and box["y"] >= 0, (name, box)
        assert box["x"] + box["width"] <= viewport["width"] and box["y"] + box["height"] <= viewport["height"], (
            f"{name!r} is not fully in the {viewport} viewport: {box}")
        assert not _overlap(box, chat_input), f"{name!r} is behind the input box: {box} {chat_input}"
        assert box["y"] + box["height"] <= fixed["y"], f"{name!r} is under the input's strip: {box} {fixed}"
        assert box["height"] >= 44, (name, box)
        # what a click at its centre hits is the button itself, nothing drawn over it
        hit = page.evaluate("([x, y]) => { const e = document.elementFromPoint(x, y); const b = e && e.closest('button');"
                            " return b ? b.innerText : null; }",
                            [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2])
        assert hit == name, (name, hit)
        lowest = max(lowest, box["y"] + box["height"])
    small = too_small(measure(page))
    assert not small, f"tap targets below 44 px on the first screen: {small}"
    print(f"\n{viewport['width']}x{viewport['height']}: examples end at {lowest:.0f} px, "
          f"the input's strip starts at {fixed['y']:.0f} px")

    question = EXAMPLES[clicked]
    page.get_by_role("button", name=question, exact=True).click()
    messages = page.get_by_test_id("stChatMessage")
    expect(messages.first).to_contain_text(question, timeout=SLOW_MS)
    expect(messages.nth(1).get_by_role("button", name="Kopier svar")).to_be_visible(timeout=SLOW_MS)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390x844", "1280x900"])
def test_keyboard_reaches_examples_input_and_send_with_a_visible_focus(open_page: Any,
                                                                       viewport: dict[str, int]) -> None:
    from playwright.sync_api import expect

    page = open_page(viewport)
    # a key press ends the page's own scrolling, so tabbing starts once the cold start has stopped laying out and
    # scrolling (under load it was still moving: a stop measured 562 px above the view)
    buttons = page.locator("[class*='st-key-example-'] button")
    expect(buttons).to_have_count(len(EXAMPLES))
    _settled(page, buttons)
    fixed_top = page.get_by_test_id("stBottom").bounding_box()["y"]
    stops: list[dict[str, Any]] = []
    for _ in range(40):
        page.keyboard.press("Tab")
        stop = _focus_stop(page)
        if stop is None:  # past the last stop
            break
        stops.append(stop)
    names = [s["name"] for s in stops]
    print(f"\nTab order at {viewport['width']}x{viewport['height']}: {names}")
    assert names[0] == "Hopp til hovedinnholdet", names
    call = next(i for i, n in enumerate(names) if n.endswith("Ring 74 05 25 00"))
    examples = [names.index(q) for q in EXAMPLES]  # each one is reached
    assert call < examples[0] and examples == sorted(examples), names
    box = names.index("Spørsmålet ditt")
    assert box > examples[-1], names
    for stop in stops:
        assert stop["outline"] == "solid" and stop["width"] >= 2, f"no visible focus ring: {stop}"
        if not stop["scroller"]:  # the scroll area itself is the whole page
            assert stop["top"] >= 0 and stop["bottom"] <= viewport["height"], f"focused out of view: {stop}"
        if not (stop["fixed"] or stop["scroller"]):
            assert stop["bottom"] <= fixed_top + 1, f"focused behind the input box: {stop} (strip at {fixed_top})"

    # Send is disabled while the box is empty; with text it is the next stop, and Enter on it asks
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(FOCUSED)["name"] == "Spørsmålet ditt"
    page.keyboard.type(EXAMPLES[0])
    page.keyboard.press("Tab")
    send = page.evaluate(FOCUSED)
    assert send["name"] == "Send spørsmålet" and send["outline"] == "solid" and send["width"] >= 2, send
    page.keyboard.press("Enter")
    messages = page.get_by_test_id("stChatMessage")
    expect(messages.first).to_contain_text(EXAMPLES[0], timeout=SLOW_MS)
    expect(messages.nth(1).get_by_role("button", name="Kopier svar")).to_be_visible(timeout=SLOW_MS)
