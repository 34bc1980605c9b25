"""Review helpers over the published rows: new catalogue ids and the order of the queue.
Applying decisions is the publisher's (outputs.publish)."""

from __future__ import annotations

import json
import re
import unicodedata

from outputs.publish import norm_key


def slug(name: str, taken: set[str]) -> str:
    """A new catalogue id from a name.

    >>> slug("Digital dialog for fastleger", {"digital-dialog-for-fastleger"})
    'digital-dialog-for-fastleger-2'
    """
    ascii_name = unicodedata.normalize("NFKD", name.replace("ø", "o").replace("æ", "ae")
                                       .replace("Ø", "o").replace("Æ", "ae"))
    base = re.sub(r"[^a-z0-9]+", "-", ascii_name.encode("ascii", "ignore").decode().lower())
    base = base.strip("-")[:60] or "initiative"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def waiting_reason(row: dict) -> str | None:
    """In one line, what kept a pending item from being accepted on its own (None when it
    is not waiting), from the matcher's explanation and candidates.

    >>> waiting_reason({"match_status": "pending", "match_explanation": "best 'A' p=0.99; "
    ...     "next p=0.98; lead 0.01 < 0.1: a reviewer decides",
    ...     "candidates": '[{"name": "A"}, {"name": "B"}]'})
    "Two initiatives fit almost equally well: 'A' and 'B'."
    """
    if row.get("match_status") != "pending":
        return None
    why = row.get("match_explanation") or ""
    names = [c["name"] for c in json.loads(row.get("candidates") or "[]")]
    if row.get("decision") == "defer":
        return "A reviewer deferred it."
    if row.get("review_note"):
        return row["review_note"]
    if "numbers differ" in why:
        return "Its numbers differ from the name in the catalogue (such as 2.0 against 3.0)."
    if "matched on a part of the text" in why:
        return "Only part of the text is like a name in the catalogue; the rest is like none."
    if "stands where the name has" in why:
        return "One word differs from the name in the catalogue: it may be another initiative."
    if "a reviewer decides" in why and len(names) >= 2:
        return f"Two initiatives fit almost equally well: '{names[0]}' and '{names[1]}'."
    if "ambiguous" in why:
        return "Every word of the text is in several names of the catalogue."
    return "The best match is likely, but not sure enough to be accepted without a person."


def queue(rows: list[dict]) -> list[dict]:
    """Pending rows, those whose decision resolves most identical texts first; deferred last."""
    pending = [r for r in rows if r["match_status"] == "pending"]
    counts: dict[str, int] = {}
    for r in pending:
        counts[norm_key(r["text"])] = counts.get(norm_key(r["text"]), 0) + 1
    return sorted(pending, key=lambda r: (r.get("decision") == "defer",
                                          -counts[norm_key(r["text"])], norm_key(r["text"]),
                                          r["source_path"], r["page"], r["char_start"]))
