"""The ``veikart`` command. Exceptions become exit codes here and only here."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from .errors import ExitCode, VeikartError


def _quiet_prefect(verbose: bool) -> None:
    """Prefect settings for a command-line run; must happen before prefect is imported."""
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if verbose else "WARNING")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")
    # The first run in a new PREFECT_HOME migrates its database: give the embedded server time.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


def _err(message: str) -> None:
    print(f"veikart: error: {message}", file=sys.stderr)


def cmd_ingest(args: argparse.Namespace) -> int:
    _quiet_prefect(args.verbose)
    from flows.ingest import ingest_flow

    summary = ingest_flow(inputs=[str(p) for p in args.paths], out=str(args.out),
                          catalogue=str(args.catalogue) if args.catalogue else None)
    docs = summary["documents"]
    failed = [d for d in docs if d["status"] == "failed"]
    for d in failed:
        _err(d["error"])
    pages = sum(d["pages"] for d in docs)
    ocr_pages = sum(d["ocr_pages"] for d in docs)
    status = summary["match_status"]
    print(f"veikart: {len(docs)} documents ({len(docs) - len(failed)} ok, {len(failed)} failed), "
          f"{pages} pages ({ocr_pages} by OCR), {summary['items']} roadmap items")
    print("  matched: " + ", ".join(f"{status.get(k, 0)} {k}"
                                     for k in ("auto", "pending", "reviewed", "unmatched")))
    print(f"  dataset: {args.out}/ (roadmap.parquet, roadmap.csv, mentions.parquet, "
          f"documents.parquet, pages.parquet, runs.parquet, veikart.duckdb, datapackage.json)")
    print(f"  run id:  {summary['run_id']}")
    if not docs:
        _err(f"no documents found in {', '.join(map(str, args.paths))}")
        return ExitCode.input_file
    if failed:
        if any(d["exit_code"] == ExitCode.missing_dependency for d in failed):
            return ExitCode.missing_dependency
        return ExitCode.input_file if len(failed) == len(docs) else ExitCode.partial
    return ExitCode.ok


def cmd_match(args: argparse.Namespace) -> int:
    from normalize import Matcher, load_catalogue

    matcher = Matcher(load_catalogue(args.catalogue))
    texts = args.texts or [line.rstrip("\n") for line in sys.stdin if line.strip()]
    for text, m in zip(texts, matcher.match_many(texts, [args.region] * len(texts)), strict=True):
        print(json.dumps({"text": text, "outcome": m.status, "initiative_id": m.initiative_id,
                          "score": m.score, "candidates": m.candidates,
                          "explanation": m.explanation}, ensure_ascii=False))
    return ExitCode.ok


def cmd_repair(args: argparse.Namespace) -> int:
    from normalize.repair import default_repairer

    if args.file is None or str(args.file) == "-":
        text = sys.stdin.read()
    else:
        try:
            text = args.file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            _err(f"{args.file}: cannot read ({getattr(err, 'strerror', None) or err})")
            return ExitCode.input_file
    repairer = default_repairer(str(args.catalogue) if args.catalogue else None)
    force = {"auto": None, "always": True, "never": False}[args.mode]
    damaged = repairer.looks_damaged(text) if force is None else force
    lines = text.split("\n")
    ends_with_newline = text.endswith("\n")
    if ends_with_newline:
        lines.pop()
    for number, line in enumerate(lines, start=1):
        result = repairer.repair(line, force=damaged)
        print(result.text)
        if args.changes:
            for change in result.changes:
                print(json.dumps({"line": number, **change.as_dict()}, ensure_ascii=False),
                      file=sys.stderr)
    return ExitCode.ok


def cmd_extract(args: argparse.Namespace) -> int:
    from extractors import extract

    doc = extract(args.file)
    for page in doc.pages:
        print(json.dumps({
            "page": page.number, "text_source": page.text_source, "ocr": page.ocr,
            "blocks": [{"kind": b.kind, "bbox": b.bbox, "shape_id": b.shape_id,
                        "char_start": b.char_start, "char_end": b.char_end, "text": b.text}
                       for b in page.blocks]}, ensure_ascii=False))
    return ExitCode.ok


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="veikart", description="Helsenorge roadmap material in, a roadmap dataset out.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="ingest documents and folders into a dataset")
    p.add_argument("paths", nargs="+", type=Path, help="files or folders (walked recursively)")
    p.add_argument("--out", type=Path, required=True, help="output folder for the dataset")
    p.add_argument("--catalogue", type=Path, help="catalogue YAML (default: the bundled one)")
    p.add_argument("-v", "--verbose", action="store_true", help="show Prefect's run logs")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("match", help="match texts against the catalogue (JSON lines)")
    p.add_argument("texts", nargs="*", help="texts to match (default: one per line on stdin)")
    p.add_argument("--catalogue", type=Path, help="catalogue YAML (default: the bundled one)")
    p.add_argument("--region", help="the items' region, used to break ties")
    p.set_defaults(func=cmd_match)

    p = sub.add_parser("repair", help="repair OCR-damaged Norwegian text, line for line")
    p.add_argument("file", nargs="?", type=Path, help="text file (default or '-': stdin)")
    p.add_argument("--mode", choices=("auto", "always", "never"), default="auto",
                   help="auto: repair only if the whole input reads as damaged (default)")
    p.add_argument("--changes", action="store_true",
                   help="also print every change as a JSON line on stderr")
    p.add_argument("--catalogue", type=Path, help="catalogue whose names count as words")
    p.set_defaults(func=cmd_repair)

    p = sub.add_parser("extract", help="print a document's pages and blocks (JSON lines)")
    p.add_argument("file", type=Path)
    p.set_defaults(func=cmd_extract)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except VeikartError as err:
        _err(str(err))
        return int(err.exit_code)
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    except BrokenPipeError:
        return ExitCode.ok
    except Exception as err:  # noqa: BLE001 - one line for the user; VEIKART_DEBUG=1 for more
        if os.environ.get("VEIKART_DEBUG"):
            raise
        _err(f"internal error: {type(err).__name__}: {' '.join(str(err).split())[:300]} "
             "(run with VEIKART_DEBUG=1 for a traceback)")
        return int(ExitCode.other_error)


if __name__ == "__main__":
    sys.exit(main())
