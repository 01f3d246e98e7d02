"""Reliability round 3, feedback: identical ratings within a short window are stored once.

A double click, a retried request or a script sends the same rating again and again; each used to be a row.
Now a rating identical to one stored less than ``MERGE_WINDOW_S`` earlier (same rating, status, aspect,
services and chunks, and no question text) is not stored again, only counted, and the export says how many.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from assistant import cli
from assistant.feedback import DB_ENV, MERGE_WINDOW_S, FeedbackStore

T0 = datetime(2026, 12, 5, 12, 0, 0, tzinfo=UTC)
RATING = {"question": "", "services": ["hjemmesykepleie"], "rating": "down", "status": "answered",
          "aspect": "cost", "chunks": ["hjemmesykepleie#0"]}


def test_identical_ratings_within_the_window_are_stored_once(tmp_path):
    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    first = store.add(**RATING, when=T0)
    ids = [store.add(**RATING, when=T0 + timedelta(seconds=s)) for s in (0, 1, 5, MERGE_WINDOW_S - 1)]
    assert ids == [first] * 4
    assert len(store.rows()) == 1 and store.merged() == 4


def test_ratings_outside_the_window_are_stored_again(tmp_path):
    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    store.add(**RATING, when=T0)
    store.add(**RATING, when=T0 + timedelta(seconds=MERGE_WINDOW_S))
    store.add(**RATING, when=T0 + timedelta(seconds=3 * MERGE_WINDOW_S))
    assert len(store.rows()) == 3 and store.merged() == 0


@pytest.mark.parametrize("change", [{"rating": "up"}, {"status": "no_answer"}, {"aspect": "who"},
                                    {"services": ["bpa"]}, {"chunks": ["hjemmesykepleie#1"]}, {"chunks": []}])
def test_a_rating_that_differs_in_any_field_is_its_own_row(tmp_path, change):
    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    store.add(**RATING, when=T0)
    store.add(**{**RATING, **change}, when=T0 + timedelta(seconds=1))
    assert len(store.rows()) == 2 and store.merged() == 0


def test_ratings_with_a_kept_question_are_never_merged(tmp_path):
    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    for _ in range(3):
        store.add(**{**RATING, "question": "hva koster det?"}, keep_question=True, when=T0)
    assert [r.question for r in store.rows()] == ["hva koster det?"] * 3 and store.merged() == 0


def test_concurrent_identical_ratings_from_many_threads_make_one_row(tmp_path):
    """The look for a duplicate and the insert are one transaction: 8 threads × 10 identical ratings, one row."""
    path = tmp_path / "feedback.sqlite3"
    FeedbackStore(path)
    start = threading.Barrier(8)

    def rate() -> None:
        store = FeedbackStore(path)
        start.wait()
        for _ in range(10):
            store.add(**RATING)

    threads = [threading.Thread(target=rate) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    store = FeedbackStore(path)
    # all 80 within a few seconds: one row (two, if the clock crossed the window's edge during the run)
    assert len(store.rows()) in (1, 2) and len(store.rows()) + store.merged() == 80


def test_the_export_says_how_many_were_merged(tmp_path, monkeypatch, capsys):
    db = tmp_path / "feedback.sqlite3"
    store = FeedbackStore(db)
    for _ in range(5):
        store.add(**RATING)
    monkeypatch.setenv(DB_ENV, str(db))
    assert cli.main(["feedback-export"]) == 0
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == 2  # the header and one row
    assert "4 like tilbakemeldinger" in err
