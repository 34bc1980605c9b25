"""The run's stages without Prefect: the skip plan, the ledger records, stored results and
the rows published from them (issue: architecture)."""

from __future__ import annotations

import shutil
from collections import Counter

import pyarrow.parquet as pq
from conftest import DIST, SAMPLES

from outputs import document as stage
from outputs import run as runs
from state import Store


def test_a_run_without_prefect_plans_records_and_publishes(tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    shutil.copy(SAMPLES / f"{DIST}.pptx", inbox / "deck.pptx")
    (inbox / "notat.txt").write_text("• Timer 2.0\n", "utf-8")
    plan = runs.prepare([str(inbox)], str(out))
    assert sorted(p.rsplit("/", 1)[1] for p in plan.todo) == ["deck.pptx", "notat.txt"]
    assert not runs.is_noop(plan)
    store = plan.store
    for path in plan.todo:
        outcome = stage.ingest_one(path, plan.catalogue_path, plan.overlay, plan.state,
                                   plan.key, plan.run_id)
        runs.record(plan, store, path, outcome)
    summary, facts = runs.finish(plan, runs.publish_run(plan))
    roadmap = pq.read_table(out / "roadmap.parquet").to_pylist()
    assert summary["items"] == facts.items == len(roadmap) > 30
    assert summary["match_status"] == dict(sorted(Counter(
        r["match_status"] for r in roadmap).items()))
    documents = pq.read_table(out / "documents.parquet", columns=["source_path"]).to_pylist()
    assert {r["source_path"] for r in documents} == set(plan.todo)
    # the next plan finds nothing to read, and the dataset current
    again = runs.prepare([str(inbox)], str(out))
    assert again.todo == [] and sorted(again.unchanged) == sorted(plan.todo)
    assert runs.is_noop(again)
    # a changed pipeline key reads everything again; so does force
    ledger = Store(out / "state").ledger()
    assert stage.plan(plan.todo, ledger, "another-key").todo == plan.todo
    assert stage.plan(plan.todo, ledger, plan.key, force=True).todo == plan.todo
    assert stage.plan(plan.todo, ledger, plan.key).todo == []


def test_failed_documents_are_records_with_their_reason(tmp_path):
    out = tmp_path / "out"
    bad = tmp_path / "tom.pdf"
    bad.write_bytes(b"")
    plan = runs.prepare([str(bad)], str(out))
    outcome = stage.ingest_one(str(bad), plan.catalogue_path, plan.overlay, plan.state,
                               plan.key, plan.run_id)
    assert outcome["status"] == "failed" and outcome["error"] == f"{bad}: the file is empty"
    assert outcome["exit_code"] == 3
