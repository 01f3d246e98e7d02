"""Sentences of the guide that scope what they say to some ages, not quoted to a young person outside them.

A section on what a service is or includes may describe an offer for some ages only ("Helsestasjonen for barn fra 0
til 5 år omfatter:", with its list of home visits after birth and breastfeeding advice). A 15-year-old who asks for
someone to talk to is not told that. Adults are not held to it, nor a young mother-to-be or parent of a baby: the
list is for their child.
Which sections and how an age range is written is data (``assistant/language/ages.yaml``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from assistant.ages import Age, ages_data
from assistant.compose import Span, list_items, sentence_spans
from corpus.model import Chunk
from index.analysis import default_analyzer

__all__ = ["AgeScopes"]


class AgeScopes:
    """The sentences of the guide that scope what a section on what a service is or includes says to some ages
    (``scoped_range`` in ``ages.yaml``), and those that speak to parents or a mother-to-be (``parent_address``), each
    with the list it introduces: read once, at load."""

    def __init__(self, chunks: Sequence[Chunk], *, normalise: Callable[[str], str] | None = None) -> None:
        """``normalise``: the analyser's, which reads the messages whose words :meth:`unfit` compares."""
        d = ages_data()
        aspects, rx = set(d["scoped_aspects"]), re.compile(d["scoped_range"])
        normalise = normalise or default_analyzer().normalise
        self._parents = frozenset(normalise(str(word)) for word in d["parent_words"])
        self._adult_from, self._read_from = int(d["adult_from"]), int(d["read_from"])
        self._scoped: list[tuple[int, int, frozenset[tuple[str, int]]]] = []
        several: set[str] = set()  # the services that scope offers to ages speak to several people
        for chunk in (c for c in chunks if c.aspect in aspects):
            spans = sentence_spans(chunk.text)
            for i, span in enumerate(spans):
                if (m := rx.search(span.text.lower())) is not None:
                    self._scoped.append((int(m.group(1)), int(m.group(2)), _with_its_list(chunk, spans, i)))
                    several.add(chunk.service_id)
        # ... and in their text, what opens by speaking to parents or a mother-to-be, in any section
        addressed = re.compile(d["parent_address"])
        to_parents: set[tuple[str, int]] = set()
        for chunk in (c for c in chunks if c.service_id in several):
            spans = sentence_spans(chunk.text)
            for i, span in enumerate(spans):
                if not span.bullet and addressed.search(span.text.lower()):
                    to_parents |= _with_its_list(chunk, spans, i)
        self._to_parents = frozenset(to_parents)

    def unfit(self, age: Age | None, normalised: str = "") -> frozenset[tuple[str, int]]:
        """(chunk id, sentence start) of every scoped sentence (and its list) outside the ages of a young person (under
        18) the message (``normalised``) is about; none for an adult, where no age is stated, or for a young
        mother-to-be, parent or carer of a small child (``parent_words``, :attr:`Age.small_child`: the offers for
        small children are for that child)."""
        if age is None or age.high >= self._adult_from or age.small_child or self._parents & set(normalised.split()):
            return frozenset()
        scoped = frozenset(k for low, high, keys in self._scoped if age.low > high or age.high < low for k in keys)
        # what speaks to parents or a mother-to-be, where the young person writes about themselves
        return scoped if age.others or age.low < self._read_from else scoped | self._to_parents


def _with_its_list(chunk: Chunk, spans: Sequence[Span], i: int) -> frozenset[tuple[str, int]]:
    """(chunk id, start) of sentence ``i``, and of its list's items when it introduces one."""
    items = list_items(spans, i) if spans[i].text.rstrip().endswith(":") else []
    return frozenset((chunk.chunk_id, sp.start) for sp in (spans[i], *items))
