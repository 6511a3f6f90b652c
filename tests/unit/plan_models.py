"""Model objects for the plan renderer's unit tests, built directly (no reader involved)."""

from __future__ import annotations

from specmesh_tasks.model.ids import IdKind
from specmesh_tasks.model.spec import (
    CoverageRow,
    DependencyRow,
    DomainItem,
    HeaderField,
    Location,
    Marker,
    MarkerKind,
    Repo,
    Section,
    SpecDoc,
    SpecKind,
    UseCase,
)

FEATURE = ".specify/specs/features/sloan001-lending/spec.md"
DOMAIN = ".specify/specs/overview/domain/spec.md"
FEATURE_HEADERS = {
    "Spec Type": "Feature",
    "Spec ID": "S-LOAN-001",
    "Status": "Approved",
    "Author": "Hana Yamada",
    "Related Issue(s)": "#12",
    "Related Domain": "S-DOMAIN-001",
    "Related Screen": "S-SCREEN-001",
}


def at(line: int, file: str = FEATURE) -> Location:
    return Location(file, line)


def headers(values: dict[str, str]) -> tuple[HeaderField, ...]:
    return tuple(HeaderField(k, v, i + 3) for i, (k, v) in enumerate(values.items()))


def use_case(uc_id: str, title: str, line: int = 40) -> UseCase:
    return UseCase(uc_id, title, "P1", "Librarian", (), at(line), line + 5, "d-" + uc_id)


def dep(item_id: str, kind: IdKind, name: str = "", usage: str = "", line: int = 20) -> DependencyRow:
    return DependencyRow(item_id, kind, name, usage, at(line))


def spec_doc(
    kind: SpecKind = SpecKind.FEATURE,
    path: str = FEATURE,
    title: str = "Lending",
    header: dict[str, str] | None = None,
    **fields: object,
) -> SpecDoc:
    values = dict(FEATURE_HEADERS if header is None else header)
    return SpecDoc(
        path=path,
        kind=kind,
        title=title,
        h1_line=1,
        headers=headers(values),
        sections=fields.pop("sections", ()),  # type: ignore[arg-type]
        tables=(),
        markers=fields.pop("markers", ()),  # type: ignore[arg-type]
        definitions=(),
        references=fields.pop("references", ()),  # type: ignore[arg-type]
        **fields,
    )  # type: ignore[arg-type]


def lending(**fields: object) -> SpecDoc:
    """S-LOAN-001 with two use cases, domain and feature dependencies, tests and a deferred item."""
    base: dict[str, object] = {
        "use_cases": (use_case("UC-LOAN-001", "Borrow a book"), use_case("UC-LOAN-002", "Return a book", 60)),
        "dependencies": (
            dep("M-BOOK", IdKind.MASTER, "Book"),
            dep("M-LOAN", IdKind.MASTER, "Loan"),
            dep("API-LOAN-CREATE", IdKind.API),
            dep("API-AUTH-*", IdKind.API),
            dep("API-LOAN-RENEW", IdKind.API),
            dep("BR-001", IdKind.RULE),
            dep("S-MEMBER-001", IdKind.FEATURE, "members first", "Hard", 30),
            dep("SCR-002", IdKind.SCREEN, line=90),
            dep("SCR-001", IdKind.SCREEN, line=91),
        ),
        "coverage": (
            CoverageRow("UC-LOAN-001", "E2E", "lend at the desk", at(100)),
            CoverageRow("FR-LOAN-002", "Unit", "due date", at(101)),
            CoverageRow("UC-LOAN-002", "Manual", "walkthrough", at(102)),
        ),
        "markers": (
            Marker(MarkerKind.DEFERRED, "[DEFERRED: board decides]", at(47), "UC-LOAN-001: Borrow a book"),
        ),
        "sections": (Section("2", "Domain Dependencies", 2, 15, 35, "x"),),
    }
    base.update(fields)
    return spec_doc(**base)  # type: ignore[arg-type]


def domain(
    masters: tuple[tuple[str, str, str], ...] = (
        ("M-BOOK", "Book", "A title."),
        ("M-LOAN", "Loan", "A loan."),
    ),
    apis: tuple[str, ...] = ("API-LOAN-CREATE", "API-AUTH-LOGIN", "API-AUTH-LOGOUT"),
) -> SpecDoc:
    items = tuple(
        DomainItem(m, IdKind.MASTER, t, p, at(10 + i, DOMAIN), 12 + i, "d" + m)
        for i, (m, t, p) in enumerate(masters)
    )
    api_items = tuple(
        DomainItem(a, IdKind.API, a.title().replace("-", " "), "", at(50 + i, DOMAIN), 52 + i, "d" + a)
        for i, a in enumerate(apis)
    )
    return spec_doc(
        SpecKind.DOMAIN,
        DOMAIN,
        "Library",
        {"Spec Type": "Domain", "Spec ID": "S-DOMAIN-001", "Status": "Approved"},
        masters=items,
        apis=api_items,
    )


def other(spec_id: str, title: str, status: str, kind: SpecKind = SpecKind.FEATURE) -> SpecDoc:
    path = f".specify/specs/features/{spec_id.lower()}/spec.md"
    return spec_doc(
        kind, path, title, {"Spec Type": kind.value.title(), "Spec ID": spec_id, "Status": status}
    )


def repo(*specs: SpecDoc) -> Repo:
    return Repo(root="/repo", specs=specs, matrix=None)


def full_repo(feature: SpecDoc | None = None) -> Repo:
    """The lending feature with a domain spec, the screen/vision specs and the member feature."""
    return repo(
        feature or lending(),
        domain(),
        other("S-SCREEN-001", "Screens", "Approved", SpecKind.SCREEN),
        other("S-MEMBER-001", "Members", "Approved"),
    )
