"""Bounds the PDF loader applies before and while pypdf parses a file.

pypdf cannot be interrupted inside one call, so everything that could make a single call unbounded is
refused before it is made: a file that is not a regular file (a FIFO blocks, ``/dev/zero`` never ends), a
file larger than ``max_bytes`` (checked with ``fstat`` before a byte is read), and a cross-reference table
claiming more objects than ``max_objects``. A time bound (:class:`Deadline`) is started before parsing and
checked between pypdf calls. pypdf's own warnings about a broken file are rate-limited, so a file with a
million broken objects does not write a million log lines.
"""

from __future__ import annotations

import logging
import os
import re
import stat
import time
from pathlib import Path

from corpus.model import DocumentError

#: Largest PDF read, in megabytes; the committed guide is ~0.2 MB, an official guide a few MB.
MAX_MB_ENV = "LEVANGER_PDF_MAX_MB"
DEFAULT_MAX_MB = 50.0
#: Largest object count the trailer may declare (the committed guide has a few hundred objects).
MAX_OBJECTS = 200_000
#: pypdf warnings logged per file; the rest are counted in one summary line.
MAX_WARNINGS = 5

_KINDS = {stat.S_IFIFO: "a FIFO", stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device",
          stat.S_IFSOCK: "a socket", stat.S_IFDIR: "a folder"}
_SIZE = re.compile(rb"/Size\s+(\d{1,12})")
log = logging.getLogger(__name__)


def default_max_bytes() -> int:
    """``$LEVANGER_PDF_MAX_MB`` (default 50) in bytes.

    Raises:
        ValueError: The variable is set but not a positive number.
    """
    raw = os.environ.get(MAX_MB_ENV)
    mb = float(raw) if raw else DEFAULT_MAX_MB
    if mb <= 0:
        raise ValueError(f"{MAX_MB_ENV} must be a positive number of megabytes, not {raw!r}")
    return int(mb * 1_000_000)


def read_pdf_bytes(path: str, *, max_bytes: int) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``, checked before reading.

    Raises:
        DocumentError: Not a regular file, too large, or unreadable.
    """
    try:
        # O_NONBLOCK: opening a FIFO without a writer must not hang; a symlink to a PDF is fine, its target
        # is what fstat examines
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise DocumentError(path, f"cannot read file ({exc.strerror or exc})") from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = _KINDS.get(stat.S_IFMT(info.st_mode), "not a regular file")
            raise DocumentError(path, f"{kind} is not a PDF file; only regular files are read")
        if info.st_size > max_bytes:
            raise DocumentError(path, f"the file is {info.st_size / 1e6:.1f} MB; the limit is {max_bytes / 1e6:g} MB "
                                      f"(set {MAX_MB_ENV} to raise it)")
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(max_bytes + 1)  # the file may grow after fstat
    except OSError as exc:
        raise DocumentError(path, f"cannot read file ({exc.strerror or exc})") from exc
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        raise DocumentError(path, f"the file grew past the limit of {max_bytes / 1e6:g} MB while being read")
    return data


def check_object_count(path: str, data: bytes, *, max_objects: int = MAX_OBJECTS) -> None:
    """Refuse a cross-reference table that declares more than ``max_objects`` objects.

    pypdf reads the whole table while opening the file, which cannot be interrupted; the ``/Size`` entries
    of the trailers (or cross-reference streams) near the end tell how large it is without parsing it.
    """
    declared = [int(n) for n in _SIZE.findall(data[-65536:])]
    if declared and max(declared) > max_objects:
        raise DocumentError(path, f"the PDF declares {max(declared):,} objects; the limit is {max_objects:,}")


class Deadline:
    """A time bound started before parsing and checked between pypdf calls."""

    def __init__(self, path: str, seconds: float) -> None:
        self.path = path
        self.seconds = seconds
        self.started = time.monotonic()

    def check(self, where: str) -> None:
        """Raise DocumentError when the time is up, saying ``where`` the loader stopped."""
        if time.monotonic() - self.started > self.seconds:
            raise DocumentError(self.path, f"reading the PDF took longer than {self.seconds:g} s ({where})")


class _RateLimit(logging.Handler):
    """Passes the first ``limit`` records on to the root logger's handlers and counts the rest."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit
        self.seen = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.seen += 1
        if self.seen <= self.limit or record.levelno >= logging.ERROR:
            logging.getLogger().handle(record)


class RateLimitedPypdfWarnings:
    """While active, at most ``limit`` pypdf log records are passed on; then one line says how many were not.

    pypdf logs on loggers named after its modules, some created only when they first warn, so the limit
    sits on the ``pypdf`` parent: its records go to a rate-limiting handler instead of propagating, and the
    handler passes the first few on to the root logger.
    """

    def __init__(self, path: str, limit: int = MAX_WARNINGS) -> None:
        self.path = path
        self._handler = _RateLimit(limit)
        self._logger = logging.getLogger("pypdf")
        self._propagate = True

    def __enter__(self) -> RateLimitedPypdfWarnings:
        self._propagate = self._logger.propagate
        self._logger.addHandler(self._handler)
        self._logger.propagate = False
        return self

    def __exit__(self, *_exc: object) -> None:
        self._logger.removeHandler(self._handler)
        self._logger.propagate = self._propagate
        dropped = self._handler.seen - self._handler.limit
        if dropped > 0:
            log.warning("%s: %d more pypdf warnings not shown", Path(self.path).name, dropped)
