"""The JSON HTTP API (FastAPI): ``create_app()``; run with ``python -m ui.api`` (``make api``).

Like the Streamlit app it is an interface only: it validates and bounds requests and mirrors the
assistant's dataclasses as JSON. The embeddable widget it serves at ``/widget.js`` lives in ``ui/widget/``.
"""

from ui.api.app import create_app
from ui.api.settings import ApiSettings

__all__ = ["ApiSettings", "create_app"]
