"""Safe file primitives for the index folder: atomic writes with ordinary permissions, bounded reads of
regular files only.

The index may live on a volume shared with a service user who only reads it, so files are created
``0666 & ~umask`` (0644 under the usual umask 022) rather than ``mkstemp``'s private 0600. Reading refuses
anything that is not a regular file before a byte is read: a FIFO would block forever, ``/dev/zero`` would
never end, and a symbolic link could point out of the data folder.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import tempfile
from pathlib import Path

from index.errors import IndexCorrupt

#: Opened without following a final symbolic link and without blocking on a FIFO that has no writer.
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
_KIND = {stat.S_IFIFO: "a FIFO", stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device",
         stat.S_IFSOCK: "a socket", stat.S_IFLNK: "a symbolic link", stat.S_IFDIR: "a folder"}


def current_umask() -> int:
    """The process umask, read without changing it where Linux allows (``/proc/self/status``)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    # elsewhere the only way is to set and restore it; a thread creating a file in between would get 0o022
    old = os.umask(0o022)
    os.umask(old)
    return old


def file_mode() -> int:
    """Mode for new index files: what ``open()`` would give, 0644 under umask 022."""
    return 0o666 & ~current_umask()


def atomic_write_text(path: Path, text: str) -> None:
    """Write via a temp file in the same folder, fsync, then rename over ``path``.

    The temp file gets the ordinary umask-derived mode (``mkstemp`` alone would leave it 0600, unreadable to
    a service user that only reads the index).
    """
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """:func:`atomic_write_text` for bytes (a ``.npy`` array written with ``np.save`` into memory)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, file_mode())
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def kind_of(mode: int) -> str:
    """A human name for a file type ("a FIFO", "a symbolic link", ...)."""
    return _KIND.get(stat.S_IFMT(mode), "not a regular file")


def open_regular(path: Path) -> int:
    """Open a regular file for reading and return its descriptor.

    Raises:
        IndexCorrupt: The file is missing, unreadable, a symbolic link, a FIFO, a device or a folder.
    """
    try:
        fd = os.open(path, _READ_FLAGS)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise IndexCorrupt(f"{path.name} is a symbolic link; refusing to follow it") from exc
        if exc.errno == errno.ENOENT:
            raise IndexCorrupt(f"{path.name} is missing") from exc
        raise IndexCorrupt(f"{path.name} cannot be opened ({exc.strerror or exc})") from exc
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise IndexCorrupt(f"{path.name} is {kind_of(mode)}, not a regular file")
        os.set_blocking(fd, True)  # O_NONBLOCK was only for the open; a regular file reads normally
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_bounded(path: Path, *, limit: int) -> bytes:
    """The whole content of a regular file of at most ``limit`` bytes.

    Raises:
        IndexCorrupt: Not a regular file (see :func:`open_regular`) or larger than ``limit``.
    """
    fd = open_regular(path)
    try:
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise IndexCorrupt(f"{path.name} cannot be read ({exc.strerror or exc})") from exc
    finally:
        os.close(fd)
    if len(data) > limit:
        raise IndexCorrupt(f"{path.name} is larger than {limit} bytes")
    return data


def file_digest(path: Path) -> dict[str, int | str]:
    """Size and sha256 of a regular file.

    Raises:
        IndexCorrupt: Not a regular file, or it vanished or became unreadable.
    """
    fd = open_regular(path)
    h = hashlib.sha256()
    size = 0
    try:
        with os.fdopen(fd, "rb", closefd=False) as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
                size += len(block)
    except OSError as exc:
        raise IndexCorrupt(f"{path.name} cannot be read ({exc.strerror or exc})") from exc
    finally:
        os.close(fd)
    return {"bytes": size, "sha256": h.hexdigest()}


def check_tree(folder: Path) -> list[Path]:
    """Every file under ``folder``, refusing anything but regular files and real sub-folders.

    Entries are examined with ``lstat``, so a symbolic link is seen as a link and never followed out of the
    folder.

    Raises:
        IndexCorrupt: A symbolic link, FIFO, device or socket, or the folder cannot be listed.
    """
    files: list[Path] = []
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            entries = sorted(os.scandir(current), key=lambda e: e.name)
        except OSError as exc:
            raise IndexCorrupt(f"{current.name} cannot be listed ({exc.strerror or exc})") from exc
        for entry in entries:
            try:
                mode = entry.stat(follow_symlinks=False).st_mode
            except OSError as exc:
                raise IndexCorrupt(f"{entry.name} vanished while checking ({exc.strerror or exc})") from exc
            if stat.S_ISDIR(mode):
                pending.append(Path(entry.path))
            elif stat.S_ISREG(mode):
                files.append(Path(entry.path))
            else:
                raise IndexCorrupt(f"{Path(entry.path).relative_to(folder)} is {kind_of(mode)}; refusing it")
    return sorted(files)
