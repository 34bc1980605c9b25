"""A first matcher: normalized names and aliases scored with rapidfuzz over the whole
catalogue at once (``process.cdist``), with a version guard and a best-vs-second margin.

Outcomes: ``auto`` (score >= AUTO and a clear margin, no guard tripped), ``pending`` (worth a
reviewer's look), ``unmatched``. The thresholds here are set by hand; calibrating them on a
labelled set is a later step.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz, process

from . import lexicon
from .catalogue import Catalogue

AUTO, PENDING, MARGIN = 92.0, 70.0, 4.0
_QUOTES = re.compile(r"[«»\"“”„'‘’`´]")
_WORD_HYPHEN = re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])")
_DASHES = re.compile(r"\s[-–—]+\s|[–—]|(?<=\s)-|-(?=\s)")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_SEGMENT = re.compile(r"\s+[-–—]+\s+")


def normalize_name(text: str) -> str:
    """Matching form of a name: casefolded, æøå and versions kept, region codes, status notes,
    quotes, bullets and dashes folded away.

    >>> normalize_name("«Ny» Time 2.0. (HV) (i drift)")
    'ny time 2.0'
    >>> normalize_name("Behandlings-hjelpemidler"), normalize_name("Innsyn 12-16")
    ('behandlingshjelpemidler', 'innsyn 12-16')
    """
    text = unicodedata.normalize("NFKC", text)
    _, spans = lexicon.region_codes(text)
    _, status_span = lexicon.inline_status(text)
    for start, end in sorted(spans + ([status_span] if status_span else []), reverse=True):
        text = text[:start] + " " + text[end:]
    text = _QUOTES.sub("", text.casefold())
    text = _WORD_HYPHEN.sub("", text)
    text = _DASHES.sub(" ", text)
    text = re.sub(r"[^\w\s.\-/+()&]", " ", text)
    text = re.sub(r"\s+", " ", text).strip(" .,:;()-")
    return text


def numbers(text: str) -> set[str]:
    """Version-like numbers in a normalized name ("2.0", "12-16" gives {"12", "16"})."""
    return set(_NUMBER.findall(text))


@dataclass
class Match:
    status: str  # "auto", "pending", "unmatched"
    initiative_id: str | None
    score: float  # 0-1
    candidates: list[dict] = field(default_factory=list)
    explanation: str = ""

    def candidates_json(self) -> str:
        return json.dumps(self.candidates, ensure_ascii=False)


class Matcher:
    """Scores texts against every name and alias of a catalogue.

    >>> from normalize.catalogue import load_catalogue
    >>> m = Matcher(load_catalogue())
    >>> r = m.match("Time 2.0.")
    >>> r.status, r.initiative_id
    ('auto', 'timer-2-0')
    >>> m.match("Timer 3.0").status != "auto"
    True
    """

    def __init__(self, catalogue: Catalogue):
        self.catalogue = catalogue
        self.names: list[str] = []
        self.owner: list[str] = []
        self.raw: list[str] = []
        for ini in catalogue.initiatives:
            for name in ini.names:
                self.names.append(normalize_name(name))
                self.owner.append(ini.id)
                self.raw.append(name)

    def _scores(self, queries: list[str]) -> np.ndarray:
        ratio = process.cdist(queries, self.names, scorer=fuzz.ratio, workers=1)
        tsort = process.cdist(queries, self.names, scorer=fuzz.token_sort_ratio, workers=1)
        return np.maximum(ratio, tsort)

    def match(self, text: str, region: str | None = None) -> Match:
        return self.match_many([text], [region])[0]

    def match_many(self, texts: list[str], regions: list[str | None] | None = None) -> list[Match]:
        regions = regions or [None] * len(texts)
        queries, owners = [], []
        for i, text in enumerate(texts):
            segments = [normalize_name(text)]
            parts = _SEGMENT.split(text)
            if 1 < len(parts) <= 5:  # "A – B – C": try every run of neighbouring parts
                for a in range(len(parts)):
                    for b in range(a + 1, len(parts) + 1):
                        if b - a < len(parts):
                            seg = normalize_name(" – ".join(parts[a:b]))
                            if seg and seg not in segments:
                                segments.append(seg)
            for seg in segments:
                queries.append(seg)
                owners.append(i)
        if not self.names:
            return [Match("unmatched", None, 0.0, [], "empty catalogue") for _ in texts]
        scores = self._scores(queries) if queries else np.zeros((0, len(self.names)))
        results = []
        for i, text in enumerate(texts):
            rows = [r for r, o in enumerate(owners) if o == i]
            results.append(self._decide(text, [queries[r] for r in rows], scores[rows], regions[i]))
        return results

    def _decide(self, text: str, queries: list[str], scores: np.ndarray,
                region: str | None) -> Match:
        if not queries or not queries[0]:
            return Match("unmatched", None, 0.0, [], "no text to match")
        best: dict[str, tuple[float, int, int]] = {}  # initiative -> (score, name idx, query)
        for q, row in enumerate(scores):
            for idx in np.argsort(-row)[:8]:
                iid, s = self.owner[idx], float(row[idx])
                if s > best.get(iid, (-1.0,))[0]:
                    best[iid] = (s, int(idx), q)
        ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], kv[0]))
        ranked = self._prefer_specific(ranked, region)
        top_id, (top, name_idx, q) = ranked[0]
        guard = numbers(queries[q]) != numbers(self.names[name_idx])
        # A rival whose numbers contradict the text ("steg 2" for "steg 1") is no real rival
        # when the best candidate's numbers agree.
        rivals = [v[0] for iid, v in ranked[1:]
                  if guard or numbers(queries[v[2]]) == numbers(self.names[v[1]])]
        second = rivals[0] if rivals else 0.0
        candidates = [{"initiative_id": iid, "name": self.catalogue.by_id[iid].name,
                       "score": round(s / 100, 3), "via": self.raw[n]}
                      for iid, (s, n, _) in ranked[:3]]
        why = [f"best {self.raw[name_idx]!r} scored {top:.0f}"
               + (f" on segment {queries[q]!r}" if q else ""),
               f"second best {second:.0f}"]
        if guard:
            why.append("numbers differ: " + "/".join(sorted(numbers(queries[q])) or ["none"])
                       + " vs " + "/".join(sorted(numbers(self.names[name_idx])) or ["none"]))
        if top >= AUTO and top - second >= MARGIN and not guard:
            status = "auto"
        elif top >= PENDING:
            status = "pending"
            if top >= AUTO and top - second < MARGIN:
                why.append(f"margin {top - second:.0f} < {MARGIN:.0f}")
        else:
            status = "unmatched"
        initiative = top_id if status != "unmatched" else None
        return Match(status, initiative, round(top / 100, 3), candidates, "; ".join(why))

    def _prefer_specific(self, ranked, region):
        """Among equally good hits, prefer a project over the group it belongs to, and an
        initiative owned by the item's region."""
        if len(ranked) < 2:
            return ranked
        top_score = ranked[0][1][0]
        tied = [kv for kv in ranked if kv[1][0] >= top_score - 0.5]
        if len(tied) < 2:
            return ranked
        by_id = self.catalogue.by_id
        tied_ids = {iid for iid, _ in tied}
        keep = [kv for kv in tied if not (by_id[kv[0]].kind == "group"
                                          and any(by_id[o].group == kv[0] for o in tied_ids))]
        if region:
            own = [kv for kv in keep if region in by_id[kv[0]].regions]
            if len(own) == 1:
                keep = own
        if len(keep) == 1:
            winner = keep[0]
            # the winner leads; the others drop just below it so the margin shows a decision
            rest = [(iid, (v[0] - MARGIN, v[1], v[2])) if iid in tied_ids else (iid, v)
                    for iid, v in ranked if iid != winner[0]]
            return [winner] + sorted(rest, key=lambda kv: (-kv[1][0], kv[0]))
        return ranked
