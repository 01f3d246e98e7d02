"""The blind panel (``panel.jsonl``): replies for a reader to grade, and the reply-level checks that need none.

The panel was written on 2026-12-05 by a helper that saw only the service catalogue and a persona brief, and
split by kind into ``dev3`` (tuning) and ``test3`` (untouched). Each question lists the parts asked
(``{"service", "ask", "text"}``), the expected status (answered, no_answer, emergency, smalltalk), the services
a caseworker would mention (primary first), and for a decline the outside body to name.

``python -m evaluation.panel dev3`` writes ``var/panel/<split>.jsonl``: every question with its reply as shown
(text, cited passages, mode), ready for a blind reader, and prints the checks that need no reader:

* status right (answered / declined / emergency box / small talk), primary service first;
* emergencies: 113 (or 112) in the first line, no service quote under the box;
* no sentence repeated; at most three services in a reply;
* the closing route is the primary service's own route;
* small talk never gets the emergency box or a service;
* each part asked: does the reply contain one of the gold sentences a reader marked for it?
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant import Assistant, Reply, Turn

PANEL_PATH = Path(__file__).resolve().parent / "panel.jsonl"
#: Panels written later, each by a new blind helper from the catalogue and a persona brief: ``test4`` (110
#: questions, written 2026-12-05 after the submitted pipeline of the first round, nothing tuned on it), panel5
#: (100, that evening: ``dev5`` to look at and tune on, ``test5`` never read) and panel6 (100, later that evening,
#: ids ``f…``: ``dev6`` to tune on, ``test6`` never read) and panel7 (100, at night, ids ``g…``: written after
#: this round's changes, used only to measure them) and panel8 (100, the next night, ids ``h…``: more two-part
#: questions and follow-ups, ``dev8`` to tune on, ``test8`` to measure) and panel9 (48, ids ``k…``, ``test9`` only:
#: written after the round's changes to test them, 8 each of six classes they address, never tuned on) and panel10
#: (80, ids ``m…``, 2026-12-06: ``dev10`` to tune on, ``test10`` to measure) and panel11 (48, ids ``p…``, ``test11``
#: only: written after that day's changes, to measure them, never read) and panel12 (48, ids ``q…``, ``test12``
#: only: written at the start of the next round, before its changes, to measure them, never read) and panel13 (48,
#: ids ``s…``, ``test13`` only: written at 07:10 UTC on 2026-12-06, at the start of the next round, before its
#: changes, never read) and panel14 (48, ids ``u…``, ``test14`` only: written at 09:50 UTC on 2026-12-06, before
#: that round's changes, never read) and panel15 (88, 2026-12-06 13:00 UTC, two blind writers at once, before that
#: round's changes: ``test15``, ids ``w…``, 48 in panel14's mixture, never read; ``dev15``, ids ``v…``, 40 weighted
#: to direct, two-part and follow-up questions, to read and tune on) and panel16 (88, 2026-12-06 15:45 UTC, the same
#: two briefs, before that round's changes: ``test16``, ids ``x…``, never read; ``dev16``, ids ``y…``) and
#: panel17 (88, 2026-12-06 18:40 UTC, the same briefs, dev weighted a little more to situations: ``test17``, ids
#: ``r…``, never read; ``dev17``, ids ``n…``) and panel18 (88, 2026-12-06 21:10 UTC, rewritten briefs of the same
#: mixture, before that round's changes: ``test18``, ids ``t…``, never read; ``dev18``, ids ``z…``) and panel19 (48,
#: ids ``d…``, ``test19`` only: written at 22:00 UTC after that round's changes, 8 each of six classes they address,
#: to test them on questions written after them; never read) and panel20 (88, 2026-12-06 23:45 UTC, two blind
#: writers at once from ``evaluation/briefs/writer.md``, before that round's changes: ``test20``, ids ``i…``, never
#: read; ``dev20``, ids ``j…``) and panel21 (48, ids ``l…``, ``test21`` only: written at 00:50 UTC on 2026-12-07
#: after that round's changes, 8 each of six classes they address, to test them on questions written after them;
#: never read) and panel22 (88, 2026-12-07 02:40 UTC, the same two briefs, before that round's changes: ``test22``,
#: ids ``a…``, never read; ``dev22``, ids ``o…``) and panel23 (96: ``test23``, 48, ids ``aa…``, written at 03:20 UTC
#: on 2026-12-07 after most of that round's changes, 8 each of six classes they address, never read; ``dev23``, 48,
#: ids ``ac…``, the same brief by another writer at 03:35, read and tuned on) and panel24 (24, ids ``ad…``, ``test24``
#: only: written at 04:35 UTC after that round's changes, 12 each of two classes they address, a relative's own need
#: and a follow-up asking about time in other words; never read), panel25 (96, 2026-12-07 05:05 UTC, before that
#: round's changes, the usual mixture: ``test25``, ids ``ae…``, never read; ``dev25``, ids ``af…``, read) and panel26
#: (96, 05:45 UTC, after its first changes: 24 follow-ups, half pointing to a thing of the last answer by its
#: description, 12 two-part and 12 other-language questions: ``test26``, ids ``ag…``, never read; ``dev26``, ids
#: ``ah…``, read), and panel27 (96, 08:05 UTC, before that round's changes, for the second need: 20 two-part
#: questions, two thirds about two different needs, 16 situations, half with two or three needs, 12 others:
#: ``test27``, ids ``ai…``, never read; ``dev27``, ids ``aj…``, read), and panel28 (48, 2026-12-07 11:07-11:09 UTC,
#: while that round's change was made, by a helper that never saw it: 20 two-part questions that ask one thing of a
#: named service and an open question about another need, 10 situations with two needs, 18 others: ``test28`` only,
#: ids ``ak…``, never read), and panel29 (96, 2026-12-07 12:30 UTC, before that session's changes, the usual mixture,
#: by two writers with the same brief: ``test29``, ids ``al…``, never read; ``dev29``, ids ``am…``, read), and panel30
#: (36, 12:57 UTC, after that session's changes, to test them on questions written after them: 14 about services
#: reached by contacting them, 10 questions about the assistant itself, 12 in the usual mixture: ``test30``, ids
#: ``an…``, never read), and panel31 (96, 2026-12-07 14:26 UTC, before that session's changes, the usual mixture, by
#: two writers with the same brief: ``test31``, ids ``ap…``, never read; ``dev31``, ids ``ao…``, read), and panel32
#: (36, 14:50 UTC, after that session's first change, to test it: 24 questions about the assistant itself, 12 about a
#: service that speak to the assistant as "du" or "dere": ``test32``, ids ``aq…``, never read), and panel33 (96, 16:27
#: UTC, before that session's changes, weighted toward what is asked, by two writers with the same brief: ``test33``,
#: ids ``as…``, never read; ``dev33``, ids ``ar…``, read), and panel34 (96, 20:58 UTC, before that session's changes,
#: the usual mixture, by two writers with the same brief: ``test34``, ids ``az…``, never read, though its reader's
#: summary named its worst replies; ``dev34``, ids ``ay…``, read).
LATER_PANELS = tuple(Path(__file__).resolve().parent / f"panel{n}.jsonl"
                     for n in (4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27,
                               28, 29, 30, 31, 32, 33, 34))
#: For every part of every answerable panel question, the guide sentences a correct reply must contain (one of
#: them at least), marked verbatim by a reader who saw the panel and the guide, never the code or the replies.
GOLD_PATH = Path(__file__).resolve().parent / "gold_sentences.jsonl"
#: When the untouched split was first run.
TEST3_FIRST_RUN = ""
_SENTENCE = re.compile(r"(.+?) \[\d+\]")


@dataclass(frozen=True)
class PanelQuestion:
    """One blind panel question (see the module docstring)."""

    id: str
    kind: str
    question: str
    history: tuple[Turn, ...]
    status: str
    expected: tuple[str, ...]
    primary: str
    parts: tuple[dict, ...]
    emergency_kind: str
    outside_body: str
    lang: str
    split: str


def load_panel(path: Path | None = None) -> list[PanelQuestion]:
    """Every panel question, in file order (every panel file when ``path`` is None)."""
    paths = [path] if path is not None else [PANEL_PATH, *(p for p in LATER_PANELS if p.exists())]
    return [q for p in paths for q in _read_panel(p)]


def as_turn(t: dict | str) -> Turn:
    """An earlier turn as written in a panel or probe file: a role with its text (an assistant turn with the services
    it was about), or a plain user message."""
    if isinstance(t, str):
        return Turn("user", t)
    return Turn(t["role"], t["text"], services=tuple(t.get("services") or ()))


def _read_panel(path: Path) -> list[PanelQuestion]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        d = json.loads(line)
        history = tuple(map(as_turn, d["history"]))
        out.append(PanelQuestion(d["id"], d["kind"], d["question"], history, d["status"], tuple(d["expected"]),
                                 d.get("primary", ""), tuple(d.get("parts") or ()), d.get("emergency_kind", ""),
                                 d.get("outside_body", ""), d.get("lang", "nb"), d["split"]))
    return out


def load_gold(path: Path = GOLD_PATH) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Question id -> for each part, the gold sentences (any one of them answers the part)."""
    if not path.is_file():
        return {}
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            out[d["id"]] = tuple(tuple(p["sentences"]) for p in d["parts"])
    return out


def gold_parts(reply: Reply, gold: Sequence[Sequence[str]]) -> tuple[int, int]:
    """(parts whose gold sentence the reply quotes, parts with gold sentences)."""
    said = reply.text.replace("**", "")
    parts = [g for g in gold if g]
    return sum(any(sentence.replace("**", "") in said for sentence in g) for g in parts), len(parts)


@dataclass(frozen=True)
class Checks:
    """The reader-free checks of one reply."""

    status_ok: bool
    primary_first: bool | None
    emergency_first_line: bool | None
    quotes_under_box: bool
    repeated_sentence: bool
    services_shown: int
    smalltalk_alarm: bool | None
    gold_found: int = 0
    gold_parts: int = 0


def quoted_sentences(reply: Reply) -> list[str]:
    """The quoted sentences of a reply (the text before each ``[n]`` marker, prefixes removed)."""
    out = []
    for part in reply.parts:
        for line in part.text.split("\n"):
            for m in _SENTENCE.finditer(line.removeprefix("- ")):
                out.append(re.sub(r"^(\*[^*]+\*|\*\*[^*]+\*\* –)\s*", "", m.group(1).strip()))
    return out


def check(q: PanelQuestion, reply: Reply, gold: Sequence[Sequence[str]] = ()) -> Checks:
    """The checks of one reply against its question (and the gold sentences of its parts)."""
    shown = [r.service_id for r in reply.roles]
    if q.status == "smalltalk":
        status_ok = reply.mode == "smalltalk"
    elif q.status == "emergency":
        status_ok = reply.status == "emergency" or any(p.kind == "safety" for p in reply.parts)
    else:
        status_ok = reply.status == q.status
    first_line = reply.text.split("\n", 1)[0]
    sentences = quoted_sentences(reply)
    found, parts = gold_parts(reply, gold)
    return Checks(
        status_ok=status_ok,
        primary_first=(shown[:1] == [q.primary]) if q.status == "answered" and q.primary else None,
        emergency_first_line=(bool(re.search(r"\b11[23]\b", first_line)) if q.status == "emergency" else None),
        quotes_under_box=reply.status == "emergency" and bool(reply.citations),
        repeated_sentence=len(sentences) != len(set(sentences)),
        services_shown=len(shown),
        smalltalk_alarm=(reply.status == "emergency" or bool(reply.citations)) if q.status == "smalltalk" else None,
        gold_found=found, gold_parts=parts,
    )


def shown(history: Sequence[Turn], question: str, reply: Reply) -> dict[str, object]:
    """A question's conversation and reply as the reader is shown them (no service ids in the history), with what the
    report counts (mode, status, services): the record's common part (evaluation/live.py writes it too)."""
    return {"history": [{"role": t.role, "text": t.text} for t in history], "question": question, "reply": reply.text,
            "sources": [{"n": x.n, "service": x.title, "section": x.section, "quote": x.quote} for x in reply.citations],
            "suggestions": list(reply.suggestions), "mode": reply.mode, "status": reply.status,
            "services": [r.service_id for r in reply.roles]}


def run(bot: Assistant, questions: Sequence[PanelQuestion]) -> list[dict]:
    """Ask every question; one record per question with the reply as shown and its checks."""
    rows = []
    gold = load_gold()
    for q in questions:
        start = time.perf_counter()
        reply = bot.ask(q.question, list(q.history))
        ms = (time.perf_counter() - start) * 1000
        rows.append({
            "id": q.id, "kind": q.kind, "split": q.split, "lang": q.lang, **shown(q.history, q.question, reply),
            "gold": {"status": q.status, "primary": q.primary, "expected": list(q.expected),
                     "outside_body": q.outside_body},
            "checks": check(q, reply, gold.get(q.id, ())).__dict__, "ms": round(ms, 1)})
    return rows


def summary(rows: Sequence[dict]) -> str:
    """The checks, overall and per kind."""
    def rate(values: list) -> str:
        vals = [v for v in values if v is not None]
        return f"{sum(map(bool, vals))}/{len(vals)}" if vals else "-"

    lines = []
    kinds = sorted({r["kind"] for r in rows})
    for kind in [None, *kinds]:
        sel = [r for r in rows if kind is None or r["kind"] == kind]
        ch = [r["checks"] for r in sel]
        lines.append(
            f"{kind or 'ALL':18} n={len(sel):3}  status {rate([c['status_ok'] for c in ch]):7}  "
            f"primary@1 {rate([c['primary_first'] for c in ch]):7}  113-first {rate([c['emergency_first_line'] for c in ch]):6}  "
            f"repeated {sum(c['repeated_sentence'] for c in ch):2}  services>3 {sum(c['services_shown'] > 3 for c in ch):2}  "
            f"mean services {sum(c['services_shown'] for c in ch) / max(len(ch), 1):.1f}  "
            f"gold parts {sum(c['gold_found'] for c in ch)}/{sum(c['gold_parts'] for c in ch)}")
    modes = Counter(r["mode"] for r in rows)
    ms = sorted(r["ms"] for r in rows)
    lines.append(f"modes: {dict(modes)}   ask p50 {ms[len(ms) // 2]:.1f} ms" if ms else "no questions")
    return "\n".join(lines)


#: The ablations of the caseworker-replies mechanisms: calibration values that switch one off.
ABLATIONS: dict[str, dict[str, object]] = {
    "no service classifier in the ranking": {"service_weight": 0.0},
    "aspects by cue words only": {"aspect_policy": "cues"},
    "no concern tier": {"concern_margin": None, "sentence_concern_margin": None},
    "no per-sentence emergencies": {"sentence_emergency_margin": 9.0, "sentence_concern_margin": None},
    "no question back": {"clarify_below": 0.0},
}


def ablations(bot: Assistant, questions: Sequence[PanelQuestion]) -> str:
    """The reader-free checks with each mechanism switched off in turn (dev split only)."""
    lines = ["| variant | status right | primary@1 | 113 first | gold parts | services per reply |", "|---|---|---|---|---|---|"]
    for name, changes in {"full": {}, **ABLATIONS}.items():
        rows = run(bot.with_calibration(**changes) if changes else bot, questions)
        ch = [r["checks"] for r in rows]
        def rate(key: str) -> str:
            vals = [c[key] for c in ch if c[key] is not None]
            return f"{sum(map(bool, vals))}/{len(vals)}"
        lines.append(f"| {name} | {rate('status_ok')} | {rate('primary_first')} | {rate('emergency_first_line')} | "
                     f"{sum(c['gold_found'] for c in ch)}/{sum(c['gold_parts'] for c in ch)} | "
                     f"{sum(c['services_shown'] for c in ch) / max(len(ch), 1):.2f} |")
    return "\n".join(lines)


def main(argv: Sequence[str] = ()) -> int:
    """``python -m evaluation.panel SPLIT [OUT]`` or ``python -m evaluation.panel dev3 --ablations``."""
    split = argv[0] if argv else "dev3"
    questions = [q for q in load_panel() if q.split == split]
    bot = Assistant.load()
    if "--ablations" in argv:
        if split.startswith("test"):
            raise SystemExit("ablations run on a dev split only")
        print(ablations(bot, questions))
        return 0
    out = Path(argv[1]) if len(argv) > 1 else Path("var/panel") / f"{split}.jsonl"
    rows = run(bot, questions)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(summary(rows))
    print(f"wrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
