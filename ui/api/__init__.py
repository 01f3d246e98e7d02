"""The JSON HTTP API (FastAPI): ``create_app()``; run with ``python -m ui.api`` (``make api``).

Like the Streamlit app it is an interface only: it validates and bounds requests and mirrors the
assistant's dataclasses as JSON. The embeddable widget it serves at ``/widget.js`` lives in ``ui/widget/``.

The names are imported lazily, so ``python -m ui.api`` can set the math libraries' thread counts
(:mod:`ui.api.server`) before numpy and faiss are loaded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ui.api.app import create_app
    from ui.api.settings import ApiSettings

__all__ = ["ApiSettings", "create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from ui.api.app import create_app

        return create_app
    if name == "ApiSettings":
        from ui.api.settings import ApiSettings

        return ApiSettings
    raise AttributeError(f"module 'ui.api' has no attribute {name!r}")
