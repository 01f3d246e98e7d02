"""A SQLite file that a damaged copy or a briefly busy writer does not make unusable.

One connection per call (Streamlit's script threads can share a :class:`SqliteFile` without locking of our own;
SQLite serialises the writes). Each call waits up to ``busy_timeout_s`` for another writer. A file that is not (or
no longer) a valid SQLite database is moved aside once, renamed ``<name>.corrupt-<UTC time>`` with its journal
files and logged, and a fresh database, made by ``create``, takes its place: one damaged file must not make
every later write fail. The feedback store (:mod:`assistant.feedback`) is its user.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from assistant.errors import AssistantError

log = logging.getLogger(__name__)

T = TypeVar("T")

#: SQLite's names for a damaged file; "database is locked" (SQLITE_BUSY) is not damage and is never moved.
_CORRUPT = ("SQLITE_CORRUPT", "SQLITE_NOTADB")
#: Only one thread of this process moves a damaged file at a time (the check below covers other processes).
_RECOVERY = threading.Lock()


class FeedbackError(AssistantError):
    """The feedback store cannot be used; ``path`` is the database file."""

    def __init__(self, message: str, path: Path) -> None:
        super().__init__(message)
        self.path = path


class FeedbackBusy(FeedbackError):
    """Another process held the database locked for longer than the busy timeout."""


class FeedbackUnavailable(FeedbackError):
    """The database file or its folder cannot be opened or written."""


def _is_corrupt(exc: sqlite3.Error) -> bool:
    name = getattr(exc, "sqlite_errorname", "") or ""
    return name.startswith(_CORRUPT) or type(exc) is sqlite3.DatabaseError


class SqliteFile:
    """A database file whose tables ``create`` makes (idempotently), run one transaction at a time.

    Attributes:
        recovered: Where a damaged file was moved, else None.

    Raises:
        FeedbackUnavailable: The folder or file cannot be created or opened.
        FeedbackBusy: The database stayed locked for longer than ``busy_timeout_s``.
    """

    def __init__(self, path: Path, create: Callable[[sqlite3.Connection], None], *,
                 busy_timeout_s: float = 30.0) -> None:
        self.path = path
        self.busy_timeout_s = busy_timeout_s
        self.recovered: Path | None = None
        self._create = create
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise FeedbackUnavailable(f"cannot create {self.path.parent}: {exc.strerror}", self.path) from exc
        self.run(create)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=self.busy_timeout_s)
        try:
            with db:  # commits on success, rolls back on error
                yield db
        finally:
            db.close()

    def run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``work(db)`` in one transaction; a damaged file is moved aside once and the work retried on a
        fresh database."""
        for attempt in (1, 2):
            try:
                with self._connect() as db:
                    return work(db)
            except sqlite3.Error as exc:
                if _is_corrupt(exc) and attempt == 1:
                    self._move_aside(exc)
                    with self._connect() as db:
                        self._create(db)
                    continue
                if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
                    raise FeedbackBusy(f"{self.path.name} stayed locked for over {self.busy_timeout_s:g} s",
                                       self.path) from exc
                if isinstance(exc, sqlite3.OperationalError):
                    raise FeedbackUnavailable(f"{self.path} cannot be used: {exc}", self.path) from exc
                raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _still_corrupt(self) -> bool:
        try:
            db = sqlite3.connect(self.path, timeout=self.busy_timeout_s)
            try:
                return db.execute("PRAGMA quick_check").fetchone()[0] != "ok"
            finally:
                db.close()
        except sqlite3.Error as exc:
            return _is_corrupt(exc)

    def _move_aside(self, exc: sqlite3.Error) -> None:
        with _RECOVERY:
            # another thread or process may have replaced the file already; never move a healthy one
            if not self.path.exists() or not self._still_corrupt():
                return
            self._rename_damaged(exc)

    def _rename_damaged(self, exc: sqlite3.Error) -> None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        try:
            os.replace(self.path, target)
        except FileNotFoundError:
            return
        for suffix in ("-wal", "-shm", "-journal"):  # a journal belongs to the damaged file, not the new one
            side = self.path.with_name(self.path.name + suffix)
            if side.exists():
                os.replace(side, target.with_name(target.name + suffix))
        self.recovered = target
        log.warning("database %s was damaged (%s); moved it to %s and started a new one",
                    self.path, getattr(exc, "sqlite_errorname", type(exc).__name__), target.name)
