"""Trained classifiers kept between builds, so a rebuild whose banks did not change trains nothing.

Training is deterministic (seeded) and depends only on a bank's entries, their vectors and the library doing
the fitting, so a classifier is stored under a key of the embedder fingerprint (which fixes the vectors), the
classifier fingerprint (the entries and the classifier version) and the scikit-learn and numpy versions::

    cache/models/<bank>-<key>/<bank>.json, <bank>.npy      as TextClassifier.save writes them (never pickled)

A folder is written under a temporary name and renamed, so it is complete or absent. A damaged one is logged,
removed and trained again. Each use touches the folder; per bank, the ``keep`` most recently used are kept.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np

from index.classifier import TextClassifier
from index.errors import IndexCorrupt
from index.files import current_umask

__all__ = ["ModelCache"]

log = logging.getLogger(__name__)

CACHE_DIR = Path("cache") / "models"


def _library_versions() -> str:
    found = []
    for package in ("scikit-learn", "numpy"):
        try:
            found.append(f"{package}={version(package)}")
        except PackageNotFoundError:
            found.append(f"{package}=?")
    return ",".join(found)


class ModelCache:
    """Classifiers trained by earlier builds with the same embedder, in one data folder."""

    def __init__(self, data_dir: Path, embedder_fingerprint: str, *, keep: int = 3) -> None:
        self.root = Path(data_dir) / CACHE_DIR
        self.embedder_fingerprint = embedder_fingerprint
        self.keep = keep
        self.reused: list[str] = []
        self._valid: set[Path] = set()

    def _folder(self, bank: str, fingerprint: str) -> Path:
        key = hashlib.sha256(f"{self.embedder_fingerprint}\0{fingerprint}\0{_library_versions()}".encode())
        return self.root / f"{bank}-{key.hexdigest()[:16]}"

    def get(self, bank: str, fingerprint: str) -> TextClassifier | None:
        """The classifier of ``bank`` trained on the data ``fingerprint`` names, or None (logged when damaged)."""
        folder = self._folder(bank, fingerprint)
        if not folder.is_dir() or folder.is_symlink():
            return None
        try:
            model = TextClassifier.load(folder, bank)
            if model.fingerprint != fingerprint:
                raise IndexCorrupt(f"it holds {model.fingerprint}, not {fingerprint}")
            os.utime(folder)
        except (IndexCorrupt, OSError) as exc:
            log.warning("ignoring the cached classifier %s (%s); training it again", folder.name, exc)
            return None
        self.reused.append(bank)
        self._valid.add(folder)
        return model

    def put(self, model: TextClassifier) -> None:
        """Store ``model`` (if not stored yet) and prune its bank's older ones; logs instead of failing.

        The caller holds the writer lock.
        """
        folder = self._folder(model.name, model.fingerprint)
        try:
            if folder not in self._valid and not _intact(folder, model):
                self.root.mkdir(parents=True, exist_ok=True)
                shutil.rmtree(folder, ignore_errors=True)  # a damaged one, or one another build left half-removed
                tmp = Path(tempfile.mkdtemp(dir=self.root, prefix=f".{folder.name}."))
                try:
                    os.chmod(tmp, 0o777 & ~current_umask())  # mkdtemp makes it 0700
                    model.save(tmp)
                    os.replace(tmp, folder)
                except BaseException:
                    shutil.rmtree(tmp, ignore_errors=True)
                    raise
            self._prune(model.name)
        except OSError as exc:
            log.warning("the classifier %s was not cached (%s); the next build trains it again", model.name, exc)

    def _prune(self, bank: str) -> None:
        stale = time.time() - 3600  # a temporary folder this old was left by a build that crashed
        for temp in self.root.glob(f".{bank}-*"):
            if temp.is_dir() and not temp.is_symlink() and temp.stat().st_mtime < stale:
                shutil.rmtree(temp, ignore_errors=True)
        mine = [p for p in self.root.iterdir() if p.name.startswith(f"{bank}-") and p.is_dir()
                and len(p.name) == len(bank) + 17]
        mine.sort(key=lambda p: p.stat().st_mtime, reverse=True)
        for old in mine[self.keep :]:
            shutil.rmtree(old, ignore_errors=True)


def _intact(folder: Path, model: TextClassifier) -> bool:
    """Whether ``folder`` holds ``model`` already (another build may have stored it meanwhile)."""
    try:
        stored = TextClassifier.load(folder, model.name)
    except IndexCorrupt:
        return False
    return stored.fingerprint == model.fingerprint and stored.labels == model.labels and \
        np.array_equal(stored.dense_w, model.dense_w) and np.array_equal(stored.ngram_w, model.ngram_w)
