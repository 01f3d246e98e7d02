"""Whom to ask about a price: a price answer that states no amount ends with the sentence of the same section that
says whom to ask ("Spør Forvaltning helse og omsorg om gjeldende egenandel per døgn."), whichever step of the
writer chose the price sentences (the section asked, or the detail a question points at). The patterns are data
(``assistant/language/patterns.yaml``: ``ask_whom``, ``price_amount`` and the price cue)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from assistant.compose import AnswerBuilder, Span
from assistant.matching import shared
from assistant.rules import rules
from assistant.sections import SectionSentence
from assistant.select import SectionPicker
from corpus.model import Chunk

__all__ = ["with_whom_to_ask"]

Groups = list[tuple[Chunk, list[Span]]]


def with_whom_to_ask(picker: SectionPicker, b: AnswerBuilder, service_id: str, aspect: str, groups: Groups) -> Groups:
    """The sentences chosen from a section; for a price section whose chosen sentences state no amount and say
    nobody to ask, with the section's sentence on whom to ask, in reading order."""
    said = [s.text.strip().lower() for _, spans in groups for s in spans]
    r = rules()
    if aspect != "cost" or not groups or any(r.price_amount.search(t) for t in said):
        return groups
    if any(r.ask_whom.search(t) for t in said):
        return groups  # one office to ask is enough (hjelpemidler names two)
    chosen = {(c.chunk_id, s.start) for c, spans in groups for s in spans}
    section = picker.section(service_id, "cost")
    skip = b.quoted | chosen
    found = _first(section, skip, lambda s, text: bool(r.ask_whom.search(text) and r.cue("cost").search(text)))
    if found is None:
        # one that names no price word, but the thing priced ("Spør ... om gjeldende husleie for boligen", after
        # "Du betaler husleie"); not one on something else in the same section (the trip to a dental clinic)
        priced = picker.telling_words(service_id, frozenset(
            t for s in section if (s.chunk.chunk_id, s.span.start) in chosen for t in s.terms))
        found = _first(section, skip, lambda s, text: bool(r.ask_whom.search(text) and shared(priced, s.terms)))
    if found is None:
        return groups
    chunk, span = found.chunk, found.span
    out = [(c, sorted([*spans, span], key=lambda x: x.start) if c.chunk_id == chunk.chunk_id else spans)
           for c, spans in groups]
    return out if any(c.chunk_id == chunk.chunk_id for c, _ in groups) else [*out, (chunk, [span])]


def _first(section: Sequence[SectionSentence], skip: Iterable[tuple[str, int]],
           wanted: Callable[[SectionSentence, str], bool]) -> SectionSentence | None:
    """The first sentence of the section, not in ``skip``, that ``wanted`` accepts (with its lower-cased text)."""
    done = set(skip)
    for s in section:
        if (s.chunk.chunk_id, s.span.start) not in done and wanted(s, s.span.text.strip().lower()):
            return s
    return None
