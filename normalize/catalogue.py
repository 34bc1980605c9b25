"""The catalogue of canonical initiatives: a human-edited YAML file, loaded and checked."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml

from veikart.errors import CatalogueError

from .lexicon import NATIONAL, REGIONS

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class Initiative:
    id: str
    name: str
    aliases: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    group: str | None = None
    kind: str = "project"

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass
class Catalogue:
    initiatives: list[Initiative]
    path: str = ""
    by_id: dict[str, Initiative] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_id = {i.id: i for i in self.initiatives}

    def group_name(self, initiative_id: str | None) -> str | None:
        """The name of the common service an initiative belongs to (itself for a group)."""
        ini = self.by_id.get(initiative_id or "")
        if ini is None:
            return None
        if ini.kind == "group":
            return ini.name
        group = self.by_id.get(ini.group or "")
        return group.name if group else None


#: libyaml's safe loader where PyYAML has it: the same objects as ``yaml.safe_load`` in a
#: tenth of the time (a run loads the catalogue three times: 20 ms each in Python).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def default_path() -> Path:
    return Path(str(resources.files("normalize") / "data" / "catalogue.yaml"))


def model_path() -> Path:
    """The matcher's fitted model (``benchmarks/calibrate_matcher.py`` writes it); here,
    beside the catalogue, because a run's pipeline key hashes both without matching."""
    return Path(str(resources.files("normalize") / "data" / "match_model.json"))


def with_overlay(catalogue: Catalogue, overlay: list[dict]) -> Catalogue:
    """The catalogue plus initiatives and aliases added through review (``overlay`` entries:
    kind "initiative" or "alias", initiative_id, name)."""
    entries = {i.id: i for i in catalogue.initiatives}
    order = [i.id for i in catalogue.initiatives]
    for o in overlay:
        iid, name = o["initiative_id"], o["name"]
        if o["kind"] == "initiative" and iid not in entries:
            entries[iid] = Initiative(iid, name)
            order.append(iid)
        elif o["kind"] == "alias" and iid in entries and name not in entries[iid].names:
            old = entries[iid]
            entries[iid] = Initiative(old.id, old.name, (*old.aliases, name), old.regions,
                                      old.group, old.kind)
    return Catalogue([entries[i] for i in order], catalogue.path)


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """Load and validate a catalogue; CatalogueError with the file and the problem if bad.

    >>> cat = load_catalogue()
    >>> cat.by_id["timer-2-0"].name, cat.group_name("timer-2-0")
    ('Timer 2.0', 'Mine timeavtaler (Timer 2.0)')
    """
    path = Path(path) if path else default_path()
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except (OSError, yaml.YAMLError) as err:
        raise CatalogueError(f"{path}: cannot read the catalogue ({err})") from None
    entries = (data or {}).get("initiatives") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise CatalogueError(f"{path}: no 'initiatives' list")
    initiatives, seen = [], set()
    allowed_regions = set(REGIONS) | {NATIONAL}
    for n, entry in enumerate(entries, start=1):
        where = f"{path}: initiative #{n}"
        if not isinstance(entry, dict) or not entry.get("id") or not entry.get("name"):
            raise CatalogueError(f"{where}: needs an id and a name")
        iid = str(entry["id"])
        if not _ID.match(iid) or iid in seen:
            raise CatalogueError(f"{where}: id {iid!r} is malformed or used twice")
        seen.add(iid)
        regions = tuple(entry.get("regions") or ())
        bad = [r for r in regions if r not in allowed_regions]
        if bad:
            raise CatalogueError(f"{where} ({iid}): unknown region {bad[0]!r}")
        initiatives.append(Initiative(iid, str(entry["name"]),
                                      tuple(str(a) for a in entry.get("aliases") or ()),
                                      regions, entry.get("group"), entry.get("kind", "project")))
    for ini in initiatives:
        if ini.group and ini.group not in seen:
            raise CatalogueError(f"{path}: {ini.id} names unknown group {ini.group!r}")
    return Catalogue(initiatives, str(path))
