"""The ingest flow: find documents -> skip what is unchanged -> extract and normalize the rest
(one task per document, or per batch of documents handed to worker processes, in parallel)
-> apply review decisions -> write the dataset and a report. Orchestration only: every task
body is one call into a stage package.

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

#: Most documents one task reads while the run has worker processes (see :func:`batches`).
BATCH_MAX = 8


@task(name="ingest-documents", task_run_name="ingest {label}")
def ingest_documents(calls: list[tuple], label: str) -> list[dict]:
    """Extract and normalize documents, each call the arguments of
    :func:`outputs.document.ingest_one` (:func:`outputs.run.reading`; handed to the worker
    processes at once while the run has them, unless the command handed them over before);
    their rows go to the state folder and a small record each comes back. A document whose
    reading hits a bug is a failed record of its own."""
    outcomes = workers.run_each(stage.ingest_one, [tuple(call) for call in calls])
    return [stage.failed_record(call[0], f"{call[0]}: internal error: {outcome}", 15)
            if isinstance(outcome, Exception) else outcome
            for call, outcome in zip(calls, outcomes, strict=True)]


def batches(paths: list[str], processes: int) -> list[list[str]]:
    """The documents of a run as its tasks read them: one a task without worker processes
    (or on Dask); with them, up to :data:`BATCH_MAX` a task, so that Prefect's bookkeeping
    of a task (its run and states: ≈ 30 ms of CPU here and the server's, and ≈ 0.2 s of
    waiting), once per document, no longer costs more than reading a slide deck does
    (≈ 80 ms), while at least four tasks per worker keep every worker busy."""
    size = 1 if not processes else max(1, min(BATCH_MAX, -(-len(paths) // (4 * processes))))
    return [paths[i:i + size] for i in range(0, len(paths), size)]


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
    plan = runs.prepared(inputs, out, catalogue, state, force, follow)  # the command's own
    if not workers.active():  # (the command's workers are reading: they have their matcher)
        stage.matcher_for(plan.catalogue_path, plan.overlay)  # built once, before the threads
    with workers.document_workers(len(plan.todo) if _local_threads() else 0) as processes:
        if processes:
            get_run_logger().info(f"reading {_count(len(plan.todo), 'document')} in "
                                  f"{_count(processes, 'worker process')}")
        _read(plan, workers.active())
        readers = workers.readers()
    if readers:
        get_run_logger().info(f"{_count(readers, 'worker process')} read the documents")
    runs.record_failed_fetches(plan, plan.store)
    summary, facts = runs.finish(plan, publish_dataset(plan))
    summary["worker_processes"] = readers
    create_markdown_artifact(key="veikart-run-report", markdown=markdown_summary(summary, facts),
                             description=f"veikart run {plan.run_id}")
    return summary


def _count(n: int, noun: str) -> str:
    """``n`` and ``noun``, plural but for one: "1 worker process", "2 worker processes"."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}{'es' if noun.endswith('s') else 's'}"


def _local_threads() -> bool:
    """Whether this flow run's tasks run in threads of this process (not on Dask)."""
    from prefect.context import FlowRunContext

    context = FlowRunContext.get()
    return context is not None and isinstance(context.task_runner, ThreadPoolTaskRunner)


def _read(plan: runs.RunPlan, processes: int) -> None:
    """Every document to read, in tasks (see :func:`batches`); their outcomes into the
    ledger as each task ends."""
    store = plan.store
    groups = batches(plan.todo, processes)
    futures = [ingest_documents.submit(
        [runs.reading(plan, p) for p in group],
        group[0] if len(group) == 1 else f"{group[0]} and {len(group) - 1} more")
        for group in groups]
    pages = 0
    for group, future in zip(groups, futures, strict=True):
        state_ = future.wait() or future.state
        if state_.is_completed():
            outcomes = future.result()
        else:  # a bug, not bad input: still one line each, and the other documents go on
            err = future.result(raise_on_failure=False)
            outcomes = [stage.failed_record(p, f"{p}: internal error: {err}", 15)
                        for p in group]
        for path, outcome in zip(group, outcomes, strict=True):
            runs.record(plan, store, path, outcome)
            pages += outcome["pages"]
        _progress(len(plan.records), len(plan.todo), pages, plan.clock)
