"""The ingest flow: find documents -> extract (one task per document) -> normalize -> write.

Orchestration only: every task body is one call into a stage package. A document that cannot
be read becomes a ``failed`` row with a one-line reason; the others go on.
"""

from __future__ import annotations

import functools
import hashlib
import os
import secrets
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq
from prefect import flow, task
from prefect.task_runners import ThreadPoolTaskRunner

import extractors
import normalize
import outputs
from normalize.catalogue import default_path as default_catalogue_path
from normalize.catalogue import with_overlay
from normalize.repair import default_repairer
from outputs.rows import DocumentOutcome
from review.apply import apply_decisions, write_overlay_file
from review.refresh import save_model_rows
from review.store import Store, state_dir
from veikart import PIPELINE_VERSION, __version__
from veikart.errors import VeikartError


@functools.lru_cache(maxsize=4)
def _matcher(catalogue_path: str, _mtime: float, overlay: tuple) -> normalize.Matcher:
    catalogue = with_overlay(normalize.load_catalogue(catalogue_path), [dict(o) for o in overlay])
    return normalize.Matcher(catalogue)


def matcher_for(catalogue_path: str, overlay: tuple = ()) -> normalize.Matcher:
    """The matcher for a catalogue file plus the review overlay (cached per version)."""
    return _matcher(catalogue_path, os.stat(catalogue_path).st_mtime, overlay)


def _overlay_key(store: Store) -> tuple:
    return tuple(tuple(sorted((k, o[k]) for k in ("kind", "initiative_id", "name")))
                 for o in store.overlay())


@task(name="ingest-document", task_run_name="ingest {path}")
def ingest_document(path: str, catalogue_path: str, overlay: tuple = ()) -> DocumentOutcome:
    """Extract and normalize one document; a VeikartError becomes a failed outcome."""
    try:
        repairer = default_repairer(catalogue_path)
        doc = extractors.extract(Path(path), text_check=repairer.looks_damaged)
        norm = normalize.normalize_document(doc, matcher_for(catalogue_path, overlay), repairer)
    except VeikartError as err:
        size = Path(path).stat().st_size if Path(path).is_file() else None
        message = str(err) if str(err).startswith(path) else f"{path}: {err}"
        return DocumentOutcome(path, "failed", message, size=size, exit_code=int(err.exit_code))
    return DocumentOutcome(path, "ok", document=doc, normalized=norm)


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


def new_run_id(now: datetime) -> str:
    return now.strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


def _sha256(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@flow(name="veikart-ingest", task_runner=ThreadPoolTaskRunner(max_workers=os.cpu_count() or 2),
      log_prints=False)
def ingest_flow(inputs: list[str], out: str, catalogue: str | None = None,
                state: str | None = None) -> dict:
    """Ingest every document under ``inputs`` into the dataset in ``out``.

    Returns a small summary: run id, documents ok/failed with reasons, items by match status,
    and the files written.
    """
    started = datetime.now(UTC)
    catalogue_path = str(catalogue or default_catalogue_path())
    normalize.load_catalogue(catalogue_path)  # a bad catalogue fails before anything is made
    state_path = str(state_dir(Path(out), Path(state) if state else None))
    store = Store(Path(state_path))
    overlay = _overlay_key(store)
    matcher_for(catalogue_path, overlay)
    paths = [str(p) for p in extractors.discover(inputs)]
    futures = [ingest_document.submit(p, catalogue_path, overlay) for p in paths]
    outcomes: list[DocumentOutcome] = []
    for path, future in zip(paths, futures, strict=True):
        state = future.wait() or future.state
        if state.is_completed():
            outcomes.append(future.result())
        else:  # a bug, not bad input: still one line, and the other documents go on
            err = future.result(raise_on_failure=False)
            outcomes.append(DocumentOutcome(path, "failed", f"{path}: internal error: {err}",
                                            exit_code=15))
    run = {"run_id": new_run_id(started), "started_at": started.isoformat(timespec="seconds"),
           "finished_at": None, "veikart_version": __version__,
           "pipeline_version": PIPELINE_VERSION, "catalogue_path": catalogue_path,
           "catalogue_sha256": _sha256(catalogue_path), "documents": len(outcomes),
           "failed": sum(o.status == "failed" for o in outcomes), "items": 0}
    for outcome in outcomes:
        if outcome.document is not None:
            store.keep_source(Path(outcome.path), outcome.document.origin.sha256)
    rows = outputs.dataset_rows(outcomes, run)
    run["items"] = len(rows["roadmap"])
    run["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    files = write_dataset(out, state_path, rows, catalogue_path)
    rows["roadmap"] = pq.read_table(files["roadmap"]).to_pylist()
    by_status: dict[str, int] = {}
    for row in rows["roadmap"]:
        by_status[row["match_status"]] = by_status.get(row["match_status"], 0) + 1
    return {
        "run_id": run["run_id"], "out": out, "files": files,
        "documents": [{"path": o.path, "status": o.status, "error": o.error,
                       "exit_code": o.exit_code,
                       "items": len(o.normalized.items) if o.normalized else 0,
                       "pages": o.document.origin.page_count if o.document else 0,
                       "ocr_pages": sum(p.ocr for p in o.document.pages) if o.document else 0}
                      for o in outcomes],
        "items": run["items"], "match_status": by_status,
    }
