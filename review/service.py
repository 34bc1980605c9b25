"""Review operations shared by the web app and the CLI: the queue, one item with its
evidence, catalogue search, decisions (which rewrite the outputs at once) and their undo."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq

from extractors.convert import soffice
from normalize.catalogue import load_catalogue
from outputs.document import matcher_for, overlay_key
from outputs.publish import (
    DecisionIndex,
    catalogue_path,
    norm_key,
    pending,
    publish,
    reviewed_catalogue,
)
from state import Decision, Store, state_dir
from veikart.errors import MissingDependencyError, ReviewError

from . import evidence
from .apply import queue, slug


class Refused(ReviewError):
    """A decision the app will not record, with a message key for the page's language
    (``review.i18n``) and its parameters; ``str()`` is the English line the CLI prints."""

    def __init__(self, key: str, message: str, **params):
        super().__init__(message)
        self.key, self.params = key, params


@dataclass
class Recorded:
    """What a decision (or an undo) recorded, for the confirmation the reviewer sees."""

    action: str
    text: str
    scope: str = "item"
    initiative_id: str | None = None
    initiative_name: str | None = None
    #: Items the decision is about now (every item with the text, for the scope "text").
    items: int = 1
    pending: int = 0
    #: For an undo: the decision taken back, and the item's status after it.
    undone: Decision | None = None
    status: str | None = None
    extra: dict = field(default_factory=dict)


@dataclass
class Filters:
    document: str | None = None
    region: str | None = None
    status: str | None = None  # pending (default queue), or any match_status


class ReviewService:
    def __init__(self, out: Path, state: Path | None = None, catalogue: str | None = None):
        self.out = Path(out)
        if not (self.out / "roadmap.parquet").exists():
            raise ReviewError(f"{self.out}: no dataset here (run veikart ingest first)")
        self.store = Store(state_dir(self.out, state))
        # the catalogue the dataset was built with, unless one is named
        self.catalogue_path = catalogue_path(self.store, catalogue)
        self._given_catalogue = catalogue
        self._rows: tuple[int, list[dict]] | None = None

    # ---------------------------------------------------------------- reading
    def rows(self) -> list[dict]:
        """The roadmap table, read again only when the file has changed since the last read."""
        path = self.out / "roadmap.parquet"
        stamp = path.stat().st_mtime_ns
        if self._rows is None or self._rows[0] != stamp:
            self._rows = (stamp, pq.read_table(path).to_pylist())
        return self._rows[1]

    def catalogue(self):
        return reviewed_catalogue(load_catalogue(self.catalogue_path), self.store)

    def queue(self, filters: Filters | None = None) -> list[dict]:
        filters = filters or Filters()
        rows = self.rows()
        if filters.status and filters.status != "pending":
            chosen = [r for r in rows if r["match_status"] == filters.status]
        else:
            chosen = queue(rows)
        if filters.document:
            chosen = [r for r in chosen if r["source_path"] == filters.document]
        if filters.region:
            chosen = [r for r in chosen if (r["region"] or "") == filters.region]
        return chosen

    def progress(self) -> tuple[int, int]:
        """(left to review, all items that needed or got a review)."""
        rows = self.rows()
        left = sum(r["match_status"] == "pending" for r in rows)
        done = sum(r["decided_by"] is not None and r["match_status"] != "pending" for r in rows)
        return left, left + done

    def item(self, item_id: str) -> dict:
        rows = self.rows()
        for row in rows:
            if row["item_id"] == item_id:
                row = dict(row)
                row["candidates_list"] = json.loads(row["candidates"] or "[]")
                row["identical"] = self.identical(row)
                row["context"] = self._context(row)
                return row
        raise ReviewError(f"no item {item_id!r} in {self.out}")

    def identical(self, row: dict) -> int:
        """How many items have ``row``'s normalized text (``row`` among them)."""
        key = norm_key(row["text"])
        return sum(norm_key(r["text"]) == key for r in self.rows())

    def in_force(self, item_id: str) -> Decision | None:
        """The reviewers' decision that says what the item is now (None: the model's)."""
        return DecisionIndex(self.store.decisions()).in_force(self.item(item_id))

    def initiative_names(self) -> dict[str, str]:
        return {i.id: i.name for i in self.catalogue().initiatives}

    def _page(self, row: dict) -> dict:
        """The pages-table row of the page ``row`` (an item) is on ({} when missing)."""
        pages = pq.read_table(self.out / "pages.parquet",
                              filters=[("source_sha256", "=", row["source_sha256"]),
                                       ("page", "=", row["page"])]).to_pylist()
        return pages[0] if pages else {}

    def _context(self, row: dict, reach: int = 160) -> dict:
        text = self._page(row).get("text") or ""
        a, b = row["char_start"], row["char_end"]
        return {"before": text[max(0, a - reach):a], "mention": text[a:b],
                "after": text[b:b + reach]}

    def documents(self) -> list[str]:
        return sorted({r["source_path"] for r in self.rows()})

    def regions(self) -> list[str]:
        return sorted({r["region"] for r in self.rows() if r["region"]})

    def search(self, query: str, limit: int = 10) -> list[dict]:
        """Catalogue entries for a search box: the matcher's ranking plus plain substring hits."""
        catalogue = self.catalogue()
        query = query.strip()
        if not query:
            return []
        def hit(iid: str, score: float) -> dict:
            ini = catalogue.by_id[iid]
            return {"initiative_id": iid, "name": ini.name, "score": score,
                    "group": catalogue.group_name(iid), "regions": list(ini.regions),
                    "aliases": list(ini.aliases)}

        hits = {}
        for ini in catalogue.initiatives:
            if any(query.casefold() in n.casefold() for n in ini.names):
                hits[ini.id] = hit(ini.id, 1.0)
        matcher = matcher_for(self.catalogue_path, overlay_key(self.store))
        for c in matcher.match(query).candidates:
            if c["initiative_id"] in catalogue.by_id:
                hits.setdefault(c["initiative_id"], hit(c["initiative_id"], c["score"]))
        return sorted(hits.values(), key=lambda h: -h["score"])[:limit]

    # ---------------------------------------------------------------- deciding
    def decide(self, item_id: str, reviewer: str, action: str, *,
               initiative_id: str | None = None, new_name: str | None = None,
               all_identical: bool = False, note: str | None = None) -> Recorded:
        """Record a decision and rewrite the outputs; says what was recorded.

        A defer of an item that is decided (reviewed, or ignored) is refused: deferring puts
        an item back in the queue, and a decided item comes back only by an undo."""
        row = self.item(item_id)
        catalogue = self.catalogue()
        text = row["text"]
        if action not in ("match", "reject", "new", "alias", "ignore", "defer"):
            raise Refused("err_unknown_action", f"unknown action {action[:40]!r}",
                          action=action[:40])  # shown back: not all of whatever was sent
        if action in ("match", "alias", "reject") and initiative_id not in catalogue.by_id:
            raise Refused("err_unknown_initiative",
                          f"no initiative {initiative_id!r} in the catalogue", id=initiative_id)
        if action == "defer" and row["match_status"] in ("reviewed", "ignored"):
            what = row["initiative_name"] or row["match_status"]
            raise Refused("err_defer_decided", f"{item_id} is decided already ({row['decision']}"
                          f": {what}); undo that decision first to defer it", text=text,
                          what=what)
        if action == "new":
            name = " ".join((new_name or "").split())
            if not name:
                raise Refused("err_new_name", "a new initiative needs a name")
            existing = {i.name.casefold(): i.id for i in catalogue.initiatives}
            initiative_id = existing.get(name.casefold()) or slug(name, set(catalogue.by_id))
            if name.casefold() not in existing:
                self.store.add_overlay(reviewer, "initiative", initiative_id, name)
            new_name = name
        if action == "alias":
            alias = row.get("match_text") or row["text"]
            self.store.add_overlay(reviewer, "alias", initiative_id, " ".join(alias.split()))
        scope = "text" if all_identical else "item"
        self.store.decide(reviewer, item_id, norm_key(row["text"]), action, scope,
                          initiative_id, new_name, note)
        left = self.republish()
        name = (new_name if action == "new" else
                catalogue.by_id[initiative_id].name if initiative_id else None)
        return Recorded(action, text, scope, initiative_id, name,
                        self.identical(row) if all_identical else 1, left)

    def undo(self, item_id: str, reviewer: str) -> Recorded:
        """Take back the decision in force on the item: an undo entry is appended to the log
        (nothing is changed or removed), and the dataset is published again, the item as it
        would be without that decision (an earlier decision, else the model's reading)."""
        row = self.item(item_id)
        decision = DecisionIndex(self.store.decisions()).in_force(row)
        if decision is None:
            raise Refused("err_nothing_to_undo", f"{item_id} has no decision to undo",
                          text=row["text"])
        self.store.undo(reviewer, decision)
        left = self.republish()
        after = self.item(item_id)
        names = self.initiative_names()
        return Recorded("undo", row["text"], decision.scope, decision.initiative_id,
                        names.get(decision.initiative_id or ""),
                        self.identical(row) if decision.scope == "text" else 1, left,
                        undone=decision, status=after["match_status"])

    def republish(self) -> int:
        """Publish the dataset again with the decisions in force; returns items pending."""
        publish(self.out, self.store, catalogue=self._given_catalogue)
        return pending(self.out)

    # ---------------------------------------------------------------- evidence
    @property
    def cache(self) -> Path:
        return self.store.folder / "cache"

    def can_render(self, row: dict) -> bool:
        """Whether the item's page can be drawn: a box, a stored source copy, and for a slide
        deck LibreOffice."""
        if row["bbox_x0"] is None or self.store.source_copy(row["source_sha256"]) is None:
            return False
        suffix = self.store.source_copy(row["source_sha256"]).suffix.lower()
        return suffix == ".pdf" or (suffix in evidence.SLIDES and soffice() is not None)

    def _blocks(self, row: dict) -> tuple[list, float | None, float | None]:
        source = self.store.source_copy(row["source_sha256"])
        if source is None:
            return [], None, None
        return evidence.page_blocks(source, row["source_sha256"], row["page"], self.cache)

    def neighbourhood(self, row: dict) -> dict | None:
        """The item's own box and the boxes beside it (None without page geometry)."""
        if row["bbox_x0"] is None:
            return None
        try:
            blocks, _, _ = self._blocks(row)
        except ReviewError:
            return None
        return evidence.neighbourhood(blocks, row["char_start"], row["char_end"])

    def labels(self, row: dict) -> list[evidence.Label]:
        """The labels that placed the item, with their boxes where the page has them."""
        wanted = evidence.labels(row.get("layout_evidence"))
        if not wanted:
            return []
        blocks = self._blocks(row)[0] if row["bbox_x0"] is not None else []
        return evidence.find_labels(blocks, wanted)

    def crop(self, item_id: str) -> tuple[bytes, tuple] | None:
        """PNG of the page or slide around the item (with the labels that placed it), rendered
        from the stored source copy, and the crop's box in points; None when there is no
        geometry (HTML, text) or nothing to draw with."""
        row = self.item(item_id)
        if not self.can_render(row):
            return None
        source = self.store.source_copy(row["source_sha256"])
        found = self.labels(row)
        item_box = (row["bbox_x0"], row["bbox_y0"], row["bbox_x1"], row["bbox_y1"])
        rotation = self._page(row).get("rotation") or 0
        box: list = []

        def make() -> bytes:
            pdf = evidence.rendered_pdf(source, row["source_sha256"], self.cache)
            slide = source.suffix.lower() in evidence.SLIDES
            png, crop_box = evidence.render_crop(pdf, row["page"], item_box, found, rotation,
                                                 text=row["mention_text"] if slide else None)
            box.append(crop_box)
            return png

        try:
            png = evidence.cached_crop(self.cache, (row["source_sha256"], row["page"],
                                                    item_box, repr(found), rotation), make)
        except MissingDependencyError:
            return None
        if not box:  # from the cache: the box is the PNG's size from its top-left corner
            box.append(evidence.cached_box(png))
        return png, box[0]

    def crop_png(self, item_id: str) -> bytes | None:
        made = self.crop(item_id)
        return made[0] if made else None
