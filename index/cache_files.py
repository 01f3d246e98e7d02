"""The embedding cache on disk: one folder per embedder fingerprint, read and written whole.

Layout under the index's data folder::

    cache/embeddings/<fingerprint[:16]>/
        manifest.json           format, full fingerprint, embedder, build counter, file names and checksums
        vectors-<sha>.npy       float32 matrix, one row per entry (``np.save``, never pickled)
        keys-<sha>.tsv          one line per row: key (sha256 hex), role, the last build that used it

The data files are named after their content and never changed: a writer writes new ones, then replaces
``manifest.json`` atomically, then deletes files that neither the new nor the previous manifest names. A reader
that read the previous manifest can still open its files; one that loses a longer race sees a missing file,
reads the manifest again, and at worst starts empty. Anything damaged raises :class:`CacheDamaged`, which the
cache logs and ignores: a cache can make a build faster, never make it fail.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.errors import IndexCorrupt
from index.files import atomic_write_bytes, atomic_write_text, read_bounded

__all__ = ["ROLES", "CacheDamaged", "Snapshot", "read_snapshot", "remove_unreferenced", "write_snapshot"]

FORMAT = 1
ROLES = ("query", "passage")
MANIFEST = "manifest.json"
MAX_MANIFEST_BYTES = 1 << 16
#: 100,000 entries of 1,024 floats; the guide's cache is about 15 MB.
MAX_DATA_BYTES = 1 << 30
#: A writer's temp file older than this was left by a crash.
STALE_TEMP_S = 3600.0
_KEY = re.compile(r"[0-9a-f]{64}")
_DATA = re.compile(r"(vectors-[0-9a-f]{16}\.npy|keys-[0-9a-f]{16}\.tsv)")


class CacheDamaged(Exception):
    """A cache folder that cannot be trusted (truncated, altered, from another embedder)."""


@dataclass(frozen=True)
class Snapshot:
    """The entries of one cache folder.

    Attributes:
        build: How many builds have written this folder; an entry records the last one that used it.
        keys: Entry keys (sha256 hex of fingerprint, role and text), in row order.
        roles: "query" or "passage" per entry (for people reading the file).
        last_used: The build counter of the last build that used each entry.
        vectors: float32 (len(keys), dim).
        files: The data file names the manifest named ((), when there was no cache).
    """

    build: int
    keys: tuple[str, ...]
    roles: tuple[str, ...]
    last_used: tuple[int, ...]
    vectors: np.ndarray
    files: tuple[str, ...] = ()

    @classmethod
    def empty(cls, dim: int) -> Snapshot:
        return cls(0, (), (), (), np.zeros((0, dim), np.float32))


def _read(path: Path, limit: int) -> bytes:
    try:
        return read_bounded(path, limit=limit)
    except IndexCorrupt as exc:
        if isinstance(exc.__cause__, FileNotFoundError):
            raise FileNotFoundError(path.name) from exc
        raise CacheDamaged(str(exc)) from exc


def read_snapshot(folder: Path, fingerprint: str, dim: int) -> Snapshot:
    """The folder's entries, checked against their manifest.

    Raises:
        FileNotFoundError: No manifest, or a file it names is gone (a writer replaced it meanwhile).
        CacheDamaged: Anything else wrong.
    """
    try:
        head = json.loads(_read(folder / MANIFEST, MAX_MANIFEST_BYTES).decode("utf-8"))
        if head["format"] != FORMAT or head["fingerprint"] != fingerprint or head["dim"] != dim:
            raise CacheDamaged("written by another format or embedder")
        vec_name, key_name = str(head["vectors"]), str(head["keys"])
        if not (_DATA.fullmatch(vec_name) and _DATA.fullmatch(key_name)):
            raise CacheDamaged(f"the manifest names unexpected files {vec_name!r}, {key_name!r}")
        raw = {name: _read(folder / name, MAX_DATA_BYTES) for name in (vec_name, key_name)}
        for name, data in raw.items():
            if hashlib.sha256(data).hexdigest() != head["sha256"][name]:
                raise CacheDamaged(f"{name} does not match the manifest (truncated or altered)")
        vectors = np.load(io.BytesIO(raw[vec_name]), allow_pickle=False)
        rows = [line.split("\t") for line in raw[key_name].decode("utf-8").splitlines()
                if line and not line.startswith("#")]
        keys = tuple(r[0] for r in rows)
        roles = tuple(r[1] for r in rows)
        last_used = tuple(int(r[2]) for r in rows)
        build = int(head["build"])
    except (ValueError, KeyError, TypeError, IndexError, UnicodeDecodeError) as exc:
        raise CacheDamaged(f"unreadable: {exc.__class__.__name__}: {exc}") from exc
    if vectors.dtype != np.float32 or vectors.shape != (len(keys), dim) or len(keys) != head.get("count"):
        raise CacheDamaged(f"{vec_name} holds {vectors.shape} {vectors.dtype}, expected ({len(keys)}, {dim}) float32")
    if not all(_KEY.fullmatch(k) for k in keys) or not set(roles) <= set(ROLES) or len(set(keys)) != len(keys):
        raise CacheDamaged(f"{key_name} has a malformed or repeated key")
    return Snapshot(build, keys, roles, last_used, vectors, (vec_name, key_name))


def _holds(path: Path, digest: str) -> bool:
    try:
        return hashlib.sha256(read_bounded(path, limit=MAX_DATA_BYTES)).hexdigest() == digest
    except IndexCorrupt:
        return False


def write_snapshot(folder: Path, snapshot: Snapshot, *, fingerprint: str, embedder: dict[str, object],
                   keep_builds: int) -> tuple[str, ...]:
    """Write the data files (unless identical ones exist) and then the manifest; returns the file names.

    The caller holds the writer lock.
    """
    folder.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    np.save(buffer, np.ascontiguousarray(snapshot.vectors, np.float32), allow_pickle=False)
    lines = ["# key\trole\tlast_build\n"] + [f"{k}\t{r}\t{u}\n" for k, r, u in
                                            zip(snapshot.keys, snapshot.roles, snapshot.last_used, strict=True)]
    data = {"vectors": (buffer.getvalue(), "npy"), "keys": ("".join(lines).encode("utf-8"), "tsv")}
    names: dict[str, str] = {}
    digests: dict[str, str] = {}
    for kind, (blob, suffix) in data.items():
        digest = hashlib.sha256(blob).hexdigest()
        name = f"{kind}-{digest[:16]}.{suffix}"
        if not _holds(folder / name, digest):  # the same content is written once (a damaged copy again)
            atomic_write_bytes(folder / name, blob)
        names[kind], digests[name] = name, digest
    head = {"format": FORMAT, "fingerprint": fingerprint, "embedder": embedder, "dim": int(snapshot.vectors.shape[1]),
            "build": snapshot.build, "count": len(snapshot.keys), "keep_builds": keep_builds,
            "updated": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "vectors": names["vectors"], "keys": names["keys"],
            "sha256": digests}
    atomic_write_text(folder / MANIFEST, json.dumps(head, ensure_ascii=False, indent=1, sort_keys=True))
    return (names["vectors"], names["keys"])


def remove_unreferenced(folder: Path, keep: set[str], *, now: float | None = None) -> list[str]:
    """Delete data files not in ``keep`` and writers' temp files left by a crash; returns the names removed.

    The caller holds the writer lock.
    """
    now = time.time() if now is None else now
    removed = []
    for path in folder.iterdir():
        stray_temp = path.name.startswith(".") and path.name.endswith(".tmp")
        try:
            if (_DATA.fullmatch(path.name) and path.name not in keep) or (
                    stray_temp and now - path.lstat().st_mtime > STALE_TEMP_S):
                path.unlink()
                removed.append(path.name)
        except FileNotFoundError:
            continue
    return removed
