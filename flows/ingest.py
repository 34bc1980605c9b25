"""The ingest flow: find documents -> skip what is unchanged -> extract and normalize the rest
(one task per document, in parallel) -> apply review decisions -> write the dataset and a
report. Orchestration only: every task body is one call into a stage package.

Incremental by content: a document whose SHA-256 and pipeline key (pipeline version,
catalogue, review overlay, match model) were ingested before is not read again; the dataset
always holds every document ingested so far. Each task writes its (large) result into the
state folder and hands back only a small record, so work units travel cheaply to Dask.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.task_runners import ThreadPoolTaskRunner

from outputs import document as stage
from outputs import run as runs
from outputs.report import markdown_summary
from state import locked, state_dir

from . import workers


@task(name="ingest-document", task_run_name="ingest {path}")
def ingest_document(path: str, catalogue_path: str, overlay: tuple, state: str, key: str,
                    run_id: str, local: str | None = None) -> dict:
    """Extract and normalize one document (in a worker process while the run has them); its
    rows go to the state folder and a small record comes back."""
    return workers.run(stage.ingest_one, path, catalogue_path, overlay, state, key, run_id,
                       local)


@task(name="publish-dataset")
def publish_dataset(plan: runs.RunPlan) -> dict[str, str]:
    """Every stored document's rows, this run's row in runs, the decisions: the dataset."""
    return runs.publish_run(plan)


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


# Two task threads per worker process: while one thread's document is read, the other's
# task does Prefect's bookkeeping (its run and states, 30-50 ms), so a worker never waits.
@flow(name="veikart-ingest", log_prints=False,
      task_runner=ThreadPoolTaskRunner(max_workers=2 * workers.cores()))
def ingest_flow(inputs: list[str], out: str, catalogue: str | None = None,
                state: str | None = None, force: bool = False, follow: int = 1) -> dict:
    """Ingest every new or changed document under ``inputs`` into the dataset in ``out``.

    ``inputs`` are files, folders, web pages (``https://…``: the page and the documents
    it links to, ``follow`` levels deep), S3 prefixes (``s3://bucket/prefix``) and WebDAV
    folders (``webdav(s)://host/path``). Returns a small summary: run id, documents
    processed/skipped/failed with reasons, items by match status, and the files written.
    """
    runs.checked_catalogue(catalogue)
    with locked(state_dir(Path(out), Path(state) if state else None)):
        return _ingest(inputs, out, catalogue, state, force, follow)


def _ingest(inputs: list[str], out: str, catalogue: str | None, state: str | None,
            force: bool, follow: int) -> dict:
    plan = runs.prepare(inputs, out, catalogue, state, force, follow)
    stage.matcher_for(plan.catalogue_path, plan.overlay)  # built once, before the workers
    with workers.document_workers(len(plan.todo) if _local_threads() else 0) as processes:
        if processes:
            get_run_logger().info(f"reading {len(plan.todo)} documents in {processes} worker "
                                  "processes")
        _read(plan)
        readers = workers.readers()
    if readers:
        get_run_logger().info(f"{readers} worker processes read the documents")
    runs.record_failed_fetches(plan, plan.store)
    summary, facts = runs.finish(plan, publish_dataset(plan))
    summary["worker_processes"] = readers
    create_markdown_artifact(key="veikart-run-report", markdown=markdown_summary(summary, facts),
                             description=f"veikart run {plan.run_id}")
    return summary


def _local_threads() -> bool:
    """Whether this flow run's tasks run in threads of this process (not on Dask)."""
    from prefect.context import FlowRunContext

    context = FlowRunContext.get()
    return context is not None and isinstance(context.task_runner, ThreadPoolTaskRunner)


def _read(plan: runs.RunPlan) -> None:
    """Every document to read, one task each; their outcomes into the ledger."""
    store = plan.store
    futures = [ingest_document.submit(p, plan.catalogue_path, plan.overlay, plan.state,
                                      plan.key, plan.run_id, plan.local.get(p))
               for p in plan.todo]
    pages = 0
    for path, future in zip(plan.todo, futures, strict=True):
        state_ = future.wait() or future.state
        if state_.is_completed():
            outcome = future.result()
        else:  # a bug, not bad input: still one line, and the other documents go on
            err = future.result(raise_on_failure=False)
            outcome = stage.failed_record(path, f"{path}: internal error: {err}", 15)
        runs.record(plan, store, path, outcome)
        pages += outcome["pages"]
        _progress(len(plan.records), len(plan.todo), pages, plan.clock)
