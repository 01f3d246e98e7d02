"""Aspects no section holds (how long it takes, a deadline, how long a service lasts): answered by the sentences of
a service's description that state them, wherever they stand, else by a fallback service's (the decision time of
any application), else by saying that the description does not state it. The topics and their patterns are data
(``assistant/language/patterns.yaml``, ``topics``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from assistant import templates
from assistant.compose import AnswerBuilder, Span
from assistant.rules import Topic, rules
from assistant.select import SectionPicker
from corpus.model import Chunk

__all__ = ["TopicAnswers"]


class TopicAnswers:
    """Quotes the sentences that state a topic, under their sections' headings (``title``: a service's title)."""

    def __init__(self, picker: SectionPicker, title: Callable[[str], str]) -> None:
        self.picker = picker
        self._title = title

    def answer(self, b: AnswerBuilder, service_id: str, topic: str, *, max_spans: int) -> bool:
        """An aspect no section holds (how long it takes): the service's own sentences that state it, under
        their section's heading; else those of the topic's fallback service, under its name."""
        t = rules().topics[topic]
        source = self.source(service_id, topic, skip=b.quoted)
        groups = self._stating(source, t, skip=b.quoted, max_spans=max_spans)
        if not groups:
            if t.not_stated and not self._stating(source, t, max_spans=1):
                # asked, and stated nowhere in the description: say so rather than quote something else
                b.add(templates.NOT_STATED.format(title=self._title(source), what=t.not_stated), kind="template",
                      service_id=source)
                return True
            return False
        if source != service_id:
            b.add(templates.LEAD.format(title=self._title(source)), kind="lead", service_id=source)
        # the heading the reply shows last counts too: two parts answered from one section share its heading
        added, section = False, self._last_heading(b, source)
        for chunk, spans in groups:
            # each section's sentences under its own heading: a deadline told under "Slik søker du" reads as such
            lead, name = ("", "") if chunk.section == section else \
                (templates.PART.format(section=chunk.section), chunk.section)
            section = chunk.section
            added |= b.add_quoted(chunk, spans, 0.0, prefix=lead, label=name, kind="quote")
        return added

    def tell(self, b: AnswerBuilder, service_id: str, topic: str) -> bool:
        """A topic the service's answers always state (its front matter's ``always_tell``): its own first sentence
        that states it, unless the reply quotes one already; never a fallback's, never "not stated"."""
        t = rules().topics[topic]
        stating = self._stating(service_id, t, max_spans=2)
        quoted = set(b.quoted)
        if not stating or any((chunk.chunk_id, span.start) in quoted for chunk, spans in stating for span in spans):
            return False
        chunk, spans = stating[0]
        lead = "" if chunk.section == self._last_heading(b, service_id) else templates.PART.format(section=chunk.section)
        return b.add_quoted(chunk, spans[:1], 0.0, prefix=lead, label=chunk.section if lead else "", kind="quote")

    def source(self, service_id: str, topic: str, *, skip: Iterable[tuple[str, int]] = ()) -> str:
        """Whose description answers a topic for a service: its own when it states it (in sentences not yet
        quoted), else the topic's fallback service (the decision time of any application), if there is one."""
        t = rules().topics[topic]
        if t.fallback and not self._stating(service_id, t, skip=skip, max_spans=1):
            return t.fallback
        return service_id

    def _stating(self, service_id: str, t: Topic, *, skip: Iterable[tuple[str, int]] = (),
                 max_spans: int) -> list[tuple[Chunk, list[Span]]]:
        """The service's sentences that state a topic (not yet quoted), those that say it outright first."""
        return self.picker.matching(service_id, t.sentences, prefer=t.prefer, exclude=t.exclude, skip=skip,
                                    max_spans=max_spans, avoid=t.avoid)

    @staticmethod
    def _last_heading(b: AnswerBuilder, service_id: str) -> str:
        """The section heading the reply's last quotes stand under, when they are this service's ("" if not)."""
        for part in reversed(b.parts):
            if part.service_id != service_id or part.kind != "quote":
                return ""
            if part.label:
                return part.label
        return ""
