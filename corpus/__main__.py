"""``python -m corpus check``: validate the guide against the catalogue and print counts."""

from __future__ import annotations

import argparse
import sys

from corpus.catalogue import load_catalogue
from corpus.guide import load_guide, validate, word_count
from corpus.model import CorpusError


def main(argv: list[str] | None = None) -> int:
    """Run the corpus check; exit status 1 when a problem is found."""
    parser = argparse.ArgumentParser(prog="python -m corpus", description=__doc__)
    parser.add_argument("command", choices=["check"], help="check the corpus")
    parser.add_argument("--pdf", action="append", help="check a PDF edition instead of the Markdown")
    args = parser.parse_args(argv)
    from pathlib import Path

    try:
        guide = load_guide(pdf=[Path(p) for p in args.pdf] if args.pdf else None)
        catalogue = load_catalogue()
    except CorpusError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    problems = validate(guide, catalogue)
    chunks = guide.chunks()
    words = [word_count(d) for d in guide.documents if d.kind == "service"]
    print(f"catalogue services: {len(catalogue)}")
    print(f"documents loaded:   {len(guide.documents)} ({sum(d.kind == 'general' for d in guide.documents)} general)")
    print(f"sections:           {sum(len(d.sections) for d in guide.documents)}")
    print(f"chunks:             {len(chunks)}")
    if words:
        print(f"words per service:  min {min(words)}, max {max(words)}, total {sum(words)}")
    for doc in guide.documents:
        n = word_count(doc)
        if doc.kind == "service" and not 300 <= n <= 700:
            problems.append(f"{doc.service_id}: {n} words (300-700 expected)")
    for p in problems:
        print(f"problem: {p}")
    print("ok" if not problems else f"{len(problems)} problem(s)")
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
