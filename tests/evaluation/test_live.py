"""Conversations replayed live (evaluation/live.py): the assistant's own replies stand in the written summaries."""

from __future__ import annotations

import json

import pytest

from assistant import Turn
from evaluation import grading, live

FIRST = "Hva er trygghetsalarm?"
# the writer's summary names another service than the real reply's, so a written and a live history read apart
WRITTEN = [Turn("user", FIRST), Turn("assistant", "Forklarte middagslevering.", services=("matombringing",))]
FOLLOW = "og hva koster den?"


def test_an_assistant_turn_is_replaced_by_the_reply_to_the_question_before_it(hashing_assistant):
    turns = live.replay(hashing_assistant, WRITTEN)
    expected = hashing_assistant.ask(FIRST)
    assert turns[0] == WRITTEN[0]
    assert (turns[1].role, turns[1].text, turns[1].services) == ("assistant", expected.text, expected.services)
    assert "[1]" in turns[1].text and expected.services[:1] == ("trygghetsalarm",)
    # the follow-up reads the live turn, not the summary
    assert hashing_assistant.ask(FOLLOW, turns).services != hashing_assistant.ask(FOLLOW, WRITTEN).services
    # a later earlier question is asked with the live turns before it
    longer = live.replay(hashing_assistant, [*WRITTEN, Turn("user", FOLLOW), Turn("assistant", "Prisen.")])
    assert longer[3].text == hashing_assistant.ask(FOLLOW, turns).text != hashing_assistant.ask(FOLLOW, WRITTEN).text


def test_turns_that_answer_no_question_stay_as_written(hashing_assistant):
    plain = [Turn("user", "mor er 84"), Turn("user", "hun bor alene")]
    assert live.replay(hashing_assistant, plain) == plain
    alone = [Turn("assistant", "Hei! Hva lurer du på?")]
    assert live.replay(hashing_assistant, alone) == alone


def _write(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_only_conversations_with_an_assistant_turn_are_replayed_and_bad_input_says_why(tmp_path):
    path = _write(tmp_path / "followups-x.jsonl", [
        {"id": "x1", "text": FOLLOW, "history": [{"role": "user", "text": FIRST},
                                                 {"role": "assistant", "text": "Forklarte den."}]},
        {"id": "x2", "question": "og for far?", "history": ["Hva er BPA?"]},
        {"id": "x3", "text": "Hva er BPA?", "history": None}])
    (found,) = live.follow_ups(str(path))
    assert (found.id, found.kind, found.split) == ("x1", "followup", "followups-x")
    dev = live.follow_ups("dev34")
    assert dev and all(any(t.role == "assistant" for t in f.history) for f in dev)
    with pytest.raises(ValueError, match="no such file"):
        live.follow_ups(str(tmp_path / "none.jsonl"))
    with pytest.raises(ValueError, match="no panel split"):
        live.follow_ups("dev999")
    with pytest.raises(ValueError, match="line 1"):
        live.follow_ups(str(_write(tmp_path / "broken.jsonl", [{"text": "og prisen?"}])))


def test_the_command_writes_rows_the_grading_reads_with_the_live_history(hashing_assistant, tmp_path, monkeypatch):
    path = _write(tmp_path / "followups-x.jsonl", [{"id": "x1", "text": FOLLOW, "history": [
        {"role": "user", "text": FIRST},
        {"role": "assistant", "text": "Forklarte middagslevering.", "services": ["matombringing"]}]}])
    out = tmp_path / "out.jsonl"
    monkeypatch.setattr(live.Assistant, "load", classmethod(lambda cls: hashing_assistant))
    assert live.main([str(path), str(out)]) == 0
    (row,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    turns = live.replay(hashing_assistant, WRITTEN)
    assert row["history"] == [{"role": t.role, "text": t.text} for t in turns]  # as shown: no service ids
    assert row["reply"] == hashing_assistant.ask(FOLLOW, turns).text != hashing_assistant.ask(FOLLOW, WRITTEN).text
    # the reader's input and the rubric's report take the rows as they take the panel runner's
    key = grading.blind_file({"live": [row]}, tmp_path / "blind.jsonl")
    grades = [{"item": item, "status_ok": 1, "addresses": 2, "relevance": 2, "next_step": 1, "acceptable": 1,
               "better_available": 0} for item in key]
    assert "1 of 1 acceptable" in grading.report(grades, key, {("live", "x1"): row}, run="live")
    assert live.main([]) == 2 and live.main([str(tmp_path / "none.jsonl")]) == 1
