"""A long Streamlit session stays bounded (Streamlit's AppTest, hashing embedder): 300 questions in one session,
rerun time and page size flat, the session's messages and memory bounded; "Vis tidligere meldinger" shows
more; a huge paste is cut before it reaches the session.
"""

from __future__ import annotations

import pickle
import statistics
import time
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from assistant.core import Assistant
from ui import chat, texts

APP = str(Path(__file__).resolve().parents[2] / "ui" / "app.py")
QUESTIONS = ("Hva koster trygghetsalarm?", "Hvordan søker jeg om hjemmesykepleie?", "Kan faren min få plass på sykehjem?",
             "Hva er lovgrunnlaget for omsorgsstønad?", "Hvordan klager en bruker på et vedtak?",
             "Hvem kan få praktisk bistand?", "Hva koster middagslevering?", "Kan vi få avlastning?")
TURNS = 300


#: the app on the hashing embedder and the tier's shared index (tests/ui/conftest.py)
pytestmark = pytest.mark.usefixtures("feedback_db")


def _page_bytes(node: Any) -> int:
    """Bytes of every element the run drew (their protobuf messages), the size of what is sent per rerun."""
    size = len(node.proto.SerializeToString()) if getattr(node, "proto", None) is not None else 0
    return size + sum(_page_bytes(child) for child in getattr(node, "children", {}).values())


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@pytest.mark.slow
@pytest.mark.serial  # compares rerun times: `make test` runs it alone, after the parallel pass
def test_300_questions_in_one_session_stay_flat() -> None:
    at = AppTest.from_file(APP, default_timeout=120).run()
    seconds: list[float] = []
    pages: list[int] = []
    rss: list[float] = []
    kept: list[int] = []  # bytes of what the session holds
    for turn in range(TURNS):
        started = time.perf_counter()
        at = at.chat_input[0].set_value(QUESTIONS[turn % len(QUESTIONS)]).run()
        seconds.append(time.perf_counter() - started)
        assert not at.exception
        if turn % 10 == 9:
            pages.append(_page_bytes(at._tree))
            rss.append(_rss_mb())
            kept.append(len(pickle.dumps(at.session_state["messages"])))
    messages = at.session_state["messages"]
    assert len(messages) == 2 * chat.KEPT_TURNS, "the oldest turns are dropped"
    assert len(at.chat_message) == 2 * chat.SHOWN_TURNS, "the page shows the newest turns only"
    early, late = statistics.median(seconds[20:60]), statistics.median(seconds[-40:])
    print(f"\nrerun median: {early * 1000:.0f} ms (turns 21-60), {late * 1000:.0f} ms (last 40); "
          f"page {pages[1] / 1024:.0f} KB (turn 20), {pages[-1] / 1024:.0f} KB (turn {TURNS}); "
          f"RSS {rss[1]:.0f} -> {rss[-1]:.0f} MB; session {kept[5] / 1024:.0f} -> {kept[-1] / 1024:.0f} KB (turn 60 -> {TURNS})")
    assert late <= early * 1.5 + 0.05, (early, late)
    assert pages[-1] <= pages[1] * 1.1, (pages[1], pages[-1])
    # what the session holds stays flat (kept whole, 300 turns hold about 730 KB against 124 KB). The process's RSS
    # also carries what earlier tests of a long suite left in the allocators (alone +2 to +20 MB from turn 60 to
    # 300, once +71 MB late in a full run), so it only has to stay clear of a gross leak
    assert kept[-1] <= kept[5] * 1.1, (kept[5], kept[-1])
    assert rss[-1] - rss[5] < 150, f"memory grew by {rss[-1] - rss[5]:.0f} MB from turn 60 to {TURNS}"
    # "Vis tidligere meldinger" shows ten more questions each time, up to what the session kept
    at = at.button(key="show-earlier").click().run()
    assert len(at.chat_message) == 4 * chat.SHOWN_TURNS
    assert at.button(key="show-earlier").label == texts.SHOW_EARLIER.format(n=chat.KEPT_TURNS - 2 * chat.SHOWN_TURNS)


def test_a_huge_paste_is_cut_before_it_reaches_the_session(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []
    real = Assistant.ask

    def spy(self: Assistant, question: str, history: object = None, **kwargs: object) -> object:
        seen.append(len(question))
        return real(self, question, history=history, **kwargs)

    monkeypatch.setattr(Assistant, "ask", spy)
    at = AppTest.from_file(APP, default_timeout=120).run()
    at = at.chat_input[0].set_value("Hva koster trygghetsalarm? " + "x" * 5_000_000).run()
    assert not at.exception
    kept = at.session_state["messages"][0]["text"]
    assert len(kept) <= 2000, len(kept)  # the assistant's max_question_chars
    assert seen and seen[0] <= 50_000, seen  # its safety_chars: all it reads of a message
    assert len(pickle.dumps(at.session_state["messages"])) < 200_000
