"""The typed model of one spec-mesh file and of a whole `.specify/` tree.

Frozen, slotted dataclasses: cheap to build, hashable, easy to compare in tests. Paths are
root-relative POSIX strings; lines are 1-based (0 means "the whole file").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from specmesh_tasks.model.ids import IdKind


class SpecKind(str, Enum):
    """The kind of a spec file, read from its `Spec Type:` line (path/ID as fallback)."""

    VISION = "vision"
    DOMAIN = "domain"
    SCREEN = "screen"
    FEATURE = "feature"
    FIX = "fix"
    TEST_SCENARIO = "test-scenario"
    UNKNOWN = "unknown"


class MarkerKind(str, Enum):
    """In-text markers the gates and the plan care about."""

    NEEDS_CLARIFICATION = "needs-clarification"
    DEFERRED = "deferred"
    HUMAN_CHECKPOINT = "human-checkpoint"
    TODO = "todo"
    USER_FEEDBACK = "user-feedback"
    PENDING_OVERVIEW_CHANGE = "pending-overview-change"
    OPEN_QUESTION = "open-question"  # unchecked `- [ ]` in an overview spec's Open Questions
    SUPPRESS = "suppress"  # `<!-- specmesh: ignore CODE -->`; text holds the codes


@dataclass(frozen=True, slots=True)
class Location:
    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True, slots=True)
class Problem:
    """Something the reader could not read as expected; the gates turn it into a finding."""

    code: str  # a catalogue code, e.g. "SM201"
    location: Location
    message: str


@dataclass(frozen=True, slots=True)
class HeaderField:
    key: str
    value: str
    line: int


@dataclass(frozen=True, slots=True)
class Section:
    """A `##`/`###`/`####` heading and the lines it spans (heading line to last line, inclusive)."""

    number: str  # "4", "2.1", "" when unnumbered
    title: str  # heading text without the number
    level: int  # 2 for `##`
    start: int
    end: int
    digest: str  # stable digest of the section's text (LF, trailing whitespace stripped)


@dataclass(frozen=True, slots=True)
class TableRow:
    cells: tuple[str, ...]
    line: int


@dataclass(frozen=True, slots=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[TableRow, ...]
    line: int  # the header line
    section: str  # number of the innermost enclosing section ("" if none)


@dataclass(frozen=True, slots=True)
class Marker:
    kind: MarkerKind
    text: str  # the whole marker as written, e.g. "[DEFERRED: PM approval]"
    location: Location
    section: str  # number (or title when unnumbered) of the enclosing section


@dataclass(frozen=True, slots=True)
class Definition:
    """Where an ID is defined: its home heading or the first cell of its home table row."""

    id: str
    kind: IdKind
    title: str
    location: Location
    end_line: int  # last line of the defining block (== location.line for a table row)
    digest: str  # digest of the block / row text: changes exactly when the requirement changes
    parent: str | None = None  # an FR's use case, a UC's feature, a master's domain spec ...


@dataclass(frozen=True, slots=True)
class Reference:
    """Any other occurrence of an ID (dependency tables, prose, Feature Index, tags ...)."""

    id: str
    kind: IdKind
    location: Location
    section: str  # enclosing section number or title ("" for the header)
    wildcard: bool = False  # `API-AUTH-*`
    in_code: bool = False  # inside a fenced code block (a mermaid diagram, an Original Input block)


@dataclass(frozen=True, slots=True)
class UseCase:
    id: str
    title: str
    priority: str | None  # "P1" ...
    actor: str | None
    acceptance_criteria: tuple[str, ...]
    location: Location
    end_line: int
    digest: str


@dataclass(frozen=True, slots=True)
class RequirementRow:
    """An FR, SC or FR-RULE row (or an FR heading in older specs)."""

    id: str
    kind: IdKind
    description: str
    related_use_cases: tuple[str, ...]
    priority: str | None
    location: Location
    digest: str


@dataclass(frozen=True, slots=True)
class DomainItem:
    """A master (`### M-…`) or API (`### API-…`) block of the domain spec."""

    id: str
    kind: IdKind
    title: str
    purpose: str
    location: Location
    end_line: int
    digest: str


@dataclass(frozen=True, slots=True)
class RuleRow:
    """A BR/VR/CR row of the domain spec's rules tables."""

    id: str
    description: str
    location: Location
    digest: str


@dataclass(frozen=True, slots=True)
class FeatureIndexRow:
    feature_id: str
    title: str
    path: str  # as written, backticks stripped
    status: str
    related: tuple[str, ...]
    location: Location


@dataclass(frozen=True, slots=True)
class ScreenIndexRow:
    screen_id: str
    name: str
    journey: str
    status: str
    location: Location


@dataclass(frozen=True, slots=True)
class DependencyRow:
    """A row of a feature's §2 dependency tables or §8.1 Related Screens."""

    id: str
    kind: IdKind
    name: str
    usage: str  # usage / description / how-it-applies / Type (Hard, Soft, Parallel) for features
    location: Location


@dataclass(frozen=True, slots=True)
class CoverageRow:
    """A row of the Testing Strategy's Test Coverage table."""

    target: str  # "UC-LOAN-001" / "FR-LOAN-003" / free text
    test_type: str
    description: str
    location: Location


@dataclass(frozen=True, slots=True)
class SpecDoc:
    """One parsed spec file."""

    path: str  # root-relative POSIX path
    kind: SpecKind
    title: str  # H1 text after `Feature Spec:` etc.
    h1_line: int
    headers: tuple[HeaderField, ...]
    sections: tuple[Section, ...]
    tables: tuple[Table, ...]
    markers: tuple[Marker, ...]
    definitions: tuple[Definition, ...]
    references: tuple[Reference, ...]
    use_cases: tuple[UseCase, ...] = ()
    requirements: tuple[RequirementRow, ...] = ()
    masters: tuple[DomainItem, ...] = ()
    apis: tuple[DomainItem, ...] = ()
    rules: tuple[RuleRow, ...] = ()
    feature_index: tuple[FeatureIndexRow, ...] = ()
    screen_index: tuple[ScreenIndexRow, ...] = ()
    dependencies: tuple[DependencyRow, ...] = ()
    coverage: tuple[CoverageRow, ...] = ()
    placeholders: tuple[Reference, ...] = ()  # unfilled template IDs such as `S-{AREA}-001`
    problems: tuple[Problem, ...] = ()
    line_count: int = 0
    digest: str = ""  # digest of the whole file's normalized text
    unfilled: tuple[HeaderField, ...] = ()  # header values / title still template text (`[OWNER]`)

    def header(self, key: str) -> str | None:
        """Value of the first header field named `key` (case-insensitive), or None."""
        wanted = key.casefold()
        for h in self.headers:
            if h.key.casefold() == wanted:
                return h.value
        return None

    def header_line(self, key: str) -> int:
        wanted = key.casefold()
        for h in self.headers:
            if h.key.casefold() == wanted:
                return h.line
        return 0

    @property
    def spec_id(self) -> str | None:
        return self.header("Spec ID") or self.header("Spec ID(s)")

    @property
    def status(self) -> str | None:
        return self.header("Status")

    def section(self, number: str = "", title: str = "") -> Section | None:
        """Find a section by number, else by title (case-insensitive substring)."""
        if number:
            for s in self.sections:
                if s.number == number and (not title or title.casefold() in s.title.casefold()):
                    return s
        if title:
            for s in self.sections:
                if title.casefold() in s.title.casefold():
                    return s
        return None


@dataclass(frozen=True, slots=True)
class MatrixDoc:
    """`cross-reference.json` as loaded (raw JSON kept; validation lives in the gates)."""

    path: str
    data: object  # parsed JSON, or None when unreadable
    problems: tuple[Problem, ...] = ()
    digest: str = ""
    references: tuple[Reference, ...] = ()  # every ID in the file (keys and values) with its line


@dataclass(frozen=True, slots=True)
class TestTag:
    """A spec ID cited by a test: `@pytest.mark.spec(...)` or an `@spec/@uc/@fr` comment."""

    __test__ = False  # not a pytest test class despite the name

    id: str
    location: Location
    test: str | None  # "test_fn", "TestClass::test_fn", "TestClass"; None = whole file
    source: str  # "marker" or "comment"


@dataclass(frozen=True, slots=True)
class Repo:
    """A whole `.specify/` tree (plus test tags) and its ID index."""

    root: str  # absolute POSIX path
    specs: tuple[SpecDoc, ...]
    matrix: MatrixDoc | None
    test_tags: tuple[TestTag, ...] = ()
    problems: tuple[Problem, ...] = ()
    definitions: dict[str, tuple[Definition, ...]] = field(default_factory=dict, hash=False)

    def spec_by_id(self, spec_id: str) -> SpecDoc | None:
        for s in self.specs:
            if s.spec_id == spec_id:
                return s
        return None

    def specs_of_kind(self, kind: SpecKind) -> tuple[SpecDoc, ...]:
        return tuple(s for s in self.specs if s.kind is kind)
