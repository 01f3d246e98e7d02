"""The gold question set: load ``questions.jsonl`` into typed, validated records.

Each line of the file is one JSON object::

    {"id": "q001", "kind": "citizen", "question": "...", "history": ["earlier user turn", ...],
     "expected": ["service-id", ...], "status": "answered", "split": "dev"}

``expected`` lists the acceptable service ids (any one of them is a correct answer; ``[]`` for questions
outside the guide), ``status`` the reply status the assistant should give, and ``split`` whether the
question may be looked at while tuning (``dev``) or is kept for the final measurement (``test``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.types import STATUSES

#: The gold file, next to this module.
QUESTIONS_PATH = Path(__file__).resolve().parent / "questions.jsonl"
#: The splits: ``dev`` for tuning, ``test`` left untouched for the headline numbers; ``dev2``/``test2`` are the
#: same for the questions written blind on 2026-12-01 (situations, two-part questions, indirect emergencies,
#: look-alikes, other languages, follow-ups that must not inherit the topic).
SPLITS: tuple[str, ...] = ("dev", "test", "dev2", "test2")
#: Date the blind set's untouched split was first run.
TEST2_FIRST_RUN = "2026-12-01"
_FIELDS = ("id", "kind", "question", "history", "expected", "status", "split")


class DatasetError(ValueError):
    """The gold file is malformed; the message names the line or question id."""


@dataclass(frozen=True)
class Question:
    """One gold question.

    Attributes:
        id: Unique id, e.g. ``"q001"``.
        kind: The question's category ("citizen", "dialect", "followup", "out_of_scope", ...).
        question: The user's text, exactly as the assistant receives it.
        history: Earlier turns of the conversation, oldest first, as (role, text) pairs.
        expected: Acceptable service ids (the first set); every relevant service, primary first (the blind
            set); empty for out-of-scope questions.
        status: The reply status the assistant should give.
        split: "dev", "test", "dev2" or "test2".
        primary: The most important service (blind set), or "".
        aspects: For two-part questions, the (service, aspect) parts in the order asked.
        lang: The question's language or variety ("nb", "nn", "trondersk", "en", ...).
    """

    id: str
    kind: str
    question: str
    history: tuple[tuple[str, str], ...]
    expected: tuple[str, ...]
    status: str
    split: str
    primary: str = ""
    aspects: tuple[tuple[str, str], ...] = ()
    lang: str = "nb"

    @property
    def answerable(self) -> bool:
        """True for questions the retrieval metrics count: expected "answered" with a known service."""
        return self.status == "answered" and bool(self.expected)

    @classmethod
    def from_dict(cls, data: dict, *, where: str = "") -> Question:
        """Build a question from one parsed JSON object.

        Args:
            data: The object from one line of the gold file.
            where: Location for error messages (e.g. ``"line 7"``).

        Raises:
            DatasetError: A field is missing, has the wrong type or an unknown value.
        """
        prefix = f"{where}: " if where else ""
        if not isinstance(data, dict):
            raise DatasetError(f"{prefix}expected a JSON object, got {type(data).__name__}")
        missing = [f for f in _FIELDS if f not in data]
        if missing:
            raise DatasetError(f"{prefix}missing field(s) {missing}")
        for name in ("id", "kind", "question", "status", "split"):
            if not isinstance(data[name], str) or not data[name].strip():
                raise DatasetError(f"{prefix}{name!r} must be a non-empty string")
        value = data["expected"]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise DatasetError(f"{prefix}'expected' must be a list of non-empty strings")
        history = []
        for turn in data["history"]:
            if isinstance(turn, str) and turn.strip():
                history.append(("user", turn))
            elif (isinstance(turn, dict) and turn.get("role") in ("user", "assistant")
                  and isinstance(turn.get("text"), str) and turn["text"].strip()):
                history.append((turn["role"], turn["text"]))
            else:
                raise DatasetError(f"{prefix}'history' must hold strings or {{role, text}} objects")
        aspects = data.get("aspects") or []
        if not isinstance(aspects, list) or not all(isinstance(a, dict) and "aspect" in a for a in aspects):
            raise DatasetError(f"{prefix}'aspects' must be a list of {{service, aspect}} objects")
        q = cls(id=data["id"], kind=data["kind"], question=data["question"], history=tuple(history),
                expected=tuple(data["expected"]), status=data["status"], split=data["split"],
                primary=str(data.get("primary") or ""),
                aspects=tuple((str(a.get("service", "")), str(a["aspect"])) for a in aspects),
                lang=str(data.get("lang") or "nb"))
        if q.status not in STATUSES:
            raise DatasetError(f"{prefix}{q.id}: unknown status {q.status!r} (one of {STATUSES})")
        if q.split not in SPLITS:
            raise DatasetError(f"{prefix}{q.id}: unknown split {q.split!r} (one of {SPLITS})")
        if q.status == "no_answer" and q.expected:
            raise DatasetError(f"{prefix}{q.id}: a no_answer question cannot expect services {q.expected}")
        if len(set(q.expected)) != len(q.expected):
            raise DatasetError(f"{prefix}{q.id}: duplicate service ids in expected {q.expected}")
        return q


def parse_questions(lines: Iterable[str]) -> tuple[Question, ...]:
    """Parse and validate JSONL text (blank lines are skipped).

    Args:
        lines: The file's lines.

    Returns:
        The questions in file order.

    Raises:
        DatasetError: Invalid JSON, an invalid question, or a duplicate id.
    """
    questions: list[Question] = []
    seen: dict[str, int] = {}
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except ValueError as exc:
            raise DatasetError(f"line {n}: invalid JSON: {exc}") from exc
        q = Question.from_dict(data, where=f"line {n}")
        if q.id in seen:
            raise DatasetError(f"line {n}: duplicate id {q.id!r} (first on line {seen[q.id]})")
        seen[q.id] = n
        questions.append(q)
    if not questions:
        raise DatasetError("the question set is empty")
    return tuple(questions)


def load_questions(path: Path | str = QUESTIONS_PATH) -> tuple[Question, ...]:
    """Load and validate the gold file.

    Args:
        path: A JSONL file; defaults to ``evaluation/questions.jsonl``.

    Raises:
        DatasetError: The file is malformed (see :func:`parse_questions`).
        OSError: The file cannot be read.
    """
    with open(path, encoding="utf-8") as fh:
        return parse_questions(fh)


def select(questions: Sequence[Question], split: str = "all") -> tuple[Question, ...]:
    """The questions of one split, or all of them.

    Args:
        questions: The full set.
        split: "dev", "test" or "all".

    Raises:
        ValueError: Unknown split name.
    """
    if split == "all":
        return tuple(questions)
    if split not in SPLITS:
        raise ValueError(f"split must be 'all' or one of {SPLITS}, not {split!r}")
    return tuple(q for q in questions if q.split == split)


def check_service_ids(questions: Sequence[Question], known: Iterable[str]) -> None:
    """Fail loudly when the gold set names a service the guide no longer has (a renamed id).

    Args:
        questions: The questions to check.
        known: The guide's service ids.

    Raises:
        DatasetError: Listing every unknown id with the questions that use it.
    """
    known_ids = set(known)
    unknown: dict[str, list[str]] = {}
    for q in questions:
        for sid in q.expected:
            if sid not in known_ids:
                unknown.setdefault(sid, []).append(q.id)
    if unknown:
        detail = "; ".join(f"{sid!r} in {', '.join(ids)}" for sid, ids in sorted(unknown.items()))
        raise DatasetError(f"expected service ids not in the guide: {detail}")
