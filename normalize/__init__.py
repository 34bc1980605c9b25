"""Normalize stage: items, layout, attributes and catalogue matching for extracted documents.

The names below are imported from their modules when first used, so that a module that needs
one light part (the catalogue, the closed vocabularies of ``model``) does not import the
whole stage (layout, matching, repair: ≈ 0.5 s), nor spaCy, which only matching needs.

>>> import normalize
>>> sorted(normalize._WHERE) == normalize.__all__, normalize.Matcher.__module__
(True, 'normalize.match')
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .catalogue import Catalogue, Initiative, load_catalogue
    from .document import normalize_document
    from .match import Match, Matcher, normalize_name
    from .model import Item, NormalizedDocument

#: Each name this package offers, and the module it lives in.
_WHERE = {"Catalogue": "catalogue", "Initiative": "catalogue", "load_catalogue": "catalogue",
          "normalize_document": "document", "Match": "match", "Matcher": "match",
          "normalize_name": "match", "Item": "model", "NormalizedDocument": "model"}

__all__ = ["Catalogue", "Initiative", "Item", "Match", "Matcher", "NormalizedDocument",
           "load_catalogue", "normalize_document", "normalize_name"]


def __getattr__(name: str) -> object:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    globals()[name] = value
    return value
