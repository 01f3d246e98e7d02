"""A running assistant that follows the index: a new generation is noticed, loaded, verified and swapped in
without a restart and without dropping a request.

``python -m assistant index --rebuild`` (or any build) writes a new generation and replaces the index's
``CURRENT`` pointer atomically (:mod:`index.store`). A server process (the API, the Streamlit app) holds a
:class:`ReloadingAssistant` and asks it for the assistant once per request with :meth:`~ReloadingAssistant.get`:

* At most once every ``check_every_s`` seconds (``LEVANGER_INDEX_RELOAD_S``, default 5; 0 turns it off)
  ``get`` compares a ``stat`` of ``CURRENT`` (inode, modification time, size) with the last one seen. That is
  the whole cost on the request path: no file is read unless the pointer changed.
* When it changed, a background thread loads the generation ``CURRENT`` names — the guide read again, every
  file checked against the manifest's checksums, the parts compared, one question answered — and only then
  replaces the reference. Requests that already hold the old assistant finish on it; the next ones get the
  new one. Nothing waits for the load.
* A generation that fails any of this (truncated, damaged, stale for this code's guide, built with another
  embedder) is refused and logged; the old one keeps serving. It is not tried again until ``CURRENT``
  changes once more.

The old generation's files stay on disk for the index's grace period (``gc_grace_s``, 10 minutes), long
after the swap; the old assistant is in memory anyway.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from assistant.core import Assistant
from assistant.bank_texts import CLASSIFIED, all_banks
from assistant.settings import AssistantSettings
from assistant.types import STATUSES
from corpus.guide import Guide, load_guide
from index.errors import IndexCorrupt
from index.retriever import Retriever
from index.store import current_generation

log = logging.getLogger(__name__)

#: Seconds between two looks at ``CURRENT``; 0 turns following the index off.
RELOAD_ENV = "LEVANGER_INDEX_RELOAD_S"
DEFAULT_CHECK_S = 5.0

Signature = tuple[int, int, int] | None


def pointer_signature(data_dir: Path) -> Signature:
    """Inode, modification time (ns) and size of ``CURRENT``: a replaced pointer changes it. None if absent."""
    try:
        st = os.stat(data_dir / "CURRENT", follow_symlinks=False)
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def check_interval() -> float:
    """``LEVANGER_INDEX_RELOAD_S`` or the default; a value that is not a number is logged and ignored."""
    raw = os.environ.get(RELOAD_ENV, "").strip()
    try:
        return max(0.0, float(raw)) if raw else DEFAULT_CHECK_S
    except ValueError:
        log.warning("%s is not a number; checking the index every %g s", RELOAD_ENV, DEFAULT_CHECK_S)
        return DEFAULT_CHECK_S


class ReloadingAssistant:
    """The served :class:`Assistant`, replaced when the index gets a new generation (module docstring).

    Args:
        assistant: The assistant loaded at start-up.
        check_every_s: Seconds between looks at ``CURRENT``; default from ``LEVANGER_INDEX_RELOAD_S``; 0: never.
        guide_loader: How to read the guide for a new generation (the one the start-up used).
        clock: Monotonic seconds (injectable for tests).
    """

    def __init__(self, assistant: Assistant, *, check_every_s: float | None = None,
                 guide_loader: Callable[[], Guide] = load_guide, clock: Callable[[], float] = time.monotonic) -> None:
        self._current = assistant
        self.check_every_s = check_interval() if check_every_s is None else check_every_s
        self._guide_loader = guide_loader
        self._clock = clock
        self._data_dir = assistant.retriever.settings.data_dir
        self._signature = pointer_signature(self._data_dir)
        self._next_check = clock() + self.check_every_s
        self._lock = threading.Lock()
        self._loading: threading.Thread | None = None
        #: Generations swapped in and refused since start-up (for /readyz and the tests).
        self.swaps = 0
        self.refused: list[str] = []

    @classmethod
    def load(cls, *, settings: AssistantSettings | None = None, **kwargs: object) -> ReloadingAssistant:
        """``Assistant.load`` (which builds a missing index), followed from then on."""
        return cls(Assistant.load(settings=settings), **kwargs)  # type: ignore[arg-type]

    @property
    def generation(self) -> str:
        """The served generation's folder name."""
        return self._current.retriever.generation

    def get(self) -> Assistant:
        """The assistant for one request; keep the reference until the request is done."""
        if self.check_every_s > 0 and self._clock() >= self._next_check:
            self._look()
        return self._current

    def _look(self) -> None:
        with self._lock:
            now = self._clock()
            if now < self._next_check:
                return  # another thread looked meanwhile
            self._next_check = now + self.check_every_s
            if self._loading is not None and self._loading.is_alive():
                return
            signature = pointer_signature(self._data_dir)
            if signature == self._signature:
                return
            self._signature = signature  # a refused generation is not tried again until CURRENT changes
            self._loading = threading.Thread(target=self.reload_now, name="index-reload", daemon=True)
            self._loading.start()

    def wait(self, timeout: float | None = None) -> None:
        """Wait for a load started by :meth:`get` to finish (tests, shutdown)."""
        loading = self._loading
        if loading is not None:
            loading.join(timeout)

    def reload_now(self) -> bool:
        """Load, verify and swap in the generation ``CURRENT`` names, unless it is the served one.

        Returns:
            True when a new generation is now served; False when there was none or it was refused (logged).
        """
        old = self.generation
        try:
            name = current_generation(self._data_dir).name
        except IndexCorrupt as exc:
            log.error("the index pointer cannot be read (%s); still serving %s", exc, old)
            return False
        if name == old:
            return False
        start = time.perf_counter()
        try:
            candidate = self._load_verified()
        except IndexCorrupt as exc:  # our own messages: file names and reasons, never a question
            self._refuse(name, old, str(exc))
            return False
        except Exception as exc:  # noqa: BLE001 - anything else keeps the old generation too; class only
            self._refuse(name, old, exc.__class__.__name__)
            return False
        if candidate.retriever.generation == old:
            return False
        self._current = candidate  # one reference assignment: a request sees the old or the new, never a mix
        self.swaps += 1
        log.info("serving index generation %s (was %s), loaded and checked in %.1f s",
                 candidate.retriever.generation, old, time.perf_counter() - start)
        return True

    def _refuse(self, name: str, old: str, reason: str) -> None:
        self.refused.append(name)
        log.error("index generation %s refused (%s); still serving %s", name, reason, old)

    def _load_verified(self) -> Assistant:
        """A complete Assistant on the generation ``CURRENT`` names, checked before anyone uses it."""
        served = self._current
        settings = served.retriever.settings
        guide = self._guide_loader()
        # Retriever.load checks every file against the manifest, the corpus, banks, classifiers and embedder
        retriever = Retriever.load(guide, served.retriever.embedder, settings=settings,
                                   banks=all_banks(guide.documents), classify=CLASSIFIED,
                                   allow_stale=settings.stale_read_only == "serve")
        candidate = Assistant(retriever, guide, settings=served.settings)
        probe = retriever.chunks[0].title if retriever.chunks else ""
        if not retriever.search(probe, k=1) or candidate.ask(probe).status not in STATUSES:
            raise IndexCorrupt(f"{retriever.generation} loads but does not answer")
        return candidate
