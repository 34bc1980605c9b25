"""Match items onto the catalogue with a calibrated probability.

Every text is compared with every name and alias of the catalogue at once (rapidfuzz
``process.cdist``, four scorers), after a normalization built on spaCy's Norwegian tokenizer
that keeps æøå and version numbers ("2.0") and drops region codes, status notes, quotes,
bullets and dashes. For the best candidates a feature vector (ratio, token sort, token set,
Jaro-Winkler, IDF-weighted coverage of the name's and of the text's tokens, exact hit,
margin over the next initiative, number conflict, length ratio) goes through a logistic model
fitted on the labelled set in ``benchmarks/data/match_labels.csv`` by
``benchmarks/calibrate_matcher.py``, which also chooses the thresholds: the smallest upper
threshold whose precision's Wilson 95% lower bound is at least 0.98 (``normalize/data/
match_model.json``; the curve is in ``benchmarks/data/match_curve.csv``).

Outcomes: ``auto`` (probability >= upper, no number conflict, clear lead over the second
initiative), ``pending`` (>= lower: a reviewer decides, with the top 3 candidates),
``unmatched`` (a possible new initiative, or not an initiative at all).
"""

from __future__ import annotations

import functools
import json
import math
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import JaroWinkler
from scipy import sparse

from . import lexicon
from .catalogue import Catalogue, model_path

FEATURES = ("ratio", "token_sort", "token_set", "jaro_winkler", "name_coverage",
            "query_coverage", "exact", "margin", "number_conflict", "length_ratio",
            "text_share")
#: A match on one part of "A – B" is auto-accepted only if the other parts match something
#: this well too (a project and its group), never when the rest is unexplained.
SEGMENT_REST_MIN = 0.85
TOP_K = 3
#: Decisions a matcher keeps, by (text, region, floor): a run's documents name the same items
#: (a deck's next version, every month's minutes), and a decision depends on nothing else.
#: Emptied when full (a decision with its candidates and features is about 3 kB, measured on
#: the labelled set: at most about 60 MB a worker).
DECISION_CACHE_SIZE = 20_000
#: Fewest text-name pairs for which rapidfuzz's threads pay: ``cdist(workers=-1)`` starts a
#: thread per core at every call, which for a document's 70 items against the catalogue's
#: 163 names cost 11 ms of CPU where one thread took 6.7 ms in the same wall time (and the
#: workers of a run already keep every core busy).
THREADED_PAIRS = 200_000
_QUOTES = re.compile(r"[«»\"“”„'‘’`´]")
_WORD_HYPHEN = re.compile(r"(?<=[^\W\d_])-\s*\n?\s*(?=[^\W\d_])")
_COMPOUND_HYPHEN = re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])")
#: An en or em dash between two words is a separator, spaced or not ("unge–tilgang").
_WORD_DASH = re.compile(r"(?<=[^\W_])[–—](?=[^\W_])")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
#: "12–16 år" is written for "12-16": the dash folded, "år" after a range dropped.
_AGE_RANGE = re.compile(r"(\d+)\s*[-–—]\s*(\d+)(?:\s*år\b)?")
_SEGMENT = re.compile(r"\s+[-–—]+\s*|\s*[-–—]+\s+")


@functools.cache
def _tokenizer():
    import spacy

    return spacy.blank("nb").tokenizer


@functools.lru_cache(maxsize=1 << 16)
def normalize_name(text: str) -> str:
    """Matching form of a name: casefolded, æøå and versions kept, region codes, status notes,
    quotes, bullets, dashes and line wraps folded away.

    >>> normalize_name("«Ny» Time 2.0. (HV) (i drift)")
    'ny time 2.0'
    >>> normalize_name("Behandlings-\\nhjelpemidler"), normalize_name("Innsyn 12–16 år")
    ('behandlingshjelpemidler', 'innsyn 12-16')
    """
    text = unicodedata.normalize("NFKC", text)
    text = _AGE_RANGE.sub(r"\1-\2", text)
    _, spans = lexicon.region_codes(text)
    _, status_span = lexicon.inline_status(text)
    for start, end in sorted(spans + ([status_span] if status_span else []), reverse=True):
        text = text[:start] + " " + text[end:]
    text = _WORD_HYPHEN.sub("", _QUOTES.sub("", _WORD_DASH.sub(" ", text.casefold())))
    words = []
    for token in _tokenizer()(text):
        word = token.text.strip(".,:;!?()[]{}•*–—-/\\&+")
        if word and (any(ch.isalnum() for ch in word)):
            words.append(word)
    return " ".join(words)


def _with_short_forms(names: tuple[str, ...]) -> list[str]:
    """Names and aliases, each also without the notes items leave out of their matched text
    (an acronym in parentheses) and without a leading action word ("Utvikle ...")."""
    out = list(names)
    for name in names:
        core, _ = lexicon.split_notes(name)  # "Etablering Datadeling DHO (DEIS)": no "(DEIS)"
        # a compound's hyphen is also written as a dash between two words
        # ("'Helseplattformen-sykehus'" as "'Helseplattformen – sykehus'")
        spaced = _COMPOUND_HYPHEN.sub(" ", name)
        for short in (core, lexicon.without_leading_action(name),
                      lexicon.without_leading_action(core), spaced):
            if short and short not in out:
                out.append(short)
    return out


def _one_word_more(words: list[str], name: list[str]) -> bool:
    """Whether ``name`` is ``words`` with one word put in somewhere.

    >>> _one_word_more(["datadeling", "dho"], ["målbilde", "datadeling", "dho"])
    True
    >>> _one_word_more(["timer", "2.0"], ["mine", "timeavtaler", "timer", "2.0"])
    False
    """
    return len(name) == len(words) + 1 and any(name[:i] + name[i + 1:] == words
                                               for i in range(len(name)))


def _swapped_word(query: str, name: str) -> tuple[str, str] | None:
    """A content word of the text standing where the name has an unlike one ("Hele planlagt
    forløp og mottatt legevakt ..." for "... mottatt varsel ..."): a near miss, not a typo or
    an OCR slip (those stay alike) and not a dropped or added word.

    >>> _swapped_word("brev til røntgen tilhørende", "brev til pasient tilhørende")
    ('røntgen', 'pasient')
    >>> _swapped_word("pasientens prgvesvar", "pasientens prøvesvar") is None
    True
    """
    if query == name:
        return None
    q_words, n_words = query.split(), name.split()
    extra = [w for w in q_words if w not in n_words and len(w) >= 4 and w.isalpha()]
    missing = [w for w in n_words if w not in q_words and len(w) >= 4 and w.isalpha()]
    for word in extra:
        if missing and max(fuzz.ratio(word, m) for m in missing) < 60:
            return word, max(missing, key=lambda m: fuzz.ratio(word, m))
    return None


@dataclass(frozen=True)
class Comparison:
    """How a text stands to the name (or alias) it was matched through, in terms a reviewer
    can be told: what the review page's plain explanation is made of."""

    same: bool  # the text (or its matched part) reads as the name, once normalized
    part: str | None  # the part of "A – B" the name stands for (None: the whole text)
    rest: str | None  # the other parts of the text, when ``part`` is set
    numbers: tuple[tuple[str, ...], tuple[str, ...]] | None  # (text's, name's) when unequal
    swapped: tuple[str, str] | None  # a word of the text where the name has an unlike one


def compare(text: str, name: str) -> Comparison:
    """Compare an item's matched text with the name it was matched through.

    >>> compare("Timer 2.0", "Time 2.0").same, compare("Timer 3.0", "Timer 2.0").numbers
    (False, (('3.0',), ('2.0',)))
    >>> c = compare("Skjema – strukturerte data – Pasientskjema i DIPS", "Pasientskjema i DIPS")
    >>> c.same, c.part, c.rest
    (True, 'Pasientskjema i DIPS', 'Skjema – strukturerte data')
    """
    q, n = normalize_name(text), normalize_name(name)
    parts = [p.strip() for p in _SEGMENT.split(text) if p.strip()]
    part = rest = None
    if q != n and 1 < len(parts) <= 5:
        runs = [(a, b) for a in range(len(parts)) for b in range(a + 1, len(parts) + 1)
                if b - a < len(parts)]
        a, b = max(runs, key=lambda r: fuzz.ratio(normalize_name(" – ".join(parts[r[0]:r[1]])),
                                                  n))
        if fuzz.ratio(normalize_name(" – ".join(parts[a:b])), n) > fuzz.ratio(q, n):
            part = " – ".join(parts[a:b])
            rest = " – ".join(parts[:a] + parts[b:])
    basis = normalize_name(part) if part else q
    nq, nn = numbers(basis), numbers(n)
    return Comparison(basis == n, part, rest,
                      (tuple(sorted(nq)), tuple(sorted(nn))) if nq != nn else None,
                      _swapped_word(basis, n))


def numbers(text: str) -> frozenset[str]:
    """Version-like numbers in a normalized name ("2.0"; "12-16" gives {"12", "16"})."""
    return frozenset(_NUMBER.findall(text))


def wilson_lower(successes: int, n: int, z: float = 1.96) -> float:
    """Lower bound of the 95% Wilson interval of a proportion.

    >>> round(wilson_lower(98, 100), 3)
    0.93
    """
    if n == 0:
        return 0.0
    p = successes / n
    denom = 1 + z * z / n
    centre = p + z * z / (2 * n)
    spread = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - spread) / denom


@dataclass
class Model:
    coef: list[float]
    intercept: float
    upper: float
    lower: float
    min_lead: float = 0.1
    extra: dict = field(default_factory=dict)

    def probability(self, features: np.ndarray) -> np.ndarray:
        z = features @ np.asarray(self.coef) + self.intercept
        return 1 / (1 + np.exp(-z))


@functools.cache
def load_model(path: str | None = None) -> Model:
    data = json.loads(Path(path or model_path()).read_text("utf-8"))
    return Model(data["coef"], data["intercept"], data["upper"], data["lower"],
                 data.get("min_lead", 0.1), {k: v for k, v in data.items()
                                             if k not in ("coef", "intercept")})


@dataclass
class Match:
    status: str  # "auto", "pending", "unmatched"
    initiative_id: str | None
    score: float  # calibrated probability that the best candidate is right, 0-1
    candidates: list[dict] = field(default_factory=list)
    explanation: str = ""
    features: dict = field(default_factory=dict)
    #: Feature vectors of the best candidate and of its strongest rival (for calibration).
    vectors: tuple = ()

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

    def __init__(self, catalogue: Catalogue, model: Model | None = None):
        self.catalogue = catalogue
        self.model = model
        pairs = sorted({(ini.id, name) for ini in catalogue.initiatives
                        for name in _with_short_forms(ini.names)}, key=lambda p: p)
        self.owner = [iid for iid, _ in pairs]
        self.raw = [name for _, name in pairs]
        self.names = [normalize_name(name) for name in self.raw]
        given = {(ini.id, normalize_name(name)) for ini in catalogue.initiatives
                 for name in ini.names}
        #: a short form the matcher made (a note or a leading action word left out), not a
        #: name or alias the catalogue gives
        self._made = [(o, n) not in given for o, n in zip(self.owner, self.names, strict=True)]
        self.ids = sorted(set(self.owner))
        self._id_index = {iid: i for i, iid in enumerate(self.ids)}
        self._owner_index = np.array([self._id_index[o] for o in self.owner])
        self._starts = np.searchsorted(self._owner_index, np.arange(len(self.ids)))
        self._name_numbers = [numbers(n) for n in self.names]
        self._build_idf()
        self._decided: dict[tuple, Match] = {}

    def _build_idf(self) -> None:
        vocab: dict[str, int] = {}
        rows, cols = [], []
        for r, name in enumerate(self.names):
            for tok in set(name.split()):
                cols.append(vocab.setdefault(tok, len(vocab)))
                rows.append(r)
        self.vocab = vocab
        df = np.bincount(cols, minlength=len(vocab)) if cols else np.zeros(0)
        self.idf = np.log((len(self.names) + 1) / (df + 1)) + 1.0
        self.idf_unknown = float(self.idf.max()) if len(self.idf) else 1.0
        n_bin = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)),
                                  shape=(len(self.names), len(vocab)))
        self.name_weights = n_bin.multiply(self.idf).tocsr()
        self.name_weight_sum = np.asarray(self.name_weights.sum(axis=1)).ravel()

    def _query_matrix(self, queries: list[str]) -> tuple[sparse.csr_matrix, np.ndarray]:
        rows, cols, totals = [], [], np.zeros(len(queries))
        for r, q in enumerate(queries):
            for tok in set(q.split()):
                if tok in self.vocab:
                    rows.append(r)
                    cols.append(self.vocab[tok])
                    totals[r] += self.idf[self.vocab[tok]]
                else:
                    totals[r] += self.idf_unknown
        q_bin = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)),
                                  shape=(len(queries), len(self.vocab)))
        return q_bin, totals

    def match(self, text: str, region: str | None = None, notes: tuple[str, ...] = ()
              ) -> Match:
        return self.match_many([text], [region], notes=[notes])[0]

    def match_many(self, texts: list[str], regions: list[str | None] | None = None,
                   chunk: int = 5000, floor: float = 0.0,
                   notes: list[tuple[str, ...]] | None = None) -> list[Match]:
        """Match many texts; identical (text, region, notes) are decided once, and once per
        matcher: a decision is kept (see :data:`DECISION_CACHE_SIZE`), for the next document
        of a run names the same items again. ``notes``: per text, the notes the item had
        after its name ("DEIS" of "... (DEIS)"), which are not matched but may tell two
        names apart (see :meth:`_word_lost`). A text whose best blended score (``base``, the
        first and cheapest reading) is under ``floor`` is unmatched without being decided:
        the mention search's prune. The outcomes are shared: read them, never change them."""
        regions = regions or [None] * len(texts)
        notes = notes or [()] * len(texts)
        keys = list(dict.fromkeys(zip(texts, regions, map(tuple, notes), strict=True)))
        cache = self._decided
        decided: dict[tuple, Match] = {}
        todo = []
        for key in keys:
            match = cache.get((*key, floor))
            if match is None:
                todo.append(key)
            else:
                decided[key] = match
        if len(cache) + len(todo) > DECISION_CACHE_SIZE:
            cache.clear()
        for start in range(0, len(todo), chunk):
            part = todo[start:start + chunk]
            for key, match in zip(part, self._match_chunk([k[0] for k in part],
                                                          [k[1] for k in part], floor,
                                                          [k[2] for k in part]),
                                  strict=True):
                decided[key] = match
                cache[(*key, floor)] = match
        return [decided[key] for key in zip(texts, regions, map(tuple, notes), strict=True)]

    def _rejoined(self, query: str) -> str:
        """``query`` with a word a line wrap cut without a hyphen put together again
        ("tilbakemeldingsskje ma"): two neighbouring words that no catalogue name has and
        that together make one a name has."""
        words = query.split()
        out: list[str] = []
        for word in words:
            if out and out[-1] not in self.vocab and word not in self.vocab and \
                    out[-1] + word in self.vocab:
                out[-1] += word
            else:
                out.append(word)
        return " ".join(out)

    def _queries(self, text: str) -> list[str]:
        queries = [self._rejoined(normalize_name(text))]
        parts = [p for p in _SEGMENT.split(text) if p.strip()]
        if 1 < len(parts) <= 5:  # "A – B – C": every run of neighbouring parts
            for a in range(len(parts)):
                for b in range(a + 1, len(parts) + 1):
                    if b - a < len(parts):
                        seg = normalize_name(" – ".join(parts[a:b]))
                        if seg and seg not in queries:
                            queries.append(seg)
        return queries

    def _match_chunk(self, texts: list[str], regions: list[str | None], floor: float,
                     notes: list[tuple[str, ...]]) -> list[Match]:
        per_text = [self._queries(t) for t in texts]
        unique: dict[str, int] = {}
        for qs in per_text:
            for q in qs:
                unique.setdefault(q, len(unique))
        queries = list(unique)
        if not queries or not self.names:
            return [Match("unmatched", None, 0.0, [], "nothing to match") for _ in texts]
        # threads only for a batch big enough to pay for them (they start with each call)
        workers = -1 if len(queries) * len(self.names) >= THREADED_PAIRS else 1
        m_ratio = process.cdist(queries, self.names, scorer=fuzz.ratio, workers=workers,
                                dtype=np.float32) / 100
        m_sort = process.cdist(queries, self.names, scorer=fuzz.token_sort_ratio,
                               workers=workers, dtype=np.float32) / 100
        m_set = process.cdist(queries, self.names, scorer=fuzz.token_set_ratio,
                              workers=workers, dtype=np.float32) / 100
        m_jw = process.cdist(queries, self.names, scorer=JaroWinkler.normalized_similarity,
                             workers=workers, dtype=np.float32)
        q_bin, q_totals = self._query_matrix(queries)
        inter = (q_bin @ self.name_weights.T).toarray()
        name_cov = inter / np.maximum(self.name_weight_sum, 1e-9)
        query_cov = inter / np.maximum(q_totals[:, None], 1e-9)
        base = 0.3 * m_sort + 0.2 * m_ratio + 0.15 * m_set + 0.15 * m_jw + 0.2 * name_cov
        mats = (m_ratio, m_sort, m_set, m_jw, name_cov, query_cov)
        q_numbers = [numbers(q) for q in queries]
        results = []
        best = base.max(axis=1)
        for text, qs, region, note in zip(texts, per_text, regions, notes, strict=True):
            rows = np.array([unique[q] for q in qs])
            top = float(best[rows].max())
            if top < floor:
                results.append(Match("unmatched", None, 0.0, [],
                                     f"best blended score {top:.2f} under {floor:.2f}"))
                continue
            results.append(self._decide(text, rows, base, mats, queries, q_numbers, region,
                                        note))
        return results

    def _decide(self, text, rows, base, mats, queries, q_numbers, region, notes) -> Match:
        if not queries[rows[0]]:
            return Match("unmatched", None, 0.0, [], "no words to match")
        sub = base[rows].copy()  # queries of this text x names
        sub[0] += 1e-9  # on a tie the whole text wins over a part of it
        best_row = sub.argmax(axis=0)
        best_per_name = sub[best_row, np.arange(sub.shape[1])]
        per_ini = np.maximum.reduceat(best_per_name, self._starts)
        order = np.argsort(-per_ini, kind="stable")[: TOP_K + 3]
        ranked = [(self.ids[i], float(per_ini[i])) for i in order]
        ranked, subsumed = self._prefer_specific(ranked, region)
        chosen = []
        for iid, score in ranked[:TOP_K]:
            lo, hi = self._name_range(iid)
            n = lo + int(np.argmax(best_per_name[lo:hi]))
            chosen.append((iid, score, int(rows[best_row[n]]), n))
        feats = []
        for k, (_, score, r, n) in enumerate(chosen):
            rival = chosen[1][1] if k == 0 and len(chosen) > 1 else chosen[0][1]
            conflict = float(q_numbers[r] != self._name_numbers[n])
            q, name = queries[r], self.names[n]
            feats.append([float(mats[0][r, n]), float(mats[1][r, n]), float(mats[2][r, n]),
                          float(mats[3][r, n]), float(mats[4][r, n]), float(mats[5][r, n]),
                          float(q == name), score - rival, conflict,
                          min(len(q), len(name)) / max(len(q), len(name), 1),
                          len(q) / max(len(queries[rows[0]]), 1)])
        feats = np.array(feats)
        model = self.model or load_model()
        probs = model.probability(feats)
        top_id, _, r0, n0 = chosen[0]
        p1 = float(probs[0])
        # the group a project belongs to is no rival of the project
        rivals = [k for k in range(1, len(chosen)) if chosen[k][0] not in subsumed]
        p2 = float(probs[rivals[0]]) if rivals else 0.0
        rival_vector = feats[rivals[0]] if rivals else None
        conflict = bool(feats[0][FEATURES.index("number_conflict")])
        features = dict(zip(FEATURES, (round(float(v), 3) for v in feats[0]), strict=True))
        where = "whole text" if r0 == rows[0] else f"segment {queries[r0]!r}"
        why = [f"best {self.raw[n0]!r} ({where}) p={p1:.3f}; next p={p2:.3f}"]
        if conflict:
            why.append("numbers differ: never auto")
        unexplained = r0 != rows[0] and not self._rest_explained(queries, rows, r0, base,
                                                                 top_id)
        if unexplained:
            why.append("matched on a part of the text; the rest matches nothing it belongs with: "
                       "never auto")
        swapped = _swapped_word(queries[r0], self.names[n0])
        if swapped:
            unexplained = True
            why.append(f"'{swapped[0]}' stands where the name has '{swapped[1]}': another "
                       "initiative, perhaps; never auto")
        lost = self._word_lost(chosen, queries, r0, subsumed, region, notes)
        if lost:
            why.append(lost)
        if p1 >= model.upper and not (conflict or unexplained or lost) \
                and p1 - p2 >= model.min_lead:
            status = "auto"
            why.append(f"auto: p >= {model.upper:.3f} with a lead of {p1 - p2:.2f}")
        elif p1 >= model.lower:
            status = "pending"
            if p1 >= model.upper and p1 - p2 < model.min_lead:
                why.append(f"lead {p1 - p2:.2f} < {model.min_lead}: a reviewer decides")
            elif p1 < model.upper:
                why.append(f"pending: {model.lower:.3f} <= p < {model.upper:.3f}")
        elif self._ambiguous(queries[rows[0]], feats):
            status = "pending"
            why.append("ambiguous: every word of the text is in several names; a reviewer "
                       "decides which")
        else:
            status = "unmatched"
            why.append(f"unmatched: p < {model.lower:.3f}")
        candidates = [{"initiative_id": iid, "name": self.catalogue.by_id[iid].name,
                       "score": round(float(p), 3), "via": self.raw[n]}
                      for (iid, _, _, n), p in zip(chosen, probs, strict=True)]
        return Match(status, top_id if status != "unmatched" else None, round(p1, 3),
                     candidates, "; ".join(why), features, (feats[0], rival_vector))

    def _word_lost(self, chosen, queries, r0, subsumed, region, notes) -> str | None:
        """Why the text may be another initiative's name with a word lost, or None.

        A rival whose name is the text with one more word ("Målbilde Datadeling DHO" for
        "Datadeling DHO") is as likely as the best name when the best reads as the text only
        once the matcher has left the name's first word out ("Etablering Datadeling DHO"):
        a scan or a narrow box loses a word as often as a deck drops one. So is it when the
        best is another region's initiative and the rival the item's own region's
        ("Behandlingsplan" on Helse Nord's slide, beside "Delt behandlingsplan"). Unless a
        note of the item's is a word of the best initiative's names and of none of the
        rival's ("Datadeling DHO (DEIS)")."""
        top_id, _, _, n0 = chosen[0]
        words = queries[r0].split()
        noted = {w for note in notes for w in normalize_name(note).split()}
        rivals = [chosen[k] for k in range(1, len(chosen)) if chosen[k][0] not in subsumed
                  and _one_word_more(words, self.names[chosen[k][3]].split())
                  and not noted & (self._words_of(top_id) - self._words_of(chosen[k][0]))]
        if not rivals:
            return None
        if self._made[n0]:
            rival = self.catalogue.by_id[rivals[0][0]].name
            return (f"{self.raw[n0]!r} is a short form the catalogue does not give, and "
                    f"{rival!r} is the text with one word more: never auto")
        regions = self.catalogue.by_id[top_id].regions
        if region and regions and region not in regions:
            own = [c for c in rivals if region in self.catalogue.by_id[c[0]].regions]
            if own:
                rival = self.catalogue.by_id[own[0][0]].name
                return (f"the name is {', '.join(regions)}'s, and {rival!r}, an initiative of "
                        f"{region}, is the text with one word more: never auto")
        return None

    def _name_range(self, initiative_id: str) -> tuple[int, int]:
        """Where an initiative's names and aliases lie in :attr:`names` (they are sorted by
        initiative)."""
        i = self._id_index[initiative_id]
        hi = self._starts[i + 1] if i + 1 < len(self.ids) else len(self.names)
        return int(self._starts[i]), int(hi)

    def _words_of(self, initiative_id: str) -> frozenset[str]:
        """Every word of an initiative's names and aliases, normalized."""
        lo, hi = self._name_range(initiative_id)
        return frozenset(w for n in self.names[lo:hi] for w in n.split())

    @staticmethod
    def _ambiguous(query: str, feats: np.ndarray) -> bool:
        """A short name ("Digital dialog") whose words all stand in two or more names."""
        cover = FEATURES.index("query_coverage")
        return (len(query.split()) >= 2 and len(feats) >= 2
                and float(feats[0][cover]) >= 0.99 and float(feats[1][cover]) >= 0.99)

    def _rest_explained(self, queries, rows, best_row, base, best_id) -> bool:
        """Whether the parts of the text outside the matched part match something too, and
        that something is kin to the best initiative (itself, its group, a project of its
        group or of the same group): "Dialog via Helsekontakt – Digital dialog med
        behandlende enhet". Two unrelated initiatives' names on one line are two boxes' text
        a scan's reading ran together, not one item."""
        best = queries[best_row]
        rest = [r for r in rows[1:] if r != best_row and best not in queries[r]
                and queries[r] not in best]
        if not rest or not all(float(base[r].max()) >= SEGMENT_REST_MIN for r in rest):
            return False
        kin = self._kin(best_id)
        return all(self.owner[int(np.argmax(base[r]))] in kin for r in rest)

    def _kin(self, initiative_id: str) -> set[str]:
        """An initiative, its group and the group's projects."""
        by_id = self.catalogue.by_id
        group = by_id[initiative_id].group or initiative_id
        return {initiative_id, group} | {i.id for i in self.catalogue.initiatives
                                         if i.group == group}

    def _prefer_specific(self, ranked, region):
        """Among equally good hits, prefer a project over the group it belongs to, and an
        initiative owned by the item's region; the others drop just below the winner."""
        top_score = ranked[0][1]
        tied = [kv for kv in ranked if kv[1] >= top_score - 0.005]
        if len(tied) < 2:
            return ranked, set()
        by_id = self.catalogue.by_id
        tied_ids = {iid for iid, _ in tied}
        keep = [kv for kv in tied if not (by_id[kv[0]].kind == "group"
                                          and any(by_id[o].group == kv[0] for o in tied_ids))]
        if region:
            own = [kv for kv in keep if region in by_id[kv[0]].regions]
            if len(own) == 1:
                keep = own
        if len(keep) != 1:
            return ranked, set()
        winner = keep[0]
        subsumed = {iid for iid in tied_ids if iid != winner[0]
                    and by_id[winner[0]].group == iid}
        rest = [(iid, s - 0.04 if iid in tied_ids else s) for iid, s in ranked
                if iid != winner[0]]
        return [winner] + sorted(rest, key=lambda kv: -kv[1]), subsumed
