"""Recognising a service by the name an edition prints it under: catalogue title, alias, or a heading holding one.

Another municipality's guide may call *Hjemmesykepleie* "Helsetjenester i hjemmet (hjemmesykepleie)", and
*Langtidsopphold i sykehjem* "Langtidsplass i sykehjem" (an alias). Every name a service is known by is
collected; a line matches exactly, by containing a name as whole words, or by being very similar to a title.
When several services fit, the best-fitting one wins and the others are reported.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass

from corpus.schema import Schema, heading_key

#: A loosely matched title line is a heading, not a sentence: at most this many words.
MAX_TITLE_WORDS = 8
#: The matched name must cover this share of the line, so a sentence that merely mentions a service is no title.
MIN_COVER = 0.3
#: difflib ratio above which a line counts as a reworded title ("Langtidsplass i sykehjem").
MIN_SIMILARITY = 0.86
_HOW_RANK = {"exact": 3, "contains": 2, "similar": 1}
_PAREN = re.compile(r"^(.*?)\s*\(([^)]*)\)\s*$")


@dataclass(frozen=True)
class TitleMatch:
    """A line recognised as naming a service.

    Attributes:
        service_id: The service.
        how: "exact", "contains" or "similar"; "meaning" when no name matched (see corpus.chapter_match).
        kind: What the name was: "title" (the catalogue title), "title-part" (one half of a title with a
            parenthesis, "Dagaktivitetstilbud"), "general" (a name of the general chapter) or "alias";
            "meaning" for a match by meaning or by the chapter map.
        name: The name that matched, as written in the catalogue or front matter; for "meaning", how it was
            decided, with the score and margin.
        alternatives: Other services the line also fitted, less well.
    """

    service_id: str
    how: str
    kind: str
    name: str
    alternatives: tuple[str, ...] = ()

    def describe(self) -> str:
        """Human-readable: "catalogue title", "contains alias 'langtidsplass'", ..."""
        if self.kind == "meaning":
            return self.name
        what = {"title": f"catalogue title {self.name!r}", "title-part": f"part of the catalogue title {self.name!r}",
                "general": f"general chapter title {self.name!r}"}.get(self.kind, f"alias {self.name!r}")
        if self.how == "exact":  # the line is the name: no need to repeat it
            return {"title": "catalogue title", "title-part": "part of the catalogue title",
                    "general": "a name of the general chapter in schema.yaml"}.get(self.kind, what)
        return f"{'contains' if self.how == 'contains' else 'similar to'} {what}"


@dataclass(frozen=True)
class ServiceNames:
    """Every name of every service, keyed the way headings are compared (:func:`corpus.schema.heading_key`)."""

    names: tuple[tuple[str, str, str, str], ...]  # (key, service_id, kind, original)

    @classmethod
    def build(cls, catalogue: Mapping[str, str], aliases: Mapping[str, tuple[str, ...]],
              schema: Schema) -> ServiceNames:
        """Names from the catalogue titles (whole, and split at a final parenthesis), the aliases and the
        general document's title and its synonyms."""
        rows: list[tuple[str, str, str, str]] = []

        def add(sid: str, kind: str, name: str) -> None:
            key = heading_key(name)
            if len(key) >= 3:
                rows.append((key, sid, kind, name))

        for sid, title in catalogue.items():
            add(sid, "title", title)
            m = _PAREN.match(title)
            if m:  # "Dagaktivitetstilbud (dagsenter)": both halves name it
                add(sid, "title-part", m.group(1))
                add(sid, "alias", m.group(2))
        for sid, names in aliases.items():
            if sid in catalogue or sid == schema.general_id:
                for name in names:
                    add(sid, "alias", name)
        add(schema.general_id, "title", schema.general_title)
        for name in schema.general_title_synonyms:
            add(schema.general_id, "general", name)
        # a name shared by several services ("NAV", "sykehjem") names none of them
        owners: dict[str, set[str]] = {}
        for key, sid, _, _ in rows:
            owners.setdefault(key, set()).add(sid)
        unique = tuple(r for r in dict.fromkeys(rows) if len(owners[r[0]]) == 1)
        return cls(unique)

    def keys(self) -> set[str]:
        """Every name key."""
        return {r[0] for r in self.names}

    def match(self, line: str, *, exact_only: bool = False) -> TitleMatch | None:
        """The service a line names, or None.

        Args:
            line: A line of the guide (a chapter number is ignored).
            exact_only: Only whole-line matches (used for table-of-contents entries and wrapped titles).
        """
        key = heading_key(line)
        if not key:
            return None
        scored: dict[str, tuple[tuple, TitleMatch]] = {}

        def offer(sid: str, how: str, kind: str, name: str, size: float) -> None:
            score = (_HOW_RANK[how], kind != "alias", size)
            if sid not in scored or score > scored[sid][0]:
                scored[sid] = (score, TitleMatch(sid, how, kind, name))

        # a sentence or a list's lead-in ("Tildelingskriteriene for hjemmesykepleie er:") is no title
        sentence_like = line.rstrip().endswith((".", ",", ";", ":", "!", "?")) or line[:1].islower()
        loose = not exact_only and len(key.split()) <= MAX_TITLE_WORDS and not sentence_like
        for name_key, sid, kind, name in self.names:
            if name_key == key and (kind != "alias" or not sentence_like):
                offer(sid, "exact", kind, name, len(name_key))
            elif loose and len(name_key) >= MIN_COVER * len(key) and re.search(
                    rf"(?<!\w){re.escape(name_key)}(?!\w)", key):
                offer(sid, "contains", kind, name, len(name_key))
            elif loose and kind != "alias" and abs(len(name_key) - len(key)) <= 6:
                ratio = difflib.SequenceMatcher(None, name_key, key).ratio()
                if ratio >= MIN_SIMILARITY:
                    offer(sid, "similar", kind, name, ratio)
        if not scored:
            return None
        ranked = sorted(scored.values(), key=lambda item: item[0], reverse=True)
        best = ranked[0][1]
        # only rivals matched the same way are worth reporting: an exact title beats any alias it contains
        return TitleMatch(best.service_id, best.how, best.kind, best.name,
                          tuple(m.service_id for _, m in ranked[1:] if m.how == best.how))
