"""One writer at a time: an advisory ``fcntl.flock`` on a lock file in the index's data folder.

Every process that writes a generation or collects old ones holds this lock; readers never take it (they
rely on generations staying on disk for a grace period, see ``index.store.collect_garbage``). A second
rebuild waits for the first; after ``timeout_s`` it gives up with :class:`IndexBusy`.

The lock is re-entrant per thread (``Retriever.open`` holds it while it calls ``Retriever.build``, which
takes it again); ``flock`` locks of two open descriptions conflict even inside one process, so two threads
still exclude each other.
"""

from __future__ import annotations

import errno
import fcntl
import os
import threading
import time
from pathlib import Path

from index.errors import IndexBusy, IndexReadOnly
from index.files import file_mode

#: The lock file's name inside the data folder; it is empty and never deleted (deleting it would let two
#: writers lock two different files).
LOCK_NAME = ".writer.lock"
#: Errors that mean "this folder cannot be written", as opposed to a bug.
READ_ONLY_ERRNOS = (errno.EROFS, errno.EACCES, errno.EPERM)

_held = threading.local()


class WriterLock:
    """The data folder's writer lock.

    Args:
        data_dir: The index folder (created when missing).
        timeout_s: How long :meth:`acquire` waits for another writer before raising :class:`IndexBusy`.
    """

    def __init__(self, data_dir: Path, *, timeout_s: float = 900.0) -> None:
        self.path = Path(data_dir) / LOCK_NAME
        self.timeout_s = timeout_s
        self._mine = False

    def _table(self) -> dict[str, list[int]]:
        if not hasattr(_held, "locks"):
            _held.locks = {}
        return _held.locks  # path -> [fd, depth], per thread

    def acquire(self) -> WriterLock:
        """Wait for the lock (re-entrant in the same thread).

        Raises:
            IndexReadOnly: The folder or lock file cannot be written.
            IndexBusy: Another writer held it for longer than ``timeout_s``.
        """
        key = str(self.path)
        table = self._table()
        if key in table:
            table[key][1] += 1
            self._mine = True
            return self
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), file_mode())
        except OSError as exc:
            if exc.errno in READ_ONLY_ERRNOS:
                raise IndexReadOnly(f"{self.path.parent} is not writable ({exc.strerror})") from exc
            raise
        deadline = time.monotonic() + self.timeout_s
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    os.close(fd)
                    raise IndexBusy(
                        f"another rebuild of {self.path.parent} has run for over {self.timeout_s:g} s") from None
                time.sleep(0.05)  # polling keeps the timeout simple; a rebuild takes seconds, not milliseconds
        table[key] = [fd, 1]
        self._mine = True
        return self

    def release(self) -> None:
        """Release once; the file lock goes when the outermost holder releases. A no-op when not held."""
        if not self._mine:
            return
        self._mine = False
        table = self._table()
        entry = table.get(str(self.path))
        if entry is None:
            return
        entry[1] -= 1
        if entry[1] == 0:
            del table[str(self.path)]
            fcntl.flock(entry[0], fcntl.LOCK_UN)
            os.close(entry[0])

    @property
    def held(self) -> bool:
        """True when this thread holds the lock (through this or another WriterLock on the same folder)."""
        return str(self.path) in self._table()

    def __enter__(self) -> WriterLock:
        return self.acquire()

    def __exit__(self, *_exc: object) -> None:
        self.release()
