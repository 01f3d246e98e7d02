"""Sentences of the guide that scope what they say to some ages, not quoted to a young person outside them.

A section on what a service is or includes may describe an offer for some ages only ("Helsestasjonen for barn fra 0
til 5 år omfatter:", with its list of home visits after birth and breastfeeding advice). A 15-year-old who asks for
someone to talk to is not told that. Adults are not held to it, nor a young mother-to-be or parent of a baby: the
list is for their child.
Which sections and how an age range is written is data (``assistant/language/ages.yaml``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.ages import Age, ages_data
from assistant.compose import sentence_spans
from corpus.model import Chunk
from index.analysis import default_analyzer

__all__ = ["AgeScopes"]


class AgeScopes:
    """The sentences of the guide that scope what a section on what a service is or includes says to some ages
    (``scoped_range`` in ``ages.yaml``), and those that speak to parents or a mother-to-be (``parent_address``), each
    with the list it introduces: read once, at load."""

    def __init__(self, chunks: Sequence[Chunk]) -> None:
        d = ages_data()
        aspects, rx = set(d["scoped_aspects"]), re.compile(d["scoped_range"])
        normalise = default_analyzer().normalise
        self._parents = frozenset(normalise(str(word)) for word in d["parent_words"])
        self._adult_from, self._read_from = int(d["adult_from"]), int(d["read_from"])
        addressed = re.compile(d["parent_address"])
        self._scoped: list[tuple[int, int, frozenset[tuple[str, int]]]] = []
        to_parents: set[tuple[str, int]] = set()
        # a service that scopes some of its offers to ages speaks to several people (parents, mothers-to-be, pupils)
        several = {c.service_id for c in chunks if c.aspect in aspects and rx.search(c.text.lower())}
        for chunk in chunks:
            spans = sentence_spans(chunk.text)
            for i, span in enumerate(spans):
                text = span.text.lower()
                m = rx.search(text) if chunk.aspect in aspects else None
                if m is None and (span.bullet or chunk.service_id not in several or not addressed.search(text)):
                    continue
                keys = {(chunk.chunk_id, span.start)}
                if span.text.rstrip().endswith(":"):  # its list goes with it
                    for item in spans[i + 1:]:
                        if not item.bullet:
                            break
                        keys.add((chunk.chunk_id, item.start))
                if m is not None:
                    self._scoped.append((int(m.group(1)), int(m.group(2)), frozenset(keys)))
                else:
                    to_parents |= keys
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
