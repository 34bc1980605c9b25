"""The run report: ``report.html`` in the output folder (self-contained: no script, no
external files) and the same summary as Markdown for a Prefect artifact. It shows what the
run did, items by status, what changed since the previous document, and the current roadmap
as the slides draw it: regions down the side, periods across, initiatives coloured by status."""

from __future__ import annotations

import html
from pathlib import Path

from extractors.ocr import LOW_CONFIDENCE
from normalize.lexicon import REGIONS
from veikart.files import atomic_write_text

STATUS_COLOURS = {"i drift": "#2e7d32", "levert": "#2e7d32", "under revurdering": "#ef6c00",
                  "planlagt": "#1565c0", "pågår": "#1565c0", "ikke levert": "#c62828",
                  "nasjonalt prosjekt": "#6a1b9a", None: "#546e7a"}


def _periods(latest: list[dict]) -> list[str]:
    seen = {(r["period_start"] or 9999, r["period"]) for r in latest if r["period"]}
    return [p for _, p in sorted(seen)]


def _counts(rows: list[dict], field: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in rows:
        out[str(r[field])] = out.get(str(r[field]), 0) + 1
    return dict(sorted(out.items()))


def low_confidence_pages(tables: dict[str, list[dict]]) -> list[str]:
    """One line per page of the dataset whose OCR reads unsure (a mean word confidence under
    ``LOW_CONFIDENCE`` even after the page was turned upright): file, page and confidence.

    >>> low_confidence_pages({"pages": [
    ...     {"source_path": "skann.pdf", "page": 2, "ocr": True, "ocr_confidence": 41.3},
    ...     {"source_path": "skann.pdf", "page": 1, "ocr": True, "ocr_confidence": 91.0}]})
    ['skann.pdf: page 2: OCR confidence 41']
    """
    unsure = [p for p in tables.get("pages", []) if p["ocr"]
              and p["ocr_confidence"] is not None and p["ocr_confidence"] < LOW_CONFIDENCE]
    return [f"{p['source_path']}: page {p['page']}: OCR confidence {p['ocr_confidence']:.0f}"
            for p in sorted(unsure, key=lambda p: (p["source_path"], p["page"]))]


def markdown_summary(summary: dict, tables: dict[str, list[dict]]) -> str:
    docs = summary["documents"]
    lines = [f"# veikart run {summary['run_id']}", "",
             f"- processed: {len(docs)} documents ({sum(d['status'] == 'ok' for d in docs)} ok, "
             f"{sum(d['status'] == 'failed' for d in docs)} failed)",
             f"- skipped as unchanged: {len(summary['skipped'])}",
             f"- roadmap items in the dataset: {summary['items']}", "",
             "| match status | items |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in _counts(tables["roadmap"], "match_status").items()]
    failed = [d for d in docs if d["status"] == "failed"]
    if failed:
        lines += ["", "## Failed", ""] + [f"- {d['error']}" for d in failed]
    if summary.get("not_read"):
        lines += ["", "## Not read", ""] + [f"- {n}" for n in summary["not_read"]]
    unsure = low_confidence_pages(tables)
    if unsure:
        lines += ["", f"## Pages read with low OCR confidence (under {LOW_CONFIDENCE:.0f})",
                  ""] + [f"- {line}" for line in unsure]
    changes = _last_changes(tables)
    if changes:
        lines += ["", f"## Changes {changes[0]['from_date']} → {changes[0]['to_date']}", "",
                  "| initiative | region | change | before | after |", "|---|---|---|---|---|"]
        lines += [f"| {c['initiative_name']} | {c['region'] or ''} | {c['change']} | "
                  f"{c['before'] or ''} | {c['after'] or ''} |" for c in changes]
    return "\n".join(lines) + "\n"


def _last_changes(tables) -> list[dict]:
    changes = tables.get("roadmap_changes", [])
    if not changes:
        return []
    last = max(c["to_date"] for c in changes)
    return [c for c in changes if c["to_date"] == last]


def _chip(name: str, status: str | None) -> str:
    colour = STATUS_COLOURS.get(status, STATUS_COLOURS[None])
    return (f'<span class="chip" style="background:{colour}" '
            f'title="{html.escape(status or "no status")}">{html.escape(name)}</span>')


def in_force(latest: list[dict], changes: list[dict]) -> list[dict]:
    """The latest statements a later document has not dropped: what the roadmap holds now
    (an initiative a later deck no longer shows for its region is in the changes only).

    >>> latest = [{"initiative_id": "a", "region": "Helse Vest", "document_date": "2023-04-20"}]
    >>> dropped = [{"initiative_id": "a", "region": "Helse Vest", "change": "dropped",
    ...             "to_date": "2023-09-14"}]
    >>> in_force(latest, dropped), len(in_force(latest, []))
    ([], 1)
    """
    gone = {}
    for c in changes:
        if c["change"] == "dropped":
            key = (c["initiative_id"], c["region"])
            gone[key] = max(gone.get(key, c["to_date"]), c["to_date"])
    return [r for r in latest if not ((r["initiative_id"], r["region"]) in gone
                                      and str(gone[(r["initiative_id"], r["region"])])
                                      > str(r["document_date"]))]


def _grid(latest: list[dict]) -> str:
    periods = _periods(latest)
    regions = [r for r in REGIONS if any(x["region"] == r for x in latest)]
    if not periods or not regions:
        return "<p>No initiative has a region and a period yet.</p>"
    head = "".join(f"<th>{html.escape(p)}</th>" for p in periods)
    body = []
    for region in regions:
        cells = []
        for period in periods:
            chips = [x for x in latest if x["region"] == region and x["period"] == period]
            cells.append("<td>" + "".join(
                _chip(x["initiative_name"], x["status"])
                for x in sorted(chips, key=lambda x: x["initiative_name"])) + "</td>")
        body.append(f"<tr><th class='region'>{html.escape(region.upper())}</th>"
                    + "".join(cells) + "</tr>")
    return (f"<table class='grid'><thead><tr><th></th>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>")


def render_html(summary: dict, tables: dict[str, list[dict]]) -> str:
    esc = html.escape
    docs = summary["documents"]
    doc_rows = "".join(
        f"<tr><td>{esc(d['path'])}</td><td>{esc(d['status'])}</td><td>{d['pages']}</td>"
        f"<td>{d['items']}</td><td>{esc(d['error'] or '')}</td></tr>" for d in docs)
    skipped = "".join(f"<li>{esc(p)}</li>" for p in summary["skipped"])
    not_read = "".join(f"<li>{esc(n)}</li>" for n in summary.get("not_read", []))
    unsure = "".join(f"<li>{esc(line)}</li>" for line in low_confidence_pages(tables))
    status = "".join(f"<tr><td>{esc(k)}</td><td>{v}</td></tr>"
                     for k, v in _counts(tables["roadmap"], "match_status").items())
    changes = _last_changes(tables)
    change_rows = "".join(
        f"<tr><td>{esc(c['initiative_name'] or '')}</td><td>{esc(c['region'] or '')}</td>"
        f"<td>{esc(c['change'])}</td><td>{esc(c['before'] or '')}</td>"
        f"<td>{esc(c['after'] or '')}</td></tr>" for c in changes)
    legend = "".join(_chip(name or "ingen status", name) for name in STATUS_COLOURS)
    since = (f"{changes[0]['from_date']} → {changes[0]['to_date']}" if changes else "")
    return f"""<!DOCTYPE html>
<html lang="nb"><head><meta charset="utf-8"><title>veikart run {esc(summary['run_id'])}</title>
<style>
body{{font-family:system-ui,sans-serif;margin:1.5rem;color:#1b1b1b}}
table{{border-collapse:collapse;margin:.5rem 0 1.5rem}}
td,th{{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}}
table.grid td{{width:22rem}} th.region{{background:#0b4f6c;color:#fff;white-space:nowrap}}
.chip{{display:inline-block;color:#fff;border-radius:.8rem;padding:.1rem .55rem;margin:.12rem;
font-size:.82rem}}
</style></head><body>
<h1>veikart run <span id="run-id">{esc(summary['run_id'])}</span></h1>
<p id="counts">{len(docs)} documents processed ({sum(d['status'] == 'ok' for d in docs)} ok,
{sum(d['status'] == 'failed' for d in docs)} failed), {len(summary['skipped'])} skipped as
unchanged, {summary['items']} roadmap items in the dataset.</p>
<h2>The roadmap now</h2>
<p>{legend}</p>
{_grid(in_force(tables.get('roadmap_latest', []), tables.get('roadmap_changes', [])))}
<h2>What changed {esc(since)}</h2>
<table id="changes"><thead><tr><th>Initiative</th><th>Region</th><th>Change</th><th>Before</th>
<th>After</th></tr></thead><tbody>{change_rows or '<tr><td colspan="5">Nothing</td></tr>'}
</tbody></table>
<h2>Items by status</h2>
<table><tbody>{status}</tbody></table>
<h2>Documents in this run</h2>
<table id="documents"><thead><tr><th>Document</th><th>Status</th><th>Pages</th><th>Items</th>
<th>Reason</th></tr></thead><tbody>{doc_rows or '<tr><td colspan="5">None</td></tr>'}
</tbody></table>
<h2>Pages read with low OCR confidence</h2>
<p>Mean word confidence under {LOW_CONFIDENCE:.0f} even after the page was turned upright: check
their text and items by hand.</p>
<ul id="low-confidence">{unsure or '<li>None</li>'}</ul>
<h2>Skipped as unchanged</h2><ul>{skipped or '<li>None</li>'}</ul>
<h2>Not read</h2><ul id="not-read">{not_read or '<li>None</li>'}</ul>
</body></html>
"""


def write_report(out: Path, summary: dict, tables: dict[str, list[dict]]) -> Path:
    return atomic_write_text(Path(out) / "report.html", render_html(summary, tables))
