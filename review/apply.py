"""Apply the decision log to the model's roadmap rows: a human decision always beats the
model; a decision pointing to an initiative that is gone comes back for review."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import yaml

from normalize.catalogue import Catalogue, with_overlay
from normalize.match import normalize_name

from .store import Decision, Store

OVERLAY_FILE = "catalogue_overlay.yaml"


def norm_key(text: str) -> str:
    """The normalized text that scope "all identical" compares."""
    return normalize_name(text)


def slug(name: str, taken: set[str]) -> str:
    """A new catalogue id from a name.

    >>> slug("Digital dialog for fastleger", {"digital-dialog-for-fastleger"})
    'digital-dialog-for-fastleger-2'
    """
    ascii_name = unicodedata.normalize("NFKD", name.replace("ø", "o").replace("æ", "ae")
                                       .replace("Ø", "o").replace("Æ", "ae"))
    base = re.sub(r"[^a-z0-9]+", "-", ascii_name.encode("ascii", "ignore").decode().lower())
    base = base.strip("-")[:60] or "initiative"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def reviewed_catalogue(catalogue: Catalogue, store: Store) -> Catalogue:
    return with_overlay(catalogue, store.overlay())


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
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def _relevant(decisions: list[Decision], item_id: str, key: str) -> list[Decision]:
    item = [d for d in decisions if d.scope == "item" and d.item_id == item_id]
    text = [d for d in decisions if d.scope == "text" and d.norm_text == key]
    return text + item  # item decisions are more specific: they come last and win


def apply_to_row(row: dict, decisions: list[Decision], catalogue: Catalogue) -> dict:
    """The row as the reviewers decided it (``row`` is the model's row; a copy is returned)."""
    out = dict(row)
    out.update(decided_by=None, decided_at=None, decision=None, review_note=None)
    relevant = _relevant(decisions, row["item_id"], norm_key(row["text"]))
    if not relevant:
        return out
    rejected = {d.initiative_id for d in relevant if d.action == "reject"}
    final = next((d for d in reversed(relevant) if d.action != "reject"), None)
    last = relevant[-1]
    out.update(decided_by=last.reviewer, decided_at=last.at, decision=last.action)
    if final is not None and (final.action in ("match", "new", "alias")
                              and final.initiative_id not in rejected):
        ini = catalogue.by_id.get(final.initiative_id or "")
        if ini is None:
            out.update(match_status="pending", initiative_id=None, initiative_name=None,
                       review_note=f"decided initiative {final.initiative_id!r} is no longer "
                                   "in the catalogue: review again")
            return out
        out.update(match_status="reviewed", initiative_id=ini.id, initiative_name=ini.name,
                   group_name=catalogue.group_name(ini.id) or row.get("group_name"),
                   decision=final.action, decided_by=final.reviewer, decided_at=final.at)
        return out
    if final is not None and final.action == "ignore":
        out.update(match_status="ignored", initiative_id=None, initiative_name=None,
                   decision="ignore", decided_by=final.reviewer, decided_at=final.at)
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
    if final is not None and final.action == "defer":
        out["match_status"] = "pending"
    return out


def apply_decisions(rows: list[dict], store: Store, catalogue: Catalogue) -> list[dict]:
    decisions = store.decisions()
    full = reviewed_catalogue(catalogue, store)
    return [apply_to_row(row, decisions, full) for row in rows]


def queue(rows: list[dict]) -> list[dict]:
    """Pending rows, those whose decision resolves most identical texts first; deferred last."""
    pending = [r for r in rows if r["match_status"] == "pending"]
    counts: dict[str, int] = {}
    for r in pending:
        counts[norm_key(r["text"])] = counts.get(norm_key(r["text"]), 0) + 1
    return sorted(pending, key=lambda r: (r.get("decision") == "defer",
                                          -counts[norm_key(r["text"])], norm_key(r["text"]),
                                          r["source_path"], r["page"], r["char_start"]))
