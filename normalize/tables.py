"""Tables (PPTX and HTML): find what each column means from its header and read every row's
attributes (group, due date, status, region, period) onto the items in that row."""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.model import Block

from . import lexicon

_ROLE_WORDS = [
    # who answers for the item, and free notes beside it: never the item's name
    ("responsible", re.compile(r"^ansvarlig|^(?:prosjekt)?eier\b|kontaktperson|^leder\b|"
                               r"^prosjektleder", re.I)),
    ("note", re.compile(r"^kommentar|^merknad|^beskrivelse|^notat|^forklaring|^innhold", re.I)),
    ("due", re.compile(r"dato|frist|tidspunkt|ferdig", re.I)),
    ("status", re.compile(r"^status|tilstand", re.I)),
    ("region", re.compile(r"^(?:helse)?regions?\b|helseforetak|^rhf\b|^hf$", re.I)),
    ("period", re.compile(r"^periode|^år$|tidsrom", re.I)),
    ("group", re.compile(r"^felles|gruppe|felles tjeneste|hovedaktivitet", re.I)),
    ("item", re.compile(r"leveranse|prosjekt|initiativ|tiltak|tjeneste|aktivitet|navn", re.I)),
]


@dataclass
class CellInfo:
    role: str  # "item", "group", "due", "status", "region", "period", "responsible",
    # "note", "header"
    table: int
    row: int
    col: int
    #: For a roadmap drawn as a table (periods and regions as header row and first column,
    #: either way round): the cell's place, and the header texts that give it.
    grid_region: str | None = None
    grid_period: lexicon.Period | None = None
    region_axis: str = ""  # "row" or "column": what the region header labels
    region_text: str = ""
    period_axis: str = ""
    period_text: str = ""


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


#: How many leading rows or columns may hold headers ("Periode" merged above the labels).
HEADER_DEPTH = 3


def _header_line(cells: list, axis: str, reader) -> tuple[int, dict[int, tuple]] | None:
    """The header row (``axis="row"``) or column among the first few whose cells read as
    labels (``reader(text)`` not None) for at least two distinct values: its index, and for
    every column (or row) the label and its text, merged cells covering what they span."""
    best = None
    for depth in range(HEADER_DEPTH):
        found: dict[int, tuple] = {}
        for block, (_table, row, col, rs, cs) in cells:
            at, start, span = (row, col, cs) if axis == "row" else (col, row, rs)
            if at != depth:
                continue
            text = " ".join(block.text.split())
            value = reader(text)
            if value is not None:
                for k in range(start, start + span):
                    found[k] = (value, text)
        if len({repr(v[0]) for v in found.values()}) >= 2 and (
                best is None or len(found) > len(best[1])):
            best = (depth, found)
    return best


def _grid_table(blocks: list[Block], indexes: list[int]) -> dict[int, CellInfo] | None:
    """A roadmap drawn as a table: periods in a header row and regions down a first column,
    or regions across and periods down. Every other cell is an item placed by its column's
    and its row's labels; merged header cells cover the columns they span, and a title cell
    ("Periode", "Region") above or beside the labels is a header too."""
    cells = [(blocks[i], blocks[i].table_cell) for i in indexes]
    per_row = _header_line(cells, "row", lexicon.period)
    per_col = _header_line(cells, "column", lexicon.period)
    reg_row = _header_line(cells, "row", lexicon.regional_label)
    reg_col = _header_line(cells, "column", lexicon.regional_label)
    # periods across with regions down, or the reverse: the reading with more labels
    across = (per_row, reg_col, "column", "row")
    down = (per_col, reg_row, "row", "column")
    score = [sum(len(x[1]) for x in pair[:2] if x) for pair in (across, down)]
    periods, regions, period_axis, region_axis = across if score[0] >= score[1] else down
    if not periods and not regions:
        return None
    infos = {}
    for i, (_block, (table, row, col, _, _)) in zip(indexes, cells, strict=True):
        p_at, p_key = (row, col) if period_axis == "column" else (col, row)
        r_at, r_key = (col, row) if region_axis == "row" else (row, col)
        if (periods and p_at <= periods[0]) or (regions and r_at <= regions[0]):
            infos[i] = CellInfo("header", table, row, col)
            continue
        per = periods[1].get(p_key) if periods else None
        reg = regions[1].get(r_key) if regions else None
        infos[i] = CellInfo("item", table, row, col, reg[0] if reg else None,
                            per[0] if per else None, region_axis, reg[1] if reg else "",
                            period_axis, per[1] if per else "")
    return infos


def cell_infos(blocks: list[Block]) -> dict[int, CellInfo]:
    """For each table-cell block (by index in ``blocks``), its role in its table."""
    tables: dict[int, list[int]] = {}
    for i, block in enumerate(blocks):
        if block.table_cell:
            tables.setdefault(block.table_cell[0], []).append(i)
    infos: dict[int, CellInfo] = {}
    for table, indexes in tables.items():
        header = [blocks[i] for i in indexes if blocks[i].table_cell[1] == 0]
        roles = column_roles(header) if header else None
        # A list of items with attribute columns ("Tiltak | Region | Periode | Status") is
        # read by its header words: one names the item column; a header row of period or
        # region labels, or a title over them ("Periode"), heads a grid.
        listed = (roles is not None and any(_ROLE_WORDS[-1][1].search(b.text) for b in header)
                  and not any(lexicon.period(b.text) or lexicon.regional_label(b.text)
                              for b in header))
        grid = None if listed else _grid_table(blocks, indexes)
        if grid is not None:
            infos.update(grid)
            continue
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


def _cell_attributes(role: str, text: str) -> dict:
    """What an attribute cell says, by its column's role."""
    if role == "group":
        return {"group_name": " ".join(text.split())}
    if role == "due":
        dates = lexicon.find_dates(text)
        if dates:
            return {"due_date": dates[0].value}
        per = lexicon.period(text)
        return {"period": per} if per is not None else {}
    if role == "status":
        return {"status": lexicon.status_value(text) or lexicon.fold(text)}
    if role == "region":
        codes, _ = lexicon.region_codes(f"({text})")
        region = lexicon.region_label(text) or (codes[0] if len(codes) == 1 else None)
        return {"region": region} if region else {}
    if role == "period":
        per = lexicon.period(text)
        return {"period": per} if per is not None else {}
    if role == "responsible":
        return {"responsible": " ".join(text.split())}
    if role == "note":
        return {"notes": [" ".join(text.split())]}
    return {}


def row_attributes(blocks: list[Block], infos: dict[int, CellInfo]) -> dict[tuple[int, int], dict]:
    """(table, row) -> attributes read from that row's non-item cells; a merged cell
    ("2025-2026" over two rows) says it for every row it spans."""
    attrs: dict[tuple[int, int], dict] = {}
    for i, info in infos.items():
        if info.role in ("item", "header"):
            continue
        found = _cell_attributes(info.role, blocks[i].text.strip())
        span = blocks[i].table_cell[3] if blocks[i].table_cell else 1
        for k in range(max(1, span)):
            row = attrs.setdefault((info.table, info.row + k), {})
            for key, value in found.items():
                row[key] = row.get(key, []) + value if key == "notes" else value
    return attrs
