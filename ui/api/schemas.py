"""Request and response schemas of the API.

Requests are strict (unknown fields, wrong types and oversized values are 422). Responses mirror the
assistant's own dataclasses *generically*: the models are built from the fields of ``Reply`` and
``Document``, so a field added there appears in the JSON and in ``/openapi.json`` without a change here.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from assistant.feedback import REASONS
from assistant.limits import REQUEST_CHARS
from assistant.types import Reply, Turn
from corpus.model import Document

_STRICT = ConfigDict(extra="forbid")
Lang = Literal["nb", "en"]


#: Of a turn the assistant reads at most this many characters (``Assistant._clean_and_mask`` reads 4 × its
#: 2,000-character question limit) and at most this many services; the API cuts the rest.
TURN_CHARS = 8000
TURN_SERVICES = 20


class TurnIn(BaseModel):
    """An earlier message; for an assistant turn, pass its reply's ``services`` so follow-ups keep the topic.

    Neither the text nor the services have a length bound here: a long history is *cut* (see
    :func:`history_turns`), never refused, so a conversation that grew long cannot block the next question
    (an emergency included). The body limit bounds what arrives."""

    model_config = _STRICT
    role: Literal["user", "assistant"]
    text: str
    services: list[str] = Field(default_factory=list)

    def to_turn(self) -> Turn:
        return Turn(self.role, self.text[:TURN_CHARS], services=tuple(self.services[:TURN_SERVICES]))


def history_turns(history: Sequence[TurnIn], *, max_turns: int) -> list[Turn]:
    """What the assistant gets of the history: the last ``max_turns`` turns, each cut (see ``TurnIn``)."""
    kept = history[-max_turns:] if max_turns > 0 else []
    return [t.to_turn() for t in kept]


def ask_request(*, max_question_chars: int, max_history: int) -> type[BaseModel]:
    """The body of ``POST /v1/ask``, with the configured bounds."""
    return create_model(
        "AskRequest",
        __config__=_STRICT,
        __doc__="A question and the earlier turns of the conversation, oldest first.",
        question=(str, Field(min_length=1, max_length=max_question_chars,
                             description="The question; personal data in it is masked before anything else.")),
        history=(list[TurnIn], Field(default_factory=list, description=(
            f"Earlier turns, oldest first; only the last {max_history}, each cut to {TURN_CHARS} characters, are "
            "used (a longer history is cut, not refused)."))),
        lang=(Lang | None, Field(default=None, description="Language of the API's own messages (errors); the "
                                                           "reply's language is detected (`language`).")),
    )


class FeedbackRequest(BaseModel):
    """A 👍/👎 on a reply: send back the reply's own fields. The question is stored only when the
    deployment opts in (``LEVANGER_FEEDBACK_KEEP_QUESTIONS=1``), and then masked."""

    model_config = _STRICT
    rating: Literal["up", "down"]
    status: Literal["answered", "no_answer", "emergency"]
    aspect: str = Field(default="", max_length=40)
    services: list[str] = Field(default_factory=list, max_length=20)
    chunks: list[str] = Field(default_factory=list, max_length=40, description="The citations' chunk_id values.")
    question: str = Field(default="", max_length=REQUEST_CHARS, description="The reply's `question` (already masked).")
    reasons: list[Literal[REASONS]] = Field(  # type: ignore[valid-type]
        default_factory=list, max_length=len(REASONS), description="Why a 👎, any of a closed set of keys.")
    include_question: bool = Field(default=False, description=(
        "The user ticked the box that allows storing the (masked) question with this rating."))


class FeedbackStored(BaseModel):
    stored: bool


class Health(BaseModel):
    status: str


class Ready(BaseModel):
    """The served index generation (``/readyz``)."""

    status: str
    chunks: int
    services: int
    embedder: str
    corpus_hash: str
    created: str
    #: The index generation served (its folder name); it changes when a rebuild is picked up.
    generation: str


def _fields_of(cls: type) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    out: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.default is not dataclasses.MISSING:
            out[f.name] = (hints[f.name], f.default)
        elif f.default_factory is not dataclasses.MISSING:
            out[f.name] = (hints[f.name], Field(default_factory=f.default_factory))
        else:
            out[f.name] = (hints[f.name], ...)
    return out


#: ``POST /v1/ask``: every field of ``Reply`` (``text`` is the Markdown), plus the text in two renderings.
AskResponse: type[BaseModel] = create_model(
    "AskResponse",
    __doc__="The assistant's reply: the fields of `Reply`, plus `text_markdown` (= `text`) and `text_plain`.",
    **_fields_of(Reply),
    text_markdown=(str, ...),
    text_plain=(str, ...),
)

#: ``GET /v1/services/{id}``: every field of ``Document``.
ServiceDetail: type[BaseModel] = create_model("ServiceDetail", __doc__="A service description.",
                                              **_fields_of(Document))

SUMMARY_FIELDS: tuple[str, ...] = ("service_id", "title", "category", "kind", "aliases", "last_reviewed")
ServiceSummary: type[BaseModel] = create_model(
    "ServiceSummary", __doc__="One service in the list.",
    **{k: v for k, v in _fields_of(Document).items() if k in SUMMARY_FIELDS},
    sections=(list[str], Field(description="The section headings, in order.")),
)

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_EMPH = re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()<>#+\-.!|~$&:/@])")


def plain_text(markdown: str) -> str:
    """The reply's Markdown as plain text: emphasis marks and escapes dropped, ``[n]`` markers kept."""
    text = _BOLD.sub(r"\1", markdown)
    text = _EMPH.sub(r"\1", text)
    return _ESCAPE.sub(r"\1", text)


def reply_json(reply: Reply) -> dict[str, Any]:
    """``Reply.to_dict()`` plus the two text renderings."""
    data = reply.to_dict()
    data["text_markdown"] = reply.text
    data["text_plain"] = plain_text(reply.text)
    return data


def service_summary(doc: Document) -> dict[str, Any]:
    data = {k: getattr(doc, k) for k in SUMMARY_FIELDS}
    data["sections"] = [s.heading for s in doc.sections]
    return data


def service_detail(doc: Document) -> dict[str, Any]:
    return dataclasses.asdict(doc)
