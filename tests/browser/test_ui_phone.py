"""The app on a phone (390×844) and a desktop (1280×900) in a real browser: what a first-time user meets.

Debian's Chromium driven by Playwright against `streamlit run ui/app.py` (default embedder and index, as
`make run`). Checks the first screen in the viewport, the tel: links, the answer's start in view, the visible
controls, the PDF page link, copy and print, the over-limit paste notice, 👎 → a person, situation cards, the
emergency box, browse on a phone and staff mode beside the chat. Saves the README's screenshots (see
``ui_browser_support.screenshot_path``; ``make screenshots`` puts them in docs/).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.browser.ui_browser_support import (
    DESKTOP,
    PHONE,
    SLOW_MS,
    ask,
    click_into_new_tab,
    is_local,
    screenshot_path,
    staff_mode,
    wait_for_first_screen,
    wait_until_still,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

COST = "Hva koster trygghetsalarm?"
SITUATION = "Jeg orker ikke mer, har passet på mannen min døgnet rundt"
PDF_LINK = re.compile(r"^app/static/levanger-tjenestebeskrivelser\.pdf#page=(\d+)$")


@pytest.fixture
def open_page(app: tuple[str, Path], browser: Any) -> Iterator[Any]:
    """``open_page(viewport)``: a fresh session at that size, scrolled to the top; no request may leave localhost."""
    url, _ = app
    seen: list[str] = []
    contexts: list[Any] = []

    def _open(viewport: dict[str, int]) -> Any:
        context = browser.new_context(viewport=viewport, locale="nb-NO", has_touch=viewport is PHONE)
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url.rstrip("/"))
        context.on("request", lambda request: seen.append(request.url))
        contexts.append(context)
        page = context.new_page()
        page.goto(url)
        wait_for_first_screen(page)
        return page

    yield _open
    for context in contexts:
        context.close()
    outside = sorted({u for u in seen if not is_local(u)})
    assert not outside, f"requests left localhost: {outside}"


def _in_view(page: Any, locator: Any) -> bool:
    box = locator.bounding_box()
    size = page.viewport_size
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= size["height"]


# -- 1. phone first --------------------------------------------------------------------------------


def test_phone_first_screen_title_notice_and_call_in_view(open_page: Any) -> None:
    from playwright.sync_api import expect

    page = open_page(PHONE)
    title = page.get_by_role("heading", level=1, name="Spør om helse- og omsorgstjenester i Levanger")
    notice = page.get_by_text("Du snakker med en maskin, ikke et menneske.")
    stored = page.get_by_text("Samtalen lagres ikke og forsvinner når du laster siden på nytt.")
    call = page.get_by_role("link", name="Ring 74 05 25 00")
    for element in (title, notice, stored, call):
        expect(element).to_be_in_viewport(ratio=1)
    # the examples start on the first screen, above the chat input
    example = page.get_by_role("button", name="Hva koster trygghetsalarm?")
    expect(example).to_be_in_viewport(ratio=1)
    assert example.bounding_box()["y"] + example.bounding_box()["height"] <= \
        page.get_by_test_id("stChatInput").bounding_box()["y"], "not behind the input box"
    assert call.get_attribute("href") == "tel:+4774052500"
    assert call.bounding_box()["height"] >= 44, "a large tap target"
    # the main controls are visible buttons on the phone, not behind a sidebar icon
    for control in (page.get_by_role("button", name="Start på nytt"), page.get_by_role("radio", name="Bla i tjenestene"),
                    page.get_by_text("Stor tekst", exact=True)):
        expect(control).to_be_in_viewport()
    # staff mode is not on the citizen's first screen: a quiet link in the footer offers it
    expect(page.get_by_text("Ansattmodus", exact=True)).to_have_count(0)
    expect(page.get_by_role("link", name="For ansatte i kommunen: hurtigoversikt")).to_have_attribute(
        "href", "?ansatt=1")
    assert page.get_by_test_id("stSidebar").count() == 0
    assert page.get_by_test_id("stChatInputTextArea").get_attribute("placeholder") == "Skriv spørsmålet ditt"
    page.screenshot(path=str(screenshot_path("phone-first-screen.png")))


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_answer_start_is_in_view_after_asking(open_page: Any, viewport: dict[str, int]) -> None:
    page = open_page(viewport)
    first = ask(page, COST)
    second = ask(page, "Hvordan søker jeg om hjemmesykepleie?", n=2)
    box = second.bounding_box()
    assert 0 <= box["y"] <= viewport["height"] * 0.4, f"the new answer starts in view, near the top: {box}"
    # the text is long: its start, not its end, is what the user sees first
    assert _in_view(page, second.get_by_test_id("stMarkdownContainer").first)
    assert first.bounding_box()["y"] < 0, "the earlier answer has scrolled away"


# -- 2. sources you can open -------------------------------------------------------------------------


def test_pdf_page_link_opens_the_pdf(open_page: Any, app: tuple[str, Path]) -> None:
    from playwright.sync_api import expect

    page = open_page(DESKTOP)
    answer = ask(page, COST)
    source = answer.get_by_test_id("stExpander").first
    source.locator("summary").click()
    link = source.get_by_role("link", name=re.compile(r"^PDF \(side \d+\)$"))
    expect(link).to_be_visible()
    wait_until_still(page)  # the opened source has settled before its links are measured and clicked
    # the section view is the first source link, the PDF page beside it
    section = source.get_by_role("button", name="Åpne «Hva koster det?» i tjenestebeskrivelsen")
    first, second = section.bounding_box(), link.bounding_box()
    assert (first["y"], first["x"]) < (second["y"] + 2, second["x"]), (first, second)
    href = link.get_attribute("href")
    match = PDF_LINK.match(href or "")
    assert match, href
    assert f"side {match.group(1)}" in source.locator("summary").inner_text(), "the link opens the cited page"
    # the new tab's own "response" event is not reliable for a PDF under load (Chromium's viewer may take the
    # request over); the tab's address and the server's answer for the same address are
    tab = click_into_new_tab(page, link)
    tab.wait_for_url(re.compile(rf".*\.pdf#page={match.group(1)}$"), wait_until="commit", timeout=30_000)
    body = page.request.get(app[0] + href.split("#")[0])
    assert body.status == 200 and body.headers["content-type"] == "application/pdf" and body.body()[:5] == b"%PDF-"
    tab.close()
    # the section button opens the browse view in this tab, and the conversation is still there afterwards
    source.get_by_role("button", name="Åpne «Hva koster det?» i tjenestebeskrivelsen").click()
    expect(page.get_by_text("Du kom hit fra en kildehenvisning.")).to_be_visible(timeout=SLOW_MS)
    expect(page.get_by_role("heading", name="Hva koster det?")).to_be_in_viewport(timeout=15_000)
    assert len(page.context.pages) == 1
    page.get_by_role("button", name="Tilbake til samtalen").click()
    expect(page.get_by_test_id("stChatMessage").first).to_contain_text(COST, timeout=15_000)
    # back at the source it was opened from, open, not at the bottom of the page
    back = page.get_by_test_id("stChatMessage").nth(1).get_by_test_id("stExpander").first
    expect(back.locator("details")).to_have_attribute("open", "")
    expect(back.locator("summary")).to_be_in_viewport(timeout=15_000)


# -- 3. answers people can use -----------------------------------------------------------------------


def test_copy_and_print(open_page: Any) -> None:
    from playwright.sync_api import expect

    page = open_page(DESKTOP)
    answer = ask(page, COST)
    answer.get_by_role("button", name="Kopier svar").click()
    expect(answer.get_by_text("Svaret er kopiert.")).to_be_visible(timeout=5_000)
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith(f"Spørsmål: {COST}\n")
    assert "\nKilder:\n[1] Trygghetsalarm og velferdsteknologi – Hva koster det?" in copied
    assert "**" not in copied and "\\" not in copied, "plain text, not Markdown"

    page.evaluate("() => { window.print = () => { window.__printed = (window.__printed || 0) + 1; }; }")
    answer.get_by_role("button", name="Skriv ut").click()
    assert page.evaluate("window.__printed") == 1
    quote = answer.get_by_test_id("stExpander").first.locator("blockquote")
    expect(quote).to_be_hidden()  # closed on screen
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    page.emulate_media(media="print")
    try:
        # the printout says when, and gives the PDF's full address
        expect(page.locator("#levanger-printed")).to_contain_text("Skrevet ut ")
        pdf = page.locator('a[href^="app/static/"]').first
        assert pdf.get_attribute("data-levanger-href").startswith("http://localhost:")
        expect(quote).to_be_visible()  # printed with the sources expanded
        expect(page.get_by_test_id("stChatInput")).to_be_hidden()
        expect(page.get_by_role("button", name="Kopier svar").first).to_be_hidden()
        expect(page.get_by_role("button", name="Start på nytt")).to_be_hidden()
        expect(answer).to_contain_text("trygghetsalarm")
    finally:
        page.emulate_media(media="screen")
        page.evaluate("() => window.dispatchEvent(new Event('afterprint'))")
    expect(page.locator("#levanger-printed")).to_have_count(0)


def test_large_text_makes_the_text_larger(open_page: Any) -> None:
    page = open_page(PHONE)
    size = "() => parseFloat(getComputedStyle(document.querySelector('[data-testid=stMarkdownContainer] p')).fontSize)"
    normal = page.evaluate(size)
    page.get_by_text("Stor tekst", exact=True).click()
    page.wait_for_function(f"({size})() > {normal} * 1.15", timeout=15_000)


def test_thumbs_down_offers_a_person(open_page: Any) -> None:
    from playwright.sync_api import expect

    page = open_page(PHONE)
    answer = ask(page, COST)
    answer.get_by_role("button", name="Ikke nyttig").click()
    # the reasons are optional: sending none is fine
    answer.get_by_role("button", name="Send tilbakemelding").click()
    call = answer.get_by_role("link", name="Ring 74 05 25 00")
    expect(call).to_be_visible(timeout=15_000)
    assert call.get_attribute("href") == "tel:+4774052500"
    expect(answer).to_contain_text("postmottak@levanger.kommune.no")


def test_over_limit_paste_is_cut_with_a_notice(open_page: Any) -> None:
    from playwright.sync_api import expect

    page = open_page(PHONE)
    pasted = (COST + " Jeg bor alene og trenger hjelp. ") * 120  # about 7,000 characters
    assert len(pasted) > 4000
    answer = ask(page, pasted)
    expect(answer).to_contain_text("Spørsmålet var veldig langt, så jeg har bare lest de første 2000 tegnene.")
    expect(page.get_by_test_id("stChatInputTextArea")).to_have_value("")


# -- 4. situation answers and emergencies -------------------------------------------------------------


def test_situation_answer_as_cards_on_a_phone(open_page: Any) -> None:
    from playwright.sync_api import expect

    page = open_page(PHONE)
    answer = ask(page, SITUATION)
    cards = answer.locator("[class*='st-key-card-']")
    assert cards.count() >= 2, "a short list of service cards"
    for i in range(cards.count()):
        card = cards.nth(i)
        expect(card.locator("strong").first).not_to_be_empty()  # the service's name
        assert card.get_by_test_id("stExpander").count() >= 1, "each card has its source toggle"
        assert card.bounding_box()["width"] <= PHONE["width"], "no sideways scrolling on a phone"
    routes = answer.locator("[class*='st-key-route-']")
    assert routes.count() == 1, "one 'Slik søker du': the primary service's own route"
    expect(routes.first).to_contain_text("Slik søker du")
    assert routes.first.bounding_box()["y"] > cards.first.bounding_box()["y"], "right after the primary service"
    page.mouse.wheel(0, 0)
    page.screenshot(path=str(screenshot_path("phone-situation.png")))


def test_emergency_box_with_113_first(open_page: Any) -> None:
    from playwright.sync_api import expect

    page = open_page(PHONE)
    answer = ask(page, "Mor puster ikke!! hva gjør jeg")
    box = answer.locator("[class*='st-key-emergency-']")
    expect(box).to_be_in_viewport()
    expect(box.get_by_role("alert").first).to_contain_text("Ring 113")
    assert box.get_by_role("link", name="Ring 113").get_attribute("href") == "tel:113"


# -- browse on a phone, staff mode on a desktop -------------------------------------------------------


def test_browse_tap_shows_the_service_on_a_phone(open_page: Any) -> None:
    from playwright.sync_api import expect

    page = open_page(PHONE)
    page.get_by_role("radio", name="Bla i tjenestene").click()
    expect(page.get_by_role("heading", name="Alle tjenestene")).to_be_visible(timeout=SLOW_MS)
    page.get_by_role("button", name="Trygghetsalarm og velferdsteknologi").click()
    heading = page.get_by_role("heading", level=2, name="Trygghetsalarm og velferdsteknologi")
    expect(heading).to_be_in_viewport(timeout=15_000)
    expect(page.get_by_role("heading", name="Hva er tjenesten?")).to_be_visible()


def test_staff_mode_beside_the_chat_on_a_desktop(open_page: Any) -> None:
    from playwright.sync_api import expect

    page = open_page(DESKTOP)
    staff_mode(page)
    panel = page.locator(".st-key-staff")
    answer = ask(page, "Hvem kan få omsorgsstønad?")
    expect(panel).to_contain_text("Omsorgsstønad", timeout=15_000)
    side, chat = panel.bounding_box(), answer.bounding_box()
    assert side["x"] + side["width"] <= chat["x"], f"beside the chat, not below it: {side} {chat}"
    expect(panel).to_contain_text("Hvem kan få tjenesten?")
    expect(panel).to_contain_text("Lovgrunnlag")
    # the panel is not repeated under the answer
    expect(answer.locator("[class*='st-key-staff-reply-']")).to_have_count(0)
    expect(answer).not_to_contain_text("Tildelingskriterier")
    page.screenshot(path=str(screenshot_path("staff-desktop.png")))
