"""Load stage: write the dataset atomically (temporary name, then rename) as Parquet, CSV,
one DuckDB file and a Frictionless datapackage.json. Rows are sorted so the same input gives
the same files (run metadata aside)."""

from __future__ import annotations

import errno
import json
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from state.results import read_parquet
from veikart.errors import OutputError
from veikart.files import atomic_write, staged

from . import history
from .schema import PRIMARY_KEYS, TABLES, arrow_schema
from .xlsx import write_workbook

SORT_KEYS = {
    "roadmap": ["source_path", "page", "char_start", "item_id"],
    "mentions": ["source_path", "page", "char_start", "mention_id"],
    "documents": ["source_path"],
    "pages": ["source_path", "page"],
    "roadmap_latest": ["initiative_id", "region"],
    "roadmap_changes": ["to_date", "initiative_id", "region", "change"],
    "runs": ["started_at", "run_id"],
}
#: CSV for spreadsheets: UTF-8 with a byte-order mark, so Excel shows æøå right.
CSV_ENCODING = "utf-8-sig"
CSV_ENCODING_MARK = "\ufeff".encode()


#: A table's rows: dicts, or an Arrow table (rows kept as Arrow from the dataset as last
#: published and from the stored results, not made into dicts and back).
Rows = list[dict] | pa.Table


def to_arrow(table: str, rows: list[dict]) -> pa.Table:
    """Rows (dicts) as an Arrow table with the declared schema, sorted by the table's keys
    (a stable sort, empty values first), with no schema metadata, so that a table's files
    depend on its values alone, made from dicts or kept as Arrow (:func:`as_table`).

    Built column by column by Arrow, not through a pandas frame (which took a document's
    result 26 ms of its 100, for a 4-slide deck), with what the frame did kept: a key a row
    lacks is empty, and so is a float NaN.

    >>> t = to_arrow("pages", [{"source_path": "b", "page": 2, "width": float("nan")},
    ...                        {"source_path": "a"}])
    >>> t["source_path"].to_pylist(), t["page"].to_pylist(), t["width"].to_pylist()
    (['a', 'b'], [None, 2], [None, None])
    """
    schema = arrow_schema(table)
    columns = []
    for field in schema:
        values = [row.get(field.name) for row in rows]
        if any(v != v for v in values if isinstance(v, float)):  # NaN: pandas' empty
            values = [None if isinstance(v, float) and v != v else v for v in values]
        columns.append(pa.array(values, field.type))
    arrow = pa.Table.from_arrays(columns, schema=schema)
    if arrow.num_rows:
        arrow = arrow.sort_by([(key, "ascending", "at_start") for key in SORT_KEYS[table]])
    return arrow.combine_chunks().replace_schema_metadata(schema.metadata)


def conformed(table: str, arrow: pa.Table) -> pa.Table:
    """An Arrow table of ``table``'s rows (read from a file: of this release or an earlier
    one) with exactly the declared schema."""
    schema = arrow_schema(table)
    return arrow.select(schema.names).cast(schema).replace_schema_metadata(schema.metadata)


def as_table(table: str, rows: Rows) -> pa.Table:
    """``rows`` as :func:`to_arrow` makes them: an Arrow table is sorted by the same keys
    (nulls first; every table's keys tell its rows apart) into one chunk, as a table made
    of dicts is, so the files written of it have the bytes the same rows as dicts give.

    >>> rows = [{"source_path": "b", "page": 2}, {"source_path": "b", "page": None},
    ...         {"source_path": "a", "page": 1}]
    >>> made = to_arrow("pages", rows)
    >>> made["page"].to_pylist(), as_table("pages", made.take([2, 0, 1])).equals(made)
    ([1, None, 2], True)
    """
    if not isinstance(rows, pa.Table):
        return to_arrow(table, rows)
    arrow = conformed(table, rows)
    if arrow.num_rows:
        arrow = arrow.sort_by([(key, "ascending", "at_start") for key in SORT_KEYS[table]])
    return arrow.combine_chunks()


def read_table(path: Path, table: str) -> pa.Table:
    """A Parquet file of ``table``'s rows, with the declared schema."""
    return conformed(table, read_parquet(path))


atomic = atomic_write


def write_table_file(path: Path, table: str, rows: Rows) -> None:
    """One table's rows as a Parquet file of its declared schema, atomically."""
    arrow = as_table(table, rows)
    atomic(path, lambda p: pq.write_table(arrow, p, compression="zstd"))


#: DuckDB's own buffers while it copies the tables in (it spills to the file beyond this):
#: without a limit (and with a thread per core), copying a 2,000-slide deck's tables added
#: 160 MB at the run's peak; with this, 50 MB, in the same time.
DUCKDB_MEMORY = "64MB"


def _write_duckdb(path: Path, tables: dict[str, pa.Table]) -> None:
    """The tables as one DuckDB file; a disk that fills under DuckDB is the OSError it
    is under every other writer (DuckDB says so in an error of its own, a failed commit)."""
    try:
        con = duckdb.connect(str(path), config={"memory_limit": DUCKDB_MEMORY, "threads": 1})
        try:
            for name, table in tables.items():
                con.register("incoming", table)
                con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM incoming')
                con.unregister("incoming")
        finally:
            con.close()
    except duckdb.Error as err:
        if os.strerror(errno.ENOSPC) in str(err):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)) from None
        raise


def datapackage(tables: dict[str, pa.Table]) -> dict:
    resources = []
    for name in tables:
        schema = {"fields": [{"name": c.name, "type": c.frictionless_type,
                              "description": c.description} for c in TABLES[name]],
                  "primaryKey": PRIMARY_KEYS[name],
                  # an empty cell; and how readers of Parquet through pandas see an empty
                  # integer (NaN)
                  "missingValues": ["", "nan"]}
        resources.append({"name": f"{name}-parquet", "path": f"{name}.parquet",
                          "profile": "tabular-data-resource", "format": "parquet",
                          "schema": schema})
        if name == "roadmap":
            resources.append({"name": "roadmap", "path": "roadmap.csv",
                              "profile": "tabular-data-resource", "format": "csv",
                              "encoding": CSV_ENCODING, "mediatype": "text/csv",
                              "schema": schema})
    return {"profile": "tabular-data-package", "name": "veikart-roadmap",
            "title": "Helsenorge roadmap items with provenance", "resources": resources}


def write_csv(path: Path, table: pa.Table) -> None:
    """``table`` as CSV for spreadsheets (UTF-8 with a byte-order mark): Arrow's writer, which
    works outside the interpreter lock (the workbook is made in a thread beside it; pandas'
    writer held the lock for 0.3 s at 8,000 rows). Text is quoted, an empty cell is null;
    integers stay integers where a column has empty cells (``2023``), dates are ISO dates
    and booleans ``True``/``False``."""
    columns = [pc.if_else(column, "True", "False") if pa.types.is_boolean(column.type)
               else column for column in table.columns]
    with open(path, "wb") as handle:
        handle.write(CSV_ENCODING_MARK)
        pa_csv.write_csv(pa.table(columns, names=table.column_names), handle,
                         pa_csv.WriteOptions(quoting_style="needed"))


def write_xlsx(path: Path, table: pa.Table) -> None:
    """The roadmap for spreadsheet users: one row per item under a frozen, filterable header
    row, and a second sheet that says what each column means (no delimiter or encoding to
    guess, as a CSV has)."""
    notes = [(c.name, c.frictionless_type, c.description) for c in TABLES["roadmap"]]
    write_workbook(path, table, "Veikart", notes)


def write_runs(out: Path, runs: list[dict]) -> dict[str, Path]:
    """Replace only the runs table: its Parquet file, and the DuckDB table in one
    transaction (readers see the old runs or the new ones)."""
    try:
        table = to_arrow("runs", runs)
        path = out / "runs.parquet"
        atomic(path, lambda p: pq.write_table(table, p, compression="zstd"))
        con = duckdb.connect(str(out / "veikart.duckdb"))
        try:
            con.register("incoming", table)
            con.execute("BEGIN TRANSACTION")
            con.execute('DELETE FROM "runs"')
            con.execute('INSERT INTO "runs" SELECT * FROM incoming')
            con.execute("COMMIT")
            con.unregister("incoming")
        finally:
            con.close()
        return {"runs": path, "duckdb": out / "veikart.duckdb"}
    except (OSError, duckdb.Error) as err:
        raise OutputError(f"{out}: cannot write the runs table ({err})") from None


def write_dataset(out: Path, rows: dict[str, Rows]) -> dict[str, Path]:
    """Write every table in ``rows`` to ``out``; returns the paths written. Every file is
    written under a temporary name first and all are renamed into place together, so a
    failure (a full disk, no memory) leaves the dataset as it was: never new Parquet files
    beside an old DuckDB file."""
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
        roadmap = as_table("roadmap", rows.get("roadmap", []))
        written: dict[str, Path] = {}
        # the workbook in a thread of its own, begun first: its compression and Arrow's
        # kernels let go of the interpreter lock, so it is made while the other tables,
        # the CSV (pandas, holding the lock), the Parquet files and DuckDB are
        with staged() as stage, ThreadPoolExecutor(1) as pool:
            xlsx = pool.submit(stage.write, out / "roadmap.xlsx",
                               lambda p: write_xlsx(p, roadmap))
            made = {name: as_table(name, rows.get(name, [])) for name in TABLES
                    if name not in (*history.DERIVED, "roadmap")}
            stated = history.statements_of(roadmap)  # in the roadmap's order
            made["roadmap_latest"] = to_arrow("roadmap_latest", history.latest(stated))
            made["roadmap_changes"] = to_arrow("roadmap_changes", history.changes(stated))
            tables = {name: roadmap if name == "roadmap" else made[name] for name in TABLES}
            for name, table in tables.items():
                written[name] = stage.write(out / f"{name}.parquet", lambda p, t=table:
                                            pq.write_table(t, p, compression="zstd"))
            # integers stay integers ("2023", not "2023.0") where a column has empty cells
            written["csv"] = stage.write(out / "roadmap.csv",
                                         lambda p: write_csv(p, tables["roadmap"]))
            written["duckdb"] = stage.write(out / "veikart.duckdb",
                                            lambda p: _write_duckdb(p, tables))
            written["xlsx"] = xlsx.result()
            written["datapackage"] = stage.write(out / "datapackage.json", lambda p: p.write_text(
                json.dumps(datapackage(tables), ensure_ascii=False, indent=2) + "\n", "utf-8"))
        return written
    except OSError as err:
        raise OutputError(f"{out}: cannot write the dataset ({err.strerror or err})") from None
    except (MemoryError, duckdb.OutOfMemoryException, pa.ArrowMemoryError):
        raise OutputError(f"{out}: cannot write the dataset (out of memory); the dataset is "
                          "as the last run left it") from None
