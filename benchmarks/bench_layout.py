"""Region/period accuracy per format on the sample decks, against the spec they were made from.

For every grid entry of the spec: found (an item with that text on the grid page; OCR text is
compared with a similarity of at least 88), placed right (its region and period equal the
spec's), and text exact (the item's text, after OCR repair, equals the spec's). Prints one
line per format and the time normalizing (repair, layout, matching) takes per page.

Two more cases are made at run time from the sample deck's PDF, the way decks reach us from
an OCR engine that did not know Norwegian: its pages rendered at 200 dpi and OCR'd by
tesseract's English model into a PDF, once with the page images under the text (veikart OCRs
those again with ``nor``) and once as text only (veikart repairs the text). The other grid
(the DIST deck, only a PPTX in samples/) is drawn to a PDF by the sample generator and goes
through the same three PDF routes. ``--dpi 150 300`` renders the pages for the OCR'd cases
at those resolutions instead of 200 dpi.
Run: .venv/bin/python benchmarks/bench_layout.py [--dpi N ...]
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "scripts"), str(ROOT / "tests")]

import sample_spec as spec  # noqa: E402
from fixtures import eng_ocr_pdf  # noqa: E402
from truth import grid_truth, join_lines, pair_up  # noqa: E402

from extractors import extract  # noqa: E402
from normalize import Matcher, load_catalogue, normalize_document  # noqa: E402
from normalize.repair import default_repairer  # noqa: E402

DECK_PDF = "produktstyret_mote39_2023-04-20.pdf"

CASES = [
    ("PPTX", "produktstyret_mote39_2023-04-20.pptx", "produktstyret_mote39_2023-04-20", 3, 100),
    ("PDF text layer", "produktstyret_mote39_2023-04-20.pdf",
     "produktstyret_mote39_2023-04-20", 3, 100),
    ("PDF scanned (OCR)", "produktstyret_mote39_2023-04-20_skannet.pdf",
     "produktstyret_mote39_2023-04-20", 2, 88),
    ("PPTX, other grid", "samarbeidsforum_dist_2023-09-14.pptx",
     "samarbeidsforum_dist_2023-09-14", 2, 100),
    ("PDF, eng OCR + scan", "eng+image", "produktstyret_mote39_2023-04-20", 3, 88),
    ("PDF, eng OCR text", "eng-text", "produktstyret_mote39_2023-04-20", 3, 88),
    ("other grid, PDF", "dist.pdf", "samarbeidsforum_dist_2023-09-14", 2, 100),
    ("other grid, eng+scan", "dist-eng+image", "samarbeidsforum_dist_2023-09-14", 2, 88),
    ("other grid, eng text", "dist-eng-text", "samarbeidsforum_dist_2023-09-14", 2, 88),
]


def case_file(sample: str, tmp: Path, dpi: int = 200) -> Path:
    """The file a case reads: a sample, or one made from a sample deck (see above)."""
    if sample.startswith("dist"):
        from generate_samples import write_deck_pdf

        dist = tmp / "dist.pdf"
        if not dist.exists():
            write_deck_pdf(spec.dist_deck(), dist)
        sample, source = sample.removeprefix("dist-"), dist
        if sample == "dist.pdf":
            return dist
    else:
        source = ROOT / "samples" / DECK_PDF
    if sample.startswith("eng"):
        return eng_ocr_pdf(source, tmp / f"{source.stem}-{sample}-{dpi}", sample == "eng-text",
                           dpi=dpi)
    return ROOT / "samples" / sample


def main() -> None:
    matcher = Matcher(load_catalogue())
    repairer = default_repairer()
    repairer.lexicon.hunspell  # noqa: B018 - load the dictionary before timing
    with tempfile.TemporaryDirectory(prefix="veikart-bench-") as folder:
        run_cases(matcher, repairer, Path(folder))


def run_cases(matcher: Matcher, repairer, tmp: Path) -> None:
    dpis = [int(a) for a in sys.argv[sys.argv.index("--dpi") + 1:]] if "--dpi" in sys.argv \
        else [200]
    cases = [(f"{label} {dpi}" if "eng" in sample and dpi != 200 else label, sample, deck,
              page, ratio, dpi)
             for label, sample, deck, page, ratio in CASES
             for dpi in (dpis if "eng" in sample else [200])]
    print(f"{'format':20} {'entries':>7} {'found':>6} {'placed right':>12} {'accuracy':>8} "
          f"{'text exact':>10} {'extra rows':>10} {'normalize ms/page':>17}")
    for label, sample, deck, page, ratio, dpi in cases:
        path = case_file(sample, tmp, dpi)
        doc = extract(path, text_check=repairer.looks_damaged)
        start = time.perf_counter()
        norm = normalize_document(doc, matcher, repairer)
        ms = (time.perf_counter() - start) * 1000 / len(doc.pages)
        items = [it for it in norm.items if it.page == page]
        truth = grid_truth(deck)
        problems = pair_up(items, truth, ratio)
        missing = sum(p.startswith("missing") for p in problems)
        found = len(truth) - missing
        right = len(truth) - len(problems)
        exact = sum((Counter(join_lines([it.text]) for it in items)
                     & Counter(text for text, _, _ in truth)).values())
        route = ",".join(sorted(set(norm.page_routes.values())))
        print(f"{label:20} {len(truth):7d} {found:6d} {right:12d} {right / len(truth):8.1%} "
              f"{exact:10d} {max(0, len(items) - found):10d} {ms:17.1f}  {route}")
        for p in problems:
            print("   ", p)


if __name__ == "__main__":
    main()
