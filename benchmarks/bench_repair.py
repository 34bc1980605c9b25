"""OCR-repair benchmark on three labelled sets built by make_ocr_pairs.py:

- ``seeds``: lines of the seed meeting documents (DejaVu fonts); the rules were tuned on it;
- ``held-out``: Norwegian gettext messages (Liberation fonts); looked into once, to find
  rules that did not generalize (it is no longer blind);
- ``test``: more gettext messages, only ever measured: its lines are never printed.

The whole file is treated as one document, as `veikart repair FILE` does: the damage check
runs on all of it, then every line is repaired, the lines OCR read right included. Prints the
character error rate (CER) before and after, its relative reduction, how many lines got
worse, how many of the clean reference lines repair would change, and lines/s.
"""

from __future__ import annotations

import csv
import sys
import time
from pathlib import Path

from rapidfuzz.distance import Levenshtein

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from normalize.repair import default_repairer  # noqa: E402

SETS = {"seeds": ROOT / "benchmarks" / "data" / "ocr_pairs.tsv",
        "held-out": ROOT / "benchmarks" / "data" / "ocr_pairs_heldout.tsv",
        "test": ROOT / "benchmarks" / "data" / "ocr_pairs_test.tsv"}
#: Glyphs no repair of letters can restore (dashes, dots, symbols OCR read as ASCII).
SYMBOLS = str.maketrans({"–": "-", "—": "-", "·": "-", "✍": "&", "⊕": "@", "®": "@",
                         "→": "+", "»": ">", "«": "<"})


def load_pairs(path: Path = SETS["seeds"]) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh, delimiter="\t"))
    return [(d, c) for d, c in rows[1:]]


def cer(outputs: list[str], refs: list[str], fold_symbols: bool = False) -> float:
    if fold_symbols:
        outputs = [o.translate(SYMBOLS) for o in outputs]
        refs = [r.translate(SYMBOLS) for r in refs]
    return sum(Levenshtein.distance(o, r) for o, r in zip(outputs, refs, strict=True)) / sum(
        len(r) for r in refs)


def main() -> None:
    repairer = default_repairer()
    repairer.lexicon.hunspell  # noqa: B018 - load the dictionary before timing
    for name, path in SETS.items():
        print(f"== {name}: {path.name}")
        measure(repairer, load_pairs(path), verbose="-v" in sys.argv and name != "test")


def measure(repairer, pairs: list[tuple[str, str]], verbose: bool = False) -> None:
    damaged, clean = [d for d, _ in pairs], [c for _, c in pairs]
    start = time.perf_counter()
    decision = repairer.looks_damaged("\n".join(damaged))
    repaired = [repairer.repair(line, force=decision).text for line in damaged]
    seconds = time.perf_counter() - start
    worse = sum(Levenshtein.distance(r, c) > Levenshtein.distance(d, c)
                for d, r, c in zip(damaged, repaired, clean, strict=True))
    read_right = [(d, r) for d, r, c in zip(damaged, repaired, clean, strict=True) if d == c]
    broken_right = sum(d != r for d, r in read_right)
    on_clean = [repairer.repair(c, force=True) for c in clean]
    false_changes = [(c.before, c.after) for r in on_clean for c in r.changes]
    before, after = cer(damaged, clean), cer(repaired, clean)
    before_l, after_l = cer(damaged, clean, True), cer(repaired, clean, True)
    print(f"pairs: {len(pairs)} ({len(pairs) - len(read_right)} damaged by OCR, "
          f"{len(read_right)} read right); damage check on the whole file: {decision}")
    print(f"CER before {before:.4f}  after {after:.4f}  reduction {1 - after / before:.1%}")
    print(f"CER with dashes/symbols folded: before {before_l:.4f}  after {after_l:.4f}  "
          f"reduction {1 - after_l / before_l:.1%}")
    print(f"lines made worse: {worse}; lines read right that repair changed: {broken_right}")
    print(f"clean reference lines repaired by force: {sum(bool(r.changes) for r in on_clean)}"
          + (f" changed {false_changes[:10]}" if verbose else ""))
    print(f"speed: {len(damaged) / seconds:.0f} lines/s ({seconds:.2f} s)")
    for d, r, c in zip(damaged, repaired, clean, strict=True):
        if verbose and Levenshtein.distance(r, c) > Levenshtein.distance(d, c):
            print(f"  worse: {d!r} -> {r!r} (want {c!r})")
    if verbose:
        for d, r, c in zip(damaged, repaired, clean, strict=True):
            if r != c:
                print(f"  {d!r}\n  -> {r!r}\n  want {c!r}")


if __name__ == "__main__":
    main()
