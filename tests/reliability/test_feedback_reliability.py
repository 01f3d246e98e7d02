"""The feedback store under a locked or damaged database, and what ``feedback-export`` says about it.

* A database locked by another process delays a rating until the lock is released; it is not lost.
* A damaged file is moved aside (renamed with a UTC time, logged), a fresh database takes its place, and
  later ratings are stored again; a healthy file is never moved.
* ``python -m assistant feedback-export`` says in Norwegian what is wrong, naming the file, without a
  traceback.
"""

from __future__ import annotations

import linecache
import logging
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from tests.conftest import REPO

from assistant import cli
from assistant.feedback import DB_ENV, FeedbackBusy, FeedbackStore, FeedbackUnavailable
from assistant.sqlite_file import SqliteFile

RATING = {"question": "", "services": ["bpa"], "rating": "up", "status": "answered"}


def _hold_lock(db: Path, seconds: float | None, locked: threading.Event) -> subprocess.Popen[str]:
    """Another process takes an exclusive lock on ``db`` for ``seconds``, or (None) until its stdin is closed:
    a test that only needs the lock held past a short busy timeout releases it when it is done, not after a
    fixed sleep."""
    code = ("import sqlite3, sys, time\n"
            "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "db.execute('BEGIN EXCLUSIVE')\n"
            "print('locked', flush=True)\n"
            "time.sleep(float(sys.argv[2])) if sys.argv[2] != 'stdin' else sys.stdin.read()\n"
            "db.execute('COMMIT')\n")
    proc = subprocess.Popen([sys.executable, "-c", code, str(db), "stdin" if seconds is None else str(seconds)],
                            stdout=subprocess.PIPE, stdin=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    locked.set()
    return proc


def _wait_until_blocked_in_sqlite(writer: threading.Thread, timeout: float = 60.0) -> None:
    """Poll until ``writer`` is seen inside a SQLite call of assistant/feedback.py (it waits there for the lock:
    SQLite's busy handler runs in C, so the thread's innermost Python frame stays on that line)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        frame = sys._current_frames().get(writer.ident)  # noqa: SLF001 - the one way to see another thread's line
        if frame is not None and frame.f_code.co_filename.endswith(os.path.join("assistant", "feedback.py")):
            line = linecache.getline(frame.f_code.co_filename, frame.f_lineno)
            if ".execute(" in line or "connect(" in line:
                return
        assert writer.is_alive(), "the rating finished while the database was locked"
        time.sleep(0.01)
    pytest.fail("the rating was never seen waiting for the lock")


@pytest.mark.serial  # holds the database lock in another process
def test_a_rating_waits_for_a_locked_database_until_it_is_released(tmp_path):
    """Another process holds the lock; the rating waits (the store's busy timeout is 30 s), is stored once the lock
    is released, and is not lost. The lock is held until the writer is seen waiting, not for a fixed time."""
    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    assert store.busy_timeout_s == 30.0  # far past SQLite's own 5 s default
    holder = _hold_lock(store.path, None, threading.Event())
    done: dict[str, float | int] = {}

    def rate() -> None:
        done["row"] = store.add(**RATING)  # blocks until the other process commits
        done["at"] = time.monotonic()

    writer = threading.Thread(target=rate)
    try:
        writer.start()
        _wait_until_blocked_in_sqlite(writer)
        assert writer.is_alive() and "row" not in done  # still waiting: the lock holds it back
        released = time.monotonic()
    finally:
        holder.communicate(timeout=60)  # closes its stdin: the lock is released
        writer.join(60)
    assert not writer.is_alive() and done["at"] >= released  # it returned only after the release
    assert done["row"] == 1 and [r.services for r in store.rows()] == [("bpa",)]


@pytest.mark.serial  # holds the database lock in another process
def test_a_lock_held_past_the_busy_timeout_is_a_clear_error(tmp_path):
    store = FeedbackStore(tmp_path / "feedback.sqlite3", busy_timeout_s=0.2)
    holder = _hold_lock(store.path, None, threading.Event())
    try:
        with pytest.raises(FeedbackBusy, match="stayed locked"):
            store.add(**RATING)
    finally:
        holder.communicate(timeout=60)  # closes its stdin: the lock is released
    assert not list(tmp_path.glob("*.corrupt-*"))  # busy is not damage: nothing moved


@pytest.mark.parametrize("damage", ["garbage", "truncated header", "overwritten pages"])
def test_a_damaged_database_is_moved_aside_and_a_fresh_one_takes_over(tmp_path, caplog, damage):
    path = tmp_path / "feedback.sqlite3"
    store = FeedbackStore(path)
    for _ in range(50):
        store.add(**RATING)
    data = path.read_bytes()
    path.write_bytes({"garbage": b"this is not a database" * 100,
                      "truncated header": data[:60],
                      "overwritten pages": data[:4096] + b"\xff" * (len(data) - 4096)}[damage])
    damaged = path.read_bytes()
    caplog.set_level(logging.WARNING, logger="assistant.feedback")
    row = store.add(**RATING)  # the store was opened before the damage: the write finds it and recovers
    (moved,) = tmp_path.glob("feedback.sqlite3.corrupt-*")
    assert moved.read_bytes() == damaged  # kept for inspection, byte for byte
    assert row == 1 and len(FeedbackStore(path).rows()) == 1
    assert "was damaged" in caplog.text and moved.name in caplog.text
    assert FeedbackStore(path).recovered is None  # the fresh one is healthy and stays


def test_opening_a_damaged_database_recovers_too(tmp_path):
    path = tmp_path / "feedback.sqlite3"
    path.write_bytes(b"\x00garbage" * 1000)
    store = FeedbackStore(path)
    assert store.recovered is not None and store.recovered.exists()
    assert store.rows() == [] and store.add(**RATING) == 1


def test_a_healthy_database_is_never_moved(tmp_path):
    path = tmp_path / "feedback.sqlite3"
    store = FeedbackStore(path)
    store.add(**RATING)
    # a stale report of damage from another thread, on the file under the store
    SqliteFile(path, lambda db: None)._move_aside(sqlite3.DatabaseError("file is not a database"))
    assert path.exists() and len(store.rows()) == 1 and not list(tmp_path.glob("*.corrupt-*"))


def test_a_folder_in_place_of_the_file_is_unavailable(tmp_path):
    (tmp_path / "feedback.sqlite3").mkdir()
    with pytest.raises(FeedbackUnavailable):
        FeedbackStore(tmp_path / "feedback.sqlite3")


# -- feedback-export ----------------------------------------------------------------------------------------


def _export(db: Path, monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    monkeypatch.setenv(DB_ENV, str(db))
    code = cli.main(["feedback-export", *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def test_export_of_a_damaged_database_says_it_was_moved(tmp_path, monkeypatch, capsys):
    db = tmp_path / "feedback.sqlite3"
    db.write_bytes(b"not sqlite" * 500)
    code, out, err = _export(db, monkeypatch, capsys)
    assert code == 0 and out.startswith("id,created_at,rating")
    assert "var skadet" in err and "flyttet til feedback.sqlite3.corrupt-" in err


def test_export_without_a_database_says_there_is_nothing_yet(tmp_path, monkeypatch, capsys):
    code, out, err = _export(tmp_path / "none.sqlite3", monkeypatch, capsys)
    assert code == 0 and out.startswith("id,") and "Ingen tilbakemeldinger ennå" in err
    assert not (tmp_path / "none.sqlite3").exists()


@pytest.mark.serial  # holds the database lock in another process
def test_export_of_a_locked_database_says_so(tmp_path, monkeypatch, capsys):
    db = tmp_path / "feedback.sqlite3"
    FeedbackStore(db).add(**RATING)
    real_init = FeedbackStore.__init__  # the CLI's store, with a short wait so the test stays short
    monkeypatch.setattr(FeedbackStore, "__init__",
                        lambda self, path=None, **_: real_init(self, path, busy_timeout_s=0.2))
    holder = _hold_lock(db, None, threading.Event())
    try:
        code, _, err = _export(db, monkeypatch, capsys)
    finally:
        holder.communicate(timeout=60)
    assert code == 1 and "er låst av en annen prosess" in err and str(db) in err


def test_export_to_an_unwritable_file_says_so(tmp_path, monkeypatch, capsys):
    db = tmp_path / "feedback.sqlite3"
    FeedbackStore(db).add(**RATING)
    code, _, err = _export(db, monkeypatch, capsys, "--out", str(tmp_path / "missing-folder" / "out.csv"))
    assert code == 1 and "Kunne ikke skrive CSV-filen" in err


def test_export_of_an_unopenable_database_says_which_file(tmp_path, monkeypatch, capsys):
    db = tmp_path / "feedback.sqlite3"
    db.mkdir()
    code, _, err = _export(db, monkeypatch, capsys)
    assert code == 1 and "kan ikke åpnes" in err and str(db) in err


@pytest.mark.slow
def test_export_cli_in_a_real_process_reports_damage_in_norwegian(tmp_path):
    db = tmp_path / "feedback.sqlite3"
    db.write_bytes(b"garbage" * 100)
    env = {**os.environ, DB_ENV: str(db), "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8"}
    out = subprocess.run([sys.executable, "-m", "assistant", "feedback-export"], cwd=REPO, env=env,
                         capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert out.returncode == 0 and "var skadet" in out.stderr and "Traceback" not in out.stderr


# -- what is stored, and how much --------------------------------------------------------------------------


def test_stored_questions_go_through_the_one_cleaning_and_masking_path(tmp_path):
    """Split forms that mask_personal_data alone let through (the outside tester: 22 of 39) are masked."""
    from tests.reliability.test_privacy_forms import SPLIT_FORMS

    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    for _, typed, _ in SPLIT_FORMS:
        store.add(question=f"{typed} hva koster det?", services=["trygghetsalarm"], rating="up", keep_question=True)
    stored = [row.question for row in store.rows()]
    assert stored == [f"{expected} hva koster det?" for _, _, expected in SPLIT_FORMS]
    raw = store.path.read_bytes().decode("utf-8", "replace")
    assert "56715" not in raw and "kari.nordmann" not in raw and "\u200b" not in raw


def test_aspect_and_status_outside_their_sets_are_never_stored(tmp_path):
    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    store.add(question="", services=[], rating="up", status="jeg har hiv", aspect="ola_nordmann_har_hiv_og_diabetes")
    store.add(question="", services=[], rating="up", status="answered", aspect="cost")
    store.add(question="", services=[], rating="up", status="answered", aspect="contact")
    assert [(r.status, r.aspect) for r in store.rows()] == [("", ""), ("answered", "cost"), ("answered", "contact")]
    assert "hiv" not in store.path.read_bytes().decode("utf-8", "replace")


def test_the_row_cap_drops_the_oldest_and_the_export_says_how_many(tmp_path, monkeypatch, capsys):
    db = tmp_path / "feedback.sqlite3"
    monkeypatch.setenv("LEVANGER_FEEDBACK_MAX_ROWS", "50")
    store = FeedbackStore(db)
    assert store.max_rows == 50
    for n in range(120):
        store.add(question="", services=[f"s{n}"], rating="up")
    rows = store.rows()
    assert len(rows) == 50 and rows[0].services == ("s70",) and rows[-1].services == ("s119",)
    assert store.dropped() == 70
    code, out, err = _export(db, monkeypatch, capsys)
    assert code == 0 and len(out.splitlines()) == 51
    assert "70 eldre tilbakemeldinger er slettet" in err


@pytest.mark.slow
def test_the_size_cap_bounds_the_file(tmp_path):
    """16,000 ratings with long questions wrote 210 MB before; with a 256 KB cap the file stays near it."""
    cap = 256 * 1024
    store = FeedbackStore(tmp_path / "feedback.sqlite3", max_bytes=cap)
    question = "Hvordan søker jeg om hjemmesykepleie og hva koster det? " * 60
    for n in range(600):
        store.add(question=f"{n} {question}", services=["hjemmesykepleie"], rating="down", keep_question=True)
    size = store.path.stat().st_size
    assert size <= cap + 64 * 1024, size
    rows = store.rows()
    assert store.dropped() == 600 - len(rows) > 0
    assert rows[-1].question.startswith("599 ")  # the newest are kept


def test_caps_have_sensible_defaults(tmp_path, monkeypatch):
    monkeypatch.delenv("LEVANGER_FEEDBACK_MAX_ROWS", raising=False)
    monkeypatch.setenv("LEVANGER_FEEDBACK_MAX_MB", "nonsense")
    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    assert store.max_rows == 100_000 and store.max_bytes == 50 * 1024 * 1024


def test_the_cap_is_logged_at_most_once_a_minute(tmp_path, caplog):
    store = FeedbackStore(tmp_path / "feedback.sqlite3", max_rows=5)
    with caplog.at_level(logging.WARNING, logger="assistant.feedback"):
        for n in range(40):
            store.add(question="", services=[f"s{n}"], rating="up")
    assert store.dropped() == 35
    assert sum("at its cap" in r.getMessage() for r in caplog.records) <= 1
