"""Tables (PPTX and HTML): find what each column means from its header and read every row's
attributes (group, due date, status, region, period) onto the items in that row."""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.model import Block

from . import lexicon

_ROLE_WORDS = [
    ("due", re.compile(r"dato|frist|tidspunkt|ferdig", re.I)),
    ("status", re.compile(r"^status|tilstand", re.I)),
    ("region", re.compile(r"^(?:helse)?regions?\b|helseforetak|^rhf\b|^hf$", re.I)),
    ("period", re.compile(r"^periode|^år$|tidsrom", re.I)),
    ("group", re.compile(r"^felles|gruppe|felles tjeneste|hovedaktivitet", re.I)),
    ("item", re.compile(r"leveranse|prosjekt|initiativ|tiltak|tjeneste|aktivitet|navn", re.I)),
]


@dataclass
class CellInfo:
    role: str  # "item", "group", "due", "status", "region", "period", "header"
    table: int
    row: int
    col: int
    #: For a roadmap drawn as a table (periods across, regions down): the cell's place.
    grid_region: str | None = None
    grid_period: lexicon.Period | None = None


def column_roles(header_cells: list[Block]) -> dict[int, str] | None:
    """Roles of a header row's columns, or None when the row does not read as a header.

    A header row has short cells and at least one recognized column word.
    """
    roles: dict[int, str] = {}
    for block in header_cells:
        text = block.text.strip()
        if len(text) > 40 or "\n" in text:
            return None
        col = block.table_cell[2]
        roles[col] = next((role for role, rx in _ROLE_WORDS if rx.search(text)), "item")
    if not any(role != "item" for role in roles.values()) and not any(
            rx.search(b.text) for _, rx in _ROLE_WORDS[-1:] for b in header_cells):
        return None
    return roles


def _grid_table(blocks: list[Block], indexes: list[int]) -> dict[int, CellInfo] | None:
    """A roadmap drawn as a table: periods in the header row and/or regions in the first
    column. Every other cell is an item placed by its column's period and its row's region
    (merged header cells cover the columns they span)."""
    periods: dict[int, lexicon.Period] = {}
    regions: dict[int, str] = {}
    for i in indexes:
        table, row, col, rs, cs = blocks[i].table_cell
        text = " ".join(blocks[i].text.split())
        per = lexicon.period(text) if row == 0 else None
        if per is not None:
            for c in range(col, col + cs):
                periods[c] = per
        region = lexicon.region_label(text) if col == 0 and row > 0 else None
        if region is not None:
            for r in range(row, row + rs):
                regions[r] = region
    if len(set(map(id, periods.values()))) < 2 and len(set(regions.values())) < 2:
        return None
    infos = {}
    for i in indexes:
        table, row, col, _, _ = blocks[i].table_cell
        if (row == 0 and periods) or (col == 0 and regions):
            infos[i] = CellInfo("header", table, row, col)
        else:
            infos[i] = CellInfo("item", table, row, col, regions.get(row), periods.get(col))
    return infos


def cell_infos(blocks: list[Block]) -> dict[int, CellInfo]:
    """For each table-cell block (by index in ``blocks``), its role in its table."""
    tables: dict[int, list[int]] = {}
    for i, block in enumerate(blocks):
        if block.table_cell:
            tables.setdefault(block.table_cell[0], []).append(i)
    infos: dict[int, CellInfo] = {}
    for table, indexes in tables.items():
        grid = _grid_table(blocks, indexes)
        if grid is not None:
            infos.update(grid)
            continue
        header = [blocks[i] for i in indexes if blocks[i].table_cell[1] == 0]
        roles = column_roles(header) if header else None
        for i in indexes:
            _, row, col, _, _ = blocks[i].table_cell
            if roles is not None and row == 0:
                role = "header"
            elif roles is not None:
                role = roles.get(col, "item")
            else:
                role = "item"
            infos[i] = CellInfo(role, table, row, col)
    return infos


def row_attributes(blocks: list[Block], infos: dict[int, CellInfo]) -> dict[tuple[int, int], dict]:
    """(table, row) -> attributes read from that row's non-item cells."""
    attrs: dict[tuple[int, int], dict] = {}
    for i, info in infos.items():
        if info.role in ("item", "header"):
            continue
        text = blocks[i].text.strip()
        row = attrs.setdefault((info.table, info.row), {})
        if info.role == "group":
            row["group_name"] = " ".join(text.split())
        elif info.role == "due":
            dates = lexicon.find_dates(text)
            if dates:
                row["due_date"] = dates[0].value
            else:
                per = lexicon.period(text)
                if per is not None:
                    row["period"] = per
        elif info.role == "status":
            row["status"] = lexicon.status_value(text) or lexicon.fold(text)
        elif info.role == "region":
            codes, _ = lexicon.region_codes(f"({text})")
            region = lexicon.region_label(text) or (codes[0] if len(codes) == 1 else None)
            if region:
                row["region"] = region
        elif info.role == "period":
            per = lexicon.period(text)
            if per is not None:
                row["period"] = per
    return attrs
