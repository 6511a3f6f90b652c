"""The reader's fast constructors build ordinary, frozen model objects (parse.records.fast_constructor)."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
from typing import Any

import pytest

from specmesh_tasks.model import spec as model
from specmesh_tasks.model.ids import IdKind
from specmesh_tasks.model.spec import Location, Reference, Repo
from specmesh_tasks.parse import records
from specmesh_tasks.parse.records import fast_constructor

FAST = {name: value for name, value in vars(records).items() if name.startswith("new_")}


def _sample(cls: type) -> dict[str, Any]:
    """A value for every field of `cls` (strings and ints are enough: nothing is validated)."""
    return {f.name: (7 if f.type == "int" else f"{cls.__name__}.{f.name}") for f in dataclasses.fields(cls)}


def _model_class(name: str) -> type:
    return next(cls for cls in vars(model).values()
                if isinstance(cls, type) and name == "new_" + _snake(cls.__name__))


def _params(callable_: Any) -> list[tuple[str, Any, Any]]:
    """Names, kinds and defaults of the parameters (annotations left out)."""
    return [(p.name, p.kind, p.default) for p in inspect.signature(callable_).parameters.values()]


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")


def test_every_fast_constructor_matches_its_class_signature() -> None:
    assert len(FAST) >= 15
    for name, fast in FAST.items():
        cls = _model_class(name)
        assert _params(fast) == _params(cls), name
        assert fast.__slots__ == tuple(f.name for f in dataclasses.fields(cls)), name


@pytest.mark.parametrize("name", sorted(FAST))
def test_fast_objects_are_the_classes_own_objects(name: str) -> None:
    cls = _model_class(name)
    values = _sample(cls)
    built, expected = FAST[name](**values), cls(**values)
    assert type(built) is cls and built == expected and hash(built) == hash(expected)
    assert repr(built) == repr(expected) and dataclasses.astuple(built) == dataclasses.astuple(expected)
    assert pickle.loads(pickle.dumps(built)) == expected and copy.deepcopy(built) == expected
    first = dataclasses.fields(cls)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(built, first, "changed")
    assert dataclasses.replace(built, **{first: "other"}) == dataclasses.replace(expected, **{first: "other"})


def test_defaults_are_the_classes_defaults() -> None:
    fast = fast_constructor(Reference)
    built = fast("UC-A-001", IdKind.USE_CASE, Location("f.md", 3), "4")
    assert (built.wildcard, built.in_code) == (False, False)
    assert built == Reference("UC-A-001", IdKind.USE_CASE, Location("f.md", 3), "4")
    assert str(fast_constructor(Location)("f.md", 3)) == "f.md:3"


def test_a_class_with_a_default_factory_is_refused() -> None:
    with pytest.raises(TypeError, match="Repo"):
        fast_constructor(Repo)
