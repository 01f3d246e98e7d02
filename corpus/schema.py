"""The guide's schema in one place: the aspects of a service description and the headings that name them.

The data lives in ``corpus/schema.yaml`` (read once); this module gives it types and the one matching rule,
so no other module spells out a heading. Code refers to aspect keys (``"cost"``), never to heading text::

    >>> aspect_for_heading("3.1 Egenbetaling")
    'cost'
    >>> heading_for("cost")
    'Hva koster det?'
    >>> aspect_for_heading("Praktisk informasjon")
    'other'
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from corpus.errors import SchemaError

SCHEMA_FILE = Path(__file__).with_name("schema.yaml")
#: The aspect of a section whose heading matches no known heading.
OTHER = "other"

_LIGATURES = str.maketrans({"ﬁ": "fi", "ﬂ": "fl", "ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl",
                            "\u2010": "-", "\u2011": "-", "\u00ad": ""})
# "3.", "3.1", "3.1.2", "Kapittel 3", "Kap. 3:" before a heading; the number must be followed by white space so
# that "2G" or "113" at the start of a body line is left alone.
_NUMBERING = re.compile(r"^(?:(?:kapittel|kap\.)\s*)?\d{1,3}(?:\.\d{1,3})*\.?(?::|\s+[-–—]|\s)\s*", re.IGNORECASE)
_DASH = re.compile(r"\s*[-–—]\s*")


def strip_numbering(text: str) -> str:
    """``"3.1 Egenbetaling"`` -> ``"Egenbetaling"``; text without a chapter number is returned unchanged."""
    return _NUMBERING.sub("", text.strip(), count=1)


def numbering_depth(text: str) -> int:
    """How many levels the leading chapter number has: 0 for none, 1 for "3." or "Kapittel 3", 2 for "3.1"."""
    m = _NUMBERING.match(text.strip())
    return 0 if not m else len(re.findall(r"\d+", m.group(0)))


def heading_key(text: str) -> str:
    """The form headings and titles are compared in.

    Case, white space, ligatures, the kind of dash, a chapter number and a trailing ``:``, ``?`` or ``.``
    do not matter: another edition may write "3.1 Hva inngår - og hva inngår ikke:".
    """
    text = " ".join(unicodedata.normalize("NFC", text.translate(_LIGATURES)).split())
    text = _DASH.sub(" – ", strip_numbering(text))
    return text.rstrip(":?. ").casefold()


@dataclass(frozen=True)
class Aspect:
    """One part of a service description.

    Attributes:
        key: The id code uses ("what", "who", "included", "expected", "cost", "apply", "law").
        heading: The heading our guide displays.
        synonyms: Other headings editions use for the same part.
    """

    key: str
    heading: str
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Schema:
    """The aspects in guide order, and what is known about the general document."""

    aspects: tuple[Aspect, ...]
    general_id: str
    general_title: str
    general_headings: tuple[str, ...] = ()
    general_title_synonyms: tuple[str, ...] = ()
    intro_heading: str = "Innledning"

    @property
    def keys(self) -> tuple[str, ...]:
        """Aspect keys in guide order (without "other")."""
        return tuple(a.key for a in self.aspects)

    @property
    def headings(self) -> tuple[str, ...]:
        """The display headings in guide order."""
        return tuple(a.heading for a in self.aspects)

    def _lookup(self) -> dict[str, str]:
        return _lookup_table(self)

    def aspect_for_heading(self, heading: str) -> str:
        """The aspect key a heading names, or ``"other"`` when it names none."""
        return self._lookup().get(heading_key(heading), OTHER)

    def heading_for(self, aspect: str) -> str:
        """The display heading of an aspect key.

        Raises:
            KeyError: ``aspect`` is not one of :attr:`keys` ("other" has no heading of its own).
        """
        for a in self.aspects:
            if a.key == aspect:
                return a.heading
        raise KeyError(f"unknown aspect {aspect!r}; known: {', '.join(self.keys)}")

    def is_display_heading(self, heading: str) -> bool:
        """True when ``heading`` is (loosely) one of our own display headings, not a synonym."""
        return heading_key(heading) in {heading_key(h) for h in self.headings}

    def is_general_heading(self, heading: str) -> bool:
        """True when ``heading`` is one of the general document's headings."""
        return heading_key(heading) in {heading_key(h) for h in self.general_headings}


@lru_cache(maxsize=8)
def _lookup_table(schema: Schema) -> dict[str, str]:
    table: dict[str, str] = {}
    for aspect in schema.aspects:
        for name in (aspect.heading, *aspect.synonyms):
            table[heading_key(name)] = aspect.key
    return table


def _strings(value: object, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise SchemaError(f"{where}: expected a list of non-empty strings")
    return tuple(v.strip() for v in value)


def parse_schema(data: object, *, source: str = "schema") -> Schema:
    """Build a Schema from the parsed YAML, checking it.

    Raises:
        SchemaError: A field is missing or of the wrong type, or one heading names two aspects.
    """
    if not isinstance(data, dict) or not isinstance(data.get("aspects"), list) or not data["aspects"]:
        raise SchemaError(f"{source}: needs a non-empty list 'aspects'")
    aspects = []
    for i, item in enumerate(data["aspects"]):
        if not isinstance(item, dict) or not item.get("key") or not item.get("heading"):
            raise SchemaError(f"{source}: aspect #{i + 1} needs 'key' and 'heading'")
        aspects.append(Aspect(str(item["key"]), str(item["heading"]),
                              _strings(item.get("synonyms"), f"{source}: {item['key']}.synonyms")))
    seen: dict[str, str] = {}
    for a in aspects:
        if a.key == OTHER or a.key in {b.key for b in aspects if b is not a}:
            raise SchemaError(f"{source}: aspect key {a.key!r} is reserved or used twice")
        for name in (a.heading, *a.synonyms):
            owner = seen.setdefault(heading_key(name), a.key)
            if owner != a.key:
                raise SchemaError(f"{source}: heading {name!r} is listed under both {owner!r} and {a.key!r}")
    general = data.get("general")
    if not isinstance(general, dict) or not general.get("id") or not general.get("title"):
        raise SchemaError(f"{source}: needs 'general' with 'id' and 'title'")
    return Schema(
        aspects=tuple(aspects),
        general_id=str(general["id"]),
        general_title=str(general["title"]),
        general_headings=_strings(general.get("headings"), f"{source}: general.headings"),
        general_title_synonyms=_strings(general.get("title_synonyms"), f"{source}: general.title_synonyms"),
        intro_heading=str(data.get("intro_heading") or "Innledning"),
    )


def load_schema(path: Path = SCHEMA_FILE) -> Schema:
    """Read and check a schema file.

    Raises:
        SchemaError: The file cannot be read or is invalid.
    """
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SchemaError(f"cannot read the guide schema {path}: {exc}") from exc
    return parse_schema(data, source=str(path))


@lru_cache(maxsize=1)
def default_schema() -> Schema:
    """The shipped schema, read once per process."""
    return load_schema()


def aspect_for_heading(heading: str) -> str:
    """The aspect key a heading names (``"3.1 Egenbetaling"`` -> ``"cost"``), or ``"other"``."""
    return default_schema().aspect_for_heading(heading)


def heading_for(aspect: str) -> str:
    """The display heading of an aspect key (``"cost"`` -> ``"Hva koster det?"``).

    Raises:
        KeyError: Unknown aspect key.
    """
    return default_schema().heading_for(aspect)


def aspect_keys() -> tuple[str, ...]:
    """The aspect keys in guide order: what, who, included, expected, cost, apply, law."""
    return default_schema().keys


def general_id() -> str:
    """The ``service_id`` of the general document on how services are granted ("tildeling")."""
    return default_schema().general_id
