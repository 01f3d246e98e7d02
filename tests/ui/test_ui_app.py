"""Flows of the Streamlit UI (ui/app.py) through Streamlit's AppTest, plus the feedback store and export.

The hashing embedder (built in about a second into a temporary folder) keeps these tests fast; the
real model is exercised by the browser test.
"""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from assistant import cli, templates
from assistant.core import Assistant
from assistant.errors import apology
from assistant.feedback import FeedbackStore
from assistant.types import Reply
from tests.conftest import first_version_feedback_file
from ui import texts
from ui.render import body_markdown, escape_markdown, nb_sort_key, section_link, user_text_markdown

APP = str(Path(__file__).resolve().parents[2] / "ui" / "app.py")
FNR = "01010112345"


def start(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for name, value in params.items():
        at.query_params[name] = value
    return at.run()


def ask(at: AppTest, question: str) -> AppTest:
    return at.chat_input[0].set_value(question).run()


def all_text(at: AppTest) -> str:
    """Every string the app rendered, for "is it there / is it not there" checks."""
    parts = [e.value for kind in ("markdown", "caption", "error", "info", "warning", "title", "header",
                                  "subheader") for e in getattr(at, kind)]
    parts += [e.label for e in at.expander] + [b.label for b in at.button]
    return "\n".join(str(p) for p in parts).replace("\\", "")


def link_buttons(at: AppTest) -> list[tuple[str, str]]:
    """(label, url) of every st.link_button."""
    return [(e.proto.label, e.proto.url) for e in at.get("link_button")]


def scripts(at: AppTest) -> str:
    """The bodies of every st.html element (the page patches and the stylesheet)."""
    return "\n".join(e.proto.body for e in at.get("html"))


# -- first screen ---------------------------------------------------------------------------------


def test_first_screen_shows_examples_notices_and_contact(feedback_db: Path) -> None:
    at = start()
    assert not at.exception
    examples = [b for b in at.button if (b.key or "").startswith("example-")]
    assert 4 <= len(examples) <= 6
    assert {a for a, _ in texts.EXAMPLES} == {"Innbygger", "Pårørende", "Ansatt"}
    text = all_text(at)
    assert "maskin" in text and "individuell vurdering" in text
    assert "Ikke skriv personopplysninger" in text
    assert "Samtalen lagres ikke og forsvinner når du laster siden på nytt" in text
    assert "74 05 25 00" in text and "postmottak@levanger.kommune.no" in text and "09.00–15.00" in text
    assert texts.CORPUS_NOTE in text
    assert at.chat_input, "the chat input is on the first screen"
    assert at.chat_input[0].proto.max_chars == 0, "no length limit in the browser: a long paste is never dropped"
    assert at.chat_input[0].placeholder == "Skriv spørsmålet ditt"
    assert ("Ring 74 05 25 00", "tel:+4774052500") in link_buttons(at)
    script = scripts(at)
    assert 'lang = "nb"' in script and "aria-live" in script
    assert '"top"' in script, "the first screen is scrolled to the top"


def test_first_screen_order_notice_and_call_before_examples(feedback_db: Path) -> None:
    """Phone first: the title, the notice and the call button come before the text and the examples."""
    at = start()
    assert at.title[0].value == texts.TITLE
    blocks = [(type(e).__name__, getattr(e, "value", "") or getattr(getattr(e, "proto", None), "label", ""))
              for e in _walk(at.main)]
    names = [v for _, v in blocks]
    notice = next(i for i, v in enumerate(names) if isinstance(v, str) and v.startswith("**Du snakker med en maskin"))
    call = next(i for i, v in enumerate(names) if v == "Ring 74 05 25 00")
    examples = next(i for i, v in enumerate(names) if v == texts.EXAMPLES_HEADING)
    can_help = next(i for i, v in enumerate(names) if v == texts.CAN_HELP)
    assert notice < call < examples < can_help, "the examples before the longer text"


def _walk(node):  # noqa: ANN001, ANN202 - AppTest's element tree
    children = getattr(node, "children", None)
    if not children:
        yield node
        return
    for child in children.values():
        yield from _walk(child)


def test_main_controls_are_buttons_not_a_sidebar(feedback_db: Path) -> None:
    at = start()
    assert not at.sidebar.children, "no sidebar: on a phone it hides behind a small icon"
    view = at.segmented_control(key="view")
    assert view.value == "chat" and [o.content for o in view.proto.options] == ["Spør assistenten", "Bla i tjenestene"]
    assert view.proto.required, "one view is always chosen"
    assert at.button(key="new_chat").label == "Start på nytt"
    assert at.toggle(key="large_text").label == "Stor tekst"
    # staff mode is not on the citizen's first screen: ?ansatt=1 (a quiet link in the footer) offers the switch
    assert "staff_mode" not in [t.key for t in at.toggle]
    assert f"[{texts.STAFF_LINK}](?ansatt=1)" in [c.value for c in at.caption]
    at = start(ansatt="1")
    assert at.toggle(key="staff_mode").label == "Ansattmodus"
    assert f"[{texts.STAFF_LINK}](?ansatt=1)" not in [c.value for c in at.caption]


# -- asking ---------------------------------------------------------------------------------------


def test_question_shows_answer_with_citation(feedback_db: Path) -> None:
    at = ask(start(), "Hva koster trygghetsalarm?")
    assert not at.exception
    user, answer = at.chat_message
    assert user.name == "user" and answer.name == "assistant"
    assert "trygghetsalarm" in user.markdown[0].value
    assert "[\\[1\\]](?tjeneste=trygghetsalarm&seksjon=" in answer.markdown[0].value, "the marker links to its section"
    first = answer.expander[0]
    assert first.label.replace("\\", "").startswith("[1] Trygghetsalarm og velferdsteknologi")
    inside = "\n".join(m.value for m in first.markdown)
    assert inside.startswith("> ")  # the quoted passage
    assert "**Tjeneste:**" in inside and "**Del:**" in inside and "**Side i PDF-utgaven:** " in inside
    cited = at.session_state["messages"][1]["reply"].citations[0]
    assert cited.page, "the shipped guide's citations carry the PDF page"
    assert f"(app/static/levanger-tjenestebeskrivelser.pdf#page={cited.page})" in inside
    published = Path(APP).parent / "static" / "levanger-tjenestebeskrivelser.pdf"
    assert published.read_bytes()[:5] == b"%PDF-", "the PDF edition is copied where Streamlit serves static files"
    opener = first.button[0]
    assert opener.label.replace("\\", "") == "Åpne «Hva koster det?» i tjenestebeskrivelsen"
    assert texts.EXAMPLES_HEADING not in all_text(at), "the first screen gives way to the conversation"


def test_section_button_opens_browse_in_the_same_session(feedback_db: Path) -> None:
    """The citation's section button switches to the browse view in this tab; the conversation stays."""
    at = ask(start(), "Hva koster trygghetsalarm?")
    at = at.chat_message[1].expander[0].button[0].click().run()
    assert not at.exception
    assert at.session_state["view"] == "browse"
    assert at.query_params == {"tjeneste": "trygghetsalarm", "seksjon": "hva-koster-det"}
    assert "Trygghetsalarm og velferdsteknologi" in [h.value for h in at.header]
    assert '"hva-koster-det"' in scripts(at), "the page scrolls to the cited section"
    at = at.button(key="browse-back").click().run()
    assert at.session_state["view"] == "chat" and len(at.chat_message) == 2, "the conversation is still there"
    assert not at.query_params


def test_example_button_asks_its_question(feedback_db: Path) -> None:
    at = start()
    button = next(b for b in at.button if (b.key or "").startswith("example-"))
    at = button.click().run()
    assert not at.exception
    user, answer = at.chat_message
    assert user.markdown[0].value.replace("\\", "") == button.label
    assert answer.expander, "the example's answer has citations"


def test_emergency_stands_out_with_113_first(feedback_db: Path) -> None:
    at = ask(start(), "Min mor har falt og puster ikke")
    assert not at.exception
    box = at.chat_message[1].error[0].value
    assert "113" in box
    assert box.index("113") < 60, "113 comes first"


def test_no_answer_shows_the_human_contact(feedback_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Assistant, "ask", lambda self, q, history=None, **_: Reply("no_answer", templates.NO_ANSWER,
                                                                               question=str(q)))
    at = ask(start(), "Hva er hovedstaden i Frankrike?")
    answer = at.chat_message[1]
    shown = "\n".join(m.value for m in answer.markdown) + "\n".join(i.value for i in answer.info)
    assert shown.count("74 05 25 00") == 1, "the contact details once, not two or three times"
    assert "[**74 05 25 00**](tel:+4774052500)" in shown, "the switchboard number is a tel: link"
    assert ("Ring 74 05 25 00", "tel:+4774052500") in link_buttons(at)


def test_user_text_is_shown_as_text(feedback_db: Path) -> None:
    at = ask(start(), "**fet** [lenke](https://example.org) <b>html</b> $x$")
    shown = at.chat_message[0].markdown[0].value
    assert shown == escape_markdown("**fet** [lenke](https://example.org) <b>html</b> $x$")
    assert "](" not in shown and "<b>" not in shown and "**" not in shown


def test_follow_up_uses_the_history(feedback_db: Path) -> None:
    at = ask(ask(start(), "Hva er trygghetsalarm?"), "Hva koster det?")
    assert len(at.chat_message) == 4
    assert "trygghetsalarm" in at.chat_message[3].expander[0].label.casefold()


# -- staff mode -----------------------------------------------------------------------------------


def test_staff_mode_stands_beside_the_chat(feedback_db: Path) -> None:
    at = ask(start(ansatt="1"), "Hva koster trygghetsalarm?")
    at = at.toggle(key="staff_mode").set_value(True).run()
    assert not at.exception
    assert at.selectbox[0].value == "trygghetsalarm", "the focus is the last reply's services[0]"
    side, main = at.columns[:2]
    assert side.header[0].value == texts.STAFF_HEADING, "the overview is the first column: beside, or above on a phone"
    assert len(main.chat_message) == 2, "the chat is the second column"
    heads = [m.value for m in side.markdown]
    for heading in ("Hvem kan få tjenesten?", "Hva koster det?", "Lovgrunnlag"):
        assert any(escape_markdown(heading) in h for h in heads), heading
    text = all_text(at)
    assert "Ansvarlig enhet:** Enhet institusjons- og hjemmetjeneste" in text
    assert "Kommunestyret vedtar prisene" in text and "§ 11-2" in text
    # the law references link to their sections on Lovdata
    assert "](https://lovdata.no/lov/2011-06-24-30/§11-2)" in text


def test_staff_mode_answers_speak_of_the_user(feedback_db: Path) -> None:
    at = start(ansatt="1").toggle(key="staff_mode").set_value(True).run()
    at = ask(at, "Hvem kan få trygghetsalarm?")
    assert not at.exception
    text = all_text(at)
    assert "Brukeren eller pårørende kan få hjelp til å søke" in text
    assert "Har du spørsmål, eller vil du ha hjelp til å søke?" not in text


def test_staff_mode_without_a_question_lets_staff_pick(feedback_db: Path) -> None:
    at = start(ansatt="1").toggle(key="staff_mode").set_value(True).run()
    assert at.selectbox[0].value is None
    at = at.selectbox[0].set_value("bpa").run()
    assert "Brukerstyrt personlig assistanse (BPA)" in all_text(at)


# -- feedback -------------------------------------------------------------------------------------


def test_feedback_is_stored_without_the_fnr(feedback_db: Path) -> None:
    at = ask(start(), f"Jeg har fødselsnummer {FNR}, kan jeg få hjemmehjelp?")
    assert FNR not in all_text(at)
    assert all(FNR not in m["text"] for m in at.session_state["messages"])
    at = at.button(key="feedback-down-1").click().run()
    assert not at.exception
    assert not FeedbackStore(feedback_db).rows(), "stored when sent, with the reasons"
    at.checkbox(key="why-1-wrong_service").check()
    at.checkbox(key="why-1-other").check()
    at = next(b for b in at.button if b.label == texts.FEEDBACK_SEND).click().run()
    assert texts.FEEDBACK_THANKS in all_text(at)
    rows = FeedbackStore(feedback_db).rows()
    assert len(rows) == 1
    row = rows[0]
    assert row.rating == -1 and row.status == "answered" and row.services and row.chunks
    assert row.reasons == ("wrong_service", "other")
    assert row.question == "", "the question text (which may hold health details) is not stored by default"
    assert FNR.encode() not in feedback_db.read_bytes() and b"hjemmehjelp?" not in feedback_db.read_bytes()
    columns = [c[1] for c in sqlite3.connect(feedback_db).execute("PRAGMA table_info(feedback)")]
    assert columns == ["id", "created_at", "rating", "status", "services", "question", "aspect", "chunks",
                       "reasons"], \
        "no IP, no session id"


def test_feedback_store_masks_again_and_exports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "f.sqlite3"
    monkeypatch.setenv("LEVANGER_FEEDBACK_DB", str(db))
    store = FeedbackStore()
    assert store.path == db
    store.add(question=f"fnr {FNR} og ola@example.org", services=["bpa", "tildeling"], rating="up",
              keep_question=True, aspect="cost", chunks=["bpa#hva-koster-det-0"])
    store.add(question="Jeg har diabetes", services=[], rating=-1, status="no_answer")
    with pytest.raises(ValueError):
        store.add(question="x", services=[], rating="meh")
    assert cli.main(["feedback-export"]) == 0
    out = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["rating"] for r in out] == ["1", "-1"]
    assert out[0]["services"] == "bpa tildeling"
    assert FNR not in out[0]["question"] and "ola@example.org" not in out[0]["question"]
    assert "[fødselsnummer fjernet]" in out[0]["question"]  # opted in: kept, masked once more
    assert out[0]["aspect"] == "cost" and out[0]["chunks"] == "bpa#hva-koster-det-0"
    assert out[1]["question"] == "" and b"diabetes" not in db.read_bytes()  # default: not kept
    monkeypatch.setenv("LEVANGER_FEEDBACK_KEEP_QUESTIONS", "1")
    store.add(question="Hva koster BPA?", services=["bpa"], rating=1)
    assert store.rows()[-1].question == "Hva koster BPA?"
    target = tmp_path / "out.csv"
    assert cli.main(["feedback-export", "--out", str(target)]) == 0
    assert target.read_text(encoding="utf-8").splitlines()[0] == \
        "id,created_at,rating,status,aspect,services,chunks,question,reasons"


def test_feedback_file_of_the_first_version_gets_the_new_columns(tmp_path: Path) -> None:
    store = FeedbackStore(first_version_feedback_file(tmp_path / "old.sqlite3"))
    store.add(question="x", services=["bpa"], rating=-1, aspect="who", chunks=["bpa#a-0"])
    assert [(r.rating, r.aspect, r.chunks) for r in store.rows()] == [(1, "", ()), (-1, "who", ("bpa#a-0",))]


# -- errors ---------------------------------------------------------------------------------------


def test_failing_ask_shows_the_apology_and_no_details(feedback_db: Path, monkeypatch: pytest.MonkeyPatch,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    def broken(self: Assistant, question: object, history: object = None, **_: object) -> Reply:
        raise RuntimeError("secret detail in /srv/levanger/index.faiss")

    monkeypatch.setattr(Assistant, "ask", broken)
    at = ask(start(), "Hva koster trygghetsalarm?")
    assert not at.exception
    assert at.chat_message[1].error[0].value == apology()
    text = all_text(at)
    assert "secret" not in text and "Traceback" not in text and "RuntimeError" not in text
    assert "RuntimeError" in caplog.text and "secret" not in caplog.text, "the log gets the class only"


def test_failing_loader_shows_a_norwegian_message(feedback_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> Assistant:
        raise OSError("disk /secret/path unreadable")

    monkeypatch.setattr(Assistant, "load", broken)
    at = start()
    assert not at.exception
    assert at.error[0].value == apology()
    at = ask(at, "Hva koster trygghetsalarm?")
    assert not at.exception
    assert at.chat_message[1].error[0].value == apology()
    assert "secret" not in all_text(at)


# -- browse ---------------------------------------------------------------------------------------


def test_citation_link_opens_the_service_at_the_section(feedback_db: Path) -> None:
    at = start(tjeneste="trygghetsalarm", seksjon="hva-koster-det")
    assert not at.exception
    assert at.session_state["view"] == "browse"
    assert [h.value for h in at.header] == [texts.BROWSE_HEADING, "Trygghetsalarm og velferdsteknologi"]
    assert [s.value for s in at.subheader][:2] == ["Hva er tjenesten?", "Hvem kan få tjenesten?"]
    anchors = [s.proto.anchor for s in at.subheader]
    assert "hva-koster-det" in anchors and "slik-soker-du" in anchors
    assert texts.BROWSE_LINKED in all_text(at)
    assert '"hva-koster-det"' in scripts(at), "the page scrolls to the linked section"


def test_browse_lists_by_category_and_filters(feedback_db: Path) -> None:
    at = start(tjeneste="no-such-service")
    assert texts.BROWSE_UNKNOWN in all_text(at)
    listed = [b.key for b in at.button if (b.key or "").startswith("browse-")]
    assert len(listed) == 40
    assert "**Hjelp i hjemmet**" in [m.value for m in at.markdown]
    at = at.text_input(key="browse_filter").set_value("alarm").run()
    listed = [b.key for b in at.button if (b.key or "").startswith("browse-")]
    assert listed[0] == "browse-trygghetsalarm", "named by the word first"
    # then the services whose text mentions it, under their own heading
    assert len(listed) > 1 and "**Nevnt i teksten til**" in [m.value for m in at.markdown]
    at = at.button(key="browse-trygghetsalarm").click().run()
    assert at.query_params == {"tjeneste": "trygghetsalarm"}, "the address can be shared"
    assert [h.value for h in at.header] == [texts.BROWSE_HEADING, "Trygghetsalarm og velferdsteknologi"]
    assert '"tjeneste-trygghetsalarm"' in scripts(at), "a tap scrolls to the service's text (below the list on a phone)"
    assert at.header[1].proto.anchor == "tjeneste-trygghetsalarm"


def test_browse_a_to_aa_order(feedback_db: Path) -> None:
    at = start().segmented_control(key="view").set_value("browse").run()
    assert 'scroll = "top"' in scripts(at), "a view is entered at its top"
    at = at.radio(key="browse_order").set_value("alpha").run()
    assert 'scroll = "none"' in scripts(at), "changing the order does not jump to the top"
    titles = [b.label for b in at.button if (b.key or "").startswith("browse-")]
    assert titles == sorted(titles, key=nb_sort_key)
    assert titles[-1].startswith("Ø"), "Æ, Ø and Å come after Z"


# -- rendering helpers ----------------------------------------------------------------------------


def test_markdown_helpers_keep_text_inert() -> None:
    assert escape_markdown("[x](javascript:alert(1)) **b** <i>") == (
        r"\[x\]\(javascript\:alert\(1\)\) \*\*b\*\* \<i\>")
    assert user_text_markdown("a\n  b") == "a  \nb"
    assert body_markdown("Innledning.\n\n- punkt *en*\n- punkt to") == "Innledning\\.\n\n- punkt \\*en\\*\n- punkt to"
    assert section_link("trygghetsalarm", "Hva koster det?") == (
        "?tjeneste=trygghetsalarm&seksjon=hva-koster-det#hva-koster-det")
    assert nb_sort_key("Åpen") > nb_sort_key("Ørland") > nb_sort_key("Æra") > nb_sort_key("Zebra")


def test_browse_filter_finds_words_of_the_service_texts(feedback_db: Path) -> None:
    at = start().segmented_control(key="view").set_value("browse").run()
    at = at.text_input(key="browse_filter").set_value("støttestrømper").run()
    listed = [b.key for b in at.button if (b.key or "").startswith("browse-")]
    assert "browse-hjemmesykepleie" in listed, "a word from the service's description, not its title"
    at = at.text_input(key="browse_filter").set_value("kommunestyret vedtar").run()
    assert "browse-trygghetsalarm" in [b.key for b in at.button], "words of a passage (the lexical index)"
    at = at.text_input(key="browse_filter").set_value("støttestrømper").run()
    at = at.button(key="browse-hjemmesykepleie").click().run()
    assert at.button(key="browse-to-list").label == texts.BROWSE_TO_LIST
    at = at.button(key="browse-to-list").click().run()
    assert at.query_params == {}, "back to the list"


def test_browse_without_a_match_offers_to_ask_the_assistant(feedback_db: Path) -> None:
    at = start().segmented_control(key="view").set_value("browse").run()
    at = at.text_input(key="browse_filter").set_value("xyzzy kvantefysikk").run()
    assert texts.BROWSE_NONE in all_text(at)
    ask_button = at.button(key="browse-ask")
    assert ask_button.label.replace("\\", "") == "Spør assistenten om «xyzzy kvantefysikk»"
    at = ask_button.click().run()
    assert at.session_state["view"] == "chat"
    assert [m["text"] for m in at.session_state["messages"]][:1] == ["xyzzy kvantefysikk"]
