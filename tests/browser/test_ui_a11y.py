"""Accessibility in a real browser: axe-core on every view at desktop (1280×900) and phone (390×844) size.

axe-core (npm, installed by `make test` into node_modules/) is injected by Playwright into the running app
(`streamlit run ui/app.py`). The bar is the issue's: **0 violations of any impact** on the first screen,
an answer with a source open, the browse view with a service open, and staff mode (printed with pytest -s). Also checks what axe cannot judge on its own: the heading order
we give Streamlit, Norwegian names for Streamlit's controls, and the landmarks.
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
    ask,
    axe_violations,
    describe,
    staff_mode,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SIZES = [pytest.param(DESKTOP, id="1280x900"), pytest.param(PHONE, id="390x844")]


@pytest.fixture
def page_at(app: tuple[str, Path], browser: Any) -> Iterator[Any]:
    with first_screens(app[0], browser, touch=False) as open_:
        yield open_


def _check(page: Any, view: str, viewport: dict[str, int]) -> None:
    found = axe_violations(page)
    size = f"{viewport['width']}x{viewport['height']}"
    print(f"\naxe {view} {size}: " + (", ".join(f"{v['id']} ({v['impact']})" for v in found) or "no violations"))
    # the bar: 0 violations of any impact (no longer only the serious and critical ones)
    assert not found, f"{view} at {size}: axe violations:\n{describe(found)}"


@pytest.mark.parametrize("viewport", SIZES)
def test_axe_first_screen(page_at: Any, viewport: dict[str, int]) -> None:
    _check(page_at(viewport), "first screen", viewport)


@pytest.mark.parametrize("viewport", SIZES)
def test_axe_answer_with_a_source_open(page_at: Any, viewport: dict[str, int]) -> None:
    from playwright.sync_api import expect

    page = page_at(viewport)
    answer = ask(page, "Hva koster trygghetsalarm?")
    source = answer.get_by_test_id("stExpander").first
    source.locator("summary").click()
    expect(source.locator("blockquote")).to_be_visible()
    _check(page, "answer with a source open", viewport)


@pytest.mark.parametrize("viewport", SIZES)
def test_axe_browse(page_at: Any, viewport: dict[str, int]) -> None:
    from playwright.sync_api import expect

    page = page_at(viewport)
    page.get_by_role("radio", name="Bla i tjenestene").click()
    page.get_by_role("button", name="Trygghetsalarm og velferdsteknologi").click()
    expect(page.get_by_role("heading", level=2, name="Trygghetsalarm og velferdsteknologi")).to_be_visible(
        timeout=SLOW_MS)
    _check(page, "browse", viewport)


@pytest.mark.parametrize("viewport", SIZES)
def test_axe_staff_mode(page_at: Any, viewport: dict[str, int]) -> None:
    from playwright.sync_api import expect

    page = page_at(viewport)
    staff_mode(page)
    answer = ask(page, "Hvem kan få omsorgsstønad?")
    expect(page.locator(".st-key-staff")).to_contain_text("Omsorgsstønad", timeout=15_000)
    expect(answer.locator("[class*='st-key-staff-reply-']")).to_have_count(0)  # no repeat of the panel
    _check(page, "staff mode", viewport)


def test_headings_labels_and_landmarks(page_at: Any) -> None:
    """Heading levels never skip, Streamlit's own controls have Norwegian names, and the landmarks are there."""
    from playwright.sync_api import expect

    page = page_at(DESKTOP)
    staff_mode(page)
    ask(page, "Hva koster trygghetsalarm?")
    levels = page.evaluate("""() => Array.from(document.querySelectorAll("h1, h2, h3, h4, h5, h6"))
        .filter((h) => h.offsetParent !== null).map((h) => Number(h.tagName[1]))""")
    assert levels[0] == 1 and levels.count(1) == 1, levels
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), f"a level is skipped: {levels}"
    expect(page.get_by_role("link", name="Hopp til hovedinnholdet")).to_have_count(1)
    expect(page.get_by_role("button", name="Send spørsmålet")).to_have_count(1)
    expect(page.get_by_role("textbox", name="Spørsmålet ditt")).to_have_count(1)
    english = page.evaluate("""() => Array.from(document.querySelectorAll("[aria-label]"))
        .map((e) => e.getAttribute("aria-label"))
        .filter((n) => /^(Help for|Send message|Skip to|Expand sidebar|Collapse sidebar)/.test(n))""")
    assert not english, english
    expect(page.get_by_role("navigation", name="Hovedvalg")).to_have_count(1)
    expect(page.get_by_role("region", name="Hurtigoversikt for ansatte")).to_have_count(1)
    expect(page.get_by_role("region", name="Kontakt og om tjenesten")).to_have_count(1)
    expect(page.get_by_role("main")).to_have_count(1)
