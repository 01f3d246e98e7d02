"""The widget on a phone (390×844) in Debian's Chromium: the whole screen, the notice folded after the first
answer, the answer read from its start, the input above the on-screen keyboard, tap targets of at least 44 px,
👎 with its reasons, and the Norwegian message for a failed request (network, time-out, CORS, 5xx).

The on-screen keyboard is simulated: the page's ``visualViewport`` is replaced (before the widget loads) by an
object whose height the test sets, as a phone's keyboard does, and a ``resize`` event is sent.
"""

from __future__ import annotations

from typing import Any

import pytest
from tests.browser.ui_browser_support import AXE, FAKE_SPEECH, PHONE, close_contexts, is_local, screenshot_path
from tests.browser.widget_support import MEASURE_WIDGET, feedback_rows, too_small

pytestmark = [pytest.mark.browser, pytest.mark.slow]

COST = "Hva koster trygghetsalarm?"
SITUATION = "Jeg orker ikke mer, har passet på mannen min døgnet rundt"
#: A visualViewport the test controls: the on-screen keyboard takes the bottom of the screen.
FAKE_VIEWPORT = """(() => {
  const vv = new EventTarget();
  vv.width = 390; vv.height = 844; vv.offsetTop = 0; vv.offsetLeft = 0; vv.scale = 1;
  Object.defineProperty(window, "visualViewport", {value: vv, configurable: true});
})();"""
#: How much of the screen the conversation gets once the notice is folded (844 px tall phone), at least.
MIN_LOG_HEIGHT = 560


def _root(page: Any, script: str) -> Any:
    return page.evaluate("(s) => new Function('root', s)(document.getElementById('levanger-helse-widget').shadowRoot)",
                         script)


def _open(browser: Any, url: str, seen: list[str] | None = None, *, speech: bool = False) -> Any:
    from playwright.sync_api import expect

    context = browser.new_context(viewport=PHONE, locale="nb-NO", has_touch=True, is_mobile=True,
                                  device_scale_factor=2)
    if seen is not None:
        context.on("request", lambda request: seen.append(request.url))
    context.add_init_script(FAKE_VIEWPORT)
    if speech:
        context.add_init_script(FAKE_SPEECH)
    page = context.new_page()
    page.goto(url)
    launcher = page.get_by_role("button", name="Spør om helse og omsorg")
    expect(launcher).to_be_visible(timeout=15_000)
    launcher.tap()
    return page


def _ask(page: Any, question: str, n: int) -> Any:
    from playwright.sync_api import expect

    box = page.get_by_role("textbox", name="Spørsmålet ditt")
    box.fill(question)
    box.press("Enter")
    answer = page.locator(".msg.bot").nth(n - 1)
    expect(answer.get_by_role("button", name="Var svaret nyttig? Nei")).to_be_visible(timeout=30_000)
    return answer


def _axe(page: Any) -> list[Any]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate("""async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
        .map(v => [v.id, v.impact, v.nodes.slice(0, 3).map(n => n.target)])""")


def test_widget_fills_a_phone_and_reads_from_the_answer_start(sites: dict[str, Any], browser: Any) -> None:
    from playwright.sync_api import expect

    seen: list[str] = []
    try:
        page = _open(browser, sites["page"], seen)
        dialog = page.get_by_role("dialog", name="Spør om helse- og omsorgstjenester")
        assert dialog.bounding_box() == {"x": 0, "y": 0, "width": 390, "height": 844}, "the whole screen"
        notice = dialog.get_by_text("Du snakker med en maskin, ikke et menneske.")
        expect(notice).to_be_visible()
        toggle = dialog.locator(".ntoggle")
        expect(toggle).to_be_hidden()
        assert _axe(page) == []

        first = _ask(page, COST, 1)
        # the notice folds to one line, which opens it again
        expect(notice).to_be_hidden()
        expect(toggle).to_be_visible()
        expect(toggle).to_have_attribute("aria-expanded", "false")
        assert 44 <= toggle.bounding_box()["height"] <= 48, "one line"
        log = dialog.get_by_role("log")
        log_height = log.bounding_box()["height"]
        assert log_height >= MIN_LOG_HEIGHT, f"the conversation gets {log_height} px of 844"
        print(f"\nlog height with the notice folded: {log_height:.0f} px")

        # the new answer is read from its start, not scrolled to its sources at the bottom
        for n in (1, 2):
            answer = first if n == 1 else _ask(page, SITUATION, 2)
            top = answer.bounding_box()["y"] - log.bounding_box()["y"]
            dims = log.evaluate("l => [l.scrollTop, l.scrollHeight, l.clientHeight]")
            assert 0 <= top <= 16, f"answer {n} starts {top} px below the top of the log {dims}"
            assert dims[0] > 0, "earlier text scrolled away"
            assert dims[1] - dims[0] - dims[2] > 40, f"the answer's end is below, not in view: {dims}"
        page.screenshot(path=str(screenshot_path("widget-phone.png")))
        toggle.tap()
        expect(notice).to_be_visible()
        expect(toggle).to_have_attribute("aria-expanded", "true")
        toggle.tap()
        expect(notice).to_be_hidden()

        # the on-screen keyboard takes 420 px: the panel follows the visual viewport, the input stays in view
        box = dialog.get_by_role("textbox", name="Spørsmålet ditt")
        box.tap()
        page.evaluate("() => { visualViewport.height = 424; visualViewport.dispatchEvent(new Event('resize')); }")
        expect(dialog).to_have_js_property("offsetHeight", 424)
        bottom = box.bounding_box()
        assert bottom["y"] >= 0 and bottom["y"] + bottom["height"] <= 424, bottom
        send = dialog.get_by_role("button", name="Send", exact=True).bounding_box()
        assert send["y"] + send["height"] <= 424, send
        page.evaluate("() => { visualViewport.height = 844; visualViewport.dispatchEvent(new Event('resize')); }")
        expect(dialog).to_have_js_property("offsetHeight", 844)

        # every tap target of the panel with an answer, an open source and its full section: 44×44 at least
        first.get_by_role("button", name="Kilde 1").first.tap()
        first.get_by_role("button", name="Vis hele delen").first.tap()
        targets = page.evaluate(MEASURE_WIDGET)
        assert len(targets) >= 12, targets
        assert too_small(targets) == [], too_small(targets)
        assert _axe(page) == []
    finally:
        close_contexts(browser)
    outside = sorted({u for u in seen if not is_local(u)})
    assert not outside, f"requests left localhost: {outside}"


def test_thumbs_down_asks_why_then_offers_a_person(sites: dict[str, Any], browser: Any) -> None:
    from playwright.sync_api import expect

    before = len(feedback_rows(sites["db"]))
    try:
        page = _open(browser, sites["page"])
        answer = _ask(page, "Hva koster trygghetsalarm? Jeg har diabetes", 1)
        answer.get_by_role("button", name="Var svaret nyttig? Nei").tap()
        reasons = answer.get_by_role("group", name="Hva var galt?")
        expect(reasons).to_be_visible()
        for label in ("Svarte ikke på det jeg spurte", "Feil tjeneste", "Vanskelig å forstå", "Annet"):
            expect(reasons.get_by_role("checkbox", name=label)).not_to_be_checked()
        keep = reasons.get_by_role("checkbox", name="Ta med spørsmålet mitt")
        expect(keep).not_to_be_checked()
        targets = page.evaluate(MEASURE_WIDGET)
        assert too_small(targets) == [], too_small(targets)
        assert _axe(page) == []
        reasons.get_by_text("Feil tjeneste").tap()
        reasons.get_by_text("Vanskelig å forstå").tap()
        reasons.get_by_role("button", name="Send tilbakemelding").tap()
        expect(answer).to_contain_text("Takk for tilbakemeldingen! Vi lagrer ikke spørsmålet ditt.", timeout=15_000)
        expect(answer.get_by_role("link", name="ring 74 05 25 00")).to_have_attribute("href", "tel:+4774052500")
        expect(answer.get_by_role("link", name="postmottak@levanger.kommune.no")).to_have_attribute(
            "href", "mailto:postmottak@levanger.kommune.no")

        # a second 👎, this time with the box ticked: the question is kept, masked
        second = _ask(page, "Hva koster middag? Ring meg på 91234567", 2)
        second.get_by_role("button", name="Var svaret nyttig? Nei").tap()
        reasons = second.get_by_role("group", name="Hva var galt?")
        reasons.get_by_role("checkbox", name="Ta med spørsmålet mitt").check()
        reasons.get_by_role("button", name="Send tilbakemelding").tap()
        expect(second).to_contain_text("Spørsmålet ditt er lagret uten personopplysninger", timeout=15_000)
    finally:
        close_contexts(browser)
    rows = feedback_rows(sites["db"], before)
    assert [(r.rating, r.reasons, r.question) for r in rows[:1]] == [
        (-1, ("wrong_service", "hard_to_understand"), "")]
    assert len(rows) == 2 and rows[1].reasons == ()
    assert "middag" in rows[1].question and "91234567" not in rows[1].question.replace(" ", "")


def test_failed_requests_are_said_in_norwegian_with_the_switchboard(sites: dict[str, Any], browser: Any) -> None:
    from playwright.sync_api import expect

    def failed(page: Any, n: int) -> None:
        box = page.get_by_role("textbox", name="Spørsmålet ditt")
        box.fill(COST)
        box.press("Enter")
        reply = page.locator(".msg.bot").nth(n - 1)
        expect(reply).to_contain_text("Beklager, jeg fikk ikke kontakt med assistenten", timeout=15_000)
        expect(reply.get_by_role("link", name="ring 74 05 25 00")).to_have_attribute("href", "tel:+4774052500")
        text = reply.inner_text()
        for english in ("Failed to fetch", "abort", "Bad Gateway", "Internal Server Error", "NetworkError"):
            assert english not in text, english

    try:
        # a page the API's CORS setting does not allow
        failed(_open(browser, sites["foreign"]), 1)

        page = _open(browser, sites["slow"])
        # a proxy's HTML error page (502) and a crash with FastAPI's own body (500)
        page.route("**/v1/ask", lambda route: route.fulfill(status=502, body="<h1>Bad Gateway</h1>",
                                                           content_type="text/html"))
        failed(page, 1)
        page.unroute("**/v1/ask")
        page.route("**/v1/ask", lambda route: route.fulfill(status=500, json={"detail": "Internal Server Error"}))
        failed(page, 2)
        page.unroute("**/v1/ask")
        # no answer at all: the request is given up after the script tag's data-timeout-ms (1.5 s)
        page.route("**/v1/ask", lambda route: None)
        failed(page, 3)
        page.unroute("**/v1/ask")
        # the widget works again afterwards
        answer = _ask(page, COST, 4)
        expect(answer).to_contain_text("Trygghetsalarm")
    finally:
        close_contexts(browser)


def test_read_aloud_only_with_a_norwegian_voice(sites: dict[str, Any], browser: Any) -> None:
    from playwright.sync_api import expect

    try:
        page = _open(browser, sites["page"], speech=True)
        answer = _ask(page, COST, 1)
        read = answer.get_by_role("button", name="Les opp")
        expect(read).to_be_hidden()  # no Norwegian voice on this device: no button
        page.evaluate("""() => { window.__voices = [{lang: "en-US", name: "en"}];
                                 speechSynthesis.dispatchEvent(new Event("voiceschanged")); }""")
        expect(read).to_be_hidden()
        page.evaluate("""() => { window.__voices = [{lang: "en-US", name: "en"}, {lang: "nb-NO", name: "nb"}];
                                 speechSynthesis.dispatchEvent(new Event("voiceschanged")); }""")
        expect(read).to_be_visible()
        box = read.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, box
        read.tap()
        spoken = page.evaluate("window.__spoken")
        assert len(spoken) == 1 and spoken[0][1] == "nb-NO"
        assert "Kommunen kan ta betaling" in spoken[0][0] and "[1]" not in spoken[0][0], spoken
        assert "Kilder" not in spoken[0][0], "the answer, not its source list"
        expect(answer.get_by_role("button", name="Stopp opplesingen")).to_have_attribute("aria-pressed", "true")
    finally:
        close_contexts(browser)
