"""The roadmap over time: what each document said, ordered by its date. ``roadmap_latest``
keeps, per initiative and region, the latest stated period, status and due date with the
document that said so; ``roadmap_changes`` lists what moved between consecutive dates."""

from __future__ import annotations

from datetime import date

import pyarrow as pa
import pyarrow.compute as pc

from veikart.files import content_id

STATED = ("auto", "reviewed")
#: The tables made of the roadmap here.
DERIVED = ("roadmap_latest", "roadmap_changes")
#: The roadmap's columns the history is made of.
COLUMNS = ("item_id", "initiative_id", "initiative_name", "group_name", "match_status",
           "region", "region_source", "period", "period_start", "period_end", "status",
           "due_date", "document_date", "source_path", "source_sha256", "page", "char_start",
           "block_kind")


def statements_of(roadmap: pa.Table) -> list[dict]:
    """The rows of a roadmap table that may state something (matched ones), with the
    columns the history reads, in the table's order: what :func:`latest` and
    :func:`changes` are given."""
    matched = roadmap.filter(pc.is_in(roadmap["match_status"], pa.array(STATED)))
    columns = [matched.column(name).to_pylist() for name in COLUMNS]  # (faster than by row)
    return [dict(zip(COLUMNS, values, strict=True)) for values in zip(*columns, strict=True)]


def _key(row: dict) -> tuple[str, str]:
    return (row["initiative_id"], row["region"] or "")


def _statements(roadmap: list[dict], grid_only: bool = False) -> list[dict]:
    """Matched rows that place an initiative (a period, a status or a due date); with
    ``grid_only``, only placements read from a roadmap grid (not tables or project pages)."""
    rows = [r for r in roadmap if r["match_status"] in STATED and r["initiative_id"]
            and r["document_date"] is not None
            and (r["period"] or r["status"] or r["due_date"])]
    if grid_only:
        rows = [r for r in rows if r["period"] and r["block_kind"] != "table_cell"
                and r["region_source"] in ("grid", "label", "page-title")]
    return rows


def _same_period(a: dict, b: dict) -> bool:
    """Equal periods; "Lenger sikt" and an open-ended "2027→" are both the long term."""
    if a["period"] == b["period"]:
        return True
    long_a = a["period"] == "Lenger sikt" or (a["period_start"] and a["period_end"] is None)
    long_b = b["period"] == "Lenger sikt" or (b["period_start"] and b["period_end"] is None)
    return bool(long_a and long_b)


def snapshots(roadmap: list[dict], grid_only: bool = False
              ) -> list[tuple[date, dict[tuple, dict]]]:
    """Per document date, what the documents of that date state (first by path wins)."""
    by_date: dict[date, dict[tuple, dict]] = {}
    for row in sorted(_statements(roadmap, grid_only),
                      key=lambda r: (r["document_date"], r["source_path"], r["page"],
                                     r["char_start"])):
        by_date.setdefault(row["document_date"], {}).setdefault(_key(row), row)
    return sorted(by_date.items())


def latest(roadmap: list[dict]) -> list[dict]:
    current: dict[tuple, dict] = {}
    for _, snap in snapshots(roadmap):
        current.update(snap)
    return [{"initiative_id": r["initiative_id"], "initiative_name": r["initiative_name"],
             "group_name": r["group_name"], "region": r["region"], "period": r["period"],
             "period_start": r["period_start"], "period_end": r["period_end"],
             "status": r["status"], "due_date": r["due_date"],
             "document_date": r["document_date"], "source_path": r["source_path"],
             "source_sha256": r["source_sha256"], "item_id": r["item_id"]}
            for _, r in sorted(current.items())]


def _change(prev_date, cur_date, prev, cur, key, kind, before, after) -> dict:
    row = cur or prev
    change_id = content_id(prev_date, cur_date, key[0], key[1], kind)
    return {"change_id": change_id, "from_date": prev_date,
            "to_date": cur_date, "initiative_id": key[0], "initiative_name":
            row["initiative_name"], "region": key[1] or None, "change": kind,
            "before": before, "after": after,
            "from_source_path": prev["source_path"] if prev else None,
            "to_source_path": cur["source_path"] if cur else None}


def changes(roadmap: list[dict]) -> list[dict]:
    """Moves between consecutive dates: added, dropped (only for regions the later date
    covers), and changed period, status or due date."""
    out = []
    snaps = snapshots(roadmap, grid_only=True)
    for (d0, prev), (d1, cur) in zip(snaps, snaps[1:], strict=False):
        covered = {k[1] for k in cur}
        for key in sorted(set(prev) | set(cur)):
            a, b = prev.get(key), cur.get(key)
            if a is None:
                out.append(_change(d0, d1, None, b, key, "added", None, b["period"]))
            elif b is None:
                if key[1] in covered:
                    out.append(_change(d0, d1, a, None, key, "dropped", a["period"], None))
            else:
                for field in ("period", "status", "due_date"):
                    if field == "period" and _same_period(a, b):
                        continue
                    if a[field] != b[field] and b[field] is not None:
                        out.append(_change(d0, d1, a, b, key, field,
                                           None if a[field] is None else str(a[field]),
                                           str(b[field])))
    return out
