"""The matcher's choice in plain words, for people who are not programmers: made from the
row's structured data (its matched text, its candidates with the name or alias each was
found through and their probabilities, the model's thresholds) and
:func:`normalize.match.compare`, never by parsing the matcher's own explanation, which is
shown as it is behind the numbers."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from normalize.match import compare, load_model

from .i18n import Translator

#: From this probability a suggestion is "very likely" in words.
SURE = 0.9


@dataclass
class Plain:
    #: One sentence: what the best suggestion has to do with the text, and its rival.
    sentence: str = ""
    #: How likely the best suggestion is, in words.
    confidence: str = ""
    #: Why a pending item waits for a person (None when it does not wait).
    waiting: str | None = None
    #: The figures behind it, for a <details> toggle.
    numbers: list[str] = field(default_factory=list)


def explain(row: dict, t: Translator, names: dict[str, str] | None = None) -> Plain:
    """``row``: a published roadmap row; ``names``: initiative id -> name (for rejected ones).

    >>> from review.i18n import Translator
    >>> row = {"match_text": "Timer 2.0", "text": "Timer 2.0", "match_status": "pending",
    ...        "candidates": json.dumps([
    ...     {"initiative_id": "t", "name": "Timer 2.0", "score": 0.9, "via": "Timer 2.0"},
    ...     {"initiative_id": "s", "name": "Timer til screening BDS", "score": 0.88,
    ...      "via": "Timer til screening BDS"}])}
    >>> explain(row, Translator("nb")).sentence
    'Samme navn som «Timer 2.0»; nesten like godt: «Timer til screening BDS».'
    """
    model = load_model()
    text = row.get("match_text") or row.get("text") or ""
    candidates = json.loads(row.get("candidates") or "[]")
    out = Plain()
    if not candidates:
        out.sentence = t("ex_none")
    else:
        best = candidates[0]
        alias = best["via"] != best["name"]
        c = compare(text, best["via"])
        via = best["via"]
        rival = _rival(candidates, model.min_lead)
        two = bool(c.part and rival and compare(c.rest, rival["via"]).same)
        if c.part:
            exact = " ".join(c.part.split()).casefold() == " ".join(via.split()).casefold()
            parts = [t("ex_part_exact" if exact and c.same else
                       "ex_part_same" if c.same else "ex_part_like", part=c.part, via=via)]
            parts.append(t("ex_rest_other", rest=c.rest, name=rival["name"]) if two else
                         t("ex_rest", rest=c.rest))
        else:
            parts = [t(("ex_same" if c.same else "ex_like") + ("_alias" if alias else ""),
                       via=via)]
        if alias:
            parts[0] += " " + t("ex_alias_of", name=best["name"])
        if c.numbers:
            parts.append(t("ex_numbers", text=" ".join(c.numbers[0]) or t("ex_no_numbers"),
                           name=" ".join(c.numbers[1]) or t("ex_no_numbers")))
        if c.swapped:
            parts.append(t("ex_swapped", word=c.swapped[0], other=c.swapped[1]))
        if rival and not two:
            parts.append(t("ex_near", name=rival["name"]))
        sentence = "; ".join(parts)
        out.sentence = sentence[0].upper() + sentence[1:] + "."
        p = best["score"]
        out.confidence = t("ex_sure" if p >= SURE else "ex_probable" if p >= model.upper
                           else "ex_unlikely")
        out.numbers.append(t("num_p", p=t.number(p, 3), upper=t.number(model.upper, 3)))
        if len(candidates) > 1:
            out.numbers.append(t("num_next", p=t.number(candidates[1]["score"], 3),
                                 lead=t.number(p - candidates[1]["score"]),
                                 need=t.number(model.min_lead)))
        out.numbers += [t("num_via", n=i, name=cand["name"], via=cand["via"],
                          p=t.number(cand["score"], 3))
                        for i, cand in enumerate(candidates, start=1)]
        out.waiting = _waiting(row, t, candidates, c, rival, names or {}, two)
    if row.get("match_explanation"):
        out.numbers.append(t("num_matcher", text=row["match_explanation"]))
    if out.waiting is None and row.get("match_status") == "pending":
        out.waiting = _waiting(row, t, candidates, None, None, names or {}, False)
    return out


def _rival(candidates: list[dict], min_lead: float) -> dict | None:
    """The second suggestion when it is almost as likely as the first."""
    if len(candidates) < 2 or candidates[0]["score"] - candidates[1]["score"] >= min_lead:
        return None
    return candidates[1]


def _waiting(row, t, candidates, c, rival, names, two) -> str | None:
    if row.get("match_status") != "pending":
        return None
    if row.get("decision") == "defer":
        return t("wait_deferred")
    note = row.get("review_note") or ""
    if note.startswith("not: "):  # the publisher's note of the rejected initiatives
        ids = [i.strip() for i in note.removeprefix("not: ").split(",") if i.strip()]
        return t("wait_rejected", names=", ".join(f"«{names.get(i, i)}»" for i in ids))
    if note and row.get("decision") in ("match", "new", "alias"):
        return t("wait_gone", id=note.split("'")[1] if "'" in note else "")
    if c is not None and c.numbers:
        return t("wait_numbers")
    if c is not None and c.part and rival is None:
        return t("wait_part")
    if c is not None and c.swapped:
        return t("wait_swapped")
    if two:
        return t("wait_two", a=candidates[0]["name"], b=rival["name"])
    if rival is not None:
        return t("wait_near", a=candidates[0]["name"], b=rival["name"])
    return t("wait_unsure")
