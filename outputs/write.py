"""Load stage: write the dataset atomically (temporary name, then rename) as Parquet, CSV,
one DuckDB file and a Frictionless datapackage.json. Rows are sorted so the same input gives
the same files (run metadata aside)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

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


def to_arrow(table: str, rows: list[dict]) -> pa.Table:
    """Rows (dicts) as an Arrow table with the declared schema, sorted by the table's keys."""
    schema = arrow_schema(table)
    frame = pd.DataFrame(rows, columns=schema.names)
    if len(frame):
        frame = frame.sort_values(SORT_KEYS[table], kind="stable", na_position="first")
    return pa.Table.from_pandas(frame, schema=schema, preserve_index=False)


atomic = atomic_write


def write_table_file(path: Path, table: str, rows: list[dict]) -> None:
    """One table's rows as a Parquet file of its declared schema, atomically."""
    arrow = to_arrow(table, rows)
    atomic(path, lambda p: pq.write_table(arrow, p, compression="zstd"))


#: DuckDB's own buffers while it copies the tables in (it spills to the file beyond this):
#: without a limit (and with a thread per core), copying a 2,000-slide deck's tables added
#: 160 MB at the run's peak; with this, 50 MB, in the same time.
DUCKDB_MEMORY = "64MB"


def _write_duckdb(path: Path, tables: dict[str, pa.Table]) -> None:
    con = duckdb.connect(str(path), config={"memory_limit": DUCKDB_MEMORY, "threads": 1})
    try:
        for name, table in tables.items():
            con.register("incoming", table)
            con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM incoming')
            con.unregister("incoming")
    finally:
        con.close()


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


def write_dataset(out: Path, rows: dict[str, list[dict]]) -> dict[str, Path]:
    """Write every table in ``rows`` to ``out``; returns the paths written. Every file is
    written under a temporary name first and all are renamed into place together, so a
    failure (a full disk, no memory) leaves the dataset as it was: never new Parquet files
    beside an old DuckDB file."""
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
        rows = {**rows, "roadmap_latest": history.latest(rows.get("roadmap", [])),
                "roadmap_changes": history.changes(rows.get("roadmap", []))}
        tables = {name: to_arrow(name, rows.get(name, [])) for name in TABLES}
        written: dict[str, Path] = {}
        with staged() as stage:
            for name, table in tables.items():
                written[name] = stage.write(out / f"{name}.parquet", lambda p, t=table:
                                            pq.write_table(t, p, compression="zstd"))
            # integers stay integers ("2023", not "2023.0") where a column has empty cells
            written["csv"] = stage.write(out / "roadmap.csv", lambda p: tables["roadmap"].to_pandas(
                integer_object_nulls=True).to_csv(p, index=False, encoding=CSV_ENCODING,
                                                  date_format="%Y-%m-%d"))
            written["xlsx"] = stage.write(out / "roadmap.xlsx",
                                          lambda p: write_xlsx(p, tables["roadmap"]))
            written["duckdb"] = stage.write(out / "veikart.duckdb",
                                            lambda p: _write_duckdb(p, tables))
            written["datapackage"] = stage.write(out / "datapackage.json", lambda p: p.write_text(
                json.dumps(datapackage(tables), ensure_ascii=False, indent=2) + "\n", "utf-8"))
        return written
    except OSError as err:
        raise OutputError(f"{out}: cannot write the dataset ({err.strerror or err})") from None
    except (MemoryError, duckdb.OutOfMemoryException, pa.ArrowMemoryError):
        raise OutputError(f"{out}: cannot write the dataset (out of memory); the dataset is "
                          "as the last run left it") from None
