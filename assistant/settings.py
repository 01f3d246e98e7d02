"""Settings of the question-to-answer pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.limits import QUESTION_CHARS
from assistant.meaning import Calibration
from index.settings import IndexSettings




@dataclass(frozen=True)
class AssistantSettings:
    """Thresholds and budgets; the thresholds are set from the evaluation's dev split.

    Attributes:
        index: Retrieval settings.
        max_question_chars: Longer questions are truncated (with a notice).
        answer_threshold: Minimum combined score of the best service to answer without a named service.
        foreign_answer_threshold: The same for a question in another language (scored by the dense side only).
        mention_boost: Added to a service's score when the question (or the focus) names it.
        follow_up_ratio: A follow-up inherits the topic when the topic's best passage scores at least this share
            of the question's own best passage.
        focus_switch_margin: A follow-up is about another of the last turn's services than its first when its own
            best passage of that service scores this much higher than its best of the first.
        max_situation_services: At most this many services in a situation answer.
        max_words_main: Word budget for the main quoted passage.
        max_words_part: Word budget per part when a question asks several things.
        max_words_second: Word budget for a second service.
        max_words_situation: Word budget per service in a situation answer.
        short_situation_words: A situation told in at most this many words, without a question, is all need: the
            sentence of what the service does that holds its telling words is quoted too.
        part_switch_margin: A part of a message that names no service is about another service than the rest
            when that service's best passage for the part beats the main service's by this much.
        part_min_terms: ... and the part has at least this many content words of its own.
        part_rare_services: A part that has its service from another part leaves it only for a service whose
            description holds one of the part's words that at most this many descriptions hold (and not the
            message's own service's).
        safety_chars: The whole message is read for emergencies up to this many characters (the answer only
            reads ``max_question_chars``).
        max_safety_sentences: At most this many sentences of a message are embedded for the safety check.
        whole_section_words: A section asked about is quoted whole when it has at most this many words.
        criteria_words: A section on who can get a service is quoted from its start, in reading order, up to this
            many words (whole when it has no more): criteria are read together, and a partial list misleads.
        price_words: A price section asked about is quoted whole up to this many words (the longest has 132): the
            rules of a price hang together (the income basis beside the 75 % rule, the daily fee beside its 60 days).
        k: Passages retrieved per question.
        calibration: The meaning banks' thresholds; None takes the embedder backend's from calibration.yaml.
    """

    index: IndexSettings = field(default_factory=IndexSettings)
    max_question_chars: int = QUESTION_CHARS
    answer_threshold: float = 0.40
    foreign_answer_threshold: float = 0.30
    mention_boost: float = 0.25
    follow_up_ratio: float = 0.85
    focus_switch_margin: float = 0.03
    max_situation_services: int = 3
    max_words_main: int = 55
    max_words_part: int = 45
    max_words_second: int = 25
    max_words_situation: int = 45
    short_situation_words: int = 8
    part_switch_margin: float = 0.1
    part_min_terms: int = 3
    part_rare_services: int = 2
    safety_chars: int = 50_000
    max_safety_sentences: int = 12
    whole_section_words: int = 70
    # every service's criteria whole (the longest, BPA's, is 168 words): at 130 three were cut, and with them the
    # demand to be the assistants' work leader, BPA over 67 at the municipality's discretion, the waiting list for a
    # nursing home and NAV the same day when the need is acute
    criteria_words: int = 170
    price_words: int = 140
    k: int = 120
    calibration: Calibration | None = None
