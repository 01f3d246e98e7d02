"""The app at 390 px in a real browser: every tap target 44×44 px at least, the red emergency button with its
contrast, 👎 with its reasons stored without the question, no avatar column and flat cards on a phone, and
the height of each reply shape against its budget; at 1280×900 too: the red button, the 👎 reasons, and
browse finding a word of a service's text. Prints the measurements (pytest -s) for docs/accessibility.md.

Debian's Chromium driven by Playwright against `streamlit run ui/app.py` (default embedder and index, as `make run`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.browser.ui_browser_support import (
    DESKTOP,
    FAKE_SPEECH,
    PHONE,
    SLOW_MS,
    first_screens,
    ask,
    axe_violations,
    describe,
    wait_for_first_screen,
    wait_until_still,
)
from tests.browser.ui_targets import measure, too_small

from assistant.feedback import FeedbackStore

pytestmark = [pytest.mark.browser, pytest.mark.slow]

COST = "Hva koster trygghetsalarm?"
SITUATION = "Jeg orker ikke mer, har passet på mannen min døgnet rundt"
EMERGENCY = "Mor puster ikke!! hva gjør jeg"
#: Height budgets (px) of one reply at 390 px: the whole message with its sources closed, tools and feedback
#: included; measured 841, 1085 and 438 on 2026-12-05 (docs/accessibility.md).
BUDGETS = {"direct": 1000, "situation": 1400, "emergency": 600}


@pytest.fixture
def open_page(app: tuple[str, Path], browser: Any) -> Iterator[Any]:
    with first_screens(app[0], browser) as open_:
        yield open_


def _small(page: Any, view: str, seen: dict[str, int]) -> list[dict[str, Any]]:
    targets = measure(page)
    seen[view] = len(targets)
    return [dict(t, view=view) for t in too_small(targets)]


def _contrast(fg: str, bg: str) -> float:
    def lum(rgb: str) -> float:
        parts = [int(x) / 255 for x in rgb[rgb.index("(") + 1:rgb.index(")")].split(",")[:3]]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in parts]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((lum(fg), lum(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_every_tap_target_is_44_px_at_390(open_page: Any) -> None:
    from playwright.sync_api import expect

    seen: dict[str, int] = {}
    page = open_page()
    bad = _small(page, "first screen", seen)
    answer = ask(page, COST)
    answer.get_by_test_id("stExpander").first.locator("summary").click()
    expect(answer.get_by_test_id("stExpanderDetails").first).to_be_visible()
    bad += _small(page, "answer, source open", seen)
    answer.get_by_role("button", name="Ikke nyttig").click()
    expect(answer.get_by_role("checkbox", name="Feil tjeneste")).to_be_attached(timeout=15_000)
    bad += _small(page, "👎 reasons", seen)
    ask(page, EMERGENCY, n=2)
    bad += _small(page, "emergency", seen)
    page.get_by_role("radio", name="Bla i tjenestene").click()
    expect(page.get_by_role("button", name="Trygghetsalarm og velferdsteknologi")).to_be_visible(timeout=SLOW_MS)
    bad += _small(page, "browse list", seen)
    page.get_by_role("button", name="Trygghetsalarm og velferdsteknologi").click()
    expect(page.get_by_role("heading", level=2, name="Trygghetsalarm og velferdsteknologi")).to_be_visible(
        timeout=SLOW_MS)
    bad += _small(page, "browse", seen)
    print(f"\ntap targets measured at 390 px: {seen}")
    assert min(seen.values()) >= 6, seen
    assert not bad, describe(bad)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390x844", "1280x900"])
def test_emergency_button_is_red_with_white_text(open_page: Any, viewport: dict[str, int]) -> None:
    page = open_page(viewport)
    answer = ask(page, EMERGENCY)
    call = answer.locator("[class*='st-key-emergency-']").get_by_role("link", name="Ring 113")
    assert call.get_attribute("href") == "tel:113"
    bg = call.evaluate("e => getComputedStyle(e).backgroundColor")
    fg = call.locator("p").evaluate("e => getComputedStyle(e).color")
    assert bg == "rgb(164, 0, 15)", bg
    ratio = _contrast(fg, bg)
    print(f"\nRing 113: {fg} on {bg}: {ratio:.1f}:1")
    assert ratio >= 7.0, ratio
    # its own colour: the teal of every other primary button stays theirs
    from playwright.sync_api import expect

    page.get_by_role("button", name="Start på nytt").click()
    # the pointer off every button: after the click it can rest on the new page's link, which then shows its hover
    # shade (a fresh-clone run under load measured rgb(16, 47, 61)); the colour is awaited, not read once
    page.mouse.move(0, 0)
    other = page.get_by_role("link", name="Ring 74 05 25 00").first
    expect(other).to_have_css("background-color", "rgb(31, 95, 122)", timeout=10_000)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390x844", "1280x900"])
def test_thumbs_down_reasons_are_stored_without_the_question(open_page: Any, app: tuple[str, Path],
                                                            viewport: dict[str, int]) -> None:
    from playwright.sync_api import expect

    page = open_page(viewport)
    before = len(FeedbackStore(app[1]).rows())
    answer = ask(page, COST + " Jeg har diabetes")
    down = answer.get_by_role("button", name="Ikke nyttig")
    up = answer.get_by_role("button", name="Nyttig", exact=True)
    assert abs(down.bounding_box()["y"] - up.bounding_box()["y"]) < 2, "both on one line"
    down.click()
    # each size ticks its own reasons: an identical rating within seconds of the other size's is merged into it
    # (assistant/feedback.py), so the same ticks would store one row for both
    wanted = ("not_answered", "hard_to_understand") if viewport == PHONE else ("wrong_service",)
    labels = {"not_answered": "Svarte ikke på det jeg spurte", "hard_to_understand": "Vanskelig å forstå",
              "wrong_service": "Feil tjeneste"}
    for key in reversed(wanted):
        answer.get_by_text(labels[key]).click()
    found = axe_violations(page)
    assert found == [], describe(found)
    answer.get_by_role("button", name="Send tilbakemelding").click()
    call = answer.get_by_role("link", name="Ring 74 05 25 00")
    expect(call).to_be_visible(timeout=15_000)
    expect(answer).to_contain_text("postmottak@levanger.kommune.no")
    rows = FeedbackStore(app[1]).rows()[before:]
    assert [(r.rating, r.reasons, r.question) for r in rows] == [(-1, wanted, "")]


def test_phone_has_no_avatar_column_and_flat_cards(open_page: Any) -> None:
    page = open_page()
    answer = ask(page, SITUATION)
    content = answer.get_by_test_id("stChatMessageContent").bounding_box()
    assert content["x"] <= 20 and content["width"] >= PHONE["width"] - 40, content
    assert answer.get_by_test_id("stChatMessageContent").get_attribute("aria-label") == "Svar fra assistenten"
    card = answer.locator("[class*='st-key-card-']").first
    sides = card.evaluate("e => { const s = getComputedStyle(e); return [s.borderLeftWidth, s.borderRightWidth]; }")
    assert sides == ["0px", "0px"], sides


def test_reply_heights_stay_within_their_budgets(open_page: Any) -> None:
    page = open_page()
    heights = {}
    for n, (shape, question) in enumerate((("direct", COST), ("situation", SITUATION), ("emergency", EMERGENCY)), 1):
        answer = ask(page, question, n=n)
        heights[shape] = round(answer.bounding_box()["height"])
    print(f"\nreply heights at 390 px: {heights} (budgets {BUDGETS})")
    over = {k: v for k, v in heights.items() if v > BUDGETS[k]}
    assert not over, over


def test_browse_filters_as_you_type_and_shows_the_service_first_on_a_phone(open_page: Any) -> None:
    from playwright.sync_api import expect

    page = open_page()
    page.get_by_role("radio", name="Bla i tjenestene").click()
    box = page.get_by_role("textbox", name="Filtrer tjenester")
    expect(box).to_be_visible(timeout=SLOW_MS)
    box.press_sequentially("støttestrømper", delay=30)  # no Enter: the list filters as the user types
    service = page.get_by_role("button", name="Hjemmesykepleie", exact=True)
    expect(service).to_be_visible(timeout=15_000)
    expect(page.get_by_role("button", name="Trygghetsalarm og velferdsteknologi")).to_have_count(0)
    service.click()
    heading = page.get_by_role("heading", level=2, name="Hjemmesykepleie")
    expect(heading).to_be_in_viewport(timeout=15_000)
    back = page.get_by_role("button", name="Tilbake til listen")
    expect(back).to_be_in_viewport()
    # measured once the view has stopped scrolling and growing (a fresh-clone run under load measured the two
    # mid-render: the heading at the top, the button still below it)
    wait_until_still(page)
    assert back.bounding_box()["y"] < heading.bounding_box()["y"], "the way back comes first"
    expect(page.get_by_role("textbox", name="Filtrer tjenester")).to_be_hidden()  # the text first, not the list
    back.click()
    expect(page.get_by_role("textbox", name="Filtrer tjenester")).to_be_visible(timeout=15_000)
    box = page.get_by_role("textbox", name="Filtrer tjenester")
    box.fill("")
    box.press_sequentially("xyzzy", delay=30)
    offer = page.get_by_role("button", name="Spør assistenten om «xyzzy»")
    expect(offer).to_be_visible(timeout=15_000)
    found = axe_violations(page)
    assert found == [], describe(found)
    offer.click()
    expect(page.get_by_test_id("stChatMessage").first).to_contain_text("xyzzy", timeout=SLOW_MS)




def test_browse_finds_a_word_of_a_service_text_on_a_desktop(open_page: Any) -> None:
    from playwright.sync_api import expect

    page = open_page(DESKTOP)
    page.get_by_role("radio", name="Bla i tjenestene").click()
    box = page.get_by_role("textbox", name="Filtrer tjenester")
    expect(box).to_be_visible(timeout=SLOW_MS)
    box.press_sequentially("støttestrømper", delay=30)  # a word of the service's text, not of its title
    service = page.get_by_role("button", name="Hjemmesykepleie", exact=True)
    expect(service).to_be_visible(timeout=15_000)
    expect(page.get_by_role("button", name="Trygghetsalarm og velferdsteknologi")).to_have_count(0)
    service.click()
    expect(page.get_by_role("heading", level=2, name="Hjemmesykepleie")).to_be_in_viewport(timeout=15_000)


def test_read_aloud_only_with_a_norwegian_voice(app: tuple[str, Path], browser: Any) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport=PHONE, locale="nb-NO", has_touch=True)
    context.add_init_script(FAKE_SPEECH)
    try:
        page = context.new_page()
        page.goto(app[0])
        wait_for_first_screen(page)
        answer = ask(page, COST)
        read = answer.get_by_role("button", name="Les opp")
        expect(read).to_be_hidden()  # no Norwegian voice on this device: no button
        page.evaluate("""() => { window.__voices = [{lang: "nb-NO", name: "nb"}];
                                 speechSynthesis.dispatchEvent(new Event("voiceschanged")); }""")
        expect(read).to_be_visible()
        assert read.bounding_box()["height"] >= 44
        read.click()
        spoken = page.evaluate("window.__spoken")
        assert len(spoken) == 1 and spoken[0][1] == "nb-NO", spoken
        assert "Kommunen kan ta betaling" in spoken[0][0] and "[1]" not in spoken[0][0], spoken
        expect(answer.get_by_role("button", name="Stopp opplesingen")).to_have_attribute("aria-pressed", "true")
    finally:
        context.close()
