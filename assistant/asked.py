"""What step 1 (:mod:`assistant.understanding`) hands to the plan: the typed :class:`Understanding` of one
question, with the :class:`AskedPart` of each question a message asks."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.ages import Age
from index.analysis import Analysis

__all__ = ["AskedPart", "Understanding"]


@dataclass(frozen=True)
class AskedPart:
    """One question inside a message that asks several ("Hvor lang tid tar det, og kan vi klage?").

    Attributes:
        text: The part's own words.
        aspects: What it asks (cue words, else the aspect classifier on the part alone).
        service: The service the part names, or the one the service classifier is confident in, else "".
        by_name: The part names ``service`` in so many words (title or alias).
        from_message: ``service`` is the one another part of the message names, taken for want of a name of its
            own (the part's passages and the classifier may still show it asks about another service).
    """

    text: str
    aspects: tuple[str, ...] = ()
    service: str = ""
    analysis: Analysis | None = field(default=None, repr=False)
    by_name: bool = False
    from_message: bool = False


@dataclass(frozen=True)
class Understanding:
    """What one question asks.

    Attributes:
        question: The question as processed: cleaned, masked, truncated (safe to log).
        query: The text retrieval uses (mask placeholders removed).
        language: "nb" for Norwegian in any written form, else the asker's language code.
        notices: Input flags: "personal_data", "truncated", "empty", "injection".
        emergency: Emergency kinds found ("medical", "suicide", "violence", "poisoning"), empty when none.
        emergency_named: Of those, the kinds the emergency patterns found in so many words (the rest are the
            meaning banks' reading, whose kind is less sure than their alarm).
        emergency_score: The emergency bank's margin over the ordinary bank (0 without a calibrated embedder).
        out_of_scope: True when the question is about something the guide does not cover.
        out_of_scope_score: The out-of-scope bank's margin over the needs bank.
        injection: The question tries to re-program the assistant.
        named: Services the question names, longest name first.
        asked_about: The service the question asks about when it names others as what it is about, "" when
            none: the one it asks about by its verb ("hvordan klager vi på vedtaket om avlastning?" asks about
            appeals), or the one the service classifier is sure of when it gives the named ones no chance ("Får
            far gratis tannbehandling nå som han har hjemmesykepleie?"). It leads, whatever the others score.
        needs: Services whose situations the question matches, best first, with their need score.
        aspects: Every aspect asked, in order ("cost", "who", ...); empty when none is clear.
        leans_on_history: Short, or refers back ("det", "og ..."), and names no service.
        focus: Services inherited from the conversation (only when leaning on it scores better).
        intent: A conversational intent ("greeting", "thanks", "capabilities", "human", "goodbye") when the whole
            message is small talk, else "".
        concern: The kind of emergency the message reads close to, but not as ("" when none): the answer gets a
            safety line first.
        about: The service classifier's most probable services with their probabilities (``_none``: no service).
        asked: The aspect classifier's most probable aspects with their probabilities.
        outside_topic: For a question outside the guide, the topic of the nearest out-of-scope sentence (which
            outside body to name).
        outside_parts: For a message with parts, the topics of those declined on their own (a part that names an
            outside body and no service: "og påvirker det uføretrygden hans?"), while the others are answered.
        switch: The message changes the subject in so many words ("forresten", "et annet spørsmål").
        parts: The questions of a message that asks several, in the order asked (empty for one question).
        aspects_from: "cues" when the aspects were asked in so many words, "topic" when the topic classifier read
            what comes after, how long, a deadline or a wait where no cue said it, "classifier" when the aspect
            classifier chose them, "parts" when each part of the message got its own, "conversation" when a
            follow-up kept the last question's, "same_question" when it asks the last question again for someone
            or something else ("gjelder det også for far?"), "" when none.
        asks: The message asks a question (a question mark, or a part that opens with a question word), as
            opposed to only describing a situation.
        analysis: The query as the text analyser read it (once per ask; the later steps reuse it).
        age: The ages the whole message states for whom it is about (:func:`assistant.ages.stated_age`), or None.
    """

    question: str
    query: str
    language: str = "nb"
    notices: tuple[str, ...] = ()
    emergency: tuple[str, ...] = ()
    emergency_named: tuple[str, ...] = ()
    emergency_score: float = 0.0
    out_of_scope: bool = False
    out_of_scope_score: float = 0.0
    injection: bool = False
    named: tuple[str, ...] = ()
    asked_about: str = ""
    needs: tuple[tuple[str, float], ...] = ()
    aspects: tuple[str, ...] = ()
    leans_on_history: bool = False
    focus: tuple[str, ...] = ()
    intent: str = ""
    concern: str = ""
    about: tuple[tuple[str, float], ...] = ()
    asked: tuple[tuple[str, float], ...] = ()
    outside_topic: str = ""
    outside_parts: tuple[str, ...] = ()
    switch: bool = False
    parts: tuple[AskedPart, ...] = ()
    aspects_from: str = ""
    asks: bool = False
    analysis: Analysis | None = field(default=None, repr=False)
    age: Age | None = None

    @property
    def asks_about_aspect(self) -> bool:
        """The message asks something specific (a price, who can get it, how to apply), not only what helps."""
        return self.asks and any(a != "what" for a in self.aspects)

    @property
    def services(self) -> tuple[str, ...]:
        """The service asked about and the named ones, else the inherited focus."""
        asked = (self.asked_about,) if self.asked_about and self.asked_about not in self.named else ()
        return (*asked, *self.named) or self.focus
