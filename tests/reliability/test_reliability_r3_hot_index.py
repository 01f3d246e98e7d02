"""Reliability round 3, the hot index: a running assistant picks up a new index generation without a restart.

* Threads ask questions non-stop while another process rebuilds the index (``python -m assistant index
  --rebuild``): the new generation is served within seconds, and not one request fails.
* A damaged new generation is refused (logged) and the old one keeps serving; a later good one is picked up.
* On the request path the only cost is one ``stat`` of ``CURRENT`` every few seconds.
* The API's ``/readyz`` names the generation served, and it changes after a rebuild.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from tests.conftest import REPO, seed_cache
from fastapi.testclient import TestClient

from assistant import reloading
from assistant.core import Assistant
from assistant.feedback import FeedbackStore
from assistant.reloading import ReloadingAssistant
from assistant.settings import AssistantSettings
from corpus.guide import load_guide
from index.files import atomic_write_text
from index.settings import IndexSettings
from index.store import current_generation
from ui.api.app import create_app
from ui.api.settings import ApiSettings

QUESTIONS = ("Hva koster trygghetsalarm?", "Hvordan søker jeg om hjemmesykepleie?", "Jeg har falt og blør mye",
             "Hva er BPA?")


def _guide():
    return load_guide(pdf=[])


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, hashing_index_dir: Path) -> Path:
    """One index with the assistant's banks and classifiers, built by ``Assistant.load`` from the session index's
    caches (training the classifiers afresh took most of half a minute here)."""
    data_dir = tmp_path_factory.mktemp("built") / "index"
    data_dir.mkdir()
    seed_cache(hashing_index_dir, data_dir)
    settings = AssistantSettings(index=IndexSettings(data_dir=data_dir, backend="hashing", model=None))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("assistant.core.load_guide", _guide)
        Assistant.load(settings=settings)
    return data_dir


@pytest.fixture
def settings(tmp_path: Path, built: Path) -> AssistantSettings:
    shutil.copytree(built, tmp_path / "index")
    return AssistantSettings(index=IndexSettings(data_dir=tmp_path / "index", backend="hashing", model=None))


@pytest.fixture
def bot(settings: AssistantSettings, monkeypatch: pytest.MonkeyPatch) -> Assistant:
    # as Assistant.load does it, but on the shipped Markdown guide whatever LEVANGER_GUIDE_PDF says
    monkeypatch.setattr("assistant.core.load_guide", _guide)
    return Assistant.load(settings=settings)


def publish_copy(data_dir: Path, *, source: str | None = None, damage: bool = False) -> str:
    """A new generation as a build publishes one (a complete folder, then CURRENT replaced atomically), with
    the served one's content: what a rebuild of an unchanged guide makes, without training the classifiers."""
    served = data_dir / source if source else current_generation(data_dir)
    name = f"g-{time.strftime('%Y%m%dT%H%M%S')}-copy-{time.monotonic_ns() % 10**8:08d}"
    shutil.copytree(served, data_dir / name)
    if damage:
        faiss = data_dir / name / "dense.faiss"
        faiss.write_bytes(faiss.read_bytes()[: faiss.stat().st_size // 2])  # a half-written file
    atomic_write_text(data_dir / "CURRENT", name + "\n")
    return name


def rebuild_in_another_process(data_dir: Path) -> None:
    env = {**os.environ, "LEVANGER_EMBEDDER": "hashing", "LEVANGER_INDEX_DIR": str(data_dir)}
    env.pop("LEVANGER_GUIDE_PDF", None)
    env.pop("LEVANGER_EMBEDDER_MODEL", None)
    done = subprocess.run([sys.executable, "-m", "assistant", "index", "--rebuild"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]


@pytest.mark.slow
@pytest.mark.serial  # load during a rebuild: `make test` runs it alone, after the parallel pass
def test_a_rebuild_under_load_is_served_without_a_restart_and_without_a_failed_request(bot, settings):
    followed = ReloadingAssistant(bot, check_every_s=0.5, guide_loader=_guide)
    old = followed.generation
    assert old.startswith("g-")
    stop = threading.Event()
    served: list[str] = []
    failures: list[BaseException] = []

    def ask(n: int) -> None:
        while not stop.is_set():
            try:
                assistant = followed.get()
                reply = assistant.ask(QUESTIONS[n % len(QUESTIONS)])
                assert reply.status in ("answered", "no_answer", "emergency")
                served.append(assistant.retriever.generation)
            except BaseException as exc:  # noqa: BLE001 - counted, asserted below
                failures.append(exc)
            n += 1

    askers = [threading.Thread(target=ask, args=(i,)) for i in range(3)]
    for t in askers:
        t.start()
    try:
        rebuild_in_another_process(settings.index.data_dir)
        new = current_generation(settings.index.data_dir).name
        assert new != old
        deadline = time.monotonic() + 60
        while followed.generation != new and time.monotonic() < deadline:
            time.sleep(0.1)
        after = len(served)
        while len(served) < after + 20 and time.monotonic() < deadline:  # and keep answering on it
            time.sleep(0.05)
    finally:
        stop.set()
        for t in askers:
            t.join(60)
    assert followed.generation == new and followed.swaps == 1
    assert not failures, failures[:3]
    assert old in served and new in served and served[-1] == new
    assert followed.get().retriever.generation == new


def test_a_damaged_generation_is_refused_and_the_old_one_keeps_serving(bot, settings, caplog):
    followed = ReloadingAssistant(bot, check_every_s=0, guide_loader=_guide)
    data_dir = settings.index.data_dir
    old = followed.generation
    broken = publish_copy(data_dir, damage=True)
    with caplog.at_level(logging.ERROR, logger="assistant.reloading"):
        assert followed.reload_now() is False
    assert followed.generation == old and followed.refused == [broken]
    assert f"index generation {broken} refused" in caplog.text and f"still serving {old}" in caplog.text
    assert followed.get().ask(QUESTIONS[0]).status == "answered"
    # a good generation published after it is picked up
    fresh = publish_copy(data_dir, source=old)
    assert followed.reload_now() is True and followed.generation == fresh


def test_a_pointer_to_nothing_keeps_the_old_generation(bot, settings, caplog):
    followed = ReloadingAssistant(bot, check_every_s=0, guide_loader=_guide)
    old = followed.generation
    atomic_write_text(settings.index.data_dir / "CURRENT", "g-missing\n")
    with caplog.at_level(logging.ERROR, logger="assistant.reloading"):
        assert followed.reload_now() is False
    assert followed.generation == old and "still serving" in caplog.text


def test_the_pointer_is_looked_at_once_per_interval_and_only_a_change_loads(bot, settings, monkeypatch):
    now = [1000.0]
    looks: list[Path] = []
    real = reloading.pointer_signature

    def counting(data_dir: Path):  # noqa: ANN202
        looks.append(data_dir)
        return real(data_dir)

    monkeypatch.setattr(reloading, "pointer_signature", counting)
    followed = ReloadingAssistant(bot, check_every_s=5.0, guide_loader=_guide, clock=lambda: now[0])
    looks.clear()
    for _ in range(1000):  # 1,000 requests within the interval: no look at all
        followed.get()
    assert looks == []
    now[0] += 5.0
    for _ in range(1000):
        followed.get()
    assert len(looks) == 1 and followed._loading is None  # unchanged pointer: nothing loaded
    publish_copy(settings.index.data_dir)
    now[0] += 5.0
    followed.get()
    followed.wait(60)
    assert len(looks) == 2 and followed.generation == current_generation(settings.index.data_dir).name


def test_following_can_be_turned_off(bot, settings, monkeypatch):
    monkeypatch.setenv(reloading.RELOAD_ENV, "0")
    followed = ReloadingAssistant(bot, guide_loader=_guide)
    old = followed.generation
    publish_copy(settings.index.data_dir)
    assert followed.get().retriever.generation == old and followed._loading is None


def test_readyz_names_the_generation_and_follows_a_rebuild(bot, settings, tmp_path, monkeypatch):
    monkeypatch.setenv(reloading.RELOAD_ENV, "0.2")
    monkeypatch.setattr("assistant.reloading.load_guide", _guide)
    app = create_app(assistant=bot, settings=ApiSettings(rate_burst=1000),
                     feedback=FeedbackStore(tmp_path / "feedback.sqlite3"))
    app.state.runtime.source._guide_loader = _guide
    with TestClient(app) as client:
        old = client.get("/readyz").json()["generation"]
        assert old == bot.retriever.generation
        new = publish_copy(settings.index.data_dir)
        deadline = time.monotonic() + 60
        seen = old
        while seen != new and time.monotonic() < deadline:
            assert client.post("/v1/ask", json={"question": QUESTIONS[1]}).status_code == 200
            seen = client.get("/readyz").json()["generation"]
        assert seen == new
        assert client.post("/v1/ask", json={"question": QUESTIONS[0]}).status_code == 200


def test_the_streamlit_app_follows_the_index_through_the_same_mechanism(bot, settings, monkeypatch):
    import streamlit as st

    from ui import app

    monkeypatch.setattr(Assistant, "load", staticmethod(lambda: bot))
    monkeypatch.setenv(reloading.RELOAD_ENV, "0")  # looked at explicitly below
    st.cache_resource.clear()
    try:
        assert app.load_assistant() is bot
        new = publish_copy(settings.index.data_dir)
        followed = app._followed()
        followed._guide_loader = _guide
        assert followed.reload_now() is True
        assert app.load_assistant().retriever.generation == new
    finally:
        st.cache_resource.clear()
