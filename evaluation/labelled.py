"""Labelled probes that need no reader: what a message asks, and which service a situation needs.

Two kinds of files in ``evaluation/probes/``, each written blind by a helper who saw only the service catalogue and a
persona brief (never the code, the banks or the replies):

* *aspects* (``aspects-*.jsonl``): messages naming a service that ask one or two things, each part labelled with
  its service and what it asks (``what``, ``who``, ``included``, ``expected``, ``cost``, ``apply``, ``contact``,
  ``time``, ``duration``, ``deadline``, ``law``, ``appeal``). Counted per part: the plan answers the part's service
  with that aspect, and the reply cites that section of that service;
* *situations* (``situations-*.jsonl``): situations that name no service, with the service a caseworker would
  lead with (``primary``) and others that fit (``also``). Counted per message: the reply leads with the primary,
  or with one that fits;
* *safety* (``safety-*.jsonl``): messages labelled emergency or not, with their kind (``suicide``, ``medical``,
  ``greeting``, ``alarming_past``…). Counted per kind: the reply is the 113 box (``box``), has the box or the
  safety line (``box_or_line``), and is small talk (``small_talk``). Recall first: every emergency should have
  the box; an ordinary message neither;
* *refusal* (``refusal-*.jsonl``): messages labelled whether they ask how to appeal a refusal (had or feared, often
  as a follow-up, with its history) or only say "nei" or "avslag" in another sense. Counted per label and half
  (even ids were read to build the cues, odd ids held out): the reply says how to appeal (``klag…``).

``python -m evaluation.labelled [FILE ...]`` prints the counts (every probe file when none is given). These are
instruments beside the reader's verdict, not the headline: an answer in the right section can still miss.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant import Assistant, Turn
from corpus.schema import heading_for
from evaluation.panel import as_turn

PROBES_DIR = Path(__file__).resolve().parent / "probes"
#: What a part may ask (the labels the probe writers were given).
ASKS = frozenset({"what", "who", "included", "expected", "cost", "apply", "contact", "time", "duration", "deadline",
                  "law", "appeal"})
#: The aspects that answer a label besides its own: what a service is is also told when a part names no aspect, and
#: how to reach someone is told under how to apply.
ANSWERED_BY = {"what": ("", "what"), "contact": ("apply", "contact")}
#: The section a reply cites for a label, where one section holds it.
CITED_SECTION = {"what": "what", "contact": "apply", "who": "who", "included": "included", "expected": "expected",
                 "cost": "cost", "apply": "apply", "law": "law"}


@dataclass(frozen=True)
class Counts:
    """What one probe file measured: a total and each count, by label (aspects) or overall (situations)."""

    name: str
    total: Counter[str]
    counts: dict[str, Counter[str]]


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def aspects(bot: Assistant, path: Path) -> Counts:
    """Per labelled part: the plan gives its service the aspect asked (``plan``); the reply cites that section of
    that service (``cited``; for an appeal: cites the appeal's description; for a topic: the plan's reading)."""
    section_of = {heading_for(a).rstrip(":? ").lower(): a for a in CITED_SECTION.values()}
    total, plan_ok, cited_ok = Counter(), Counter(), Counter()
    for row in _rows(path):
        u, hits = bot.understand(row["question"])
        plan = bot.plan(u, hits)
        planned = [(p.service_id, p.aspect) for p in plan.parts] or \
            [(s.service_id, a) for s in plan.services[:1] for a in (s.aspects or ("",))]
        reply = bot.ask(row["question"])
        for part in row["parts"]:
            service, ask = part["service"], part["ask"]
            if ask not in ASKS:
                raise ValueError(f"{path.name} {row.get('id', '?')}: unknown ask {ask!r}")
            total[ask] += 1
            if ask == "appeal":
                ok = any(sid == "klage" for sid, _ in planned)
                cited = any(c.service_id == "klage" for c in reply.citations)
            else:
                ok = any(sid == service and a in ANSWERED_BY.get(ask, (ask,)) for sid, a in planned)
                sections = {section_of.get(c.section.rstrip(":? ").lower(), "") for c in reply.citations
                            if c.service_id == service}
                cited = CITED_SECTION[ask] in sections if ask in CITED_SECTION else ok
            plan_ok[ask] += ok
            cited_ok[ask] += cited
    return Counts(path.name, total, {"plan": plan_ok, "cited": cited_ok})


def situations(bot: Assistant, path: Path) -> Counts:
    """Per situation: the reply's first service is the primary (``primary``), or one that fits (``fits``)."""
    total, first, fits = Counter(), Counter(), Counter()
    for row in _rows(path):
        reply = bot.ask(row["question"])
        lead = reply.roles[0].service_id if reply.roles else ""
        total["all"] += 1
        first["all"] += lead == row["primary"]
        fits["all"] += lead in {row["primary"], *row.get("also", ())}
    return Counts(path.name, total, {"primary": first, "fits": fits})


def _history(row: dict) -> list[Turn]:
    """A probe's earlier turns: plain user messages, or turns with their role (and an assistant turn's services)."""
    return [as_turn(t) for t in row.get("history", ())]


def _half(row: dict) -> str:
    """Even ids were read to tune on, odd ids are held out (the number the id ends with)."""
    number = re.search(r"\d+$", str(row["id"]))
    if number is None:
        raise ValueError(f"probe id {row['id']!r} does not end with a number")
    return "tuned" if int(number.group()) % 2 == 0 else "held out"


def safety(bot: Assistant, path: Path) -> Counts:
    """Per message, by its kind: the 113 box, the box or the safety line, small talk. A file of messages inside
    conversations (with ``history``) is counted by half too (even ids tuned on, odd ids held out)."""
    total, box, either, small = Counter(), Counter(), Counter(), Counter()
    for row in _rows(path):
        reply = bot.ask(row["text"], _history(row))
        kind = f"{row['kind']} ({'emergency' if row['emergency'] else 'ordinary'})"
        if "history" in row:
            kind = f"{_half(row)}: {kind}"
        total[kind] += 1
        box[kind] += reply.status == "emergency"
        either[kind] += reply.status == "emergency" or any(p.kind == "safety" for p in reply.parts)
        small[kind] += reply.mode == "smalltalk"
    return Counts(path.name, total, {"box": box, "box_or_line": either, "small_talk": small})


def refusals(bot: Assistant, path: Path) -> Counts:
    """Per label and half: the reply says how to appeal."""
    total, appeal = Counter(), Counter()
    for row in _rows(path):
        reply = bot.ask(row["text"], _history(row))
        label = f"{'asks' if row['appeal'] else 'does not ask'}, {_half(row)}"
        total[label] += 1
        appeal[label] += "klag" in reply.text.lower()
    return Counts(path.name, total, {"says how to appeal": appeal})


def measure(bot: Assistant, path: Path) -> Counts:
    """The counts of one probe file, by its kind (its name says which)."""
    if path.name.startswith("situations"):
        return situations(bot, path)
    if path.name.startswith("refusal"):
        return refusals(bot, path)
    return safety(bot, path) if path.name.startswith("safety") else aspects(bot, path)


def render(counts: Counts) -> str:
    """One small Markdown table."""
    names = list(counts.counts)
    lines = [f"**{counts.name}**", "", "| label | n | " + " | ".join(names) + " |",
             "|---|---|" + "---|" * len(names)]
    for label in sorted(counts.total, key=lambda k: -counts.total[k]):
        lines.append(f"| {label} | {counts.total[label]} | "
                     + " | ".join(str(counts.counts[n][label]) for n in names) + " |")
    # a safety file's emergencies and ordinary messages are totalled apart: their sum would mean nothing
    # (a refusal file's labels are its totals already)
    groups = sorted({label.rpartition(" ")[2] for label in counts.total}) if counts.name.startswith("safety") \
        else [] if counts.name.startswith("refusal") else [""]
    halves = sorted({label.partition(": ")[0] for label in counts.total if ": " in label})
    for half in ["", *halves]:
        for group in groups if len(counts.total) > 1 else ():
            keys = [k for k in counts.total if k.endswith(group) and k.startswith(half)]
            name = (f"{half}: " if half else "") + ("all " + group.strip("()")).strip()
            lines.append(f"| {name} | {sum(counts.total[k] for k in keys)} | "
                         + " | ".join(str(sum(counts.counts[n][k] for k in keys)) for n in names) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] = ()) -> int:
    """``python -m evaluation.labelled [FILE ...]``."""
    paths = [Path(a) for a in argv] or sorted(p for p in PROBES_DIR.glob("*.jsonl")
                                             if p.name.startswith(("aspects", "situations", "safety", "refusal")))
    bot = Assistant.load()
    for path in paths:
        print(render(measure(bot, path)) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
