"""What a message asks: its aspects (a price, who can get it, how to apply …), from the cue words of its clauses
and the aspect classifier's reading, and which of the two decides."""

from __future__ import annotations

from assistant.foreign import foreign_aspects
from assistant.meaning import Calibration
from assistant.message import ASPECT_KEYS, detect_aspects
from assistant.rules import rules
from index.analysis import Analysis, Analyzer
from index.classifier import Prediction

__all__ = ["asked_aspects"]


def asked_aspects(query: str, asked: Prediction | None, calibration: Calibration, *, analyzer: Analyzer,
                  single: bool = False, analysis: Analysis | None = None,
                  topic: Prediction | None = None, language: str = "nb") -> tuple[tuple[str, ...], str]:
    """Every aspect asked, in order, and where they came from ("cues", "topic", "classifier" or ""): the cue words
    clause by clause, where they speak; else a topic the topic classifier (``topic``) is sure of; else the aspect
    classifier's, both of its top two when they are close (answer both briefly rather than guess one; ``single``:
    one part of a message, which asks one thing unless its clauses ask more; one topic, answered wherever the guide
    states it, at most)."""
    # a question in another language says what it asks in its own words, which the Norwegian cues cannot read
    # and the classifier (taught in Norwegian) reads worse: its own language's cues come first
    c = calibration
    sure_topic = topic.top if topic is not None and c.topic_confident is not None and topic.p >= c.topic_confident \
        else ""
    foreign = foreign_aspects(query, language, topic=sure_topic) if language != "nb" else ()
    cues = detect_aspects(query, analyzer=analyzer, analysis=analysis)
    if foreign:
        # as below, a topic's cue decides: the Norwegian cues' (English words are among them, "how long") or, where
        # the topic classifier reads it too, the language's own
        topics = tuple(dict.fromkeys(a for a in (*cues, *foreign) if a in rules().topics))
        return ((topics[:1] if single else topics) if topics else foreign), "cues"
    if asked is None or c.aspect_policy == "cues":
        return cues, "cues" if cues else ""
    # an aspect no section holds (how long it takes) is one the classifier cannot name: its cue decides
    topics = tuple(a for a in cues if a in rules().topics)
    if topics:
        return (topics[:1] if single else topics), "cues"
    ranked = asked.restricted(ASPECT_KEYS)
    if not cues and topic is not None and c.topic_confident is not None and topic.top in rules().topics \
            and topic.p >= max(c.topic_confident, ranked.p if ranked.labels else 0.0):
        # what comes after, how long, a deadline, a wait, asked in words no cue lists ("må ho heim igjen etterpå
        # da"): the topic classifier knows them from the topic questions, against every other question; where it
        # is surer than the aspect classifier of a section, it says what is asked as a cue would
        return (topic.top,), "topic"
    # measured on dev3's parts: the classifier's top aspect is right for 29 of 56, the cue words' for 17
    if ranked.labels and ranked.p >= c.aspect_confident:
        return (ranked.labels[0],), "classifier"
    if cues:
        # one cue per clause: a part whose clauses ask two things asks both ("Hva er egentlig en individuell plan,
        # har vi krav på det": what it is and who can get it; dev, one reply changed, for the better)
        return cues, "cues"
    if not ranked.labels or ranked.p < c.aspect_threshold:
        return (), ""
    out = [ranked.labels[0]]
    if not single and len(ranked.labels) > 1 and ranked.probs[1] >= c.aspect_second_ratio * ranked.p:
        out.append(ranked.labels[1])
    return tuple(out), "classifier"
