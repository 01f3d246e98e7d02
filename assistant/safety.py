"""Safety, recall first: whether a message is an emergency, and of which kind, or a concern close to one.

The emergency patterns (``assistant/language/patterns.yaml``) and the meaning banks (:mod:`assistant.meaning`)
decide together; :func:`emergency_kinds` is the one place that weighs them.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.closing import Closing
from assistant.meaning import Calibration, Meaning
from assistant.message import word_count
from assistant.rules import rules

__all__ = ["emergency_kinds"]


def emergency_kinds(c: Calibration, normalised: str, meaning: Meaning | None,
                    sentences: Sequence[tuple[str, Meaning]] = (), *, injection: bool = False,
                    small_talk: bool = False, pattern_reading: Meaning | None = None,
                    raw: str = "", closing: Closing | None = None,
                    in_conversation: bool = False, foreign: bool = False) -> tuple[tuple[str, ...], str]:
    """Recall first: a pattern match counts unless the banks read the message as plainly ordinary; the banks
    alone find indirect phrasings no pattern names. Each sentence of the message is judged on its own too,
    so an emergency after a calm sentence is not diluted by it; a single sentence is noisier than a
    message, so its own (higher) thresholds apply. Nothing semantic fires on text that tries to re-program
    the assistant (near nothing in the banks, so near everything by a small margin), nor on a message the
    intent classifier reads as plain small talk ("Hei"); the patterns still do. In another language (``foreign``)
    a single sentence needs a clearer margin still: its cosines to the Norwegian banks are less sure ("My son
    is three years old" in Arabic read 0.049 on dev6); the whole message's thresholds stay.

    A closing (:mod:`assistant.closing`) is judged by what follows its courtesy words: thanks read close to a
    farewell, so its whole reading can only give the safety line, and a closing that is only courtesy gives
    nothing inside a conversation (there is an answer to thank for) and at most the safety line outside one.

    Returns:
        The emergency kinds (empty when none), and the kind of a concern: a message close to an emergency by
        the banks, but below it ("" when none).
    """
    # the text as written too: normalising keeps only Latin letters, and other scripts have patterns of their own
    written = raw.lower()
    patterns = tuple(kind for kind, rx in rules().emergency.items()
                     if rx.search(normalised) or (written and rx.search(written)))
    if meaning is None or c.emergency_margin is None or injection:
        return patterns, ""
    if patterns:
        # the banks may veto a pattern, reading the message from the sentence where it matched to the end:
        # what comes after can defuse it ("prøvde å ta livet sitt for noen år siden. Nå går det bra"), a calm
        # sentence before it cannot dilute it ("Mor har hjemmesykepleie. Nå puster hun ikke")
        read = pattern_reading or meaning
        if c.emergency_pattern_veto is None or read.emergency_margin >= c.emergency_pattern_veto:
            # the banks may also know what kind it is where the words do not say ("har tatt alle tablettene
            # mine" reads as self-harm, not only poisoning): the box then has both lines
            extra = (read.emergency_kind,) if (read.emergency_margin >= c.emergency_margin
                                               and read.emergency_kind not in patterns) else ()
            return patterns + extra, ""
    sentences_only = [m for _, m in sentences]
    if small_talk:
        return (), ""
    if closing is not None:
        return _closing_kinds(c, closing, meaning, sentences_only, in_conversation=in_conversation)
    # one or two words say too little for the banks alone to call an emergency ("Hello"): at most a concern
    brief = word_count(raw or normalised) < c.emergency_min_words
    top_sentence = max(sentences_only, key=lambda m: m.emergency_margin, default=None)
    sentence_margin = (top_sentence.emergency_margin if top_sentence else float("-inf")) \
        - (c.foreign_extra if foreign else 0.0)
    if meaning.emergency_margin >= c.emergency_margin:
        if brief:
            return (), meaning.emergency_kind or "medical"
        return (meaning.emergency_kind or "medical",), ""
    if top_sentence is not None and sentence_margin >= c.sentence_emergency_margin:
        return (top_sentence.emergency_kind or "medical",), ""
    if c.concern_margin is not None and meaning.emergency_margin >= c.concern_margin:
        return (), meaning.emergency_kind or "medical"
    if top_sentence is not None and c.sentence_concern_margin is not None \
            and sentence_margin >= c.sentence_concern_margin:
        return (), top_sentence.emergency_kind or "medical"
    return (), ""


def _closing_kinds(c: Calibration, closing: Closing, meaning: Meaning, sentences: Sequence[Meaning], *,
                  in_conversation: bool) -> tuple[tuple[str, ...], str]:
    """:func:`emergency_kinds` for a closing, after the patterns found nothing."""
    kind = meaning.emergency_kind or "medical"
    whole_close = meaning.emergency_margin >= c.emergency_margin
    if not closing.rest:
        return (), (kind if whole_close and not in_conversation else "")
    read = closing.rest_reading
    if read is not None and word_count(closing.rest) >= c.emergency_min_words \
            and read.emergency_margin >= c.emergency_margin:
        return (read.emergency_kind or "medical",), ""
    top = max(sentences, key=lambda m: m.emergency_margin, default=None)
    if top is not None and top.emergency_margin >= c.sentence_emergency_margin:
        return (top.emergency_kind or "medical",), ""
    # inside a conversation the courtesy thanks for an answer: only the rest can raise the safety line
    if (whole_close and not in_conversation) or (read is not None and c.concern_margin is not None
                                                 and read.emergency_margin >= c.concern_margin):
        return (), kind
    return (), ""
