"""Settings of the question-to-answer pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field

from index.settings import IndexSettings


@dataclass(frozen=True)
class AssistantSettings:
    """Thresholds and budgets; the thresholds are set from the evaluation's dev split.

    Attributes:
        index: Retrieval settings.
        max_question_chars: Longer questions are truncated (with a notice).
        answer_threshold: Minimum fused score of the best passage to answer without a named service.
        off_topic_threshold: Minimum fused score to answer a question that names an off-topic subject.
        mention_boost: Added to a service's score when the question (or the focus) names it.
        second_service_ratio: Show a second service when its score is at least this share of the first's.
        max_words_main: Word budget for the main quoted passage.
        k: Passages retrieved per question.
    """

    index: IndexSettings = field(default_factory=IndexSettings)
    max_question_chars: int = 2000
    answer_threshold: float = 0.40
    off_topic_threshold: float = 0.70
    mention_boost: float = 0.25
    second_service_ratio: float = 0.93
    max_words_main: int = 45
    max_words_second: int = 25
    k: int = 40
