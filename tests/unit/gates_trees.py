"""Spec trees for the gates tests: a clean base project and helpers to vary it.

`BASE` passes every gate rule with no finding at all. Each rule test changes one file of it
(`with_files`, `edit`) to trigger exactly that rule, and checks the base stays clean.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

DOMAIN = ".specify/specs/overview/domain/spec.md"
SCREEN = ".specify/specs/overview/screen/spec.md"
VISION = ".specify/specs/overview/vision/spec.md"
MATRIX = ".specify/specs/overview/matrix/cross-reference.json"
LOAN = ".specify/specs/features/sloan001-book-lending/spec.md"
BOOK = ".specify/specs/features/sbook001-catalog/spec.md"
TESTS = "tests/test_lending.py"


def _d(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


BASE: dict[str, str | bytes] = {
    VISION: _d("""
        # Vision Spec: Library

        Spec Type: Vision
        Spec ID: S-VISION-001
        Created: 2025-01-05
        Status: Approved
        Author: Library team

        ---

        ## 1. System Purpose

        Members borrow books without queueing at the desk.

        ## 8. Open Questions

        - [x] Do we lend e-books? (No.)
        """),
    DOMAIN: _d("""
        # Domain Spec: Library

        Spec Type: Domain
        Spec ID: S-DOMAIN-001
        Created: 2025-01-06
        Status: Approved
        Author: Library team
        Related Vision: S-VISION-001
        Related Screen: S-SCREEN-001

        ---

        ## 3. Master Data Definitions (M-*)

        ### M-BOOK: Book

        **Purpose:** A title the library owns.

        ### M-LOAN: Loan

        **Purpose:** One book lent to one member.

        ## 4. API Contracts (API-*)

        ### API-BOOK-LIST: List books

        **Purpose:** Browse the catalogue.

        ### API-LOAN-CREATE: Borrow a book

        **Purpose:** Lend a book to a member (uses M-BOOK, M-LOAN).

        ## 5. Business Rules

        ### 5.1 Domain Rules

        | Rule ID | Description | Applies To |
        |---|---|---|
        | BR-001 | A member holds at most 5 loans | M-LOAN |

        ### 5.2 Validation Rules

        | Rule ID | Field/Entity | Validation | Error Message |
        |---|---|---|---|
        | VR-001 | M-BOOK.isbn | valid ISBN-13 | Invalid ISBN |

        ## 8. Feature Index

        | Feature ID | Title | Path | Status | Related M-*/API-* |
        |---|---|---|---|---|
        | S-BOOK-001 | Catalogue | .specify/specs/features/sbook001-catalog/spec.md | Implemented | M-BOOK |
        | S-LOAN-001 | Book lending | `.specify/specs/features/sloan001-book-lending/` | Approved | M-LOAN |

        ## 9. Open Questions

        - [x] Are fines part of this release? (No.)
        """),
    SCREEN: _d("""
        # Screen Spec: Library

        Spec Type: Screen
        Spec ID: S-SCREEN-001
        Created: 2025-01-06
        Status: Approved
        Author: Library team

        ---

        ## 2. Screen Index

        | Screen ID | Name | Journey | Status |
        |---|---|---|---|
        | SCR-001 | Book list | J-1 | Implemented |
        | SCR-002 | Loan form | J-1 | Planned |

        ## 4. Screen Details

        ### SCR-001: Book list

        **Purpose:** Browse books. Has a wireframe WF-SCR-001-HDR and an image SCR-001-original.png.

        ### SCR-002: Loan form

        **Purpose:** Borrow a book.
        """),
    MATRIX: _d("""
        {
          "screens": {
            "SCR-001": {"name": "Book list", "masters": ["M-BOOK"],
                        "apis": ["API-BOOK-LIST"], "features": ["S-BOOK-001"]},
            "SCR-002": {"name": "Loan form", "masters": ["M-LOAN"],
                        "apis": ["API-LOAN-CREATE"], "features": ["S-LOAN-001"]}
          },
          "features": {
            "S-BOOK-001": {"title": "Catalogue", "screens": ["SCR-001"], "masters": ["M-BOOK"],
                           "apis": ["API-BOOK-LIST"], "rules": ["VR-001"]},
            "S-LOAN-001": {"title": "Book lending", "screens": ["SCR-002"], "masters": ["M-BOOK", "M-LOAN"],
                           "apis": ["API-LOAN-CREATE"], "rules": ["BR-001"], "dependencies": ["S-BOOK-001"]}
          },
          "permissions": {"API-BOOK-LIST": ["*"], "API-LOAN-CREATE": ["member"]}
        }
        """),
    BOOK: _d("""
        # Feature Spec: Catalogue

        Spec Type: Feature
        Spec ID: S-BOOK-001
        Created: 2025-01-07
        Status: Implemented
        Author: Catalogue team
        Related Domain: S-DOMAIN-001

        ---

        ## 2. Domain Dependencies

        ### 2.1 Master Data Dependencies

        | Master ID | Name | Usage in this Feature |
        |---|---|---|
        | M-BOOK | Book | read |

        ### 2.2 API Dependencies

        | API ID | Name | Usage |
        |---|---|---|
        | API-BOOK-LIST | List books | browse |

        ### 2.3 Business Rules Dependencies

        | Rule ID | Description | How it applies |
        |---|---|---|
        | VR-001 | ISBN check | on import |

        ## 4. User Stories / Use Cases

        ### UC-BOOK-001: Browse the catalogue

        **Priority:** P1

        ## 5. Functional Requirements (FR)

        | FR ID | Description | Related UC | Priority |
        |---|---|---|---|
        | FR-BOOK-001 | List books by title | UC-BOOK-001 | P1 |

        ## 8. Screen Dependencies

        ### 8.1 Related Screens

        | Screen ID | Name | Usage in this Feature |
        |---|---|---|
        | SCR-001 | Book list | main |
        """),
    LOAN: _d("""
        # Feature Spec: Book lending

        Spec Type: Feature
        Spec ID: S-LOAN-001
        Created: 2025-01-08
        Status: Approved
        Author: Lending team
        Related Domain: S-DOMAIN-001

        ---

        ## 2. Domain Dependencies

        ### 2.1 Master Data Dependencies

        | Master ID | Name | Usage in this Feature |
        |---|---|---|
        | M-BOOK | Book | read |
        | M-LOAN | Loan | create |

        ### 2.2 API Dependencies

        | API ID | Name | Usage |
        |---|---|---|
        | API-LOAN-CREATE | Borrow | borrow |

        ### 2.3 Business Rules Dependencies

        | Rule ID | Description | How it applies |
        |---|---|---|
        | BR-001 | Loan limit | on borrow |

        ### 2.4 Feature Dependencies

        | Feature ID | Type | Description |
        |---|---|---|
        | S-BOOK-001 | Hard | books to lend |

        ## 4. User Stories / Use Cases

        ### UC-LOAN-001: Borrow a book

        **Priority:** P1

        ## 5. Functional Requirements (FR)

        | FR ID | Description | Related UC | Priority |
        |---|---|---|---|
        | FR-LOAN-001 | Create a loan for an available book | UC-LOAN-001 | P1 |

        ## 7. Success Criteria (SC)

        | SC ID | Description | Measurement |
        |---|---|---|
        | SC-LOAN-001 | Borrowing takes under a minute | timing |

        ## 8. Screen Dependencies

        ### 8.1 Related Screens

        | Screen ID | Name | Usage in this Feature |
        |---|---|---|
        | SCR-002 | Loan form | main |

        ## 9. Feature-Specific Rules

        | Rule ID | Description |
        |---|---|
        | FR-RULE-001 | A reserved book cannot be lent |

        ## 10. Testing Strategy

        | UC/FR | Test Type | Test Description |
        |---|---|---|
        | UC-LOAN-001 | Unit | borrow |

        ## 11. Open Questions

        (none)
        """),
    TESTS: _d("""
        import pytest


        @pytest.mark.spec("UC-BOOK-001", "FR-BOOK-001")
        def test_list_books():
            pass


        @pytest.mark.spec("UC-LOAN-001", "FR-LOAN-001")
        def test_borrow():
            pass
        """),
}


Files = dict[str, "str | bytes"]


def with_files(changes: dict[str, str | bytes | None], files: Files | None = None) -> Files:
    """BASE (or `files`) with files added or replaced (`path: text`) or removed (`path: None`)."""
    out: Files = dict(BASE if files is None else files)
    for path, text in changes.items():
        if text is None:
            out.pop(path, None)
        else:
            out[path] = _d(text) if isinstance(text, str) else text
    return out


def edit(path: str, old: str, new: str, files: Files | None = None) -> Files:
    """BASE (or `files`) with one text replacement in one file (the old text must be there)."""
    out: Files = dict(BASE if files is None else files)
    text = out[path]
    assert isinstance(text, str) and old in text, f"{old!r} not in {path}"
    out[path] = text.replace(old, new, 1)
    return out


def write(root: Path, files: Files) -> Path:
    """Write a tree (text or bytes per file) under root; returns root."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    (root / ".specify").mkdir(exist_ok=True)
    return root


Gate = Callable[[Files], list]  # type: ignore[type-arg]


def make_gate(tmp_path: Path) -> Gate:
    """`gate(files)` -> the findings of a fresh tree under tmp_path (no cache)."""
    from specmesh_tasks.gates.run import run_gates

    counter = iter(range(10_000))

    def run(files: Files) -> list:  # type: ignore[type-arg]
        root = write(tmp_path / f"t{next(counter)}", files)
        return list(run_gates(root, use_cache=False).findings)

    return run


def codes(findings: list) -> set[str]:  # type: ignore[type-arg]
    """The codes of some findings."""
    return {f.code for f in findings}


def severity_of(findings: list, code: str) -> Any:  # type: ignore[type-arg]
    """The severity of the first finding with this code."""
    return next(f.severity for f in findings if f.code == code)
