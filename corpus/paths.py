"""Where the repository is, for the defaults that live beside it (the shared catalogue, ``var/``)."""

from __future__ import annotations

from pathlib import Path

#: The checkout's root (the folder holding ``corpus/``, ``index/``, ...). An installed package points into
#: site-packages' parent, where nothing is found, so every user of it has an environment override or a fallback.
REPO_ROOT = Path(__file__).resolve().parents[1]


def display_path(path: Path) -> str:
    """``path`` relative to the repository when it lies inside it (stable in ids and messages), else as given."""
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)
