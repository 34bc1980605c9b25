"""The one publisher of the dataset: the model's rows plus the decision log, written with the
catalogue the dataset is built with. The ingest flow calls it with a run's fresh rows; review
calls it after every decision, without extracting anything again. Either way the catalogue is
the one recorded in the state by the last ingest (``--catalogue`` or the bundled one), so a
decision never re-matches the dataset against another catalogue."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import yaml

from normalize.catalogue import Catalogue, load_catalogue, with_overlay
from normalize.catalogue import default_path as default_catalogue_path
from state import Decision, StateError, Store
from state.lock import publishing
from state.results import read_parquet
from veikart.files import atomic_write_text, content_id, sweep_temporaries

from . import write
from .schema import TABLES

OVERLAY_FILE = "catalogue_overlay.yaml"
#: The model's roadmap rows (before decisions), kept in the state folder for review.
MODEL_ROWS = "roadmap_model.parquet"
#: The settings key under which the state remembers the dataset's catalogue.
CATALOGUE_KEY = "catalogue_path"


def norm_key(text: str) -> str:
    """The normalized text that the scope "all identical" compares (matching's, which needs
    spaCy: imported only where a decision has that scope)."""
    from normalize.match import normalize_name

    return normalize_name(text)


def catalogue_path(store: Store, given: str | None = None) -> str:
    """The catalogue to publish with: ``given``, else the one the dataset was built with,
    else the bundled one. A recorded catalogue that is gone is an error, not a silent
    switch to another catalogue."""
    if given:
        return str(given)
    recorded = store.get(CATALOGUE_KEY)
    if recorded is None:
        return str(default_catalogue_path())
    if not Path(recorded).is_file():
        raise StateError(f"{recorded}: the catalogue this dataset was built with is gone; "
                         "restore it or run veikart ingest again with --catalogue")
    return recorded


def reviewed_catalogue(catalogue: Catalogue, store: Store) -> Catalogue:
    """The catalogue with the initiatives and aliases added through review."""
    return with_overlay(catalogue, store.overlay())


class DecisionIndex:
    """The decision log indexed by item and by normalized text, in log order. Undos and the
    decisions they take back are left out: the log is applied as if those were never made."""

    def __init__(self, decisions: list[Decision]) -> None:
        revoked = {d.revokes for d in decisions if d.action == "undo"}
        self.by_item: dict[str, list[Decision]] = {}
        self.by_text: dict[str, list[Decision]] = {}
        for d in decisions:
            if d.action == "undo" or d.id in revoked:
                continue
            index = self.by_item if d.scope == "item" else self.by_text
            index.setdefault(d.item_id if d.scope == "item" else d.norm_text, []).append(d)

    def relevant(self, row: dict) -> list[Decision]:
        """The decisions about ``row`` (for the item itself, or for every item with its
        text) in the order they were made: the newest wins, whatever its scope."""
        text = self.by_text.get(norm_key(row["text"]), []) if self.by_text else []
        return sorted(text + self.by_item.get(row["item_id"], []), key=lambda d: d.id)

    def in_force(self, row: dict) -> Decision | None:
        """The decision that says what ``row`` is (None: the model's). See :func:`settle`."""
        return settle(self.relevant(row))[0]


def settle(relevant: list[Decision]) -> tuple[Decision | None, set[str | None]]:
    """The decision in force among ``relevant`` (in log order) and the initiatives rejected.

    The newest match, new initiative, alias or ignore settles the item; a later reject of
    the matched initiative unsettles it, a later match of a rejected one settles it again.
    A defer never unsettles a decided item (review refuses such a defer, saying so). With
    nothing settled, the newest reject or defer is the decision in force."""
    settled, rejected = None, set()
    for d in relevant:
        if d.action == "reject":
            rejected.add(d.initiative_id)
            if settled is not None and settled.initiative_id == d.initiative_id:
                settled = None
        elif d.action in ("match", "new", "alias"):
            rejected.discard(d.initiative_id)
            settled = d
        elif d.action == "ignore":
            settled = d
    return settled or (relevant[-1] if relevant else None), rejected


def apply_to_row(row: dict, decisions: list[Decision] | DecisionIndex,
                 catalogue: Catalogue) -> dict:
    """The row as the reviewers decided it (``row`` is the model's row; a copy is returned).
    A human decision always beats the model; a decision pointing to an initiative that is
    gone comes back for review."""
    index = decisions if isinstance(decisions, DecisionIndex) else DecisionIndex(decisions)
    out = dict(row)
    out.update(decided_by=None, decided_at=None, decision=None, review_note=None)
    relevant = index.relevant(row)
    if not relevant:
        return out
    final, rejected = settle(relevant)
    out.update(decided_by=final.reviewer, decided_at=final.at, decision=final.action)
    if final.action in ("match", "new", "alias"):
        ini = catalogue.by_id.get(final.initiative_id or "")
        if ini is None:
            out.update(match_status="pending", initiative_id=None, initiative_name=None,
                       review_note=f"decided initiative {final.initiative_id!r} is no longer "
                                   "in the catalogue: review again")
            return out
        out.update(match_status="reviewed", initiative_id=ini.id, initiative_name=ini.name,
                   group_name=catalogue.group_name(ini.id) or row.get("group_name"))
        return out
    if final.action == "ignore":
        out.update(match_status="ignored", initiative_id=None, initiative_name=None)
        return out
    if rejected:
        left = [c for c in json.loads(row["candidates"] or "[]")
                if c["initiative_id"] not in rejected]
        out["candidates"] = json.dumps(left, ensure_ascii=False)
        out["review_note"] = "not: " + ", ".join(sorted(i for i in rejected if i))
        out.update(match_status="pending" if left else "unmatched",
                   initiative_id=left[0]["initiative_id"] if left else None,
                   initiative_name=left[0]["name"] if left else None,
                   match_score=left[0]["score"] if left else 0.0)
    if final.action == "defer":
        out["match_status"] = "pending"
    return out


#: The roadmap's columns that say which decision is in force (the model's rows have none).
DECIDED = ("decided_by", "decided_at", "decision", "review_note")


def apply_decisions(rows: write.Rows, store: Store, catalogue: Catalogue) -> write.Rows:
    """``rows`` as the reviewers decided them. Dicts are decided in place (each model row is
    replaced by its decided copy as it is made, so a long roadmap is never held twice); of an
    Arrow table, only the rows a decision is about are made into dicts and decided, the
    others stay as they are, with no decision in force."""
    index = DecisionIndex(store.decisions())
    full = reviewed_catalogue(catalogue, store)
    if isinstance(rows, pa.Table):
        return _decided_table(write.conformed("roadmap", rows), index, full)
    for i, row in enumerate(rows):
        rows[i] = apply_to_row(row, index, full)
    return rows


def _decided_table(table: pa.Table, index: DecisionIndex, catalogue: Catalogue) -> pa.Table:
    for name in DECIDED:  # what apply_to_row gives a row no decision is about
        i = table.schema.get_field_index(name)
        table = table.set_column(i, table.schema.field(i),
                                 pa.nulls(table.num_rows, table.schema.field(i).type))
    about = pc.is_in(table["item_id"], pa.array(sorted(index.by_item), pa.string()))
    if index.by_text:  # (normalizing every row's text, as relevant() does)
        texts = [norm_key(text) in index.by_text for text in table["text"].to_pylist()]
        about = pc.or_(about, pa.array(texts, pa.bool_()))
    if not pc.any(about).as_py():
        return table
    decided = [apply_to_row(row, index, catalogue) for row in table.filter(about).to_pylist()]
    return pa.concat_tables([table.filter(pc.invert(about)), write.to_arrow("roadmap", decided)])


def write_overlay_file(store: Store) -> Path:
    """The overlay as YAML beside the state database, so catalogue edits are visible and can
    be versioned or merged into the catalogue by hand."""
    entries = store.overlay()
    doc = {"note": "Initiatives and aliases added through review; veikart merges this into "
                   "the catalogue on every run.",
           "initiatives": [{"id": e["initiative_id"], "name": e["name"], "added_by":
                            e["reviewer"], "added_at": e["at"]}
                           for e in entries if e["kind"] == "initiative"],
           "aliases": [{"initiative_id": e["initiative_id"], "alias": e["name"],
                        "added_by": e["reviewer"], "added_at": e["at"]}
                       for e in entries if e["kind"] == "alias"]}
    path = store.folder / OVERLAY_FILE
    atomic_write_text(path, yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))
    return path


def read_tables(out: Path, names=tuple(TABLES)) -> dict[str, pa.Table]:
    """The dataset's tables as written (those of ``names`` that exist), as Arrow tables."""
    return {name: write.read_table(Path(out) / f"{name}.parquet", name)
            for name in names if (Path(out) / f"{name}.parquet").exists()}


#: The settings key of the fingerprint of what the dataset was last published from.
PUBLISHED_KEY = "published_fingerprint"


def fingerprint(store: Store, catalogue: str, parts: object) -> str:
    """What a dataset is made of, besides its runs: ``parts`` (the ingest's ledger and the
    files not read), the decision log and overlay as they stand, the catalogue."""
    decisions = store.decisions()
    return content_id(repr(parts), len(decisions), decisions[-1].id if decisions else 0,
                      repr(store.overlay()), catalogue, Path(catalogue).stat().st_mtime_ns,
                      length=32)


def is_current(out: Path, store: Store, print_: str) -> bool:
    """Whether the dataset in ``out`` was published from exactly this (only its runs table
    would change)."""
    if store.get(PUBLISHED_KEY) != print_ or not (Path(out) / "veikart.duckdb").exists():
        return False
    try:  # every table there and readable (a damaged one is published again)
        for name in TABLES:
            pq.read_metadata(Path(out) / f"{name}.parquet")
    except (OSError, pa.ArrowException):
        return False
    return True


def published_model(out: Path, store: Store) -> dict[str, write.Rows] | None:
    """The tables as last published, the roadmap as the model made it (before decisions):
    Arrow tables, but for the documents' rows (dicts); None when any is missing."""
    model = store.folder / MODEL_ROWS
    names = ("mentions", "pages", "documents")
    if not model.exists() or not all((Path(out) / f"{n}.parquet").exists() for n in names):
        return None
    try:
        tables: dict[str, write.Rows] = read_tables(out, names)
        tables["documents"] = tables["documents"].to_pylist()
        tables["roadmap"] = write.read_table(model, "roadmap")
    except (OSError, pa.ArrowException, KeyError):
        return None  # damaged: everything is published again from the stored results
    return tables


def previous_runs(out: Path) -> tuple[list[dict], str | None]:
    """The runs table as published, and what was wrong with it if it could not be read: a
    damaged ``runs.parquet`` is taken from the DuckDB file instead, else started afresh."""
    path = Path(out) / "runs.parquet"
    if not path.exists():
        return [], None
    try:
        return read_parquet(path).to_pylist(), None
    except (OSError, pa.ArrowException) as err:
        problem = f"{path}: unreadable ({' '.join(str(err).split())[:120]})"
    try:
        import duckdb

        with duckdb.connect(str(Path(out) / "veikart.duckdb"), read_only=True) as con:
            table = con.sql('SELECT * FROM "runs"').to_arrow_table()
        return table.to_pylist(), f"{problem}; the runs were taken from veikart.duckdb"
    except Exception:  # noqa: BLE001 - a damaged or missing DuckDB file: start afresh
        return [], f"{problem}; earlier runs' rows are lost"


def publish_runs(out: Path, store: Store, runs: list[dict]) -> dict[str, Path]:
    """Only the runs table, for a run that changed nothing else (Parquet and the DuckDB
    table, the latter in one transaction)."""
    with publishing(store.folder):
        return write.write_runs(Path(out), runs)


def publish(out: Path, store: Store, rows: dict[str, write.Rows] | None = None,
            catalogue: str | None = None, print_: str | None = None) -> dict[str, Path]:
    """Write the dataset in ``out`` with the decision log applied; returns the files.

    ``rows``: an ingest's tables, the roadmap as the model made it; they are kept in the state
    (the roadmap's model rows) and ``catalogue`` is recorded as the dataset's. Without
    ``rows`` (a review decision) the kept model rows and the dataset's other tables are
    published again, with the recorded catalogue.
    """
    with publishing(store.folder):
        for folder in (Path(out), store.folder):  # what a writer killed before us left
            sweep_temporaries(folder)
        return _publish(out, store, rows, catalogue, print_)


def _publish(out: Path, store: Store, rows: dict[str, write.Rows] | None,
             catalogue: str | None, print_: str | None) -> dict[str, Path]:
    path = catalogue_path(store, catalogue)
    if rows is not None:
        write.write_table_file(store.folder / MODEL_ROWS, "roadmap", rows["roadmap"])
        store.set(CATALOGUE_KEY, str(Path(path).resolve()))
    else:  # the tables decisions do not change, as published (the history is derived again)
        model = store.folder / MODEL_ROWS
        rows = read_tables(out, ("mentions", "documents", "pages", "runs"))
        rows["roadmap"] = write.read_table(model, "roadmap") if model.exists() else []
    tables = {**rows, "roadmap": apply_decisions(rows["roadmap"], store, load_catalogue(path))}
    store.set(PUBLISHED_KEY, "")  # unknown until the dataset is written
    written = write.write_dataset(Path(out), tables)
    write_overlay_file(store)
    if print_:
        store.set(PUBLISHED_KEY, print_)
    return written


def pending(out: Path) -> int:
    """Items waiting for review in the published dataset."""
    path = Path(out) / "roadmap.parquet"
    return sum(s == "pending" for s in read_parquet(path, columns=["match_status"])
               .column("match_status").to_pylist()) if path.exists() else 0
