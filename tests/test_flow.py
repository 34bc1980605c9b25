"""The ingest flow under a real Prefect test harness, and the dataset it writes."""

from __future__ import annotations

import json

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest
from conftest import MOTE39, SAMPLES, page_texts
from fixtures import BROKEN_REASON, corrupt_pdf

from outputs.schema import TABLES, arrow_schema

FILES = ["roadmap.parquet", "roadmap.csv", "mentions.parquet", "documents.parquet",
         "pages.parquet", "runs.parquet", "veikart.duckdb", "datapackage.json"]


def test_all_outputs_are_written(ingested):
    out, summary = ingested
    for name in FILES:
        assert (out / name).is_file(), name
    assert not list(out.glob("*.tmp")), "no temporary files left behind"
    docs = pd.read_parquet(out / "documents.parquet")
    read = docs[docs.status != "skipped"]
    assert len(read) == 7 and set(read.status) == {"ok"}
    assert docs.source_uri.isna().all()  # local files: no URL
    # the samples' README is found and listed as not read, with its reason
    assert list(docs[docs.status == "skipped"].source_path.map(lambda p: p.split("/")[-1])) \
        == ["README.md"]
    assert summary["items"] == len(pd.read_parquet(out / "roadmap.parquet"))


def test_every_row_points_back_to_its_characters(ingested):
    out, _ = ingested
    roadmap = pd.read_parquet(out / "roadmap.parquet")
    text = page_texts(out)
    assert len(roadmap) > 200
    for row in roadmap.itertuples():
        page_text = text[(row.source_sha256, row.page)]
        assert page_text[row.char_start:row.char_end] == row.mention_text, row.item_id


def test_tables_follow_the_declared_schema(ingested):
    out, _ = ingested
    for name in TABLES:
        assert pq.read_schema(out / f"{name}.parquet").remove_metadata() == arrow_schema(name)
    con = duckdb.connect(str(out / "veikart.duckdb"), read_only=True)
    for name, columns in TABLES.items():
        got = [r[0] for r in con.execute(f"DESCRIBE {name}").fetchall()]
        assert got == [c.name for c in columns]
    package = json.loads((out / "datapackage.json").read_text("utf-8"))
    roadmap = next(r for r in package["resources"] if r["name"] == "roadmap")
    assert [f["name"] for f in roadmap["schema"]["fields"]] == [c.name for c in TABLES["roadmap"]]
    csv = pd.read_csv(out / "roadmap.csv", encoding="utf-8-sig")
    assert list(csv.columns) == [c.name for c in TABLES["roadmap"]]


def test_rows_carry_provenance_and_run_id(ingested):
    out, summary = ingested
    roadmap = pd.read_parquet(out / "roadmap.parquet")
    assert set(roadmap.run_id) == {summary["run_id"]}
    assert roadmap.item_id.is_unique
    pptx = roadmap[roadmap.source_format == "pptx"]
    assert pptx.shape_id.notna().all() and pptx.bbox_x0.notna().all()
    scanned = roadmap[roadmap.source_path.str.endswith("_skannet.pdf")]
    assert len(scanned) > 40 and scanned.ocr.all()
    html = roadmap[roadmap.source_format == "html"]
    assert html.locator.notna().all()
    runs = pd.read_parquet(out / "runs.parquet")
    assert list(runs.run_id) == [summary["run_id"]] and runs.documents[0] == 7


def test_sample_items_are_matched(ingested):
    out, _ = ingested
    roadmap = pd.read_parquet(out / "roadmap.parquet")
    deck = roadmap[roadmap.source_path.str.endswith(f"{MOTE39}.pptx")]
    assert (deck.match_status == "auto").mean() > 0.95
    timer = deck[deck.text == "Timer 2.0"]
    assert set(timer.initiative_id) == {"timer-2-0"}
    assert set(timer.group_name) == {"Mine timeavtaler (Timer 2.0)"}
    candidates = json.loads(timer.candidates.iloc[0])
    assert candidates[0]["initiative_id"] == "timer-2-0" and len(candidates) == 3


def test_prose_mentions_are_their_own_table(ingested):
    out, _ = ingested
    mentions = pd.read_parquet(out / "mentions.parquet")
    text = page_texts(out)
    for row in mentions.itertuples():
        assert text[(row.source_sha256, row.page)][row.char_start:row.char_end] == \
            row.mention_text
        assert row.mention_text.replace("\n", " ") in row.sentence.replace("\n", " ")
    minutes = mentions[mentions.source_path.str.contains("referat")]
    assert {"utproving-egenbehandlingsplan", "timevisning-via-helsenorge",
            "dokumentbaserte-provesvar"} <= set(minutes.initiative_id)
    roadmap = pd.read_parquet(out / "roadmap.parquet")
    spans = {(r.source_sha256, r.page, r.char_start) for r in roadmap.itertuples()}
    assert not any((m.source_sha256, m.page, m.char_start) in spans
                   for m in mentions.itertuples()), "roadmap items are not mentions"


def test_same_input_gives_same_rows(prefect_harness, ingested, tmp_path):
    from flows.ingest import ingest_flow

    out, first = ingested
    second = ingest_flow(inputs=[str(SAMPLES)], out=str(tmp_path))
    assert second["run_id"] != first["run_id"]
    for name in ("roadmap", "mentions", "documents", "pages"):
        a = pd.read_parquet(out / f"{name}.parquet").drop(columns="run_id")
        b = pd.read_parquet(tmp_path / f"{name}.parquet").drop(columns="run_id")
        pd.testing.assert_frame_equal(a, b)


def test_a_broken_document_costs_only_itself(prefect_harness, tmp_path):
    from flows.ingest import ingest_flow

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "deck.pptx").write_bytes((SAMPLES / f"{MOTE39}.pptx").read_bytes())
    corrupt_pdf(inbox / "broken.pdf")
    summary = ingest_flow(inputs=[str(inbox)], out=str(tmp_path / "out"))
    docs = pd.read_parquet(tmp_path / "out" / "documents.parquet").set_index("source_path")
    broken = docs.loc[str(inbox / "broken.pdf")]
    assert broken.status == "failed"
    assert broken.error == f"{inbox / 'broken.pdf'}: {BROKEN_REASON}"
    assert docs.loc[str(inbox / "deck.pptx")].status == "ok"
    assert summary["items"] > 50


def test_a_bad_catalogue_stops_the_run_before_reading(tmp_path):
    from flows.ingest import ingest_flow
    from veikart.errors import CatalogueError

    cat = tmp_path / "cat.yaml"
    cat.write_text("initiatives:\n  - {id: Bad Id, name: x}\n", "utf-8")
    with pytest.raises(CatalogueError, match="malformed"):
        ingest_flow.fn(inputs=[str(SAMPLES)], out=str(tmp_path / "out"), catalogue=str(cat))
    assert not (tmp_path / "out").exists()


def test_the_output_folder_inside_an_inbox_is_not_ingested(prefect_harness, tmp_path):
    from flows.ingest import ingest_flow

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "page.html").write_bytes((SAMPLES / "prosjektside_digital_dialog.html").read_bytes())
    out = inbox / "out"
    ingest_flow(inputs=[str(inbox)], out=str(out))
    assert (out / "state" / "sources").is_dir()  # copies of the sources live here
    summary = ingest_flow(inputs=[str(inbox)], out=str(out), force=True)
    assert [d["path"] for d in summary["documents"]] == [str(inbox / "page.html")]


def test_the_data_package_validates_with_frictionless(ingested):
    """The ecosystem's own validator reads every resource against its schema: types,
    primary keys, integers written as integers in the CSV."""
    frictionless = pytest.importorskip("frictionless")

    out, _ = ingested
    report = frictionless.validate(str(out / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    csv_text = (out / "roadmap.csv").read_text("utf-8-sig")
    assert ",2023.0," not in csv_text and ",2023," in csv_text


def test_the_roadmap_as_a_spreadsheet(ingested):
    """roadmap.xlsx: the same rows as roadmap.parquet under a frozen header, and the column
    meanings on a sheet of their own."""
    from openpyxl import load_workbook

    from outputs.schema import ROADMAP

    out, _ = ingested
    book = load_workbook(out / "roadmap.xlsx")
    sheet = book["Veikart"]
    assert sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [c.name for c in ROADMAP]
    roadmap = pd.read_parquet(out / "roadmap.parquet")
    assert len(rows) - 1 == len(roadmap)
    assert [r[0] for r in rows[1:]] == list(roadmap.item_id)
    docs = list(book["Kolonner"].iter_rows(values_only=True))
    assert [d[0] for d in docs[1:]] == [c.name for c in ROADMAP]
