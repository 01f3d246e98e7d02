"""Fixtures of the real-browser tier: a running app, Chromium, and the widget's API with its host pages.

The helpers behind them live in ``ui_browser_support.py`` (the app, Chromium, axe-core) and
``widget_support.py`` (the API and plain host pages); the fixtures are here once, for every module.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.ui_browser_support import launched_browser, running_app
from tests.browser.widget_support import running_sites


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A running app (``make run``'s) for the module, and its feedback file."""
    with running_app(tmp_path_factory.mktemp("app")) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Chromium for the module."""
    with launched_browser() as b:
        yield b


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory, hashing_index_dir: Path) -> Iterator[dict[str, Any]]:
    """The API (uvicorn, its own process) and host pages on other ports, all on 127.0.0.1, for the module; it
    loads a copy of the session's hashing index. A test asserts only the feedback rows it added
    (``feedback_rows``)."""
    with running_sites(tmp_path_factory.mktemp("sites"), index=hashing_index_dir) as running:
        yield running
