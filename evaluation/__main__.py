"""``python -m evaluation [--split dev|test|all] [--no-ablations] [--out evaluation/report.md]``."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from evaluation.run import DEFAULT_REPORT, main


def cli(argv: list[str] | None = None) -> int:
    """Parse the arguments, run the evaluation and write the report; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m evaluation",
                                     description="Evaluate the assistant on the gold question set.")
    parser.add_argument("--split", choices=("dev", "test", "all"), default="all",
                        help="questions to evaluate (default: all; the report shows test and dev separately)")
    parser.add_argument("--no-ablations", action="store_true",
                        help="skip the other retrieval modes and embedder backends")
    parser.add_argument("--out", type=Path, default=DEFAULT_REPORT,
                        help=f"report file; plots go to plots/ next to it (default: {DEFAULT_REPORT})")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return main(args.split, ablations=not args.no_ablations, out=args.out)


if __name__ == "__main__":
    sys.exit(cli())
