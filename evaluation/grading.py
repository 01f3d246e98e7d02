"""The reader's verdict: blind grading files in, the rubric's report out.

The headline of the evaluation is a blind reader's verdict (``../shared/evaluation/rubric.md``): would a
caseworker send the reply unchanged? This module does the bookkeeping around that reader, who never sees the
code, the banks or the labelled questions:

* :func:`blind_file` turns panel replies (:mod:`evaluation.panel`) into the reader's input: the question, the
  history, the reply as shown and its cited passages, shuffled under neutral item ids. The key (item -> question
  id and run) is kept apart, so several runs can be graded together without the reader knowing which is which;
* :func:`report` joins the grades with the key and the panel and counts what the rubric asks for: the
  acceptable rate overall, per question kind and per reply shape, the means of *addresses* and *relevance*, and
  the failure classes.

Graded files live in ``evaluation/grades/`` with their date, so a later run can be compared.
"""

from __future__ import annotations

import json
import random
import sys
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path

GRADES_DIR = Path(__file__).resolve().parent / "grades"
FIELDS = ("status_ok", "addresses", "relevance", "next_step", "acceptable", "better_available")


def blind_file(runs: Mapping[str, Sequence[dict]], out: Path, *, seed: int = 7) -> dict[str, tuple[str, str]]:
    """Write the reader's input for one or more runs (run name -> panel rows); returns the key."""
    items = [(run, row) for run, rows in runs.items() for row in rows]
    random.Random(seed).shuffle(items)
    key: dict[str, tuple[str, str]] = {}
    lines = []
    for i, (run, row) in enumerate(items, 1):
        item = f"r{i:03d}"
        key[item] = (run, row["id"])
        shown = {"item": item, "history": row["history"], "question": row["question"], "reply": row["reply"],
                 "sources": row["sources"]}
        if row.get("suggestions"):
            shown["quick_replies"] = row["suggestions"]
        lines.append(json.dumps(shown, ensure_ascii=False))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return key


def shape(row: Mapping) -> str:
    """The reply's shape, as the rubric counts it: one service, several, emergency, decline, small talk."""
    if row["mode"] == "emergency":
        return "emergency box"
    if row["status"] == "no_answer":
        return "decline"
    if row["mode"] in ("smalltalk", "clarify"):
        return row["mode"]
    return "one service" if len(row["services"]) <= 1 else "several services"


def report(grades: Sequence[dict], key: Mapping[str, Sequence[str]], rows: Mapping[tuple[str, str], dict],
           *, run: str) -> str:
    """The rubric's report for one run, as Markdown."""
    graded = []
    for g in grades:
        which = key.get(g["item"])
        if which is None or which[0] != run:
            continue
        graded.append((g, rows[(which[0], which[1])]))
    if not graded:
        return f"no grades for run {run}\n"
    n = len(graded)
    ok = sum(int(g["acceptable"]) for g, _ in graded)
    lines = [f"**{run}**: {ok} of {n} acceptable ({100 * ok / n:.0f} %); mean addresses "
             f"{sum(int(g['addresses']) for g, _ in graded) / n:.2f}, relevance "
             f"{sum(int(g['relevance']) for g, _ in graded) / n:.2f}; status right {sum(int(g['status_ok']) for g, _ in graded)}, "
             f"a fitting next step {sum(int(g['next_step']) for g, _ in graded)}", ""]
    for title, by in (("question kind", lambda r: r["kind"]), ("reply shape", shape)):
        groups: dict[str, list[int]] = defaultdict(list)
        for g, r in graded:
            groups[by(r)].append(int(g["acceptable"]))
        lines += [f"| {title} | acceptable |", "|---|---|"]
        lines += [f"| {k} | {sum(v)} / {len(v)} |" for k, v in sorted(groups.items())]
        lines.append("")
    classes = Counter(g.get("failure_class") or "?" for g, _ in graded if not int(g["acceptable"]))
    better = sum(int(g.get("better_available", 0)) for g, _ in graded if not int(g["acceptable"]))
    lines.append("Failure classes: " + ", ".join(f"{k} {v}" for k, v in classes.most_common())
                 + f". The guide held a better answer for {better} of {n - ok}.")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str]) -> int:
    """``python -m evaluation.grading GRADES KEY RUN=PANEL_ROWS ...``: print the report of each run."""
    grades = [json.loads(line) for line in Path(argv[0]).read_text(encoding="utf-8").splitlines() if line.strip()]
    key = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    rows: dict[tuple[str, str], dict] = {}
    runs = []
    for spec in argv[2:]:
        run, path = spec.split("=", 1)
        runs.append(run)
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                rows[(run, row["id"])] = row
    for run in runs:
        print(report(grades, key, rows, run=run))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
