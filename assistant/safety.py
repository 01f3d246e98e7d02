"""Safety, recall first: whether a message is an emergency, and of which kind, or a concern close to one.

The emergency patterns (``assistant/language/patterns.yaml``), the meaning banks (:mod:`assistant.meaning`) and
the danger classifier (trained on the emergency bank against everything ordinary, :mod:`assistant.bank_texts`)
decide together; :func:`emergency_kinds` is the one place that weighs them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.bank_texts import ORDINARY
from assistant.closing import Closing
from assistant.meaning import Calibration, Meaning
from assistant.message import message_sentences, word_count
from assistant.rules import rules
from index.classifier import TextClassifier

__all__ = ["Danger", "emergency_kinds", "read_danger", "safety_sentences"]


@dataclass(frozen=True)
class Danger:
    """The danger classifier's reading of a message: the highest probability of an emergency (any kind) for the
    message as a whole (as written, and as bokmål), and for any one of its sentences; and the kinds of the highest
    reading (each at least half as likely as the first: an overdose can be poisoning and self-harm, and the box then
    gives both lines)."""

    message: float
    sentence: float
    kinds: tuple[str, ...] = ()


def safety_sentences(whole: str, query: str, *, cap: int,
                     rank: Callable[[Sequence[str]], Sequence[float]]) -> list[str]:
    """The sentences of the whole message (masks stripped) judged on their own for safety (none for a
    one-sentence message, which the question's own embedding covers). A long message keeps the ``cap`` sentences
    that ``rank`` (words shared with the emergency bank) puts first, in their order."""
    sentences = message_sentences(whole, limit=10_000)
    if len(sentences) <= 1:
        return []
    if len(sentences) > cap:
        ranks = rank(sentences)
        keep = sorted(sorted(range(len(sentences)), key=lambda i: -ranks[i])[:cap])
        sentences = [sentences[i] for i in keep]
    return [s for s in sentences if s != query]


def read_danger(classifier: TextClassifier, message: Sequence[tuple[str, np.ndarray | None]],
                sentences: Sequence[tuple[str, np.ndarray | None]] = ()) -> Danger:
    """The most dangerous reading of the message and of its sentences; each text comes with its embedding."""
    best, kinds = [0.0, 0.0], ()
    for slot, texts in enumerate((message, sentences)):
        for text, vector in texts:
            said = classifier.predict(vector, text)
            p = 1.0 - said.prob(ORDINARY)
            if p > best[slot]:
                best[slot] = p
                if p >= max(best):
                    ranked = [(label, q) for label, q in zip(said.labels, said.probs, strict=True) if label != ORDINARY]
                    kinds = tuple(label for label, q in ranked if ranked and q >= 0.5 * ranked[0][1])
    return Danger(best[0], best[1], kinds)


def emergency_kinds(c: Calibration, normalised: str, meaning: Meaning | None,
                    sentences: Sequence[tuple[str, Meaning]] = (), *, injection: bool = False,
                    small_talk: bool = False, pattern_reading: Meaning | None = None,
                    raw: str = "", closing: Closing | None = None, in_conversation: bool = False,
                    foreign: bool = False, danger: Danger | None = None) -> tuple[tuple[str, ...], str]:
    """Recall first: a pattern match counts unless the banks read the message as plainly ordinary; the banks
    alone find indirect phrasings no pattern names. Each sentence of the message is judged on its own too,
    so an emergency after a calm sentence is not diluted by it; a single sentence is noisier than a
    message, so its own (higher) thresholds apply. Nothing semantic fires on text that tries to re-program
    the assistant (near nothing in the banks, so near everything by a small margin); on a message the intent
    classifier reads as plain small talk ("Hei") the margins do not, but the patterns and the danger classifier
    still do. In another language (``foreign``)
    a single sentence needs a clearer margin still: its cosines to the Norwegian banks are less sure ("My son
    is three years old" in Arabic read 0.049 on dev6); the whole message's thresholds stay.

    A closing (:mod:`assistant.closing`) is judged by what follows its courtesy words: thanks read close to a
    farewell, so its whole reading can only give the safety line, and a closing that is only courtesy gives
    nothing inside a conversation (there is an answer to thank for) and at most the safety line outside one.

    The danger classifier (``danger``) is a second voice beside the banks' margins: where it reads an emergency
    kind surely enough (``danger_box``) in the message or one of its sentences, the message is one, whatever the
    margins say (except that one sentence alone gives the safety line inside a conversation, ``in_conversation``,
    unless it reads at least ``danger_sentence_sure``, and in another language where the message reads under
    ``danger_message_foreign``), and a little less surely
    (``danger_line``) gives the safety line (a toddler who has just
    eaten her grandmother's pills reads 0.015 by the margins, under a calm question); where the margins alone
    call an emergency and it reads the message as plainly ordinary (``danger_veto``), the box becomes at most the
    safety line: a dialect "kæm kan hjelp mæ å dusje" is not answered as an emergency; the line the margins alone
    give (so also this one) needs a reading of at least ``danger_concern_veto``, and their box from one sentence
    alone at least ``danger_sentence_veto`` (below it, the line), and so does the box of a whole message's margin
    under ``emergency_margin_narrow`` (unless the banks read it as a kind in ``emergency_narrow_keeps``). A box has
    every kind the classifier reads surely beside those the words or the margins name.
    Small talk and a closing do not silence the classifier, and it does not veto their box.

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
            extra += tuple(k for k in _sure_kinds(c, danger) if k not in patterns + extra)
            return patterns + extra, ""
    # one or two words say too little for the banks alone to call an emergency ("Hello"): at most a concern
    brief = word_count(raw or normalised) < c.emergency_min_words
    kinds, concern = _bank_kinds(c, meaning, [m for _, m in sentences], small_talk=small_talk, closing=closing,
                                 in_conversation=in_conversation, foreign=foreign, brief=brief)
    if danger is None or c.danger_box is None:
        return kinds, concern
    reading = max(danger.message, danger.sentence)
    # no veto in another language (the classifier's character n-grams know less there, and its readings run lower),
    # nor on small talk or a closing (their reply has no place for the safety line, so the box stays)
    vetoes = not foreign and not small_talk and closing is None and c.danger_veto is not None
    if kinds and vetoes and reading < c.danger_veto:
        # the margins' box on a message the classifier reads as plainly ordinary is at most their line, and that line
        # too needs the classifier's reading, as theirs does below: "gjelder det også vinduene?" after home help's
        # fees read 0.006 (the veto sits far below the classifier's own line and box, so neither follows)
        kinds, concern = (), kinds[0]
    # the margins' box from one sentence alone (the message reads calm) needs the classifier to lean toward danger,
    # and so does the box the whole message's margin gives by a narrow reading (short dialect questions sit just over
    # the line: "kor mange veker held dei på med det" 0.016); below, the line, 113 first. A narrow reading keeps its
    # box where words or a sentence's own margin call it too, and where the banks read a farewell: the classifier
    # reads a terse one low ("står på brukanten. farvel" 0.19), and its box has 116 123
    if kinds and vetoes and c.danger_sentence_veto is not None and reading < c.danger_sentence_veto \
            and (meaning.emergency_margin < c.emergency_margin or _narrow(c, meaning, sentences, patterns)):
        return (), kinds[0]
    if concern and not kinds and not brief and vetoes and c.danger_concern_veto is not None \
            and reading < c.danger_concern_veto:
        # the margins' line alone, on a message the classifier reads as plainly ordinary; not on one or two words,
        # whose line stands for the box the banks read ("ingen puls")
        concern = ""
    # between the line and the box the classifier gives the safety line: 113 first, and the answer after it (on
    # dev, "æ har så vondt i skuldra at æ itj får løfta armen over hauet" read 0.53, a stroke in the story 0.51);
    # in another language a lower box and no line
    foreign_box = foreign and c.danger_box_foreign is not None
    box = c.danger_box_foreign if foreign_box else c.danger_box
    line = box if foreign_box else min(c.danger_line or c.danger_box, c.danger_box)
    # one sentence alone gives at most the line (113 first all the same, and the answer after it) where the whole
    # message does not read as an emergency too: inside a conversation about services, which makes a known
    # condition or a past event likely ("han har mista språket og høyre arm er lam" after a question on training
    # after a stroke; "ho datt i natt og trøkte på alarmen" after one on the alarm); and in another language where
    # the message does not lean toward danger at all, one sentence being a noisier reading there (as for the
    # margins: "seems confused lately" read 0.30 as a sentence of a calm English question, 0.01 as the message).
    # Not for small talk or a closing: their reply has no place for the line, so the box stays
    # A sentence read surely as danger now (``danger_sentence_sure``) gives the box in a conversation all the same
    # (in another language the message's own reading still decides, below):
    # a question first ("Korleis søkjer vi om det? Forresten blør han kraftig frå leggen no …") can keep a message
    # just under the box, and a known condition or a past event told reads far lower than such a sentence
    sure = c.danger_sentence_sure is not None and danger.sentence >= c.danger_sentence_sure
    alone = not small_talk and closing is None and (
        (in_conversation and not foreign_box and danger.message < box and not sure)
        or (foreign and c.danger_message_foreign is not None and danger.message < c.danger_message_foreign))
    if not kinds and not brief and reading >= box and not alone:
        return danger.kinds or (concern or "medical",), ""
    if not kinds and not concern and reading >= line:
        return (), (danger.kinds or ("medical",))[0]
    if not kinds and not concern and patterns and not small_talk and closing is None \
            and c.danger_concern_veto is not None and danger.message >= c.danger_concern_veto:
        # an emergency's words that the banks read past, where the classifier does not read the message as plainly
        # ordinary, keep the safety line: asked as a question ("han har tatt en overdose av medisinene fra legen, hva
        # gjør jeg?" read calm by the banks, 0.25 by the classifier), it is no less likely to be happening now
        return (), patterns[0]
    if kinds:
        # the box the margins give also has the lines of the kinds the classifier reads surely: a farewell after
        # thanks read "medical" by the margins and "suicide" at 0.94 by the classifier, and its box lacked 116 123
        kinds += tuple(k for k in _sure_kinds(c, danger) if k not in kinds)
    return kinds, concern


def _narrow(c: Calibration, meaning: Meaning, sentences: Sequence[tuple[str, Meaning]],
            patterns: tuple[str, ...]) -> bool:
    """Whether the whole message's margin calls an emergency by a narrow reading alone (``emergency_margin_narrow``):
    not a kind it keeps (``emergency_narrow_keeps``), no words, no sentence whose own margin calls it."""
    return c.emergency_margin_narrow is not None and meaning.emergency_margin < c.emergency_margin_narrow \
        and meaning.emergency_kind not in c.emergency_narrow_keeps and not patterns \
        and not any(m.emergency_margin >= c.sentence_emergency_margin for _, m in sentences)


def _sure_kinds(c: Calibration, danger: Danger | None) -> tuple[str, ...]:
    """The kinds the danger classifier reads surely enough for the box (``danger_box``, in any language)."""
    if danger is None or c.danger_box is None or max(danger.message, danger.sentence) < c.danger_box:
        return ()
    return danger.kinds


def _bank_kinds(c: Calibration, meaning: Meaning, sentences_only: Sequence[Meaning], *, small_talk: bool,
                closing: Closing | None, in_conversation: bool, foreign: bool,
                brief: bool) -> tuple[tuple[str, ...], str]:
    """:func:`emergency_kinds` by the banks' margins alone, after the patterns found nothing."""
    if small_talk:
        return (), ""
    if closing is not None:
        return _closing_kinds(c, closing, meaning, sentences_only, in_conversation=in_conversation)
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
