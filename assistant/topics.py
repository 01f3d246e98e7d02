"""Aspects no section holds (how long it takes, a deadline, how long a service lasts): answered by the sentences of
a service's description that state them, wherever they stand, else by a fallback service's (the decision time of
any application), else by saying that the description does not state it. The topics and their patterns are data
(``assistant/language/patterns.yaml``, ``topics``)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from assistant import templates
from assistant.compose import AnswerBuilder, Span, list_items, sentence_spans
from assistant.rules import Topic, rules
from assistant.sections import SectionSentence, grouped, with_list
from assistant.select import SectionPicker
from corpus.model import Chunk, Document

__all__ = ["TopicAnswers", "answered_by", "matching"]


class TopicAnswers:
    """Quotes the sentences that state a topic, under their sections' headings (``title``: a service's title)."""

    def __init__(self, picker: SectionPicker, title: Callable[[str], str], granted: Callable[[str], bool]) -> None:
        self.picker = picker
        self._title = title
        # the fallbacks (the decision time of any application, the deadline to appeal) are Forvaltning's: they
        # answer for the services it grants, not for one NAV, a doctor or another body decides on ("når får jeg svar
        # på søknaden om sosialhjelp?" is NAV's to answer)
        self._granted = granted

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
                (templates.part_heading(chunk.section), chunk.section)
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
        # its first sentence, or the list it introduces with its items (an introduction alone is a list cut to
        # nothing)
        first = [spans[0], *list_items(spans, 0)] if spans[0].text.endswith(":") else spans[:1]
        same = chunk.section == self._last_heading(b, service_id)
        lead = "" if same else templates.part_heading(chunk.section)
        return b.add_quoted(chunk, first, 0.0, prefix=lead, label=chunk.section if lead else "", kind="quote")

    def source(self, service_id: str, topic: str, *, skip: Iterable[tuple[str, int]] = ()) -> str:
        """Whose description answers a topic for a service: its own when it states it (in sentences not yet
        quoted), else the topic's fallback service (the decision time of any application), if there is one."""
        t = rules().topics[topic]
        if t.fallback and self._granted(service_id) and not self._stating(service_id, t, skip=skip, max_spans=1):
            return t.fallback
        return service_id

    def _stating(self, service_id: str, t: Topic, *, skip: Iterable[tuple[str, int]] = (),
                 max_spans: int) -> list[tuple[Chunk, list[Span]]]:
        """The service's sentences that state a topic (not yet quoted), those that say it outright first."""
        return matching(self.picker, service_id, t.sentences, prefer=t.prefer, exclude=t.exclude, skip=skip,
                        max_spans=max_spans, avoid=t.avoid, paragraph=t.paragraph)

    @staticmethod
    def _last_heading(b: AnswerBuilder, service_id: str) -> str:
        """The section heading the reply's last quotes stand under, when they are this service's ("" if not)."""
        for part in reversed(b.parts):
            if part.service_id != service_id or part.kind != "quote":
                return ""
            if part.label:
                return part.label
        return ""


def answered_by(doc: Document) -> frozenset[str]:
    """The aspects a description answers: those of its sections, and the topics one of its sentences states, read
    as :func:`matching` reads them (sentence by sentence, without the sentences ``exclude`` finds or the sections
    ``avoid`` names: "klagefristen er fire uker" is no length of a stay)."""
    own = {sec.aspect for sec in doc.sections}
    for key, t in rules().topics.items():
        if any(_states(t.sentences, t.exclude, span.text.lower())
               for sec in doc.sections if sec.aspect not in t.avoid for span in sentence_spans(sec.text)):
            own.add(key)
    return frozenset(own)


def _states(pattern: re.Pattern[str], exclude: re.Pattern[str] | None, text: str) -> bool:
    """Whether a sentence (lower-cased) states what ``pattern`` finds, and not what ``exclude`` finds."""
    return bool(pattern.search(text)) and not (exclude and exclude.search(text))


@dataclass(frozen=True)
class _Found:
    """A sentence that states a topic, with how it ranks and what it needs to be read (its list)."""

    rank: tuple[bool, bool, int, int, int]
    order: int
    sentences: Sequence[SectionSentence]
    group: list[int]


def matching(picker: SectionPicker, service_id: str, pattern: re.Pattern[str], *,
             prefer: re.Pattern[str] | None = None, exclude: re.Pattern[str] | None = None,
             skip: Iterable[tuple[str, int]] = (), max_spans: int = 2,
             avoid: Iterable[str] = ("law",), paragraph: bool = False) -> list[tuple[Chunk, list[Span]]]:
    """Sentences of a service's description, over all its sections, that ``pattern`` finds (a deadline, a
    waiting time): an aspect the guide states wherever it fits. Those ``prefer`` finds too (that say it
    outright: "fire uker") are chosen first; at most ``max_spans``, quoted in reading order, a list item
    with the sentence that introduces its list. Sections of the ``avoid`` aspects are not read (the law that
    governs a deadline is not the deadline), nor sentences ``exclude`` finds (the deadline to appeal is no
    length of stay). With ``paragraph``, sentences that tell it one after the other come before one that
    mentions it in passing (what happens after a stay: "Før korttidsoppholdet er over, ... etterpå. Etter
    korttidsopphold flytter mange hjem ... Hvis du fortsatt ikke kan bo trygt hjemme, gjør kommunen en ny
    vurdering")."""
    done = set(skip)
    avoided = set(avoid)
    found: list[_Found] = []
    for order, (aspect, sentences) in enumerate(picker.sections(service_id)):
        if aspect in avoided:
            continue
        texts = [s.span.text.lower() for s in sentences]
        states = [_states(pattern, exclude, text) for text in texts]
        for s in sentences:
            if (s.chunk.chunk_id, s.span.start) in done or not states[s.position]:
                continue
            group = with_list(sentences, s.position, done, whole=False)
            if not group:
                continue
            text = texts[s.position]
            outright = bool(prefer and prefer.search(text))
            # with ``paragraph``, a sentence whose neighbour tells it too first; of those that say it outright, the
            # one that says more first ("Før korttidsoppholdet er over, ... hva som skal skje etterpå"); a phrase
            # that states it and says it outright counts twice
            told = paragraph and not s.span.bullet and any(
                states[j] and not sentences[j].span.bullet for j in (s.position - 1, s.position + 1)
                if 0 <= j < len(sentences))
            said = len(pattern.findall(text)) + len(prefer.findall(text)) if outright and prefer else 0
            found.append(_Found((not told, not outright, -said, order, s.position), order, sentences, group))
    chosen: dict[tuple[int, int], SectionSentence] = {}
    for f in sorted(found, key=lambda f: f.rank)[:max_spans]:
        for i in f.group:
            chosen.setdefault((f.order, i), f.sentences[i])
    ordered = [chosen[k] for k in sorted(chosen)]
    return grouped(ordered, list(range(len(ordered))))
