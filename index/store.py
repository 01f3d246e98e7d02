"""Persistence: index generations on disk, an inspectable manifest, atomic switch-over, verification.

Layout of the data directory::

    CURRENT                 name of the generation being served (replaced atomically)
    .writer.lock            the writers' fcntl lock (index.lock)
    .building-<pid>-g-.../  a generation being written by process <pid>
    g-<time>-<hash>-<id>/   one generation (the last few are kept)
        manifest.json       backend, model, dimension, corpus hash, counts, file checksums, version
        chunks.jsonl        one chunk per line, in index order
        dense.faiss         faiss.write_index
        bm25/               bm25s arrays (.npy, allow_pickle=False) and vocabulary (JSON)

A rebuild writes a new generation completely, then, under the writer lock, renames it, replaces ``CURRENT``
and collects old generations; if anything fails on the way (disk full, crash), ``CURRENT`` still names the
old generation, which keeps serving. Readers take no lock: a generation stays on disk for a grace period
after it stops being served. Everything read must be a regular file inside the data folder (index.files).
"""

from __future__ import annotations

import dataclasses
import errno
import json
import logging
import os
import shutil
import stat
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from corpus.model import Chunk
from index.errors import IndexCorrupt, IndexReadOnly
from index.files import atomic_write_text, check_tree, file_digest, open_regular, read_bounded
from index.lock import READ_ONLY_ERRNOS

__all__ = ["FORMAT_VERSION", "Manifest", "atomic_write_text", "chunks_from_jsonl", "chunks_to_jsonl",
           "collect_garbage", "current_generation", "file_digest", "new_generation_dir", "publish",
           "verify_generation"]

log = logging.getLogger(__name__)

FORMAT_VERSION = 2
FORBIDDEN_SUFFIXES = (".pkl", ".pickle", ".joblib")
#: ``CURRENT`` holds one short folder name; anything longer is not ours.
MAX_POINTER_BYTES = 256
#: The manifest lists a handful of files; a real one is a few kB.
MAX_MANIFEST_BYTES = 1 << 20
BUILDING_PREFIX = ".building-"
#: A ``.building-*`` folder older than this is abandoned whoever named it.
MAX_BUILD_AGE_S = 24 * 3600.0


@dataclass(frozen=True)
class Manifest:
    """What a generation was built from; compared against the running config before serving."""

    format_version: int
    package_version: str
    embedder_backend: str
    embedder_name: str
    dim: int
    dense_kind: str
    corpus_hash: str
    analyzer: str
    chunk_count: int
    created: str
    build_seconds: float
    files: dict[str, dict[str, int | str]]
    #: Embedded banks stored in ``banks/``: name -> fingerprint of their entries.
    banks: dict[str, str] = dataclasses.field(default_factory=dict)
    #: Classifiers trained on banks, stored in ``models/``: bank name -> fingerprint (its data and version).
    models: dict[str, str] = dataclasses.field(default_factory=dict)

    def to_json(self) -> str:
        """Pretty JSON, for humans as much as for the loader."""
        return json.dumps(dataclasses.asdict(self), ensure_ascii=False, indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        """Parse; raises IndexCorrupt on anything unexpected."""
        try:
            data = json.loads(text)
            optional = {"models"}  # generations written before the classifiers existed lack it
            return cls(**{f.name: data[f.name] for f in dataclasses.fields(cls)
                          if f.name in data or f.name not in optional})
        except (ValueError, KeyError, TypeError) as exc:
            raise IndexCorrupt(f"manifest.json is unreadable: {exc}") from exc


def chunks_to_jsonl(chunks: list[Chunk]) -> str:
    """One JSON object per line."""
    return "".join(json.dumps(dataclasses.asdict(c), ensure_ascii=False) + "\n" for c in chunks)


def chunks_from_jsonl(path: Path) -> list[Chunk]:
    """Read ``chunks.jsonl``; raises IndexCorrupt on a malformed line."""
    chunks = []
    n = 1  # a decoding error can come before the first line is read
    fd = open_regular(path)  # refuses a FIFO, device or symbolic link before reading
    try:
        with open(fd, encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if line.strip():
                    chunks.append(Chunk(**json.loads(line)))
    except (ValueError, TypeError, UnicodeDecodeError) as exc:
        raise IndexCorrupt(f"chunks.jsonl line {n}: {exc}") from exc
    except OSError as exc:
        raise IndexCorrupt(f"chunks.jsonl cannot be read ({exc.strerror or exc})") from exc
    return chunks


def new_generation_dir(data_dir: Path, corpus_hash: str) -> Path:
    """A fresh, empty folder for a generation being built, named after the building process.

    The process id in the name lets :func:`collect_garbage` tell a crashed build from one still running.

    Raises:
        IndexReadOnly: The data folder cannot be written.
    """
    name = (f"{BUILDING_PREFIX}{os.getpid()}-g-{time.strftime('%Y%m%dT%H%M%S')}-{corpus_hash[:8]}-"
            f"{uuid.uuid4().hex[:8]}")
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        path = data_dir / name
        path.mkdir()
    except OSError as exc:
        if exc.errno in READ_ONLY_ERRNOS:
            raise IndexReadOnly(f"{data_dir} is not writable ({exc.strerror})") from exc
        raise
    return path


def _building_owner(name: str) -> int | None:
    """The process id in a ``.building-<pid>-g-...`` name; None for names without one."""
    head = name.removeprefix(BUILDING_PREFIX).split("-", 1)[0]
    return int(head) if head.isdigit() else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return True


def _generation_dirs(data_dir: Path) -> list[tuple[float, Path]]:
    """Published generations (real folders, never symbolic links), oldest first, with their mtimes."""
    found = []
    for entry in os.scandir(data_dir):
        if entry.name.startswith("g-"):
            try:
                st = entry.stat(follow_symlinks=False)
            except FileNotFoundError:
                continue
            if stat.S_ISDIR(st.st_mode):
                found.append((st.st_mtime, Path(entry.path)))
    return sorted(found)


def collect_garbage(data_dir: Path, *, keep: int = 3, grace_s: float = 600.0, now: float | None = None) -> list[str]:
    """Delete old generations and abandoned builds; the caller must hold the writer lock.

    A reader may have read ``CURRENT`` just before a publish and still be loading the generation it named,
    so a generation is deleted only when it is not among the newest ``keep`` and was superseded (its
    successor was written) more than ``grace_s`` ago. A ``.building-*`` folder is deleted only when the
    process that named it is gone (or the name has no process id) and it is older than the grace period,
    or when it is older than a day.

    Returns:
        The names deleted.
    """
    now = time.time() if now is None else now
    try:
        served = (data_dir / "CURRENT").read_text(encoding="utf-8").strip() if (data_dir / "CURRENT").is_file() else ""
    except OSError:
        served = ""
    removed: list[str] = []
    generations = _generation_dirs(data_dir)
    for i, (_mtime, path) in enumerate(generations[: max(len(generations) - keep, 0)]):
        superseded = generations[i + 1][0]
        if path.name != served and now - superseded > grace_s:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path.name)
    for entry in os.scandir(data_dir):
        if not entry.name.startswith(BUILDING_PREFIX) or not entry.is_dir(follow_symlinks=False):
            continue
        owner = _building_owner(entry.name)
        try:
            age = now - entry.stat(follow_symlinks=False).st_mtime
        except FileNotFoundError:
            continue
        # a dead owner alone is not enough: another container sharing this volume has its own process ids,
        # so its live build can look dead from here; a build writes its files within seconds of starting
        # them, so one that is also older than the grace period is abandoned; and no build takes a day
        dead = owner is None or (owner != os.getpid() and not _alive(owner))
        abandoned = (dead and age > grace_s) or age > MAX_BUILD_AGE_S
        if abandoned:
            shutil.rmtree(entry.path, ignore_errors=True)
            removed.append(entry.name)
    if removed:
        log.info("removed %d old index folder(s) from %s", len(removed), data_dir)
    return removed


def publish(data_dir: Path, building: Path, *, keep: int = 3, grace_s: float = 600.0) -> Path:
    """Make a completely written generation the served one: rename it, swap ``CURRENT``, collect garbage.

    The caller must hold the writer lock (``index.lock.WriterLock``).
    """
    name = building.name.removeprefix(BUILDING_PREFIX)
    final = data_dir / (name.split("-", 1)[1] if _building_owner(building.name) is not None else name)
    os.replace(building, final)
    atomic_write_text(data_dir / "CURRENT", final.name + "\n")
    collect_garbage(data_dir, keep=keep, grace_s=grace_s)
    return final


def current_generation(data_dir: Path) -> Path:
    """The generation ``CURRENT`` names; raises IndexCorrupt when there is none.

    ``CURRENT`` must be a small regular file (not a FIFO, device or symbolic link) naming a real folder
    directly inside ``data_dir`` (not a symbolic link out of it).
    """
    pointer = data_dir / "CURRENT"
    try:
        raw = read_bounded(pointer, limit=MAX_POINTER_BYTES)
    except IndexCorrupt as exc:
        cause = exc.__cause__
        if isinstance(cause, FileNotFoundError) or (isinstance(cause, OSError) and cause.errno == errno.ENOTDIR):
            raise IndexCorrupt(f"no index in {data_dir}") from exc
        raise IndexCorrupt(f"CURRENT in {data_dir} refused: {exc}") from exc
    try:
        name = raw.decode("utf-8").strip()
    except UnicodeDecodeError as exc:
        raise IndexCorrupt("CURRENT is not text") from exc
    if not name.startswith("g-") or "/" in name or "\0" in name:
        raise IndexCorrupt(f"CURRENT names a missing or invalid generation {name!r}")
    path = data_dir / name
    try:
        mode = path.lstat().st_mode
    except OSError as exc:
        raise IndexCorrupt(f"CURRENT names a missing or invalid generation {name!r}") from exc
    if not stat.S_ISDIR(mode):
        kind = "a symbolic link" if stat.S_ISLNK(mode) else "not a folder"
        raise IndexCorrupt(f"CURRENT names {name!r}, which is {kind}; refusing it")
    return path


def verify_generation(path: Path) -> Manifest:
    """Check a generation's files against its manifest before anything is parsed.

    Raises:
        IndexCorrupt: missing manifest, a missing, truncated or altered file, a pickle file, or anything that
            is not a regular file (symbolic link, FIFO, device).
    """
    present = check_tree(path)
    stray = [p.name for p in present if p.suffix in FORBIDDEN_SUFFIXES]
    if stray:
        raise IndexCorrupt(f"refusing to load: unexpected pickle file(s) {stray}")
    try:
        text = read_bounded(path / "manifest.json", limit=MAX_MANIFEST_BYTES).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise IndexCorrupt("manifest.json is not UTF-8 text") from exc
    manifest = Manifest.from_json(text)
    if manifest.format_version != FORMAT_VERSION:
        raise IndexCorrupt(f"index format {manifest.format_version}, expected {FORMAT_VERSION}")
    for name, expected in manifest.files.items():
        if name.startswith("/") or ".." in Path(name).parts:
            raise IndexCorrupt(f"the manifest names a file outside the generation: {name!r}")
        actual = file_digest(path / name)
        if actual != expected:
            raise IndexCorrupt(f"{name} does not match the manifest (truncated or altered)")
    return manifest
