"""The ingest flow: find documents -> skip what is unchanged -> extract and normalize the rest
(one task per document, in parallel) -> apply review decisions -> write the dataset and a
report. Orchestration only: every task body is one call into a stage package.

Incremental by content: a document whose SHA-256 and pipeline key (pipeline version,
catalogue, review overlay, match model) were ingested before is not read again; the dataset
always holds every document ingested so far. Each task writes its (large) result into the
state folder and hands back only a small record, so work units travel cheaply to Dask.
"""

from __future__ import annotations

import hashlib
import os
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
from normalize.catalogue import default_path as default_catalogue_path
from outputs import document as stage
from outputs.publish import (
    fingerprint,
    is_current,
    publish,
    publish_runs,
    published_model,
    read_tables,
)
from outputs.report import markdown_summary, write_report
from state import Store, results, state_dir
from veikart import PIPELINE_VERSION, __version__, ids


@task(name="ingest-document", task_run_name="ingest {path}")
def ingest_document(path: str, catalogue_path: str, overlay: tuple, state: str, key: str,
                    run_id: str) -> dict:
    """Extract and normalize one document; its rows go to the state folder and a small
    record comes back."""
    return stage.ingest_one(path, catalogue_path, overlay, state, key, run_id)


@task(name="publish-dataset")
def publish_dataset(out: str, state: str, catalogue_path: str, run: dict,
                    not_read: list[tuple[str, str]], processed: list[str]) -> dict[str, str]:
    """Every stored document's rows, this run's row in runs, the decisions: the dataset.
    A run that changed nothing the dataset is made of writes only its runs row."""
    store, out_path = Store(Path(state)), Path(out)
    ledger = store.ledger()
    print_ = fingerprint(store, catalogue_path, (sorted(ledger.items()), not_read))
    runs_file = out_path / "runs.parquet"
    runs = [r for r in pq.read_table(runs_file).to_pylist() if r["run_id"] != run["run_id"]] \
        if runs_file.exists() else []
    run["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    if is_current(out_path, store, print_):
        run["items"] = pq.read_metadata(out_path / "roadmap.parquet").num_rows
        return {k: str(v) for k, v in publish_runs(out_path, runs + [run]).items()}
    rows = stage.stored_rows(ledger, run["run_id"], not_read, set(processed),
                             published_model(out_path, store))
    run["items"] = len(rows["roadmap"])
    rows["runs"] = runs + [run]
    return {k: str(v) for k, v in publish(out_path, store, rows, catalogue_path,
                                          print_).items()}


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
    legacy = results.drop_legacy(Path(state_path))
    overlay = stage.overlay_key(store)
    stage.matcher_for(catalogue_path, overlay)
    key = stage.pipeline_key(catalogue_path, overlay)
    run_id = ids.run_id(started)
    found, not_read = extractors.walk(inputs, exclude=[out, state_path])
    todo_plan = stage.plan([str(p) for p in found], store.ledger(), key, force)
    todo, skipped = todo_plan.todo, todo_plan.unchanged
    records = []
    futures = [ingest_document.submit(p, catalogue_path, overlay, state_path, key, run_id)
               for p in todo]
    pages = 0
    for path, future in zip(todo, futures, strict=True):
        state_ = future.wait() or future.state
        if state_.is_completed():
            record = future.result()
        else:  # a bug, not bad input: still one line, and the other documents go on
            err = future.result(raise_on_failure=False)
            record = stage.failed_record(path, f"{path}: internal error: {err}", 15)
        records.append(record)
        pages += record["pages"]
        store.record_ingest(path, record["sha256"], key, record["status"], record["error"],
                            record["exit_code"], record["result_file"], run_id)
        _progress(len(records), len(todo), pages, clock)
    for record in records:  # the review app renders crops from copies it owns
        if record["status"] == "ok":
            store.keep_source(Path(record["path"]), record["sha256"])
    ledger = store.ledger()
    not_read_pairs = [(str(n.path), n.reason) for n in not_read if str(n.path) not in ledger]
    run = {"run_id": run_id, "started_at": started.isoformat(timespec="microseconds"),
           "finished_at": None, "veikart_version": __version__,
           "pipeline_version": PIPELINE_VERSION, "catalogue_path": catalogue_path,
           "catalogue_sha256": hashlib.sha256(Path(catalogue_path).read_bytes()).hexdigest(),
           "documents": len(ledger),
           "failed": sum(e["status"] == "failed" for e in ledger.values()),
           "items": 0, "processed": len(todo), "skipped": len(skipped),
           "not_read": len(not_read_pairs)}
    files = publish_dataset(out, state_path, catalogue_path, run, not_read_pairs, todo)
    tables = read_tables(Path(out))
    summary = {
        "run_id": run_id, "out": out, "files": files, "documents": records,
        "skipped": skipped, "not_read": [f"{p}: {r}" for p, r in not_read_pairs],
        "legacy_results": legacy,
        "items": len(tables["roadmap"]), "match_status": _count(tables["roadmap"]),
        "failed_total": [e["error"] for e in ledger.values() if e["status"] == "failed"],
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
