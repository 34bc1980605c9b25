"""The ``veikart`` command. Exceptions become exit codes here and only here."""

from __future__ import annotations

import argparse
import atexit
import json
import os
import re
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from .errors import ExitCode, OutputError, ReviewError, UsageError, VeikartError


def _quiet_prefect(verbose: bool) -> None:
    """Prefect settings for a command-line run; must happen before prefect is imported."""
    # Not verbose: Prefect prints nothing of its own. A failure is veikart's one line (its
    # traceback with VEIKART_DEBUG=1), never Prefect's log of it.
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if verbose else "CRITICAL")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")
    # The first run in a new PREFECT_HOME migrates its database: give the embedded server time.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


@contextmanager
def _prefect_silent(verbose: bool) -> Iterator[None]:
    """Prefect's loggers say nothing during a run that is not ``--verbose`` (also where its
    logging was set up before this command: a test, an embedding program)."""
    import logging

    logger = logging.getLogger("prefect")
    level = logger.level
    if not verbose:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def _err(message: str) -> None:
    print(f"veikart: error: {message}", file=sys.stderr)


def _print_summary(summary: dict, out: Path) -> None:
    docs = summary["documents"]
    failed = [d for d in docs if d["status"] == "failed"]
    pages = sum(d["pages"] for d in docs)
    ocr_pages = sum(d["ocr_pages"] for d in docs)
    status = summary["match_status"]
    print(f"veikart: {len(docs) + len(summary['skipped'])} documents: {len(docs)} read "
          f"({len(docs) - len(failed)} ok, {len(failed)} failed), {len(summary['skipped'])} "
          f"unchanged; {pages} pages read ({ocr_pages} by OCR); "
          f"{summary['items']} roadmap items in the dataset")
    print("  matched: " + ", ".join(f"{status.get(k, 0)} {k}" for k in
                                     ("auto", "pending", "reviewed", "unmatched", "ignored")))
    print(f"  dataset: {out}/ (roadmap.parquet, roadmap.csv, roadmap.xlsx, mentions.parquet, "
          f"roadmap_latest.parquet, roadmap_changes.parquet, documents.parquet, pages.parquet, "
          f"runs.parquet, veikart.duckdb, datapackage.json, report.html)")
    if summary.get("not_read"):
        count = len(summary["not_read"])
        print(f"  not read: {count} file{'s' if count != 1 else ''} (see documents.parquet, "
              f"status skipped): " + "; ".join(summary["not_read"][:3])
              + (" ..." if len(summary["not_read"]) > 3 else ""))
    for line in summary.get("recovered", []):
        print(f"  recovered: {line}")
    if summary.get("legacy_results"):
        print(f"  migrated: {summary['legacy_results']} results an earlier release kept as "
              "pickles were removed; their documents were read again")
    if summary.get("server"):
        print(f"  prefect: {summary['server']}")
    print(f"  run id:  {summary['run_id']}")


def _writable(*folders: Path) -> None:
    """Make the output and state folders, or say in one line why they cannot be (exit 4)."""
    for folder in folders:
        try:
            Path(folder).mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise OutputError(f"{folder}: cannot be made ({err.strerror or err})") from None


def _local_documents(plan, args: argparse.Namespace) -> int:
    """The documents this process is to read itself (for its worker processes), with the
    matcher they share built first where there are several; 0 when the flow plans them
    (remote sources) or Dask reads them. One document's worker builds its own matcher
    (importing spaCy) while this process imports Prefect."""
    if plan is None or args.dask_address or not plan.todo:
        return 0
    if len(plan.todo) > 1:  # the workers forked next share the matcher and the backends
        import extractors
        from outputs import document as stage

        stage.matcher_for(plan.catalogue_path, plan.overlay)
        extractors.load_backends()
    return len(plan.todo)


def _read_ahead(plan) -> None:
    """Hand the run's documents to the workers just forked, to be read while Prefect starts;
    the flow takes the plan (the same run) and its tasks the outcomes."""
    if plan is None or not plan.todo:
        return
    from flows import workers
    from outputs import document as stage
    from outputs import run as runs

    workers.read_ahead(stage.ingest_one, [runs.reading(plan, p) for p in plan.todo])


def cmd_ingest(args: argparse.Namespace) -> int:
    _quiet_prefect(args.verbose)
    from extractors.remote import is_remote
    from outputs import run as runs

    options = {"inputs": [str(p) for p in args.paths], "out": str(args.out),
               "catalogue": str(args.catalogue) if args.catalogue else None,
               "state": str(args.state) if args.state else None, "force": args.force,
               "follow": args.follow}
    from state import locked, state_dir

    runs.checked_catalogue(options["catalogue"])
    _writable(args.out, state_dir(args.out, args.state))
    # A run over local files that has nothing to read needs no flow. Remote sources (web,
    # S3, WebDAV) are not planned here: the flow fetches them (once), conditionally.
    local = not any(is_remote(i) for i in options["inputs"])
    from flows.server import stop_orphans

    stop_orphans()
    with locked(state_dir(args.out, args.state), wait=args.wait):
        plan = runs.prepare(**options) if local else None
        if plan is not None and runs.is_noop(plan):
            summary = runs.noop_run(plan)
        else:
            from flows.server import prefect_api
            from flows.workers import document_workers

            # the server starts while the matcher is built, workers forked and Prefect
            # imported here; the workers before any thread (the flow's are Prefect's)
            with runs.handing_over(plan, **options), prefect_api(args.verbose) as api, \
                    document_workers(_local_documents(plan, args)):
                _read_ahead(plan)
                from flows.ingest import flow_for

                with api.connected(), _prefect_silent(args.verbose):
                    summary = flow_for(args.dask_address)(**options)
            if api.handed_over:
                summary["server"] = api.handed_over
    docs = summary["documents"]
    failed = [d for d in docs if d["status"] == "failed"]
    for d in failed:
        _err(d["error"])
    _print_summary(summary, args.out)
    if not docs and not summary["skipped"]:
        _err(f"no documents found in {', '.join(map(str, args.paths))}")
        return ExitCode.input_file
    if failed:
        if any(d["exit_code"] == ExitCode.missing_dependency for d in failed):
            return ExitCode.missing_dependency
        return ExitCode.input_file if len(failed) == len(docs) + len(summary["skipped"]) \
            else ExitCode.partial
    return ExitCode.ok


def _checked_schedule(cron: str, timezone: str) -> None:
    """A cron string and a time zone Prefect takes, checked before any server is started
    (exit 2 in one line otherwise)."""
    from prefect.client.schemas.schedules import CronSchedule
    from pydantic import ValidationError

    try:
        CronSchedule(cron=cron, timezone=timezone)
    except ValidationError as err:
        reason = "; ".join(e["msg"].removeprefix("Value error, ") for e in err.errors())
        raise UsageError(f"--cron '{cron}' --timezone '{timezone}': {reason}") from None


def cmd_serve(args: argparse.Namespace) -> int:
    _quiet_prefect(args.verbose)
    _checked_schedule(args.cron, args.timezone)
    from flows.serve import serve

    return serve(sources=[str(s) for s in args.source], out=str(args.out), cron=args.cron,
                 catalogue=str(args.catalogue) if args.catalogue else None,
                 state=str(args.state) if args.state else None,
                 dask_address=args.dask_address, timezone=args.timezone, port=args.port,
                 run_now=args.run_now)


def cmd_match(args: argparse.Namespace) -> int:
    from normalize import Matcher, load_catalogue
    from normalize.lexicon import split_notes

    matcher = Matcher(load_catalogue(args.catalogue))
    texts = args.texts or [line.rstrip("\n") for line in sys.stdin if line.strip()]
    split = [split_notes(text) for text in texts]
    cores = [core for core, _ in split]
    for text, (core, notes), m in zip(texts, split, matcher.match_many(
            cores, [args.region] * len(texts)), strict=True):
        print(json.dumps({"text": text, "match_text": core, "notes": notes,
                          "outcome": m.status, "initiative_id": m.initiative_id,
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


def _review_service(args: argparse.Namespace):
    from review.service import ReviewService

    return ReviewService(args.out, getattr(args, "state", None),
                         str(args.catalogue) if getattr(args, "catalogue", None) else None)


def _read_export(file: Path) -> str:
    """The text of a decision export (``-``: stdin); a file that cannot be read is the user's
    mistake (exit code 2), said in one line."""
    try:
        return sys.stdin.read() if str(file) == "-" else file.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as err:
        reason = getattr(err, "strerror", None) or "not UTF-8 text"
        raise UsageError(f"{file}: cannot read it as a decision export ({reason})") from None


def cmd_review(args: argparse.Namespace) -> int:
    action = getattr(args, "review_command", None) or "serve"
    if not getattr(args, "out", None):
        _err("review needs --out DIR (the dataset folder)")
        return ExitCode.bad_args
    if action == "list" and args.status not in STATUSES:
        raise UsageError(f"--status {args.status}: not a match status (one of "
                         f"{', '.join(STATUSES)})")
    service = _review_service(args)
    if action == "serve":
        from review.app import create_app, server

        if not service.store.reviewers():
            _err("no reviewers yet: create one with `veikart review add-reviewer NAME "
                 f"--out {args.out}`")
            return ExitCode.bad_args
        print(f"veikart review: http://127.0.0.1:{args.port}/ (Ctrl-C stops)")
        server(create_app(service), args.port).run()
        return ExitCode.ok
    if action == "add-reviewer":
        token = service.store.add_reviewer(args.name)
        print(f"reviewer {args.name}: token {token}")
        print("give the token to the reviewer; it is not shown again (add-reviewer again "
              "makes a new one and ends the sessions signed in with the old one)")
        return ExitCode.ok
    if action == "remove-reviewer":
        if not service.store.remove_reviewer(args.name):
            raise ReviewError(f"no reviewer {args.name!r} to remove (reviewers: "
                              f"{', '.join(service.store.reviewers()) or 'none'})")
        print(f"reviewer {args.name} removed: the token no longer signs in and their sessions "
              "have ended; their decisions stay in the log")
        return ExitCode.ok
    if action == "list":
        from review.service import Filters

        rows = service.queue(Filters(args.document, args.region, args.status))
        for r in rows:
            cands = [{"initiative_id": c["initiative_id"], "name": c["name"],
                      "score": c["score"]} for c in json.loads(r["candidates"] or "[]")]
            if args.json:
                print(json.dumps({"item_id": r["item_id"], "text": r["text"],
                                  "candidates": cands, "match_status": r["match_status"],
                                  "source_path": r["source_path"], "page": r["page"],
                                  "region": r["region"], "period": r["period"]},
                                 ensure_ascii=False))
            else:
                best = cands[0]["name"] if cands else "-"
                print(f"{r['item_id']}  {' '.join(r['text'].split())[:60]:60}  → {best}")
        left, total = service.progress()
        if not args.json:
            print(f"{left} of {total} left")
        return ExitCode.ok
    if action == "decide":
        if args.initiative:
            how = ("match", args.initiative, None)
        elif args.new:
            how = ("new", None, args.new)
        elif args.alias:
            how = ("alias", args.alias, None)
        elif args.reject:
            how = ("reject", args.reject, None)
        elif args.defer:
            how = ("defer", None, None)
        else:
            how = ("ignore", None, None)
        done = service.decide(args.item_id, args.reviewer, how[0], initiative_id=how[1],
                              new_name=how[2], all_identical=args.all_identical)
        print(f"recorded {how[0]} for {args.item_id}"
              f"{' and every item with the same text' if args.all_identical else ''}; "
              f"{done.pending} items left to review")
        return ExitCode.ok
    if action == "undo":
        done = service.undo(args.item_id, args.reviewer)
        d = done.undone
        every = " for every item with the same text" if d.scope == "text" else ""
        print(f"undid {d.action}{' ' + d.initiative_id if d.initiative_id else ''} by "
              f"{d.reviewer} ({d.at}){every}; {args.item_id} is now {done.status}; "
              f"{done.pending} items left to review")
        return ExitCode.ok
    if action == "export":
        text = service.store.export_json()
        if args.file and str(args.file) != "-":
            try:
                args.file.write_text(text + "\n", encoding="utf-8")
            except OSError as err:
                raise OutputError(f"{args.file}: cannot write the export ({err.strerror})") \
                    from None
        else:
            print(text)
        return ExitCode.ok
    if action == "import":
        try:
            added = service.store.import_json(_read_export(args.file))
        except UsageError as err:
            raise UsageError(f"{args.file}: {err}") from None
        service.republish()
        print(f"imported {added} decisions")
        return ExitCode.ok
    return ExitCode.bad_args


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


#: The values of ``match_status`` (``normalize.model.MatchStatus``, which a test holds this
#: to; importing it here would load the matcher for every command).
STATUSES = ("pending", "auto", "reviewed", "unmatched", "ignored")
REVIEWER_NAME = re.compile(r"[\w.@-]{1,64}")


class Parser(argparse.ArgumentParser):
    """argparse with a mistake said in one line (exit code 2), pointing to ``--help``."""

    def error(self, message: str):
        self.exit(ExitCode.bad_args, f"{self.prog}: error: {message} (see {self.prog} "
                                     "--help)\n")


def port(text: str) -> int:
    """A TCP port number, for argparse."""
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port (1-65535)")
    return int(text)


def reviewer_name(text: str) -> str:
    """A reviewer's name, for argparse: letters, digits and ``._@-``, at most 64."""
    if not REVIEWER_NAME.fullmatch(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a reviewer name (letters, digits "
                                         "and . _ @ -, at most 64)")
    return text


def _default_reviewer() -> str:
    """$USER when it is a reviewer name, else ``cli``."""
    user = os.environ.get("USER", "")
    return user if REVIEWER_NAME.fullmatch(user) else "cli"


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="veikart", description="Helsenorge roadmap material in, a roadmap dataset out.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="ingest documents and folders into a dataset")
    p.add_argument("paths", nargs="+", help="files, folders (walked recursively), web pages "
                                            "(https://…: the page and its documents), S3 "
                                            "(s3://bucket/prefix) or WebDAV (webdavs://host/"
                                            "path) folders")
    p.add_argument("--out", type=Path, required=True, help="output folder for the dataset")
    p.add_argument("--follow", type=int, default=1, metavar="N",
                   help="levels of a web page's links followed to documents (default 1)")
    p.add_argument("--catalogue", type=Path, help="catalogue YAML (default: the bundled one)")
    p.add_argument("--state", type=Path, help="state folder (default: OUT/state or "
                                              "$VEIKART_STATE)")
    p.add_argument("--force", action="store_true",
                   help="read every document again, even those unchanged since a past run")
    p.add_argument("--wait", type=float, default=600.0, metavar="SECONDS",
                   help="how long to wait for another ingest into the same state folder "
                        "(default 600; then exit code 9)")
    p.add_argument("--dask-address", metavar="tcp://HOST:PORT",
                   help="run the documents on this Dask cluster (default: local cores)")
    p.add_argument("-v", "--verbose", action="store_true", help="show Prefect's run logs")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("serve", help="ingest on a schedule (a Prefect deployment)")
    p.add_argument("--source", action="append", required=True,
                   help="inbox folder, web page (https://…), s3://bucket/prefix or "
                        "webdavs://host/path to ingest (repeat for several)")
    p.add_argument("--out", type=Path, required=True, help="output folder for the dataset")
    p.add_argument("--cron", default="0 6 * * *", help="schedule (default: 06:00 daily)")
    p.add_argument("--timezone", default="Europe/Oslo", help="the cron's time zone")
    p.add_argument("--catalogue", type=Path, help="catalogue YAML (default: the bundled one)")
    p.add_argument("--state", type=Path, help="state folder")
    p.add_argument("--dask-address", metavar="tcp://HOST:PORT", help="Dask cluster to use")
    p.add_argument("--port", type=port, default=4200,
                   help="port of the local Prefect server started when PREFECT_API_URL is "
                        "not set (default 4200)")
    p.add_argument("--run-now", action="store_true", help="also run once right away")
    p.add_argument("-v", "--verbose", action="store_true", help="show Prefect's logs")
    p.set_defaults(func=cmd_serve)

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

    p = sub.add_parser("review", help="review pending matches: web app (default) or CLI")
    p.add_argument("--out", type=Path, help="dataset folder written by veikart ingest")
    p.add_argument("--state", type=Path, help="state folder (default: OUT/state or "
                                              "$VEIKART_STATE)")
    p.add_argument("--catalogue", type=Path, help="catalogue YAML (default: the bundled one)")
    p.add_argument("--port", type=port, default=8765, help="port on 127.0.0.1 (default 8765)")
    p.set_defaults(func=cmd_review)
    rsub = p.add_subparsers(dest="review_command")
    keep = argparse.SUPPRESS

    def review_parser(name: str, help_text: str) -> argparse.ArgumentParser:
        r = rsub.add_parser(name, help=help_text)
        r.add_argument("--out", type=Path, default=keep, help="dataset folder")
        r.add_argument("--state", type=Path, default=keep, help="state folder")
        r.add_argument("--catalogue", type=Path, default=keep, help="catalogue YAML")
        return r

    r = review_parser("serve", "serve the review web app on 127.0.0.1")
    r.add_argument("--port", type=port, default=keep)
    r = review_parser("add-reviewer", "create a reviewer and print their sign-in token (again: "
                                      "a new token, the old one's sessions end)")
    r.add_argument("name", type=reviewer_name)
    r = review_parser("remove-reviewer", "take a reviewer's access away (their token and "
                                         "sessions end; their decisions stay)")
    r.add_argument("name")
    r = review_parser("list", "print the review queue")
    r.add_argument("--json", action="store_true", help="one JSON object per line")
    r.add_argument("--document", help="only items of this source_path")
    r.add_argument("--region", help="only items of this region")
    r.add_argument("--status", default="pending", help="pending (default) or another status")
    r = review_parser("decide", "record a decision and update the outputs")
    r.add_argument("item_id")
    how = r.add_mutually_exclusive_group(required=True)
    how.add_argument("--initiative", metavar="ID", help="match to this initiative")
    how.add_argument("--new", metavar="NAME", help="create a new initiative and match to it")
    how.add_argument("--alias", metavar="ID", help="add the text as an alias of ID and match")
    how.add_argument("--reject", metavar="ID", help="not this candidate: re-rank the rest")
    how.add_argument("--ignore", action="store_true", help="not an initiative")
    how.add_argument("--defer", action="store_true", help="decide later")
    r.add_argument("--all-identical", action="store_true",
                   help="apply to every item with the same normalized text, also later ones")
    r.add_argument("--reviewer", type=reviewer_name, default=_default_reviewer(),
                   help="who decides (default: $USER)")
    r = review_parser("undo", "take back the decision in force on an item (appends to the log)")
    r.add_argument("item_id")
    r.add_argument("--reviewer", type=reviewer_name, default=_default_reviewer(),
                   help="who undoes it (default: $USER)")
    r = review_parser("export", "write the decision log and catalogue overlay as JSON")
    r.add_argument("file", nargs="?", type=Path, help="file (default: stdout)")
    r = review_parser("import", "append the decisions of an export")
    r.add_argument("file", type=Path, help="export file, or - for stdin")

    p = sub.add_parser("extract", help="print a document's pages and blocks (JSON lines)")
    p.add_argument("file", type=Path)
    p.set_defaults(func=cmd_extract)
    return parser


class Terminated(KeyboardInterrupt):
    """SIGTERM (a scheduler or service manager stopping the run): unwound like Ctrl-C."""


#: The signal that stopped this call of :func:`main`, once one came: the stop's exit code
#: stands even where the unwinding it started raised an error of its own (a step that
#: cleans up after itself, or a library reporting the stop, meeting a half-done call).
_stopped: int | None = None


def _on_stop(signum, _frame) -> None:
    """SIGTERM and Ctrl-C (SIGINT): remembered (the first), and unwound as an interrupt."""
    global _stopped
    _stopped = _stopped or signum
    raise Terminated() if signum == signal.SIGTERM else KeyboardInterrupt


def _handle_stops() -> None:
    """SIGTERM and Ctrl-C unwind the run (:func:`_on_stop`), also where Python would
    swallow them (:func:`_unraisable`)."""
    signal.signal(signal.SIGTERM, _on_stop)
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _on_stop)
    if not getattr(sys.unraisablehook, "veikart", False):
        sys.unraisablehook = _unraisable(sys.unraisablehook)
        sys.unraisablehook.veikart = True


#: How soon a stop that Python swallowed is delivered again (seconds).
REDELIVER_S = 0.05


def _unraisable(hook):
    """``sys.unraisablehook`` that delivers a stop again when Python swallowed it: a signal
    handled while a weakref callback or a ``__del__`` ran (an import's module lock) raised
    the stop there, where Python prints "Exception ignored" and goes on, and the run went on
    reading as if never stopped. The signal is sent again a moment later, to be raised in
    ordinary code; anything else goes to ``hook``."""
    def on_unraisable(unraisable) -> None:
        if isinstance(unraisable.exc_value, KeyboardInterrupt) and _stopped is not None:
            timer = threading.Timer(REDELIVER_S, os.kill, (os.getpid(), _stopped))
            timer.daemon = True
            timer.start()
            return
        hook(unraisable)
    return on_unraisable


def _one_line(err: BaseException, limit: int) -> str:
    """An error's message on one line, cut to ``limit`` characters."""
    return " ".join(str(err).split())[:limit]


def _said_stopped(signum: int, during: BaseException | None = None) -> int:
    """The one line and the exit code of a run stopped by ``signum``; ``during``: the error
    the unwinding raised instead (named in the line: it did not cost any stored result)."""
    after = (f" ({type(during).__name__} while stopping: {_one_line(during, 200)})"
             if during is not None else "")
    if signum == signal.SIGTERM:
        _err("stopped (SIGTERM); nothing half-written is left, the next run goes on from "
             f"here{after}")
        return int(ExitCode.terminated)
    _err(f"interrupted; nothing half-written is left, the next run goes on from here{after}")
    return int(ExitCode.interrupted)


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as done:  # --help (0), or a mistake said in one line (2)
        return int(done.code or 0)
    global _stopped
    _stopped = None
    if threading.current_thread() is threading.main_thread():
        _handle_stops()
    try:
        return int(args.func(args))
    except VeikartError as err:
        if _stopped is not None:
            return _said_stopped(_stopped, err)
        _err(str(err))
        return int(err.exit_code)
    except Terminated:
        return _said_stopped(signal.SIGTERM)
    except KeyboardInterrupt:
        return _said_stopped(signal.SIGINT)
    except BrokenPipeError:
        return ExitCode.ok
    except Exception as err:  # noqa: BLE001 - one line for the user; VEIKART_DEBUG=1 for more
        if _stopped is not None:
            return _said_stopped(_stopped, err)
        if os.environ.get("VEIKART_DEBUG"):
            raise
        _err(f"internal error: {type(err).__name__}: {_one_line(err, 300)} "
             "(run with VEIKART_DEBUG=1 for a traceback)")
        return int(ExitCode.other_error)


#: The exit code :func:`entry` leaves with.
_EXIT_CODE = 0


def _leave() -> None:
    """The last exit handler: output flushed, then out, with the exit code. Python's own
    teardown of the heap, object by object, is skipped: after an ingest (Prefect's thousands
    of modules, a dataset's rows) it took 1.4 s, and it writes nothing. Every file veikart
    writes is closed (and fsynced) before :func:`main` returns."""
    for stream in (sys.stdout, sys.stderr):
        with suppress(Exception):
            stream.flush()
    os._exit(_EXIT_CODE)


def entry() -> None:
    """The ``veikart`` command: :func:`main`, then every exit handler (Prefect's, logging's)
    and out (:func:`_leave`). Registered first, :func:`_leave` runs last."""
    global _EXIT_CODE
    atexit.register(_leave)
    _EXIT_CODE = main()
    sys.exit(_EXIT_CODE)


if __name__ == "__main__":
    entry()
