"""roadmap.xlsx as written from the roadmap's Arrow table: every kind of value, read back by
openpyxl and by LibreOffice, and the same bytes for the same rows."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import subprocess
import time

import pandas as pd
import pyarrow as pa
import pytest
from openpyxl import load_workbook

from outputs import write
from outputs.schema import ROADMAP, arrow_schema


def _rows() -> list[dict]:
    names = [c.name for c in ROADMAP]
    base = dict.fromkeys(names)
    return [
        {**base, "item_id": "a1", "text": "Timer 2.0 & <DIPS> \"nå\"", "mention_text":
         "  led\nover two lines  ", "match_score": 0.875, "page": 3, "period_start": 2023,
         "due_date": dt.date(2023, 4, 30), "document_date": dt.date(1999, 12, 31),
         "ocr": True, "notes": "a\x0bvertical tab and a \x01 control character"},
        {**base, "item_id": "b2", "text": "x" * 40_000, "ocr": False, "bbox_x0": 12.5},
        {**base, "item_id": "c3"},
    ]


def _table(rows: list[dict] | None = None) -> pa.Table:
    return pa.Table.from_pylist(_rows() if rows is None else rows,
                                schema=arrow_schema("roadmap"))


def test_every_kind_of_value_reads_back_as_written(tmp_path):
    """Text (escaped, spaces and line breaks kept, the characters XML cannot hold left out,
    a text over Excel's cell limit cut and marked), numbers, dates as dates, true/false and
    empty cells, under the frozen, filterable bold header; the column meanings beside."""
    path = tmp_path / "roadmap.xlsx"
    write.write_xlsx(path, _table())
    book = load_workbook(path)
    sheet = book["Veikart"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:AS4"
    assert sheet["A1"].font.b and not sheet["A2"].font.b
    header, *rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert header == [c.name for c in ROADMAP]
    got = [dict(zip(header, r, strict=True)) for r in rows]
    assert [g["item_id"] for g in got] == ["a1", "b2", "c3"]
    first = got[0]
    assert first["text"] == "Timer 2.0 & <DIPS> \"nå\""
    assert first["mention_text"] == "  led\nover two lines  "
    assert first["notes"] == "avertical tab and a  control character"
    assert (first["match_score"], first["page"], first["period_start"]) == (0.875, 3, 2023)
    assert first["due_date"] == dt.datetime(2023, 4, 30)
    assert first["document_date"] == dt.datetime(1999, 12, 31)
    assert sheet["AB2"].number_format == "yyyy-mm-dd"
    assert first["ocr"] is True and got[1]["ocr"] is False
    assert got[1]["text"] == "x" * 32_000 + "…" and got[1]["bbox_x0"] == 12.5
    assert all(v is None for k, v in got[2].items() if k != "item_id")
    notes = list(book["Kolonner"].iter_rows(values_only=True))
    assert notes[0] == ("column", "type", "meaning")
    assert [n[0] for n in notes[1:]] == [c.name for c in ROADMAP]


def test_the_same_rows_give_the_same_bytes(tmp_path):
    """No creation time and no ZIP entry times in the workbook: the same table written
    again later is the same file (as the dataset's other files are)."""
    table = _table([{**r, "notes": None} for r in _rows()])  # what openpyxl could write too
    write.write_xlsx(tmp_path / "first.xlsx", table)
    time.sleep(2.1)  # past the ZIP format's two-second clock
    write.write_xlsx(tmp_path / "second.xlsx", table)
    assert (tmp_path / "first.xlsx").read_bytes() == (tmp_path / "second.xlsx").read_bytes()


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
def test_libreoffice_reads_the_workbook(tmp_path):
    """Another reader than openpyxl: LibreOffice Calc opens the workbook and finds the same
    cells (dates as dates)."""
    path = tmp_path / "roadmap.xlsx"
    write.write_xlsx(path, _table())
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless",
                    "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1",
                    "--outdir", str(tmp_path / "csv"), str(path)],
                   check=True, capture_output=True, timeout=120)
    with open(tmp_path / "csv" / "roadmap.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["item_id"] for r in rows] == ["a1", "b2", "c3"]
    assert rows[0]["text"] == "Timer 2.0 & <DIPS> \"nå\""
    assert rows[0]["page"] == "3" and rows[0]["match_score"] == "0.875"
    assert rows[0]["due_date"] in ("2023-04-30", "04/30/23", "30.04.2023")
    assert rows[0]["ocr"] == "TRUE" and rows[2]["text"] == ""


def test_the_csv_holds_every_kind_of_value(tmp_path):
    """roadmap.csv, written by Arrow's CSV writer: a byte-order mark for spreadsheets; text
    with quotes, line breaks and control characters read back whole by Python's csv module
    and by pandas; integers without ``.0`` where a column has empty cells; ISO dates;
    ``True``/``False``; a null an empty cell."""
    path = tmp_path / "roadmap.csv"
    write.write_csv(path, _table())
    raw = path.read_bytes()
    assert raw.startswith("\ufeff".encode()) and b",2023," in raw and b"2023.0" not in raw
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["item_id"] for r in rows] == ["a1", "b2", "c3"]
    first = rows[0]
    assert first["text"] == "Timer 2.0 & <DIPS> \"nå\""
    assert first["mention_text"] == "  led\nover two lines  "
    assert first["notes"] == "a\x0bvertical tab and a \x01 control character"
    assert (first["page"], first["period_start"], first["match_score"]) == ("3", "2023", "0.875")
    assert (first["due_date"], first["ocr"], rows[1]["ocr"]) == ("2023-04-30", "True", "False")
    assert rows[1]["text"] == "x" * 40_000 and rows[2]["text"] == ""
    frame = pd.read_csv(path, encoding="utf-8-sig")
    assert frame["ocr"].tolist()[:2] == [True, False] and frame["page"].iloc[0] == 3
