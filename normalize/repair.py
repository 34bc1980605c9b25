"""Repair OCR-damaged Norwegian without inventing new damage.

OCR engines that do not know Norwegian read ``ø`` as ``o``/``g``/``@``, ``å`` as ``a``/``4``,
``æ`` as ``z``/``ee`` and so on. A generic spell checker makes this worse (hunspell's first
suggestion for ``mgter`` is ``meter``). Here:

- candidates come from an OCR **confusion model** (the substitutions above, each with a cost),
  not from generic edit distance; a dropped letter is a costlier last resort;
- a word is replaced only when a candidate is a real word that is clearly more likely than
  what was read: ``zipf(candidate) - cost >= zipf(original) + need``, with word
  frequencies from wordfreq's Norwegian Bokmål list, hunspell's nb_NO dictionary (through
  spylls, for compounds wordfreq has never seen) and the catalogue's own vocabulary; ``need``
  is small over a non-word and larger over a common real word or a likely name;
- readings that are words themselves (``bor``/``bør``, ``okt``/``økt``) are decided by their
  neighbours;
- numbers, codes (``DIPS``, ``12-16``, ``2.0``, ``mDNS``), and words already at least as
  likely as any candidate are left alone, and text that does not look damaged is not
  touched at all;
- every change is recorded (rule, before, after, position); the input is never modified.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from dataclasses import asdict, dataclass
from pathlib import Path

import wordfreq

from veikart.memory import long_lived

MIN_GAIN = 1.0
#: Gain needed when the reading is no word at all, and when it is a common real word.
UNKNOWN_GAIN = 0.5
COMMON_GAIN = 1.5
COMMON_ZIPF = 3.0
#: Extra gain for a capitalized word after a capitalized word (names: "Olav Kvan").
NAME_GAIN = 1.0
#: Unlisted words: what hunspell's acceptance is worth, and the ceiling for a compound.
HUNSPELL_ZIPF = 1.5
COMPOUND_MAX = 2.5
UNCONFIRMED_PENALTY = 1.0
#: damaged -> (correct, cost). Lower case; case is restored from the damaged word. A cost is
#: about -log10 P(read | meant), measured on benchmarks/data/ocr_pairs.tsv (tesseract's English
#: model on DejaVu fonts; ø was read as o 61 %, a 16 %, g 12 %, e 8 %, @ 4 %; å as a 88 %,
#: 4 5 %, & 2 %; æ as e or ee 95 %, never as a), rounded and floored so no reading is free.
CONFUSIONS: dict[str, tuple[tuple[str, float], ...]] = {
    "o": (("ø", 0.2),),
    "a": (("å", 0.1), ("ø", 0.7), ("æ", 1.5)),
    "g": (("ø", 0.6),),
    "e": (("æ", 0.5), ("ø", 1.0)),
    "@": (("ø", 0.3), ("å", 0.8)),
    "0": (("ø", 0.6),),
    "d": (("å", 1.0),),
    "4": (("å", 0.6),),
    "&": (("å", 0.8),),
    "é": (("å", 0.8),),
    "z": (("æ", 0.5),),
    "ee": (("æ", 0.3),),
    "ae": (("æ", 0.4),),
    "ze": (("æ", 0.4),),
    "ad": (("å", 0.8),),
    "ig": (("lø", 0.6),),
    "m": (("rn", 0.8),),
    # tesseract's own Norwegian model, on a clean page image, sometimes writes an "ø" before
    # an "o" ("Helsenøorge"); no Norwegian word has "øo"
    "øo": (("o", 0.2),),
    "g@": (("ø", 0.6),),
}
#: Confusions of letters with letters (f read as t, l as i and back): rare (under 1 % of
#: the letters in the benchmark sets), so tried one at a time and only for a word not
#: otherwise found.
RARE_CONFUSIONS = {"t": (("f", 1.8),), "i": (("l", 2.0),), "l": (("i", 2.0),)}
#: An all-capital short token (an acronym, most likely) is changed only with this gain.
ACRONYM_GAIN = 3.0
#: Letters OCR drops: thin ones (l, i, r, t, j, f) and a final e.
INSERT_LETTERS = "lirtjfe"
INSERT_COST = 1.5
INSERT_MIN_ZIPF = 3.5
INSERT_MIN_GAIN = 2.5
MAX_SUBSTITUTIONS = 3
MAX_POSITIONS = 10
HUNSPELL_PATHS = ("/usr/share/hunspell/nb_NO", "/usr/share/myspell/dicts/nb_NO")

_WORD = re.compile(r"[^\W\d_]+|[@&][^\W\d_]*|[^\W\d_]+[@&0][^\W\d_@&0]*", re.UNICODE)
_TOKEN = re.compile(r"(?:[^\W_]|[@&])+", re.UNICODE)
_LONE_A = re.compile(r"(?<=[a-zæøå4&] )(?:[4&@a](?= [a-zæøå4&])|a(?=[:.]?$))"
                     r"|(?<=\b(?:til|for) )4(?=[:.]?$)", re.M)
_LINE_WITH_NUMBER = re.compile(r"\d.*\b(?:til|for) 4[:.]?$", re.M)
#: Two-part names whose parts are damaged together ("Sgr-@st", "S@R-OST", "Sor Ost"): either
#: part alone may be a word ("ost"), the pair is not.
PHRASES = ("sør-øst", "midt-norge", "sør øst")
_PAIR = re.compile(r"(?<![\w@&])(?=((?:[^\W_]|[@&])+[- ](?:[^\W_]|[@&])+))")  # overlapping
#: Damaged readings that are words themselves, told apart by their neighbours: (read, meant,
#: words after which the reading is right, words before which the reading is right).
CONTEXT_RULES = (
    ("bor", "bør", set(), {"i", "på", "hos", "sammen", "alene", "der", "her", "ute",
                           "hjemme", "nær", "med", "like", "i.", "på."}),
    ("far", "får", {"min", "din", "sin", "hans", "hennes", "deres", "vår", "en", "og", "til",
                    "fra", "med", "om", "som", "barnets", "mor", "hvis"}, {"og", "til", "mor"}),
    ("mate", "møte", {"på", "en", "samme", "denne", "hvilken", "annen", "ny", "god", "slik"},
     set()),
    ("mater", "møter", {"han", "hun", "jeg", "du", "vi", "de", "man", "som"}, set()),
    ("matet", "møtet", {"ble", "blir", "har", "hadde", "han", "hun", "jeg", "du", "vi", "de",
                        "man", "som"}, set()),
    ("fatt", "fått", {"få", "fikk", "fått", "får"}, {"på", "i"}),
    ("sta", "stå", {"er", "var", "så", "veldig", "litt", "være", "og", "blitt", "ganske"},
     set()),
)
#: Month abbreviations are words only next to a number ("12. okt", "okt 2024"); elsewhere
#: "okt" is "økt" read without its "ø".
MONTHS = {"okt": "økt", "mar": "mår"}
_MONTH = re.compile(r"\b(" + "|".join(MONTHS) + r")\b(?![.]? ?\d)", re.I)
_DATE_BEFORE = re.compile(r"\d[.]? ?$")
_CONTEXT_WORDS = re.compile(r"\b(" + "|".join(r[0] for r in CONTEXT_RULES) + r")\b", re.I)
#: "l" read for "I" inside a run of capitals ("APler" = APIer, "SlO" = SIO).
_CAPITAL_I = re.compile(r"(?<=[A-ZÆØÅ]{2})l(?=er\b|[A-ZÆØÅ])|(?<=[A-ZÆØÅ])l(?=[A-ZÆØÅ])")
_AFTER_CAPITAL = re.compile(r"(?<![.!?:] )\b[A-ZÆØÅ][^\W\d_]*[ \t]+$")
#: A single quote mark glued to the first word of a line and never closed: a speck OCR read.
_STRAY_QUOTE = re.compile(r"^[ \t]*([‘’`])(?=[A-ZÆØÅ])(?![^\n]*[‘’'`])", re.M)
_OCR_BULLET = re.compile(r"^[ \t]*(?:e|°|»|¢|\*|«)(?=[ \t]+[A-ZÆØÅ«\d])", re.M)


#: A line's last word (letters, nothing after it) and a line's first one in lower case.
_LINE_TAIL = re.compile(r"[^\W\d_]+$")
_LINE_HEAD = re.compile(r"[^\W\d_A-ZÆØÅ][^\W\d_]*")
#: At most this many pieces of one broken word are joined; a piece is a word of its own
#: when hunspell knows it or it is at least this common (zipf).
BROKEN_PIECES = 5
COMMON_PIECE_ZIPF = 3.0


@dataclass(frozen=True)
class Change:
    rule: str  # confusion, insertion, lone-å, bullet, stray-mark, context, capital-I,
    # broken-word
    before: str
    after: str
    start: int  # offset in the input text
    end: int

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Repaired:
    text: str
    changes: list[Change]
    damaged: bool


@functools.cache
def _frequencies() -> dict[str, float]:
    """wordfreq's Norwegian Bokmål list as word -> zipf, read once (a dict lookup is 50 times
    faster than ``wordfreq.zipf_frequency``, which tokenizes every query)."""
    return {word: round(math.log10(freq) + 9, 2)
            for word, freq in wordfreq.get_frequency_dict("nb", wordlist="large").items()
            if freq > 0}


@functools.cache
def _load_hunspell(path: str | None = None):
    """hunspell's nb_NO through spylls (≈1.6 s to load: once per process), or None."""
    from spylls.hunspell import Dictionary

    for candidate in ([path] if path else HUNSPELL_PATHS):
        if Path(candidate + ".dic").exists():
            with long_lived():
                return Dictionary.from_files(candidate)
    return None


class Lexicon:
    """Word likelihoods (zipf scale, 0 = unknown) from wordfreq nb, hunspell nb_NO and the
    catalogue's vocabulary."""

    def __init__(self, vocabulary: set[str] | None = None, hunspell: str | None = None):
        self.vocabulary = {w.casefold() for w in (vocabulary or set())}
        self._hunspell_path = hunspell

    @property
    def hunspell(self):
        return _load_hunspell(self._hunspell_path)

    @functools.lru_cache(maxsize=200_000)  # noqa: B019 - one lexicon per process
    def zipf(self, word: str, deep: bool = True) -> float:
        """How common ``word`` is (lower case, zipf scale, 0 = unknown).

        A word in wordfreq's list (or the catalogue) has its listed frequency. Any other word
        is rare by definition (the list reaches down to zipf 1). With ``deep``, a word
        hunspell accepts (its compounding knows ``heldagsmøte``) is rated at least
        ``HUNSPELL_ZIPF``, and a long word also by its parts (at most ``COMPOUND_MAX``); a
        compound of listed parts that hunspell rejects (``førgrunn`` = før + grunn) gets its
        parts' rating minus ``UNCONFIRMED_PENALTY``."""
        z = self._listed(word)
        if not deep or len(word) <= 3:
            return z
        parts = self._parts(word)
        if z >= max(parts, HUNSPELL_ZIPF):
            return z
        if self.accepts(word):
            return max(z, parts, HUNSPELL_ZIPF)
        return max(z, parts - UNCONFIRMED_PENALTY)

    def upper_bound(self, word: str) -> float:
        """What ``zipf(word)`` can be at most, without asking hunspell."""
        z = self._listed(word)
        return z if len(word) <= 3 else max(z, HUNSPELL_ZIPF, self._parts(word))

    def _parts(self, word: str) -> float:
        return min(self._compound(word), COMPOUND_MAX) if len(word) >= 8 else 0.0

    @functools.lru_cache(maxsize=200_000)  # noqa: B019
    def accepts(self, word: str) -> bool:
        """Whether hunspell's nb_NO (with its compounding) or the catalogue knows ``word``."""
        if word in self.vocabulary:
            return True
        return self.hunspell is not None and bool(self.hunspell.lookup(word))

    def _listed(self, word: str) -> float:
        z = _frequencies().get(word, 0.0)
        return max(z, 3.5) if word in self.vocabulary else z

    def _compound(self, word: str, depth: int = 0) -> float:
        """A Norwegian compound's likelihood: a listed head (with a linking s or e) and a
        listed tail, a notch rarer than the rarer part."""
        best = 0.0
        for i in range(3, len(word) - 3):
            head, tail = word[:i], word[i:]
            z_head = self._listed(head)
            if z_head < 2 and head[-1] in "se" and len(head) > 3:
                z_head = self._listed(head[:-1])
            if z_head < 2:
                continue
            z_tail = self._listed(tail)
            if z_tail < 2 and depth == 0 and len(tail) >= 8:
                z_tail = self._compound(tail, 1) - 0.5  # three parts: rarer still
            if z_tail >= 2:
                best = max(best, min(z_head, z_tail) - 1.0)
        return best

    @functools.lru_cache(maxsize=100_000)  # noqa: B019
    def english(self, word: str) -> float:
        return wordfreq.zipf_frequency(word, "en")


def _mixed_case(token: str) -> bool:
    """Capitals after the first letter next to small letters (``mDNS``, ``GdkImage``,
    ``MALet``): a code or a product name, not a word to repair."""
    letters = [ch for ch in token if ch.isalpha()]
    return any(ch.isupper() for ch in letters[1:]) and any(ch.islower() for ch in letters)


def _restore_case(template: str, word: str) -> str:
    """``word`` cased like ``template``: all caps, or a capital first letter."""
    letters = [ch for ch in template if ch.isalpha()]
    if len(letters) > 1 and all(ch.isupper() for ch in letters):
        return word.upper()
    if template[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def candidates(word: str) -> list[tuple[str, float, str]]:
    """(candidate, cost, rule) for a lower-case word, cheapest first.

    >>> candidates("mgter")[:2]
    [('mgtær', 0.5, 'confusion'), ('møter', 0.6, 'confusion')]
    """
    spots = []
    for i in range(len(word)):
        for length in (2, 1):
            piece = word[i:i + length]
            if len(piece) == length and piece in CONFUSIONS:
                spots.append((i, length, piece))
    spots = spots[:MAX_POSITIONS]
    out: dict[str, tuple[float, str]] = {}
    for k in range(1, MAX_SUBSTITUTIONS + 1):
        for chosen in itertools.combinations(spots, k):
            ends = [i + n for i, n, _ in chosen]
            if any(chosen[j + 1][0] < ends[j] for j in range(len(chosen) - 1)):
                continue  # overlapping spots
            for options in itertools.product(*(CONFUSIONS[p] for _, _, p in chosen)):
                parts, pos, cost = [], 0, 0.0
                for (i, n, _), (target, c) in zip(chosen, options, strict=True):
                    parts += [word[pos:i], target]
                    pos, cost = i + n, cost + c
                cand = "".join(parts) + word[pos:]
                if cand not in out or out[cand][0] > cost:
                    out[cand] = (cost, "confusion")
    for i, ch in enumerate(word):
        for target, c in RARE_CONFUSIONS.get(ch, ()):
            cand = word[:i] + target + word[i + 1:]
            if cand not in out:
                out[cand] = (c, "confusion")
    if len(word) >= 4:
        for i in range(1, len(word) + 1):
            for letter in INSERT_LETTERS:
                cand = word[:i] + letter + word[i:]
                if cand not in out:
                    out[cand] = (INSERT_COST, "insertion")
    return sorted(((c, cost, rule) for c, (cost, rule) in out.items()), key=lambda t: t[1])


class Repairer:
    """Repairs text with one lexicon; cheap to call many times."""

    def __init__(self, lexicon: Lexicon):
        self.lexicon = lexicon

    @functools.lru_cache(maxsize=100_000)  # noqa: B019
    def best(self, token: str, deep: bool = True, name: bool = False
             ) -> tuple[str, float, str] | None:
        """The replacement for ``token`` (cased), with its gain and rule, or None. ``deep``
        rates unlisted words by hunspell and compound parts (the damage check skips that);
        ``name``: the token follows a capitalized word, so it may well be a name."""
        low = token.casefold()
        if len(low) < 2 or any(ch.isdigit() for ch in low if ch not in "04") \
                or _mixed_case(token):
            return None
        acronym = token.isupper() and len(token) <= 5 and not re.search(r"[@&04]", token)
        lexicon = self.lexicon
        # wordfreq drops "@" and "&" when it looks a word up: such a token is not a word
        base = 0.0 if re.search(r"[@&0-9]", low) else lexicon.zipf(low, deep)
        need = self._need(low, base, deep) + (NAME_GAIN if name else 0.0)
        if acronym:  # "DIPS", "BDS": only a word that is unknown and has a common spelling
            need = max(need, ACRONYM_GAIN) if base == 0 else float("inf")
        best = None
        for cand, cost, rule in candidates(low):
            if rule == "insertion":
                # a dropped letter only gives way to a common listed word, never to a name
                # or a compound guessed from its parts
                if best is not None:
                    break
                z = _frequencies().get(cand, 0.0)
                if z < INSERT_MIN_ZIPF or z - base < INSERT_MIN_GAIN:
                    continue
            else:
                bound = lexicon.upper_bound(cand) if deep else lexicon._listed(cand)
                if bound - cost - base < max(need, best[1] if best else need):
                    continue  # cannot win: do not ask hunspell
                z = lexicon.zipf(cand, deep)
            gain = z - cost - base
            if z > 0 and gain >= need and (best is None or gain > best[1]):
                best = (_restore_case(token, cand), gain, rule)
        return best

    def _need(self, low: str, base: float, deep: bool) -> float:
        """The gain a candidate needs over what was read: little when the reading is no word
        at all, more when it is a common real word (``sann``, ``vart``: only context could
        tell those from ``sånn``, ``vårt``). A listed reading hunspell rejects (``pa``,
        ``ogsa``: Norwegian typed without æøå) is not a real word."""
        if base == 0:
            return UNKNOWN_GAIN
        if deep and base >= COMMON_ZIPF and self.lexicon.accepts(low):
            return COMMON_GAIN
        return MIN_GAIN

    def _english_spans(self, text: str) -> list[tuple[int, int]]:
        """Lines that read as English (most words more English than Norwegian): left alone."""
        spans, pos = [], 0
        for line in text.split("\n"):
            words = [w.casefold() for w in _TOKEN.findall(line) if len(w) > 1 and w.isalpha()]
            english = sum(self.lexicon.english(w) >= 3.0
                          and self.lexicon.english(w) > self.lexicon.zipf(w, False) + 1.0
                          for w in words)
            if words and english * 2 > len(words):
                spans.append((pos, pos + len(line)))
            pos += len(line) + 1
        return spans

    def broken_words(self, text: str) -> list[Change]:
        r"""Words a narrow box broke across lines without a hyphen (a PDF's or a scan's
        lines, as drawn): ``Timebo`` / ``oking``, ``behand`` / ``lingspl`` / ``an``. A line's
        last word and the next line's first (in lower case), or the next two lines' when the
        middle one is only a piece, are one word when joined they make a word the lexicon
        knows and one of the pieces is none (two words are left two: ``Digital`` /
        ``behandlingsplan``). Each join is a change that takes out the line break.

        >>> r = Repairer(Lexicon())
        >>> text = "Timebo\noking\nDigital\nbehandlingsplan"
        >>> [(c.before, c.after) for c in r.broken_words(text)]
        [('Timebo\noking', 'Timebooking')]
        >>> [c.after for c in r.broken_words("Delt behand\nlingspl\nan\ninforma\nsjon")]
        ['behandlingsplan', 'informasjon']
        """
        lines = text.split("\n")
        starts = list(itertools.accumulate([0] + [len(ln) + 1 for ln in lines]))
        out: list[Change] = []
        i = 0
        while i < len(lines) - 1:
            tail = _LINE_TAIL.search(lines[i])
            pieces, k = ([tail.group()] if tail else []), i + 1
            joined = None
            while tail and k < len(lines) and len(pieces) < BROKEN_PIECES:
                head = _LINE_HEAD.match(lines[k])
                if not head:
                    break
                pieces.append(head.group())
                if self._joins(pieces):
                    joined = ("".join(pieces), k, head.end())
                    break
                if head.end() != len(lines[k].rstrip()):
                    break  # the line goes on: its first word is no piece of a longer one
                k += 1
            if joined:
                word, k, end = joined
                start = starts[i] + tail.start()
                stop = starts[k] + end
                out.append(Change("broken-word", text[start:stop], word, start, stop))
                i = k
            else:
                i += 1
        return out

    def _joins(self, pieces: list[str]) -> bool:
        """Whether ``pieces`` (from consecutive lines) are one word: joined they are a word,
        and one of them is none, or the joined word is one of the catalogue's names' and
        a piece is not (``Helsen`` / ``orge``); a word before pieces that make a word of
        their own stays apart (``Digital`` / ``behand`` / ``lings-``)."""
        word = "".join(pieces)
        if not self._is_word(word):
            return False
        if len(pieces) > 2 and self._plain_word(pieces[0]) and self._is_word("".join(pieces[1:])):
            return False
        vocabulary = self.lexicon.vocabulary
        return not all(self._plain_word(p) for p in pieces) or (
            word.casefold() in vocabulary
            and not all(p.casefold() in vocabulary for p in pieces))

    def _is_word(self, word: str) -> bool:
        """A word of at least three letters that hunspell, wordfreq or the catalogue knows."""
        low = word.casefold()
        return len(low) >= 3 and (self.lexicon._listed(low) > 0 or self.lexicon.accepts(low))

    def _plain_word(self, word: str) -> bool:
        """A word of at least three letters that hunspell or the catalogue knows, or a
        common one (wordfreq's long tail lists pieces such as ``sjon`` and ``informa``)."""
        low = word.casefold()
        return len(low) >= 3 and (self.lexicon.accepts(low)
                                  or self.lexicon._listed(low) >= COMMON_PIECE_ZIPF)

    def looks_damaged(self, text: str) -> bool:
        """Whether ``text`` reads like OCR without Norwegian: at least two words (and 2% of
        the words) have a much likelier Norwegian spelling one confusion away."""
        tokens = [t for t in _TOKEN.findall(text) if len(t) >= 2 and not t.isdigit()]
        if not tokens:
            return False
        hits = sum(1 for t in tokens if (b := self.best(t, False)) and b[1] >= 1.5)
        return hits >= 2 and hits >= 0.02 * len(tokens)

    def repair(self, text: str, force: bool | None = None) -> Repaired:
        """Repair ``text`` if it looks damaged (or ``force``), keeping its line structure.

        >>> r = Repairer(Lexicon()).repair("Innfgring av brevlosning pa Sgr-@st", force=True)
        >>> r.text
        'Innføring av brevløsning på Sør-Øst'
        >>> [(c.before, c.after) for c in r.changes][:2]
        [('Innfgring', 'Innføring'), ('brevlosning', 'brevløsning')]
        """
        damaged = self.looks_damaged(text) if force is None else force
        if not damaged:
            return Repaired(text, [], False)
        changes: list[Change] = []
        for m in _OCR_BULLET.finditer(text):
            changes.append(Change("bullet", m.group(), "•", m.start(), m.end()))
        for m in _STRAY_QUOTE.finditer(text):
            changes.append(Change("stray-mark", m.group(1), "", m.start(1), m.end(1)))
        numbered = [m.span() for m in _LINE_WITH_NUMBER.finditer(text)]
        for m in _LONE_A.finditer(text):
            if m.group() == "4" and any(a <= m.start() < b for a, b in numbered):
                continue  # "fra 2 til 4" is a range
            changes.append(Change("lone-å", m.group(), "å", m.start(), m.end()))
        capital_i = [Change("capital-I", "l", "I", m.start(), m.end())
                     for m in _CAPITAL_I.finditer(text)]
        for m in _PAIR.finditer(text):
            phrase = _phrase(m.group(1))
            if phrase and phrase != m.group(1):
                changes.append(Change("confusion", m.group(1), phrase, m.start(1), m.end(1)))
        english = self._english_spans(text)
        kept = []  # readings the neighbours say are right: not for the word model to change
        for m in _CONTEXT_WORDS.finditer(text):
            meant = None if any(a <= m.start() < b for a, b in english) else _in_context(text, m)
            if meant:
                changes.append(Change("context", m.group(), meant, m.start(), m.end()))
            else:
                kept.append(m.span())
        for m in _MONTH.finditer(text):
            meant = MONTHS[m.group().casefold()]
            if not _DATE_BEFORE.search(text, max(0, m.start() - 4), m.start()) \
                    and self.lexicon.zipf(meant) > 0:
                changes.append(Change("context", m.group(), _restore_case(m.group(), meant),
                                      m.start(), m.end()))
        taken = {c.start for c in changes}
        spans = [(c.start, c.end) for c in changes] + kept
        for m in _TOKEN.finditer(text):
            if m.start() in taken or any(a <= m.start() < b for a, b in english + spans):
                continue
            name = m.group()[:1].isupper() and bool(_AFTER_CAPITAL.search(
                text, max(0, m.start() - 40), m.start()))
            found = self.best(m.group(), name=name)
            if found:
                after = found[0]
                if m.group()[:1] == "@" and _capital_context(text, m.start()):
                    after = after[:1].upper() + after[1:]
                changes.append(Change(found[2], m.group(), after, m.start(), m.end()))
        words = [(c.start, c.end) for c in changes]
        changes += [c for c in capital_i if not any(a <= c.start < b for a, b in words)]
        changes.sort(key=lambda c: c.start)
        return Repaired(apply_changes(text, changes), changes, True)


def _in_context(text: str, m: re.Match) -> str | None:
    """The meant word for a context-rule reading, or None when the neighbours say it is right.

    >>> import re
    >>> _in_context("Ting som bor endres", next(_CONTEXT_WORDS.finditer("Ting som bor endres")))
    'bør'
    >>> _in_context("som bor i Oslo", next(_CONTEXT_WORDS.finditer("som bor i Oslo"))) is None
    True
    """
    word = m.group()
    before = re.findall(r"[^\W\d_]+\.?", text[max(0, m.start() - 30):m.start()])
    after = re.findall(r"[^\W\d_]+\.?", text[m.end():m.end() + 30])
    prev = before[-1].casefold() if before else ""
    nxt = after[0].casefold() if after else ""
    for read, meant, right_after, right_before in CONTEXT_RULES:
        if word.casefold() != read:
            continue
        if not prev or prev in right_after or nxt in right_before \
                or (right_before and not nxt):
            return None
        return _restore_case(word, meant)
    return None


def _phrase(pair: str) -> str | None:
    """The known two-part name that ``pair`` is a damaged reading of, cased like it."""
    low = pair.casefold()
    if low in PHRASES:
        return pair
    sep = "-" if "-" in pair else " "
    for cand, _, rule in candidates(low):
        if rule == "confusion" and cand in PHRASES:
            parts = zip(pair.split(sep), cand.split(sep), strict=True)
            return sep.join(_restore_case(a if a[:1] != "@" else "X" + a[1:], b)
                            for a, b in parts)
    return None


def _capital_context(text: str, start: int) -> bool:
    """An "@" starting a word after a capitalized hyphenated part ("Sgr-@st") or at the start
    of a line or sentence stands for "Ø"."""
    before = text[max(0, start - 20):start]
    return bool(re.search(r"(?:^|[.!?]\s+|\n\s*)$", before) or re.search(r"[A-ZÆØÅ]\w*-$", before))


def apply_changes(text: str, changes: list[Change], offset: int = 0) -> str:
    """``text`` with ``changes`` applied (their offsets minus ``offset``)."""
    out, pos = [], 0
    for c in sorted(changes, key=lambda c: c.start):
        start, end = c.start - offset, c.end - offset
        if start < pos or start < 0 or end > len(text):
            continue
        out += [text[pos:start], c.after]
        pos = end
    return "".join(out) + text[pos:]


def vocabulary_from_names(names: list[str]) -> set[str]:
    return {w.casefold() for name in names for w in re.findall(r"[^\W\d_]{3,}", name)}


@functools.cache
def default_repairer(catalogue_path: str | None = None, more_names: tuple[str, ...] = ()
                     ) -> Repairer:
    """A repairer whose lexicon knows the catalogue's words and ``more_names`` (the names
    reviewers gave new initiatives and aliases); one per process and vocabulary.

    >>> default_repairer(None, ("Mjærum-rapporten",)).repair("Mjzerum-rapporten", True).text
    'Mjærum-rapporten'
    """
    from .catalogue import load_catalogue

    catalogue = load_catalogue(catalogue_path)
    names = [name for ini in catalogue.initiatives for name in ini.names] + list(more_names)
    return Repairer(Lexicon(vocabulary_from_names(names) | EXTRA_VOCABULARY))


#: Names and terms of the domain that general dictionaries lack.
EXTRA_VOCABULARY = {"helsenorge", "dips", "checkware", "helsami", "nilar", "helseplattformen",
                    "kjernejournal", "helsenett", "hemit", "eforsk", "eprom", "digihelse",
                    "helsekontakt", "produktstyret", "produktstyremøte", "veikart", "veikartet"}
