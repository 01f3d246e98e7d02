"""Fixtures of the Streamlit AppTest tests: the app on the hashing embedder, one index for the whole tier.

``app_index_dir`` is one folder for the session, a copy of the session's hashing index that every AppTest loads
(each module used to build its own). ``feedback_db`` points the app at it, gives each test
its own feedback file and clears Streamlit's resource cache, so that a test that patches the loader does not
see another's Assistant.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from tests.conftest import copy_index


@pytest.fixture(scope="session")
def app_index_dir(tmp_path_factory: pytest.TempPathFactory, hashing_index_dir: Path) -> Path:
    """The hashing index folder shared by every AppTest of the session: a copy of the session's index, which is
    built as ``Assistant.load`` builds it, so the app loads it instead of building one."""
    return copy_index(hashing_index_dir, tmp_path_factory.mktemp("app") / "index")


@pytest.fixture
def feedback_db(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, app_index_dir: Path) -> Iterator[Path]:
    """Hashing backend, the shared index, a temporary feedback file, and a fresh Assistant cache."""
    monkeypatch.setenv("LEVANGER_EMBEDDER", "hashing")
    monkeypatch.setenv("LEVANGER_INDEX_DIR", str(app_index_dir))
    monkeypatch.delenv("LEVANGER_GUIDE_PDF", raising=False)
    db = tmp_path / "feedback.sqlite3"
    monkeypatch.setenv("LEVANGER_FEEDBACK_DB", str(db))
    # the Assistant is cached per process; a test that patches the loader must not see another's
    st.cache_resource.clear()
    yield db
    st.cache_resource.clear()


@pytest.fixture(scope="session", autouse=True)
def components_scanned_once() -> Iterator[None]:
    """Each new AppTest has Streamlit scan every installed distribution for v2 components (about 0.3 s here, a
    third of a short AppTest); the installed packages do not change during a run, so the scan runs once."""
    try:
        from streamlit.components.v2 import manifest_scanner
    except ImportError:  # another Streamlit version: nothing to share
        yield
        return
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(manifest_scanner, "scan_component_manifests",
                   functools.cache(manifest_scanner.scan_component_manifests))
        yield
