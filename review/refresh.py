"""Keep the dataset in step with the decision log: the model's rows are kept in the state
folder, and every run or decision rewrites the outputs from them plus the decisions, without
extracting anything again."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

import outputs
from normalize.catalogue import Catalogue, load_catalogue
from outputs.schema import TABLES
from outputs.write import to_arrow

from .apply import apply_decisions, write_overlay_file
from .store import Store

MODEL_ROWS = "roadmap_model.parquet"


def save_model_rows(store: Store, rows: list[dict]) -> None:
    tmp = store.folder / (MODEL_ROWS + ".tmp")
    pq.write_table(to_arrow("roadmap", rows), tmp)
    tmp.replace(store.folder / MODEL_ROWS)


def load_model_rows(store: Store) -> list[dict]:
    path = store.folder / MODEL_ROWS
    return pq.read_table(path).to_pylist() if path.exists() else []


def read_tables(out: Path) -> dict[str, list[dict]]:
    return {name: pq.read_table(out / f"{name}.parquet").to_pylist()
            for name in TABLES if (Path(out) / f"{name}.parquet").exists()}


def refresh_outputs(out: Path, store: Store, catalogue: Catalogue | None = None) -> int:
    """Rewrite the dataset in ``out`` with the decisions applied; returns pending items."""
    tables = read_tables(out)
    rows = apply_decisions(load_model_rows(store), store, catalogue or load_catalogue())
    tables["roadmap"] = rows
    outputs.write_dataset(Path(out), tables)
    write_overlay_file(store)
    return sum(r["match_status"] == "pending" for r in rows)
