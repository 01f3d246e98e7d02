"""The widget end to end: a plain HTML page on one localhost origin embeds ``/widget.js`` from the API
(``python -m ui.api``, uvicorn, hashing embedder) on another, in Debian's Chromium through Playwright.

Checks the one-tag embed, the notices, keyboard use and the focus trap, a cited answer, opening a source and
its full passage, feedback, axe-core (0 violations of any impact in the open panel), that no request
leaves localhost, and that the server's log holds no question text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.browser.ui_browser_support import AXE, close_contexts, is_local, screenshot_path
from tests.browser.widget_support import feedback_rows

pytestmark = [pytest.mark.browser, pytest.mark.slow]

QUESTION = "Hva koster trygghetsalarm? Mitt fnr er 311299 56715, jeg har diabetes"


def test_widget_on_another_origin_answers_with_sources(sites: dict[str, Any], browser: Any) -> None:
    from playwright.sync_api import expect

    seen: list[str] = []
    before = len(feedback_rows(sites["db"]))
    try:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nb-NO")
        context.on("request", lambda request: seen.append(request.url))
        page = context.new_page()
        page.goto(str(sites["page"]))

        # the chat button, reached with the keyboard, opens the panel with the notices
        launcher = page.get_by_role("button", name="Spør om helse og omsorg")
        expect(launcher).to_be_visible(timeout=15_000)
        expect(launcher).to_have_attribute("aria-expanded", "false")
        for _ in range(5):
            page.keyboard.press("Tab")
            if launcher.evaluate("b => b.getRootNode().activeElement === b"):
                break
        page.keyboard.press("Enter")
        dialog = page.get_by_role("dialog", name="Spør om helse- og omsorgstjenester")
        expect(dialog).to_be_visible()
        expect(dialog).to_have_attribute("aria-modal", "true")
        expect(dialog).to_contain_text("Du snakker med en maskin, ikke et menneske.")
        expect(dialog).to_contain_text("Ikke skriv personopplysninger")
        expect(dialog.get_by_role("link", name="ring 74 05 25 00")).to_have_attribute("href", "tel:+4774052500")
        box = dialog.get_by_role("textbox", name="Spørsmålet ditt")
        expect(box).to_be_focused()

        # the focus trap: Tab and Shift+Tab never leave the panel
        inside = "() => document.activeElement && document.activeElement.id === 'levanger-helse-widget'"
        for key in ["Tab"] * 8 + ["Shift+Tab"] * 8:
            page.keyboard.press(key)
            assert page.evaluate(inside), key
        box.focus()

        # ask with the keyboard; the answer is announced through the polite log
        page.keyboard.type(QUESTION)
        page.keyboard.press("Enter")
        log = dialog.get_by_role("log")
        expect(log).to_have_attribute("aria-live", "polite")
        expect(log.get_by_role("heading", name="Kilder")).to_be_visible(timeout=30_000)
        expect(log).to_contain_text("Trygghetsalarm")
        expect(log).to_contain_text("[fødselsnummer fjernet]")  # the question is shown masked
        assert "56715" not in log.inner_text().replace(" ", "")

        # open source [1] from its marker in the text, then the whole section it comes from
        log.get_by_role("button", name="Kilde 1").first.click()
        source = log.get_by_role("button", name="[1] Trygghetsalarm og velferdsteknologi – Hva koster det?")
        expect(source).to_have_attribute("aria-expanded", "true")
        expect(source).to_be_focused()
        expect(log.locator("blockquote").first).to_contain_text("Kommunen kan ta betaling")
        log.get_by_role("button", name="Vis hele delen").first.click()
        expect(log.locator(".full").first).to_contain_text("Kommunestyret vedtar prisene", timeout=15_000)
        page.screenshot(path=str(screenshot_path("widget.png")))

        # accessibility of the open panel with an answer and an open source
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("async () => await axe.run(document)")
        bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
        assert not bad, bad
        # axe did look inside the widget's shadow root, contrast included
        contrast = [n["target"] for r in result["passes"] if r["id"] == "color-contrast" for n in r["nodes"]]
        assert any("#levanger-helse-widget" in str(t) for t in contrast), contrast[:5]

        # 👍 reaches the feedback file
        log.get_by_role("button", name="Var svaret nyttig? Ja").click()
        expect(log).to_contain_text("Takk for tilbakemeldingen!", timeout=15_000)

        # an emergency: a tappable "Ring 113" first, and the bold numbers are tel: links
        box.fill("Mor puster ikke og svarer ikke!")
        box.press("Enter")
        call = log.get_by_role("link", name="Ring 113")
        expect(call).to_have_attribute("href", "tel:113", timeout=30_000)
        expect(log.get_by_role("link", name="116 117").last).to_have_attribute("href", "tel:116117")

        # a lost connection is said in Norwegian, never as the browser's "Failed to fetch"
        page.route("**/v1/ask", lambda route: route.abort())
        box.fill("Hva koster middag?")
        box.press("Enter")
        expect(log).to_contain_text("Beklager, jeg fikk ikke kontakt med assistenten", timeout=15_000)
        assert "Failed to fetch" not in log.inner_text()
        page.unroute("**/v1/ask")

        # Escape closes and gives focus back to the chat button
        page.keyboard.press("Escape")
        expect(dialog).to_be_hidden()
        expect(launcher).to_be_focused()
        expect(launcher).to_have_attribute("aria-expanded", "false")
    finally:
        close_contexts(browser)

    rows = feedback_rows(sites["db"], before)
    assert [(r.rating, r.question, r.services[:1]) for r in rows] == [(1, "", ("trygghetsalarm",))]
    assert any("/v1/ask" in u for u in seen) and any("/v1/services/trygghetsalarm" in u for u in seen)
    outside = sorted({u for u in seen if not is_local(u)})
    assert not outside, f"requests left localhost: {outside}"
    server_log = Path(str(sites["log"])).read_text()
    assert "POST /v1/ask 200" in server_log
    for word in ("diabetes", "56715", "311299", "trygghetsalarm?"):
        assert word not in server_log, word
