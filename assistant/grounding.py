"""The runtime grounding check: a reply may hold only fixed templates and sentences quoted from its sources.

Every writer's reply passes through :meth:`Grounding.problems` before it is returned. A paragraph is either
a template of :mod:`assistant.templates` (placeholders filled only with service titles, section headings and
numbers), or quoted sentences, each followed by ``[n]`` and found verbatim in citation n's quote and chunk,
optionally after a template prefix (a section heading, a service name, "Slik søker du:"). Citations must be
numbered 1..n, each quote must stand in its chunk, and every marker must point at a citation and back.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping, Sequence

from assistant import templates
from assistant.rules import rules
from assistant.types import STATUSES, Reply
from corpus.model import Chunk, Document

_MARKER = re.compile(r"\[(\d+)\]")
_QUOTED_SEGMENT = re.compile(r"(.+?) \[(\d+)\](?: |$)")


def verbatim(text: str, source: str, *, bold_free: bool = False) -> bool:
    """Whether ``text`` (not empty) stands word for word in ``source``; with ``bold_free``, also when the only
    difference is Markdown bold (a reply sentence keeps the guide's emphasis, or drops it)."""
    if not text:
        return False
    return text in source or (bold_free and text.replace("**", "") in source.replace("**", ""))


class Grounding:
    """Checks replies against the templates and the indexed chunks."""

    def __init__(self, chunks: Sequence[Chunk], documents: Iterable[Document]) -> None:
        self.chunks: Mapping[str, Chunk] = {c.chunk_id: c for c in chunks}
        docs = list(documents)
        titles = {d.title for d in docs}
        sections = {s.heading for d in docs for s in d.sections} | {c.section for c in chunks}
        # as a part of a reply shows them: a heading that is no question ends with a colon
        sections |= {templates.heading_text(s) for s in sections}

        def alternatives(values: set[str]) -> str:
            return "(?:" + "|".join(re.escape(v) for v in sorted(values, key=len, reverse=True)) + ")"

        stated = {t.not_stated for t in rules().topics.values() if t.not_stated}
        fill = {"title": alternatives(titles | {f"**{t}**" for t in titles}), "section": alternatives(sections),
                "limit": r"\d+", "what": alternatives(stated or {"-"})}

        def compile_template(paragraph: str) -> str:
            return "".join(re.escape(literal) + (fill[name] if name is not None else "")
                           for literal, name, _, _ in string.Formatter().parse(paragraph))

        raw = [getattr(templates, n) for n in dir(templates) if n.isupper() and isinstance(getattr(templates, n), str)]
        data = templates.data()
        raw += list(data.language_notes.values()) + list(data.outside_routes.values())
        raw += list(data.about_assistant.values())
        self._paragraphs = [re.compile(compile_template(p)) for t in raw for p in t.split("\n\n")]
        prefixes = [templates.PART, templates.SERVICE_ITEM, templates.SITUATION_ROUTE]
        alternatives_ = "(?:" + "|".join(compile_template(p) for p in prefixes) + ")"
        self._prefix = re.compile(alternatives_ + " ")
        # a prefix alone on its line introduces a quoted list
        self._prefix_only = re.compile(alternatives_)

    def problems(self, reply: Reply) -> list[str]:
        """Everything that breaks the contract; an empty list means the reply is grounded."""
        out: list[str] = []
        if reply.status not in STATUSES:
            out.append(f"unknown status {reply.status!r}")
        if not reply.text.strip():
            out.append("empty text")
        if [c.n for c in reply.citations] != list(range(1, len(reply.citations) + 1)):
            out.append("citations are not numbered 1..n")
        by_n = {c.n: c for c in reply.citations}
        for c in reply.citations:
            chunk = self.chunks.get(c.chunk_id)
            if chunk is None:
                out.append(f"citation {c.n} names an unknown chunk")
            elif not verbatim(c.quote, chunk.text):
                out.append(f"citation {c.n}'s quote is not in its chunk")
        markers = {int(m) for m in _MARKER.findall(reply.text)}
        if markers != set(by_n):
            out.append(f"markers {sorted(markers)} do not match citations {sorted(by_n)}")
        for paragraph in reply.text.split("\n\n"):
            if any(p.fullmatch(paragraph) for p in self._paragraphs):
                continue
            for line in paragraph.split("\n"):
                out += self._line_problems(line, by_n)
        return out

    def _line_problems(self, line: str, by_n: Mapping[int, object]) -> list[str]:
        if self._prefix_only.fullmatch(line):
            return []
        line = line.removeprefix("- ")
        m = self._prefix.match(line)
        if m:
            line = line[m.end():]
        pos = 0
        for seg in _QUOTED_SEGMENT.finditer(line):
            if seg.start() != pos:
                return [f"text that is neither template nor quoted: {line[pos:seg.start()][:60]!r}"]
            sentence, n = seg.group(1), int(seg.group(2))
            citation = by_n.get(n)
            if citation is None:
                return [f"marker [{n}] without a citation"]
            chunk = self.chunks.get(citation.chunk_id)  # type: ignore[attr-defined]
            quote = citation.quote  # type: ignore[attr-defined]
            if not verbatim(sentence, quote, bold_free=True):
                return [f"sentence not in citation {n}'s quote: {sentence[:60]!r}"]
            if chunk is None or not verbatim(sentence, chunk.text, bold_free=True):
                return [f"sentence not in citation {n}'s chunk: {sentence[:60]!r}"]
            pos = seg.end()
        if pos != len(line) or not line:
            return [f"text that is neither template nor quoted: {line[pos:][:60]!r}"]
        return []
