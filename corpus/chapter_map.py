"""The edition profile's chapter map: printed chapter title -> service, overriding how the loader matched it.

``corpus/editions.yaml`` (or the file ``$LEVANGER_EDITION_MAP`` names, or ``corpus check --map FILE``) lists
chapter titles as an edition prints them, each with the catalogue id it is, or ``null`` for a chapter that is no
service (it is then left out and reported). Titles compare as headings do (:func:`corpus.schema.heading_key`):
case, a chapter number and a final "?" or ":" do not matter. A title in the map wins over the catalogue title,
the aliases and the match by meaning.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from corpus.errors import CorpusError
from corpus.paths import display_path
from corpus.schema import heading_key

#: Set to a YAML file to use it as the chapter map instead of ``corpus/editions.yaml``.
MAP_ENV = "LEVANGER_EDITION_MAP"
DEFAULT_MAP = Path(__file__).with_name("editions.yaml")


@dataclass(frozen=True)
class ChapterMap:
    """Chapter title key -> service id, or None for "not a service".

    Attributes:
        chapters: :func:`heading_key` of the printed title -> service id or None.
        source: The file it came from, for the report ("" when empty).
    """

    chapters: Mapping[str, str | None] = field(default_factory=dict)
    source: str = ""

    def lookup(self, title: str) -> tuple[bool, str | None]:
        """(whether the map names this title, the service id or None)."""
        key = heading_key(title)
        return (key in self.chapters, self.chapters.get(key))


def map_path() -> Path:
    """``$LEVANGER_EDITION_MAP`` when set, else ``corpus/editions.yaml``."""
    env = os.environ.get(MAP_ENV)
    return Path(env) if env else DEFAULT_MAP


def load_chapter_map(path: Path | None = None, *, known: Iterable[str] = ()) -> ChapterMap:
    """Read a chapter map; a missing default file is an empty map.

    Args:
        path: The YAML file (default :func:`map_path`).
        known: The service ids a title may map to (catalogue and general id); empty: not checked.

    Raises:
        CorpusError: A named file is missing, is not YAML of the form ``chapters: {title: id or null}``, or maps
            to an unknown service id.
    """
    import yaml

    explicit = path is not None or bool(os.environ.get(MAP_ENV))
    path = path or map_path()
    if not path.is_file():
        if explicit:
            raise CorpusError(f"chapter map {path} not found")
        return ChapterMap()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise CorpusError(f"cannot read the chapter map {path}: {exc}") from exc
    chapters = data.get("chapters") if isinstance(data, dict) else None
    if chapters is None:
        chapters = {}
    if not isinstance(chapters, dict):
        raise CorpusError(f"{path}: expected 'chapters:' mapping chapter titles to service ids")
    known = set(known)
    out: dict[str, str | None] = {}
    for title, sid in chapters.items():
        if sid is not None and not isinstance(sid, str):
            raise CorpusError(f"{path}: {title!r} must map to a service id or null, not {sid!r}")
        if sid is not None and known and sid not in known:
            raise CorpusError(f"{path}: {title!r} maps to unknown service id {sid!r}")
        out[heading_key(str(title))] = sid
    return ChapterMap(out, display_path(path))
