"""The document model as JSON, for the extraction and OCR caches: data only (unlike pickle,
reading an entry runs no code and names no importable object), readable across versions of
Python and of veikart's dependencies.

Dataclasses of :mod:`extractors.model` are objects tagged with their class name; tuples are
tagged so that boxes and table-cell positions come back as tuples; enums by value.

>>> from extractors.model import Block, Line
>>> b = Block("textbox", [Line("Timer 2.0", (1.0, 2.0, 3.0, 4.0))], (0.0, 0.0, 9.0, 9.0))
>>> loads(dumps(b)) == b
True
"""

from __future__ import annotations

import dataclasses
import json
from enum import Enum
from typing import Any

from . import model

#: The classes an entry may hold: the model's, and nothing else.
TYPES: dict[str, type] = {cls.__name__: cls for cls in (
    model.Origin, model.Line, model.Shape, model.Block, model.Page, model.Document)}
ENUMS: dict[str, type[Enum]] = {"Format": model.Format}


#: Each model class's field names, in their order (``dataclasses.fields`` builds them anew
#: at every call: a document's thousands of lines and boxes took a tenth of its extraction).
_FIELDS: dict[type, tuple[str, ...]] = {
    cls: tuple(f.name for f in dataclasses.fields(cls)) for cls in TYPES.values()}
_PLAIN = frozenset((str, int, float, bool, type(None)))


def _encode(value: Any) -> Any:
    """``value`` as JSON's types; the common types by their exact type first (a subclass,
    such as an enum of strings, takes :func:`_encode_any`'s way)."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is list:
        return [_encode(v) for v in value]
    if kind is tuple:
        return {"__tuple__": [_encode(v) for v in value]}
    names = _FIELDS.get(kind)
    if names is not None:
        return {"__type__": kind.__name__, **{name: _encode(getattr(value, name))
                                               for name in names}}
    return _encode_any(value)


def _encode_any(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        name = type(value).__name__
        if name not in TYPES:
            raise TypeError(f"cannot store {name} in the cache")
        return {"__type__": name, **{f.name: _encode(getattr(value, f.name))
                                      for f in dataclasses.fields(value)}}
    if isinstance(value, Enum):
        return {"__enum__": type(value).__name__, "value": value.value}
    if isinstance(value, tuple):
        return {"__tuple__": [_encode(v) for v in value]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {"__dict__": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"cannot store {type(value).__name__} in the cache")


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "__tuple__" in value:
        return tuple(_decode(v) for v in value["__tuple__"])
    if "__enum__" in value:
        return ENUMS[value["__enum__"]](value["value"])
    if "__dict__" in value:
        return {_decode(k): _decode(v) for k, v in value["__dict__"]}
    cls = TYPES[value["__type__"]]
    names = {f.name for f in dataclasses.fields(cls)}
    return cls(**{k: _decode(v) for k, v in value.items() if k in names})


def dumps(value: Any) -> str:
    return json.dumps(_encode(value), ensure_ascii=False, separators=(",", ":"))


def loads(text: str) -> Any:
    return _decode(json.loads(text))
