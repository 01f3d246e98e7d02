"""Persistence: index generations on disk, an inspectable manifest, atomic switch-over, verification.

Layout of the data directory::

    CURRENT                 name of the generation being served (replaced atomically)
    g-<time>-<hash>/        one generation
        manifest.json       backend, model, dimension, corpus hash, counts, file checksums, version
        chunks.jsonl        one chunk per line, in index order
        dense.faiss         faiss.write_index
        bm25/               bm25s arrays (.npy, allow_pickle=False) and vocabulary (JSON)

A rebuild writes a new generation completely, then replaces ``CURRENT``; if anything fails on the way
(disk full, crash), ``CURRENT`` still names the old generation, which keeps serving.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from corpus.model import Chunk
from index.errors import IndexCorrupt

FORMAT_VERSION = 2
FORBIDDEN_SUFFIXES = (".pkl", ".pickle", ".joblib")


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

    def to_json(self) -> str:
        """Pretty JSON, for humans as much as for the loader."""
        return json.dumps(dataclasses.asdict(self), ensure_ascii=False, indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        """Parse; raises IndexCorrupt on anything unexpected."""
        try:
            data = json.loads(text)
            return cls(**{f.name: data[f.name] for f in dataclasses.fields(cls)})
        except (ValueError, KeyError, TypeError) as exc:
            raise IndexCorrupt(f"manifest.json is unreadable: {exc}") from exc


def atomic_write_text(path: Path, text: str) -> None:
    """Write via a temp file in the same folder, fsync, then rename over ``path``."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def file_digest(path: Path) -> dict[str, int | str]:
    """Size and sha256 of a file."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return {"bytes": path.stat().st_size, "sha256": h.hexdigest()}


def chunks_to_jsonl(chunks: list[Chunk]) -> str:
    """One JSON object per line."""
    return "".join(json.dumps(dataclasses.asdict(c), ensure_ascii=False) + "\n" for c in chunks)


def chunks_from_jsonl(path: Path) -> list[Chunk]:
    """Read ``chunks.jsonl``; raises IndexCorrupt on a malformed line."""
    chunks = []
    n = 1  # a decoding error can come before the first line is read
    try:
        with open(path, encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if line.strip():
                    chunks.append(Chunk(**json.loads(line)))
    except (ValueError, TypeError, UnicodeDecodeError) as exc:
        raise IndexCorrupt(f"chunks.jsonl line {n}: {exc}") from exc
    return chunks


def new_generation_dir(data_dir: Path, corpus_hash: str) -> Path:
    """A fresh, empty folder for a generation being built."""
    data_dir.mkdir(parents=True, exist_ok=True)
    name = f".building-g-{time.strftime('%Y%m%dT%H%M%S')}-{corpus_hash[:8]}-{uuid.uuid4().hex[:8]}"
    path = data_dir / name
    path.mkdir()
    return path


def publish(data_dir: Path, building: Path) -> Path:
    """Make a completely written generation the served one: rename it, then swap ``CURRENT``."""
    final = data_dir / building.name.removeprefix(".building-")
    os.replace(building, final)
    atomic_write_text(data_dir / "CURRENT", final.name + "\n")
    for old in data_dir.iterdir():
        if old.is_dir() and old.name != final.name and (old.name.startswith("g-") or old.name.startswith(".building-")):
            shutil.rmtree(old, ignore_errors=True)
    return final


def current_generation(data_dir: Path) -> Path:
    """The generation ``CURRENT`` names; raises IndexCorrupt when there is none."""
    pointer = data_dir / "CURRENT"
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise IndexCorrupt(f"no index in {data_dir}") from exc
    path = data_dir / name
    if not name.startswith("g-") or "/" in name or not path.is_dir():
        raise IndexCorrupt(f"CURRENT names a missing or invalid generation {name!r}")
    return path


def verify_generation(path: Path) -> Manifest:
    """Check a generation's files against its manifest before anything is parsed.

    Raises:
        IndexCorrupt: missing manifest, a missing, truncated or altered file, or a pickle file.
    """
    stray = [p.name for p in path.rglob("*") if p.suffix in FORBIDDEN_SUFFIXES]
    if stray:
        raise IndexCorrupt(f"refusing to load: unexpected pickle file(s) {stray}")
    try:
        manifest = Manifest.from_json((path / "manifest.json").read_text(encoding="utf-8"))
    except OSError as exc:
        raise IndexCorrupt("manifest.json is missing") from exc
    if manifest.format_version != FORMAT_VERSION:
        raise IndexCorrupt(f"index format {manifest.format_version}, expected {FORMAT_VERSION}")
    for name, expected in manifest.files.items():
        file = path / name
        if not file.is_file():
            raise IndexCorrupt(f"{name} is missing")
        actual = file_digest(file)
        if actual != expected:
            raise IndexCorrupt(f"{name} does not match the manifest (truncated or altered)")
    return manifest
