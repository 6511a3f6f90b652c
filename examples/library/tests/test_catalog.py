# @spec S-CATALOG-001
"""Catalog search and book details (lending/catalog.py)."""

from __future__ import annotations

from datetime import date

import pytest
from lending.catalog import PAGE_SIZE, Catalog, availability
from lending.errors import LendingError
from lending.models import Book, Loan


@pytest.fixture
def catalog(books: tuple[Book, ...]) -> Catalog:
    return Catalog(books)


# @fr FR-CATALOG-001
@pytest.mark.spec("UC-CATALOG-001")
def test_search_matches_title_or_author_ignoring_case(catalog: Catalog) -> None:
    assert [b.title for b in catalog.search("AUSTEN").books] == ["Persuasion", "Pride and Prejudice"]
    assert [b.title for b in catalog.search("moby").books] == ["Moby-Dick"]


# @fr FR-CATALOG-001
def test_search_finds_japanese_titles_and_authors(catalog: Catalog) -> None:
    assert [b.book_id for b in catalog.search("こころ").books] == ["B-0001"]
    assert [b.book_id for b in catalog.search("漱石").books] == ["B-0001"]
    assert catalog.search("カラマーゾフ").total == 0


@pytest.mark.spec("UC-CATALOG-001", "FR-CATALOG-002")
def test_results_are_sorted_by_title_and_paged(catalog: Catalog) -> None:
    many = Catalog(
        Book(f"B-{n:04d}", "978-0-00-000001-9", f"Volume {n:02d}", "Anthology") for n in range(45, 0, -1)
    )
    first, last = many.search("volume"), many.search("volume", page=3)
    assert (first.total, first.pages, len(first.books)) == (45, 3, PAGE_SIZE)
    assert first.books[0].title == "Volume 01"
    assert [b.title for b in last.books] == [f"Volume {n}" for n in range(41, 46)]
    with pytest.raises(LendingError) as err:
        many.search("volume", page=0)
    assert err.value.code == "INVALID_PAGE"


@pytest.mark.spec("FR-CATALOG-003", "BR-006")
def test_withdrawn_books_are_hidden_from_search_and_detail(catalog: Catalog) -> None:
    assert catalog.search("Emma").total == 0
    with pytest.raises(LendingError) as err:
        catalog.get("B-0006")
    assert err.value.code == "BOOK_NOT_FOUND"


@pytest.mark.spec("FR-CATALOG-005", "VR-001")
@pytest.mark.parametrize(
    ("isbn", "valid"),
    [
        ("978-4-10-101013-7", True),
        ("9784101010137", True),
        ("979-12-345-6789-6", True),
        ("978-4-10-101013-8", False),  # wrong check digit
        ("977-4-10-101013-0", False),  # neither 978 nor 979
        ("978-4-10-10101-37", True),  # hyphens are cosmetic
        ("978410101013", False),  # 12 digits
        ("９７８４１０１０１０１３７", False),  # full-width digits
    ],
)
def test_isbn_rule(catalog: Catalog, isbn: str, valid: bool) -> None:
    book = Book("B-9999", isbn, "Test", "Tester")
    if valid:
        assert catalog.add(book).isbn.isdigit()
    else:
        with pytest.raises(LendingError) as err:
            catalog.add(book)
        assert err.value.code == "INVALID_ISBN"


# @fr FR-CATALOG-005
def test_isbn_search_finds_exactly_one_book(catalog: Catalog) -> None:
    assert [b.book_id for b in catalog.search("978-0-14-143968-6").books] == ["B-0004"]
    with pytest.raises(LendingError) as err:
        catalog.search("9780141439687")
    assert err.value.code == "INVALID_ISBN"


@pytest.mark.spec("UC-CATALOG-001", "VR-003")
@pytest.mark.parametrize("query", ["", "   ", "x" * 101])
def test_search_text_length_is_checked(catalog: Catalog, query: str) -> None:
    with pytest.raises(LendingError) as err:
        catalog.search(query)
    assert err.value.code == "INVALID_QUERY"
    assert catalog.search("x" * 100).total == 0


# @uc UC-CATALOG-002
# @fr FR-CATALOG-004
def test_detail_shows_copies_on_shelf_and_next_return(catalog: Catalog) -> None:
    pride = catalog.get("B-0003")
    out = [
        Loan("LN-1", "B-0003", "LIB-000101", date(2026, 4, 1), date(2026, 4, 15)),
        Loan("LN-2", "B-0003", "LIB-000102", date(2026, 4, 3), date(2026, 4, 17)),
        Loan("LN-3", "B-0003", "LIB-000103", date(2026, 3, 1), date(2026, 3, 15), date(2026, 3, 10)),
    ]
    assert availability(pride, out[:1]).available == 1
    assert availability(pride, out[:1]).next_due is None
    both_out = availability(pride, out)
    assert (both_out.available, both_out.next_due) == (0, date(2026, 4, 15))
