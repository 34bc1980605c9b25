"""The per-document stage of an ingest: extract and normalize one file, and keep the rows it
gives each table as its stored result; plus the plan of which files a run reads at all.
Everything here runs without Prefect (the flow only schedules it)."""

from __future__ import annotations

import dataclasses
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

import extractors
import normalize
from extractors import limits
from extractors.cache import CACHE_ENV
from normalize.catalogue import load_catalogue, model_path, with_overlay
from state import Store, results
from veikart import PIPELINE_VERSION
from veikart.errors import VeikartError
from veikart.memory import LONG_DOCUMENT, give_back

from .rows import (
    DocumentOutcome,
    document_row,
    mention_rows,
    page_rows,
    roadmap_rows,
    source_uri,
)
from .schema import arrow_schema
from .write import Rows, conformed, to_arrow

#: The tables a document's result holds.
RESULT_TABLES = ("roadmap", "mentions", "pages", "documents")


def overlay_key(store: Store) -> tuple:
    """The review overlay as a hashable value (part of the pipeline key)."""
    return tuple(tuple(sorted((k, o[k]) for k in ("kind", "initiative_id", "name")))
                 for o in store.overlay())


def overlay_names(overlay: tuple) -> tuple[str, ...]:
    """The names reviewers gave new initiatives and aliases: words for OCR repair to know."""
    return tuple(dict(o)["name"] for o in overlay if dict(o).get("name"))


def pipeline_key(catalogue_path: str, overlay: tuple) -> str:
    """What, besides a document's bytes, decides its rows."""
    digest = hashlib.sha256()
    for part in (PIPELINE_VERSION, Path(catalogue_path).read_bytes(), repr(overlay).encode(),
                 model_path().read_bytes()):
        digest.update(part if isinstance(part, bytes) else str(part).encode())
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class Plan:
    todo: list[str]
    unchanged: list[str]


def plan(paths: list[str], ledger: dict[str, dict], key: str, force: bool = False,
         local: dict[str, str] | None = None) -> Plan:
    """Which files to read: a file whose content and pipeline key were ingested before, with
    its result still stored, is unchanged (unless ``force``). ``local`` maps a URL to the
    mirror copy its bytes are in."""
    todo, unchanged = [], []
    local = local or {}
    for path in paths:
        entry = ledger.get(path)
        here = Path(local.get(path, path))
        sha = extractors.file_sha256(here) if here.is_file() else None
        if (not force and entry and entry["status"] == "ok" and sha == entry["sha256"]
                and entry["pipeline_key"] == key
                and results.is_result(entry["result_file"], check=True)):
            unchanged.append(path)
        else:
            todo.append(path)
    return Plan(todo, unchanged)


def failed_record(path: str, message: str, exit_code: int) -> dict:
    """The ledger record of a document that could not be read."""
    return {"path": path, "status": "failed", "error": message, "sha256": None,
            "exit_code": exit_code, "result_file": None, "pages": 0, "ocr_pages": 0, "items": 0}


_MATCHERS: dict[tuple, normalize.Matcher] = {}


def matcher_for(catalogue_path: str, overlay: tuple = ()) -> normalize.Matcher:
    """The matcher for a catalogue file plus the review overlay (one per version)."""
    key = (catalogue_path, os.stat(catalogue_path).st_mtime, overlay)
    if key not in _MATCHERS:
        if len(_MATCHERS) >= 4:
            _MATCHERS.pop(next(iter(_MATCHERS)))
        catalogue = with_overlay(load_catalogue(catalogue_path),
                                 [dict(o) for o in overlay])
        _MATCHERS[key] = normalize.Matcher(catalogue)
    return _MATCHERS[key]


def ingest_one(path: str, catalogue_path: str, overlay: tuple, state: str, key: str,
               run_id: str, local: str | None = None) -> dict:
    """Extract and normalize one document and store its rows; returns its ledger record. A
    document veikart cannot read gives a failed record with its one-line reason. ``local``:
    where the bytes of a document named by a URL (``path``) are."""
    from normalize.repair import default_repairer  # the stage itself: imported to read

    os.environ.setdefault(CACHE_ENV, str(Path(state) / "cache"))
    try:
        repairer = default_repairer(catalogue_path, overlay_names(overlay))
        with limits.time_limit(path):
            doc = extractors.extract(Path(local or path), text_check=repairer.looks_damaged)
            if local:  # its rows name the URL it came from
                doc.origin = dataclasses.replace(doc.origin, path=path)
            norm = normalize.normalize_document(doc, matcher_for(catalogue_path, overlay),
                                                repairer)
            limits.check_time()
    except VeikartError as err:
        message = str(err).replace(str(local), path) if local else str(err)
        message = message if message.startswith(path) else f"{path}: {message}"
        return failed_record(path, message, int(err.exit_code))
    outcome = DocumentOutcome(path, "ok", document=doc, normalized=norm)
    record = {"path": path, "status": "ok", "error": None, "sha256": doc.origin.sha256,
              "exit_code": None, "result_file": None, "pages": len(doc.pages),
              "ocr_pages": sum(p.ocr for p in doc.pages), "items": len(norm.items)}
    tables = {}
    for name, make in (("roadmap", roadmap_rows), ("mentions", mention_rows),
                       ("pages", page_rows), ("documents", _document_rows)):
        tables[name] = to_arrow(name, make(outcome, run_id))  # one table's dicts at a time
    folder = results.save(results.result_dir(Path(state), doc.origin.sha256, key), tables)
    del outcome, doc, norm, tables
    if record["pages"] >= LONG_DOCUMENT:
        give_back()
    return {**record, "result_file": str(folder)}


def _document_rows(outcome: DocumentOutcome, run_id: str) -> list[dict]:
    return [document_row(outcome, run_id)]


def _reusable(previous: dict[str, list[dict]] | None, ledger: dict[str, dict],
              processed: set[str]) -> bool:
    """Whether ``previous`` holds exactly the rows of the ledger's documents not processed in
    this run, from the results the ledger names."""
    if previous is None:
        return False
    shown = {r["source_path"]: r["source_sha256"] for r in previous["documents"]
             if r["status"] != "skipped"}
    kept = {p for p in ledger if p not in processed}
    return kept <= set(shown) and set(shown) <= set(ledger) and all(
        shown[p] == ledger[p]["sha256"] for p in kept if ledger[p]["status"] == "ok")


def _stored(entry: dict) -> bool:
    return entry["status"] == "ok" and results.is_result(entry["result_file"])


def _copies(ledger: dict[str, dict]) -> dict[str, list[str]]:
    """Result folder -> the paths whose content it holds, the one that stands for them all
    first: an existing file before a vanished one (a renamed file moves), then by name."""
    copies: dict[str, list[str]] = {}
    for path in sorted(ledger):
        if _stored(ledger[path]):
            copies.setdefault(ledger[path]["result_file"], []).append(path)
    return {folder: sorted(paths, key=lambda p: (not Path(p).exists(), p))
            for folder, paths in copies.items()}


def stored_rows(ledger: dict[str, dict], run_id: str, not_read: list[tuple[str, str]] = (),
                processed: set[str] = frozenset(),
                previous: dict[str, Rows] | None = None) -> dict[str, Rows]:
    """Every table's rows from the stored results of the documents in the ledger (their own
    run ids kept), the failed documents' rows, and the files not read in this run.

    With ``previous`` (the tables as last published, the roadmap before decisions; see
    :func:`outputs.publish.published_model`) that still matches the ledger, only the
    documents ``processed`` in this run are read from their results; the others' rows are
    taken from ``previous`` as they are, so a run's cost follows what changed rather than
    what is stored. The roadmap, mentions and pages are then Arrow tables (their rows never
    made into dicts), unsorted: the writer sorts them (:func:`outputs.write.as_table`)."""
    copies = _copies(ledger)
    shared = {p for paths in copies.values() if len(paths) > 1 for p in paths}
    kept: dict[str, pa.Table] = {}
    if _reusable(previous, ledger, processed) and not (processed & shared):
        entries = [ledger[p] for p in sorted(ledger) if p in processed]
        rows = {"documents": [r for r in previous["documents"] if r["source_path"] not in
                              processed and r["status"] != "skipped"]}
        for row in rows["documents"]:  # a dataset published before the column had none
            row["source_uri"] = source_uri(row["source_path"])
        gone = pa.array(sorted(processed), pa.string())
        for name in ("roadmap", "mentions", "pages"):
            table = conformed(name, previous[name])
            kept[name] = table.filter(pc.invert(pc.is_in(table["source_path"], gone)))
            rows[name] = []
    else:
        entries = [ledger[p] for p in sorted(ledger)]
        rows = {name: [] for name in RESULT_TABLES}
    for folder in dict.fromkeys(e["result_file"] for e in entries if _stored(e)):
        primary, *others = copies[folder]
        for name in RESULT_TABLES:
            # one document, however many names it has: its rows carry the first name
            for row in results.load([Path(folder)], name, arrow_schema(name)):
                row["source_path"] = primary
                if name == "documents":
                    row["other_paths"] = "; ".join(others) or None
                    row["source_uri"] = source_uri(primary)
                rows[name].append(row)
        for path in others:
            twin = DocumentOutcome(path, "duplicate", f"the same content as {primary}")
            rows["documents"].append(document_row(twin, ledger[path]["run_id"]))
    for e in entries:
        if not _stored(e):
            failed = DocumentOutcome(e["path"], "failed", e["error"] or "no stored result",
                                     exit_code=e["exit_code"])
            rows["documents"].append(document_row(failed, e["run_id"]))
    rows["documents"] += [document_row(DocumentOutcome(p, "skipped", reason), run_id)
                          for p, reason in not_read if p not in ledger]
    for name, table in kept.items():  # and the rows read now
        rows[name] = pa.concat_tables([table, to_arrow(name, rows[name])])
    return rows
