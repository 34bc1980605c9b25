"""XLSX backend (openpyxl, read-only): each sheet a page, each used cell a block whose
``locator`` is its sheet and A1 address ("Veikart!B3").

A sheet is read as the tables on it: runs of rows separated by empty rows; a run whose rows
have two or more cells is a table (its first row the header row, as a spreadsheet roadmap is
kept: "Tiltak | Region | Periode | Status", or periods across and regions down), and cells on
rows of their own (a title above the table, a note under it) are paragraphs, the sheet's first
one its title. Merged cells span the rows and columns they cover. Dates are written as
dd.mm.yyyy, as a Norwegian reader sees them. Spreadsheets have no page geometry: boxes are
None.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

from lxml import etree
from openpyxl import load_workbook
from openpyxl.utils.cell import get_column_letter, range_boundaries

from .model import Block, Document, Line, Origin, Page

_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def cell_text(value) -> str:
    """A cell's value as a reader sees it.

    >>> cell_text(dt.datetime(2023, 4, 30)), cell_text(2025.0), cell_text(" Timer\\n2.0 ")
    ('30.04.2023', '2025', 'Timer\\n2.0')
    """
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%d.%m.%Y") if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "Ja" if value else "Nei"
    return str(value).strip()


def _merged_ranges(path: Path, sheet_paths: dict[str, str]) -> dict[str, list[tuple]]:
    """Merged ranges per sheet, read from the sheet XML (read-only mode does not keep them):
    (min_col, min_row, max_col, max_row), 1-based."""
    out: dict[str, list[tuple]] = {}
    with zipfile.ZipFile(path) as zf:
        for title, part in sheet_paths.items():
            try:
                with zf.open(part) as fh:
                    ranges = []
                    for _, el in etree.iterparse(fh, tag=f"{{{_NS['m']}}}mergeCell"):
                        ranges.append(range_boundaries(el.get("ref")))
                        el.clear()
            except KeyError:
                continue
            out[title] = ranges
    return out


def _sheet_parts(path: Path) -> dict[str, str]:
    """Sheet title -> its XML part in the package."""
    with zipfile.ZipFile(path) as zf:
        book = etree.fromstring(zf.read("xl/workbook.xml"))
        rels = etree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels}
    rid = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    parts = {}
    for sheet in book.iterfind("m:sheets/m:sheet", _NS):
        target = targets.get(sheet.get(rid), "")
        parts[sheet.get("name")] = (target.lstrip("/") if target.startswith("/")
                                    else "xl/" + target)
    return parts


def _quoted(title: str) -> str:
    return title if re.fullmatch(r"\w+", title) else "'" + title.replace("'", "''") + "'"


def _sheet_blocks(rows: dict[int, dict[int, str]], merged: list[tuple], title: str,
                  table_no: int) -> tuple[list[Block], int]:
    """Blocks of one sheet's used cells (``rows``: row -> column -> text, 1-based)."""
    spans = {(r0, c0): (r1 - r0 + 1, c1 - c0 + 1) for c0, r0, c1, r1 in merged}
    runs: list[list[int]] = []
    for r in sorted(rows):
        if runs and r == runs[-1][-1] + 1:
            runs[-1].append(r)
        else:
            runs.append([r])
    blocks: list[Block] = []
    sheet = _quoted(title)
    for run in runs:
        table_rows = [r for r in run if len(rows[r]) >= 2]
        # A run is a table from its first row with two cells on; rows above that are a title.
        first = table_rows[0] if len(table_rows) >= 2 else None
        if first is not None:
            table_no += 1
            min_col = min(c for r in run if r >= first for c in rows[r])
        for r in run:
            for c, text in sorted(rows[r].items()):
                lines = [Line(" ".join(t.split()), None) for t in text.split("\n") if t.strip()]
                locator = f"{sheet}!{get_column_letter(c)}{r}"
                if first is not None and r >= first:
                    rs, cs = spans.get((r, c), (1, 1))
                    blocks.append(Block("table_cell", lines, None, locator=locator,
                                        table_cell=(table_no, r - first, c - min_col, rs, cs)))
                else:
                    kind = "title" if not blocks else "paragraph"
                    blocks.append(Block(kind, lines, None, locator=locator))
    return blocks, table_no


def extract_xlsx(path: Path, origin: Origin) -> Document:
    book = load_workbook(str(path), read_only=True, data_only=True)
    try:
        merged = _merged_ranges(path, _sheet_parts(path))
        pages, tables = [], 0
        for number, ws in enumerate(book.worksheets, start=1):
            rows: dict[int, dict[int, str]] = {}
            for row in ws.iter_rows():
                for cell in row:
                    text = cell_text(getattr(cell, "value", None))
                    if text:
                        rows.setdefault(cell.row, {})[cell.column] = text
            blocks, tables = _sheet_blocks(rows, merged.get(ws.title, []), ws.title, tables)
            pages.append(Page(number, None, None, blocks, text_source="xlsx",
                              name=ws.title).finalize())
        title = book.properties.title or None
    finally:
        book.close()
    return Document(origin=origin, pages=pages, extractor="xlsx", title=title)
