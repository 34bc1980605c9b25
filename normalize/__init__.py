"""Normalize stage: items, layout, attributes and catalogue matching for extracted documents."""

from .catalogue import Catalogue, Initiative, load_catalogue
from .document import normalize_document
from .match import Match, Matcher, normalize_name
from .model import Item, NormalizedDocument

__all__ = ["Catalogue", "Initiative", "Item", "Match", "Matcher", "NormalizedDocument",
           "load_catalogue", "normalize_document", "normalize_name"]
