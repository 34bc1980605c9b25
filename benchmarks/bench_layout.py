"""Region/period accuracy per format on the sample decks, against the spec they were made from.

For every grid entry of the spec: found (an item with that text on the grid page; OCR text is
compared with a similarity of at least 88), and placed right (its region and period equal the
spec's). Prints one line per format and the time layout analysis takes per page.
Run: .venv/bin/python benchmarks/bench_layout.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "scripts"), str(ROOT / "tests")]

from truth import grid_truth, pair_up  # noqa: E402

from extractors import extract  # noqa: E402
from normalize import Matcher, load_catalogue, normalize_document  # noqa: E402

CASES = [
    ("PPTX", "produktstyret_mote39_2023-04-20.pptx", "produktstyret_mote39_2023-04-20", 3, 100),
    ("PDF text layer", "produktstyret_mote39_2023-04-20.pdf",
     "produktstyret_mote39_2023-04-20", 3, 100),
    ("PDF scanned (OCR)", "produktstyret_mote39_2023-04-20_skannet.pdf",
     "produktstyret_mote39_2023-04-20", 2, 88),
    ("PPTX, other grid", "samarbeidsforum_dist_2023-09-14.pptx",
     "samarbeidsforum_dist_2023-09-14", 2, 100),
]


def main() -> None:
    matcher = Matcher(load_catalogue())
    print(f"{'format':20} {'entries':>7} {'found':>6} {'placed right':>12} {'accuracy':>8} "
          f"{'extra rows':>10} {'normalize ms/page':>17}")
    for label, sample, deck, page, ratio in CASES:
        doc = extract(ROOT / "samples" / sample)
        start = time.perf_counter()
        norm = normalize_document(doc, matcher)
        ms = (time.perf_counter() - start) * 1000 / len(doc.pages)
        items = [it for it in norm.items if it.page == page]
        truth = grid_truth(deck)
        problems = pair_up(items, truth, ratio)
        missing = sum(p.startswith("missing") for p in problems)
        found = len(truth) - missing
        right = len(truth) - len(problems)
        print(f"{label:20} {len(truth):7d} {found:6d} {right:12d} {right / len(truth):8.1%} "
              f"{max(0, len(items) - found):10d} {ms:17.1f}")
        for p in problems:
            print("   ", p)


if __name__ == "__main__":
    main()
