"""Fit the matcher's probability model and choose its thresholds from the labelled set.

1. For every labelled mention, the matcher's best candidate and its features; the target is
   whether that candidate is the labelled initiative (a negative's best candidate never is).
2. 5-fold cross-validated logistic regression (scikit-learn) gives every mention a
   probability from a model that did not see it.
3. Upper threshold: the smallest t such that the auto-accepted (p >= t, no number conflict,
   a lead of min_lead over the rival) have a precision whose Wilson 95% lower bound is
   >= 0.98. Lower threshold: the largest t that keeps 97.5% of the right best candidates at or
   above it (below it a mention is "unmatched").
4. The final model is fitted on all mentions and written with the thresholds to
   normalize/data/match_model.json; the curve goes to benchmarks/data/match_curve.csv.
Run: .venv/bin/python benchmarks/calibrate_matcher.py
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from normalize import load_catalogue  # noqa: E402
from normalize.lexicon import split_notes  # noqa: E402
from normalize.match import FEATURES, Matcher, Model, model_path, wilson_lower  # noqa: E402

LABELS = ROOT / "benchmarks" / "data" / "match_labels.csv"
CURVE = ROOT / "benchmarks" / "data" / "match_curve.csv"
MIN_LEAD = 0.1
TARGET_LOWER_BOUND = 0.98


def load_labels() -> list[tuple[str, str, str]]:
    with LABELS.open(encoding="utf-8") as fh:
        return [(r["text"], r["initiative_id"], r["kind"]) for r in csv.DictReader(fh)]


def feature_table(matcher: Matcher, labels):
    # as the pipeline does: the notes after a name are left out of what is matched
    matches = matcher.match_many([split_notes(t)[0] for t, _, _ in labels])
    x1, x2, y, conflict = [], [], [], []
    for (_, gold, _), m in zip(labels, matches, strict=True):
        top = m.candidates[0]["initiative_id"] if m.candidates else None
        best, rival = m.vectors
        x1.append(best)
        x2.append(rival if rival is not None else np.full(len(FEATURES), np.nan))
        y.append(int(bool(gold) and top == gold))
        conflict.append(bool(best[FEATURES.index("number_conflict")]))
    return np.array(x1), np.array(x2), np.array(y), np.array(conflict)


def decide(p1, p2, conflict, t):
    return (p1 >= t) & ~conflict & (p1 - np.nan_to_num(p2, nan=0.0) >= MIN_LEAD)


def main() -> None:
    labels = load_labels()
    matcher = Matcher(load_catalogue(), Model([0.0] * len(FEATURES), 0.0, 1.0, 0.0))
    x1, x2, y, conflict = feature_table(matcher, labels)
    oof1, oof2 = np.zeros(len(y)), np.full(len(y), np.nan)
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=7)
    for train, test in folds.split(x1, y):
        lr = LogisticRegression(C=1.0, max_iter=2000).fit(x1[train], y[train])
        oof1[test] = lr.predict_proba(x1[test])[:, 1]
        has = ~np.isnan(x2[test]).any(axis=1)
        idx = test[has]
        if len(idx):
            oof2[idx] = lr.predict_proba(x2[idx])[:, 1]
    rows, upper = [], None
    for t in np.unique(np.round(oof1, 4))[::-1]:
        auto = decide(oof1, oof2, conflict, t)
        n, ok = int(auto.sum()), int((auto & (y == 1)).sum())
        lb = wilson_lower(ok, n)
        rows.append((float(t), n, ok, ok / n if n else 1.0, lb, ok / max(1, int(y.sum()))))
    for t, n, _ok, _prec, lb, _recall in sorted(rows):
        if n and lb >= TARGET_LOWER_BOUND:
            upper = t
            break
    if upper is None:
        raise SystemExit("no threshold reaches the precision target on this labelled set")
    right = np.sort(oof1[y == 1])
    lower = float(min(upper, right[int(0.025 * len(right))]))
    final = LogisticRegression(C=1.0, max_iter=2000).fit(x1, y)
    model = {"features": list(FEATURES), "coef": [round(float(c), 6) for c in final.coef_[0]],
             "intercept": round(float(final.intercept_[0]), 6), "upper": upper,
             "lower": round(lower, 4), "min_lead": MIN_LEAD,
             "labelled_set": str(LABELS.relative_to(ROOT)), "mentions": len(y),
             "target": f"Wilson 95% lower bound of auto precision >= {TARGET_LOWER_BOUND}"}
    model_path().write_text(json.dumps(model, indent=2) + "\n", "utf-8")
    with CURVE.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["threshold", "auto", "auto_right", "precision", "wilson_lower",
                         "recall"])
        writer.writerows(sorted(rows))
    at = next(r for r in rows if r[0] == upper)
    print(f"{len(y)} mentions, {int(y.sum())} with the right best candidate")
    print(f"upper threshold {upper:.4f}: out-of-fold precision {at[3]:.4f} "
          f"(Wilson lower bound {at[4]:.4f}), recall {at[5]:.1%}; lower threshold {lower:.4f}")
    print(f"model -> {model_path().relative_to(ROOT)}, curve -> {CURVE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
