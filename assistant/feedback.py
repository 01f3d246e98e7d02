"""Feedback on answers (👍/👎), kept in a local SQLite file and exported as CSV.

Only what is needed to improve the guide is kept: the rating, the reply's status, aspect, service ids and
cited passages (chunk ids), and the time. No IP address or session id is ever passed in.

The question text itself is **not** stored by default: even masked, a free-text question can hold health
details ("jeg har diabetes"), and the project never writes those to disk. A deployment whose data
protection assessment allows it can opt in with ``LEVANGER_FEEDBACK_KEEP_QUESTIONS=1``; the question is then
stored masked (masked once more here in case a caller forgot).

Every text that reaches the file goes through the same cleaning and masking as a question
(:func:`assistant.privacy.clean_and_mask`). ``aspect`` and ``status`` are closed sets: anything else is stored
as "". So are a 👎's ``reasons`` (:data:`REASONS`); the question is kept for one rating when the user ticked the
box that allows it. The file is bounded: past ``LEVANGER_FEEDBACK_MAX_ROWS`` rows or ``LEVANGER_FEEDBACK_MAX_MB`` of data the
oldest rows are dropped, and the number dropped is kept and reported by the export, so a flood of ratings
can neither fill the disk nor silently shorten the record.

A rating identical to one stored less than ``MERGE_WINDOW_S`` (10 s) earlier (same rating, status, aspect,
services and chunks, and no question text in either) is a double click or a script, not a second opinion: it is
not stored again, only counted (``merged()``, reported by the export).

A rating must not be lost to a briefly busy database, nor every later rating to one damaged file: the file is
a :class:`~assistant.sqlite_file.SqliteFile` (waits for another writer, moves a damaged file aside).
"""

from __future__ import annotations

import csv
import logging
import os
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO

from assistant.plan import SECTION_OF_ASPECT
from assistant.privacy import clean_and_mask
from assistant.sqlite_file import FeedbackBusy, FeedbackError, FeedbackUnavailable, SqliteFile
from assistant.limits import REQUEST_CHARS
from assistant.types import STATUSES
from corpus.paths import REPO_ROOT
from corpus.schema import aspect_keys
from assistant.rules import rules

log = logging.getLogger(__name__)

#: Where the feedback file lives; git-ignored under var/ by default.
DB_ENV = "LEVANGER_FEEDBACK_DB"
#: Set to "1" to also store the (masked) question text; off by default, see the module docstring.
KEEP_QUESTIONS_ENV = "LEVANGER_FEEDBACK_KEEP_QUESTIONS"
#: The caps on the file: at most this many rows, at most this many megabytes of data (oldest dropped first).
MAX_ROWS_ENV = "LEVANGER_FEEDBACK_MAX_ROWS"
MAX_MB_ENV = "LEVANGER_FEEDBACK_MAX_MB"
DEFAULT_MAX_ROWS = 100_000
DEFAULT_MAX_MB = 50.0
RATINGS: dict[str, int] = {"up": 1, "down": -1}
#: What a reply's ``aspect`` can be: the schema's aspect keys, and the aspects answered from one of their
#: sections ("contact" from "apply"), and those answered wherever the guide states them ("time"). Anything else
#: is free text and is never stored.
ASPECTS: frozenset[str] = frozenset(aspect_keys()) | frozenset(SECTION_OF_ASPECT) | frozenset(rules().topics)
#: Why a 👎 (optional, any of them): a closed set of keys, never free text. The UIs show their own labels.
REASONS: tuple[str, ...] = ("not_answered", "wrong_service", "hard_to_understand", "other")
#: A stored question is cut to this many characters (the API's bound on a feedback question).
QUESTION_CHARS = REQUEST_CHARS
#: Ids (services, chunks) are cut to this many characters each.
ID_CHARS = 200
#: An identical rating (see the module docstring) within this many seconds of a stored one is merged into it.
MERGE_WINDOW_S = 10
#: The merge looks at this many of the newest rows only, so a write costs the same however large the file.
MERGE_LOOKBACK = 256
CSV_COLUMNS: tuple[str, ...] = ("id", "created_at", "rating", "status", "aspect", "services", "chunks", "question",
                                 "reasons")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT    NOT NULL,
    rating     INTEGER NOT NULL CHECK (rating IN (-1, 1)),
    status     TEXT    NOT NULL DEFAULT '',
    services   TEXT    NOT NULL DEFAULT '',
    question   TEXT    NOT NULL DEFAULT '',
    aspect     TEXT    NOT NULL DEFAULT '',
    chunks     TEXT    NOT NULL DEFAULT ''
)
"""
_META = "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL DEFAULT 0)"
#: Columns added after the first version; an older file gets them on open.
_ADDED_COLUMNS = ("aspect", "chunks", "reasons")


#: When this process last logged that the store is at its cap (monotonic seconds).
_CAP_WARNED = [-3600.0]


def _create(db: sqlite3.Connection) -> None:
    db.execute(_SCHEMA)
    db.execute(_META)
    have = {row[1] for row in db.execute("PRAGMA table_info(feedback)")}
    for column in _ADDED_COLUMNS:
        if column not in have:
            db.execute(f"ALTER TABLE feedback ADD COLUMN {column} TEXT NOT NULL DEFAULT ''")


def _split(joined: str) -> tuple[str, ...]:
    return tuple(x for x in joined.split(",") if x)


def _stored(text: object, limit: int) -> str:
    return clean_and_mask(text, limit=limit)[0].text


def _env_number(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    try:
        value = float(raw) if raw else default
    except ValueError:
        log.warning("%s is not a number; using %g", name, default)
        return default
    return value if value > 0 else default


def default_path() -> Path:
    """The feedback file: ``$LEVANGER_FEEDBACK_DB``, else ``<repo>/var/feedback.sqlite3``."""
    return Path(os.environ.get(DB_ENV) or REPO_ROOT / "var" / "feedback.sqlite3")


@dataclass(frozen=True)
class FeedbackRow:
    """One stored rating."""

    id: int
    created_at: str
    rating: int
    status: str
    services: tuple[str, ...]
    question: str
    aspect: str = ""
    chunks: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()


class FeedbackStore:
    """Append-only store of answer ratings.

    A connection is opened per call, so one store can be shared by Streamlit's script threads without
    locking of our own; SQLite serialises the writes.

    Args:
        path: The SQLite file; default from :func:`default_path`. Its folder is created when missing.
        busy_timeout_s: How long a write waits for another process's lock before giving up.
        max_rows: At most this many rows are kept; default ``$LEVANGER_FEEDBACK_MAX_ROWS`` or 100,000.
        max_bytes: At most this many bytes of data pages are used (the file grows past it by at most one
            write); default ``$LEVANGER_FEEDBACK_MAX_MB`` or 50 MB.

    Attributes:
        recovered: Where a damaged database file was moved on opening, else None.

    Raises:
        FeedbackUnavailable: The folder or file cannot be created or opened.
        FeedbackBusy: The database stayed locked for longer than ``busy_timeout_s``.
    """

    def __init__(self, path: Path | str | None = None, *, busy_timeout_s: float = 30.0, max_rows: int | None = None,
                 max_bytes: int | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()
        self.busy_timeout_s = busy_timeout_s
        self.max_rows = max(1, int(max_rows or _env_number(MAX_ROWS_ENV, DEFAULT_MAX_ROWS)))
        self.max_bytes = max(64 * 1024, int(max_bytes or _env_number(MAX_MB_ENV, DEFAULT_MAX_MB) * 1024 * 1024))
        self._file = SqliteFile(self.path, _create, busy_timeout_s=busy_timeout_s)
        self._run = self._file.run

    @property
    def recovered(self) -> Path | None:
        """Where a damaged database file was moved, else None."""
        return self._file.recovered

    def add(self, *, question: str, services: Iterable[str], rating: str | int, status: str = "",
            aspect: str = "", chunks: Iterable[str] = (), keep_question: bool | None = None,
            when: datetime | None = None, reasons: Iterable[str] = ()) -> int:
        """Store one rating.

        Args:
            question: The question as the assistant processed it (``Reply.question``, already masked);
                stored only when ``keep_question`` is true.
            services: The service ids the answer was about.
            rating: "up"/"down" or 1/-1.
            status: The reply's status ("answered", "no_answer", "emergency").
            aspect: The aspect answered ("cost", "who", ...); anything outside :data:`ASPECTS` is stored as "".
            chunks: The cited passages' chunk ids, so a bad rating points at the text to improve.
            keep_question: Store the masked question text: true when the user ticked the box that allows it;
                default (None) from ``$LEVANGER_FEEDBACK_KEEP_QUESTIONS``.
            when: Time of the rating; default now (UTC).
            reasons: Why a 👎, keys of :data:`REASONS`; anything else is dropped, each key is kept once, in
                :data:`REASONS` order.

        Returns:
            The new row's id; for a rating merged into an identical recent one (see the module docstring), that
            row's id.

        Raises:
            ValueError: The rating is not one of the allowed values.
        """
        value = RATINGS.get(rating, 0) if isinstance(rating, str) else int(rating)
        if value not in (-1, 1):
            raise ValueError(f"rating must be 'up', 'down', 1 or -1, not {rating!r}")
        moment = (when or datetime.now(UTC)).astimezone(UTC)
        stamp = moment.isoformat(timespec="seconds")
        since = (moment - timedelta(seconds=MERGE_WINDOW_S)).isoformat(timespec="seconds")
        if keep_question is None:
            keep_question = os.environ.get(KEEP_QUESTIONS_ENV) == "1"
        # second guard: the caller should already have masked the question; the same path as /v1/ask's
        masked = _stored(question, QUESTION_CHARS) if keep_question else ""
        ids = ",".join(_stored(s, ID_CHARS) for s in services)
        cited = ",".join(_stored(c, ID_CHARS) for c in chunks)
        given = set(reasons)
        why = ",".join(r for r in REASONS if r in given)
        row = (stamp, value, status if status in STATUSES else "", ids, masked,
               aspect if aspect in ASPECTS else "", cited, why)

        def insert(db: sqlite3.Connection) -> int:
            db.execute("BEGIN IMMEDIATE")  # the look for a duplicate and the insert are one step for all writers
            if not masked:
                same = db.execute(
                    "SELECT id FROM (SELECT * FROM feedback ORDER BY id DESC LIMIT ?) WHERE created_at > ? AND "
                    "created_at <= ? AND rating = ? AND status = ? AND services = ? AND question = '' AND aspect = ?"
                    " AND chunks = ? AND reasons = ? LIMIT 1", (MERGE_LOOKBACK, since, stamp, *row[1:4], *row[5:])).fetchone()
                if same is not None:
                    db.execute("INSERT INTO meta (key, value) VALUES ('merged', 1) "
                               "ON CONFLICT(key) DO UPDATE SET value = value + 1")
                    return int(same[0])
            new_id = int(db.execute(
                "INSERT INTO feedback (created_at, rating, status, services, question, aspect, chunks, reasons)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", row).lastrowid or 0)
            self._cap(db)
            return new_id

        return self._run(insert)

    def _cap(self, db: sqlite3.Connection) -> None:
        """Drop the oldest rows past ``max_rows`` or ``max_bytes`` and count them (in the same transaction).

        Rows are only ever dropped oldest first, so ``max(id) - min(id) + 1`` is the row count without a scan.
        Data size is the pages in use (SQLite reuses freed pages, so the file stops growing once at the cap).
        """
        low, high = db.execute("SELECT MIN(id), MAX(id) FROM feedback").fetchone()
        dropped = 0
        if low is not None and high - low + 1 > self.max_rows:
            dropped += db.execute("DELETE FROM feedback WHERE id < ?", (high - self.max_rows + 1,)).rowcount
        for _ in range(50):  # each round drops a tenth: bounded even for a tiny cap
            pages, free, size = (db.execute(f"PRAGMA {p}").fetchone()[0]
                                 for p in ("page_count", "freelist_count", "page_size"))
            if (pages - free) * size <= self.max_bytes:
                break
            count = db.execute("SELECT COUNT(*) FROM feedback").fetchone()[0]
            if count <= 1:
                break
            dropped += db.execute("DELETE FROM feedback WHERE id IN (SELECT id FROM feedback ORDER BY id LIMIT ?)",
                                  (max(1, count // 10),)).rowcount
        if dropped:
            db.execute("INSERT INTO meta (key, value) VALUES ('dropped', ?) "
                       "ON CONFLICT(key) DO UPDATE SET value = value + excluded.value", (dropped,))
            now = time.monotonic()
            if now - _CAP_WARNED[0] >= 60.0:  # once a minute: a flood of ratings must not flood the log too
                _CAP_WARNED[0] = now
                log.warning("feedback store at its cap (%d rows, %d bytes): dropping the oldest rows",
                            self.max_rows, self.max_bytes)

    def dropped(self) -> int:
        """How many of the oldest rows were dropped at the caps, in the life of this file."""
        found = self._run(lambda db: db.execute("SELECT value FROM meta WHERE key = 'dropped'").fetchone())
        return int(found[0]) if found else 0

    def merged(self) -> int:
        """How many ratings were not stored because an identical one had just been (see the module docstring)."""
        found = self._run(lambda db: db.execute("SELECT value FROM meta WHERE key = 'merged'").fetchone())
        return int(found[0]) if found else 0

    def rows(self) -> list[FeedbackRow]:
        """All ratings, oldest first."""
        found = self._run(lambda db: db.execute(
            "SELECT id, created_at, rating, status, services, question, aspect, chunks, reasons FROM feedback"
            " ORDER BY id").fetchall())
        return [FeedbackRow(i, t, r, s, _split(ids), q, a, _split(c), _split(w))
                for i, t, r, s, ids, q, a, c, w in found]

    def export_csv(self, out: TextIO) -> int:
        """Write all ratings as CSV (header first) to ``out``; returns the number of rows."""
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        rows = self.rows()
        for row in rows:
            writer.writerow([row.id, row.created_at, row.rating, row.status, row.aspect, " ".join(row.services),
                             " ".join(row.chunks), row.question, " ".join(row.reasons)])
        return len(rows)
