"""How answers are laid out (Streamlit's AppTest): situation cards, the emergency box, copy, 👎 → a person,
staff extras, the over-limit notice, the text size, and the history the UI passes to the assistant.

Replies are the assistant's own (hashing embedder) or, where a shape needs the real model (situation
answers), a typed Reply built here the way ``assistant/write.py`` builds it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from assistant import templates
from assistant.core import Assistant
from assistant.types import Citation, Reply, ReplyPart, ServiceRole, Turn
from corpus.guide import load_guide
from ui import copy, style, texts
from ui.render import body_markdown

APP = str(Path(__file__).resolve().parents[2] / "ui" / "app.py")


#: the app on the hashing embedder and the tier's shared index (tests/ui/conftest.py)
pytestmark = pytest.mark.usefixtures("feedback_db")


def start() -> AppTest:
    return AppTest.from_file(APP, default_timeout=120).run()


def ask(at: AppTest, question: str) -> AppTest:
    return at.chat_input[0].set_value(question).run()


def _c(n: int, sid: str, title: str, section: str, quote: str, page: int) -> Citation:
    return Citation(n, sid, title, section, page, f"corpus/services/{sid}.md", quote, 0.8, f"{sid}#x-{n}")


SITUATION = Reply(
    status="answered",
    text="",
    citations=(
        _c(1, "avlastning", "Avlastning", "Hva er tjenesten?", "Avlastning er et tilbud til pårørende.", 49),
        _c(2, "parorendestotte", "Støtte til pårørende", "Hva er tjenesten?", "Kommunen ønsker at du skal orke.", 57),
        _c(3, "soknad-og-vedtak", "Slik søker du om helse- og omsorgstjenester", "Hva er tjenesten?",
           "Forvaltning helse og omsorg tar imot søknader.", 15),
    ),
    services=("avlastning", "parorendestotte", "soknad-og-vedtak"),
    roles=(ServiceRole("avlastning", "primary", "need"), ServiceRole("parorendestotte", "also", "need")),
    mode="situation",
    parts=(
        ReplyPart("lead", templates.SITUATION_LEAD_ONE),
        ReplyPart("service", "**Avlastning** – Avlastning er et tilbud til pårørende. [1]", "avlastning", (1,),
                  label="Avlastning", body="Avlastning er et tilbud til pårørende. [1]"),
        ReplyPart("service", "**Støtte til pårørende** – Kommunen ønsker at du skal orke. [2]", "parorendestotte", (2,),
                  label="Støtte til pårørende", body="Kommunen ønsker at du skal orke. [2]"),
        ReplyPart("route", "*Slik søker du:* Forvaltning helse og omsorg tar imot søknader. [3]", "soknad-og-vedtak",
                  (3,), label="Slik søker du", body="Forvaltning helse og omsorg tar imot søknader. [3]"),
        ReplyPart("next_step", templates.NEXT_STEP),
    ),
    question="Jeg orker ikke mer",
)
SITUATION = Reply(**{**SITUATION.__dict__, "text": "\n\n".join(p.text for p in SITUATION.parts)})


def _fixed(reply: Reply, seen: list | None = None):  # noqa: ANN202 - a stand-in for Assistant.ask
    def ask(self: Assistant, question: object, history: object = None, **_: object) -> Reply:
        if seen is not None:
            seen.append(list(history or []))
        return reply
    return ask


def test_situation_answer_is_a_list_of_service_cards(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Assistant, "ask", _fixed(SITUATION))
    at = ask(start(), "Jeg orker ikke mer")
    assert not at.exception
    answer = at.chat_message[1]
    names = [m.value for m in answer.markdown if m.value.startswith("**") and m.value.endswith("**")]
    assert names[:2] == ["**Avlastning**", "**Støtte til pårørende**"], "each card starts with the service's name"
    whys = [m.value for m in answer.markdown]
    # why it fits: the quoted sentences, the marker a link to the cited section
    assert ("Avlastning er et tilbud til pårørende. "
            "[\\[1\\]](?tjeneste=avlastning&seksjon=hva-er-tjenesten#hva-er-tjenesten)") in whys, whys
    labels = [e.label.replace("\\", "") for e in answer.expander]
    assert labels == ["[1] Avlastning – Hva er tjenesten?, side 49",
                      "[2] Støtte til pårørende – Hva er tjenesten?, side 57",
                      "[3] Slik søker du om helse- og omsorgstjenester – Hva er tjenesten?, side 15"], \
        "a source toggle per card, the route's source in the shared 'Slik søker du'"
    assert [m.value for m in answer.markdown].count(f"**{texts.HOW_TO_APPLY}**") == 1, "one shared 'Slik søker du'"
    flat = "\n".join(m.value for m in answer.markdown)
    assert flat.index("**Støtte til pårørende**") < flat.index(f"**{texts.HOW_TO_APPLY}**"), "at the end"
    assert "*Slik søker du:*" not in flat, "the heading is not repeated inside the box"
    assert "[**74 05 25 00**](tel:+4774052500)" in flat
    apply = at.button(key="open-apply-1")
    assert apply.label.replace("\\", "") == "Les «Slik søker du» for Avlastning"
    at = apply.click().run()
    assert at.query_params == {"tjeneste": "avlastning", "seksjon": "slik-soker-du"}


def test_emergency_reply_gets_the_red_box_with_113(monkeypatch: pytest.MonkeyPatch) -> None:
    at = ask(start(), "Mor puster ikke!! hva gjør jeg")
    reply: Reply = at.session_state["messages"][1]["reply"]
    assert reply.mode == "emergency"
    box = at.chat_message[1].error[0].value
    assert box.startswith("**Er det fare for liv eller helse nå? Ring 113**")
    assert "[**116 117**](tel:116117)" in box
    assert ("Ring 113", "tel:113") in [(e.proto.label, e.proto.url) for e in at.get("link_button")]


def test_copy_gives_plain_text_with_the_sources() -> None:
    at = ask(start(), "Hva koster trygghetsalarm?")
    reply: Reply = at.session_state["messages"][1]["reply"]
    text = copy.plain_text(reply)
    assert text.startswith("Spørsmål: Hva koster trygghetsalarm?\n\nSvar:\nTrygghetsalarm og velferdsteknologi\n")
    assert "**" not in text and "*Hva koster det?*" not in text and "Hva koster det? Kommunen" in text
    sources = text.split("\nKilder:\n")[1].splitlines()
    for c in reply.citations:
        assert any(line.startswith(f"[{c.n}] {c.title} – {c.section}, side {c.page}: «") for line in sources), c.n
    body = "\n".join(e.proto.body for e in at.get("html"))
    assert 'data-levanger-copy="1"' in body and 'data-levanger-print="1"' in body
    assert copy.plain("a \\*b\\* **c** *d*") == "a *b* c d"


def test_copy_text_is_escaped_html(monkeypatch: pytest.MonkeyPatch) -> None:
    hostile = Reply("no_answer", templates.NO_ANSWER, question="<img src=x onerror=alert(1)> & </pre>")
    monkeypatch.setattr(Assistant, "ask", _fixed(hostile))
    at = ask(start(), "x")
    tools = next(e.proto.body for e in at.get("html") if "data-levanger-copy-text" in e.proto.body)
    assert "<img" not in tools and "&lt;img src=x onerror=alert(1)&gt; &amp; &lt;/pre&gt;" in tools


def test_thumbs_down_offers_the_human_contact() -> None:
    at = ask(start(), "Hva koster trygghetsalarm?")
    assert not at.get("link_button") or all("feedback" not in str(e.proto) for e in at.get("link_button"))
    at = at.button(key="feedback-down-1").click().run()
    # first the optional reasons (none ticked is fine), then a person
    assert [c.label for c in at.checkbox][:4] == list(texts.FEEDBACK_REASONS.values())
    at = next(b for b in at.button if b.label == texts.FEEDBACK_SEND).click().run()
    infos = [i.value for i in at.chat_message[1].info]
    assert any(i.startswith(texts.FEEDBACK_DOWN_CONTACT) and "(tel:+4774052500)" in i for i in infos)
    assert ("Ring 74 05 25 00", "tel:+4774052500") in [(e.proto.label, e.proto.url) for e in at.get("link_button")]


def test_thumbs_up_does_not_push_the_contact() -> None:
    at = ask(start(), "Hva koster trygghetsalarm?").button(key="feedback-up-1").click().run()
    assert not any(i.value.startswith(texts.FEEDBACK_DOWN_CONTACT) for i in at.chat_message[1].info)


def test_staff_mode_does_not_repeat_the_panel_under_the_answer() -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["ansatt"] = "1"
    at = ask(at.run(), "Hva koster trygghetsalarm?")
    at = at.toggle(key="staff_mode").set_value(True).run()
    side, main = at.columns[:2]
    assert side.header[0].value == texts.STAFF_HEADING
    answer = main.chat_message[1]
    assert not [e for e in answer.expander if "Tildelingskriterier" in e.label or e.label == "Lovgrunnlag"]
    assert not any("For ansatte" in m.value for m in answer.markdown)
    doc = load_guide(pdf=[]).by_id()["trygghetsalarm"]
    assert body_markdown(doc.section("Hvem kan få tjenesten?").text) in [m.value for m in side.markdown]


def test_over_limit_text_is_accepted_and_cut_with_a_notice() -> None:
    long = "Hva koster trygghetsalarm? " * 300  # 8,100 characters
    at = ask(start(), long)
    assert not at.exception
    reply: Reply = at.session_state["messages"][1]["reply"]
    assert "truncated" in reply.notices
    assert len(at.session_state["messages"][0]["text"]) <= 2000, "only what was read is kept"
    assert any(i.value == templates.TRUNCATED.format(limit=2000) for i in at.chat_message[1].info)


def test_text_size_is_kept_in_the_session() -> None:
    at = start()
    css = "\n".join(e.proto.body for e in at.get("html"))
    assert "font-size: 125%" not in css
    at = at.toggle(key="large_text").set_value(True).run()
    assert at.session_state["large_text"] is True
    at = ask(at, "Hva koster trygghetsalarm?")
    css = "\n".join(e.proto.body for e in at.get("html"))
    assert "font-size: 125%" in css, "still large after asking"
    assert "font-size: 125%" in style.css(large_text=True) and "font-size: 125%" not in style.css(large_text=False)


def test_history_carries_the_services_of_each_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[Turn]] = []
    monkeypatch.setattr(Assistant, "ask", _fixed(SITUATION, seen))
    at = ask(ask(start(), "Jeg orker ikke mer"), "Hva koster det?")
    assert not at.exception
    history = seen[-1]
    assert [t.role for t in history] == ["user", "assistant"]
    assert history[1].services == SITUATION.services
    assert history[0].services == ()


def test_scripts_hold_no_markup_of_their_own() -> None:
    """Streamlit drops an st.html script with a raw tag in it: our scripts keep "<" for their own tags only."""
    at = ask(start(), "Hva koster trygghetsalarm?")
    for e in at.get("html"):
        body = e.proto.body
        if body.startswith("<script>"):
            inner = body.removeprefix("<script>").removesuffix("</script>")
            assert "<" not in inner.replace("< ", "").replace("<=", ""), inner[:200]


def test_citation_markers_link_to_their_section() -> None:
    at = ask(start(), "Hva koster trygghetsalarm?")
    text = "\n".join(m.value for m in at.chat_message[1].markdown)
    assert "[\\[1\\]](?tjeneste=trygghetsalarm&seksjon=hva-koster-det#hva-koster-det)" in text, text[:600]
    # the source: the section view first, then "PDF (side N)"
    source = at.chat_message[1].expander[0]
    labels = [b.label for b in source.button]
    assert labels and labels[0].replace("\\", "") == texts.OPEN_SECTION.format(section="Hva koster det?")
    assert any(m.value.startswith("[PDF \\(side ") for m in source.markdown), [m.value for m in source.markdown]
