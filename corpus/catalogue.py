"""The service catalogue: the canonical `service_id`s, a public contract shared with other teams.

The canonical file is ``../shared/service-catalogue.tsv`` beside the repository; a copy ships in
``corpus/service-catalogue.tsv`` so an installed package still works, and a test keeps the two equal.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

from corpus.errors import CorpusError
from corpus.paths import REPO_ROOT
BUNDLED_CATALOGUE = Path(__file__).with_name("service-catalogue.tsv")


@dataclass(frozen=True)
class CatalogueEntry:
    """One row of the catalogue."""

    service_id: str
    title: str
    scope: str


def catalogue_path() -> Path:
    """Where the catalogue is read from: ``$LEVANGER_CATALOGUE``, the shared file, or the bundled copy."""
    env = os.environ.get("LEVANGER_CATALOGUE")
    if env:
        return Path(env)
    shared = REPO_ROOT.parent / "shared" / "service-catalogue.tsv"
    return shared if shared.is_file() else BUNDLED_CATALOGUE


def load_catalogue(path: Path | None = None) -> tuple[CatalogueEntry, ...]:
    """Read the catalogue in file order.

    Args:
        path: A TSV file with the columns ``service_id``, ``title`` and ``scope``.

    Raises:
        CorpusError: The file is missing or lacks the required columns.
    """
    path = path or catalogue_path()
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh, delimiter="\t"))
    except OSError as exc:
        raise CorpusError(f"cannot read the service catalogue {path}: {exc.strerror}") from exc
    if not rows or not {"service_id", "title"} <= set(rows[0]):
        raise CorpusError(f"{path}: expected the columns service_id, title, scope")
    return tuple(
        CatalogueEntry(r["service_id"].strip(), r["title"].strip(), (r.get("scope") or "").strip())
        for r in rows
        if r.get("service_id")
    )
