"""Matching benchmark on the labelled set (benchmarks/data/match_labels.csv) with the saved
model (normalize/data/match_model.json): precision of auto with its Wilson 95% lower bound,
recall (share of true matches auto-accepted), share sent to review, negatives auto-accepted,
per kind; then throughput on 100,000 mentions.
Run: .venv/bin/python benchmarks/bench_match.py [--n 100000]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from calibrate_matcher import load_labels  # noqa: E402

from normalize import Matcher, load_catalogue  # noqa: E402
from normalize.lexicon import split_notes  # noqa: E402
from normalize.match import wilson_lower  # noqa: E402


def evaluate(matcher: Matcher, labels) -> dict:
    # as the pipeline does: the notes after a name are left out of what is matched
    matches = matcher.match_many([split_notes(t)[0] for t, _, _ in labels])
    stats = Counter()
    by_kind: dict[str, Counter] = {}
    wrong = []
    for (text, gold, kind), m in zip(labels, matches, strict=True):
        k = by_kind.setdefault(kind, Counter())
        k["n"] += 1
        k[m.status] += 1
        stats[m.status] += 1
        if m.status == "auto":
            right = m.initiative_id == gold
            stats["auto_right"] += right
            k["auto_right"] += right
            if not right:
                wrong.append((text, gold, m.initiative_id, m.score))
            if not gold:
                stats["negatives_auto"] += 1
        if gold:
            stats["positives"] += 1
    return {"stats": stats, "by_kind": by_kind, "wrong": wrong, "n": len(labels)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    args = parser.parse_args()
    labels = load_labels()
    matcher = Matcher(load_catalogue())
    result = evaluate(matcher, labels)
    s = result["stats"]
    auto, right = s["auto"], s["auto_right"]
    print(f"labelled mentions: {result['n']} ({s['positives']} true matches, "
          f"{result['n'] - s['positives']} negatives)")
    print(f"auto precision: {right / auto:.4f} ({right}/{auto}), Wilson 95% lower bound "
          f"{wilson_lower(right, auto):.4f}")
    print(f"recall (true matches auto-accepted): {right / s['positives']:.1%}")
    print(f"sent to review (pending): {s['pending'] / result['n']:.1%}; unmatched: "
          f"{s['unmatched'] / result['n']:.1%}; negatives auto-accepted: {s['negatives_auto']}")
    print(f"{'kind':10} {'n':>4} {'auto':>5} {'right':>6} {'pending':>8} {'unmatched':>9}")
    for kind, k in sorted(result["by_kind"].items()):
        print(f"{kind:10} {k['n']:4d} {k['auto']:5d} {k['auto_right']:6d} {k['pending']:8d} "
              f"{k['unmatched']:9d}")
    for text, gold, got, score in result["wrong"]:
        print(f"  wrong auto: {text!r} -> {got} ({score}), labelled {gold or 'none'}")

    rng = random.Random(1)
    decorations = ["", " (HN)", " (i drift)", "• ", " – Nasjonalt prosjekt", ".", " (HSØ, HV)"]
    texts = [rng.choice(decorations[:4]) + rng.choice(labels)[0] + rng.choice(decorations)
             for _ in range(args.n)]
    start = time.perf_counter()
    matcher.match_many(texts)
    seconds = time.perf_counter() - start
    print(f"throughput: {args.n} mentions in {seconds:.1f} s = {args.n / seconds:,.0f} "
          f"mentions/s ({len(set(texts))} distinct texts)")


if __name__ == "__main__":
    main()
