"""Concurrent rebuilds and loads: one writer at a time (fcntl lock), readers never see a generation vanish.

The race test runs real processes: 4 writers x 10 rebuilds each, every writer loading after each rebuild,
while this process keeps loading and checking that ``CURRENT`` always names a complete generation. Garbage
collection runs with no grace period and only two generations kept, the harshest setting, so loads do lose
races with a publish and must retry on the new ``CURRENT``.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from tests.conftest import REPO, hashing_index_settings, seed_cache

import index.opening
from index.errors import IndexBusy, IndexCorrupt
from index.hashing_embedder import HashingEmbedder
from index.lock import LOCK_NAME, WriterLock
from index.retriever import Retriever
from index.store import collect_garbage, current_generation, verify_generation

#: concurrent writers, lock waits and time-outs: `make test` runs these alone, after the parallel pass
pytestmark = pytest.mark.serial

WRITERS = 4
ROUNDS = 10

_WRITER = r"""
import dataclasses, json, sys
from pathlib import Path
from corpus.guide import load_guide
from index.errors import IndexCorrupt
from index.hashing_embedder import HashingEmbedder
from index.retriever import Retriever
from index.settings import IndexSettings

settings = IndexSettings(data_dir=Path(sys.argv[1]), backend="hashing", model=None, keep_generations=2,
                         gc_grace_s=0)
guide = load_guide(pdf=[])
loads = failures = 0
for _ in range(int(sys.argv[2])):
    built = Retriever.build(guide, HashingEmbedder(), settings=settings)
    try:
        loaded = Retriever.load(guide, HashingEmbedder(), settings=settings)
        loads += len(loaded.chunks) == len(built.chunks)
    except IndexCorrupt as exc:
        failures += 1
        print(f"load failed: {exc}", file=sys.stderr)
print(json.dumps({"loads": loads, "failures": failures}))
"""


def _settings(data_dir: Path, **changes: object):
    return dataclasses.replace(hashing_index_settings(data_dir), **changes)


@pytest.mark.slow
def test_four_rebuilding_processes_and_a_loader_never_break_the_index(tmp_path, hashing_guide):
    settings = _settings(tmp_path / "index", keep_generations=2, gc_grace_s=0)
    first = Retriever.build(hashing_guide, HashingEmbedder(), settings=settings)
    env = {**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1"}
    writers = [subprocess.Popen([sys.executable, "-c", _WRITER, str(settings.data_dir), str(ROUNDS)], cwd=REPO,
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for _ in range(WRITERS)]
    loads = checks = incomplete = 0
    while any(w.poll() is None for w in writers):
        # every load in this process succeeds, or (through open) rebuilds; none raises
        loaded = Retriever.open(settings=settings, guide=hashing_guide, embedder=HashingEmbedder())
        assert len(loaded.chunks) == len(first.chunks)
        loads += 1
        # CURRENT always names a complete generation (unless it moved on while it was being checked)
        gen = current_generation(settings.data_dir)
        try:
            verify_generation(gen)
            checks += 1
        except IndexCorrupt:
            if current_generation(settings.data_dir) == gen:
                incomplete += 1
    outputs = [w.communicate(timeout=600) for w in writers]
    for writer, (out, err) in zip(writers, outputs, strict=True):
        assert writer.returncode == 0, err
        assert json.loads(out) == {"loads": ROUNDS, "failures": 0}, err
        assert "Traceback" not in err
    assert incomplete == 0 and loads > 0 and checks > 0
    names = {p.name for p in settings.data_dir.iterdir()}
    assert not any(n.startswith(".building-") for n in names), names  # no build left behind
    assert len([n for n in names if n.startswith("g-")]) <= 2 + 1  # two kept, plus one not yet superseded long
    verify_generation(current_generation(settings.data_dir))


def test_a_second_writer_waits_for_the_first(tmp_path, hashing_guide):
    settings = _settings(tmp_path / "index")
    Retriever.build(hashing_guide, HashingEmbedder(), settings=settings)
    before = current_generation(settings.data_dir)
    holder = WriterLock(settings.data_dir).acquire()  # another writer is publishing
    done = threading.Event()
    worker = threading.Thread(target=lambda: (Retriever.build(hashing_guide, HashingEmbedder(), settings=settings),
                                              done.set()))
    worker.start()
    try:
        # the second build gets as far as its own .building folder, then waits for the lock
        deadline = time.monotonic() + 120
        while not any(p.name.startswith(".building-") for p in settings.data_dir.iterdir()):
            assert time.monotonic() < deadline, "the second build never started"
            time.sleep(0.02)
        assert not done.wait(1.0)
        assert current_generation(settings.data_dir) == before
    finally:
        holder.release()
    worker.join(120)
    assert done.is_set() and current_generation(settings.data_dir) != before
    assert (settings.data_dir / LOCK_NAME).is_file()


def test_a_writer_that_cannot_get_the_lock_in_time_says_a_rebuild_is_running(tmp_path, hashing_guide):
    settings = _settings(tmp_path / "index", lock_timeout_s=0.2)
    Retriever.build(hashing_guide, HashingEmbedder(), settings=settings)
    before = current_generation(settings.data_dir)
    result: list[BaseException] = []

    def hold_in_other_thread() -> None:  # flock locks of two descriptors conflict even in one process
        with WriterLock(settings.data_dir):
            started.set()
            release.wait(60)

    started, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=hold_in_other_thread)
    holder.start()
    started.wait(60)
    try:
        Retriever.build(hashing_guide, HashingEmbedder(), settings=settings)
    except IndexBusy as exc:
        result.append(exc)
    finally:
        release.set()
        holder.join(60)
    assert result and "another rebuild" in str(result[0])
    assert current_generation(settings.data_dir) == before
    assert not any(p.name.startswith(".building-") for p in settings.data_dir.iterdir())


def test_the_lock_is_reentrant_within_a_thread(tmp_path):
    outer = WriterLock(tmp_path).acquire()
    inner = WriterLock(tmp_path, timeout_s=0.1).acquire()  # would raise IndexBusy if it were not re-entrant
    inner.release()
    assert outer.held
    outer.release()
    assert not outer.held


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_garbage_collection_keeps_recent_generations_and_live_builds(tmp_path):
    now = time.time()
    data = tmp_path / "index"
    data.mkdir()
    gens = [f"g-2026010{i}T000000-abcdef12-0000000{i}" for i in range(1, 6)]
    for i, name in enumerate(gens):  # g-1 .. g-5, each superseded an hour after the one before
        (data / name).mkdir()
        stamp = now - 3600 * (len(gens) - i)
        os.utime(data / name, (stamp, stamp))
    (data / "CURRENT").write_text(gens[-1] + "\n")
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        dead = _dead_pid()
        building = {
            "live, old": f".building-{live.pid}-g-20260106T000000-abcdef12-00000006",
            "dead, old": f".building-{dead}-g-20260106T000000-abcdef12-00000007",
            "dead, recent": f".building-{dead}-g-20260106T000000-abcdef12-00000010",  # maybe another container's
            "old, no pid": ".building-g-20260101T000000-abcdef12-00000008",
            "new, no pid": ".building-g-20260106T000000-abcdef12-00000009",
            "live, days old": f".building-{live.pid}-g-20260106T000000-abcdef12-00000011",  # a reused pid
        }
        for key, name in building.items():
            (data / name).mkdir()
            age = 3 * 86400 if "days old" in key else 3 * 3600 if "old" in key else 0
            os.utime(data / name, (now - age, now - age))
        # g-4 and g-5 are the two kept; g-3 was superseded (g-4 written) 2 h ago, just inside the grace period,
        # so only g-1 and g-2 may go
        removed = collect_garbage(data, keep=2, grace_s=2 * 3600 + 60, now=now)
        left = {p.name for p in data.iterdir()}
    finally:
        live.kill()
        live.wait()
    assert set(removed) == {gens[0], gens[1], building["dead, old"], building["old, no pid"],
                            building["live, days old"]}
    assert {gens[2], gens[3], gens[4], building["live, old"], building["dead, recent"],
            building["new, no pid"]} <= left


def test_garbage_collection_never_removes_the_served_generation(tmp_path):
    data = tmp_path / "index"
    data.mkdir()
    for i, name in enumerate(["g-1", "g-2", "g-3"]):
        (data / name).mkdir()
        os.utime(data / name, (1000.0 + i, 1000.0 + i))
    (data / "CURRENT").write_text("g-1\n")  # an operator pointed it back at the oldest
    assert collect_garbage(data, keep=1, grace_s=0, now=10_000.0) == ["g-2"]


def test_a_load_that_races_a_publish_retries_on_the_new_current(tmp_path, hashing_guide, monkeypatch):
    settings = _settings(tmp_path / "index", keep_generations=1, gc_grace_s=0)
    Retriever.build(hashing_guide, HashingEmbedder(), settings=settings)
    first = current_generation(settings.data_dir)
    real = index.opening._load_generation
    calls: list[str] = []

    def racing(cls, path, *args, **kwargs):
        calls.append(path.name)
        if len(calls) == 1:  # another process publishes (and collects this generation) mid-load
            Retriever.build(hashing_guide, HashingEmbedder(), settings=settings)
            assert not path.exists()
        return real(cls, path, *args, **kwargs)

    monkeypatch.setattr(index.opening, "_load_generation", racing)
    loaded = Retriever.load(hashing_guide, HashingEmbedder(), settings=settings)
    assert calls[0] == first.name and calls[1] == current_generation(settings.data_dir).name != first.name
    assert len(loaded.chunks) == loaded.manifest.chunk_count


@pytest.mark.parametrize("name", ["chunks.jsonl", "dense.faiss", "bm25"])
def test_a_file_vanishing_during_load_is_index_corrupt(tmp_path, hashing_guide, monkeypatch, name):
    settings = _settings(tmp_path / "index")
    Retriever.build(hashing_guide, HashingEmbedder(), settings=settings)
    real_verify = index.opening.verify_generation

    def verify_then_vanish(path):
        manifest = real_verify(path)
        target = path / name
        if target.is_dir():
            for p in target.iterdir():
                p.unlink()
        else:
            target.unlink()
        return manifest

    monkeypatch.setattr(index.opening, "verify_generation", verify_then_vanish)
    with pytest.raises(IndexCorrupt):
        Retriever.load(hashing_guide, HashingEmbedder(), settings=settings)
    monkeypatch.undo()
    # and open repairs it
    repaired = Retriever.open(settings=settings, guide=hashing_guide, embedder=HashingEmbedder())
    assert len(repaired.chunks) == repaired.manifest.chunk_count


def test_concurrent_opens_of_a_missing_index_build_it_once(tmp_path, hashing_guide, monkeypatch):
    settings = _settings(tmp_path / "index")
    builds: list[int] = []
    real_build = index.opening.build

    def counting(cls, *args, **kwargs):
        builds.append(1)
        return real_build(cls, *args, **kwargs)

    monkeypatch.setattr(index.opening, "build", counting)
    results: list[Retriever] = []
    threads = [threading.Thread(target=lambda: results.append(
        Retriever.open(settings=settings, guide=hashing_guide, embedder=HashingEmbedder()))) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert len(results) == 3 and len(builds) == 1  # the others waited for the lock, then loaded
    assert len({r.manifest.created + r.manifest.corpus_hash for r in results}) == 1


@pytest.mark.slow
def test_four_concurrent_cli_rebuilds_all_succeed(tmp_path, hashing_index_dir):
    """The issue's reproduction: four ``python -m assistant index --rebuild`` at once. They start from the
    session index's caches (``seed_cache``): what is tested is the lock and the publishing, not the embedding."""
    data_dir = tmp_path / "index"
    seed_cache(hashing_index_dir, data_dir)
    env = {k: v for k, v in os.environ.items() if k != "LEVANGER_GUIDE_PDF"}
    env.update({"LEVANGER_EMBEDDER": "hashing", "LEVANGER_INDEX_DIR": str(data_dir), "HF_HUB_OFFLINE": "1",
                "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8"})
    procs = [subprocess.Popen([sys.executable, "-m", "assistant", "index", "--rebuild"], cwd=REPO, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(WRITERS)]
    outputs = [p.communicate(timeout=600) for p in procs]
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
        assert "chunks:" in out and "Traceback" not in err
    gens = [p for p in data_dir.iterdir() if p.name.startswith("g-")]
    assert len(gens) == WRITERS  # each published once; none is collected within the 10-minute grace period
    assert not any(p.name.startswith(".building-") for p in data_dir.iterdir())
    verify_generation(current_generation(data_dir))
