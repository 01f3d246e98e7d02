"""``python -m corpus check`` validates the guide; ``python -m corpus diff OLD NEW`` says what changed between editions.

``check`` prints counts, for a PDF edition what it mapped (per service the title found, how it was matched --
name, chapter map, or meaning with its score and margin --, the pages and each heading's aspect), the chapters it
refused and what it could not place, then the problems; exit status 1 when there are problems.
``diff`` compares two editions, each a Markdown folder or a PDF file, as Markdown or ``--json``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from corpus.catalogue import load_catalogue
from corpus.errors import CorpusError
from corpus.guide import load_guide, unplaced_sections, validate, word_count
from corpus.report import format_report


def _check(pdf: list[str] | None, chapter_map: str | None = None) -> int:
    try:
        guide = load_guide(pdf=[Path(p) for p in pdf] if pdf else None,
                           chapter_map=Path(chapter_map) if chapter_map else None)
        catalogue = load_catalogue()
    except CorpusError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    problems = validate(guide, catalogue)
    chunks = guide.chunks()
    words = [word_count(d) for d in guide.documents if d.kind == "service"]
    for report in guide.reports:
        print("\n".join(format_report(report)))
        print()
    print(f"catalogue services: {len(catalogue)}")
    print(f"documents loaded:   {len(guide.documents)} ({sum(d.kind == 'general' for d in guide.documents)} general)")
    print(f"sections:           {sum(len(d.sections) for d in guide.documents)}")
    print(f"chunks:             {len(chunks)}")
    if words:
        print(f"words per service:  min {min(words)}, max {max(words)}, total {sum(words)}")
    if not guide.reports:  # the Markdown is ours and held to the style guide's length; an edition is not
        for doc in guide.documents:
            n = word_count(doc)
            if doc.kind == "service" and not 300 <= n <= 700:
                problems.append(f"{doc.service_id}: {n} words (300-700 expected)")
    for sid, heading in unplaced_sections(guide):
        print(f"unknown heading:    {sid}: {heading!r} kept as aspect 'other' (add it to corpus/schema.yaml "
              "if it names a known part)")
    for p in problems:
        print(f"problem: {p}")
    print("ok" if not problems else f"{len(problems)} problem(s)")
    return 0 if not problems else 1


def _diff(old: str, new: str, as_json: bool) -> int:
    from corpus.diff import diff_editions, format_diff, load_edition

    try:
        changes = diff_editions(load_edition(Path(old)), load_edition(Path(new)))
    except CorpusError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if as_json:
        import json

        print(json.dumps(changes.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_diff(changes, old=old, new=new))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run a corpus command; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m corpus", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="validate the guide (Markdown, or a PDF edition)")
    check.add_argument("--pdf", action="append", help="check a PDF edition instead of the Markdown")
    check.add_argument("--map", help="chapter map (YAML) for the PDF edition: chapter title -> service id "
                                     "(default: $LEVANGER_EDITION_MAP or corpus/editions.yaml)")
    diff = sub.add_parser("diff", help="what changed between two editions")
    diff.add_argument("old", help="the older edition: a Markdown folder or a PDF file")
    diff.add_argument("new", help="the newer edition: a Markdown folder or a PDF file")
    diff.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    args = parser.parse_args(argv)
    if args.command == "diff":
        return _diff(args.old, args.new, args.json)
    return _check(args.pdf, args.map)


if __name__ == "__main__":
    sys.exit(main())
