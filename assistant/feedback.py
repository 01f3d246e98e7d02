"""Feedback on answers (👍/👎), kept in a local SQLite file and exported as CSV.

Only what is needed to improve the guide is kept: the masked question, the service ids, the rating,
the reply status and the time. No IP address, session id or raw question is ever passed in, and the
question is masked once more here in case a caller forgot.
"""

from __future__ import annotations

import csv
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from assistant.privacy import mask_personal_data

#: Where the feedback file lives; git-ignored under var/ by default.
DB_ENV = "LEVANGER_FEEDBACK_DB"
REPO_ROOT = Path(__file__).resolve().parents[1]
RATINGS: dict[str, int] = {"up": 1, "down": -1}
CSV_COLUMNS: tuple[str, ...] = ("id", "created_at", "rating", "status", "services", "question")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT    NOT NULL,
    rating     INTEGER NOT NULL CHECK (rating IN (-1, 1)),
    status     TEXT    NOT NULL DEFAULT '',
    services   TEXT    NOT NULL DEFAULT '',
    question   TEXT    NOT NULL DEFAULT ''
)
"""


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


class FeedbackStore:
    """Append-only store of answer ratings.

    A connection is opened per call, so one store can be shared by Streamlit's script threads without
    locking of our own; SQLite serialises the writes.

    Args:
        path: The SQLite file; default from :func:`default_path`. Its folder is created when missing.
    """

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=5.0)
        try:
            with db:  # commits on success, rolls back on error
                yield db
        finally:
            db.close()

    def add(self, *, question: str, services: Iterable[str], rating: str | int, status: str = "",
            when: datetime | None = None) -> int:
        """Store one rating.

        Args:
            question: The question as the assistant processed it (``Reply.question``, already masked).
            services: The service ids the answer was about.
            rating: "up"/"down" or 1/-1.
            status: The reply's status ("answered", "no_answer", "emergency").
            when: Time of the rating; default now (UTC).

        Returns:
            The new row's id.

        Raises:
            ValueError: The rating is not one of the allowed values.
        """
        value = RATINGS.get(rating, 0) if isinstance(rating, str) else int(rating)
        if value not in (-1, 1):
            raise ValueError(f"rating must be 'up', 'down', 1 or -1, not {rating!r}")
        stamp = (when or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")
        # second guard: the caller should already have masked the question
        masked = mask_personal_data(str(question)).text
        ids = ",".join(mask_personal_data(str(s)).text for s in services)
        with self._connect() as db:
            cur = db.execute(
                "INSERT INTO feedback (created_at, rating, status, services, question) VALUES (?, ?, ?, ?, ?)",
                (stamp, value, str(status), ids, masked),
            )
            return int(cur.lastrowid or 0)

    def rows(self) -> list[FeedbackRow]:
        """All ratings, oldest first."""
        with self._connect() as db:
            found = db.execute(
                "SELECT id, created_at, rating, status, services, question FROM feedback ORDER BY id"
            ).fetchall()
        return [FeedbackRow(i, t, r, s, tuple(x for x in ids.split(",") if x), q) for i, t, r, s, ids, q in found]

    def export_csv(self, out: TextIO) -> int:
        """Write all ratings as CSV (header first) to ``out``; returns the number of rows."""
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        rows = self.rows()
        for row in rows:
            writer.writerow([row.id, row.created_at, row.rating, row.status, " ".join(row.services), row.question])
        return len(rows)
