"""One ingest run, start and end, without Prefect: :func:`prepare` walks the inputs and plans
what to read; :func:`record` keeps each document's outcome in the ledger; :func:`finish`
publishes the dataset, writes the report and returns the run's summary. The flow schedules
the documents in between; a run with nothing to read and a dataset that is current needs no
flow at all (:func:`is_noop`), so an unchanged morning costs about a second."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq

import extractors
from extractors import fetch, web
from extractors.sources import absolute
from normalize.catalogue import default_path as default_catalogue_path
from normalize.catalogue import load_catalogue
from state import Store, results, state_dir
from veikart import PIPELINE_VERSION, __version__, ids
from veikart.files import sha256_file, sweep_temporaries

from . import document as stage
from .publish import (
    fingerprint,
    is_current,
    previous_runs,
    publish,
    publish_runs,
    published_model,
)
from .report import Facts, read_facts, write_report

#: The state's folders only ingest writes into: temporary files left there by a killed run
#: are removed at the start of the next (the dataset and the state's own files are swept by
#: the publisher, under its lock).
SWEPT = (results.RESULTS, "sources", "mirror")


@dataclass
class RunPlan:
    run_id: str
    started: datetime
    clock: float
    out: str
    state: str
    catalogue_path: str
    overlay: tuple
    key: str
    todo: list[str]
    unchanged: list[str]
    not_read: list[tuple[str, str]]
    legacy_results: int
    #: Documents named by a URL: their mirror copies.
    local: dict[str, str] = field(default_factory=dict)
    #: URLs that could not be fetched: (url, reason).
    failed_fetches: list[tuple[str, str]] = field(default_factory=list)
    #: Documents a listed source (S3, WebDAV) held at an earlier run and no longer does.
    removed: list[tuple[str, str]] = field(default_factory=list)
    records: list[dict] = field(default_factory=list)
    #: Damaged state or outputs found and rebuilt in this run, one line each.
    recovered: list[str] = field(default_factory=list)

    @property
    def store(self) -> Store:
        return Store(Path(self.state))


def checked_catalogue(catalogue: str | None) -> str:
    """The catalogue's path, once it has loaded: a bad catalogue fails the run before anything
    is made (no output or state folder, no lock)."""
    path = str(catalogue or default_catalogue_path())
    load_catalogue(path)
    return path


def _remote(urls: list[str], store: Store, follow: int) -> tuple[list[str], dict[str, str],
                                                                  list[tuple[str, str]],
                                                                  list[tuple[str, str]],
                                                                  list[tuple[str, str]]]:
    """Fetch the remote sources (web pages, S3, WebDAV) into the state's mirror: the
    documents' URLs, their mirror copies, the URLs that failed (with reasons), the objects
    not read, and the documents the sources no longer hold (with reasons)."""
    found, local, failed, skipped, removed = [], {}, [], [], []
    mirror = store.folder / "mirror"
    for url in urls:
        crawl = fetch.crawl(url, store.fetched(), mirror, follow)
        skipped += crawl.skipped
        removed += crawl.removed
        for doc in crawl.documents:
            if doc.status == "failed":
                failed.append((doc.url, doc.error))
                continue
            store.record_fetch(doc.url, doc.etag, doc.last_modified, doc.size, doc.sha256,
                               str(doc.path))
            found.append(doc.url)
            local[doc.url] = str(doc.path)
        if not web.is_url(url) and all(d.url != url for d in crawl.documents):
            store.forget_failure(url)  # a listing that works: the source is no document
    return found, local, failed, skipped, removed


def prepare(inputs: list[str], out: str, catalogue: str | None = None,
            state: str | None = None, force: bool = False, follow: int = 1) -> RunPlan:
    """Open the state, walk the inputs (fetching web sources into the state's mirror,
    conditionally) and plan the run. The caller has checked the catalogue
    (:func:`checked_catalogue`) before taking the state's lock."""
    started = ids.run_start()
    clock = time.monotonic()
    catalogue_path = str(catalogue or default_catalogue_path())
    # absolute, so that stored results are found from any working directory
    state_path = str(state_dir(Path(out), Path(state) if state else None).resolve())
    store = Store(Path(state_path))
    for folder in SWEPT:  # under the ingest lock: no other writer of these
        sweep_temporaries(Path(state_path) / folder)
    legacy = results.drop_legacy(Path(state_path))
    overlay = stage.overlay_key(store)
    key = stage.pipeline_key(catalogue_path, overlay)
    urls = [i for i in map(str, inputs) if fetch.is_remote(i)]
    # documents are known by absolute paths: the same inbox from any working directory
    found, not_read = extractors.walk([absolute(i) for i in inputs if not fetch.is_remote(str(i))],
                                      exclude=[absolute(out), state_path])
    fetched, local, failed, linked, removed = _remote(urls, store, follow)
    adopt_relative_keys(store, {str(p) for p in found})
    ledger = store.ledger()
    plan = stage.plan([str(p) for p in found] + fetched, ledger, key, force, local)
    return RunPlan(ids.run_id(started), started, clock, out, state_path, catalogue_path,
                   overlay, key, plan.todo, plan.unchanged,
                   [(n.shown, n.reason) for n in not_read] + linked, legacy, local=local,
                   failed_fetches=failed, removed=removed)


#: The plan the command made before it started the flow, and the arguments it was made for.
_handed: tuple[tuple, RunPlan] | None = None


@contextmanager
def handing_over(plan: RunPlan | None, inputs: list[str], out: str,
                 catalogue: str | None = None, state: str | None = None, force: bool = False,
                 follow: int = 1) -> Iterator[None]:
    """While the block runs, ``plan`` (made by :func:`prepare` with these arguments, the
    state's lock held since) is left for the flow this process starts: :func:`prepared`
    takes it, so the inputs are walked and hashed once a run, and the documents the command
    handed its workers ahead of the flow are those the flow's tasks read (the same run id).
    ``None``: nothing is left (the flow plans its run itself)."""
    global _handed
    _handed = None if plan is None else (
        (list(inputs), out, catalogue, state, force, follow), plan)
    try:
        yield
    finally:
        _handed = None


def prepared(inputs: list[str], out: str, catalogue: str | None = None,
             state: str | None = None, force: bool = False, follow: int = 1) -> RunPlan:
    """The plan :func:`hand_over` left for these arguments (once), else :func:`prepare`'s."""
    global _handed
    handed, _handed = _handed, None
    if handed is not None and handed[0] == (list(inputs), out, catalogue, state, force, follow):
        return handed[1]
    return prepare(inputs, out, catalogue, state, force, follow)


def reading(plan: RunPlan, path: str) -> tuple:
    """The arguments of :func:`outputs.document.ingest_one` that read ``path`` in this run."""
    return (path, plan.catalogue_path, plan.overlay, plan.state, plan.key, plan.run_id,
            plan.local.get(path))


def adopt_relative_keys(store: Store, found: set[str]) -> list[tuple[str, str]]:
    """Ledger rows an earlier release keyed by a path relative to its working directory
    take the absolute path of the file they name from here, when that is a file this run
    found and the ledger does not know yet (else they stay, and a rename finds them by their
    content). The keys moved, (old, new)."""
    ledger = store.ledger()
    moved = []
    for key in sorted(ledger):
        if fetch.is_remote(key) or Path(key).is_absolute():
            continue
        new = str(absolute(key))
        if new in found and new not in ledger:
            store.move_ledger(key, new)
            moved.append((key, new))
    return moved


def record(plan: RunPlan, store: Store, path: str, outcome: dict) -> None:
    """Keep one document's outcome in the ledger (and a copy of a document read, from which
    the review app renders its crops)."""
    plan.records.append(outcome)
    if outcome["status"] == "ok":  # first: a run killed in between reads it again
        store.keep_source(Path(plan.local.get(path, path)), outcome["sha256"])
    store.record_ingest(path, outcome["sha256"], plan.key, outcome["status"], outcome["error"],
                        outcome["exit_code"], outcome["result_file"], plan.run_id)


def record_failed_fetches(plan: RunPlan, store: Store) -> None:
    """The URLs that could not be fetched, and the documents a listed source no longer
    holds, are failed documents, each with its reason (as a web page's link that answers
    404). A removed one is reported once: the state forgets what was fetched of it."""
    for url, reason in plan.failed_fetches + plan.removed:
        record(plan, store, url, stage.failed_record(url, f"{url}: {reason}", 3))
    for url, _ in plan.removed:
        store.forget_fetch(url)


def _not_read(plan: RunPlan, ledger: dict[str, dict]) -> list[tuple[str, str]]:
    """The files this run found and did not read, but for those read in an earlier run."""
    return [(p, r) for p, r in plan.not_read if p not in ledger]


def _fingerprint(plan: RunPlan, store: Store, ledger: dict[str, dict]) -> str:
    return fingerprint(store, plan.catalogue_path, (sorted(ledger.items()),
                                                    _not_read(plan, ledger)))


def is_noop(plan: RunPlan) -> bool:
    """Nothing to read, and the dataset in ``out`` is made of exactly what the state holds."""
    if plan.todo or plan.failed_fetches or plan.removed:
        return False
    store = plan.store
    return is_current(Path(plan.out), store, _fingerprint(plan, store, store.ledger()))


def publish_run(plan: RunPlan) -> dict[str, str]:
    """The dataset, with this run's row in runs. A run that changed nothing the dataset is
    made of writes only its runs row."""
    store, out = plan.store, Path(plan.out)
    ledger = store.ledger()
    not_read = _not_read(plan, ledger)
    print_ = _fingerprint(plan, store, ledger)
    run = {"run_id": plan.run_id, "started_at": plan.started.isoformat(timespec="microseconds"),
           "finished_at": None, "veikart_version": __version__,
           "pipeline_version": PIPELINE_VERSION, "catalogue_path": plan.catalogue_path,
           "catalogue_sha256": sha256_file(Path(plan.catalogue_path)),
           "documents": len(ledger),
           "failed": sum(e["status"] == "failed" for e in ledger.values()),
           "items": 0, "processed": len(plan.todo), "skipped": len(plan.unchanged),
           "not_read": len(not_read)}
    earlier, problem = previous_runs(out)
    if problem:
        plan.recovered.append(problem)
    runs = [r for r in earlier if r["run_id"] != plan.run_id]
    run["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    if is_current(out, store, print_):
        run["items"] = pq.read_metadata(out / "roadmap.parquet").num_rows
        return {k: str(v) for k, v in publish_runs(out, store, runs + [run]).items()}
    processed = set(plan.todo) | {url for url, _ in plan.failed_fetches + plan.removed}
    rows = stage.stored_rows(ledger, plan.run_id, not_read, processed,
                             published_model(out, store))
    run["items"] = len(rows["roadmap"])
    rows["runs"] = runs + [run]
    return {k: str(v) for k, v in publish(out, store, rows, plan.catalogue_path,
                                          print_).items()}


def finish(plan: RunPlan, files: dict[str, str]) -> tuple[dict, Facts]:
    """The run's summary and what the report shows of the dataset as published (read from
    its files as counts and the few rows drawn, never the tables whole); writes the report."""
    ledger = plan.store.ledger()
    facts = read_facts(Path(plan.out))
    summary = {
        "run_id": plan.run_id, "out": plan.out, "files": files, "documents": plan.records,
        "skipped": plan.unchanged,
        "not_read": [f"{p}: {r}" for p, r in _not_read(plan, ledger)],
        "legacy_results": plan.legacy_results, "recovered": plan.recovered,
        "items": facts.items, "match_status": facts.match_status,
        "failed_total": [e["error"] for e in ledger.values() if e["status"] == "failed"],
    }
    files["report"] = str(write_report(Path(plan.out), summary, facts))
    return summary, facts


def noop_run(plan: RunPlan) -> dict:
    """A run with nothing to read over a current dataset: its runs row and report."""
    summary, _ = finish(plan, publish_run(plan))
    return summary
