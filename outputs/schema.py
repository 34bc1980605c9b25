"""Every column of every output table, with its type and meaning, in one place: the Parquet
schemas, the DuckDB tables, datapackage.json and the README's schema section all come from
here (a test keeps the README honest)."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType
    description: str

    @property
    def frictionless_type(self) -> str:
        if pa.types.is_integer(self.type):
            return "integer"
        if pa.types.is_floating(self.type):
            return "number"
        if pa.types.is_boolean(self.type):
            return "boolean"
        if pa.types.is_date(self.type):
            return "date"
        if pa.types.is_timestamp(self.type):
            return "datetime"
        return "string"


STR, INT, FLOAT, BOOL, DATE = pa.string(), pa.int64(), pa.float64(), pa.bool_(), pa.date32()

ROADMAP = [
    Column("item_id", STR, "Content hash of source sha256, page, character span and text: stable across runs."),
    Column("mention_text", STR, "The item exactly as extracted: page text[char_start:char_end]."),
    Column("text", STR, "Cleaned text: bullet removed, wrapped lines joined, OCR damage repaired."),
    Column("match_text", STR, "text without the notes written after the name: what is matched against the catalogue."),
    Column("notes", STR, "Those notes, separated by '; ' (and the row's Kommentar/Merknad cell in a table): a delivery date, a status, a time ('Q3-Q4 2023'), 'Nasjonalt prosjekt', an acronym ('NILAR')."),
    Column("initiative_id", STR, "Catalogue id of the matched initiative (empty when unmatched)."),
    Column("initiative_name", STR, "Canonical name of the matched initiative."),
    Column("group_name", STR, "Common service the item belongs to (from the table row or the catalogue)."),
    Column("responsible", STR, "Who answers for the item: the row's Ansvarlig/Eier/Prosjektleder cell in a table."),
    Column("match_status", STR, "auto, pending, reviewed, unmatched or ignored."),
    Column("match_score", FLOAT, "Score of the best candidate, 0-1."),
    Column("candidates", STR, "JSON list of the top 3 candidates: initiative_id, name, score, via."),
    Column("match_explanation", STR, "Why the matcher decided as it did."),
    Column("decided_by", STR, "Reviewer whose decision is in force (empty: the model's)."),
    Column("decided_at", STR, "When that decision was made, UTC ISO 8601."),
    Column("decision", STR, "The decision in force: match, new, alias, ignore, reject, defer."),
    Column("review_note", STR, "Why the item is back in review, or which candidates were rejected."),
    Column("repairs", STR, "JSON list of OCR repairs in the item: rule, before, after, start, end (offsets in the page text)."),
    Column("region", STR, "Helse Nord, Helse Vest, Helse Sør-Øst, Helse Midt-Norge, Nasjonal or empty."),
    Column("regions", STR, "All regions the item names, separated by '; ' (codes such as (HSØ, HN))."),
    Column("region_source", STR, "Where the region came from: grid (a region axis on the page: rows, columns or swimlanes), code ((HSØ) in the item), table (a roadmap table's header, or the row's Region cell), label (a 'Region:' line under a record's heading, or a 'HELSE VEST 2023-24' label under the item) or page-title (the one region the page names: title, logo or footer)."),
    Column("period", STR, "Period label: 2023-2024, 2025-2026, 2027→, Lenger sikt, ..."),
    Column("period_start", INT, "First year of the period (empty when open); on a timeline, the year where the item's bar starts."),
    Column("period_end", INT, "Last year of the period (empty when open-ended); on a timeline, the year where the item's bar ends (empty when it ends in an arrow)."),
    Column("status", STR, "Normalized status: i drift, under revurdering, planlagt, levert, ..."),
    Column("status_source", STR, "Where the status came from: text (words in or under the item, or the status lines under a record's heading), text-colour or fill-colour (the item's colour, explained by the page's legend), table (the row's Status cell)."),
    Column("layout_evidence", STR, "Which labels and rules decided the region, period and status, in words ('region: row 'HELSE VEST' (labels down the left, 100% of the box in its band)'), or why none was given."),
    Column("due_date", DATE, "Delivery date stated for the item."),
    Column("document_date", DATE, "The document's date (meeting date, else 'Sist oppdatert')."),
    Column("source_path", STR, "The source document: its absolute path (the folders resolved, the file's own name as found), the same from any working directory; or its URL."),
    Column("source_sha256", STR, "SHA-256 of the source document's bytes."),
    Column("source_format", STR, "pptx, pdf, html, text, docx, xlsx, or a legacy/ODF format read after conversion (ppt, doc, xls, odp, odt, ods)."),
    Column("page", INT, "1-based page number (slide number for PPTX)."),
    Column("bbox_x0", FLOAT, "Left edge of the item's box, points from the page's left edge."),
    Column("bbox_y0", FLOAT, "Top edge of the item's box, points from the page's top edge."),
    Column("bbox_x1", FLOAT, "Right edge of the item's box, points."),
    Column("bbox_y1", FLOAT, "Bottom edge of the item's box, points."),
    Column("char_start", INT, "Start offset of mention_text in pages.text of the same page."),
    Column("char_end", INT, "End offset (exclusive) of mention_text in pages.text."),
    Column("shape_id", INT, "PPTX shape id of the text box or table the item is in."),
    Column("block_kind", STR, "What the item was read from: textbox, title, table_cell, list, paragraph, heading (a record's heading with key-value lines under it), ocr_block; never header or footer (a DOCX's page header and footer are read but are not items)."),
    Column("locator", STR, "Where in a document without page geometry the item came from: the HTML element's path, the spreadsheet cell ('Veikart!B3'), the DOCX body element ('/body/tbl[1]/tr[2]/tc[1]')."),
    Column("extractor", STR, "Backend that read the document: pptx, pdf, pdf+ocr, html, text."),
    Column("ocr", BOOL, "True when the item's page text came from OCR."),
    Column("run_id", STR, "The ingest run that wrote this row (see runs)."),
]

DOCUMENTS = [
    Column("source_path", STR, "The document: its absolute path (the folders resolved, the file's own name as found), or its URL."),
    Column("source_sha256", STR, "SHA-256 of the document's bytes (empty when unreadable)."),
    Column("source_uri", STR, "Where a remote document was fetched from: its http(s)://, s3:// or webdav(s):// URL (its bytes are kept in STATE/mirror under source_sha256); empty for a local file."),
    Column("source_format", STR, "As in roadmap (empty when not recognized)."),
    Column("size_bytes", INT, "File size."),
    Column("status", STR, "ok, failed, duplicate (the same bytes as another document, named in error: one document, whose rows carry that document's path), or skipped (a file the folder walk found and does not read: an unsupported format, a hidden file or folder, veikart's own output, an editor's lock file, a symbolic link out of the folder, a name that is not UTF-8; for a remote source, an object its listing or page names and veikart does not read)."),
    Column("error", STR, "One-line reason when failed or skipped."),
    Column("page_count", INT, "Pages or slides."),
    Column("ocr_pages", INT, "Pages whose text came from OCR."),
    Column("items", INT, "Roadmap rows from this document."),
    Column("document_date", DATE, "Meeting date, else 'Sist oppdatert' date, else a date in the file name."),
    Column("document_date_source", STR, "meeting-date, sist-oppdatert or file-name."),
    Column("title", STR, "Title from the document's metadata, if any."),
    Column("extractor", STR, "Backend that read it."),
    Column("other_paths", STR, "Other names the same bytes were found under, separated by '; ' (each also a row with status duplicate); empty for most documents."),
    Column("converted", STR, "For a legacy or ODF file: what converted it before it was read ('LibreOffice 7.4: ppt to pptx'); source_sha256 stays the original's."),
    Column("run_id", STR, "The ingest run that wrote this row."),
]

PAGES = [
    Column("source_sha256", STR, "Document the page belongs to."),
    Column("source_path", STR, "Path of that document."),
    Column("page", INT, "1-based page number."),
    Column("text", STR, "The page text every char_start/char_end points into."),
    Column("text_source", STR, "How the text was obtained: pptx, text-layer, ocr (no text layer), re-ocr (a damaged text layer replaced by OCR of the page image), html, text, docx, xlsx."),
    Column("text_route", STR, "text_source, with +repair when OCR-damaged words were repaired or words broken across lines were joined."),
    Column("repairs", INT, "Number of words repaired on the page."),
    Column("language", STR, "The language the page reads as, by the share of its words each of wordfreq's lists knows: nb, another wordfreq code (en, fr, sv, ...), und (none of them: Latin, codes), or empty (too few words to tell). OCR repair runs only on nb and empty pages."),
    Column("ocr", BOOL, "True when the text came from OCR."),
    Column("ocr_confidence", FLOAT, "Mean tesseract word confidence 0-100 (OCR pages only)."),
    Column("rotation", INT, "Degrees clockwise the page as stored was turned to be read upright, the page its boxes are in: for a PDF, from its content space (its /Rotate when that shows the page upright); for a scan, plus the orientation OCR detected (0: read as it lies)."),
    Column("sheet", STR, "Spreadsheets: the sheet's name (the page number is its position)."),
    Column("width", FLOAT, "Page width in points (empty for HTML and text)."),
    Column("height", FLOAT, "Page height in points."),
    Column("page_status", STR, "A status stated for the page as a whole ('Ferdigstilt og levert: Nei' under a 'Status' heading, or under the title of a page about one item); a status line under another heading is that heading's item's."),
    Column("run_id", STR, "The ingest run that wrote this row."),
]

MENTIONS = [
    Column("mention_id", STR, "Content hash of source sha256, page and character span."),
    Column("source_sha256", STR, "Document the mention is in."),
    Column("source_path", STR, "Path of that document."),
    Column("page", INT, "1-based page number."),
    Column("char_start", INT, "Start offset of mention_text in pages.text."),
    Column("char_end", INT, "End offset (exclusive) in pages.text."),
    Column("mention_text", STR, "The words that name the initiative, as extracted."),
    Column("sentence", STR, "The sentence the mention is in."),
    Column("initiative_id", STR, "Catalogue id of the initiative named."),
    Column("initiative_name", STR, "Its canonical name."),
    Column("match_score", FLOAT, "Calibrated probability that the mention names it, 0-1."),
    Column("match_status", STR, "auto or pending (same thresholds as the roadmap)."),
    Column("method", STR, "phrase (a name or alias written out) or fuzzy (a close reading)."),
    Column("run_id", STR, "The ingest run that wrote this row."),
]

LATEST = [
    Column("initiative_id", STR, "Catalogue id."),
    Column("initiative_name", STR, "Canonical name."),
    Column("group_name", STR, "Common service it belongs to."),
    Column("region", STR, "Region the statement is about (empty: none stated)."),
    Column("period", STR, "Latest stated period."),
    Column("period_start", INT, "First year of that period."),
    Column("period_end", INT, "Last year of that period (empty when open)."),
    Column("status", STR, "Latest stated status."),
    Column("due_date", DATE, "Latest stated due date."),
    Column("document_date", DATE, "Date of the document that said so."),
    Column("source_path", STR, "That document."),
    Column("source_sha256", STR, "Its SHA-256."),
    Column("item_id", STR, "The roadmap row that said so."),
]

CHANGES = [
    Column("change_id", STR, "Content hash of the dates, initiative, region and kind of change."),
    Column("from_date", DATE, "Date of the earlier document(s)."),
    Column("to_date", DATE, "Date of the later document(s)."),
    Column("initiative_id", STR, "Catalogue id."),
    Column("initiative_name", STR, "Canonical name."),
    Column("region", STR, "Region."),
    Column("change", STR, "added, dropped, period, status or due_date."),
    Column("before", STR, "Value in the earlier document (period for added/dropped)."),
    Column("after", STR, "Value in the later document."),
    Column("from_source_path", STR, "Earlier document."),
    Column("to_source_path", STR, "Later document."),
]

RUNS = [
    Column("run_id", STR, "Id of the run: UTC start time to the microsecond and a short random suffix; sorts in start order."),
    Column("started_at", STR, "UTC start, ISO 8601 to the microsecond; the runs table is ordered by it."),
    Column("finished_at", STR, "UTC end, ISO 8601."),
    Column("veikart_version", STR, "veikart's version."),
    Column("pipeline_version", STR, "Version of the extraction/normalization rules."),
    Column("catalogue_path", STR, "Catalogue file used for matching."),
    Column("catalogue_sha256", STR, "SHA-256 of that catalogue file."),
    Column("documents", INT, "Documents seen."),
    Column("failed", INT, "Documents that failed."),
    Column("items", INT, "Roadmap rows written."),
    Column("processed", INT, "Documents extracted in this run."),
    Column("skipped", INT, "Documents unchanged since an earlier run (not extracted again)."),
    Column("not_read", INT, "Files the folder walk found and does not read (listed in documents with status skipped)."),
]

TABLES: dict[str, list[Column]] = {
    "roadmap": ROADMAP, "mentions": MENTIONS, "documents": DOCUMENTS, "pages": PAGES,
    "roadmap_latest": LATEST, "roadmap_changes": CHANGES, "runs": RUNS,
}
PRIMARY_KEYS = {"roadmap": ["item_id"], "mentions": ["mention_id"],
                "documents": ["source_path"], "pages": ["source_sha256", "page"],
                "roadmap_latest": ["initiative_id", "region"],
                "roadmap_changes": ["change_id"], "runs": ["run_id"]}


def arrow_schema(table: str) -> pa.Schema:
    return pa.schema([pa.field(c.name, c.type) for c in TABLES[table]])
