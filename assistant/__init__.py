"""The question-to-answer pipeline: ``Assistant.load().ask(question, history=[Turn(...)])``."""

from assistant.core import Assistant
from assistant.errors import AssistantError, user_message
from assistant.settings import AssistantSettings
from assistant.types import Citation, Reply, Turn

__all__ = ["Assistant", "AssistantError", "AssistantSettings", "Citation", "Reply", "Turn", "user_message"]
