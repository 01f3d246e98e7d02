"""Composing a grounded answer: pick sentences from the right passages and cite each one.

No language model: every sentence of an answer is either quoted verbatim from a chunk (and followed by its
citation marker) or one of the fixed templates in :mod:`assistant.templates`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from assistant.types import Citation, ReplyPart
from corpus.model import Chunk
from corpus.text import sentence_bounds
from index.normalize import lexical_terms

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


def _bullets_after(spans: list[Span], i: int, limit: int = 6) -> list[int]:
    out = []
    for j in range(i + 1, len(spans)):
        if not spans[j].bullet or len(out) >= limit:
            break
        out.append(j)
    return out


def pick_spans(chunk: Chunk, query: str, *, max_words: int, max_spans: int = 3) -> list[Span]:
    """The sentences of ``chunk`` most relevant to ``query``, in reading order, within a word budget.

    Relevance is shared stemmed terms; the section's opening sentence gets a small bonus because the guide
    states the main point first. Only sentences that share a term with the query, or open the passage, are
    candidates: a quoted sentence must either answer the question or give the passage's main point. A sentence
    ending in ":" brings the bullet lines that follow it.
    """
    spans = sentence_spans(chunk.text)
    if not spans:
        return []
    q = set(lexical_terms(query))
    scored = []
    for i, span in enumerate(spans):
        overlap = len(q & set(lexical_terms(span.text)))
        if overlap == 0 and i != 0 and not span.bullet:
            continue
        scored.append((overlap + (0.6 if i == 0 else 0.0) - 0.01 * i, i))
    chosen: list[int] = []
    words = 0
    for _, i in sorted(scored, reverse=True):
        if spans[i].bullet:
            # a bullet makes sense only after the sentence that introduces the list (if there is one)
            intro = next((j for j in range(i - 1, -1, -1) if not spans[j].bullet), None)
            if intro is not None and intro not in chosen:
                continue
        group = [i]
        if spans[i].text.endswith(":"):
            group += _bullets_after(spans, i)
            # a long list is cut to what the budget holds (two items at least), never quoted whole past it
            while len(group) > 3 and sum(len(spans[j].text.split()) for j in group) > max_words:
                group.pop()
        size = sum(len(spans[j].text.split()) for j in group if j not in chosen)
        if chosen and words + size > max_words:
            continue
        for j in group:
            if j not in chosen:
                chosen.append(j)
        words += size
        if len(chosen) >= max_spans or words >= max_words:
            break
    return [spans[i] for i in sorted(chosen)]


@dataclass
class AnswerBuilder:
    """Accumulates answer lines and their numbered citations."""

    lines: list[str] = field(default_factory=list)
    parts: list[ReplyPart] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    _ranges: dict[str, tuple[int, int]] = field(default_factory=dict)
    _quoted: set[tuple[str, int]] = field(default_factory=set)

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
                   kind: str = "quote") -> bool:
        """Add the spans as one paragraph (bullets as a list), each followed by its marker.

        A sentence already quoted in this reply is not repeated. Returns whether anything was added.
        """
        spans = [s for s in spans if (chunk.chunk_id, s.start) not in self._quoted]
        if not spans:
            return False
        self._quoted |= {(chunk.chunk_id, s.start) for s in spans}
        n = self.cite(chunk, spans, score)
        prose: list[str] = []
        bullets: list[str] = []
        for span in spans:
            (bullets if span.bullet else prose).append(f"{span.text} [{n}]")
        text = " ".join(prose)
        if prefix:
            text = f"{prefix} {text}".strip()
        if bullets:
            text = (text + "\n" if text else "") + "\n".join(f"- {b}" for b in bullets)
        self.lines.append(text)
        self.parts.append(ReplyPart(kind=kind, text=text, service_id=chunk.service_id, citations=(n,)))
        return True

    def add(self, text: str, *, kind: str = "template", service_id: str = "") -> None:
        """Add a fixed template paragraph."""
        self.lines.append(text)
        self.parts.append(ReplyPart(kind=kind, text=text, service_id=service_id))

    @property
    def text(self) -> str:
        """The answer as Markdown paragraphs."""
        return "\n\n".join(line for line in self.lines if line)
