"""The roadmap deck generator (scripts/layout_generator.py) itself: determinism, the
dev/held-out/blind splits, truth that matches what is drawn. No veikart reading here."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import layout_generator as gen  # noqa: E402

CANONICAL = re.compile(r"^(20\d\d(-20\d\d|→)?|Lenger sikt)$")


def pptx_text(path: Path) -> dict[int, str]:
    """Slide number -> all text on it (groups and tables included), line breaks as \\n."""
    from pptx import Presentation

    def walk(shapes):
        for shape in shapes:
            if shape.shape_type is not None and shape.shape_type == 6:  # group
                yield from walk(shape.shapes)
            elif getattr(shape, "has_table", False) and shape.has_table:
                for row in shape.table.rows:
                    for cell in row.cells:
                        yield cell.text_frame.text
            elif getattr(shape, "has_text_frame", False) and shape.has_text_frame:
                yield shape.text_frame.text

    prs = Presentation(str(path))
    return {i + 1: "\n".join(walk(slide.shapes)).replace("\v", "\n")
            for i, slide in enumerate(prs.slides)}


def test_deck_is_deterministic():
    for family in gen.FAMILIES:
        a, b = gen.make_deck(family, "heldout", 3), gen.make_deck(family, "heldout", 3)
        assert a.truth == b.truth and a.params == b.params
        assert repr(a.slides) == repr(b.slides)
    assert gen.make_deck("grid", "dev", 0).truth != gen.make_deck("grid", "dev", 1).truth


def test_splits_share_no_initiative_and_seeds_are_disjoint():
    dev, held = set(), set()
    for family in gen.FAMILIES:
        for index in range(6):
            dev |= {t["initiative_id"] for t in gen.make_deck(family, "dev", index).truth}
            held |= {t["initiative_id"] for t in gen.make_deck(family, "heldout", index).truth}
    dev.discard(None)
    held.discard(None)
    assert dev and held and not dev & held
    assert all(gen.split_of(i) == "dev" for i in dev)
    share = len(gen.initiatives("dev")) / len(gen.initiatives())
    assert 0.45 < share < 0.75
    assert max(gen.deck_seed(f, "dev", 999) for f in gen.FAMILIES) < 10000
    assert min(gen.deck_seed(f, "heldout", 0) for f in gen.FAMILIES) >= 100000


def test_wording_pools_differ_between_splits():
    dev, held = gen.POOLS["dev"], gen.POOLS["heldout"]
    for key in ("titles", "footers", "notes", "item_notes", "decoys", "fonts"):
        assert not set(dev[key]) & set(held[key]), key
    names = {n.casefold() for i in gen.initiatives() for n in (i.name, *i.aliases)}
    assert not {d.casefold() for d in dev["decoys"] + held["decoys"]} & names


def _leaves(pool) -> set[str]:
    """All strings in a wording pool (dict values, lists, tuples), keys left out."""
    if isinstance(pool, str):
        return {pool}
    values = pool.values() if isinstance(pool, dict) else pool
    return set().union(*(_leaves(v) for v in values))


def test_blind_split_is_deterministic_and_shares_no_wording():
    # Compares strings without printing them: the blind pools are not to be read by the tuner.
    # (so every check is reduced to a bool before it is asserted).
    held_ids = {i.id for i in gen.initiatives("heldout")}
    for family in gen.FAMILIES:
        a, b = gen.make_deck(family, "blind", 0), gen.make_deck(family, "blind", 0)
        same = a.truth == b.truth and repr(a.slides) == repr(b.slides)
        assert same, f"blind {family} deck is not deterministic"
        held_only = {t["initiative_id"] for t in a.truth} - {None} <= held_ids
        assert held_only, f"blind {family} deck uses a dev initiative"
    seeds = {gen.deck_seed(f, s, i) for f in gen.FAMILIES for s in ("dev", "heldout")
             for i in (0, 999)}
    assert min(gen.deck_seed(f, "blind", 0) for f in gen.FAMILIES) > max(seeds)
    blind = gen.POOLS["blind"]
    assert sorted(blind) == sorted(gen.POOLS["dev"])
    shared = _leaves(blind) & (_leaves(gen.POOLS["dev"]) | _leaves(gen.POOLS["heldout"]))
    n_shared = len(shared - {"square"})  # "square" is a legend-style keyword, not wording
    assert n_shared == 0, f"{n_shared} blind pool strings also in dev/heldout"
    names = {n.casefold() for i in gen.initiatives() for n in (i.name, *i.aliases)}
    n_known = len({d.casefold() for d in blind["decoys"]} & names)
    assert n_known == 0, f"{n_known} blind decoys are catalogue names"


def test_truth_is_canonical_and_complete():
    for family in gen.FAMILIES:
        for split in gen.SPLITS:
            for index in range(4):
                deck = gen.make_deck(family, split, index)
                assert deck.truth, (family, split, index)
                for t in deck.truth:
                    assert t["region"] in gen.REGIONS
                    assert CANONICAL.match(t["period"]), t["period"]
                    assert t["status"] in (None, *gen.STATUSES)
                    assert t["status_shown"] == (t["status"] is not None)
                    assert t["status_by"] in (None, "text-colour", "fill-colour", "word")
                    assert 1 < t["slide"] <= len(deck.slides)
                    assert deck.slides[t["slide"] - 1].kind == "roadmap"
                    if family != "timeline":
                        assert (t["period_start"], t["period_end"]) == \
                            gen.canonical_period(t["period"])
                    else:
                        assert t["period_start"] is not None


def test_drawn_text_is_in_the_pptx(tmp_path):
    for family in gen.FAMILIES:
        for split in gen.SPLITS:
            deck = gen.make_deck(family, split, 1)
            path = gen.write_pptx(deck, tmp_path / f"{family}-{split}.pptx")
            texts = pptx_text(path)
            for t in deck.truth:
                assert t["drawn_text"] in texts[t["slide"]], (family, split, t["drawn_text"])


def test_groups_have_scaled_child_spaces(tmp_path):
    from pptx import Presentation
    from pptx.oxml.ns import qn

    deck = gen.make_deck("shape_per_item", "dev", 0)
    prs = Presentation(str(gen.write_pptx(deck, tmp_path / "d.pptx")))
    xml = prs.slides[deck.truth[0]["slide"] - 1].shapes._spTree
    scaled = [x for x in xml.iter(qn("a:xfrm")) if x.find(qn("a:chExt")) is not None
              and x.find(qn("a:chExt")).get("cx") != x.find(qn("a:ext")).get("cx")]
    assert scaled
    assert any(len(list(g.iterancestors(qn("p:grpSp")))) >= 1
               for g in xml.iter(qn("p:grpSp")))


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_pdf_export_has_the_items_text(tmp_path):
    import pdfplumber

    deck = gen.make_deck("table", "dev", 2)
    made = [(deck, {"pptx": gen.write_pptx(deck, tmp_path / "t.pptx")})]
    gen.export_pdfs(made)
    with pdfplumber.open(made[0][1]["pdf"]) as pdf:
        pages = {i + 1: " ".join((p.extract_text() or "").split())
                 for i, p in enumerate(pdf.pages)}
    for t in deck.truth:
        words = t["drawn_text"].split()
        assert all(w in pages[t["slide"]] for w in words), t["drawn_text"]


def test_fixtures_match_the_generator(tmp_path):
    written = gen.write_fixtures(tmp_path)
    assert len(written) == 2 * len(gen.FIXTURE_DECKS)
    for family, index in gen.FIXTURE_DECKS:
        fixture = gen.FIXTURE_DIR / f"{family}-dev-{index}.truth.json"
        assert fixture.exists(), "run: scripts/layout_generator.py --fixtures"
        assert fixture.read_text("utf-8") == (tmp_path / fixture.name).read_text("utf-8")
