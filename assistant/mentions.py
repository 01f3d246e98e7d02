"""The services a message names: by title or alias (:class:`ServiceNames`), the one it asks about by its verb,
and the parts of it that name an outside body instead."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.bank_texts import outside_names
from assistant.rules import rules
from corpus.model import Document
from index.analysis import Analyzer, default_analyzer
from index.classifier import Prediction

__all__ = ["ServiceNames", "by_verb", "outside_parts_of"]


def _names_pattern(names: set[str]) -> re.Pattern[str] | None:
    names = {n for n in names if len(n) >= 2}
    if not names:
        return None
    # short names (KAD, BPA, TT) only as whole words; longer ones also inflected (rullatoren)
    alts = "|".join(re.escape(n) + (r"\w*" if len(n) >= 5 else "") for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"\b(?:{alts})\b")


@dataclass(frozen=True)
class ServiceNames:
    """Normalised names (title and aliases) of each service, for spotting explicit mentions.

    Generic words a service is also known by (its ``search_terms:``, e.g. "søknad", "lege") help the lexical
    index but do not count as naming it.
    """

    patterns: tuple[tuple[str, re.Pattern[str]], ...]
    #: The same for the titles alone: a service named by its title is asked about; one named by an alias may
    #: only be mentioned ("far sitter i rullestol og kan ikke gå på kino alene").
    titles: tuple[tuple[str, re.Pattern[str]], ...] = ()

    @classmethod
    def from_documents(cls, docs: Sequence[Document], analyzer: Analyzer | None = None) -> ServiceNames:
        """Compile one pattern per service; the general document is not a service to mention."""
        out, titles = [], []
        normalise = (analyzer or default_analyzer()).normalise
        for doc in docs:
            if doc.kind != "service":
                continue
            title = {normalise(doc.title)} | {normalise(p) for p in re.split(r"[()]", doc.title) if len(p.strip()) > 3}
            names = title | {normalise(n) for n in doc.aliases}
            for found, into in ((names, out), (title, titles)):
                pattern = _names_pattern(found)
                if pattern is not None:
                    into.append((doc.service_id, pattern))
        return cls(tuple(out), tuple(titles))

    def titled(self, normalised: str) -> list[str]:
        """Service ids named by their title in already normalised text."""
        return [service_id for service_id, rx in self.titles if rx.search(normalised)]

    def last_mentioned(self, normalised: str) -> str:
        """The service named last in already normalised text ("" when none): what a pronoun after it means."""
        found = [(m.end(), sid) for sid, rx in self.patterns for m in rx.finditer(normalised)]
        return max(found)[1] if found else ""

    def mentioned(self, normalised: str) -> list[str]:
        """Service ids named in already normalised text, longest match first."""
        found = []
        for service_id, rx in self.patterns:
            m = rx.search(normalised)
            if m:
                found.append((len(m.group(0)), service_id))
        return [sid for _, sid in sorted(found, reverse=True)]


def by_verb(normalised: str, named: Sequence[str]) -> str:
    """Of the named services, the one the text asks about by its verb ("hvordan klager vi"), else ""."""
    return next((sid for sid, rx in rules().asked_by_verb.items() if sid in named and rx.search(normalised)), "")


def outside_parts_of(parts: Sequence[tuple[str, Prediction, Prediction]], names: ServiceNames,
                     analyzer: Analyzer) -> tuple[list[tuple[str, Prediction, Prediction]], tuple[str, ...]]:
    """The parts the guide answers, and the outside topics of the rest: a part that names an outside body
    (``outside_routes.yaml``) and no service of the guide. Nothing is set apart when every part is outside."""
    covered, outside = [], []
    for part in parts:
        topic = next((t for t, rx in outside_names() if rx.search(part[0].lower())), "")
        if topic and not names.mentioned(analyzer.normalise(part[0])):
            outside.append(topic)
        else:
            covered.append(part)
    if not covered or not outside:
        return list(parts), ()
    return covered, tuple(dict.fromkeys(outside))
