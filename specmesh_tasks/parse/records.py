"""Fast constructors of the model's records, for the reader's hot path: the one interpreter trick
the reader keeps.

`new_use_case(...)` takes the parameters of `UseCase(...)` and returns an ordinary `UseCase`,
built faster. A frozen dataclass's `__init__` stores every field through `object.__setattr__`; the
stand-in (`fast_constructor`) is a non-frozen twin class with the same slots, generated with
`exec` as `dataclass` generates its own `__init__`, that stores the fields directly and then turns
the object into a `cls` (`__class__` assignment is allowed between classes with the same slot
layout). Equality, hashing, `FrozenInstanceError`, pickling and `dataclasses.replace` are those of
`cls`. Only the reader uses these; everything else calls the classes themselves.

Measured gain (A/B, same run, instruction counts under callgrind, which the shared machine's load
does not move): parsing 50 generated 200-line feature specs (bench/parse.py's work) takes 13.5 %
fewer instructions than with the plain constructors (349 M vs 404 M); whole-process cpu medians
for 1000 specs were 1.04-1.10x without it. On the commands it is smaller (`load_repo` of 30 specs
3.6 %, whole process; `specmesh gates` cold and `plan` full within noise). Its cost: a generated
class per record type, and `type(...)` of a record under construction is the twin (never seen
outside this module: the twin turns into `cls` before `__init__` returns).
"""

from __future__ import annotations

from dataclasses import MISSING, fields
from typing import Any, TypeVar

from specmesh_tasks.model.spec import (
    CoverageRow,
    Definition,
    DependencyRow,
    DomainItem,
    FeatureIndexRow,
    HeaderField,
    Location,
    Marker,
    Problem,
    Reference,
    RequirementRow,
    RuleRow,
    ScreenIndexRow,
    Section,
    SpecDoc,
    Table,
    TableRow,
    UseCase,
)

_T = TypeVar("_T")


def fast_constructor(cls: type[_T]) -> type[_T]:
    """A stand-in for `cls(...)` (same parameters) that builds a frozen slotted dataclass faster.

    Why: a frozen dataclass's `__init__` stores every field through `object.__setattr__`, which
    made building the model a large part of the reader's time (a parse builds ~200 objects). The
    stand-in is a non-frozen twin with the same slots, whose `__init__` stores the fields directly
    and then makes the object a `cls` (`__class__` assignment is allowed between classes with the
    same slot layout). What it returns is an ordinary `cls` instance: equality, hashing,
    `FrozenInstanceError`, pickling and `dataclasses.replace` are those of `cls`. Typed as
    `type[cls]` so that calls are checked against `cls`'s fields; use it only to call. The
    `__init__` is generated from the fields, as `dataclass` generates its own.
    """
    items = fields(cls)  # type: ignore[arg-type]  # a dataclass, checked by fields() itself
    if any(item.default_factory is not MISSING or not item.init or item.kw_only for item in items):
        raise TypeError(f"{cls.__name__}: only plain fields with plain defaults are supported")
    names = tuple(item.name for item in items)
    params = ", ".join(item.name if item.default is MISSING else f"{item.name}=_default_{item.name}"
                       for item in items)
    body = "".join(f"    self.{name} = {name}\n" for name in names)
    scope: dict[str, Any] = {f"_default_{item.name}": item.default for item in items}
    scope["_cls"] = cls
    exec(f"def __init__(self, {params}):\n{body}    self.__class__ = _cls\n", scope)
    twin = type(f"_Fast{cls.__name__}", (), {"__slots__": names, "__init__": scope["__init__"],
                                             "__module__": cls.__module__})
    return twin  # type: ignore[return-value]  # builds `cls` instances: see above


new_coverage_row = fast_constructor(CoverageRow)
new_definition = fast_constructor(Definition)
new_dependency_row = fast_constructor(DependencyRow)
new_domain_item = fast_constructor(DomainItem)
new_feature_index_row = fast_constructor(FeatureIndexRow)
new_header_field = fast_constructor(HeaderField)
new_location = fast_constructor(Location)
new_marker = fast_constructor(Marker)
new_problem = fast_constructor(Problem)
new_reference = fast_constructor(Reference)
new_requirement_row = fast_constructor(RequirementRow)
new_rule_row = fast_constructor(RuleRow)
new_screen_index_row = fast_constructor(ScreenIndexRow)
new_section = fast_constructor(Section)
new_spec_doc = fast_constructor(SpecDoc)
new_table = fast_constructor(Table)
new_table_row = fast_constructor(TableRow)
new_use_case = fast_constructor(UseCase)
