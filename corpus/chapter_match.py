"""Which service is a chapter whose title names none? Decided by meaning, with a margin, or by the chapter map.

Another municipality may title *Hjemmesykepleie* "Sjukepleie i heimen" or "Hjelp med medisiner og sår der du
bor": no catalogue title or alias is in the line. Such a chapter (found by :mod:`corpus.layout`: a title line
followed by section headings) is compared, by its title and first paragraph, with every service not already
found by name -- its catalogue title, aliases and catalogue description (the ``scope`` column). The best service
is taken only when it scores at least :data:`MIN_SCORE` and beats the runner-up by :data:`MIN_MARGIN` of its
own score; otherwise the chapter is refused and reported, never guessed. A chapter whose headings are the
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
            "weak" (nothing alike enough), "taken" (a better chapter has that service) or "map-none".
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
        scores = f"{self.best} {self.score:.2f}"
        if self.runner_up:
            scores += f", runner-up {self.runner_up} {self.runner_score:.2f}, margin {self.margin:.0%}"
        reason = {"meaning": "by meaning", "ambiguous": f"ambiguous (margin under {MIN_MARGIN:.0%})",
                  "weak": f"too unlike any service (score under {MIN_SCORE:.2f})",
                  "taken": "its best service was matched better by another chapter"}[self.how]
        return f"{reason}, {self.scorer}: {scores}"


def service_texts(catalogue: Mapping[str, str], aliases: Mapping[str, tuple[str, ...]],
                  descriptions: Mapping[str, str]) -> dict[str, str]:
    """service_id -> what a chapter is compared with: title, aliases and description, one text."""
    return {sid: ". ".join([title, *aliases.get(sid, ()), descriptions.get(sid, "")])
            for sid, title in catalogue.items()}


def match_chapters(chapters: Sequence[Chapter], services: Mapping[str, str], *, general_id: str,
                   chapter_map: ChapterMap = ChapterMap(), scorer: ChapterScorer | None = None,
                   ) -> list[ChapterMatch]:
    """Decide each chapter's service.

    Args:
        chapters: Chapters whose titles name no service, in reading order.
        services: service_id -> text (:func:`service_texts`) of the services still to be found; the general
            chapter's id among them if it is still to be found.
        general_id: The general chapter's id.
        chapter_map: Titles whose service is given; they win.
        scorer: Similarity (default :class:`NgramScorer`).

    Returns:
        One match per chapter, in order; refusals have ``service_id`` None.
    """
    scorer = scorer or NgramScorer()
    results: list[ChapterMatch | None] = [None] * len(chapters)
    open_ids = [sid for sid in services if sid != general_id]
    to_score = []
    for k, chapter in enumerate(chapters):
        named, sid = chapter_map.lookup(chapter.title)
        if named:
            results[k] = ChapterMatch(sid, "map" if sid else "map-none")
        elif chapter.general:
            results[k] = (ChapterMatch(general_id, "general-headings") if general_id in services
                          else ChapterMatch(None, "taken", best=general_id))
        elif open_ids:
            to_score.append(k)
        else:
            results[k] = ChapterMatch(None, "weak")
    if to_score:
        matrix = scorer.score([chapters[k].text for k in to_score], [services[s] for s in open_ids])
        for row, k in zip(matrix, to_score, strict=True):
            order = sorted(range(len(open_ids)), key=lambda j: -row[j])
            best, second = order[0], (order[1] if len(order) > 1 else None)
            found = ChapterMatch(None, "meaning", float(row[best]), open_ids[best],
                                 open_ids[second] if second is not None else "",
                                 float(row[second]) if second is not None else 0.0, scorer.name)
            how = ("weak" if found.score < MIN_SCORE else "ambiguous" if found.margin < MIN_MARGIN else "meaning")
            results[k] = replace(found, service_id=found.best if how == "meaning" else None, how=how)
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
    return [m for m in results if m is not None]


def _rank(match: ChapterMatch | None) -> tuple[bool, float]:
    return (match is not None and match.how == "map", match.score if match else 0.0)
