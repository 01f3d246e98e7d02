"""One home for the municipality's name and contact details (assistant/municipality.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant import Assistant, templates
from assistant.errors import apology
from assistant.municipality import PROFILE_ENV, ProfileError, municipality, read_profile

LEVANGER = ("Levanger", "74 05 25 00", "4774052500", "postmottak@levanger", "Håkon den Godes")

TESTVIK = """\
name: Testvik kommune
short_name: Testvik
switchboard: 11 22 33 44
hours: mandag–torsdag kl. 10.00–14.00
hours_en: Monday–Thursday 10:00–14:00
email: post@testvik.example
postal_address: Testvik kommune, Postboks 1, 9999 Testvik
visiting_address: Torget 1
website: https://testvik.example
"""


def _clear() -> None:
    municipality.cache_clear()
    templates.profile_texts.cache_clear()
    templates.data.cache_clear()


@pytest.fixture
def testvik(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "testvik.yaml"
    path.write_text(TESTVIK, encoding="utf-8")
    monkeypatch.setenv(PROFILE_ENV, str(path))
    _clear()
    yield path
    monkeypatch.delenv(PROFILE_ENV, raising=False)
    _clear()


def test_the_default_profile_is_levangers_and_derives_the_tel_link():
    m = municipality()
    assert (m.name, m.switchboard, m.tel) == ("Levanger kommune", "74 05 25 00", "tel:+4774052500")


def test_a_profile_without_a_field_or_with_a_malformed_number_is_refused(tmp_path: Path):
    path = tmp_path / "p.yaml"
    path.write_text(TESTVIK.replace("email: post@testvik.example\n", ""), encoding="utf-8")
    with pytest.raises(ProfileError, match="email"):
        read_profile(path)
    path.write_text(TESTVIK.replace("11 22 33 44", "112233"), encoding="utf-8")
    with pytest.raises(ProfileError, match="switchboard"):
        read_profile(path)


def test_another_profile_leaves_no_levanger_contact_in_any_template_or_reply(testvik: Path,
                                                                              hashing_assistant: Assistant):
    texts = [getattr(templates, n) for n in dir(templates) if n.isupper() and isinstance(getattr(templates, n), str)]
    texts += list(templates.data().language_notes.values()) + [apology()]
    for text in texts:
        assert not any(s in text for s in LEVANGER), text
    assert "11 22 33 44" in templates.NEXT_STEP and "Testvik kommune" in templates.SMALL_TALK["human"]
    # a fresh assistant on the same index: every reply's own words (not the guide's quotes) name Testvik
    bot = Assistant(hashing_assistant.retriever, hashing_assistant.guide, settings=hashing_assistant.settings)
    for question in ("Hva koster trygghetsalarm?", "Kan jeg snakke med et menneske?", "Skriv et dikt om høsten",
                     "How do I apply for home care?", ""):
        reply = bot.ask(question)
        own = [p.text for p in reply.parts if not p.citations]
        assert own and not any(s in t for t in own for s in LEVANGER), (question, own)
    assert bot.grounding.problems(bot.ask("Kan jeg snakke med et menneske?")) == []


def test_the_widget_and_the_api_carry_the_profile_in_use(testvik: Path):
    from ui.api.app import widget_script

    script = widget_script().decode("utf-8")
    assert "11 22 33 44" in script and "tel:+4711223344" in script and "post@testvik.example" in script
    profile = script.split("/*profile*/", 1)[1].split("/*end*/", 1)[0]
    assert not any(s in profile for s in LEVANGER), profile


def test_the_apps_texts_and_tel_links_follow_the_profile(testvik: Path, monkeypatch: pytest.MonkeyPatch):
    import importlib

    import ui.render
    import ui.texts

    try:
        texts = importlib.reload(ui.texts)
        render = importlib.reload(ui.render)
        values = [v for k, v in vars(texts).items() if k.isupper() and isinstance(v, str)]
        assert not any(s in v for v in values for s in LEVANGER), values
        assert texts.SWITCHBOARD_TEL == "tel:+4711223344" and "Testvik" in texts.PAGE_TITLE
        assert render.phone_links("ring **11 22 33 44**") == "ring [**11 22 33 44**](tel:+4711223344)"
    finally:
        # back to the default profile before the modules read it again: later tests see Levanger's texts
        monkeypatch.delenv(PROFILE_ENV)
        _clear()
        importlib.reload(ui.texts)
        importlib.reload(ui.render)
        assert ui.texts.SWITCHBOARD == "74 05 25 00"
