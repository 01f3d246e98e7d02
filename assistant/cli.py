"""Command line: ``python -m assistant ask "..." [--json] [--history FILE]``, ``index [--rebuild]``
and ``feedback-export [--out FILE]``."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

from assistant.errors import user_message
from assistant.types import Turn


def _read_history(path: str) -> list[Turn]:
    """History file: a JSON list of {"role", "text"} objects, or JSONL of the same."""
    raw = Path(path).read_text(encoding="utf-8").strip()
    items = json.loads(raw) if raw.startswith("[") else [json.loads(line) for line in raw.splitlines() if line.strip()]
    return [Turn(str(i["role"]), str(i["text"]), services=tuple(map(str, i.get("services") or ())))
            for i in items]


def stderr_progress(done: int, total: int) -> None:
    """A one-line Norwegian progress bar on stderr while an index build embeds the guide."""
    width = 30
    filled = int(width * done / max(total, 1))
    sys.stderr.write(f"\rBygger indeks [{'#' * filled}{'.' * (width - filled)}] {done}/{total} tekstbiter")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def _cmd_index(args: argparse.Namespace) -> int:
    from assistant.core import Assistant
    start = time.perf_counter()
    # through the assistant, so the index holds its banks too and `Assistant.load` finds it current
    retriever = Assistant.load(rebuild=args.rebuild, progress=stderr_progress).retriever
    m = retriever.manifest
    print(f"chunks: {m.chunk_count}")
    print(f"model:  {m.embedder_name} ({m.dim} dimensions, {m.dense_kind})")
    print(f"corpus: {m.corpus_hash}")
    print(f"path:   {retriever.data_path}")
    print(f"time:   {time.perf_counter() - start:.2f} s")
    return 0


def _cmd_ask(args: argparse.Namespace) -> int:
    from assistant.core import Assistant

    history = _read_history(args.history) if args.history else []
    bot = Assistant.load(progress=stderr_progress)
    question = " ".join(args.question) if args.question else sys.stdin.read()
    reply = bot.ask(question, history=history)
    if args.json:
        print(json.dumps(reply.to_dict(), ensure_ascii=False, indent=2))
        return 0
    print(reply.text)
    if reply.citations:
        print("\nKilder:")
        for c in reply.citations:
            page = f", side {c.page}" if c.page else ""
            print(f"[{c.n}] {c.title} – {c.section}{page}: «{c.quote}»")
    return 0


def _cmd_feedback(args: argparse.Namespace) -> int:
    """Export the ratings; every problem is said in Norwegian with the file it concerns (never a traceback)."""
    from assistant.feedback import (CSV_COLUMNS, MERGE_WINDOW_S, FeedbackBusy, FeedbackError, FeedbackStore,
                                    default_path)

    path = default_path()
    try:
        out = open(args.out, "w", encoding="utf-8", newline="") if args.out else sys.stdout
    except OSError as exc:
        print(f"Kunne ikke skrive CSV-filen {args.out}: {exc.strerror or exc}.", file=sys.stderr)
        return 1
    try:
        if not path.exists():
            print(f"Ingen tilbakemeldinger ennå: {path} finnes ikke.", file=sys.stderr)
            out.write(",".join(CSV_COLUMNS) + "\n")
            return 0
        try:
            store = FeedbackStore(path)
            count = store.export_csv(out)
        except FeedbackBusy:
            print(f"Tilbakemeldingene kunne ikke leses: databasen {path} er låst av en annen prosess. "
                  "Prøv igjen om litt.", file=sys.stderr)
            return 1
        except FeedbackError as exc:
            print(f"Tilbakemeldingene kunne ikke leses: {path} kan ikke åpnes ({exc}). Sjekk at filen og mappen "
                  "finnes og kan leses og skrives.", file=sys.stderr)
            return 1
        dropped = store.dropped()
        if dropped:
            print(f"{dropped} eldre tilbakemeldinger er slettet fordi lageret nådde grensen ({store.max_rows} rader "
                  f"eller {store.max_bytes / 1024 / 1024:g} MB); de nyeste er med.", file=sys.stderr)
        merged = store.merged()
        if merged:
            print(f"{merged} like tilbakemeldinger sendt innen {MERGE_WINDOW_S} sekunder etter en annen er ikke "
                  "lagret på nytt.", file=sys.stderr)
        if store.recovered:
            print(f"Tilbakemeldingsdatabasen {path} var skadet. Den er flyttet til {store.recovered.name}, og en ny, "
                  "tom database er opprettet; eldre tilbakemeldinger kan kanskje hentes fra den flyttede filen.",
                  file=sys.stderr)
    finally:
        if out is not sys.stdout:
            out.close()
    if args.out:
        print(f"{count} tilbakemeldinger skrevet til {args.out}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m assistant",
                                     description="Helse- og omsorgsassistent for Levanger kommune")
    sub = parser.add_subparsers(dest="command", required=True)
    p_ask = sub.add_parser("ask", help="still et spørsmål")
    p_ask.add_argument("question", nargs="*", help="spørsmålet (eller fra standard input)")
    p_ask.add_argument("--json", action="store_true", help="skriv svaret som JSON")
    p_ask.add_argument("--history", help="JSON-fil med tidligere meldinger [{role, text}]")
    p_index = sub.add_parser("index", help="bygg eller sjekk søkeindeksen")
    p_index.add_argument("--rebuild", action="store_true", help="bygg indeksen på nytt")
    p_feedback = sub.add_parser("feedback-export", help="skriv tilbakemeldingene (👍/👎) som CSV")
    p_feedback.add_argument("--out", help="CSV-fil (standard: standard output)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    try:
        commands = {"ask": _cmd_ask, "index": _cmd_index, "feedback-export": _cmd_feedback}
        return commands[args.command](args)
    except (OSError, ValueError, KeyError) as exc:
        if args.command == "ask" and args.history:
            print(f"Kunne ikke lese historikkfilen: {exc.__class__.__name__}", file=sys.stderr)
            return 2
        print(user_message(exc), file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - the edge: turn any error into a message, never a traceback
        logging.getLogger(__name__).error("command failed: %s", exc.__class__.__name__)
        print(user_message(exc), file=sys.stderr)
        return 1
