"""What changed between two editions of the guide: services added or removed, sections whose text changed.

Caseworkers need this when the council revises the guide each year. Either edition may be a Markdown folder
or a PDF file. Sections are paired by aspect (and their order within it), not by heading, so an edition that
says "Egenbetaling" for "Hva koster det?" is compared with the right section; text is compared word by word,
so line breaks and page layout do not count as changes.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from corpus.errors import CorpusError
from corpus.guide import Guide, load_guide
from corpus.model import Document, Section
from corpus.schema import OTHER, heading_key

#: Words of unchanged text shown on each side of a change.
CONTEXT_WORDS = 4
#: Changes shown per section; the rest are counted.
MAX_HUNKS = 4
_BULLET = re.compile(r"(?m)^\s*[-•]\s+")


@dataclass(frozen=True)
class SectionChange:
    """One section that differs.

    Attributes:
        service_id: The service.
        aspect: The section's aspect key.
        status: "changed" (text), "renamed" (heading only), "added" or "removed".
        old_heading, new_heading: The headings in each edition ("" where the section is missing).
        diff: A short word-level diff: ``… før [-gammelt-] {+nytt+} etter …``, one change per line.
        words_removed, words_added: Size of the change.
    """

    service_id: str
    aspect: str
    status: str
    old_heading: str
    new_heading: str
    diff: str = ""
    words_removed: int = 0
    words_added: int = 0


@dataclass(frozen=True)
class EditionDiff:
    """Everything that differs between two editions."""

    added: tuple[tuple[str, str], ...]  # (service_id, title)
    removed: tuple[tuple[str, str], ...]
    retitled: tuple[tuple[str, str, str], ...]  # (service_id, old title, new title)
    sections: tuple[SectionChange, ...]

    def to_dict(self) -> dict:
        """Plain data for ``--json``."""
        return {
            "added": [{"service_id": s, "title": t} for s, t in self.added],
            "removed": [{"service_id": s, "title": t} for s, t in self.removed],
            "retitled": [{"service_id": s, "old": o, "new": n} for s, o, n in self.retitled],
            "sections": [asdict(c) for c in self.sections],
        }

    @property
    def empty(self) -> bool:
        """True when the editions say the same."""
        return not (self.added or self.removed or self.retitled or self.sections)


def load_edition(path: Path) -> Guide:
    """Load an edition: a folder of Markdown files (or one with ``general/`` and ``services/``), or a PDF.

    Raises:
        CorpusError: The path is neither, or nothing could be loaded from it.
    """
    if path.is_dir():
        subdirs = tuple(p for p in (path / "general", path / "services") if p.is_dir())
        return load_guide(pdf=[], markdown_dirs=subdirs or (path,))
    if path.suffix.lower() == ".pdf" and path.is_file():
        return load_guide(pdf=[path])
    raise CorpusError(f"{path}: not a Markdown folder or a PDF file")


def _words(text: str) -> list[str]:
    return _BULLET.sub(" ", text).split()


def word_diff(old: str, new: str) -> tuple[str, int, int]:
    """A short word-level diff of two texts, and the number of words removed and added."""
    a, b = _words(old), _words(new)
    hunks, removed, added = [], 0, 0
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        removed, added = removed + (i2 - i1), added + (j2 - j1)
        before = a[max(0, i1 - CONTEXT_WORDS):i1]
        after = a[i2:i2 + CONTEXT_WORDS]
        parts = (["…"] if i1 > CONTEXT_WORDS else []) + before
        if i2 > i1:
            parts.append(f"[-{' '.join(a[i1:i2])}-]")
        if j2 > j1:
            parts.append(f"{{+{' '.join(b[j1:j2])}+}}")
        parts += after + (["…"] if i2 + CONTEXT_WORDS < len(a) else [])
        hunks.append(" ".join(parts))
    more = len(hunks) - MAX_HUNKS
    shown = hunks[:MAX_HUNKS] + ([f"(+{more} more changes)"] if more > 0 else [])
    return "\n".join(shown), removed, added


def _keyed(doc: Document) -> dict[tuple[str, str], Section]:
    """Sections keyed by (aspect, n-th of that aspect); "other" sections by their heading."""
    out: dict[tuple[str, str], Section] = {}
    counts: dict[str, int] = {}
    for s in doc.sections:
        if s.aspect == OTHER:
            out[(OTHER, heading_key(s.heading))] = s
        else:
            counts[s.aspect] = counts.get(s.aspect, 0) + 1
            out[(s.aspect, str(counts[s.aspect]))] = s
    return out


def _compare(old: Document, new: Document) -> list[SectionChange]:
    a, b = _keyed(old), _keyed(new)
    changes = []
    for key in [*a, *(k for k in b if k not in a)]:
        before, after = a.get(key), b.get(key)
        sid, aspect = old.service_id, key[0]
        if after is None:
            changes.append(SectionChange(sid, aspect, "removed", before.heading, "",
                                         words_removed=len(_words(before.text))))
        elif before is None:
            changes.append(SectionChange(sid, aspect, "added", "", after.heading, words_added=len(_words(after.text))))
        elif _words(before.text) != _words(after.text):
            diff, removed, added = word_diff(before.text, after.text)
            changes.append(SectionChange(sid, aspect, "changed", before.heading, after.heading, diff, removed, added))
        elif heading_key(before.heading) != heading_key(after.heading):
            changes.append(SectionChange(sid, aspect, "renamed", before.heading, after.heading))
    return changes


def diff_editions(old: Guide, new: Guide) -> EditionDiff:
    """Compare two editions."""
    a, b = old.by_id(), new.by_id()
    return EditionDiff(
        added=tuple((sid, b[sid].title) for sid in b if sid not in a),
        removed=tuple((sid, a[sid].title) for sid in a if sid not in b),
        retitled=tuple((sid, a[sid].title, b[sid].title) for sid in a if sid in b and a[sid].title != b[sid].title),
        sections=tuple(c for sid in a if sid in b for c in _compare(a[sid], b[sid])),
    )


def format_diff(changes: EditionDiff, *, old: str = "old", new: str = "new") -> str:
    """The diff as Markdown."""
    lines = [f"# Changes from {old} to {new}", ""]
    if changes.empty:
        return "\n".join(lines + ["No differences."])
    for label, items in (("Services added", changes.added), ("Services removed", changes.removed)):
        if items:
            lines += [f"## {label} ({len(items)})", "", *(f"- `{sid}` {title}" for sid, title in items), ""]
    if changes.retitled:
        lines += ["## Services retitled", "", *(f"- `{s}`: {o} → {n}" for s, o, n in changes.retitled), ""]
    renamed = [c for c in changes.sections if c.status == "renamed"]
    other = [c for c in changes.sections if c.status != "renamed"]
    if other:
        lines += [f"## Sections changed ({len(other)})", ""]
        for c in other:
            heading = c.new_heading or c.old_heading
            if c.status == "changed":
                lines.append(f"- `{c.service_id}` **{heading}** ({c.aspect}): -{c.words_removed} +{c.words_added} words")
                lines += [f"  - {hunk}" for hunk in c.diff.splitlines()]
            else:
                size = c.words_added or c.words_removed
                lines.append(f"- `{c.service_id}` **{heading}** ({c.aspect}): section {c.status} ({size} words)")
        lines.append("")
    if renamed:
        # a new edition tends to reword one heading everywhere: one line per rewording, not per service
        groups: dict[tuple[str, str, str], list[str]] = {}
        for c in renamed:
            groups.setdefault((c.aspect, c.old_heading, c.new_heading), []).append(c.service_id)
        lines += [f"## Headings reworded, text unchanged ({len(renamed)})", ""]
        for (aspect, before, after), sids in groups.items():
            where = ", ".join(f"`{s}`" for s in sids) if len(sids) <= 3 else f"{len(sids)} services"
            lines.append(f"- ({aspect}) {before} → {after}: {where}")
    return "\n".join(lines).rstrip() + "\n"
