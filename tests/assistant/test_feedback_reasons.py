"""Why a 👎: a closed set of reasons stored with the rating (store and API), the question only when the user
ticks the box, and `python -m ui.api` saying at start-up which web pages may call it."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.feedback import REASONS, FeedbackStore
from tests.conftest import first_version_feedback_file

FNR_QUESTION = "Mitt fnr er 31129956715 og jeg har diabetes"


@pytest.fixture
def store(tmp_path: Path) -> FeedbackStore:
    return FeedbackStore(tmp_path / "feedback.sqlite3")


def test_reasons_are_a_closed_set_kept_once_in_order(store: FeedbackStore) -> None:
    assert REASONS == ("not_answered", "wrong_service", "hard_to_understand", "other")
    store.add(question=FNR_QUESTION, services=["trygghetsalarm"], rating="down",
              reasons=["other", "ola_nordmann_har_hiv", "wrong_service", "other"])
    row = store.rows()[0]
    assert row.reasons == ("wrong_service", "other")
    assert row.question == ""
    out = io.StringIO()
    store.export_csv(out)
    exported = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert exported[0]["reasons"] == "wrong_service other"
    assert "ola_nordmann" not in store.path.read_bytes().decode("utf-8", "replace")


def test_an_older_file_gets_the_reasons_column(tmp_path: Path) -> None:
    store = FeedbackStore(first_version_feedback_file(tmp_path / "old.sqlite3"))
    store.add(question="", services=[], rating="down", reasons=["not_answered"])
    assert [r.reasons for r in store.rows()] == [(), ("not_answered",)]


@pytest.fixture
def client(hashing_assistant, store: FeedbackStore) -> Iterator[object]:  # noqa: ANN001
    pytest.importorskip("fastapi", reason="the api extra is not installed")
    from fastapi.testclient import TestClient

    from ui.api import ApiSettings, create_app

    with TestClient(create_app(assistant=hashing_assistant, feedback=store,
                               settings=ApiSettings(rate_burst=1000))) as c:
        yield c


def test_api_stores_the_reasons_and_the_question_only_when_ticked(client, store: FeedbackStore,  # noqa: ANN001
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LEVANGER_FEEDBACK_KEEP_QUESTIONS", raising=False)
    base = {"rating": "down", "status": "answered", "services": ["trygghetsalarm"], "question": FNR_QUESTION}
    assert client.post("/v1/feedback", json=base | {"reasons": ["not_answered", "hard_to_understand"]}).status_code == 201
    assert client.post("/v1/feedback", json=base | {"include_question": True}).status_code == 201
    rows = store.rows()
    assert [(r.reasons, r.question) for r in rows] == [
        (("not_answered", "hard_to_understand"), ""),
        ((), "Mitt fnr er [fødselsnummer fjernet] og jeg har diabetes"),
    ]
    # free text is refused, not stored; the error echoes nothing that was sent
    bad = client.post("/v1/feedback", json=base | {"reasons": ["ola_nordmann_har_hiv"]})
    assert bad.status_code == 422 and "ola_nordmann" not in bad.text
    assert len(store.rows()) == 2


@pytest.mark.parametrize(("origins", "expected"), [
    ("", "Allowed browser origins: none. No web page can call this API"),
    ("https://www.levanger.kommune.no,http://127.0.0.1:8000",
     "Allowed browser origins: https://www.levanger.kommune.no, http://127.0.0.1:8000."),
])
def test_serve_prints_the_allowed_origins_and_how_to_set_them(monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str],
                                                              origins: str, expected: str) -> None:
    pytest.importorskip("uvicorn", reason="the api extra is not installed")
    import ui.api.server
    from ui.api.__main__ import main

    served: list[dict[str, object]] = []
    monkeypatch.setattr(ui.api.server, "serve", lambda **kw: served.append(kw))
    monkeypatch.setenv("LEVANGER_API_CORS_ORIGINS", origins)
    assert main(["--port", "8799"]) == 0
    err = capsys.readouterr().err
    assert expected in err
    assert "LEVANGER_API_CORS_ORIGINS=" in err, "how to set them"
    assert served and served[0]["port"] == 8799
