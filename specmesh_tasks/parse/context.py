"""What every extractor of one spec file shares, and the collector they fill."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from specmesh_tasks.model.ids import IdKind
from specmesh_tasks.model.spec import (
    CoverageRow,
    Definition,
    DependencyRow,
    DomainItem,
    FeatureIndexRow,
    Location,
    RequirementRow,
    RuleRow,
    ScreenIndexRow,
    SpecKind,
    UseCase,
)
from specmesh_tasks.parse.markdown import MarkdownDoc
from specmesh_tasks.parse.records import new_definition, new_location
from specmesh_tasks.parse.sections import SectionIndex, text_digest


class _Locations(dict[int, Location]):
    """One shared Location per line of a file, made on first use (many IDs sit on one line)."""

    __slots__ = ("rel",)

    def __init__(self, rel: str) -> None:
        super().__init__()
        self.rel = rel

    def __missing__(self, line: int) -> Location:
        found = self[line] = new_location(self.rel, line)
        return found


@dataclass(slots=True)
class SpecContext:
    """One file being read: its split text, sections and identity."""

    rel: str
    kind: SpecKind
    spec_id: str | None  # the spec's own ID when it is a real ID (parent of its items)
    doc: MarkdownDoc
    index: SectionIndex
    # `loc(line)`: the shared Location of a line. A dict lookup rather than a method, because it
    # runs for every ID and row found: a hit costs no Python call at all.
    loc: Callable[[int], Location] = field(init=False)

    def __post_init__(self) -> None:
        self.loc = _Locations(self.rel).__getitem__


@dataclass(slots=True)
class Collected:
    """Everything the extractors find; `claimed` marks (line, id) tokens that are definitions."""

    definitions: list[Definition] = field(default_factory=list)
    claimed: set[tuple[int, str]] = field(default_factory=set)
    use_cases: list[UseCase] = field(default_factory=list)
    requirements: list[RequirementRow] = field(default_factory=list)
    masters: list[DomainItem] = field(default_factory=list)
    apis: list[DomainItem] = field(default_factory=list)
    rules: list[RuleRow] = field(default_factory=list)
    feature_index: list[FeatureIndexRow] = field(default_factory=list)
    screen_index: list[ScreenIndexRow] = field(default_factory=list)
    dependencies: list[DependencyRow] = field(default_factory=list)
    coverage: list[CoverageRow] = field(default_factory=list)

    def define(self, ctx: SpecContext, item_id: str, kind: IdKind, title: str, line: int,
               end_line: int, digest: str, parent: str | None) -> None:
        """Record the definition of `item_id` at its home (heading or first cell on `line`)."""
        self.definitions.append(new_definition(item_id, kind, title, ctx.loc(line), end_line, digest, parent))
        self.claimed.add((line, item_id))


def row_digest(cells: tuple[str, ...]) -> str:
    """A table row's digest from its cells, so re-aligning the table's columns is not a change."""
    return text_digest(" | ".join(cells))
