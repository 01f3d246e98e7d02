"""A section of a service read sentence by sentence: what a sentence needs to be read (a list item its
introduction, an introduction its items), which sentences say what a service does not do, and the quotes they make
(grouped by chunk). :mod:`assistant.select` chooses among them."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from assistant.compose import Span
from assistant.rules import rules
from corpus.model import Chunk

__all__ = ["SHORT_LIST_ITEMS", "SHORT_LIST_WORDS", "WHOLE_LIST_ITEMS", "SectionSentence", "definitions", "grouped",
           "overrun", "run_from_start", "says_not", "with_list"]

#: A list with at most this many items is quoted whole when the answer sits inside it.
WHOLE_LIST_ITEMS = 8
#: A list this short is never quoted in part: at most ``SHORT_LIST_WORDS`` words in its items, or at most
#: ``SHORT_LIST_ITEMS`` items of at most twice as many words. One item of three under "skal inneholde:" or "på to
#: måter:" reads as the whole list (a reader took "klesvask" alone under "kan for eksempel omfatte:" to mean that
#: floors are not cleaned). Of the guide's 96 lists, 40 have at most 3 items.
SHORT_LIST_ITEMS = 3
SHORT_LIST_WORDS = 30
#: A sentence that says what a service does not do or include ("Avlastning omfatter ikke:", "er ikke en varig
#: tjeneste"); not any "ikke" ("følger personen og ikke en bestemt bil" says what it does).
_NOT = re.compile(r"\b(omfatter|inngår|dekker|gjelder|gir|er|kan) (\w+ ){0,2}ikke\b|\bheller ikke\b|\bunntatt\b",
                  re.IGNORECASE)


@dataclass(frozen=True)
class SectionSentence:
    """One sentence or list item of a section, with its stemmed terms and its place in the section."""

    chunk: Chunk
    span: Span
    terms: frozenset[str]
    position: int  # in the section, across its chunks


def says_not(sentences: Sequence[SectionSentence], group: Iterable[int]) -> bool:
    """Whether a sentence of the group (a list item, or the introduction of its list) says what a service does
    not do or include."""
    return any(_NOT.search(sentences[i].span.text) for i in group)


def _items_after(sentences: Sequence[SectionSentence], intro: int) -> list[int]:
    out = []
    for j in range(intro + 1, len(sentences)):
        if not sentences[j].span.bullet:
            break
        out.append(j)
    return out


def _short(sentences: Sequence[SectionSentence], items: list[int]) -> bool:
    words = sum(len(sentences[i].span.text.split()) for i in items)
    return words <= SHORT_LIST_WORDS or (len(items) <= SHORT_LIST_ITEMS and words <= 2 * SHORT_LIST_WORDS)


def overrun(sentences: Sequence[SectionSentence], group: Sequence[int]) -> int:
    """How many words past a budget the group may run: the items of a short list it holds whole (cutting them
    would mislead, and dropping the list would lose the answer; at most ``2 * SHORT_LIST_WORDS``), else 0."""
    intro = next((i for i in group if not sentences[i].span.bullet and sentences[i].span.text.endswith(":")), None)
    if intro is None:
        return 0
    items = _items_after(sentences, intro)
    if not _short(sentences, items) or not set(items) <= set(group):
        return 0
    return sum(len(sentences[i].span.text.split()) for i in items)


def with_list(sentences: list[SectionSentence], pos: int, done: set[tuple[str, int]], *, whole: bool) -> list[int]:
    """A sentence with what it needs to be read: a list item with its introduction (and the whole list when
    it is short); an introduction ending in ':' with its items."""
    s = sentences[pos]
    if s.span.bullet:
        intro = next((j for j in range(pos - 1, -1, -1) if not sentences[j].span.bullet), None)
        if intro is None:
            return [pos]
        if (sentences[intro].chunk.chunk_id, sentences[intro].span.start) in done:
            # its introduction is quoted already, in another paragraph: alone, the item would read as part of
            # whatever list came last ("vindusvask" under "kan for eksempel omfatte")
            return []
        items = _items_after(sentences, intro)
        group = [intro, *(items if (whole and len(items) <= WHOLE_LIST_ITEMS) or _short(sentences, items) else [pos])]
    elif s.span.text.endswith(":"):
        items = _items_after(sentences, pos)
        group = [pos, *(items if _short(sentences, items) else items[: WHOLE_LIST_ITEMS if whole else 2])]
    else:
        group = [pos]
    return [i for i in group if (sentences[i].chunk.chunk_id, sentences[i].span.start) not in done]


def grouped(sentences: list[SectionSentence], positions: list[int]) -> list[tuple[Chunk, list[Span]]]:
    """The sentences at ``positions``, in that order, grouped by the chunk they stand in (a quote per chunk)."""
    out: list[tuple[Chunk, list[Span]]] = []
    for i in positions:
        s = sentences[i]
        if out and out[-1][0].chunk_id == s.chunk.chunk_id:
            out[-1][1].append(s.span)
        else:
            out.append((s.chunk, [s.span]))
    return out


def run_from_start(sentences: Sequence[SectionSentence], chosen: set[int], done: set[tuple[str, int]], words: int,
                    budget: int, *, step: re.Pattern[str] | None = None) -> int:
    """Add to ``chosen`` the section's sentences from its start, in reading order, while they fit ``budget`` words
    in all: with ``step``, single sentences that pattern finds (the run stops at the first other); without, each
    with its list (whole up to ``WHOLE_LIST_ITEMS`` items; a list that does not fit ends the run). Updates
    ``chosen`` in place and returns the words chosen."""
    for s in sentences:
        if s.position in chosen or (s.chunk.chunk_id, s.span.start) in done:
            continue
        extra = 0
        if step is None:
            group = [i for i in with_list(sentences, s.position, done, whole=True) if i not in chosen]
        elif s.span.bullet or not step.search(s.span.text.lower()):
            group = []
        elif s.span.text.endswith(":"):
            # a step that introduces a list ("Søknaden skal inneholde:") is read with its items, and a short list may
            # run past the budget as it may elsewhere; with its items quoted already, the introduction alone would
            # say nothing
            group = [i for i in with_list(sentences, s.position, done, whole=True) if i not in chosen]
            group = group if len(group) > 1 else []
            extra = overrun(sentences, group) if group else 0
        else:
            group = [s.position]
        size = sum(len(sentences[i].span.text.split()) for i in group)
        if not group or words + size > budget + extra:
            break
        chosen |= set(group)
        words += size
    return words


def definitions(sections: Mapping[tuple[str, str], Sequence[SectionSentence]],
                terms: Callable[[str], Iterable[str]]) -> dict[tuple[str, int], frozenset[str]]:
    """What the guide's sentences define, as terms, by (chunk id, span start): "En individuell plan er en skriftlig
    plan ..." defines {"individuel", "plan"} (``definition`` in patterns.yaml). Of a service's sentences that define
    one subject, the first only: its definition ("Omsorgsstønad er en ..."), not a later one that says what it is
    not ("Omsorgsstønad er ikke en lønn")."""
    out: dict[tuple[str, int], frozenset[str]] = {}
    seen: set[tuple[str, frozenset[str]]] = set()
    for (service_id, _), section in sections.items():
        for s in section:
            m = rules().definition.match(s.span.text)
            subject = frozenset(terms(m.group(1))) if m else frozenset()
            if subject and (service_id, subject) not in seen:
                seen.add((service_id, subject))
                out[(s.chunk.chunk_id, s.span.start)] = subject
    return out
