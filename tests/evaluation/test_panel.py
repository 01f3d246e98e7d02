"""The blind panel and the reader's bookkeeping (evaluation/panel.py, evaluation/grading.py)."""

from __future__ import annotations

import json
from collections import Counter

from assistant.types import Citation, Reply, ReplyPart, ServiceRole
from corpus.guide import load_guide
from evaluation.grading import blind_file, report, shape
from evaluation.panel import PanelQuestion, check, load_panel, quoted_sentences

KNOWN = {d.service_id for d in load_guide(pdf=[]).documents}


def test_the_panel_is_well_formed_and_split_by_kind():
    panel = load_panel()
    assert len(panel) >= 150 and len({q.id for q in panel}) == len(panel)
    assert {q.split for q in panel} == {"dev3", "test3", "test4", "dev5", "test5", "dev6", "test6", "dev7", "test7",
                                          "dev8", "test8", "test9", "dev10", "test10", "test11", "test12", "test13",
                                          "test14", "dev15", "test15", "dev16", "test16", "dev17",
                                          "test17", "dev18", "test18", "test19", "dev20", "test20", "test21", "dev22",
                                          "test22", "dev23", "test23", "test24", "dev25", "test25", "dev26",
                                          "test26", "dev27", "test27", "test28", "test29", "dev29", "test30", "dev31",
                                          "test31", "test32", "dev33", "test33", "dev34", "test34"}
    assert {q.status for q in panel} <= {"answered", "no_answer", "emergency", "smalltalk"}
    for q in panel:
        assert set(q.expected) <= KNOWN and (not q.primary or q.primary in KNOWN), q.id
        # a part only an outside body answers has no service (panel9 asks "outside"; panel10 names the body)
        assert all(p["service"] in KNOWN or p.get("ask") == "outside" or (not p["service"] and q.outside_body)
                   for p in q.parts), q.id
    by_kind = Counter((q.kind, q.split) for q in panel)
    # panel9, panel19, panel21, panel23, panel24 and panel26 test the classes one round addressed, with kinds of
    # their own
    for kind in {q.kind for q in panel if q.split not in ("test9", "test19", "test21", "dev23", "test23", "test24",
                                                          "dev26", "test26")}:
        assert all(by_kind[(kind, split)] >= 1 for split in ("dev3", "test3", "test4")), kind
    # the newer panels alternate dev / test within each kind, so both hold every kind the panel has
    for dev, test in (("dev5", "test5"), ("dev6", "test6"), ("dev7", "test7"), ("dev8", "test8"),
                      ("dev10", "test10"), ("dev20", "test20"), ("dev22", "test22"), ("dev25", "test25"),
                      ("dev26", "test26")):
        newest = Counter((q.kind, q.split) for q in panel if q.split in (dev, test))
        assert {k for k, _ in newest} == {k for k, s in newest if s == dev} == {k for k, s in newest if s == test}


def _q(status: str = "answered", primary: str = "hjemmesykepleie") -> PanelQuestion:
    return PanelQuestion("x1", "direct", "Hva koster det?", (), status, (primary,) if primary else (), primary, (),
                         "", "", "nb", "dev3")


def test_checks_catch_a_late_emergency_a_repeated_sentence_and_quotes_under_the_box():
    cite = Citation(1, "hjemmesykepleie", "Hjemmesykepleie", "Hva koster det?", None, "x.md",
                    "Hjemmesykepleie er gratis.", 0.5, "hjemmesykepleie#cost-1")
    text = "Hjemmesykepleie er gratis. [1]\n\n*Hva koster det?* Hjemmesykepleie er gratis. [1]\n\nRing 113."
    reply = Reply("emergency", text, citations=(cite,), mode="emergency",
                  parts=tuple(ReplyPart("quote", t, citations=(1,)) for t in text.split("\n\n")))
    c = check(_q("emergency", ""), reply)
    assert c.emergency_first_line is False and c.quotes_under_box and c.repeated_sentence
    assert quoted_sentences(reply) == ["Hjemmesykepleie er gratis.", "Hjemmesykepleie er gratis."]


def test_checks_on_small_talk_and_the_primary_service():
    hello = Reply("answered", "Hei!", mode="smalltalk")
    assert check(_q("smalltalk", ""), hello).status_ok and check(_q("smalltalk", ""), hello).smalltalk_alarm is False
    answer = Reply("answered", "x", roles=(ServiceRole("praktisk-bistand", "primary", "named"),), mode="direct")
    c = check(_q(), answer)
    assert c.status_ok and c.primary_first is False and c.services_shown == 1


def test_blind_file_hides_the_run_and_the_report_counts_per_kind_and_shape(tmp_path):
    rows = {"a": [{"id": "b1", "kind": "situation", "history": [], "question": "q1", "reply": "r1", "sources": [],
                   "mode": "situation", "status": "answered", "services": ["x", "y"]}],
            "b": [{"id": "b1", "kind": "situation", "history": [], "question": "q1", "reply": "r2", "sources": [],
                   "mode": "emergency", "status": "emergency", "services": []}]}
    key = blind_file(rows, tmp_path / "in.jsonl")
    shown = [json.loads(line) for line in (tmp_path / "in.jsonl").read_text().splitlines()]
    assert {s["item"] for s in shown} == set(key) and all("a" not in s["item"] for s in shown)
    assert all(set(s) <= {"item", "history", "question", "reply", "sources", "quick_replies"} for s in shown)
    item_a = next(i for i, (run, _) in key.items() if run == "a")
    grades = [{"item": item_a, "status_ok": 1, "addresses": 2, "relevance": 1, "next_step": 1, "acceptable": 0,
               "better_available": 1, "failure_class": "irrelevant_services"}]
    table = report(grades, key, {(run, r["id"]): r for run, rs in rows.items() for r in rs}, run="a")
    assert "0 of 1 acceptable" in table and "| situation | 0 / 1 |" in table and "irrelevant_services 1" in table
    assert shape(rows["a"][0]) == "several services" and shape(rows["b"][0]) == "emergency box"
