"""Review operations shared by the web app and the CLI: the queue, one item with its
evidence, catalogue search, and decisions (which rewrite the outputs at once)."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

from normalize.catalogue import load_catalogue
from outputs.document import matcher_for, overlay_key
from outputs.publish import catalogue_path, norm_key, pending, publish, reviewed_catalogue
from state import Store, state_dir
from veikart.errors import InputFileError, ReviewError

from .apply import queue, slug, waiting_reason


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
                key = norm_key(row["text"])
                row["identical"] = sum(norm_key(r["text"]) == key for r in rows)
                row["context"] = self._context(row)
                row["waiting"] = waiting_reason(row)
                return row
        raise ReviewError(f"no item {item_id!r} in {self.out}")

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
               all_identical: bool = False, note: str | None = None) -> int:
        """Record a decision and rewrite the outputs; returns how many items are pending."""
        row = self.item(item_id)
        catalogue = self.catalogue()
        if action in ("match", "alias", "reject") and initiative_id not in catalogue.by_id:
            raise ReviewError(f"no initiative {initiative_id!r} in the catalogue")
        if action == "new":
            name = " ".join((new_name or "").split())
            if not name:
                raise ReviewError("a new initiative needs a name")
            existing = {i.name.casefold(): i.id for i in catalogue.initiatives}
            initiative_id = existing.get(name.casefold()) or slug(name, set(catalogue.by_id))
            if name.casefold() not in existing:
                self.store.add_overlay(reviewer, "initiative", initiative_id, name)
        if action == "alias":
            alias = row.get("match_text") or row["text"]
            self.store.add_overlay(reviewer, "alias", initiative_id, " ".join(alias.split()))
        self.store.decide(reviewer, item_id, norm_key(row["text"]), action,
                          "text" if all_identical else "item", initiative_id, new_name, note)
        return self.republish()

    def republish(self) -> int:
        """Publish the dataset again with the decisions in force; returns items pending."""
        publish(self.out, self.store, catalogue=self._given_catalogue)
        return pending(self.out)

    # ---------------------------------------------------------------- evidence
    def crop_png(self, item_id: str, margin: float = 60.0) -> bytes | None:
        """The page or slide around the item's box, rendered from the stored source copy,
        with the box outlined; None when there is no geometry (HTML, text)."""
        row = self.item(item_id)
        if row["bbox_x0"] is None:
            return None
        source = self.store.source_copy(row["source_sha256"])
        if source is None:
            return None
        box = (row["bbox_x0"], row["bbox_y0"], row["bbox_x1"], row["bbox_y1"])
        return render_crop(source, row["page"], box, margin,
                           rotation=self._page(row).get("rotation") or 0)


def render_crop(source: Path, page: int, box: tuple, margin: float, scale: float = 2.0,
                rotation: int = 0) -> bytes:
    """PNG of ``box`` (points, top-left origin) on ``page`` of a PDF (rendered by pdfium) or a
    PPTX slide (its text boxes drawn where they stand), outlined in red. ``rotation`` is the
    page's (pages.rotation): a PDF page is rendered turned as it was read, upright, which is
    where its boxes are (pdfium turns it by its /Rotate already)."""
    from PIL import ImageDraw

    if source.suffix == ".pdf":
        import pypdfium2 as pdfium

        pdf_page = pdfium.PdfDocument(str(source))[page - 1]
        extra = (rotation - pdf_page.get_rotation()) % 360
        image = pdf_page.render(scale=scale, rotation=extra).to_pil().convert("RGB")
    elif source.suffix == ".pptx":
        image = _draw_slide(source, page, scale)
    else:
        raise InputFileError(str(source), "no page geometry to render")
    x0, y0, x1, y1 = (v * scale for v in box)
    ImageDraw.Draw(image).rectangle((x0 - 3, y0 - 3, x1 + 3, y1 + 3), outline=(220, 0, 0),
                                    width=3)
    m = margin * scale
    crop = image.crop((max(0, x0 - m), max(0, y0 - m), min(image.width, x1 + m),
                       min(image.height, y1 + m)))
    buf = io.BytesIO()
    crop.save(buf, "PNG")
    return buf.getvalue()


def _draw_slide(source: Path, page: int, scale: float):
    from PIL import Image, ImageDraw, ImageFont

    from extractors import extract

    doc = extract(source)
    slide = doc.pages[page - 1]
    image = Image.new("RGB", (int((slide.width or 960) * scale),
                              int((slide.height or 540) * scale)), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", int(8 * scale))
    for block in slide.blocks:
        if block.bbox is None:
            continue
        x0, y0, x1, y1 = (v * scale for v in block.bbox)
        draw.rectangle((x0, y0, x1, y1), outline=(200, 200, 200))
        y = y0 + 2
        for line in block.lines:
            for part in line.text.split("\n"):
                draw.text((x0 + 3, y), part, fill="black", font=font)
                y += 10 * scale
    return image
