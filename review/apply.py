"""Review helpers over the published rows: new catalogue ids and the order of the queue.
Applying decisions is the publisher's (outputs.publish)."""

from __future__ import annotations

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


def queue(rows: list[dict]) -> list[dict]:
    """Pending rows, those whose decision resolves most identical texts first; deferred last."""
    pending = [r for r in rows if r["match_status"] == "pending"]
    counts: dict[str, int] = {}
    for r in pending:
        counts[norm_key(r["text"])] = counts.get(norm_key(r["text"]), 0) + 1
    return sorted(pending, key=lambda r: (r.get("decision") == "defer",
                                          -counts[norm_key(r["text"])], norm_key(r["text"]),
                                          r["source_path"], r["page"], r["char_start"]))
