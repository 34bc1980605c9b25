"""The ingest flow: find documents -> skip what is unchanged -> extract and normalize the rest
(one task per document, in parallel) -> apply review decisions -> write the dataset and a
report. Orchestration only: every task body is one call into a stage package.

Incremental by content: a document whose SHA-256 and pipeline key (pipeline version,
catalogue, review overlay, match model) were ingested before is not read again; the dataset
always holds every document ingested so far. Each task writes its (large) result into the
state folder and hands back only a small record, so work units travel cheaply to Dask.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq
from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.task_runners import ThreadPoolTaskRunner

import extractors
import normalize
import outputs
from extractors.cache import CACHE_ENV
from normalize.catalogue import default_path as default_catalogue_path
from normalize.catalogue import with_overlay
from normalize.match import model_path
from normalize.repair import default_repairer
from outputs.report import markdown_summary, write_report
from outputs.rows import DocumentOutcome
from review.apply import apply_decisions, write_overlay_file
from review.refresh import save_model_rows
from review.store import Store, state_dir
from veikart import PIPELINE_VERSION, __version__, ids
from veikart.errors import VeikartError


@functools.lru_cache(maxsize=4)
def _matcher(catalogue_path: str, _mtime: float, overlay: tuple) -> normalize.Matcher:
    catalogue = with_overlay(normalize.load_catalogue(catalogue_path), [dict(o) for o in overlay])
    return normalize.Matcher(catalogue)


def matcher_for(catalogue_path: str, overlay: tuple = ()) -> normalize.Matcher:
    """The matcher for a catalogue file plus the review overlay (cached per version)."""
    return _matcher(catalogue_path, os.stat(catalogue_path).st_mtime, overlay)


def overlay_names(overlay: tuple) -> tuple[str, ...]:
    """The names reviewers gave new initiatives and aliases: words for OCR repair to know."""
    return tuple(dict(o)["name"] for o in overlay if dict(o).get("name"))


def _overlay_key(store: Store) -> tuple:
    return tuple(tuple(sorted((k, o[k]) for k in ("kind", "initiative_id", "name")))
                 for o in store.overlay())


def pipeline_key(catalogue_path: str, overlay: tuple) -> str:
    """What, besides a document's bytes, decides its rows."""
    digest = hashlib.sha256()
    for part in (PIPELINE_VERSION, Path(catalogue_path).read_bytes(), repr(overlay).encode(),
                 model_path().read_bytes()):
        digest.update(part if isinstance(part, bytes) else str(part).encode())
    return digest.hexdigest()[:16]


@task(name="ingest-document", task_run_name="ingest {path}")
def ingest_document(path: str, catalogue_path: str, overlay: tuple, state: str,
                    key: str) -> dict:
    """Extract and normalize one document; its outcome goes to the state folder and a small
    record comes back. A VeikartError becomes a failed record."""
    os.environ.setdefault(CACHE_ENV, str(Path(state) / "cache"))
    try:
        repairer = default_repairer(catalogue_path, overlay_names(overlay))
        doc = extractors.extract(Path(path), text_check=repairer.looks_damaged)
        norm = normalize.normalize_document(doc, matcher_for(catalogue_path, overlay), repairer)
    except VeikartError as err:
        message = str(err) if str(err).startswith(path) else f"{path}: {err}"
        return {"path": path, "status": "failed", "error": message, "sha256": None,
                "exit_code": int(err.exit_code), "result_file": None, "pages": 0,
                "ocr_pages": 0, "items": 0}
    result = Path(state) / "results" / f"{doc.origin.sha256}-{key}.pkl"
    result.parent.mkdir(parents=True, exist_ok=True)
    tmp = result.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(pickle.dumps(DocumentOutcome(path, "ok", document=doc, normalized=norm)))
    tmp.replace(result)
    return {"path": path, "status": "ok", "error": None, "sha256": doc.origin.sha256,
            "exit_code": None, "result_file": str(result), "pages": len(doc.pages),
            "ocr_pages": sum(p.ocr for p in doc.pages), "items": len(norm.items)}


def load_outcome(entry: dict) -> DocumentOutcome:
    """A ledger entry's outcome: the stored result, or a failed outcome with its reason."""
    if entry["status"] == "ok" and entry["result_file"] and Path(entry["result_file"]).exists():
        return pickle.loads(Path(entry["result_file"]).read_bytes())
    return DocumentOutcome(entry["path"], "failed", entry["error"] or "no stored result",
                           exit_code=entry["exit_code"])


def _progress(done: int, total: int, pages: int, started: float) -> None:
    if not sys.stderr.isatty() or not total:
        return
    elapsed = time.monotonic() - started
    left = elapsed / done * (total - done) if done else 0.0
    print(f"\rveikart: {done}/{total} documents, {pages} pages, ~{left:.0f} s left ",
          end="" if done < total else "\n", file=sys.stderr, flush=True)


def flow_for(dask_address: str | None = None):
    """The ingest flow on the local cores (default), or on an existing Dask cluster."""
    if not dask_address:
        return ingest_flow
    from prefect_dask import DaskTaskRunner

    return ingest_flow.with_options(task_runner=DaskTaskRunner(address=dask_address))


@flow(name="veikart-ingest", log_prints=False,
      task_runner=ThreadPoolTaskRunner(max_workers=os.cpu_count() or 2))
def ingest_flow(inputs: list[str], out: str, catalogue: str | None = None,
                state: str | None = None, force: bool = False) -> dict:
    """Ingest every new or changed document under ``inputs`` into the dataset in ``out``.

    Returns a small summary: run id, documents processed/skipped/failed with reasons, items
    by match status, and the files written.
    """
    started = ids.run_start()
    clock = time.monotonic()
    catalogue_path = str(catalogue or default_catalogue_path())
    normalize.load_catalogue(catalogue_path)  # a bad catalogue fails before anything is made
    state_path = str(state_dir(Path(out), Path(state) if state else None))
    store = Store(Path(state_path))
    overlay = _overlay_key(store)
    matcher_for(catalogue_path, overlay)
    key = pipeline_key(catalogue_path, overlay)
    run_id = ids.run_id(started)
    ledger = store.ledger()
    found, not_read = extractors.walk(inputs, exclude=[out, state_path])
    paths = [str(p) for p in found]
    todo, skipped = [], []
    for path in paths:
        entry = ledger.get(path)
        sha = extractors.file_sha256(Path(path)) if Path(path).is_file() else None
        if (not force and entry and entry["status"] == "ok" and sha == entry["sha256"]
                and entry["pipeline_key"] == key and Path(entry["result_file"]).exists()):
            skipped.append(path)
        else:
            todo.append(path)
    records = []
    futures = [ingest_document.submit(p, catalogue_path, overlay, state_path, key)
               for p in todo]
    pages = 0
    for path, future in zip(todo, futures, strict=True):
        state_ = future.wait() or future.state
        if state_.is_completed():
            record = future.result()
        else:  # a bug, not bad input: still one line, and the other documents go on
            err = future.result(raise_on_failure=False)
            record = {"path": path, "status": "failed", "sha256": None, "exit_code": 15,
                      "error": f"{path}: internal error: {err}", "result_file": None,
                      "pages": 0, "ocr_pages": 0, "items": 0}
        records.append(record)
        pages += record["pages"]
        store.record_ingest(path, record["sha256"], key, record["status"], record["error"],
                            record["exit_code"], record["result_file"], run_id)
        _progress(len(records), len(todo), pages, clock)
    ledger = store.ledger()
    outcomes = [load_outcome(ledger[p]) for p in sorted(ledger)]
    for outcome in outcomes:
        if outcome.document is not None:
            store.keep_source(Path(outcome.path), outcome.document.origin.sha256)
    run_ids = {p: e["run_id"] for p, e in ledger.items()}
    run = {"run_id": run_id, "started_at": started.isoformat(timespec="microseconds"),
           "finished_at": None, "veikart_version": __version__,
           "pipeline_version": PIPELINE_VERSION, "catalogue_path": catalogue_path,
           "catalogue_sha256": hashlib.sha256(Path(catalogue_path).read_bytes()).hexdigest(),
           "documents": len(outcomes), "failed": sum(o.status == "failed" for o in outcomes),
           "items": 0, "processed": len(todo), "skipped": len(skipped)}
    not_read = [n for n in not_read if str(n.path) not in ledger]  # read in an earlier run
    run["not_read"] = len(not_read)
    outcomes += [DocumentOutcome(str(n.path), "skipped", n.reason) for n in not_read]
    rows = outputs.dataset_rows(outcomes, run, run_ids)
    run["items"] = len(rows["roadmap"])
    run["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    previous_runs = Path(out) / "runs.parquet"
    if previous_runs.exists():
        rows["runs"] = [r for r in pq.read_table(previous_runs).to_pylist()
                        if r["run_id"] != run_id] + rows["runs"]
    files = write_dataset(out, state_path, rows, catalogue_path)
    tables = {name: pq.read_table(path).to_pylist() for name, path in files.items()
              if name in outputs.TABLES}
    summary = {
        "run_id": run_id, "out": out, "files": files, "documents": records,
        "skipped": skipped, "not_read": [f"{n.path}: {n.reason}" for n in not_read],
        "items": run["items"], "match_status": _count(tables["roadmap"]),
        "failed_total": [o.error for o in outcomes if o.status == "failed"],
    }
    files["report"] = str(write_report(Path(out), summary, tables))
    create_markdown_artifact(key="veikart-run-report", markdown=markdown_summary(summary, tables),
                             description=f"veikart run {run_id}")
    return summary


def _count(roadmap: list[dict]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in roadmap:
        counts[row["match_status"]] = counts.get(row["match_status"], 0) + 1
    return counts


@task(name="write-dataset")
def write_dataset(out: str, state: str, rows: dict[str, list[dict]],
                  catalogue_path: str) -> dict[str, str]:
    """Keep the model's rows, apply the decision log, write the dataset."""
    store = Store(Path(state))
    save_model_rows(store, rows["roadmap"])
    rows = {**rows, "roadmap": apply_decisions(rows["roadmap"], store,
                                               normalize.load_catalogue(catalogue_path))}
    written = {k: str(v) for k, v in outputs.write_dataset(Path(out), rows).items()}
    write_overlay_file(store)
    return written
