"""`streamlit run tests/browser/quick_reply_app.py`: the app (ui/app.py) as it is, with one stand-in reply, for the
browser test of quick replies (tests/browser/test_quick_replies.py).

The question :data:`TRIGGER` gets a question back ("clarify": ``templates.CLARIFY`` with three of the guide's
categories as ``suggestions``), the shape ``assistant.plan`` gives when no service is likely at all; no question
was found that today's models ask back for, so the test could not reach one otherwise. Every other question,
the quick reply that is sent included, goes to the real assistant.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from assistant import templates  # noqa: E402
from assistant.core import Assistant  # noqa: E402
from assistant.types import Reply  # noqa: E402

TRIGGER = "Vi vet ikke helt hva vi trenger"
#: Categories of the guide (corpus/services/*.md), as the planner offers them.
SUGGESTIONS = ("Hjelp i hjemmet", "Pårørende, avlastning og aktivitet", "Hjelpemidler og rehabilitering")


def _ask(self: Assistant, question: str, history: Any = None, **kwargs: Any) -> Reply:
    if question.strip() == TRIGGER:
        return Reply("answered", templates.CLARIFY, question=question, mode="clarify", suggestions=SUGGESTIONS)
    return Assistant._real_ask(self, question, history=history, **kwargs)  # type: ignore[attr-defined]


if __name__ == "__main__":  # as Streamlit runs it; the test module only imports the names above
    # Streamlit runs this script again on every interaction: patch once, keep the real method
    if "_real_ask" not in Assistant.__dict__:
        Assistant._real_ask = Assistant.ask  # type: ignore[attr-defined]
    Assistant.ask = _ask  # type: ignore[method-assign]
    runpy.run_path(str(ROOT / "ui" / "app.py"), run_name="__main__")
