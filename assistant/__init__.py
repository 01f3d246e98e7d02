"""The question-to-answer pipeline: ``Assistant.load().ask(question, history=[Turn(...)])``.

The names below are loaded on first use, so importing a light module of this package (``assistant.limits``,
``assistant.municipality``) does not load numpy or the models: the API sets its math threads before they load.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from assistant.core import Assistant
    from assistant.errors import AssistantError, user_message
    from assistant.settings import AssistantSettings
    from assistant.types import Citation, Reply, Turn

_HOMES = {"Assistant": "assistant.core", "AssistantError": "assistant.errors", "user_message": "assistant.errors",
          "AssistantSettings": "assistant.settings", "Citation": "assistant.types", "Reply": "assistant.types",
          "Turn": "assistant.types"}

__all__ = ["Assistant", "AssistantError", "AssistantSettings", "Citation", "Reply", "Turn", "user_message"]


def __getattr__(name: str) -> object:
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
