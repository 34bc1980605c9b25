"""veikart on generated roadmap decks: scores per layout family, format and split.

Generates decks with ``scripts/layout_generator.py`` (seven layout families; dev, held-out
and blind splits; each deck with ground truth), writes them as PPTX, LibreOffice PDF export
and scanned image-only PDF, reads each file the way the pipeline does (``extract`` +
``normalize_document``) and pairs every truth item with at most one extracted item on the same
page: greedy by best ``fuzz.ratio`` between the whitespace-folded, casefolded drawn text and the
item's ``mention_text`` or ``text`` (the larger), threshold 80 (70 for scans).

Columns, accuracies over found (paired) items:
  decks, items     decks read and truth items in them
  found            paired share of truth items
  region, period   right region / period label (timeline: also start and end years)
  status           right status, over found items whose status the slide shows
  triple           share of truth items with a catalogue id whose item is auto-accepted with the
                   right initiative, region and period
  wrong-auto       auto-accepted decoys or auto-accepted with a wrong initiative
  bad-reg, bad-per region / period stated (non-empty) but wrong
  extra            extracted items on roadmap slides paired to no truth item
Half the scans are in colour, half in grey (``scan_in_colour``). A grey scan cannot show a
status drawn only in colour: such items are left out of ``status`` and counted apart, with
how many of them were given a wrong status anyway (printed under the table).

Run: .venv/bin/python benchmarks/bench_layouts.py [--split dev|heldout|blind|both|all]
     [--per-family 4] [--formats pptx,pdf,scan] [--scan-per-family 2] [--families grid,...]
     [--show-misses] [--keep DIR]
``both`` is dev and heldout, ``all`` adds blind.

The blind split is the one nobody tunes on: the held-out pools have been seen while tuning the
reader, the blind pools (``scripts/layout_pools_blind.py``) must not be read by whoever tunes
it. Report only its score lines; ``--show-misses`` never prints blind misses or tracebacks,
and don't ``--keep`` blind decks where the reader's tuner looks.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import traceback
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

import layout_generator as gen  # noqa: E402
from rapidfuzz import fuzz  # noqa: E402

FORMATS = ("pptx", "pdf", "scan")
COUNTERS = ("decks", "items", "found", "region", "period", "status", "status_n", "triple",
            "triple_n", "wrong_auto", "bad_region", "bad_period", "extra", "grey_status",
            "grey_status_wrong")


def fold(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def pair(truth: list[dict], items: list, threshold: float) -> dict[int, object]:
    """truth index -> extracted item, greedy by best similarity, one item per truth record,
    only on the same page."""
    scored = []
    for ti, t in enumerate(truth):
        drawn = fold(t["drawn_text"])
        for ii, it in enumerate(items):
            if it.page != t["slide"]:
                continue
            score = max(fuzz.ratio(drawn, fold(it.mention_text)), fuzz.ratio(drawn,
                                                                               fold(it.text)))
            if score >= threshold:
                scored.append((score, ti, ii))
    scored.sort(key=lambda s: (-s[0], s[1], s[2]))
    used_t, used_i, out = set(), set(), {}
    for _, ti, ii in scored:
        if ti in used_t or ii in used_i:
            continue
        used_t.add(ti)
        used_i.add(ii)
        out[ti] = items[ii]
    return out


def score_deck(family: str, truth: list[dict], items: list, threshold: float, c: dict,
               misses: list, name: str, grey: bool = False) -> None:
    c["decks"] += 1
    c["items"] += len(truth)
    pairs = pair(truth, items, threshold)
    roadmap = {t["slide"] for t in truth}
    paired_items = {id(it) for it in pairs.values()}
    c["extra"] += sum(1 for it in items if it.page in roadmap and id(it) not in paired_items)
    for ti, t in enumerate(truth):
        it = pairs.get(ti)
        if t["initiative_id"]:
            c["triple_n"] += 1
        if it is None:
            misses.append(f"{name} slide {t['slide']}: MISSING {t['drawn_text']!r}")
            continue
        c["found"] += 1
        region_ok = it.region == t["region"]
        period_ok = it.period == t["period"]
        if family == "timeline":
            period_ok = period_ok and (it.period_start, it.period_end) == (
                t["period_start"], t["period_end"])
        c["region"] += region_ok
        c["period"] += period_ok
        c["bad_region"] += bool(it.region) and not region_ok
        c["bad_period"] += bool(it.period) and not period_ok
        status_ok = True
        if grey and t["status_by"] in ("text-colour", "fill-colour"):
            # a grey scan cannot show a status drawn only in colour: none is right
            c["grey_status"] += 1
            c["grey_status_wrong"] += it.status not in (None, t["status"])
        elif t["status_shown"]:
            c["status_n"] += 1
            status_ok = it.status == t["status"]
            c["status"] += status_ok
        auto = it.match_status == "auto"
        if auto and it.initiative_id != t["initiative_id"]:
            c["wrong_auto"] += 1
        triple = (auto and t["initiative_id"] and it.initiative_id == t["initiative_id"]
                  and region_ok and period_ok)
        c["triple"] += bool(triple)
        if not (region_ok and period_ok and status_ok and (triple or not t["initiative_id"])
                and not (auto and it.initiative_id != t["initiative_id"])):
            got = (f"{it.region}/{it.period}({it.period_start},{it.period_end})/{it.status}/"
                   f"{it.match_status}:{it.initiative_id}")
            want = (f"{t['region']}/{t['period']}({t['period_start']},{t['period_end']})/"
                    f"{t['status']}/{t['initiative_id']}")
            misses.append(f"{name} slide {t['slide']}: {t['drawn_text']!r}\n"
                          f"      want {want}\n      got  {got}")


def pct(a: int, b: int) -> str:
    return f"{a / b:6.1%}" if b else "     -"


HEADER = (f"{'split':8} {'family':17} {'format':5} {'decks':>5} {'items':>5} {'found':>6} "
          f"{'region':>6} {'period':>6} {'status':>6} {'triple':>6} {'wr-aut':>6} "
          f"{'badreg':>6} {'badper':>6} {'extra':>5}")


def line(split: str, family: str, fmt: str, c: dict) -> str:
    return (f"{split:8} {family:17} {fmt:5} {c['decks']:5d} {c['items']:5d} "
            f"{pct(c['found'], c['items'])} {pct(c['region'], c['found'])} "
            f"{pct(c['period'], c['found'])} {pct(c['status'], c['status_n'])} "
            f"{pct(c['triple'], c['triple_n'])} {c['wrong_auto']:6d} {c['bad_region']:6d} "
            f"{c['bad_period']:6d} {c['extra']:5d}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", default="both",
                    choices=["dev", "heldout", "blind", "both", "all"])
    ap.add_argument("--per-family", type=int, default=4)
    ap.add_argument("--start", type=int, default=0)
    ap.add_argument("--formats", default="pptx,pdf,scan")
    ap.add_argument("--scan-per-family", type=int, default=2,
                    help="decks per family and split also read as scans (OCR is slow)")
    ap.add_argument("--families", default=",".join(gen.FAMILIES))
    ap.add_argument("--show-misses", action="store_true")
    ap.add_argument("--keep", type=Path, help="write the decks here instead of a temp dir")
    args = ap.parse_args(argv)
    formats = [f for f in args.formats.split(",") if f]
    bad = set(formats) - set(FORMATS)
    if bad:
        ap.error(f"unknown formats {sorted(bad)}")
    splits = ({"both": ["dev", "heldout"], "all": list(gen.SPLITS)}.get(args.split)
              or [args.split])
    families = args.families.split(",")
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        run(args, args.keep, splits, families, formats)
    else:
        with tempfile.TemporaryDirectory(prefix="veikart-layouts-") as folder:
            run(args, Path(folder), splits, families, formats)


def run(args, out: Path, splits: list[str], families: list[str], formats: list[str]) -> None:
    t0 = time.perf_counter()
    made = gen.generate(out, splits, args.per_family, ["pptx"], families, start=args.start)
    t_gen = time.perf_counter() - t0
    t0 = time.perf_counter()
    if "pdf" in formats or "scan" in formats:
        gen.export_pdfs(made)
    t_pdf = time.perf_counter() - t0
    t0 = time.perf_counter()
    if "scan" in formats:
        counts: dict[tuple[str, str], int] = defaultdict(int)
        for deck, files in made:
            counts[(deck.family, deck.split)] += 1
            if counts[(deck.family, deck.split)] <= args.scan_per_family and "pdf" in files:
                try:
                    files["scan"] = gen.write_scan(files["pdf"],
                                                   files["pdf"].with_suffix(".scan.pdf"),
                                                   gen.scan_rng(deck), gen.scan_in_colour(deck))
                except Exception as exc:  # noqa: BLE001 - report, don't stop
                    print(f"scan failed for {files['pdf']}: {exc}")
    t_scan = time.perf_counter() - t0
    print(f"generated {len(made)} decks in {t_gen:.1f}s, PDF export {t_pdf:.1f}s, "
          f"scans {t_scan:.1f}s  ({out})")

    from extractors import extract
    from normalize import Matcher, load_catalogue, normalize_document
    from normalize.repair import default_repairer

    matcher = Matcher(load_catalogue())
    repairer = default_repairer()
    counters: dict[tuple[str, str, str], dict] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    misses: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    failures: list[str] = []
    read_time: dict[str, float] = defaultdict(float)
    read_n: dict[str, int] = defaultdict(int)
    for fmt in formats:
        for deck, files in made:
            path = files.get(fmt)
            key = (deck.split, deck.family, fmt)
            name = f"{deck.family}/{path.name if path else deck.name + '.' + fmt}"
            if path is None:
                if fmt != "scan":
                    failures.append(f"{name}: not produced")
                continue
            start = time.perf_counter()
            try:
                doc = extract(path, text_check=repairer.looks_damaged)
                norm = normalize_document(doc, matcher, repairer)
            except Exception as exc:  # noqa: BLE001 - count and name it, go on
                failures.append(f"{name}: {type(exc).__name__}: {exc}")
                if args.show_misses and deck.split != "blind":
                    traceback.print_exc()
                continue
            finally:
                read_time[fmt] += time.perf_counter() - start
                read_n[fmt] += 1
            score_deck(deck.family, deck.truth, norm.items, 70 if fmt == "scan" else 80,
                       counters[key], misses[key], name,
                       grey=fmt == "scan" and not gen.scan_in_colour(deck))
    print()
    print(HEADER)
    for split in splits:
        for fmt in formats:
            for family in families:
                c = counters.get((split, family, fmt))
                if c:
                    print(line(split, family, fmt, c))
        for fmt in formats:
            total = dict.fromkeys(COUNTERS, 0)
            for family in families:
                for k, v in counters.get((split, family, fmt), {}).items():
                    total[k] += v
            if total["decks"]:
                print(line(split, "TOTAL", fmt, total))
            if total["grey_status"]:
                print(f"{split:8} grey scans: {total['grey_status']} items with a status shown "
                      f"only in colour, {total['grey_status_wrong']} given a wrong one")
        print()
    for fmt in formats:
        if read_n[fmt]:
            print(f"read {fmt}: {read_n[fmt]} files, {read_time[fmt]:.1f}s "
                  f"({read_time[fmt] / read_n[fmt]:.2f}s/file)")
    if failures:
        print(f"\n{len(failures)} files failed:")
        for f in failures:
            print("  ", f)
    if args.show_misses:
        if "blind" in splits:
            print("\nmisses of the blind split are not shown (nobody tunes on it)")
        for key, ms in misses.items():
            if ms and key[0] != "blind":
                print(f"\n--- misses {' / '.join(key)} ({len(ms)})")
                for m in ms:
                    print("   ", m)


if __name__ == "__main__":
    main()
