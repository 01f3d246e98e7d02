"""Which service is a chapter whose title names none? Decided by meaning, with a margin, or by the chapter map.

Another municipality may title *Hjemmesykepleie* "Sjukepleie i heimen" or "Hjelp med medisiner og sår der du
bor": no catalogue title or alias is in the line. Such a chapter (found by :mod:`corpus.layout`: a title line
followed by section headings) is compared, by its title and first paragraph, with every catalogue service: its
title, aliases and description (the catalogue's ``scope`` column). The best service is taken only when it scores
at least :data:`MIN_SCORE`, beats the runner-up by :data:`MIN_MARGIN` of its own score, and is not found by
name elsewhere; otherwise the chapter is refused and reported, never guessed. A chapter whose headings are the
general chapter's can only be the general chapter.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from corpus.chapter_map import ChapterMap
from corpus.similarity import ChapterScorer, NgramScorer

#: Below this score nothing is alike enough to be the chapter's service (n-gram cosine; correct matches on the
#: test editions score 0.22-0.73).
MIN_SCORE = 0.20
#: The best must beat the runner-up by this share of its own score (the test editions' closest correct call:
#: 0.11, "Klagebehandling etter forvaltningsloven" over *Slik søker du*).
MIN_MARGIN = 0.10


@dataclass(frozen=True)
class Chapter:
    """A chapter whose title names no service.

    Attributes:
        title: The title line(s) as printed.
        text: Title and first paragraph, what is compared.
        page: Where the title stands.
        general: Its headings are the general chapter's.
    """

    title: str
    text: str
    page: int
    general: bool = False


@dataclass(frozen=True)
class ChapterMatch:
    """What one chapter was taken for.

    Attributes:
        service_id: The service, or None when refused.
        how: "meaning", "general-headings", "map" (the chapter map names it), or for a refusal "ambiguous",
            "weak" (nothing alike enough), "taken" (another chapter has that service: by name, or with a
            higher score), "general-taken" or "map-none".
        score: The best service's score (0 for the map).
        best: The best-scoring service, also when refused.
        runner_up: The second best service and its score ("" and 0 when there is none).
        runner_score: See runner_up.
        scorer: The similarity's name.
    """

    service_id: str | None
    how: str
    score: float = 0.0
    best: str = ""
    runner_up: str = ""
    runner_score: float = 0.0
    scorer: str = ""

    @property
    def margin(self) -> float:
        """How far the best is ahead of the runner-up, as a share of the best score."""
        return (self.score - self.runner_score) / self.score if self.score > 0 else 0.0

    def describe(self) -> str:
        """For ``corpus check``: how it was matched, the score and the margin, or why it was refused."""
        if self.how == "map":
            return "the chapter map"
        if self.how == "map-none":
            return "the chapter map says it is no service"
        if self.how == "general-headings":
            return "its headings are the general chapter's"
        if self.how == "general-taken":
            return "its headings are the general chapter's, which another chapter already is"
        scores = f"{self.best} {self.score:.2f}"
        if self.runner_up:
            scores += f", runner-up {self.runner_up} {self.runner_score:.2f}, margin {self.margin:.0%}"
        reason = {"meaning": "by meaning", "ambiguous": f"ambiguous (margin under {MIN_MARGIN:.0%})",
                  "weak": f"too unlike any service (score under {MIN_SCORE:.2f})",
                  "taken": "its best service is another chapter's"}[self.how]
        return f"{reason}, {self.scorer}: {scores}"


def service_texts(catalogue: Mapping[str, str], aliases: Mapping[str, tuple[str, ...]],
                  descriptions: Mapping[str, str]) -> dict[str, str]:
    """service_id -> what a chapter is compared with: title, aliases and description, one text."""
    return {sid: ". ".join([title, *aliases.get(sid, ()), descriptions.get(sid, "")])
            for sid, title in catalogue.items()}


def match_chapters(chapters: Sequence[Chapter], services: Mapping[str, str], *, general_id: str,
                   found: frozenset[str] = frozenset(), chapter_map: ChapterMap = ChapterMap(),
                   scorer: ChapterScorer | None = None) -> list[ChapterMatch]:
    """Decide each chapter's service.

    Args:
        chapters: Chapters whose titles name no service, in reading order.
        services: service_id -> text (:func:`service_texts`) of every service, the general chapter's id too.
        general_id: The general chapter's id.
        found: Services already found by name. A chapter is scored against every service, so one that is most
            like a service found elsewhere is refused, and the runner-up is the best of all others.
        chapter_map: Titles whose service is given; they win.
        scorer: Similarity (default :class:`NgramScorer`).

    Returns:
        One match per chapter, in order; refusals have ``service_id`` None.
    """
    scorer = scorer or NgramScorer()
    results: list[ChapterMatch | None] = [None] * len(chapters)
    ids = [sid for sid in services if sid != general_id]
    to_score = []
    for k, chapter in enumerate(chapters):
        named, sid = chapter_map.lookup(chapter.title)
        if named:
            results[k] = ChapterMatch(sid, "map" if sid else "map-none")
        elif chapter.general:
            results[k] = (ChapterMatch(general_id, "general-headings") if general_id not in found
                          else ChapterMatch(None, "general-taken"))
        else:
            to_score.append(k)
    if to_score and ids:
        matrix = scorer.score([chapters[k].text for k in to_score], [services[s] for s in ids])
        for row, k in zip(matrix, to_score, strict=True):
            order = sorted(range(len(ids)), key=lambda j: -row[j])
            best, second = order[0], (order[1] if len(order) > 1 else None)
            m = ChapterMatch(None, "meaning", float(row[best]), ids[best], ids[second] if second is not None else "",
                             float(row[second]) if second is not None else 0.0, scorer.name)
            how = ("weak" if m.score < MIN_SCORE else "ambiguous" if m.margin < MIN_MARGIN
                   else "taken" if m.best in found else "meaning")
            results[k] = replace(m, service_id=m.best if how == "meaning" else None, how=how)
    # one chapter per service: the map first, then the higher score
    owner: dict[str, int] = {}
    for k, match in enumerate(results):
        if match is None or match.service_id is None:
            continue
        rival = owner.get(match.service_id)
        if rival is None:
            owner[match.service_id] = k
            continue
        keep, drop = (rival, k) if _rank(results[rival]) >= _rank(match) else (k, rival)
        owner[match.service_id] = keep
        lost = results[drop]
        results[drop] = replace(lost, service_id=None, how="taken")
    return [m if m is not None else ChapterMatch(None, "weak") for m in results]


def _rank(match: ChapterMatch | None) -> tuple[bool, float]:
    return (match is not None and match.how == "map", match.score if match else 0.0)
