"""Step 1 of 3, understand: what a (masked) question asks, before anything is decided about the answer.

``Understander.understand`` reads the question once: it is normalised a single time, and its one embedding is
compared with the meaning banks (:mod:`assistant.meaning`). The result is a typed :class:`Understanding`:
language, emergency kind and score, out-of-scope score, services named, needs matched, every aspect asked
(in the order asked) and whether the turn leans on the conversation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace

from assistant.ages import stated_age
from assistant.asked import AskedPart, Understanding
from assistant.closing import Closing
from assistant.aspects import asked_aspects
from assistant.bank_texts import ABOUT_ASSISTANT, INTENTS, NO_SERVICE, outside_names, story_context_topics
from assistant.meaning import Calibration, Meaning
from assistant.message import (ASPECT_KEYS, asking_spans, asks_question, detect_aspects, detect_language,
                              preload_language, word_count)
from assistant.mentions import (ServiceNames, asked_about_of, asked_in_clause, clearly_other, conditions_only,
                                named_services, outside_parts_of, routes_only)
from assistant.parts import PartReader
from assistant.safety import Danger, emergency_kinds
from assistant.rules import rules
from assistant.types import Turn
from corpus.model import Document
from index.analysis import Analysis, Analyzer, default_analyzer
from index.classifier import Prediction

__all__ = ["AskedPart", "Understander", "Understanding"]


class Understander:
    """Turns a masked question (and the conversation) into an :class:`Understanding`."""

    def __init__(self, documents: Sequence[Document], calibration: Calibration, *,
                 analyzer: Analyzer | None = None) -> None:
        self.analyzer = analyzer or default_analyzer()
        self.names = ServiceNames.from_documents(documents, self.analyzer)
        #: The general documents and the aspects each answers for every service (the told need reads it too; read only)
        self.general_for = {d.service_id: frozenset(d.general_for) for d in documents if d.general_for}
        self.calibration = calibration
        self.parts = PartReader(self.names, self.analyzer, calibration)
        preload_language()  # load the language model now, not on the first question

    def understand(self, question: str, *, query: str, notices: tuple[str, ...], meaning: Meaning | None,
                   history: Sequence[Turn] = (), history_services: Sequence[str] = (),
                   sentence_meanings: Sequence[tuple[str, Meaning]] = (), safety_text: str = "",
                   asked: Prediction | None = None, about: Prediction | None = None,
                   parts: Sequence[tuple[str, Prediction, Prediction]] = (),
                   pattern_reading: Meaning | None = None, closing: Closing | None = None,
                   after_greeting: Prediction | None = None, analysis: Analysis | None = None,
                   language: str | None = None, danger: Danger | None = None,
                   readings: Mapping[str, Prediction] | None = None, relative: bool = False,
                   pointed: str = "", to_the_assistant: bool = False) -> Understanding:
        """Understand one question.

        Args:
            question: The cleaned, masked, truncated question.
            query: The same without mask placeholders.
            notices: Flags already raised while cleaning and masking.
            meaning: The banks' scores for the question's embedding (None when there is none).
            history: Earlier turns (only used to decide whether this one leans on them).
            history_services: The conversation's services, most recent first (resolved by the caller).
            sentence_meanings: Each sentence of the whole message with the banks' scores for it, for safety.
            safety_text: The whole message (masked, not truncated), which the emergency patterns read.
            asked: The aspect classifier's prediction for the question.
            about: The service classifier's prediction for the question.
            parts: For a message that asks several questions, each part with the two classifiers' predictions.
            readings: The topic classifier's reading of the question and of each part, by text (what comes after,
                how long, a deadline, a wait).
            pointed: The conversation's service a follow-up points to by a demonstrative and its noun ("det
                oppholdet": :meth:`~assistant.conversation.Conversation.described`), "" when none: the turn stays on
                the conversation, however surely its words read as another service.
            relative: The turn is a relative's own need after turns about someone else
                (:meth:`~assistant.conversation.Conversation.as_relative`).
            pattern_reading: The banks' reading of the message from the first sentence an emergency pattern
                matches to its end (None: the whole message's).
            closing: The message read as a closing (thanks or goodbye first, no question after), else None.
            danger: The danger classifier's reading of the message and its sentences (None: not read).
            after_greeting: For a message that opens with a greeting, the aspect classifier's prediction for the
                rest of it (None otherwise).
            analysis: ``query`` as the text analyser read it (None: read it here).
            to_the_assistant: The "assistant" classifier reads it as about the assistant (one sentence: no margins' box).
        """
        analysis = analysis if analysis is not None else self.analyzer.analyse(query)
        normalised = analysis.normalised
        language = language or detect_language(query)
        injection = bool(rules().injection.search(normalised))
        meanings = [m for m in (meaning, *(m for _, m in sentence_meanings)) if m is not None]
        safety_normalised = (self.analyzer.normalise(safety_text) if safety_text and safety_text != query
                             else normalised)
        c = self.calibration
        named = named_services(self.names, normalised, about, c)
        # a service named only as the way to another ("henvisning fra fastlegen", "via fastlegen") is not what is
        # asked, where the message has another to ask about: a name, the conversation's topic, the classifier's
        route = routes_only(self.names, normalised, named)
        if route and (set(named) - set(route) or history_services
                      or (about is not None and about.top not in (NO_SERVICE, *route))):
            named = tuple(sid for sid in named if sid not in route)
        asked_about = asked_about_of(self.names, normalised, named, about, c)
        if route and not named and not asked_about and about is not None and about.top not in (NO_SERVICE, *route) \
                and c.context_lead_p is not None and about.p >= c.context_lead_p:
            # the way is named, the destination read ("henvisning fra fastlegen for å gå til fysio"): it leads, where
            # the words of the way would pull the passages to the doctor
            asked_about = about.top
        if not asked_about and len(named) >= 2 and not parts:
            # of several services one question names, the one in the clause that asks; those in clauses that
            # only tell are context ("bor i omsorgsbolig, hva koster hjemmehjelpen?")
            asked_about = next(iter(asked_in_clause(query, self.names, self.analyzer.normalise)), "")
        # the last question again, for someone else ("gjelder det også kona mi som har demens?"): a service named
        # only by an alias is the person's situation, not a new topic; one named by its title is the new topic
        same = bool(history) and bool(history_services) and bool(rules().same_question.search(normalised))
        # ... and one that points to a thing of the conversation ("den gratis ordningen, gjelder den også mor? hun har
        # hjemmesykepleie") is about it, whatever it tells of the person, by title or not
        if same and named and (pointed or not self.names.titled(normalised)) \
                and conditions_only(self.names, normalised):
            named = ()
        # counted on the question as written: normalising keeps only Latin letters
        short = (n_words := word_count(query)) <= c.intent_max_words
        # a question about the assistant itself past the word limit is small talk where the service classifier reads
        # no service first ("Jeg vil heller snakke med et menneske enn med deg. Går det an?" got a carers' service);
        # one short sentence asking about the assistant or for a person is judged by the patterns and the danger
        # classifier, not the margins ("Gi meg et menneske!" got the box; 8 of 1,244 probe and dev messages, all calm);
        # nor one such sentence the "assistant" classifier reads so ("… maskin som svarer her og ikke folk." got the box)
        to_assistant = asked is not None and asked.top in ABOUT_ASSISTANT and about is not None \
            and about.top == NO_SERVICE
        small_talk = not named and ((to_the_assistant and not sentence_meanings) or (asked is not None and short and (
            (asked.top in INTENTS and asked.p >= c.intent_emergency_veto)
            or (asked.top in ABOUT_ASSISTANT and asked.p >= c.intent_threshold and not sentence_meanings))))
        emergency, concern = emergency_kinds(
            c, safety_normalised, meaning, sentence_meanings, injection=injection, small_talk=small_talk,
            pattern_reading=pattern_reading, raw=safety_text or query, closing=closing,
            in_conversation=bool(history), foreign=language != "nb", danger=danger)
        intent = ""
        if closing is not None and not emergency and not injection:
            intent = closing.intent  # what a closing names or describes is not a new question
        elif asked is not None and not emergency and not injection and not named and (short or to_assistant):
            # after a greeting ("God morgen! Hva kan du hjelpe med?") the rest says what the message wants
            said = after_greeting or asked
            service_like = about is not None and about.top != NO_SERVICE and about.p >= c.intent_service_veto
            # a greeting followed by a few words the service classifier is sure no service answers, and the
            # out-of-scope bank does not read as a topic outside the guide, is small talk ("hei! er det noen der?"),
            # not a question to decline ("Hei! Hva er hovedstaden i Frankrike?"), when the rest reads first as an
            # intent, however weakly
            no_service = about is not None and about.top == NO_SERVICE and about.p >= c.no_service_threshold
            outside = meaning is not None and c.out_of_scope_margin is not None \
                and meaning.out_of_scope_margin >= c.out_of_scope_margin
            if said.top in INTENTS and said.p >= c.intent_threshold and not service_like:
                intent = said.top
            elif no_service and not outside and after_greeting is not None and after_greeting.top in INTENTS \
                    and n_words <= c.greeting_rest_max_words + 1:
                intent = after_greeting.top
        oos_score = meaning.out_of_scope_margin if meaning else 0.0
        # the service classifier can also say that no service answers (trained on small talk and the tuning part
        # of the out-of-scope bank): on dev, +2 of 30 out-of-scope questions declined, no answerable one lost
        # (not for a short follow-up: "Og hvordan søker vi?" names no service because the conversation does)
        brief_follow_up = bool(history) and (n_words <= 4 or bool(rules().follow_up.search(normalised)))
        # a named service, or a question in another language (whose cosines to the mostly Norwegian banks are
        # less sure), needs a clearer margin before it is declined; so does a follow-up on a service of the guide,
        # which names it through the conversation ("hvor lenge må man vente da" after a turn about sykehjem)
        margin = c.out_of_scope_margin
        if margin is not None:
            on_topic = named or (brief_follow_up and bool(history_services))
            margin += (c.out_of_scope_named_extra if on_topic else 0.0) \
                + (c.foreign_extra if language != "nb" else 0.0)
        no_service = (about is not None and not named and not brief_follow_up and about.top == NO_SERVICE
                      and about.p >= c.no_service_threshold)
        by_bank = margin is not None and meaning is not None and oos_score >= margin
        if by_bank and language != "nb" and about is not None \
                and clearly_other(about, c, among=tuple(label for label in about.labels if label != NO_SERVICE)):
            # in another language the banks' cosines are less sure, and the classifier reads the service clearly:
            # a pregnant woman asking in Polish where to go for check-ups read as the hospital's, and is the
            # health station's midwife (dev16; no other dev reply changes)
            by_bank = False
        # in a message about a service of the guide, a part that names an outside body and no service ("..., og
        # påvirker det uføretrygden?") is declined on its own, with that body; the other parts are answered
        covered, outside_parts = outside_parts_of(parts, self.names, self.analyzer) if named else (parts, ())
        if outside_parts:
            # the part outside the guide explains the whole message's reading (measured, and tried per part: a
            # part's own bank reading is too noisy, "hvor lang tid tar det?" read as outside): the rest is answered
            parts, by_bank = covered, False
        # an outside body named beside a municipal service ("privat vaskebyrå som hjemmehjelp"): declined when the
        # bank does not read the question as plainly about the guide
        # ... where it asks: a sentence that tells where the person was ("skal ut fra St. Olav etter hjerneslag.")
        # is the story's context, and the question is the sentence that asks ("kan han få et rehabiliteringsopphold
        # i kommunen?"); a story that asks nothing is a situation for the guide, not a question for the hospital (a
        # message short enough to be small talk is no story: "fastlege på St. Olav")
        lowered = query.lower()
        asking = [(0, len(lowered))] if short else asking_spans(lowered)

        def named_where_asked(rx: re.Pattern[str]) -> bool:  # where it starts: "St. Olav" is cut after its dot
            return any(a <= m.start() < b for m in rx.finditer(lowered) for a, b in asking)

        body = "" if outside_parts else next((topic for topic, rx in outside_names() if (
            named_where_asked(rx) if topic in story_context_topics() else rx.search(lowered))), "")
        by_name = bool(body) and c.outside_name_margin is not None and meaning is not None \
            and oos_score >= c.outside_name_margin
        out_of_scope = not emergency and not intent and meaning is not None and margin is not None \
            and (by_bank or no_service or by_name)
        needs = tuple(sorted(((sid, s) for sid, s in (meaning.needs.items() if meaning else ()) if s > 0),
                             key=lambda x: (-x[1], x[0])))
        switch = bool(rules().switch.search(normalised))
        # a message that clearly matches another service than the conversation's does not lean on it
        follows = bool(rules().follow_up.search(normalised))
        # what the message as a whole asks (its parts may ask more each)
        readings = readings or {}
        message_aspects, message_source = self.aspects(query, asked, analysis=analysis, topic=readings.get(query),
                                                        language=language)
        # a follow-up that asks an aspect reads like the service about that aspect ("og prisen? hun har bare
        # minstepensjon" after a nursing home reads as payment): that is the subject's price, not a new need
        by_aspect = follows and about is not None and about.top in self.general_for \
            and bool(self.general_for[about.top] & set(message_aspects))
        # ... and one that refers back and asks, in so many words, a specific aspect of what it refers to ("ka skjer
        # når det e slutt da, må han heim igjen?" after a short stay reads like the rehabilitation stay's going home)
        asks_specific = message_source == "cues" and bool(set(message_aspects) - set(rules().general_aspects))
        of_topic = follows and asks_specific
        other = about is not None and about.top not in (NO_SERVICE, *history_services[:1]) and n_words > 4 \
            and not same and not by_aspect
        # ... or reads surely as a new need, or (unless it asks an aspect of what it refers to) far more as one than
        # as the conversation's topic
        # (a thing of the conversation pointed to by its noun stays in it, ``pointed``)
        elsewhere = other and not pointed and (about.p >= c.switch_confidence or (
            not of_topic and c.switch_lead_p is not None and about.p >= c.switch_lead_p and bool(history_services)
            and about.p >= c.switch_lead_ratio * about.prob(history_services[0])))
        # a turn leans on the conversation when it is short, refers back, or names nothing and asks a specific aspect
        # in so many words ("Kor lang tid har eg på meg?" after a turn about appealing), unless it reads as a new need;
        # a relative turning to their own need ("og for meg?", ``relative``) asks anew, of their own
        leans = (bool(history) and not named and not switch and not elsewhere and not relative
                 and (n_words <= 4 or follows or asks_specific))
        calm = not emergency and not out_of_scope and not injection and not intent
        inherits = leans and calm and bool(history_services)
        asked_parts: tuple[AskedPart, ...] = ()
        group: tuple[str, ...] = ()  # the services the previous part asked about together
        for text, p_asked, p_about in parts:
            previous = asked_parts[-1].service if asked_parts else ""
            # the service the previous part asks about by name ("Hva koster dagsenter, og hvem bestemmer om mor
            # får plass?"): the next part goes on about it unless it names another or is clearly about one
            asked_by_name = previous if asked_parts and asked_parts[-1].by_name else ""
            new = self.parts.read(text, p_asked, p_about, topic=readings.get(text),
                             before=query[: max(query.find(text), 0)], previous=previous,
                             asked_by_name=asked_by_name, instead=asked_about, message_about=about,
                             language=language)
            if len(new) == 1 and len(group) > 1 and not new[0].by_name and new[0].service == previous:
                # a part that refers back to services asked about together asks it of each ("Kan far få
                # trygghetsalarm og matombringing? Og søker vi om de to hver for seg?")
                new = tuple(replace(new[0], service=sid) for sid in group)
            asked_parts += new
            group = tuple(p.service for p in new)
        together = self.names.coordinated(normalised) if not parts and named and not asked_about else []
        if len(together) >= 2 and set(self.names.mentioned(normalised)) <= set(together):
            # one question about services named side by side asks the same of each ("Hva koster hjemmehjelp og
            # trygghetsalarm?"): a part for each, so no named service goes unanswered; not when it names another
            # one too ("vi får avlastning og omsorgsstønad, men kan han få støttekontakt?": those are context)
            asked_parts = self.parts.each(query, normalised, message_aspects, together)
        if asked_parts:
            aspects = tuple(dict.fromkeys(a for part in asked_parts for a in part.aspects))
            source = "parts" if aspects else ""
        else:
            aspects, source = message_aspects, message_source
            unsure = source == "" or (source == "classifier" and asked is not None
                                      and asked.restricted(ASPECT_KEYS).p < c.aspect_confident)
            # a follow-up that asks with a question word and its verb ("ka skjer når tida e ute?") says what it
            # asks, however unsure the classifier: not what the last question asked ("og for far?", "hva med mor?")
            says = bool(rules().asks_with_verb.search(normalised))
            if (inherits and unsure and not says) or (same and (inherits or named)):
                # a follow-up that does not say what it asks keeps asking what the last question asked
                earlier = next((t.text for t in reversed(history) if t.role == "user"), "")
                before = detect_aspects(earlier, analyzer=self.analyzer)
                if before:
                    aspects, source = before, ("same_question" if same else "conversation")
        return Understanding(
            question=question, query=query, language=language,
            notices=notices + (("injection",) if injection else ()),
            emergency=emergency, emergency_score=max((m.emergency_margin for m in meanings), default=0.0),
            emergency_named=tuple(kind for kind, rx in rules().emergency.items()
                                  if kind in emergency and rx.search(safety_normalised)),
            out_of_scope=out_of_scope, out_of_scope_score=oos_score, injection=injection, named=named,
            asked_about=asked_about,
            needs=needs, aspects=aspects, aspects_from=source, parts=asked_parts, asks=asks_question(query),
            leans_on_history=leans and calm, focus=tuple(history_services[:1]) if inherits else (),
            intent=intent, concern="" if emergency else concern,
            about=tuple(zip(about.labels[:5], about.probs[:5], strict=True)) if about else (),
            asked=tuple(zip(asked.labels[:4], asked.probs[:4], strict=True)) if asked else (),
            # the nearest out-of-scope sentence names the outside body only when the bank itself declined
            outside_topic=(body if by_name else meaning.out_of_scope_topic if by_bank else "other")
            if (meaning and out_of_scope) else "",
            switch=switch, analysis=analysis, outside_parts=outside_parts if not out_of_scope else (),
            age=stated_age(safety_text or query, normalise=self.analyzer.normalise, normalised=safety_normalised,
                           earlier=[t.text for t in history if t.role == "user"]),
        )

    def aspects(self, query: str, asked: Prediction | None, *, single: bool = False, analysis: Analysis | None = None,
                topic: Prediction | None = None, language: str = "nb") -> tuple[tuple[str, ...], str]:
        """Every aspect asked, in order, and where they came from (see :func:`assistant.aspects.asked_aspects`)."""
        return asked_aspects(query, asked, self.calibration, analyzer=self.analyzer, single=single, analysis=analysis,
                             topic=topic, language=language)
