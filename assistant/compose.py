"""Composing a grounded answer: pick sentences from the right passages and cite each one.

No language model: every sentence of an answer is either quoted verbatim from a chunk (and followed by its
citation marker) or one of the fixed templates in :mod:`assistant.templates`.
"""

from __future__ import annotations

import dataclasses
import re
from itertools import takewhile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from assistant import templates
from assistant.types import Citation, ReplyPart
from corpus.model import Chunk
from corpus.text import sentence_bounds

@dataclass(frozen=True)
class Span:
    """A sentence (or bullet line) of a chunk, with its character offsets in ``chunk.text``."""

    start: int
    end: int
    text: str
    bullet: bool


def sentence_spans(text: str) -> list[Span]:
    """Sentences and bullet lines of a chunk, with offsets so quotes stay verbatim."""
    spans: list[Span] = []
    offset = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped.startswith("- "):
            start = offset + line.index("- ") + 2
            spans.append(Span(start, offset + len(line.rstrip()), text[start : offset + len(line.rstrip())], True))
        elif stripped:
            lead = len(line) - len(line.lstrip())
            for a, b in sentence_bounds(line[lead:]):
                start, end = offset + lead + a, offset + lead + b
                spans.append(Span(start, end, text[start:end], False))
        offset += len(line) + 1
    return spans


def list_items(spans: Sequence[Span], i: int) -> list[Span]:
    """The bullet lines that follow ``spans[i]`` (the items of the list a sentence ending in ':' introduces)."""
    return list(takewhile(lambda sp: sp.bullet, spans[i + 1:]))


@dataclass
class AnswerBuilder:
    """Accumulates answer lines and their numbered citations."""

    lines: list[str] = field(default_factory=list)
    parts: list[ReplyPart] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    _ranges: dict[str, tuple[int, int]] = field(default_factory=dict)
    _quoted: set[tuple[str, int]] = field(default_factory=set)
    #: The words of every sentence quoted so far (not a list item, nor the sentence that introduces a list: an item
    #: must follow its own introduction): two services' descriptions can state the same sentence
    #: ("Hjemmesykepleie er gratis."), and a reply said it once under each.
    _said: set[str] = field(default_factory=set)
    #: (service_id, aspect) of every section quoted from.
    sections: set[tuple[str, str]] = field(default_factory=set)

    @classmethod
    def without(cls, sentences: Iterable[tuple[str, int]]) -> AnswerBuilder:
        """A builder that never quotes ``sentences`` ((chunk id, span start) pairs), as if it had quoted them."""
        return cls(_quoted=set(sentences))

    def cite(self, chunk: Chunk, spans: list[Span], score: float) -> int:
        """Register a citation for ``spans`` of ``chunk``.

        A chunk cited twice keeps one number; its quote then grows to the stretch of the chunk that covers
        every sentence marked with that number, so each marked sentence stays inside its citation's quote.
        """
        start, end = spans[0].start, spans[-1].end
        for i, c in enumerate(self.citations):
            if c.chunk_id == chunk.chunk_id:
                old_start, old_end = self._ranges[c.chunk_id]
                start, end = min(start, old_start), max(end, old_end)
                self._ranges[c.chunk_id] = (start, end)
                self.citations[i] = dataclasses.replace(c, quote=chunk.text[start:end])
                return c.n
        quote = chunk.text[start:end]
        self._ranges[chunk.chunk_id] = (start, end)
        n = len(self.citations) + 1
        self.citations.append(Citation(n=n, service_id=chunk.service_id, title=chunk.title,
                                       section=chunk.section, page=chunk.page, source=chunk.source,
                                       quote=quote, score=round(score, 4), chunk_id=chunk.chunk_id))
        return n

    def add_quoted(self, chunk: Chunk, spans: list[Span], score: float, *, prefix: str = "",
                   kind: str = "quote", label: str = "") -> bool:
        """Add the spans as one paragraph (bullets as a list), each followed by its marker.

        ``prefix`` is the paragraph's label as Markdown (a template: the section heading, the service's name),
        ``label`` the same as plain text for the typed part. A sentence already quoted in this reply is not
        repeated; nor is a sentence of the same words from another chunk (or one that begins with such a sentence,
        or that such a sentence begins with, of at least ``SAID_PREFIX_WORDS`` words), as long as the paragraph
        keeps something of its own (a service whose answer is only a sentence another service states,
        "Klagefristen er tre uker fra du fikk vedtaket.", gets it under its own name). Returns whether anything was
        added.
        """
        spans = [s for s in spans if (chunk.chunk_id, s.start) not in self._quoted]
        fresh = [s for s in spans if not _repeatable(s) or not _said_already(_sentence_key(s.text), self._said)]
        if fresh:
            spans = fresh
        if not spans:
            return False
        self._quoted |= {(chunk.chunk_id, s.start) for s in spans}
        self._said |= {_sentence_key(s.text) for s in spans if _repeatable(s)}
        self.sections.add((chunk.service_id, chunk.aspect))
        n = self.cite(chunk, spans, score)
        # in reading order: sentences run on in one line, list items each on their own line, so an item always
        # follows the sentence that introduces its list
        lines: list[str] = []
        for i, span in enumerate(spans):
            if span.bullet:
                lines.append(f"- {span.text} [{n}]")
            elif i and not spans[i - 1].bullet:
                lines[-1] += f" {span.text} [{n}]"
            else:
                lines.append(f"{span.text} [{n}]")
        body = "\n".join(lines)
        if prefix:
            lines[0] = f"{prefix} {lines[0]}" if not lines[0].startswith("- ") else lines[0]
            if lines[0].startswith("- "):
                lines.insert(0, prefix)
        text = "\n".join(lines)
        self.lines.append(text)
        self.parts.append(ReplyPart(kind=kind, text=text, service_id=chunk.service_id, citations=(n,),
                                    label=label if prefix else "", body=body))
        return True

    def add_passage(self, groups: list[tuple[Chunk, list[Span]]], *, heading: bool = False, prefix: str = "",
                    label: str = "", kind: str = "quote") -> bool:
        """Quote groups of spans (one per chunk) as one passage: the first group added under ``prefix`` (with
        ``label``), or with ``heading`` under its section's heading (:func:`templates.part_heading`), the rest run
        on. Returns whether anything was added."""
        added = False
        for chunk, spans in groups:
            lead, name = (prefix, label) if not added else ("", "")
            if heading and not added:
                lead, name = templates.part_heading(chunk.section), chunk.section
            added |= self.add_quoted(chunk, spans, 0.0, prefix=lead, label=name, kind=kind)
        return added

    @property
    def quoted(self) -> frozenset[tuple[str, int]]:
        """(chunk_id, span start) of every sentence quoted so far (a sentence is never quoted twice)."""
        return frozenset(self._quoted)

    def add(self, text: str, *, kind: str = "template", service_id: str = "") -> None:
        """Add a fixed template paragraph."""
        self.lines.append(text)
        self.parts.append(ReplyPart(kind=kind, text=text, service_id=service_id))

    @property
    def text(self) -> str:
        """The answer as Markdown paragraphs."""
        return "\n\n".join(line for line in self.lines if line)


_WORD = re.compile(r"\w+")


def _sentence_key(text: str) -> str:
    """A sentence's words, for telling whether two chunks state the same sentence."""
    return " ".join(_WORD.findall(text.lower()))


#: A sentence that begins with another of at least this many words says it again ("Du trenger ikke henvisning fra
#: lege." and "Du trenger ikke henvisning fra lege for å gå til kommunal fysioterapi …": a reader failed the reply
#: for saying it twice).
SAID_PREFIX_WORDS = 5


def _said_already(key: str, said: set[str]) -> bool:
    """Whether a sentence (its key) was said in this reply: the same words, or words one of them begins with."""
    if key in said:
        return True
    return any((key.startswith(k + " ") or k.startswith(key + " "))
               and len(min(key, k, key=len).split()) >= SAID_PREFIX_WORDS for k in said)


def _repeatable(span: Span) -> bool:
    """Whether a span may be left out as said already: a sentence, not a list item nor a list's introduction."""
    return not span.bullet and not span.text.rstrip().endswith(":")
