"""The assistant's public, typed results: Turn in, Reply with Citations out."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal

Status = Literal["answered", "no_answer", "emergency"]
STATUSES: tuple[str, ...] = ("answered", "no_answer", "emergency")


@dataclass(frozen=True)
class Turn:
    """One earlier message of the conversation.

    Attributes:
        role: "user" or "assistant".
        text: The message.
        services: For an assistant turn, the service ids its reply was about (``Reply.services``); the
            conversation's topic is taken from these when the caller passes them.
    """

    role: str
    text: str
    services: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.role not in ("user", "assistant"):
            raise ValueError(f"role must be 'user' or 'assistant', not {self.role!r}")


@dataclass(frozen=True)
class Citation:
    """A numbered source of a reply: the exact passage a sentence of the answer relies on.

    Attributes:
        n: The marker number used in the reply text ("[n]").
        service_id: Catalogue id.
        title: Service title.
        section: Section heading.
        page: PDF page, when the guide was loaded from the PDF.
        source: File the passage came from.
        quote: The quoted text; it appears verbatim in the chunk.
        score: Retrieval score of the chunk, in [0, 1].
        chunk_id: The chunk's stable id (also the anchor in the browse view).
    """

    n: int
    service_id: str
    title: str
    section: str
    page: int | None
    source: str
    quote: str
    score: float
    chunk_id: str = ""


@dataclass(frozen=True)
class ServiceRole:
    """Why a service is in a reply.

    Attributes:
        service_id: Catalogue id.
        role: "primary" or "also".
        reason: "named", "conversation", "need", "passage", "emergency" or "told" (a need told beside the question).
    """

    service_id: str
    role: str
    reason: str


@dataclass(frozen=True)
class ReplyPart:
    """One paragraph of a reply, typed, so an interface can lay it out (cards, an emergency box).

    Attributes:
        kind: "emergency", "safety" (one line before an answer that reads close to an emergency), "language",
            "lead", "quote" (an answer's quoted passage), "service" (one service of a situation answer), "also"
            (the heading of services that fit too), "route" (how to get the service), "next_step", "decline",
            "decline_route" (where to go instead), "smalltalk", "clarify" (a question back), "notice",
            "template".
        text: The paragraph's Markdown, exactly as it stands in ``Reply.text``.
        service_id: The service it is about, or "".
        citations: The citation numbers it refers to.
        label: What the paragraph's leading label says, as plain text: the guide's heading of a quoted section,
            the service's name of a situation card, "Slik søker du" of a route; "" when it has none.
        body: The paragraph without that label (equal to ``text`` when there is none), so an interface can lay
            out the two apart without parsing the Markdown.
    """

    kind: str
    text: str
    service_id: str = ""
    citations: tuple[int, ...] = ()
    label: str = ""
    body: str = ""

    def __post_init__(self) -> None:
        if not self.body:
            object.__setattr__(self, "body", self.text)


@dataclass(frozen=True)
class Reply:
    """The assistant's answer.

    Attributes:
        status: "answered", "no_answer" or "emergency".
        text: Norwegian Markdown with [n] citation markers; only corpus text and fixed templates.
        citations: The sources, numbered as in the text.
        services: The service ids the answer is about, first the one in focus.
        aspect: The aspect answered ("cost", "who", "apply", ...) or "" when general.
        notices: Short flags: "personal_data", "truncated", "empty", "injection" (about the input), and
            "ungrounded" when the writer's reply failed the grounding check and the human route was sent instead.
        question: The question as it was processed (masked, truncated); safe to log.
        roles: Each presented service's role and why it is there, primary first.
        aspects: Every aspect answered, in the order asked.
        mode: How the reply was composed: "direct", "situation", "emergency", "declined", "out_of_scope",
            "injection", "empty", "smalltalk" or "clarify".
        language: The asker's language ("nb" for Norwegian in any written form).
        parts: The paragraphs of ``text`` with their kind and service, in order ("\n\n".join of their texts).
        suggestions: Quick replies for a question back (``mode == "clarify"``): short texts an interface shows as
            buttons; a tap sends the text as the next question.
    """

    status: Status
    text: str
    citations: tuple[Citation, ...] = ()
    services: tuple[str, ...] = ()
    aspect: str = ""
    notices: tuple[str, ...] = ()
    question: str = ""
    roles: tuple[ServiceRole, ...] = ()
    aspects: tuple[str, ...] = ()
    mode: str = ""
    language: str = "nb"
    parts: tuple[ReplyPart, ...] = ()
    suggestions: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        """JSON-ready dictionary (for ``--json`` and the evaluation)."""
        return dataclasses.asdict(self)
