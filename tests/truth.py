"""Ground truth of the sample decks, read from the spec they were generated from."""

from __future__ import annotations

import sample_spec as spec
from rapidfuzz import fuzz

from normalize import lexicon
from normalize.items import join_lines

GRIDS = {
    "produktstyret_mote39_2023-04-20": (spec.MOTE39_GRID,
                                        ["2023-2024", "2025-2026", "Lenger sikt"]),
    "samarbeidsforum_dist_2023-09-14": (spec.DIST_GRID, ["2025-26", "2023-24", "2027 →"]),
}


def grid_truth(deck: str) -> list[tuple[str, str, str]]:
    """(item text, region, period label) for every item of a deck's grid slide."""
    rows, headers = GRIDS[deck]
    out = []
    for region, cells in rows:
        for col, cell in enumerate(cells):
            for part in cell if isinstance(cell, tuple) else (cell,):
                for text in part:
                    out.append((text, f"Helse {region}", lexicon.period(headers[col]).label))
    return out


def find(items, text: str, min_ratio: float = 100):
    """The item whose cleaned text equals ``text`` (or is at least ``min_ratio`` similar)."""
    best, best_score = None, -1.0
    for item in items:
        score = fuzz.ratio(join_lines([item.text]), text)
        if score > best_score:
            best, best_score = item, score
    return best if best_score >= min_ratio else None


def pair_up(items, truth, min_ratio: float = 100) -> list[str]:
    """Pair every truth entry (text, region, period) with an item of that text, preferring one
    in the right cell; returns what is missing or misplaced."""
    free = list(items)
    problems = []
    for text, region, period in truth:
        same = [it for it in free if fuzz.ratio(join_lines([it.text]), text) >= min_ratio]
        if not same:
            problems.append(f"missing: {text!r}")
            continue
        right = [it for it in same if (it.region, it.period) == (region, period)]
        chosen = right[0] if right else same[0]
        free.remove(chosen)
        if not right:
            problems.append(f"{text!r}: {chosen.region}/{chosen.period}, "
                            f"expected {region}/{period}")
    return problems


def spans_hold(doc) -> None:
    """Every block's and line's character span holds its text exactly in its page's text."""
    for page in doc.pages:
        for block in page.blocks:
            assert page.text[block.char_start:block.char_end] == block.text
            for line in block.lines:
                assert page.text[line.char_start:line.char_end] == line.text
