"""The guide's words in people's words: what a question calls a thing, and what the guide calls it.

People write "dusje" where the guide says "personlig hygiene", "medisinmaskina" for "elektronisk
medisindispenser", "husleiga" for "husleie", "går ut om natta" for a "dørsensor". The sentence that answers then
shares no word with the question, and the writer cannot find it by the question's words alone.

``assistant/language/everyday.jsonl`` holds, per service, the everyday words and short phrases (bokmål, nynorsk,
trøndersk) people use for the things that service's text names, each with the guide's own words for it. Helpers
wrote it blind, from each service's text alone (never an evaluation question), 20–100 lines per service.

A bridge is a hint, not a synonym: it only helps choose among one service's sentences (see
:meth:`assistant.select.SectionPicker.detail`), and only for that service. Two kinds of lines are left out when
the file is read: a phrase that holds the cue of an aspect ("kor mykje kostar", "når kommer de"), which says what
is asked, not what it is about (the cues of what is included name things, "vask", "vindu", and stay); and a line
whose guide words are all among its own.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from assistant.rules import DATA_DIR, rules
from index.analysis import Analyzer, default_analyzer

__all__ = ["Bridge", "EVERYDAY_FILE", "EverydayWords", "everyday_words"]

EVERYDAY_FILE = DATA_DIR / "everyday.jsonl"


@dataclass(frozen=True)
class Bridge:
    """One everyday word or phrase (its terms, all of which a question must hold) and the guide's terms for it."""

    everyday: frozenset[str]
    guide: frozenset[str]


@dataclass(frozen=True)
class EverydayWords:
    """The bridges of each service, as analysed terms."""

    bridges: Mapping[str, tuple[Bridge, ...]]

    @classmethod
    def read(cls, path: Path = EVERYDAY_FILE, analyzer: Analyzer | None = None) -> EverydayWords:
        """Read and analyse the file (one JSON object per line: ``service_id``, ``guide``, ``everyday``)."""
        analyzer = analyzer or default_analyzer()
        # what is included is told by naming things ("vask", "vindu"): those cues name a thing, the others what is asked
        cues = [rx for aspect, rx in rules().aspects if aspect != "included"]
        out: dict[str, list[Bridge]] = {}
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                service_id, guide, everyday = str(row["service_id"]), str(row["guide"]), str(row["everyday"])
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{path.name} line {n}: {exc}") from exc
            said, named = frozenset(analyzer.terms(everyday)), frozenset(analyzer.terms(guide))
            if not said or named <= said or any(rx.search(analyzer.normalise(everyday)) for rx in cues):
                continue
            out.setdefault(service_id, []).append(Bridge(said, named))
        return cls({sid: tuple(b) for sid, b in out.items()})

    def guide_terms(self, service_id: str, terms: Iterable[str], *, rare: Callable[[str], bool]) -> frozenset[str]:
        """The guide's terms for the everyday words of ``terms`` in one service's text: those of each bridge whose
        words the terms hold, every one of them ``rare`` in the guide (a word the guide uses often is matched as it
        stands, and a bridge on it, "dagen" for "hvor mange dager i uken", only adds noise)."""
        held = frozenset(terms)
        found: set[str] = set()
        for bridge in self.bridges.get(service_id, ()):
            if bridge.everyday <= held and all(rare(t) for t in bridge.everyday):
                found |= bridge.guide
        return frozenset(found - held)


_READ: dict[str, EverydayWords] = {}


def everyday_words(analyzer: Analyzer | None = None) -> EverydayWords:
    """The bridges of ``assistant/language/everyday.jsonl``, read once per analyser (by its fingerprint)."""
    analyzer = analyzer or default_analyzer()
    if analyzer.fingerprint not in _READ:
        _READ[analyzer.fingerprint] = EverydayWords.read(EVERYDAY_FILE, analyzer)
    return _READ[analyzer.fingerprint]
