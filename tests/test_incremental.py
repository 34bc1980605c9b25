"""Incremental ingestion by content, history across meetings, Dask, scheduling and the report."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from conftest import DIST, MOTE39, ROOT, SAMPLES, free_port, interrupt_group

TABLES = ["roadmap", "mentions", "documents", "pages", "roadmap_latest", "roadmap_changes"]


@pytest.fixture
def inbox(tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    shutil.copy(SAMPLES / f"{MOTE39}.pptx", folder)
    shutil.copy(SAMPLES / "prosjektside_digital_dialog.html", folder)
    return folder


def test_unchanged_documents_are_skipped_and_tables_stay_identical(prefect_harness, inbox,
                                                                   tmp_path):
    from flows.ingest import ingest_flow

    out = tmp_path / "out"
    first = ingest_flow(inputs=[str(inbox)], out=str(out))
    assert len(first["documents"]) == 2 and not first["skipped"]
    before = {t: (out / f"{t}.parquet").read_bytes() for t in TABLES}
    second = ingest_flow(inputs=[str(inbox)], out=str(out))
    assert second["documents"] == [] and len(second["skipped"]) == 2
    for t in TABLES:
        assert (out / f"{t}.parquet").read_bytes() == before[t], t
    runs = pd.read_parquet(out / "runs.parquet")
    assert list(runs.run_id) == [first["run_id"], second["run_id"]]
    assert list(runs.skipped) == [0, 2]
    forced = ingest_flow(inputs=[str(inbox)], out=str(out), force=True)
    assert len(forced["documents"]) == 2


def test_a_new_deck_is_the_only_one_read_and_its_changes_are_listed(prefect_harness, inbox,
                                                                   tmp_path):
    from flows.ingest import ingest_flow

    out = tmp_path / "out"
    ingest_flow(inputs=[str(inbox)], out=str(out))
    shutil.copy(SAMPLES / f"{DIST}.pptx", inbox)
    summary = ingest_flow(inputs=[str(inbox)], out=str(out))
    assert [Path(d["path"]).name for d in summary["documents"]] == [f"{DIST}.pptx"]
    changes = pd.read_parquet(out / "roadmap_changes.parquet")
    assert set(changes.from_date.astype(str)) == {"2023-04-20"}
    assert set(changes.to_date.astype(str)) == {"2023-09-14"}
    by = {(r.initiative_id, r.region, r.change): r for r in changes.itertuples()}
    moved = by[("timer-2-0", "Helse Vest", "period")]
    assert (moved.before, moved.after) == ("Lenger sikt", "2025-2026")
    status = by[("radiologibrev-helsenorge", "Helse Nord", "status")]
    assert status.after == "i drift"
    assert ("digitale-skjema-via-helsenorge", "Helse Nord", "dropped") in by
    # Midt-Norge is not in the later deck at all: not "dropped"
    assert not any(k[1] == "Helse Midt-Norge" for k in by)
    latest = pd.read_parquet(out / "roadmap_latest.parquet").set_index(
        ["initiative_id", "region"])
    assert latest.loc[("timer-2-0", "Helse Vest")].period == "2025-2026"
    assert latest.loc[("timevisning-via-helsenorge", "Helse Midt-Norge")].status == "i drift"
    docs = pd.read_parquet(out / "documents.parquet")
    assert len(docs) == 3  # history across meetings: every document so far


def test_publishing_only_what_changed_gives_the_full_publish(prefect_harness, inbox, tmp_path):
    """A run that reads one new document takes the other documents' rows from the dataset as
    last published; the tables must equal those of one run over everything (run ids
    aside), and an unchanged run rewrites only the runs table."""
    from flows.ingest import ingest_flow

    out, full = tmp_path / "out", tmp_path / "full"
    ingest_flow(inputs=[str(inbox)], out=str(out))
    shutil.copy(SAMPLES / f"{DIST}.pptx", inbox)
    (inbox / "notat.txt").write_text("• Timer 2.0\n", "utf-8")
    ingest_flow(inputs=[str(inbox)], out=str(out))
    ingest_flow(inputs=[str(inbox)], out=str(full))
    for t in TABLES:
        a = pd.read_parquet(out / f"{t}.parquet")
        b = pd.read_parquet(full / f"{t}.parquet")
        a, b = (x.drop(columns=[c for c in x.columns if c == "run_id"]) for x in (a, b))
        pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True),
                                      obj=t)
    before = {t: (out / f"{t}.parquet").stat().st_mtime_ns for t in TABLES}
    third = ingest_flow(inputs=[str(inbox)], out=str(out))
    assert third["documents"] == []
    assert {t: (out / f"{t}.parquet").stat().st_mtime_ns for t in TABLES} == before
    import duckdb

    with duckdb.connect(str(out / "veikart.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM runs").fetchone()[0] == 3
        assert con.execute("SELECT count(*) FROM roadmap").fetchone()[0] == len(
            pd.read_parquet(out / "roadmap.parquet"))


def test_an_incremental_publish_writes_the_bytes_a_full_publish_writes(
        prefect_harness, inbox, tmp_path, monkeypatch):
    """A run that reads a new and a changed document keeps the other documents' rows as
    Arrow tables from the dataset as last published and decides them again; every file it
    writes must have the bytes of a publish that reads every stored result (the same rows,
    their run ids kept): a stale, missing, doubled or misplaced row, a decision applied to
    the wrong rows or not at all, or a table in other chunks shows here."""
    import pyarrow.parquet as pq

    from flows.ingest import ingest_flow
    from outputs import document as stage
    from outputs.publish import norm_key, publish
    from state import Store, results

    out = tmp_path / "out"
    ingest_flow(inputs=[str(inbox)], out=str(out))
    store = Store(out / "state")
    deck = pd.read_parquet(out / "roadmap.parquet")
    deck = deck[deck.source_path.str.endswith(".pptx")].reset_index(drop=True)
    store.add_reviewer("r")
    for row, action, scope, initiative in ((deck.iloc[0], "ignore", "item", None),
                                           (deck.iloc[3], "match", "item", "timer-2-0"),
                                           (deck.iloc[5], "ignore", "text", None)):
        store.decide("r", row.item_id, norm_key(row.text), action, scope, initiative)
    page = inbox / "prosjektside_digital_dialog.html"
    page.write_text(page.read_text("utf-8") + "\n<!-- changed -->\n", "utf-8")
    shutil.copy(SAMPLES / f"{DIST}.pptx", inbox)
    loaded = []
    load = results.load
    monkeypatch.setattr(results, "load", lambda folders, *a: loaded.extend(folders) or
                        load(folders, *a))
    summary = ingest_flow(inputs=[str(inbox)], out=str(out))
    assert len(summary["documents"]) == 2
    assert len(set(loaded)) == 2  # only the documents read in this run: the rest kept
    monkeypatch.undo()
    state = tmp_path / "state-copy"  # a full publish of the same results, elsewhere
    shutil.copytree(out / "state", state)
    rows = stage.stored_rows(Store(state).ledger(), "unused")
    rows["runs"] = pq.read_table(out / "runs.parquet").to_pylist()
    full = tmp_path / "full"
    publish(full, Store(state), rows, str(Store(state).get("catalogue_path")))
    decided = pd.read_parquet(full / "roadmap.parquet")
    assert decided.decision.notna().sum() >= 3  # the decisions are in the comparison
    for name in [*TABLES, "runs"]:
        assert (out / f"{name}.parquet").read_bytes() == (full / f"{name}.parquet").read_bytes(), \
            name
    for name in ("roadmap.csv", "roadmap.xlsx", "datapackage.json"):
        assert (out / name).read_bytes() == (full / name).read_bytes(), name


def test_a_state_folder_with_pickled_results_is_migrated(prefect_harness, inbox, tmp_path):
    """An earlier release kept results as pickles: they are removed unread and their
    documents read again."""
    import sqlite3

    from flows.ingest import ingest_flow

    out = tmp_path / "out"
    ingest_flow(inputs=[str(inbox)], out=str(out))
    state = out / "state"
    old = state / "results" / "0123-abcd.pkl"
    old.write_bytes(b"\x80\x04not to be unpickled")
    with sqlite3.connect(state / "state.sqlite") as con:
        con.execute("UPDATE ingested SET result_file=?", (str(old),))
    summary = ingest_flow(inputs=[str(inbox)], out=str(out))
    assert summary["legacy_results"] == 1 and not old.exists()
    assert len(summary["documents"]) == 2 and not summary["skipped"]
    assert len(pd.read_parquet(out / "roadmap.parquet"))


def test_the_run_report_in_a_browser(prefect_harness, inbox, tmp_path):
    from test_review_web import CHROMIUM

    from flows.ingest import ingest_flow

    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed")
    from playwright.sync_api import sync_playwright

    out = tmp_path / "out"
    shutil.copy(SAMPLES / f"{DIST}.pptx", inbox)
    summary = ingest_flow(inputs=[str(inbox)], out=str(out))
    report = out / "report.html"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(report.as_uri())
        assert page.inner_text("#run-id") == summary["run_id"]
        grid = page.inner_text("table.grid")
        assert "HELSE NORD" in grid and "2025-2026" in grid and "Timer 2.0" in grid
        assert "Timer 2.0" in page.inner_text("#changes")
        if os.environ.get("VEIKART_SCREENSHOT_DIR"):
            page.screenshot(path=str(Path(os.environ["VEIKART_SCREENSHOT_DIR"]) / "report.png"),
                            full_page=True)
        browser.close()


def test_the_flow_on_a_dask_cluster_gives_the_same_dataset(prefect_harness, inbox, tmp_path):
    from distributed import LocalCluster

    from flows.ingest import flow_for, ingest_flow

    local = tmp_path / "local"
    ingest_flow(inputs=[str(inbox)], out=str(local))
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        dask_out = tmp_path / "dask"
        summary = flow_for(cluster.scheduler_address)(inputs=[str(inbox)], out=str(dask_out))
    assert {d["status"] for d in summary["documents"]} == {"ok"}
    for t in ("roadmap", "mentions", "documents", "pages"):
        a = pd.read_parquet(local / f"{t}.parquet").drop(columns="run_id")
        b = pd.read_parquet(dask_out / f"{t}.parquet").drop(columns="run_id")
        pd.testing.assert_frame_equal(a, b)



def test_serve_registers_its_schedule_and_runs(inbox, tmp_path):
    """`veikart serve` starts its own Prefect server, registers the cron schedule, and a run
    of the scheduled deployment (triggered with --run-now) writes the dataset."""
    import json
    import urllib.request

    out = tmp_path / "out"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    exe = Path(sys.executable).with_name("veikart")
    proc = subprocess.Popen([str(exe), "serve", "--source", str(inbox), "--out", str(out),
                             "--cron", "0 6 * * 1-5", "--port", str(port), "--run-now"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and not (out / "report.html").exists():
            assert proc.poll() is None, proc.stdout.read().decode()
            time.sleep(1)
        assert (out / "report.html").exists(), "no scheduled run finished in time"
        request = urllib.request.Request(f"http://127.0.0.1:{port}/api/deployments/filter",
                                         data=b"{}", method="POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            deployments = json.loads(response.read())
        schedules = [s["schedule"] for d in deployments for s in d["schedules"]]
        assert {"cron": "0 6 * * 1-5", "timezone": "Europe/Oslo"}.items() <= schedules[0].items()
    finally:
        interrupt_group(proc)
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0, "the Prefect server was stopped"


def test_extraction_and_ocr_pages_are_cached_by_content(tmp_path, monkeypatch):
    """A retry reuses finished work: the whole extraction, or failing that each OCR'd page."""
    from fixtures import image_pdf

    from extractors import extract, ocr
    from extractors.cache import CACHE_ENV
    from veikart.errors import InputFileError

    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    scan = image_pdf(tmp_path / "scan.pdf", ["Timer 2.0", "Pasientens prøvesvar"])
    first = extract(scan)

    def no_ocr(*args, **kwargs):
        raise AssertionError("OCR ran again")

    monkeypatch.setattr(ocr, "ocr_blocks", no_ocr)
    assert extract(scan).pages[0].text == first.pages[0].text  # whole extraction cached
    shutil.rmtree(tmp_path / "cache" / "extract")
    assert extract(scan).pages[0].text == first.pages[0].text  # the OCR'd page cached
    copy = tmp_path / "other.pdf"
    copy.write_bytes(scan.read_bytes() + b"\n% changed\n")
    with pytest.raises(InputFileError, match="OCR ran again"):
        extract(copy)  # other content: not served from the cache (so OCR was called)
