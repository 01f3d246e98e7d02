"""Choosing the sentences of a section that answer a question.

A section can run over several chunks, and the sentence that holds the answer (a deadline, a threshold, what is
not included) often sits in a list or a later paragraph. :class:`SectionPicker` therefore reads the whole
section of one aspect of one service, sentence by sentence and list item by list item:

* the section's opening sentence states its main point, and is kept when nothing else fits;
* a sentence or list item that shares words with the question (stemmed, dialect mapped) holds its answer;
* a list item is never quoted without the sentence that introduces its list, and a short list is kept whole
  when the answer sits inside it;
* nothing already quoted in the reply is quoted again;
* when another section of the same service holds a sentence that shares clearly more distinctive words with
  the question than any sentence of the section asked (the deadline sits under "Hva inngår", not "Slik søker
  du"), that section holds the answer (:meth:`SectionPicker.best_aspect`; the writer quotes it after the section
  asked).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from assistant.compose import Span, sentence_spans
from assistant.everyday import EverydayWords
from assistant.matching import begun, both_parts, inflects, part_pairs, shared
from assistant.rules import rules
from assistant.sections import SectionSentence, definitions, grouped, overrun, run_from_start, says_not, with_list
from assistant.select_weights import (BRIDGE_IDF, DEFINITION_WEIGHT, DETAIL_MIN, DETAIL_TIE, NAME_WEIGHT,
                                      OTHER_SECTION_MARGIN, RARITY_WEIGHT, SECOND_SENTENCE_SHARE, TELLING_IDF)
from corpus.model import Chunk
from index.analysis import Analysis, Analyzer, default_analyzer


class SectionPicker:
    """Sentences by (service, aspect), with their stemmed terms computed once, when the picker is made (at load);
    a question's terms come from its :class:`~index.analysis.Analysis`, read once per ask."""

    def __init__(self, chunks: Sequence[Chunk], analyzer: Analyzer | None = None, *,
                 everyday: EverydayWords | None = None) -> None:
        self._analyzer = analyzer or default_analyzer()
        # what people call the things each service's text names (assistant/everyday.py); none: no bridges
        self._everyday = everyday
        terms = self._analyzer.terms
        self._sections: dict[tuple[str, str], list[SectionSentence]] = {}
        for chunk in chunks:
            section = self._sections.setdefault((chunk.service_id, chunk.aspect), [])
            for span in sentence_spans(chunk.text):
                section.append(SectionSentence(chunk, span, frozenset(terms(span.text)), len(section)))
        df = Counter(t for section in self._sections.values() for s in section for t in s.terms)
        n = sum(len(section) for section in self._sections.values()) or 1
        self._idf = {t: math.log(n / c) for t, c in df.items()}
        # what each sentence defines, as terms ("En koordinator er ...": {"koordinator"}), for "hva er ..." questions
        self._defines = definitions(self._sections, terms)
        # a service's own name says nothing about which of its sections holds the answer ("dagsenteret")
        self._names = {c.service_id: frozenset(terms(c.title)) for c in chunks}

    def terms(self, query: str | Analysis) -> frozenset[str]:
        """A question's terms: those of its analysis, or of the text (read here) when no analysis is given."""
        return frozenset(query.terms if isinstance(query, Analysis) else self._analyzer.terms(query))

    def _with_parts(self, query: str | Analysis) -> tuple[frozenset[str], dict[str, str]]:
        """A question's terms with the parts of each compound the guide never writes ("diabeteskost" finds "kost
        ved diabetes"), and those parts, each with its other part: a part counts only where a sentence holds both
        (:func:`~assistant.matching.both_parts`), so "besteforeldre" is not "foreldre" of how parents apply; and
        the guide's compounds a word it never writes alone begins ("vinduene": "vindusvask", :func:`begun`)."""
        terms = self.terms(query)
        pairs = part_pairs(terms, self._idf)
        return terms.union(pairs, begun(terms, self._idf)), pairs

    def _telling(self, service_id: str, q: frozenset[str], *, floor: float = TELLING_IDF) -> frozenset[str]:
        """The question's words that can tell its sentences apart: not the service's own name (in any
        inflection), and none rarer than ``floor`` in the guide."""
        names = self._names.get(service_id, frozenset())
        return frozenset(t for t in q if not any(inflects(t, n) for n in names) and self._idf.get(t, 0.0) >= floor)

    def _match(self, service_id: str, aspect: str, q: frozenset[str],
               pairs: Mapping[str, str] | None = None) -> float:
        """How much of the question a section holds: its best sentence's share, and a tenth of its second best
        (between two sections whose best sentences tie, the one that holds more of the question answers)."""
        q = self._telling(service_id, q)
        scores = sorted((sum(self._idf.get(t, 0.0) for t in both_parts(shared(q, s.terms), pairs or {}))
                         for s in self._sections.get((service_id, aspect), ())), reverse=True) + [0.0, 0.0]
        return scores[0] + SECOND_SENTENCE_SHARE * scores[1]

    def best_aspect(self, service_id: str, aspect: str, query: str | Analysis, *, avoid: Iterable[str] = ()) -> str:
        """The section of the service that holds the answer to ``query``: the one asked, unless another section's
        best sentence shares clearly more distinctive words with the question (``avoid``: aspects not to move to)."""
        if aspect == "law" and self.has(service_id, aspect):
            return aspect  # the legal basis is its own section's, whatever words the question shares elsewhere
        q, pairs = self._with_parts(query)
        own = self._match(service_id, aspect, q, pairs)
        others = [(self._match(service_id, a, q, pairs), a) for (sid, a) in self._sections
                  if sid == service_id and a != aspect and a not in set(avoid)]
        if not others:
            return aspect
        score, other = max(others)
        if aspect == "what" and own > 0:
            return aspect  # what a service is, is told in its description whenever that shares a telling word
        return other if score >= own + OTHER_SECTION_MARGIN and score >= 1.5 * own else aspect

    def detail(self, service_id: str, query: str | Analysis, *, skip: Iterable[tuple[str, int]] = (),
               avoid: Iterable[str] = ("law", "apply"),
               affirmative: bool = False, floor: float = DETAIL_MIN) -> tuple[str, list[tuple[Chunk, list[Span]]]]:
        """The sentence of the service (two, when they tie), in any section but ``avoid``, that holds a telling word of
        the question no sentence in ``skip`` holds ("finnes det en sensor som varsler hvis hun faller" finds the
        list item "fallsensor ..." under "Hva inngår"): the detail asked about, which sits in a list or a later
        paragraph. ``floor``: how much of the question it must hold. With ``affirmative``, only what the service
        does: no sentence, nor list item whose introduction, says what it does not ("Avlastning omfatter ikke:
        ..."). Returns its aspect and the sentence with what it needs to be read ("", [] when none)."""
        done, avoided = set(skip), set(avoid)
        q, pairs = self._with_parts(query)
        sections = {a: ss for a, ss in self.sections(service_id) if a not in avoided}
        found = self._holding(service_id, self._telling(service_id, q), pairs, sections, done,
                              affirmative=affirmative, floor=floor)
        if not found and self._everyday is not None:
            # no sentence holds the question's own words: the guide's words for what it calls things ("dusje":
            # "personlig hygiene") may, in this service's text
            bridged = self._everyday.guide_terms(service_id, q,
                                                 rare=lambda t: self._idf.get(t, math.inf) >= BRIDGE_IDF)
            if bridged:
                found = self._holding(service_id, self._telling(service_id, q | bridged), pairs, sections, done,
                                      affirmative=affirmative, floor=floor)
        if not found:
            return "", []
        found.sort(key=lambda f: (-f[0], f[2]))
        score, aspect, pos = found[0]
        sentences = sections[aspect]
        # two sentences of the same section that hold the question's words about equally (a "sensor som varsler
        # hvis hun faller": the fall sensor and the door sensor) are both the detail: a reader picks
        near = [p for sc, a, p in found[1:2] if a == aspect and sc >= DETAIL_TIE * score]
        chosen: list[int] = []
        for p in sorted([pos, *near]):
            chosen += [i for i in with_list(sentences, p, done, whole=False) if i not in chosen]
        return aspect, grouped(sentences, sorted(chosen))

    def _holding(self, service_id: str, q: frozenset[str], pairs: Mapping[str, str],
                 sections: Mapping[str, Sequence[SectionSentence]], done: set[tuple[str, int]], *,
                 affirmative: bool, floor: float) -> list[tuple[float, str, int]]:
        """The sentences of ``sections`` that hold at least ``floor`` of the telling words ``q`` that the reply has
        not quoted from this service yet: (how much, aspect, position), each readable with what it needs."""
        if not q:
            return []
        told = set()  # the question's words the reply has already quoted from this service
        for _, ss in self.sections(service_id):
            for s in ss:
                if (s.chunk.chunk_id, s.span.start) in done:
                    told |= both_parts(shared(q, s.terms), pairs)
        found: list[tuple[float, str, int]] = []
        for aspect, ss in sections.items():
            for s in ss:
                if (s.chunk.chunk_id, s.span.start) in done:
                    continue
                words = both_parts(shared(q, s.terms), pairs)
                new = sum(self._idf.get(t, 0.0) for t in words - told)
                if new < floor:
                    continue
                # a list item whose introduction is quoted already cannot be read on its own: no candidate
                group = with_list(ss, s.position, done, whole=False)
                if group and not (affirmative and says_not(ss, (group[0], s.position))):
                    found.append((new, aspect, s.position))
        return found

    def sections(self, service_id: str) -> list[tuple[str, Sequence[SectionSentence]]]:
        """Each section of a service, (aspect, its sentences), in the order the guide gives them."""
        return [(aspect, ss) for (sid, aspect), ss in self._sections.items() if sid == service_id]

    def has(self, service_id: str, aspect: str) -> bool:
        """Whether the service has a section of this aspect."""
        return bool(self._sections.get((service_id, aspect)))

    def sentence(self, service_id: str, aspect: str | None, text: str) -> tuple[Chunk, list[Span]] | None:
        """The span of a section whose text is exactly ``text`` (a route sentence from the front matter); in any
        of the service's sections when ``aspect`` is None."""
        sections = [self.section(service_id, aspect)] if aspect else [ss for _, ss in self.sections(service_id)]
        for s in (s for section in sections for s in section):
            if s.span.text.strip() == text.strip():
                return s.chunk, [s.span]
        return None

    def section(self, service_id: str, aspect: str) -> Sequence[SectionSentence]:
        """The sentences of one section, in reading order, each with its terms (read at load)."""
        return self._sections.get((service_id, aspect), ())

    def telling_words(self, service_id: str, words: frozenset[str]) -> frozenset[str]:
        """Of ``words``, those that can tell the service's sentences apart (see ``_telling``)."""
        return self._telling(service_id, words)

    def telling(self, service_id: str, query: str | Analysis, terms: frozenset[str], *,
                beyond: frozenset[str] = frozenset(), ignore: frozenset[str] = frozenset()) -> float:
        """How much of the question's telling words a sentence's ``terms`` hold that ``beyond`` (another
        sentence's terms) does not, ``ignore`` aside (inverse document frequency summed): "kreftkoordinator" asked
        is in the sentence on whom to contact, not the one on how to apply."""
        q = self._telling(service_id, self.terms(query)) - ignore
        held = shared(q, terms) - shared(q, beyond)
        return sum(self._idf.get(t, 0.0) for t in held)

    def pick(self, service_id: str, aspect: str, query: str | Analysis, *, max_words: int, max_spans: int = 3,
             skip: Iterable[tuple[str, int]] = (), whole_lists: bool = False,
             whole_section: int = 0, opening: bool = False, in_order: bool = False,
             affirmative: bool = False, opening_run: int = 0) -> list[tuple[Chunk, list[Span]]]:
        """The sentences of one section that answer ``query``, in reading order, grouped by chunk.

        Args:
            service_id: The service.
            aspect: The section's aspect key.
            query: The question (or the part of it) to answer, or its analysis.
            max_words: Word budget; a whole short list may run past it, a long one is cut to it.
            max_spans: At most this many sentences besides the items of a list kept whole.
            skip: (chunk_id, span start) pairs already quoted in the reply.
            whole_lists: Keep a short list whole when the answer sits inside it (an answer to a part asked);
                otherwise a list item comes with its introduction only (a reason in a situation answer).
            whole_section: Quote a section of at most this many words whole: a short section ("Hva koster
                det?" has 43 words at the median) is the complete answer, and a caseworker would not cut it.
            opening: Always begin with the section's opening sentence (why a service fits a situation: what it
                is for), then the sentences that share the question's words.
            in_order: After the sentences that share the question's words, the section's opening run of steps
                (sentences the apply cues find), in order, while the budget lasts: how to apply is the form, where
                to find it and where to send it, whatever words the question used.
            affirmative: Only what the service is and does: no sentence, nor list item whose introduction, says
                what it does not do (a reason why it fits is not "omfatter ikke: vindusvask").
            opening_run: Then the section from its start, in reading order and each list whole, up to this many
                words in all (a section on who can get a service: its criteria together).
        """
        sentences = self._sections.get((service_id, aspect), [])
        if not sentences:
            return []
        done = set(skip)
        if whole_section:
            rest = [i for i, s in enumerate(sentences) if (s.chunk.chunk_id, s.span.start) not in done]
            if rest and sum(len(sentences[i].span.text.split()) for i in rest) <= whole_section:
                return grouped(sentences, rest)
        q, pairs = self._with_parts(query)
        telling = self._telling(service_id, q, floor=0.0)
        # a question that asks what something is ("hva er en individuell plan"): the sentence defining it answers
        asks_what = aspect == "what" and bool(rules().cue("what").search(
            query.normalised if isinstance(query, Analysis) else self._analyzer.normalise(query)))
        scored = []
        for s in sentences:
            if (s.chunk.chunk_id, s.span.start) in done:
                continue
            # the words it shares, the service's own name counting little (many of its sentences have it, though
            # those that do are its main sentences), and the rarer in the guide the better: "vindusvask" finds its
            # list item before "Du kan kjøpe hjelp til oppgaver som ikke inngår i praktisk bistand"
            words = both_parts(shared(q, s.terms, parts=True), pairs)
            own = both_parts(shared(telling, s.terms, parts=True), pairs)
            overlap = len(own) + NAME_WEIGHT * len(words - own) \
                + RARITY_WEIGHT * sum(self._idf.get(t, 0.0) for t in own)
            defined = self._defines.get((s.chunk.chunk_id, s.span.start)) if asks_what else None
            if defined and defined <= q:
                overlap += DEFINITION_WEIGHT
            if overlap == 0 and s.position != 0:
                continue
            scored.append((overlap + (0.6 if s.position == 0 else 0.0) - 0.01 * s.position, s.position))
        chosen: set[int] = set()
        words = 0
        spans_left = max_spans
        if opening and (sentences[0].chunk.chunk_id, sentences[0].span.start) not in done \
                and not sentences[0].span.bullet:
            chosen.add(0)
            words = len(sentences[0].span.text.split())
            spans_left -= 1
        for _, pos in sorted(scored, reverse=True):
            if pos in chosen:
                continue
            group = with_list(sentences, pos, done, whole=whole_lists)
            # what says "not" is the introduction or the sentence that answers, not another item of a list kept whole
            if not group or (affirmative and says_not(sentences, (group[0], pos))):
                continue
            size = sum(len(sentences[i].span.text.split()) for i in group if i not in chosen)
            if chosen and words + size > max_words + overrun(sentences, group) and whole_lists:
                # a list too long to quote whole beside what is chosen: the item with its introduction
                group = with_list(sentences, pos, done, whole=False)
                size = sum(len(sentences[i].span.text.split()) for i in group if i not in chosen)
            if chosen and words + size > max_words + overrun(sentences, group):
                continue
            chosen |= set(group)
            words += size
            spans_left -= 1
            if spans_left <= 0 or words >= max_words:
                break
        if in_order:
            # then the section's opening run of steps, in order, while each is a step and fits
            words = run_from_start(sentences, chosen, done, words, max_words, step=rules().steps)
        if opening_run:
            # then the section from its start, each list whole, while the run lasts: criteria are read together
            # ("minst 32 timer per uke" beside "25 til 32 timer"), and a partial list misleads
            run_from_start(sentences, chosen, done, words, opening_run)
        return grouped(sentences, sorted(chosen))
