"""The index on disk: ordinary permissions, read-only deployments, and special files refused.

* Files are ``0666 & ~umask`` and folders ``0777 & ~umask`` (0644/0755 under umask 022), so a service user
  that may only read the index can serve it.
* A valid index on a read-only file system is served; a stale one there is refused with the reason by
  default, or served with a warning when ``LEVANGER_INDEX_STALE_READ_ONLY=serve``; a damaged one is never
  served. Read-only is real: as root the index folder is bind-mounted read-only in a private mount
  namespace (root ignores file modes), otherwise its modes are cleared.
* ``CURRENT`` and every generation file must be a regular file inside the data folder: FIFOs (which would
  hang a reader), devices (``/dev/zero`` never ends) and symbolic links (out of the folder) are refused.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import stat
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.conftest import REPO, copy_index, hashing_index_settings

from index.errors import IndexCorrupt
from index.hashing_embedder import HashingEmbedder
from index.retriever import Retriever
from index.store import MAX_MANIFEST_BYTES, current_generation

QUERY = "Hva koster trygghetsalarm?"


def _tree(folder: Path) -> list[Path]:
    return [folder, *sorted(folder.rglob("*"))]


@pytest.mark.parametrize(("umask", "file_mode", "dir_mode"), [(0o022, 0o644, 0o755), (0o027, 0o640, 0o750)])
def test_index_files_and_folders_honour_the_umask(tmp_path, hashing_guide, umask, file_mode, dir_mode):
    old = os.umask(umask)
    try:
        settings = hashing_index_settings(tmp_path / "index")
        Retriever.build(hashing_guide, HashingEmbedder(), settings=settings)
    finally:
        os.umask(old)
    paths = _tree(settings.data_dir)
    assert any(p.name == "CURRENT" for p in paths) and any(p.name == "manifest.json" for p in paths)
    for path in paths:
        mode = stat.S_IMODE(path.lstat().st_mode)
        assert mode == (dir_mode if path.is_dir() else file_mode), (path.name, oct(mode))


# -- read-only deployments -----------------------------------------------------------------------------------


def _env(index_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("LEVANGER_GUIDE_PDF", "LEVANGER_INDEX_STALE_READ_ONLY")}
    env.update({"LEVANGER_EMBEDDER": "hashing", "LEVANGER_INDEX_DIR": str(index_dir), "HF_HUB_OFFLINE": "1",
                "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8", **extra})
    return env


def run_read_only(src: Path, mount: Path, args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m assistant ARGS`` with the index folder ``src`` read-only."""
    command = [sys.executable, "-m", "assistant", *args]
    if os.geteuid() == 0:
        if not shutil.which("unshare") or subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode:
            pytest.skip("root (file modes do not stop root), and no private mount namespace for a read-only mount")
        mount.mkdir(exist_ok=True)
        script = 'mount --bind -o ro "$1" "$2" || exit 97; shift 2; exec "$@"'
        command = ["unshare", "-m", "sh", "-c", script, "sh", str(src), str(mount), *command]
        index_dir = mount
    else:
        for path in _tree(src):
            path.chmod(stat.S_IMODE(path.stat().st_mode) & ~0o222)
        index_dir = src
    try:
        out = subprocess.run(command, cwd=REPO, env=_env(index_dir, **env), capture_output=True, text=True,
                             encoding="utf-8", timeout=300)
    finally:
        if os.geteuid() != 0:
            for path in _tree(src):
                path.chmod(stat.S_IMODE(path.stat().st_mode) | 0o200)
    if out.returncode == 97:
        pytest.skip(f"cannot bind-mount read-only here: {out.stderr.strip()}")
    return out


@pytest.fixture
def read_only_index(tmp_path: Path, hashing_index_dir: Path) -> Path:
    """An index of the shipped guide built the way the CLI would (with the assistant's banks and classifiers, as
    `Assistant.load` builds it, so the CLI finds it current), in a folder about to become read-only: a copy of the
    session's index."""
    return copy_index(hashing_index_dir, tmp_path / "index")


def _make_stale(data_dir: Path) -> None:
    manifest = current_generation(data_dir) / "manifest.json"
    data = json.loads(manifest.read_text("utf-8"))
    data["corpus_hash"] = "0" * 64  # built from an older guide (the manifest is not in its own checksum list)
    manifest.write_text(json.dumps(data), "utf-8")


def _listing(folder: Path) -> list[tuple[str, int]]:
    return [(str(p.relative_to(folder)), p.lstat().st_mtime_ns) for p in folder.rglob("*")]


def test_a_valid_index_in_a_read_only_folder_is_served(read_only_index, tmp_path):
    before = _listing(read_only_index)
    out = run_read_only(read_only_index, tmp_path / "ro", ["ask", "--json", QUERY])
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["status"] == "answered"
    assert "rebuilding" not in out.stderr
    assert _listing(read_only_index) == before


def test_a_stale_index_in_a_read_only_folder_is_refused_with_the_reason(read_only_index, tmp_path):
    _make_stale(read_only_index)
    before = _listing(read_only_index)
    out = run_read_only(read_only_index, tmp_path / "ro", ["ask", QUERY])
    assert out.returncode == 1
    assert "kan ikke skrives til" in out.stderr  # the Norwegian message names the cause ...
    assert "stale: built from corpus" in out.stderr and "not writable" in out.stderr  # ... and the log, both
    assert "Traceback" not in out.stderr
    assert _listing(read_only_index) == before


def test_a_stale_index_in_a_read_only_folder_is_served_with_a_warning_when_configured(read_only_index, tmp_path):
    _make_stale(read_only_index)
    out = run_read_only(read_only_index, tmp_path / "ro", ["ask", "--json", QUERY],
                        LEVANGER_INDEX_STALE_READ_ONLY="serve")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["status"] == "answered"
    assert "serving a stale index" in out.stderr and "not writable" in out.stderr


def test_a_damaged_index_in_a_read_only_folder_is_never_served(read_only_index, tmp_path):
    chunks = current_generation(read_only_index) / "chunks.jsonl"
    chunks.write_bytes(chunks.read_bytes()[:100])
    out = run_read_only(read_only_index, tmp_path / "ro", ["index"], LEVANGER_INDEX_STALE_READ_ONLY="serve")
    assert out.returncode == 1
    assert "does not match the manifest" in out.stderr and "kan ikke skrives til" in out.stderr


# -- special files ------------------------------------------------------------------------------------------


def _replace_with_fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


def _symlink_to_copy_outside(path: Path) -> None:
    outside = path.parents[2] / f"outside-{path.name}"
    shutil.copyfile(path, outside)
    path.unlink()
    path.symlink_to(outside)


def _current_symlink(gen: Path) -> None:
    (gen.parent / "pointer").write_text(gen.name + "\n")
    (gen.parent / "CURRENT").unlink()
    (gen.parent / "CURRENT").symlink_to(gen.parent / "pointer")


def _generation_symlinked_from_outside(gen: Path) -> None:
    outside = gen.parents[1] / "elsewhere"
    shutil.copytree(gen, outside)
    (gen.parent / "g-elsewhere").symlink_to(outside, target_is_directory=True)
    (gen.parent / "CURRENT").write_text("g-elsewhere\n")


def _manifest_to_dev_zero(gen: Path) -> None:
    (gen / "manifest.json").unlink()
    (gen / "manifest.json").symlink_to("/dev/zero")


def _huge_manifest(gen: Path) -> None:
    manifest = gen / "manifest.json"
    manifest.write_text(manifest.read_text("utf-8") + " " * (MAX_MANIFEST_BYTES + 1), "utf-8")


def _device_chunks(gen: Path) -> None:
    (gen / "chunks.jsonl").unlink()
    try:
        os.mknod(gen / "chunks.jsonl", 0o644 | stat.S_IFCHR, os.makedev(1, 5))  # the same device as /dev/zero
    except PermissionError:
        pytest.skip("creating a device node needs privileges")


SPECIAL: dict[str, tuple[Callable[[Path], None], str]] = {
    "CURRENT is a FIFO": (lambda g: _replace_with_fifo(g.parent / "CURRENT"), "FIFO"),
    "CURRENT is a symbolic link": (_current_symlink, "symbolic link"),
    "generation symlinked from outside": (_generation_symlinked_from_outside, "symbolic link"),
    "manifest.json links to /dev/zero": (_manifest_to_dev_zero, "symbolic link"),
    "manifest.json is a FIFO": (lambda g: _replace_with_fifo(g / "manifest.json"), "FIFO"),
    "manifest.json is larger than the bound": (_huge_manifest, "larger than"),
    "dense.faiss is a FIFO": (lambda g: _replace_with_fifo(g / "dense.faiss"), "FIFO"),
    "chunks.jsonl is a device": (_device_chunks, "character device"),
    "a bm25 file links outside": (lambda g: _symlink_to_copy_outside(next((g / "bm25").glob("*.npy"))),
                                  "symbolic link"),
}


def _guarded(action: Callable[[], object]) -> object:
    """Run ``action`` in a thread so that a regression (a FIFO read blocks) fails instead of hanging the suite."""
    result: list[object] = []
    thread = threading.Thread(target=lambda: result.append(_catch(action)), daemon=True)
    thread.start()
    thread.join(120)
    assert not thread.is_alive(), "blocked on a special file"
    return result[0]


def _catch(action: Callable[[], object]) -> object:
    try:
        return action()
    except Exception as exc:  # noqa: BLE001 - handed back to the test to inspect
        return exc


@pytest.mark.parametrize("fault", list(SPECIAL))
def test_special_files_are_refused_and_repaired(tmp_path, hashing_guide, fault):
    settings = dataclasses.replace(hashing_index_settings(tmp_path / "data" / "index"), keep_generations=1,
                                   gc_grace_s=0)
    clean = Retriever.build(hashing_guide, HashingEmbedder(), settings=settings)
    corrupt, message = SPECIAL[fault]
    corrupt(current_generation(settings.data_dir))
    error = _guarded(lambda: Retriever.load(hashing_guide, HashingEmbedder(), settings=settings))
    assert isinstance(error, IndexCorrupt) and message in str(error), error
    repaired = _guarded(lambda: Retriever.open(settings=settings, guide=hashing_guide, embedder=HashingEmbedder()))
    assert isinstance(repaired, Retriever), repaired
    assert [h.chunk.chunk_id for h in repaired.search(QUERY)] == [h.chunk.chunk_id for h in clean.search(QUERY)]
    served = current_generation(settings.data_dir)
    assert not served.is_symlink() and served.parent == settings.data_dir
