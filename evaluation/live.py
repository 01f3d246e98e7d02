"""Conversations replayed live: each earlier question is asked, and the assistant's real reply stands in its turn.

A blind writer gives a follow-up's earlier assistant turn as a one-sentence summary of what a good answer would say
("Forklarte korttidslån fra kommunens hjelpemiddellager ..."). The assistant then reads a conversation it never
had: a follow-up that builds on something its own reply did not say, or that asks again what its reply did say,
is judged against a summary. Replayed live, the history holds the replies a citizen would have read, and a reader
grades the follow-up's reply in that conversation (docs/evaluation.md: the round of 2026-12-07 22:00 read its
follow-ups this way).

``python -m evaluation.live SPLIT|FILE [OUT]`` replays the conversations of a panel split (``dev34``) or a probe
file (``*.jsonl``: rows with ``id``, ``text`` or ``question``, and ``history``) and writes JSON Lines to OUT
(default ``var/live/<name>.jsonl``) in the panel runner's row shape, which :mod:`evaluation.grading` reads: the
follow-up, its live history as shown (role and text), the reply as shown, its sources and quick replies. Only
conversations whose history holds an assistant turn are replayed; the others have nothing to replace.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant import Assistant, Reply, Turn
from evaluation.panel import as_turn, load_panel, shown

__all__ = ["FollowUp", "follow_ups", "replay", "main"]


@dataclass(frozen=True)
class FollowUp:
    """A follow-up with the turns written before it, and where it comes from (``split``: the panel split, or the
    probe file's name)."""

    id: str
    question: str
    history: tuple[Turn, ...]
    kind: str
    split: str
    lang: str = "nb"


def replay(bot: Assistant, history: Sequence[Turn]) -> list[Turn]:
    """The history with each assistant turn that answers a user turn replaced by the assistant's own reply to it,
    asked with the live turns before it; the reply's services go with its turn, as the app passes them (the app
    also masks the user's turns and keeps only the latest ones; a written history is short and holds no personal
    data). Other turns stay as written."""
    live: list[Turn] = []
    for turn in history:
        if turn.role == "assistant" and live and live[-1].role == "user":
            reply = bot.ask(live[-1].text, live[:-1])
            live.append(Turn("assistant", reply.text, services=reply.services))
        else:
            live.append(turn)
    return live


def _from_file(path: Path) -> list[FollowUp]:
    found = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            r = json.loads(line)
            found.append(FollowUp(str(r["id"]), str(r.get("text") or r["question"]),
                                  tuple(map(as_turn, r.get("history") or ())), str(r.get("kind") or "followup"),
                                  path.stem, str(r.get("lang") or "nb")))
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path.name} line {n}: {exc!r}") from exc
    return found


def follow_ups(source: str) -> list[FollowUp]:
    """The conversations of a panel split (by name) or a probe file (a ``.jsonl`` path) whose history holds an
    assistant turn, in file order. Raises ValueError for a file that does not exist or a split no panel has."""
    if source.endswith(".jsonl") or "/" in source:
        path = Path(source)
        if not path.is_file():
            raise ValueError(f"no such file: {source}")
        found = _from_file(path)
    else:
        found = [FollowUp(q.id, q.question, q.history, q.kind, q.split, q.lang)
                 for q in load_panel() if q.split == source]
        if not found:
            raise ValueError(f"no panel split named {source!r}")
    return [f for f in found if any(t.role == "assistant" for t in f.history)]


def _row(f: FollowUp, history: Sequence[Turn], reply: Reply) -> dict[str, object]:
    """One follow-up's record, as :func:`evaluation.panel.run` writes a question's (what the reader is shown)."""
    return {"id": f.id, "kind": f.kind, "split": f.split, "lang": f.lang, **shown(history, f.question, reply)}


def main(argv: Sequence[str] = ()) -> int:
    """``python -m evaluation.live SPLIT|FILE [OUT]``."""
    if not argv:
        print("usage: python -m evaluation.live SPLIT|FILE [OUT]", file=sys.stderr)
        return 2
    try:
        found = follow_ups(argv[0])
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 1
    if not found:
        print(f"no conversation with an assistant turn in {argv[0]}", file=sys.stderr)
        return 1
    bot = Assistant.load()
    out = Path(argv[1]) if len(argv) > 1 else Path("var/live") / f"{Path(argv[0]).stem}.jsonl"
    rows = []
    for f in found:
        history = replay(bot, f.history)
        rows.append(_row(f, history, bot.ask(f.question, history)))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(f"replayed {len(rows)} conversations; wrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
